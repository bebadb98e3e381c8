//! Typed values of settings: true/false, the choices (browsers, keyring backends),
//! paths, URLs and regions, checked before they are saved.

use std::fmt;

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

            pub(super) fn from_canonical(text: &str) -> Option<Self> {
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
    /// How `grant console` keeps profiles apart in the browser (`ConsoleBrowserIsolation`).
    ConsoleIsolation {
        /// Containers for Firefox, a browser profile per AWS profile for Chromium-based
        /// browsers (from DefaultBrowser), else nothing.
        Auto => "auto",
        /// The plain sign-in URL in the browser's current profile.
        Off => "off",
        /// The URL scheme of Granted's Firefox container extension.
        FirefoxContainers => "firefox-containers",
        /// `--user-data-dir` per AWS profile (Chrome, Chromium, Edge, Brave).
        ChromiumProfiles => "chromium-profiles",
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
        /// A per-user grant process holding the data key in memory, where no keyring
        /// answers (containers whose seccomp filter refuses keyctl).
        Agent => "agent",
    }
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
    pub(super) fn to_toml(&self) -> toml_edit::Value {
        match self {
            Value::Bool(value) => (*value).into(),
            Value::Text(text) => text.as_str().into(),
        }
    }
}

pub(super) fn parse_bool(input: &str) -> Option<bool> {
    if input.eq_ignore_ascii_case("true") {
        Some(true)
    } else if input.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub(super) fn is_valid_path(input: &str) -> bool {
    !input.is_empty() && !input.contains(['\0', '\n', '\r'])
}

pub(super) fn is_valid_url(input: &str) -> bool {
    let rest = strip_prefix_ignore_case(input, "https://")
        .or_else(|| strip_prefix_ignore_case(input, "http://"));
    match rest {
        Some(rest) => {
            !rest.is_empty() && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

pub(super) fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `^[a-z]{2}(-[a-z]+)+-[0-9]+$`: `us-east-1`, `us-gov-west-1`, `cn-north-1`.
/// STS's alphabet for session names and source identities, with `{user}` and
/// `{profile}` where the names go.
pub(super) fn is_valid_name_template(input: &str) -> bool {
    let fixed = input.replace("{user}", "").replace("{profile}", "");
    !input.is_empty()
        && input.len() <= 64
        && fixed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

pub(super) fn is_valid_region(input: &str) -> bool {
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
