//! grant's own settings: `config.toml` in `paths::grant_config_dir()`.
//!
//! `SETTINGS` is the one list of what exists: name, kind, default and description.
//! Names are matched case-insensitively (in the file too, as Granted's TOML reader
//! does) and shown in their canonical spelling. A dotted name such as `Keyring.Backend`
//! is a key inside a TOML table (`[Keyring]` / `Backend = "..."`).
//!
//! An empty value means "not set", both in the file and on the command line: it is
//! how `settings set` restores a default, and what `settings get` prints for it.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, TableLike};

use crate::{fsutil, paths};

/// The settings file's name inside grant's config folder.
pub const CONFIG_FILE_NAME: &str = "config.toml";

/// Where the settings live: `$GRANT_CONFIG_DIR/config.toml` and its fallbacks.
pub fn config_file() -> PathBuf {
    paths::grant_config_dir().join(CONFIG_FILE_NAME)
}

/// The shape a setting's value must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// One of these canonical spellings; input is matched case-insensitively.
    Choice(&'static [&'static str]),
    /// A program path, `~` allowed.
    Path,
    /// An `http://` or `https://` URL.
    Url,
    /// An AWS region name such as `us-east-1`.
    Region,
}

/// One entry of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    pub name: &'static str,
    pub kind: Kind,
    /// The value in force when the file does not set one; `None`: not set.
    pub default: Option<&'static str>,
    pub description: &'static str,
}

macro_rules! choice_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$variant_meta:meta])* $variant:ident => $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            /// Every value, spelled as it is stored.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }

            fn from_canonical(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

choice_enum! {
    /// Which browser a sign-in opens (`DefaultBrowser`).
    Browser {
        Default => "DEFAULT",
        /// Only print the URL.
        Stdout => "STDOUT",
        Chrome => "CHROME",
        Chromium => "CHROMIUM",
        Firefox => "FIREFOX",
        Edge => "EDGE",
        Brave => "BRAVE",
        Safari => "SAFARI",
        /// Run `CustomBrowserPath`.
        Custom => "CUSTOM",
    }
}

choice_enum! {
    /// Where tokens and cached credentials are kept (`Keyring.Backend`).
    KeyringBackend {
        /// The OS keyring when one is reachable, else the headless store.
        Auto => "auto",
        Keychain => "keychain",
        WindowsCredentialManager => "windows-credential-manager",
        SecretService => "secret-service",
        KernelKeyring => "kernel-keyring",
    }
}

const CREDENTIAL_PROCESS_AUTO_LOGIN: &str = "CredentialProcessAutoLogin";
const DEFAULT_EXPORT_ALL_ENV_VAR: &str = "DefaultExportAllEnvVar";
const AUTO_REASSUME: &str = "AutoReassume";
const EXPORT_SSO_TOKEN: &str = "ExportSSOToken";
const DEFAULT_BROWSER: &str = "DefaultBrowser";
const CUSTOM_BROWSER_PATH: &str = "CustomBrowserPath";
const DEFAULT_SSO_START_URL: &str = "DefaultSSOStartURL";
const DEFAULT_SSO_REGION: &str = "DefaultSSORegion";
const KEYRING_BACKEND: &str = "Keyring.Backend";

/// Every setting grant knows, in the order `settings list` shows them.
pub const SETTINGS: &[Setting] = &[
    Setting {
        name: CREDENTIAL_PROCESS_AUTO_LOGIN,
        kind: Kind::Bool,
        default: Some("false"),
        description: "credential-process may open a browser sign-in when the SSO session expired",
    },
    Setting {
        name: DEFAULT_EXPORT_ALL_ENV_VAR,
        kind: Kind::Bool,
        default: Some("false"),
        description: "assume exports the raw keys instead of AWS_PROFILE only",
    },
    Setting {
        name: AUTO_REASSUME,
        kind: Kind::Bool,
        default: Some("true"),
        description: "the shell hook re-assumes before exported keys expire",
    },
    Setting {
        name: EXPORT_SSO_TOKEN,
        kind: Kind::Bool,
        default: Some("false"),
        description: "sso login also writes the token to the AWS CLI cache (~/.aws/sso/cache)",
    },
    Setting {
        name: DEFAULT_BROWSER,
        kind: Kind::Choice(Browser::NAMES),
        default: Some("DEFAULT"),
        description: "which browser sign-in opens; STDOUT only prints the URL; CUSTOM uses CustomBrowserPath",
    },
    Setting {
        name: CUSTOM_BROWSER_PATH,
        kind: Kind::Path,
        default: None,
        description: "program that opens sign-in URLs",
    },
    Setting {
        name: DEFAULT_SSO_START_URL,
        kind: Kind::Url,
        default: None,
        description: "start URL for positional roles and sso commands",
    },
    Setting {
        name: DEFAULT_SSO_REGION,
        kind: Kind::Region,
        default: None,
        description: "region of the default start URL",
    },
    Setting {
        name: KEYRING_BACKEND,
        kind: Kind::Choice(KeyringBackend::NAMES),
        default: Some("auto"),
        description: "secret store for tokens and cached credentials",
    },
];

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

/// The registry entry for `name`, matched case-insensitively.
pub fn find_setting(name: &str) -> Result<&'static Setting, SettingsError> {
    SETTINGS
        .iter()
        .find(|setting| setting.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| SettingsError::UnknownSetting {
            name: name.to_string(),
            suggestion: closest_setting_name(name),
        })
}

