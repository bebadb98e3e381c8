//! `grant allow [DIR]`, `grant deny [DIR]`, and the hidden `grant directory-profile`
//! that the directory hook of `grant init` runs when the nearest `.aws-profile`
//! changes.
//!
//! The shell only finds the file (walking up from `$PWD`, no process) and passes
//! its path; this binary decides: the file must be a plain file, in the allow list
//! with the SHA-256 of its bytes as they are now, and name a profile of the AWS
//! config. Then it prints what `assume` prints; otherwise one line on stderr and
//! nothing on stdout, so the shell switches nothing.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, FromArgMatches};

use crate::allowed_dirs::{
    self, AllowList, FILE_NAME, ProfileFileError, Verdict, canonical_file, nearest_file,
    profile_name, read_profile_file,
};
use crate::cli::{AssumeArgs, DirectoryArgs, DirectoryProfileArgs, ShellName};
use crate::config::AwsFiles;
use crate::paths;

use crate::shell::shell_word;
use crate::term_text::shown;

pub fn allow(args: &DirectoryArgs) -> anyhow::Result<()> {
    let file = profile_file(args.dir.as_deref(), "allow")?;
    let key = canonical_file(&file)?;
    let bytes = match read_profile_file(Path::new(&key)) {
        Err(ProfileFileError::Io { source, .. }) if source.kind() == ErrorKind::NotFound => bail!(
            "there is no {key} to allow; write the profile's name into it first (echo NAME > {})",
            shell_word(&key)
        ),
        read => read?,
    };
    let digest = allowed_dirs::digest(&bytes);
    AllowList::edit(&paths::grant_state_dir(), |list| list.allow(&key, &digest))?;
    let name = profile_name(&bytes);
    eprintln!(
        "grant: allowed {} (profile {}); every shell with grant's integration in {} switches to it at its next prompt",
        shown(&key),
        shown(&name.map_or_else(|| "none".to_owned(), shell_word)),
        shown(&shell_word(folder_of(&key)))
    );
    match name {
        None => eprintln!(
            "grant: note: the first line of {} names no profile; nothing switches until it does",
            shown(&key)
        ),
        Some(name) if !is_a_profile(name)? => eprintln!(
            "grant: note: there is no profile {} in {} (grant profiles lists them)",
            shown(&shell_word(name)),
            shown(&paths::aws_config_file().display().to_string())
        ),
        Some(_) => {}
    }
    Ok(())
}

pub fn deny(args: &DirectoryArgs) -> anyhow::Result<()> {
    let file = profile_file(args.dir.as_deref(), "deny")?;
    // A folder that is gone can still be denied, by the path it had.
    let key = canonical_file(&file).or_else(|error| {
        std::path::absolute(&file)
            .ok()
            .and_then(|path| path.to_str().map(str::to_owned))
            .ok_or(error)
    })?;
    let removed = AllowList::edit(&paths::grant_state_dir(), |list| list.deny(&key))?;
    if removed {
        eprintln!(
            "grant: denied {}: it no longer switches a shell's profile",
            shown(&key)
        );
    } else {
        eprintln!("grant: {} was not allowed; nothing to deny", shown(&key));
    }
    Ok(())
}

/// Where tcsh's hook names the file.
const FILE_VARIABLE: &str = "GRANT_DIRECTORY_FILE";

/// The hook's call: `assume`'s shell code for the profile the allowed file names.
/// With AutoAssumeDirectory off it prints nothing, for shells started before the
/// setting changed (`grant init` leaves the hook out after).
pub fn directory_profile(args: &DirectoryProfileArgs) -> anyhow::Result<()> {
    let settings = super::settings()?;
    if !settings.auto_assume_directory() {
        return Ok(());
    }
    let file = match (&args.file, crate::env::os_value(FILE_VARIABLE)) {
        (Some(file), _) => file.clone(),
        (None, Some(file)) if !file.is_empty() => PathBuf::from(file),
        _ => bail!("give the .aws-profile file, or name it in {FILE_VARIABLE}"),
    };
    let name = match allowed_profile(&file) {
        Ok(name) => name,
        Err(_) if args.quiet => return Ok(()),
        Err(error) => return Err(error),
    };
    super::assume::run(assume_args(args.shell, name)?)
}

