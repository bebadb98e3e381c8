//! `grant profiles convert PROFILE... | --all [--dry-run]`: rewrites profiles into
//! grant's form (`crate::convert`), in the AWS config file, atomically and with the
//! backup populate leaves; `--dry-run` prints the unified diff and writes nothing.

use std::path::Path;

use crate::cli::ConvertArgs;
use crate::config::document::{Change, Document};
use crate::config::edit::{Edit, backup_path};
use crate::config::{FileKind, SectionKind};
use crate::convert::{self, Converted};
use crate::paths;
use crate::shell::shell_word;
use crate::term_text::shown;

pub fn run(args: &ConvertArgs) -> anyhow::Result<()> {
    let path = paths::aws_config_file();
    if !path.exists() {
        anyhow::bail!(
            "there is no AWS config file at {}: nothing to convert",
            path.display()
        )
    }
    let edit = Edit::new(&path, FileKind::Config).with_backup();
    if args.dry_run {
        let preview = edit.preview(|document| convert_all(document, args))?;
        return print_diff(&path, &preview.before, &preview.after);
    }
    let edited = edit.apply(|document| convert_all(document, args))?;
    if !edited.written {
        eprintln!("grant: nothing to convert in {}", path.display());
        return Ok(());
    }
    report(&edited.value, &path);
    Ok(())
}

/// Converts the named profiles (any that cannot be is an error, and nothing is
/// written), or with `--all` every profile that can be.
fn convert_all(document: &mut Document, args: &ConvertArgs) -> anyhow::Result<Vec<Converted>> {
    let names: Vec<String> = if args.all {
        document
            .section_names(SectionKind::Profile)
            .into_iter()
            .filter(|name| convert::is_convertible(document, name))
            .map(str::to_owned)
            .collect()
    } else {
        args.profiles.clone()
    };
    let mut converted = Vec::new();
    for name in &names {
        match convert::convert_profile(document, name) {
            Ok(done) => converted.push(done),
            Err(error) if args.all => eprintln!("grant: skipped: {}", shown(&error.to_string())),
            Err(error) => return Err(error.into()),
        }
    }
    if args.all && converted.is_empty() {
        eprintln!(
            "grant: no profile has sso_* keys or a Granted or aws-sso-credential-process line"
        );
    }
    Ok(converted)
}

/// The change as a unified diff on stdout (values escaped for the terminal).
fn print_diff(path: &Path, old: &str, new: &str) -> anyhow::Result<()> {
    if old == new {
        eprintln!("grant: nothing to convert in {}", path.display());
        return Ok(());
    }
    let name = path.display().to_string();
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .header(&name, &name)
        .to_string();
    super::print_lines(diff.lines().map(|line| shown(line).into_owned()))?;
    Ok(())
}

fn report(converted: &[Converted], path: &Path) {
    for done in converted {
        let name = shown(&done.profile);
        match done.change {
            Change::Unchanged => continue,
            Change::Added | Change::Updated => {
                eprintln!("grant: converted profile {name}: grant credential-process serves it")
            }
        }
        for note in &done.notes {
            eprintln!("grant: profile {name}: {}", shown(note));
        }
    }
    eprintln!(
        "grant: wrote {} (the previous version is {})",
        path.display(),
        backup_path(path).display()
    );
    if let Some(first) = converted.first() {
        eprintln!(
            "grant: sign in once with: grant sso login --profile {}",
            shown(&shell_word(&first.profile))
        );
    }
}
