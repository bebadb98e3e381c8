//! `grant init SHELL` and `grant completions SHELL`.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::{Cli, ShellName};
use crate::settings::Settings;
use crate::shell::integration::{self, FISH_COMPLETION_LOADER, InitFiles};
use crate::shell::{Shell, complete, directory};
use crate::{fsutil, paths};

pub fn init(shell: ShellName) -> anyhow::Result<()> {
    let shell = super::shell_of(shell);
    let state = paths::grant_state_dir();
    let mut files = InitFiles {
        fish_clock: state.join("clock"),
        fish_completions: None,
        allow_stamp: crate::allowed_dirs::stamp_file(&state),
        nothing_above: None,
    };
    if shell == Shell::Tcsh {
        files.nothing_above = super::allow::current_dir()
            .ok()
            .filter(|dir| crate::allowed_dirs::nearest_file(dir).is_none());
    }
    if shell == Shell::Fish {
        ensure_clock(&files.fish_clock);
        files.fish_completions = fish_completion_loaders(&state.join("fish-completions"));
    }
    let mut script = integration::init(shell, Cli::command, &files)?;
    if !auto_assume_directory() {
        script = directory::without_hook(shell, &script);
    }
    super::print_lines([script.trim_end()])?;
    Ok(())
}

/// `grant __tcsh-directory-hook`: what the stand-in of `grant init tcsh` loads.
pub fn tcsh_directory_hook() -> anyhow::Result<()> {
    super::print_lines([directory::tcsh_hook().trim_end()])?;
    Ok(())
}

pub fn completions(shell: ShellName) -> anyhow::Result<()> {
    let shell = super::shell_of(shell);
    let script = integration::completions(shell, Cli::command());
    super::print_lines([script.trim_end()])?;
    Ok(())
}

/// `grant __complete -- WORDS`: the candidates for the last word, as JSON on one line.
pub fn complete(words: Vec<std::ffi::OsString>) -> anyhow::Result<()> {
    let cwd = std::env::current_dir().ok();
    let json = complete::candidates_json(Cli::command(), words, cwd.as_deref(), profile_names);
    super::print_lines([json.as_str()])?;
    Ok(())
}

/// The profile names completion offers; none when the AWS files cannot be read.
fn profile_names() -> Vec<String> {
    super::profiles::names().map_or_else(
        |_| Vec::new(),
        |names| names.lines().map(str::to_owned).collect(),
    )
}

/// fish's clock: an empty file dated at the epoch, whose age is the time. Without
/// it the hook falls back to `date`, so a failure here is only logged.
fn ensure_clock(path: &Path) {
    let made = path
        .parent()
        .map_or(Ok(()), |dir| {
            fsutil::check_trusted_dir(dir).map_err(std::io::Error::other)?;
            fsutil::create_private_dir(dir)
        })
        .and_then(|()| fsutil::remove_unless_plain_file(path))
        .and_then(|()| {
            let file = fsutil::private_file_options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)?;
            file.set_modified(std::time::UNIX_EPOCH)
        });
    if let Err(error) = made {
        crate::debug!("cannot make fish's clock {}: {error}", path.display());
    }
}

/// The setting AutoAssumeDirectory; unreadable settings leave the hook in, and the
/// hook's own call reports them.
fn auto_assume_directory() -> bool {
    Settings::load().map_or(true, |settings| settings.auto_assume_directory())
}

/// The folder from which fish autoloads grant's completion: `grant.fish` and
/// `assume.fish`, each the loader, rewritten only when they differ from it. `None`
/// (logged) when they cannot be made: init then sources the completion at start.
fn fish_completion_loaders(dir: &Path) -> Option<PathBuf> {
    let trusted = |dir: &Path| fsutil::check_trusted_dir(dir).map_err(std::io::Error::other);
    let made = dir
        .parent()
        .map_or(Ok(()), trusted)
        .and_then(|()| trusted(dir))
        .and_then(|()| {
            for command in ["grant", "assume"] {
                let path = dir.join(format!("{command}.fish"));
                let current = fsutil::read_own_file(&path, 4096).ok().flatten();
                if current.as_deref() != Some(FISH_COMPLETION_LOADER.as_bytes()) {
                    fsutil::write_atomic(&path, FISH_COMPLETION_LOADER.as_bytes(), None)?;
                }
            }
            Ok(())
        });
    match made {
        Ok(()) => Some(dir.to_path_buf()),
        Err(error) => {
            crate::debug!(
                "cannot write fish's completion loaders in {}: {error}",
                dir.display()
            );
            None
        }
    }
}
