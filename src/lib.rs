//! grant: AWS credentials from IAM Identity Center (SSO) and role chains.
//!
//! Modules by concern: `config` reads and edits the AWS config files, `profile`
//! resolves a profile into a credential source, `settings` holds grant's own settings,
//! `aws` builds the SDK clients, `commands` implements the CLI defined in `cli`,
//! `term_text` renders outside text for a terminal. ARCHITECTURE.md has the map.

pub(crate) mod allowed_dirs;
pub mod aws;
pub(crate) mod child;
pub mod cli;
pub mod commands;
pub mod config;
pub mod console;
pub(crate) mod convert;
pub mod credentials;
pub(crate) mod doctor;
pub(crate) mod env;
pub mod export;
pub(crate) mod fsutil;
pub(crate) mod generated_profiles;
pub(crate) mod iam_users;
pub(crate) mod lock;
pub(crate) mod log;
pub mod man;
pub(crate) mod mfa;
pub(crate) mod net;
pub(crate) mod partition;
pub(crate) mod paths;
pub(crate) mod picker;
pub mod profile;
pub(crate) mod registry;
pub(crate) mod role_arn;
pub(crate) mod saml;
pub mod secrets;
pub(crate) mod serve;
pub mod settings;
pub mod shell;
pub mod sso;
pub mod term_text;
pub(crate) mod terminal;
