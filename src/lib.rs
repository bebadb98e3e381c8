//! grant: AWS credentials from IAM Identity Center (SSO) and role chains.
//!
//! Modules by concern: `config` reads and edits the AWS config files, `profile`
//! resolves a profile into a credential source, `settings` holds grant's own settings,
//! `aws` builds the SDK clients, `commands` implements the CLI defined in `cli`,
//! `term_text` renders outside text for a terminal. ARCHITECTURE.md has the map.

pub(crate) mod allowed_dirs;
pub(crate) mod aws;
pub(crate) mod child;
pub mod cli;
pub mod commands;
pub(crate) mod config;
pub(crate) mod console;
pub(crate) mod convert;
pub(crate) mod credentials;
pub(crate) mod doctor;
pub(crate) mod env;
pub(crate) mod export;
pub(crate) mod fsutil;
pub(crate) mod generated_profiles;
pub(crate) mod iam_users;
pub(crate) mod lock;
pub(crate) mod log;
pub(crate) mod man;
pub(crate) mod mfa;
pub(crate) mod net;
pub(crate) mod partition;
pub(crate) mod paths;
pub(crate) mod peer;
pub(crate) mod picker;
pub(crate) mod profile;
pub(crate) mod registry;
pub(crate) mod role_arn;
pub(crate) mod saml;
pub(crate) mod secrets;
pub(crate) mod serve;
pub(crate) mod settings;
pub(crate) mod shell;
pub(crate) mod sso;
pub mod term_text;
pub(crate) mod terminal;

/// What the integration tests (`tests/it`) and the fuzz targets (`fuzz/`) reach
/// inside grant; nothing else outside the crate does, and it is no API.
#[doc(hidden)]
pub mod testing {
    pub mod aws {
        pub use crate::aws::{runtime, sdk_config, sso_oidc, sso_portal, sts};
    }
    pub mod config {
        pub use crate::config::document;
        pub use crate::config::{AwsFiles, ConfigError, ConfigFile, FileKind, SectionKind};
    }
    pub use crate::credentials::parse_expiration;
    pub use crate::man::write_pages;
    pub mod profile {
        pub use crate::profile::{ProfileError, StaticKeys, resolve, sso_session_section};
    }
    pub mod secrets {
        pub use crate::secrets::SecretStore;
        pub use crate::secrets::keys::token;
        pub use crate::settings::KeyringBackend;
    }
    pub mod shell {
        pub use crate::shell::integration::completion_file_name;
        pub use crate::shell::{EnvChange, Shell, ShellError};
    }
    pub use crate::sso::SsoToken;
}
