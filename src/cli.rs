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