fn closest_setting_name(name: &str) -> Option<&'static str> {
    const CLOSE_ENOUGH: f64 = 0.8;
    let wanted = name.to_ascii_lowercase();
    let score = |candidate: &str| {
        let candidate = candidate.to_ascii_lowercase();
        // "Backend" or "region" alone still points at the setting holding it.
        let contains_it = wanted.len() >= 4 && candidate.contains(&wanted);
        let similarity = strsim::jaro_winkler(&wanted, &candidate);
        if contains_it {
            similarity.max(CLOSE_ENOUGH)
        } else {
            similarity
        }
    };
    SETTINGS
        .iter()
        .map(|setting| (score(setting.name), setting.name))
        .filter(|(score, _)| *score >= CLOSE_ENOUGH)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// A validated value, in its canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(value) => write!(f, "{value}"),
            Value::Text(text) => f.write_str(text),
        }
    }
}

impl Value {
    fn to_toml(&self) -> toml_edit::Value {
        match self {
            Value::Bool(value) => (*value).into(),
            Value::Text(text) => text.as_str().into(),
        }
    }
}

impl Setting {
    /// Checks `input` against the kind and returns it in canonical form (choices in
    /// their stored spelling). Empty input is refused: `save_setting(.., None)` unsets.
    pub fn parse_value(&self, input: &str) -> Result<Value, SettingsError> {
        let invalid = || SettingsError::InvalidValue {
            name: self.name,
            expected: self.kind.expected(),
            got: format!("'{input}'"),
        };
        match self.kind {
            Kind::Bool => parse_bool(input).map(Value::Bool).ok_or_else(invalid),
            Kind::Choice(choices) => choices
                .iter()
                .find(|choice| choice.eq_ignore_ascii_case(input))
                .map(|choice| Value::Text(choice.to_string()))
                .ok_or_else(invalid),
            Kind::Path if is_valid_path(input) => Ok(Value::Text(input.to_string())),
            Kind::Url if is_valid_url(input) => Ok(Value::Text(input.to_string())),
            Kind::Region if is_valid_region(input) => Ok(Value::Text(input.to_string())),
            Kind::Path | Kind::Url | Kind::Region => Err(invalid()),
        }
    }

    /// The value in force when the file sets none.
    pub fn default_value(&self) -> Option<Value> {
        let default = self.default?;
        Some(
            self.parse_value(default)
                .expect("every default in SETTINGS is valid for its kind"),
        )
    }
}

