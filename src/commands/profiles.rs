//! `grant profiles`: profile names for people and for shell completion.
//!
//! Completion runs this on every Tab, so the sorted names are kept in the state
//! folder under the identity of the AWS files, and read again only when the files
//! change. Profile names are not secret: they are plaintext in ~/.aws/config.

use std::io::{self, Write};
use std::path::Path;

use crate::config::AwsFiles;
use crate::{fsutil, paths};

const NAMES_FILE: &str = "profile-names";

pub fn run() -> anyhow::Result<()> {
    let aws_files = [paths::aws_config_file(), paths::aws_credentials_file()];
    let identity = fsutil::files_identity(&[&aws_files[0], &aws_files[1]], NAMES_FILE);
    let saved = paths::grant_state_dir().join(NAMES_FILE);
    let names = match saved_names(&saved, &identity) {
        Some(names) => names,
        None => {
            let names: String = AwsFiles::list_profile_names()?
                .iter()
                .flat_map(|name| [name, "\n"])
                .collect();
            let contents = format!("{identity}\n{names}");
            if let Err(error) = fsutil::write_atomic(&saved, contents.as_bytes(), None) {
                crate::debug!(
                    "cannot keep the profile names in {}: {error}",
                    saved.display()
                );
            }
            names
        }
    };
    match io::stdout().lock().write_all(names.as_bytes()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(error.into()),
        _ => Ok(()),
    }
}

/// The names saved for files whose identity is `identity`.
fn saved_names(path: &Path, identity: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let (saved_identity, names) = text.split_once('\n')?;
    (saved_identity == identity).then(|| names.to_owned())
}