/// The profile `file` names, if the allow list holds it with these very bytes and
/// the profile exists; else why not, with what to run. The bytes are read at the
/// path the list knows, so what is checked is what was resolved.
fn allowed_profile(file: &Path) -> anyhow::Result<String> {
    let key = canonical_file(file)?;
    let bytes = read_profile_file(Path::new(&key))?;
    let allow_command = format!("grant allow {}", shell_word(folder_of(&key)));
    match AllowList::load(&paths::grant_state_dir())?.verdict(&key, &allowed_dirs::digest(&bytes)) {
        Verdict::Allowed => {}
        Verdict::Changed => bail!(
            "{key} changed since it was allowed, so it does not switch profiles; read it, then run: {allow_command}"
        ),
        Verdict::NotAllowed => bail!(
            "{key} is not allowed to switch this shell's profile; if you trust it, run: {allow_command}"
        ),
    }
    let Some(name) = profile_name(&bytes) else {
        bail!("{key}: its first line names no profile");
    };
    if !is_a_profile(name)? {
        bail!(
            "{key} names the profile {}, which is not in {}; no switch (grant profiles lists them)",
            shell_word(name),
            paths::aws_config_file().display()
        );
    }
    Ok(name.to_owned())
}

fn is_a_profile(name: &str) -> anyhow::Result<bool> {
    Ok(AwsFiles::list_profile_names()?
        .iter()
        .any(|known| known == name))
}

/// `grant assume --shell SHELL` with every other flag at its default, for `name`:
/// the name is set after parsing, so it can never be read as a flag.
fn assume_args(shell: ShellName, name: String) -> anyhow::Result<AssumeArgs> {
    let shell = super::shell_of(shell).name();
    let matches = AssumeArgs::augment_args(clap::Command::new("assume"))
        .try_get_matches_from(["assume", "--shell", shell])?;
    let mut args = AssumeArgs::from_arg_matches(&matches)?;
    args.profile = Some(name);
    Ok(args)
}

/// The `.aws-profile` that `grant allow DIR` / `deny DIR` means: DIR's, DIR itself
/// when it names the file, or without DIR the nearest from the current directory.
fn profile_file(dir: Option<&Path>, verb: &str) -> anyhow::Result<PathBuf> {
    match dir {
        Some(dir) if dir.file_name() == Some(FILE_NAME.as_ref()) && !dir.is_dir() => {
            Ok(dir.to_path_buf())
        }
        Some(dir) => Ok(dir.join(FILE_NAME)),
        None => {
            let here = current_dir()?;
            nearest_file(&here).with_context(|| {
                format!(
                    "there is no {FILE_NAME} in {} or any folder above it; give the directory: grant {verb} DIR",
                    here.display()
                )
            })
        }
    }
}

/// The shell's `$PWD` when it is this directory (it keeps the path the user took,
/// through symlinks, as the shell's walk up does), else the resolved one.
pub(super) fn current_dir() -> anyhow::Result<PathBuf> {
    let resolved = std::env::current_dir().context("cannot read the current directory")?;
    let logical = crate::env::os_value("PWD")
        .map(PathBuf::from)
        .filter(|pwd| pwd.is_absolute())
        .filter(|pwd| std::fs::canonicalize(pwd).is_ok_and(|pwd| pwd == resolved));
    Ok(logical.unwrap_or(resolved))
}

fn folder_of(file: &str) -> &str {
    file.strip_suffix(FILE_NAME)
        .map(|folder| {
            folder
                .strip_suffix('/')
                .filter(|f| !f.is_empty())
                .unwrap_or("/")
        })
        .unwrap_or(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_of_a_file_is_what_grant_allow_takes() {
        assert_eq!(
            folder_of("/home/me/project/.aws-profile"),
            "/home/me/project"
        );
        assert_eq!(folder_of("/.aws-profile"), "/");
    }

    #[test]
    fn a_profile_name_that_looks_like_a_flag_stays_the_profile() {
        let args = assume_args(ShellName::Bash, "--unset".to_owned()).unwrap();
        assert_eq!(args.profile.as_deref(), Some("--unset"));
        assert!(!args.unset && !args.exec && !args.export_all_env_vars);
    }
}
