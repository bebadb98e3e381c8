//! `grant uninstall`: what grant leaves on a machine besides its binary, listed, and
//! with `--yes` removed: the state folder, the settings folder and the data key in
//! the secret store. The lines of the AWS files that run grant are only listed: they
//! are the user's profiles, which grant does not take apart.

use std::path::Path;

use anyhow::bail;

use crate::cli::UninstallArgs;
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::term_text::shown;

pub fn run(args: &UninstallArgs) -> anyhow::Result<()> {
    let folders = [
        (
            crate::paths::grant_state_dir(),
            "state: encrypted tokens and credentials, logs, allowed directories",
        ),
        (crate::paths::grant_config_dir(), "settings"),
    ];
    let mut failures = Vec::new();
    if args.yes {
        if let Err(problem) = remove_data_key() {
            failures.push(problem);
        }
        for (folder, _) in &folders {
            match remove_folder(folder) {
                Ok(true) => println!("removed {}", shown_path(folder)),
                Ok(false) => {}
                Err(problem) => failures.push(problem),
            }
        }
    } else {
        println!("grant uninstall --yes removes:");
        for (folder, what) in &folders {
            let there = if folder.exists() { "" } else { ", not there" };
            println!("  {} ({what}{there})", shown_path(folder));
        }
        println!("  grant's data key in the secret store (Keyring.Backend)");
    }
    list_lines_that_run_grant();
    if !failures.is_empty() {
        bail!("{}", failures.join("; "));
    }
    Ok(())
}

/// Deletes every entry of the store and its data key from the OS store holding it.
fn remove_data_key() -> Result<(), String> {
    let settings = Settings::load().unwrap_or_default();
    let store = SecretStore::open(&settings)
        .map_err(|error| format!("cannot open the secret store: {error}"))?;
    let backend = store.backend_name();
    store
        .destroy()
        .map_err(|error| format!("cannot remove the data key from {backend}: {error}"))?;
    println!("removed the secret store's entries and its data key ({backend})");
    Ok(())
}

/// Removes `folder` and everything in it, when it is grant's own: named `grant`, as
/// every default location is. A folder that `GRANT_STATE_DIR` or `GRANT_CONFIG_DIR`
/// point at under another name may hold more than grant's files, and is left.
/// `Ok(false)` when there was nothing to remove. A symbolic link is removed as a
/// link, never followed.
fn remove_folder(folder: &Path) -> Result<bool, String> {
    if std::fs::symlink_metadata(folder).is_err() {
        return Ok(false);
    }
    if !is_grants_own(folder) {
        return Err(format!(
            "left {}: not named grant, so it may hold more than grant's files; delete it yourself",
            shown_path(folder)
        ));
    }
    let removed = if std::fs::symlink_metadata(folder).is_ok_and(|meta| meta.is_dir()) {
        std::fs::remove_dir_all(folder)
    } else {
        std::fs::remove_file(folder)
    };
    removed
        .map(|()| true)
        .map_err(|error| format!("cannot remove {}: {error}", shown_path(folder)))
}

fn is_grants_own(folder: &Path) -> bool {
    folder.file_name().is_some_and(|name| name == "grant")
}

/// Prints each line of the AWS config and credentials files that runs grant or is
/// grant's marker, as `file:line: text`.
fn list_lines_that_run_grant() {
    let mut found = Vec::new();
    for file in [
        crate::paths::aws_config_file(),
        crate::paths::aws_credentials_file(),
    ] {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (number, line) in lines_that_run_grant(&text) {
            found.push(format!("  {}:{number}: {}", shown_path(&file), shown(line)));
        }
    }
    if found.is_empty() {
        println!("No line of the AWS config and credentials files runs grant.");
        return;
    }
    println!(
        "These lines of your AWS files still run grant or mark its profiles; grant does not edit them: delete them, or point the profiles elsewhere:"
    );
    for line in found {
        println!("{line}");
    }
}

/// The 1-based numbers and text of the lines of `text` (an AWS config or credentials
/// file) that are a `credential_process` running `grant`, or one of grant's marker
/// keys.
fn lines_that_run_grant(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line_runs_grant(line))
        .map(|(index, line)| (index + 1, line.trim_end()))
        .collect()
}

fn line_runs_grant(line: &str) -> bool {
    let line = line.trim();
    if line.starts_with(['#', ';']) {
        return false;
    }
    let Some((key, value)) = line.split_once('=') else {
        return false;
    };
    match key.trim().to_ascii_lowercase().as_str() {
        "grant_iam_user" | "grant_generated_from" => true,
        "credential_process" => shlex::split(value.trim())
            .and_then(|words| words.into_iter().next())
            .is_some_and(|program| is_grant_program(&program)),
        _ => false,
    }
}

/// `grant`, by name or by a path to it (`grant.exe` on Windows).
fn is_grant_program(program: &str) -> bool {
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    name == "grant" || name.eq_ignore_ascii_case("grant.exe")
}

fn shown_path(path: &Path) -> String {
    shown(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_grants_processes_and_markers_and_nothing_else() {
        let text = "[profile dev]\n\
            credential_process = grant credential-process --profile dev\n\
            # credential_process = grant credential-process --profile old\n\
            [profile other]\n\
            credential_process = granted credential-process --profile other\n\
            credential_process=/usr/local/bin/grant credential-process --profile x\n\
            Credential_Process = 'C:\\Tools\\grant.exe' credential-process --profile w\n\
            grant_iam_user = true\n\
            grant_generated_from = https://x.awsapps.com/start\n\
            granted_sso_region = eu-west-1\n\
            credential_process = aws-vault export --format=json grant\n\
            credential_process = \"unclosed\n";
        let numbers: Vec<usize> = lines_that_run_grant(text)
            .iter()
            .map(|(number, _)| *number)
            .collect();
        assert_eq!(numbers, [2, 6, 7, 8, 9]);
    }

    #[test]
    fn only_a_folder_named_grant_is_removed_whole() {
        assert!(is_grants_own(Path::new("/home/u/.local/state/grant")));
        assert!(!is_grants_own(Path::new("/home/u")));
        assert!(!is_grants_own(Path::new("/")));
        assert!(!is_grants_own(Path::new("/home/u/grant-data")));
    }
}
