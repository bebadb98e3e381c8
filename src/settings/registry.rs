//! The registry: every setting grant knows, its kind, default and description.

use super::SettingsError;
use super::values::{
    Browser, ConsoleIsolation, KeyringBackend, Value, is_valid_name_template, is_valid_path,
    is_valid_region, is_valid_url, parse_bool,
};

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
    /// A name STS takes (`[\w+=,.@-]`) with the placeholders `{user}` and `{profile}`.
    NameTemplate,
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

pub(super) const CREDENTIAL_PROCESS_AUTO_LOGIN: &str = "CredentialProcessAutoLogin";
pub(super) const DEFAULT_EXPORT_ALL_ENV_VAR: &str = "DefaultExportAllEnvVar";
pub(super) const AUTO_REASSUME: &str = "AutoReassume";
pub(super) const EXPORT_SSO_TOKEN: &str = "ExportSSOToken";
pub(super) const DEFAULT_BROWSER: &str = "DefaultBrowser";
pub(super) const CUSTOM_BROWSER_PATH: &str = "CustomBrowserPath";
pub(super) const CONSOLE_BROWSER_ISOLATION: &str = "ConsoleBrowserIsolation";
pub(super) const DEFAULT_SSO_START_URL: &str = "DefaultSSOStartURL";
pub(super) const DEFAULT_SSO_REGION: &str = "DefaultSSORegion";
pub(super) const KEYRING_BACKEND: &str = "Keyring.Backend";
pub(super) const AUTO_ASSUME_DIRECTORY: &str = "AutoAssumeDirectory";
pub(super) const MFA_YUBIKEY: &str = "MFA.YubiKey";
pub(super) const ROLE_SESSION_NAME: &str = "RoleSessionName";
pub(super) const SOURCE_IDENTITY: &str = "SourceIdentity";

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
        name: AUTO_ASSUME_DIRECTORY,
        kind: Kind::Bool,
        default: Some("true"),
        description: "entering a directory with an allowed .aws-profile switches the shell to its profile",
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
        name: CONSOLE_BROWSER_ISOLATION,
        kind: Kind::Choice(ConsoleIsolation::NAMES),
        default: Some("auto"),
        description: "how grant console keeps profiles apart: Firefox containers, a Chromium browser profile each, off; auto follows DefaultBrowser",
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
        name: MFA_YUBIKEY,
        kind: Kind::Bool,
        default: Some("false"),
        description: "MFA codes come from a YubiKey (ykman oath accounts code, the OATH account named as the mfa_serial) before the terminal is asked",
    },
    Setting {
        name: ROLE_SESSION_NAME,
        kind: Kind::NameTemplate,
        default: None,
        description: "the session name of every role grant assumes without role_session_name, e.g. {user}-{profile}; unset: your user name",
    },
    Setting {
        name: SOURCE_IDENTITY,
        kind: Kind::NameTemplate,
        default: None,
        description: "the SourceIdentity of every role grant assumes without source_identity, e.g. {user}",
    },
    Setting {
        name: KEYRING_BACKEND,
        kind: Kind::Choice(KeyringBackend::NAMES),
        default: Some("auto"),
        description: "secret store for tokens and cached credentials",
    },
];

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

pub(super) fn closest_setting_name(name: &str) -> Option<&'static str> {
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
            Kind::NameTemplate if is_valid_name_template(input) => {
                Ok(Value::Text(input.to_string()))
            }
            Kind::Path | Kind::Url | Kind::Region | Kind::NameTemplate => Err(invalid()),
        }
    }

    /// The value in force when the file sets none.
    pub fn default_value(&self) -> Option<Value> {
        let default = self.default?;
        #[expect(clippy::expect_used, reason = "a unit test parses every default")]
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
            Kind::NameTemplate => {
                "up to 64 of A-Z a-z 0-9 _ + = , . @ - and the placeholders {user} and {profile}, such as {user}-{profile}".to_string()
            }
        }
    }
}
