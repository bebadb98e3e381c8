//! `grant settings [list | get NAME | set --setting NAME --value VALUE]`.
//!
//! `list` prints `Name = value` per setting, values bare (no TOML quotes) and
//! `Name = (not set)` for an optional setting without a value. `get` prints the bare
//! value, or an empty line when not set (no valid value is empty, so this is
//! unambiguous). `set` with an empty value removes the setting from the file, so the
//! default applies again.

use anyhow::Context;

use super::print_lines;
use crate::cli::{SettingsArgs, SettingsCommand};
use crate::lock::Lock;
use crate::settings::{self, SETTINGS, Settings};
use crate::term_text::shown;

const SETTINGS_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

pub fn run(args: SettingsArgs) -> anyhow::Result<()> {
    match args.command.unwrap_or(SettingsCommand::List) {
        SettingsCommand::List => list(),
        SettingsCommand::Get { name } => get(&name),
        SettingsCommand::Set { setting, value } => set(&setting, &value),
    }
}

fn load() -> anyhow::Result<Settings> {
    Settings::load().context("cannot load grant's settings")
}

fn list() -> anyhow::Result<()> {
    let settings = load()?;
    let lines = SETTINGS.iter().map(|setting| {
        let value = settings.get(setting).map(|value| value.to_string());
        format!(
            "{} = {}",
            setting.name,
            shown(value.as_deref().unwrap_or("(not set)"))
        )
    });
    print_lines(lines).context("cannot write to stdout")
}

fn get(name: &str) -> anyhow::Result<()> {
    let setting = settings::find_setting(name)?;
    let value = load()?
        .get(setting)
        .map(|value| value.to_string())
        .unwrap_or_default();
    print_lines([shown(&value)]).context("cannot write to stdout")
}

fn set(name: &str, input: &str) -> anyhow::Result<()> {
    let setting = settings::find_setting(name)?;
    let value = if input.is_empty() {
        None
    } else {
        Some(setting.parse_value(input)?)
    };
    let path = settings::config_file();
    // Read, edit, write: two at once must not lose one's change.
    let _lock = Lock::acquire(
        &format!("settings:{}", path.display()),
        &format!("grant's settings file {}", path.display()),
        SETTINGS_LOCK_TIMEOUT,
    )?;
    settings::save_setting(&path, setting, value.as_ref())
        .with_context(|| format!("cannot save {}", setting.name))?;
    match (value, setting.default_value()) {
        (Some(value), _) => eprintln!(
            "{} = {} (saved in {})",
            setting.name,
            shown(&value.to_string()),
            path.display()
        ),
        (None, Some(default)) => eprintln!(
            "{} reset to its default, {default} (saved in {})",
            setting.name,
            path.display()
        ),
        (None, None) => eprintln!(
            "{} is no longer set (saved in {})",
            setting.name,
            path.display()
        ),
    }
    Ok(())
}