impl Kind {
    /// What a value must look like, for error messages.
    pub fn expected(&self) -> String {
        match self {
            Kind::Bool => "true or false".to_string(),
            Kind::Choice(choices) => format!("one of {}", choices.join(", ")),
            Kind::Path => "a program path on one line".to_string(),
            Kind::Url => {
                "an http:// or https:// URL without spaces, such as https://example.awsapps.com/start"
                    .to_string()
            }
            Kind::Region => {
                "an AWS region in lowercase, such as us-east-1 or us-gov-west-1".to_string()
            }
        }
    }
}

fn parse_bool(input: &str) -> Option<bool> {
    if input.eq_ignore_ascii_case("true") {
        Some(true)
    } else if input.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn is_valid_path(input: &str) -> bool {
    !input.is_empty() && !input.contains(['\0', '\n', '\r'])
}

fn is_valid_url(input: &str) -> bool {
    let rest = strip_prefix_ignore_case(input, "https://")
        .or_else(|| strip_prefix_ignore_case(input, "http://"));
    match rest {
        Some(rest) => {
            !rest.is_empty() && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `^[a-z]{2}(-[a-z]+)+-[0-9]+$`: `us-east-1`, `us-gov-west-1`, `cn-north-1`.
fn is_valid_region(input: &str) -> bool {
    let parts: Vec<&str> = input.split('-').collect();
    let [country, words @ .., number] = parts.as_slice() else {
        return false;
    };
    let lowercase_word =
        |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase());
    country.len() == 2
        && lowercase_word(country)
        && !words.is_empty()
        && words.iter().all(|word| lowercase_word(word))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
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

    pub fn export_sso_token(&self) -> bool {
        self.bool(EXPORT_SSO_TOKEN)
    }

    pub fn default_browser(&self) -> Browser {
        Browser::from_canonical(self.text(DEFAULT_BROWSER).unwrap_or_default())
            .expect("DefaultBrowser is validated against Browser::NAMES")
    }

    /// `CustomBrowserPath` with a leading `~` expanded.
    pub fn custom_browser_path(&self) -> Option<PathBuf> {
        self.text(CUSTOM_BROWSER_PATH).map(paths::expand_tilde)
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

    pub fn keyring_backend(&self) -> KeyringBackend {
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
        .expect("getters name settings of the registry")
        .default
}

fn read_if_exists(path: &Path) -> Result<Option<String>, SettingsError> {
    if let Some(folder) = path.parent() {
        fsutil::check_trusted_dir(folder)?;
    }
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SettingsError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn parse_document(path: &Path, text: &str) -> Result<DocumentMut, SettingsError> {
    text.parse::<DocumentMut>()
        .map_err(|error| SettingsError::Syntax {
            path: path.to_path_buf(),
            line: error.span().map(|span| line_of_offset(text, span.start)),
            message: error.message().trim().replace(['\n', '\r'], " "),
        })
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The table holding `setting` and its last name segment, for reading; `None` when a
/// parent table is absent.
fn containing_table<'d>(
    path: &Path,
    document: &'d DocumentMut,
    setting: &Setting,
) -> Result<Option<(&'d dyn TableLike, &'static str)>, SettingsError> {
    let (parents, key) = split_name(setting.name);
    let mut table: &dyn TableLike = document.as_table();
    for parent in parents {
        let Some(found) = key_in(table, parent) else {
            return Ok(None);
        };
        let item = table.get(&found).expect("key_in returns present keys");
        table = item
            .as_table_like()
            .ok_or_else(|| not_a_table(path, &found, setting))?;
    }
    Ok(Some((table, key)))
}

fn read_setting(
    path: &Path,
    document: &DocumentMut,
    setting: &Setting,
) -> Result<Option<Value>, SettingsError> {
    let Some((table, key)) = containing_table(path, document, setting)? else {
        return Ok(None);
    };
    let Some(found) = key_in(table, key) else {
        return Ok(None);
    };
    let item = table.get(&found).expect("key_in returns present keys");
    value_from_item(setting, item).map_err(|error| SettingsError::InFile {
        path: path.to_path_buf(),
        source: Box::new(error),
    })
}

fn value_from_item(setting: &Setting, item: &Item) -> Result<Option<Value>, SettingsError> {
    match (setting.kind, item.as_value()) {
        (_, Some(toml_edit::Value::String(text))) if text.value().is_empty() => Ok(None),
        (Kind::Bool, Some(toml_edit::Value::Boolean(value))) => {
            Ok(Some(Value::Bool(*value.value())))
        }
        (
            Kind::Choice(_) | Kind::Path | Kind::Url | Kind::Region,
            Some(toml_edit::Value::String(text)),
        ) => setting.parse_value(text.value()).map(Some),
        _ => Err(SettingsError::InvalidValue {
            name: setting.name,
            expected: setting.kind.expected(),
            got: describe_item(item),
        }),
    }
}

/// "the string \"yes\"", "the integer 1", "a table": for a value of the wrong TOML type.
fn describe_item(item: &Item) -> String {
    match item.as_value() {
        Some(value @ (toml_edit::Value::Array(_) | toml_edit::Value::InlineTable(_))) => {
            format!("an {}", value.type_name())
        }
        Some(value) => {
            let mut bare = value.clone();
            bare.decor_mut().clear();
            format!("the {} {}", value.type_name(), bare.to_string().trim())
        }
        None if item.is_table() => "a table".to_string(),
        None => format!("an {}", item.type_name()),
    }
}

fn not_a_table(path: &Path, table: &str, setting: &Setting) -> SettingsError {
    SettingsError::NotATable {
        path: path.to_path_buf(),
        table: table.to_string(),
        name: setting.name,
    }
}

/// `Keyring.Backend` -> (["Keyring"], "Backend").
fn split_name(name: &'static str) -> (Vec<&'static str>, &'static str) {
    let mut segments: Vec<&'static str> = name.split('.').collect();
    let key = segments.pop().expect("split yields at least one segment");
    (segments, key)
}

/// The key spelling the file uses for `name`: exact first, else case-insensitive.
fn key_in(table: &dyn TableLike, name: &str) -> Option<String> {
    if table.contains_key(name) {
        return Some(name.to_string());
    }
    table
        .iter()
        .map(|(key, _)| key)
        .find(|key| key.eq_ignore_ascii_case(name))
        .map(str::to_string)
}

/// Sets `setting` to `value` in the TOML `text` (`None` removes it), keeping every
/// other key, comment and the layout. Returns the new text.
pub fn edit_settings_text(
    path: &Path,
    text: &str,
    setting: &Setting,
    value: Option<&Value>,
) -> Result<String, SettingsError> {
    let mut document = parse_document(path, text)?;
    let (parents, key) = split_name(setting.name);
    let adds_a_root_key =
        parents.is_empty() && value.is_some() && key_in(document.as_table(), key).is_none();
    let mut table: &mut dyn TableLike = document.as_table_mut();
    for parent in parents {
        let found = key_in(table, parent);
        if found.is_none() && value.is_none() {
            return Ok(document.to_string());
        }
        let found = found.unwrap_or_else(|| {
            table.insert(parent, Item::Table(toml_edit::Table::new()));
            parent.to_string()
        });
        table = table
            .get_mut(&found)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| not_a_table(path, &found, setting))?;
    }
    match value {
        Some(value) => set_key(table, key, value),
        None => {
            if let Some(found) = key_in(table, key) {
                table.remove(&found);
            }
        }
    }
    if adds_a_root_key && has_no_tables(&document) {
        move_trailing_comments_above(&mut document, key);
    }
    Ok(document.to_string())
}

fn has_no_tables(document: &DocumentMut) -> bool {
    document.as_table().iter().all(|(_, item)| item.is_value())
}

/// toml_edit keeps comments after the last key as the document's trailing text and
/// would put a new key above them: in a file of comments only, above its header.
/// Keeping them above the new key makes `set` append at the end of the file.
fn move_trailing_comments_above(document: &mut DocumentMut, key: &str) {
    let mut trailing = document.trailing().as_str().unwrap_or_default().to_string();
    if trailing.trim().is_empty() {
        return;
    }
    if !trailing.ends_with('\n') {
        trailing.push('\n');
    }
    document.set_trailing("");
    if let Some(mut key) = document.as_table_mut().key_mut(key) {
        key.leaf_decor_mut().set_prefix(trailing);
    }
}

/// Replaces the value under `key` (any case), keeping its trailing comment; or adds it.
fn set_key(table: &mut dyn TableLike, key: &str, value: &Value) {
    let mut new_value = value.to_toml();
    match key_in(table, key) {
        Some(found) => {
            let item = table.get_mut(&found).expect("key_in returns present keys");
            if let Some(old_value) = item.as_value() {
                *new_value.decor_mut() = old_value.decor().clone();
            }
            *item = Item::Value(new_value);
        }
        None => {
            table.insert(key, Item::Value(new_value));
        }
    }
}

/// Writes `setting = value` into the settings file at `path` (`None` removes it, so
/// the default applies), atomically, mode 0600, creating the folder 0700 if needed.
/// Other settings in the file are not validated, so a bad one can still be fixed.
pub fn save_setting(
    path: &Path,
    setting: &Setting,
    value: Option<&Value>,
) -> Result<(), SettingsError> {
    let text = read_if_exists(path)?.unwrap_or_default();
    let edited = edit_settings_text(path, &text, setting, value)?;
    // A settings file kept in a dotfiles repository is often a symlink: write through it.
    fsutil::write_through_symlink(path, edited.as_bytes(), Some(0o600))
        .map(drop)
        .map_err(|source| SettingsError::Write {
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(name: &str) -> &'static Setting {
        find_setting(name).unwrap()
    }

    fn load_text(text: &str) -> Result<Settings, SettingsError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        fs::write(&path, text).unwrap();
        Settings::load_from(&path)
    }

    fn edit(text: &str, name: &str, value: &str) -> String {
        let setting = setting(name);
        let value = setting.parse_value(value).unwrap();
        edit_settings_text(Path::new("c.toml"), text, setting, Some(&value)).unwrap()
    }

    #[test]
    fn every_default_is_valid_and_getters_match_the_registry() {
        for setting in SETTINGS {
            if setting.default.is_some() {
                assert!(setting.default_value().is_some(), "{}", setting.name);
            }
            assert!(!setting.description.is_empty());
        }
        let defaults = Settings::default();
        assert!(!defaults.credential_process_auto_login());
        assert!(!defaults.default_export_all_env_var());
        assert!(defaults.auto_reassume());
        assert!(!defaults.export_sso_token());
        assert_eq!(defaults.default_browser(), Browser::Default);
        assert_eq!(defaults.custom_browser_path(), None);
        assert_eq!(defaults.default_sso_start_url(), None);
        assert_eq!(defaults.default_sso_region(), None);
        assert_eq!(defaults.keyring_backend(), KeyringBackend::Auto);
    }

    #[test]
    fn names_are_case_insensitive_and_canonicalised() {
        assert_eq!(
            setting("defaultexportallenvvar").name,
            "DefaultExportAllEnvVar"
        );
        assert_eq!(setting("KEYRING.BACKEND").name, "Keyring.Backend");
    }

    #[test]
    fn unknown_name_suggests_a_close_one_and_lists_all() {
        let message = find_setting("DefaultBrowsr").unwrap_err().to_string();
        assert!(message.starts_with("unknown setting 'DefaultBrowsr' (did you mean 'DefaultBrowser'?); valid settings: CredentialProcessAutoLogin, "), "{message}");
        assert!(message.ends_with("Keyring.Backend"), "{message}");
        let message = find_setting("backend").unwrap_err().to_string();
        assert!(
            message.contains("did you mean 'Keyring.Backend'"),
            "{message}"
        );
        let message = find_setting("Zzz").unwrap_err().to_string();
        assert!(
            message.starts_with("unknown setting 'Zzz'; valid settings: "),
            "{message}"
        );
    }

    #[test]
    fn bools_accept_only_true_or_false() {
        let auto_login = setting("CredentialProcessAutoLogin");
        assert_eq!(auto_login.parse_value("TRUE").unwrap(), Value::Bool(true));
        assert_eq!(auto_login.parse_value("false").unwrap(), Value::Bool(false));
        for wrong in ["yes", "1", "", " true"] {
            assert!(auto_login.parse_value(wrong).is_err(), "{wrong:?}");
        }
        let message = setting("DefaultExportAllEnvVar")
            .parse_value("maybe")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "DefaultExportAllEnvVar expects true or false, got 'maybe'"
        );
    }

    #[test]
    fn choices_are_case_insensitive_and_stored_canonically() {
        assert_eq!(
            setting("DefaultBrowser").parse_value("firefox").unwrap(),
            Value::Text("FIREFOX".into())
        );
        assert_eq!(
            setting("Keyring.Backend")
                .parse_value("Secret-Service")
                .unwrap(),
            Value::Text("secret-service".into())
        );
        let message = setting("DefaultBrowser")
            .parse_value("opera")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "DefaultBrowser expects one of DEFAULT, STDOUT, CHROME, CHROMIUM, FIREFOX, EDGE, BRAVE, SAFARI, CUSTOM, got 'opera'"
        );
    }

    #[test]
    fn paths_urls_and_regions_are_checked() {
        let path = setting("CustomBrowserPath");
        assert!(path.parse_value("~/bin/open browser").is_ok());
        assert!(path.parse_value("a\nb").is_err());
        assert!(path.parse_value("a\0b").is_err());

        let url = setting("DefaultSSOStartURL");
        assert!(url.parse_value("https://example.awsapps.com/start").is_ok());
        assert!(url.parse_value("HTTP://localhost:8080/start#/").is_ok());
        for wrong in [
            "example.awsapps.com",
            "https://",
            "https://a b",
            "ftp://x",
            "https://x\n",
        ] {
            assert!(url.parse_value(wrong).is_err(), "{wrong:?}");
        }

        let region = setting("DefaultSSORegion");
        for good in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-4",
        ] {
            assert!(region.parse_value(good).is_ok(), "{good}");
        }
        for wrong in [
            "US-EAST-1",
            "us-east",
            "useast1",
            "u-east-1",
            "us--1",
            "us-east-1a",
            "us-east-",
        ] {
            assert!(region.parse_value(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_missing_file_is_all_defaults_and_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("grant");
        let settings = Settings::load_from(&folder.join(CONFIG_FILE_NAME)).unwrap();
        assert_eq!(settings, Settings::default());
        assert!(!folder.exists());
    }

    #[test]
    fn file_values_are_read_case_insensitively_and_unknown_keys_ignored() {
        let settings = load_text(
            "autoreassume = false\nDefaultBrowser = \"chrome\"\nFutureThing = [1, 2]\n\
             CustomBrowserPath = \"~/bin/b\"\nDefaultSSORegion = \"\"\n[keyring]\nbackend = \"kernel-keyring\"\n",
        )
        .unwrap();
        assert!(!settings.auto_reassume());
        assert_eq!(settings.default_browser(), Browser::Chrome);
        assert_eq!(
            settings.custom_browser_path(),
            Some(paths::home_dir().join("bin/b"))
        );
        assert_eq!(
            settings.default_sso_region(),
            None,
            "an empty string means not set"
        );
        assert_eq!(settings.keyring_backend(), KeyringBackend::KernelKeyring);
        assert!(settings.is_set_in_file(setting("DefaultBrowser")));
        assert!(!settings.is_set_in_file(setting("ExportSSOToken")));
    }

    #[test]
    fn dotted_keys_and_inline_tables_work_too() {
        let settings = load_text("Keyring.Backend = \"keychain\"\n").unwrap();
        assert_eq!(settings.keyring_backend(), KeyringBackend::Keychain);
        let settings = load_text("Keyring = { Backend = \"secret-service\" }\n").unwrap();
        assert_eq!(settings.keyring_backend(), KeyringBackend::SecretService);
    }

    #[test]
    fn wrong_types_in_the_file_name_the_file_and_the_setting() {
        let message = load_text("AutoReassume = \"yes\" # comment\n")
            .unwrap_err()
            .to_string();
        assert!(
            message.ends_with(
                "config.toml: AutoReassume expects true or false, got the string \"yes\""
            ),
            "{message}"
        );
        let message = load_text("DefaultBrowser = 3\n").unwrap_err().to_string();
        assert!(message.ends_with("DefaultBrowser expects one of DEFAULT, STDOUT, CHROME, CHROMIUM, FIREFOX, EDGE, BRAVE, SAFARI, CUSTOM, got the integer 3"), "{message}");
        let message = load_text("[DefaultSSORegion]\n").unwrap_err().to_string();
        assert!(message.ends_with("DefaultSSORegion expects an AWS region in lowercase, such as us-east-1 or us-gov-west-1, got a table"), "{message}");
        let message = load_text("DefaultSSORegion = \"Mars\"\n")
            .unwrap_err()
            .to_string();
        assert!(message.ends_with("got 'Mars'"), "{message}");
        let message = load_text("Keyring = \"x\"\n").unwrap_err().to_string();
        assert!(
            message
                .ends_with("config.toml: 'Keyring' must be a table, as it holds Keyring.Backend"),
            "{message}"
        );
    }

    #[test]
    fn syntax_errors_give_path_and_line_on_one_line() {
        let message = load_text("# settings\nAutoReassume = true\nDefaultBrowser = \n")
            .unwrap_err()
            .to_string();
        assert!(message.contains("config.toml:3: "), "{message}");
        assert!(!message.contains('\n'), "{message}");
        let message = load_text("a = 1\na = 2\n").unwrap_err().to_string();
        assert!(message.contains("config.toml:2: "), "{message}");
    }

    #[test]
    fn edits_keep_comments_order_and_unknown_keys() {
        let text = "# my settings\nFutureThing = 1 # later\nAutoReassume = true # keep me\n\n[Other]\nx = \"y\"\n";
        let edited = edit(text, "autoreassume", "FALSE");
        assert_eq!(
            edited,
            "# my settings\nFutureThing = 1 # later\nAutoReassume = false # keep me\n\n[Other]\nx = \"y\"\n"
        );
        let edited = edit(&edited, "DefaultBrowser", "brave");
        assert!(
            edited.contains("AutoReassume = false # keep me\nDefaultBrowser = \"BRAVE\"\n"),
            "{edited}"
        );
        let edited = edit(&edited, "Keyring.Backend", "keychain");
        assert!(
            edited.ends_with("[Other]\nx = \"y\"\n\n[Keyring]\nBackend = \"keychain\"\n"),
            "{edited}"
        );
    }

    #[test]
    fn edits_reuse_the_files_spelling_and_tables() {
        let edited = edit(
            "defaultbrowser = \"CHROME\"\n[keyring]\nbackend = \"auto\"\n",
            "DefaultBrowser",
            "edge",
        );
        assert_eq!(
            edited,
            "defaultbrowser = \"EDGE\"\n[keyring]\nbackend = \"auto\"\n"
        );
        let edited = edit(
            "Keyring.Backend = \"auto\"\n",
            "Keyring.Backend",
            "kernel-keyring",
        );
        assert_eq!(edited, "Keyring.Backend = \"kernel-keyring\"\n");
    }

    #[test]
    fn removing_a_value_restores_the_default() {
        let path = Path::new("c.toml");
        let text = "AutoReassume = false\nDefaultBrowser = \"EDGE\"\n";
        let edited = edit_settings_text(path, text, setting("AutoReassume"), None).unwrap();
        assert_eq!(edited, "DefaultBrowser = \"EDGE\"\n");
        let edited = edit_settings_text(path, &edited, setting("Keyring.Backend"), None).unwrap();
        assert_eq!(
            edited, "DefaultBrowser = \"EDGE\"\n",
            "no empty [Keyring] table appears"
        );
    }

    #[test]
    fn save_then_load_round_trips_with_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/grant").join(CONFIG_FILE_NAME);
        let cases = [
            ("CredentialProcessAutoLogin", "true"),
            ("DefaultBrowser", "custom"),
            ("CustomBrowserPath", "/usr/bin/firefox"),
            ("DefaultSSOStartURL", "https://example.awsapps.com/start"),
            ("DefaultSSORegion", "eu-central-2"),
            ("Keyring.Backend", "secret-service"),
        ];
        for (name, input) in cases {
            let setting = setting(name);
            let value = setting.parse_value(input).unwrap();
            save_setting(&path, setting, Some(&value)).unwrap();
            assert_eq!(
                Settings::load_from(&path).unwrap().get(setting),
                Some(value)
            );
        }
        let settings = Settings::load_from(&path).unwrap();
        assert!(settings.credential_process_auto_login());
        assert_eq!(settings.default_browser(), Browser::Custom);
        assert_eq!(
            settings.custom_browser_path(),
            Some(PathBuf::from("/usr/bin/firefox"))
        );
        assert_eq!(
            settings.default_sso_start_url(),
            Some("https://example.awsapps.com/start")
        );
        assert_eq!(settings.default_sso_region(), Some("eu-central-2"));
        assert_eq!(settings.keyring_backend(), KeyringBackend::SecretService);
        assert_eq!(fsutil::file_mode(&path), Some(0o600));
    }

    #[test]
    fn save_refuses_to_edit_a_malformed_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        fs::write(&path, "oops\n").unwrap();
        let value = Value::Bool(true);
        let error = save_setting(&path, setting("AutoReassume"), Some(&value)).unwrap_err();
        assert!(
            matches!(error, SettingsError::Syntax { line: Some(1), .. }),
            "{error}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "oops\n");
    }

    #[cfg(unix)]
    #[test]
    fn save_writes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles.toml");
        fs::write(&real, "# mine\n").unwrap();
        let link = dir.path().join(CONFIG_FILE_NAME);
        std::os::unix::fs::symlink(&real, &link).unwrap();
        save_setting(&link, setting("AutoReassume"), Some(&Value::Bool(false))).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            fs::read_to_string(&real).unwrap(),
            "# mine\nAutoReassume = false\n"
        );
    }

    #[test]
    fn new_keys_go_below_comments_at_the_end() {
        assert_eq!(
            edit("# header", "AutoReassume", "false"),
            "# header\nAutoReassume = false\n"
        );
        assert_eq!(
            edit(
                "# header\n\nA = 1\n# DefaultBrowser = \"CHROME\"\n",
                "DefaultBrowser",
                "edge"
            ),
            "# header\n\nA = 1\n# DefaultBrowser = \"CHROME\"\nDefaultBrowser = \"EDGE\"\n"
        );
        assert_eq!(
            edit("A = 1", "AutoReassume", "false"),
            "A = 1\nAutoReassume = false\n"
        );
        assert_eq!(edit("", "AutoReassume", "false"), "AutoReassume = false\n");
    }
}
