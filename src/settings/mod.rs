//! grant's own settings: `config.toml` in `paths::grant_config_dir()`.
//!
//! `SETTINGS` is the one list of what exists: name, kind, default and description.
//! Names are matched case-insensitively (in the file too, as Granted's TOML reader
//! does) and shown in their canonical spelling. A dotted name such as `Keyring.Backend`
//! is a key inside a TOML table (`[Keyring]` / `Backend = "..."`).
//!
//! An empty value means "not set", both in the file and on the command line: it is
//! how `settings set` restores a default, and what `settings get` prints for it.

mod file;
mod registry;
#[cfg(test)]
mod tests;
mod values;

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::{fsutil, paths};

pub use file::save_setting;
use file::*;
use registry::*;
pub use registry::{Kind, SETTINGS, Setting, find_setting};
pub use values::{Browser, ConsoleIsolation, KeyringBackend, Value};

/// The settings file's name inside grant's config folder.
pub const CONFIG_FILE_NAME: &str = "config.toml";

/// Where the settings live: `$GRANT_CONFIG_DIR/config.toml` and its fallbacks.
pub fn config_file() -> PathBuf {
    paths::grant_config_dir().join(CONFIG_FILE_NAME)
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Untrusted(#[from] fsutil::UntrustedDir),
    #[error("unknown setting '{name}'{}; valid settings: {}", did_you_mean(*.suggestion), valid_names())]
    UnknownSetting {
        name: String,
        suggestion: Option<&'static str>,
    },
    #[error("{name} expects {expected}, got {got}")]
    InvalidValue {
        name: &'static str,
        expected: String,
        got: String,
    },
    #[error("{}: {source}", .path.display())]
    InFile {
        path: PathBuf,
        source: Box<SettingsError>,
    },
    #[error("{}: {message}", location(.path, *.line))]
    Syntax {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("{}: '{table}' must be a table, as it holds {name}", .path.display())]
    NotATable {
        path: PathBuf,
        table: String,
        name: &'static str,
    },
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|name| format!(" (did you mean '{name}'?)"))
        .unwrap_or_default()
}

fn valid_names() -> String {
    SETTINGS
        .iter()
        .map(|setting| setting.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `PATH:LINE`, or `PATH` when the line is unknown.
fn location(path: &Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

/// The settings in force: the file's values over the registry's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Only what the file sets, keyed by canonical name.
    values: BTreeMap<&'static str, Value>,
}

impl Settings {
    /// Reads `config_file()`. A missing file means all defaults; nothing is created.
    pub fn load() -> Result<Settings, SettingsError> {
        Settings::load_from(&config_file())
    }

    /// Reads `path`. A missing file means all defaults; nothing is created. Keys grant
    /// does not know are ignored, so a file shared with another version still loads.
    pub fn load_from(path: &Path) -> Result<Settings, SettingsError> {
        let Some(text) = read_if_exists(path)? else {
            return Ok(Settings::default());
        };
        let document = parse_document(path, &text)?;
        let mut values = BTreeMap::new();
        for setting in SETTINGS {
            if let Some(value) = read_setting(path, &document, setting)? {
                values.insert(setting.name, value);
            }
        }
        Ok(Settings { values })
    }

    /// The value in force for `setting`: the file's, else the default; `None`: not set.
    pub fn get(&self, setting: &Setting) -> Option<Value> {
        self.values
            .get(setting.name)
            .cloned()
            .or_else(|| setting.default_value())
    }

    /// Whether the file sets `setting` (rather than the default applying).
    #[cfg(test)]
    pub fn is_set_in_file(&self, setting: &Setting) -> bool {
        self.values.contains_key(setting.name)
    }

    pub fn credential_process_auto_login(&self) -> bool {
        self.bool(CREDENTIAL_PROCESS_AUTO_LOGIN)
    }

    pub fn default_export_all_env_var(&self) -> bool {
        self.bool(DEFAULT_EXPORT_ALL_ENV_VAR)
    }

    pub fn auto_reassume(&self) -> bool {
        self.bool(AUTO_REASSUME)
    }

    pub fn auto_assume_directory(&self) -> bool {
        self.bool(AUTO_ASSUME_DIRECTORY)
    }

    pub fn export_sso_token(&self) -> bool {
        self.bool(EXPORT_SSO_TOKEN)
    }

    pub fn default_browser(&self) -> Browser {
        #[expect(
            clippy::expect_used,
            reason = "values are validated when they are read"
        )]
        Browser::from_canonical(self.text(DEFAULT_BROWSER).unwrap_or_default())
            .expect("DefaultBrowser is validated against Browser::NAMES")
    }

    /// `CustomBrowserPath` with a leading `~` expanded.
    pub fn custom_browser_path(&self) -> Option<PathBuf> {
        self.text(CUSTOM_BROWSER_PATH).map(paths::expand_tilde)
    }

    pub fn console_browser_isolation(&self) -> ConsoleIsolation {
        #[expect(
            clippy::expect_used,
            reason = "values are validated when they are read"
        )]
        ConsoleIsolation::from_canonical(self.text(CONSOLE_BROWSER_ISOLATION).unwrap_or_default())
            .expect("ConsoleBrowserIsolation is validated against ConsoleIsolation::NAMES")
    }

    pub fn default_sso_start_url(&self) -> Option<&str> {
        self.text(DEFAULT_SSO_START_URL)
    }

    pub fn default_sso_region(&self) -> Option<&str> {
        self.text(DEFAULT_SSO_REGION)
    }

    /// A start URL and region given on the command line, each else its setting
    /// (DefaultSSOStartURL, DefaultSSORegion); `None` unless both are known.
    pub fn start_url_and_region<'a>(
        &'a self,
        start_url: Option<&'a str>,
        region: Option<&'a str>,
    ) -> Option<(&'a str, &'a str)> {
        Some((
            start_url.or(self.default_sso_start_url())?,
            region.or(self.default_sso_region())?,
        ))
    }

    /// The template of role session names (`RoleSessionName`), when set.
    pub fn role_session_name(&self) -> Option<&str> {
        self.text(ROLE_SESSION_NAME)
    }

    /// The template of the SourceIdentity of every AssumeRole (`SourceIdentity`).
    pub fn source_identity(&self) -> Option<&str> {
        self.text(SOURCE_IDENTITY)
    }

    pub fn mfa_yubikey(&self) -> bool {
        self.bool(MFA_YUBIKEY)
    }

    pub fn keyring_backend(&self) -> KeyringBackend {
        #[expect(
            clippy::expect_used,
            reason = "values are validated when they are read"
        )]
        KeyringBackend::from_canonical(self.text(KEYRING_BACKEND).unwrap_or_default())
            .expect("Keyring.Backend is validated against KeyringBackend::NAMES")
    }

    fn bool(&self, name: &str) -> bool {
        match self.values.get(name) {
            Some(Value::Bool(value)) => *value,
            _ => registry_default(name) == Some("true"),
        }
    }

    fn text(&self, name: &str) -> Option<&str> {
        match self.values.get(name) {
            Some(Value::Text(text)) => Some(text),
            _ => registry_default(name),
        }
    }
}

fn registry_default(name: &str) -> Option<&'static str> {
    SETTINGS
        .iter()
        .find(|setting| setting.name == name)
        .and_then(|setting| setting.default)
}
