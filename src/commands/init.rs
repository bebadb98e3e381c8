//! `grant init SHELL` and `grant completions SHELL`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::{Cli, ShellName};
use crate::settings::Settings;
use crate::shell::integration::{self, FISH_COMPLETION_LOADER, InitFiles};
use crate::shell::{Shell, complete, directory, tcsh};
use crate::{fsutil, paths};

pub fn init(shell: ShellName, save: Option<&Path>) -> anyhow::Result<()> {
    let shell = super::shell_of(shell);
    if save.is_some() && shell != Shell::Tcsh {
        anyhow::bail!(
            "grant init --save is for tcsh; {shell} evaluates `grant init {shell}` at start (see grant init --help)"
        );
    }
    let state = paths::grant_state_dir();
    let mut files = InitFiles {
        fish_clock: state.join("clock"),
        fish_completions: None,
        allow_stamp: crate::allowed_dirs::stamp_file(&state),
        nothing_above: None,
    };
    if shell == Shell::Tcsh && save.is_none() {
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
    if let Some(file) = save {
        return save_tcsh(&script, file);
    }
    super::print_lines([script.trim_end()])?;
    Ok(())
}

/// `grant init tcsh --save FILE`: the integration in FILE, which renews itself
/// when the binary that wrote it changes, and `source FILE` on stdout (the line for
/// ~/.tcshrc, and what the renewal evaluates).
fn save_tcsh(statements: &str, file: &Path) -> anyhow::Result<()> {
    let file = std::path::absolute(file)
        .with_context(|| format!("cannot save tcsh's integration to {}", file.display()))?;
    let binary = std::env::current_exe().context("cannot find grant's own path")?;
    let modified = std::fs::metadata(&binary)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(-1, |age| i64::try_from(age.as_secs()).unwrap_or(-1));
    let quoted = |path: &Path, what: &str| {
        Shell::Tcsh.quote(&path.to_string_lossy()).with_context(|| {
            format!(
                "cannot save tcsh's integration: {what} {} cannot be given to tcsh; use eval \"`grant init tcsh`\" in ~/.tcshrc",
                path.display()
            )
        })
    };
    let quoted_file = quoted(&file, "the file")?;
    // Every tcsh start runs this file: a folder others can write to would let them
    // swap it for their code.
    if let Some(dir) = file.parent() {
        fsutil::check_trusted_dir(dir)
            .with_context(|| format!("cannot save tcsh's integration to {}", file.display()))?;
    }
    let saved = tcsh::saved_copy(
        statements,
        &quoted(&binary, "grant's path")?,
        modified,
        &quoted_file,
    );
    let mode = fsutil::file_mode(&file);
    fsutil::write_atomic(&file, saved.as_bytes(), mode)
        .with_context(|| format!("cannot write {}", file.display()))?;
    super::print_lines([format!("source {quoted_file}").as_str()])?;
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
