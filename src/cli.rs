//! Every command-line definition of grant, in one place. The logic lives in
//! `crate::commands`; nothing here does more than describe arguments.

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "grant",
    version,
    about = "AWS credentials from IAM Identity Center and role chains, for every CLI, SDK and shell",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every profile name of the AWS config and credentials files, sorted, one a line
    Profiles,
    /// Show or change grant's settings
    Settings(SettingsArgs),
    /// Sign in to IAM Identity Center (AWS SSO) and manage its tokens
    #[command(subcommand)]
    Sso(SsoCommand),
}

#[derive(Debug, Subcommand)]
pub enum SsoCommand {
    /// Sign in and store the session's token in the secret store
    Login(SsoLoginArgs),
    /// Renew the session's token with its refresh token, never opening a browser
    Refresh(SsoSessionArgs),
    /// Sign out at the portal and delete the session's tokens and cached credentials
    Logout(SsoLogoutArgs),
    /// List or delete stored SSO tokens
    Tokens(SsoTokensArgs),
}

/// Which IAM Identity Center session a command is about. Without any of these, the
/// settings DefaultSSOStartURL and DefaultSSORegion are used.
#[derive(Debug, Args, Clone, Default)]
pub struct SsoSessionArgs {
    /// A profile whose SSO session to use
    #[arg(long, conflicts_with_all = ["sso_session", "start_url"])]
    pub profile: Option<String>,
    /// An [sso-session NAME] section of the AWS config
    #[arg(long, conflicts_with = "start_url")]
    pub sso_session: Option<String>,
    /// The AWS access portal URL, e.g. https://my-org.awsapps.com/start
    #[arg(long, requires = "region")]
    pub start_url: Option<String>,
    /// The region of IAM Identity Center for --start-url
    #[arg(long)]
    pub region: Option<String>,
    /// Registration scope, repeatable (sso:account:access gives refresh tokens)
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SsoLoginArgs {
    #[command(flatten)]
    pub session: SsoSessionArgs,
    /// Print the sign-in URL and code instead of opening a browser
    #[arg(long)]
    pub no_browser: bool,
    /// Use the device-code flow instead of the browser redirect to 127.0.0.1
    #[arg(long)]
    pub use_device_code: bool,
    /// Sign in again even when the stored token is still valid
    #[arg(long)]
    pub force: bool,
    /// Also write the token to the AWS CLI cache (~/.aws/sso/cache) for the AWS CLI and SDKs
    #[arg(long)]
    pub export_sso_token: bool,
}

#[derive(Debug, Args)]
pub struct SsoLogoutArgs {
    #[command(flatten)]
    pub session: SsoSessionArgs,
    /// Sign out of every stored session
    #[arg(long, conflicts_with_all = ["profile", "sso_session", "start_url"])]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct SsoTokensArgs {
    #[command(subcommand)]
    pub command: Option<SsoTokensCommand>,
}

#[derive(Debug, Subcommand)]
pub enum SsoTokensCommand {
    /// Show each stored session: name, start URL, region, expiry, whether refreshable
    List,
    /// Delete the stored token of one session (KEY as `list` shows it), or all
    Clear {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        key: Option<String>,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    #[command(subcommand)]
    pub command: Option<SettingsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// List every setting with its value (the default when unset)
    List,
    /// Print the value of one setting (an empty line when it has no value)
    Get {
        /// Setting name, e.g. DefaultExportAllEnvVar or Keyring.Backend
        name: String,
    },
    /// Change one setting
    Set {
        /// Setting name, e.g. DefaultExportAllEnvVar or Keyring.Backend
        #[arg(long)]
        setting: String,
        /// New value, checked against the setting's type; an empty value restores the default
        #[arg(long)]
        value: String,
    },
}
