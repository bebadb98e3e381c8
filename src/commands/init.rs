//! `grant init SHELL` and `grant completions SHELL`.

use clap::CommandFactory;

use crate::cli::{Cli, ShellName};
use crate::settings::Settings;
use crate::shell::{Shell, directory, integration};
use crate::{fsutil, paths};

pub fn init(shell: ShellName) -> anyhow::Result<()> {
    let shell = super::shell_of(shell);
    let clock = paths::grant_state_dir().join("clock");
    if shell == Shell::Fish {
        ensure_clock(&clock);
    }
    let mut script = integration::init(shell, Cli::command(), &clock)?;
    if !auto_assume_directory() {
        script = directory::without_hook(shell, &script);
    }
    super::print_lines([script.trim_end()])?;
    Ok(())
}

pub fn completions(shell: ShellName) -> anyhow::Result<()> {
    let shell = super::shell_of(shell);
    let script = integration::completions(shell, Cli::command());
    super::print_lines([script.trim_end()])?;
    Ok(())
}

/// fish's clock: an empty file dated at the epoch, whose age is the time. Without
/// it the hook falls back to `date`, so a failure here is only logged.
fn ensure_clock(path: &std::path::Path) {
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
