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

/// How `sso populate` names profiles unless told otherwise (the generator checks
/// every template, this one included, in its tests).
impl Cli {
    /// The command line, parsed. The commands that run at every AWS call, shell start
    /// or `assume` have clap build their own definition only, not all of them (half a
    /// millisecond of each start, more with musl's allocator); help and version take
    /// the full one.
    pub fn parse_command_line() -> Result<Cli, clap::Error> {
        let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        // clap names the program after its file: `grant.exe` on Windows, in every
        // usage line and help; people type `grant`.
        if let Some(program) = args.first_mut() {
            *program = "grant".into();
        }
        Cli::parse_from_args(args)
    }

    fn parse_from_args(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        if let [_, flag] = args.as_slice()
            && (flag == "--version" || flag == "-V")
        {
            // Scripts and version checks run `grant --version` alone: it needs no
            // subcommand, so clap prints the version without building them.
            let version = clap::Command::new("grant").version(env!("CARGO_PKG_VERSION"));
            return version
                .try_get_matches_from(&args)
                .and_then(|matches| Cli::from_arg_matches(&matches));
        }
        let asks_for_help = args.iter().any(|arg| {
            ["-h", "--help", "-V", "--version", "help"]
                .map(std::ffi::OsStr::new)
                .contains(&arg.as_os_str())
        });
        let hot = args
            .get(1)
            .and_then(|name| HOT_COMMANDS.iter().find(|(hot, _)| name == hot));
        if let (Some((name, augment)), false) = (hot, asks_for_help) {
            let command =
                clap::Command::new("grant").subcommand(augment(clap::Command::new(*name)));
            let matches = command.try_get_matches_from(&args)?;
            return Cli::from_arg_matches(&matches);
        }
        Cli::command()
            .try_get_matches_from(&args)
            .and_then(|matches| Cli::from_arg_matches(&matches))
    }
}

/// What `#[derive(Args)]` writes: a command's arguments added to its definition.
type AddArgs = fn(clap::Command) -> clap::Command;

/// The commands parsed with their own definition alone: what the SDKs run before
/// each call, what every shell start evaluates, what `assume` and the directory
/// hooks run.
const HOT_COMMANDS: [(&str, AddArgs); 5] = [
    (
        "credential-process",
        <CredentialProcessArgs as Args>::augment_args,
    ),
    ("init", <InitArgs as Args>::augment_args),
    ("assume", <AssumeArgs as Args>::augment_args),
    (
        "directory-profile",
        <DirectoryProfileArgs as Args>::augment_args,
    ),
    ("__tcsh-directory-hook", |command| command),
];

pub const DEFAULT_PROFILE_TEMPLATE: &str = "{account_name}/{role_name}";

/// The shells grant writes code for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShellName {
    Bash,
    Zsh,
    Fish,
    #[value(alias = "pwsh")]
    Powershell,
    #[value(alias = "nushell")]
    Nu,
    Tcsh,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print credentials as credential_process JSON (for ~/.aws/config)
    CredentialProcess(CredentialProcessArgs),
    /// Switch this shell to a profile (through the `assume` function of `grant init`)
    Assume(AssumeArgs),
    /// Print the shell integration (`assume`, its hook, completions) to put in an rc file
    Init(InitArgs),
    /// Print the completion script for grant itself
    Completions {
        #[arg(value_enum, ignore_case = true)]
        shell: ShellName,
    },
    /// Print every profile name of the AWS config and credentials files, sorted, one a line
    Profiles(ProfilesArgs),
    /// Delete cached credentials (the SSO sign-ins stay; see `grant sso logout`)
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Show or change grant's settings
    Settings(SettingsArgs),
    /// Let the .aws-profile of a directory switch your shell to its profile
    Allow(DirectoryArgs),
    /// Forget a directory's .aws-profile: it no longer switches your shell
    Deny(DirectoryArgs),
    /// The shell hook's call on entering a directory with a .aws-profile
    #[command(hide = true)]
    DirectoryProfile(DirectoryProfileArgs),
    /// Sign in to IAM Identity Center (AWS SSO) and manage its tokens
    #[command(subcommand)]
    Sso(SsoCommand),
    /// Sign in at a SAML identity provider for SAML-federated profiles (grant_saml_url)
    #[command(subcommand)]
    Saml(SamlCommand),
    /// Serve a profile's credentials on a local container-credentials endpoint, renewed as they expire
    Serve(ServeArgs),
    /// Open the AWS console signed in as a profile (or print its sign-in URL)
    Console(ConsoleArgs),
    /// Print a profile's credentials as env, dotenv, json, powershell or an ini section
    Export(ExportArgs),
    /// Check the AWS files, the secret store, the SSO sessions and the shell for what to fix
    ///
    /// Each finding is one line: error, warning or info, the file and line, what is
    /// wrong and what to run. Checked: sections the AWS CLI and SDKs ignore or
    /// refuse (a profile or key written twice makes botocore reject the whole file),
    /// profiles whose credential_process they will not run (sso_* or static keys
    /// beside it, keys of the same profile in the credentials file), the program a
    /// credential_process names, role chains that end nowhere or loop, the secret
    /// store, the stored SSO sessions and whether this shell loaded `grant init` (as
    /// this grant prints it).
    /// Nothing is asked; when the config uses IAM Identity Center, one request to it
    /// compares the clocks (more than 5 minutes off fails). Exits 1 when an error or
    /// warning was found, else 0; --json prints an array of objects with check,
    /// profile, file, line, severity, message and fix.
    Doctor(DoctorArgs),
    /// The secret agent, which grant starts itself where no keyring answers
    #[command(name = "__secret-agent", hide = true)]
    SecretAgent(SecretAgentArgs),
    /// What nushell's completion of `grant` and `assume` runs on Tab
    #[command(name = "__complete", hide = true)]
    Complete(CompleteArgs),
    /// The aliases of tcsh's directory hook, which its integration loads on first use
    #[command(name = "__tcsh-directory-hook", hide = true)]
    TcshDirectoryHook,
    /// Keep IAM users' access keys in grant's secret store, not in ~/.aws/credentials
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Remove grant's state, settings and secret-store key; list the lines of the AWS files that still run grant
    Uninstall(UninstallArgs),
    /// Share profiles through a git repository: a team's profile registries
    #[command(subcommand)]
    Registry(RegistryCommand),
}

/// `grant __complete -- grant console d`: the candidates for the last word of a
/// command line, as a JSON array of `{value, description}`.
#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// The words of the command line, from `grant` (or `assume`) to the one completed
    #[arg(last = true, required = true, value_name = "WORDS")]
    pub words: Vec<std::ffi::OsString>,
}

/// Where the console opens: the flags `grant console` and `assume -c` share.
#[derive(Debug, Args, Clone, Default)]
pub struct ConsoleTarget {
    /// A console service by its short name, e.g. s3, ec2, lambda, iam, logs
    #[arg(short, long, value_name = "SERVICE", conflicts_with = "destination")]
    pub service: Option<String>,
    /// An https URL of the AWS console to open, e.g. https://console.aws.amazon.com/s3/home
    #[arg(long, value_name = "URL")]
    pub destination: Option<String>,
    /// Print the console sign-in URL on stdout instead of opening a browser
    #[arg(long)]
    pub url: bool,
}

/// `grant console [PROFILE]`: the AWS console in the browser, signed in as PROFILE.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// The profile to sign in as (else GRANT_PROFILE, else AWS_PROFILE)
    #[arg(value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Then assume this role from those credentials (repeat for a chain, in order)
    #[arg(long, value_name = "ROLE_ARN")]
    pub chain: Vec<String>,
    /// The console's region (else the profile's)
    #[arg(short, long)]
    pub region: Option<String>,
    #[command(flatten)]
    pub target: ConsoleTarget,
    /// The MFA code for a role with mfa_serial (else asked on the terminal)
    #[arg(long)]
    pub mfa_token: Option<String>,
}

/// The formats `grant export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// `export NAME='value'` lines for bash, zsh and sh
    Env,
    /// `NAME=value` lines of a .env file
    Dotenv,
    /// The credential_process JSON
    Json,
    /// `$Env:NAME = 'value'` lines
    Powershell,
    /// An ini section of the AWS credentials file
    Credentials,
}

/// `grant export --profile P --format F`; `--to-credentials-file` writes the keys
/// into the AWS credentials file instead.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The profile whose credentials to export (else GRANT_PROFILE, else AWS_PROFILE)
    #[arg(long)]
    pub profile: Option<String>,
    /// Then assume this role from those credentials (repeat for a chain, in order)
    #[arg(long, value_name = "ROLE_ARN")]
    pub chain: Vec<String>,
    /// The format on stdout
    #[arg(long, value_enum, ignore_case = true, default_value = "env")]
    pub format: ExportFormat,
    /// Write the keys as a section of the AWS credentials file (plaintext, your choice)
    #[arg(long, conflicts_with = "format")]
    pub to_credentials_file: bool,
    /// The section name for --to-credentials-file (else the profile's name)
    #[arg(long = "as", value_name = "NAME", requires = "to_credentials_file")]
    pub section: Option<String>,
    /// The MFA code for a role with mfa_serial (else asked on the terminal)
    #[arg(long)]
    pub mfa_token: Option<String>,
}

/// `grant __secret-agent --dir DIR` starts a detached agent serving at DIR and exits;
/// with `--serve` it is that agent.
#[derive(Debug, Args)]
pub struct SecretAgentArgs {
    /// The agent's private folder (its socket and the lock of its start)
    #[arg(long, value_name = "DIR")]
    pub dir: std::path::PathBuf,
    /// Serve in this process
    #[arg(long)]
    pub serve: bool,
}

#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Store an IAM user's access key for PROFILE and point the profile at grant
    Add {
        /// The profile of ~/.aws/config to serve the user's sessions
        profile: String,
        /// Read the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead of asking
        #[arg(long)]
        env: bool,
    },
    /// List the profiles whose keys grant stores (key ids masked, never the secret)
    List,
    /// Delete the stored key of PROFILE, its cached sessions and grant's lines in the profile
    Remove {
        /// The profile whose key to delete
        profile: String,
    },
    /// Create a new access key with IAM, store and check it, then delete the old one
    Rotate {
        /// The profile whose key to replace
        profile: String,
        /// The MFA code when the profile has mfa_serial (IAM calls go through an MFA session)
        #[arg(long)]
        mfa_token: Option<String>,
    },
    /// Move PROFILE's keys from ~/.aws/credentials into grant's store
    Import {
        /// The profile whose keys to move
        profile: String,
        /// Also remove the keys from the credentials file (other lines stay)
        #[arg(long)]
        remove_plaintext: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SamlCommand {
    /// Sign in at the profile's IdP (a window only if its session is gone), pick a role if none is set, and cache credentials
    Login(SamlProfileArgs),
    /// Forget grant's browser profile for the profile's IdP (its session cookies)
    Logout(SamlProfileArgs),
}

#[derive(Debug, Args)]
pub struct SamlProfileArgs {
    /// A profile with grant_saml_url (or a role chain on one)
    #[arg(long, short = 'p')]
    pub profile: String,
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
    /// Write a profile for every account and role you can reach into the AWS config
    Populate(PopulateArgs),
    /// Print the profiles `populate` would write, changing nothing
    Generate(PopulateArgs),
}

/// Which directory to list, and how the generated profiles look.
#[derive(Debug, Args)]
pub struct PopulateArgs {
    /// The AWS access portal URL (else the setting DefaultSSOStartURL)
    #[arg(long)]
    pub start_url: Option<String>,
    /// The IAM Identity Center region (else the setting DefaultSSORegion)
    #[arg(long)]
    pub region: Option<String>,
    /// Write an [sso-session NAME] section and make every profile use it
    #[arg(long, value_name = "NAME")]
    pub sso_session: Option<String>,
    /// Put this before every profile name
    #[arg(long, default_value = "")]
    pub prefix: String,
    /// How to name profiles, from {account_name}, {account_id} and {role_name}
    #[arg(long, value_name = "TEMPLATE", default_value = DEFAULT_PROFILE_TEMPLATE)]
    pub profile_template: String,
    /// The `region` of every profile
    #[arg(long, value_name = "REGION")]
    pub profile_region: Option<String>,
    /// Registration scope, repeatable (default sso:account:access, for refresh tokens)
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// Plain sso_* profiles that the AWS CLI serves itself, without credential_process
    #[arg(long)]
    pub no_credential_process: bool,
    /// Remove profiles generated before from this start URL for roles that are gone
    #[arg(long)]
    pub prune: bool,
    /// Print the sign-in URL and code instead of opening a browser, if a sign-in is needed
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Delete the cached credentials of one profile, or of all
    Clear {
        /// The profile whose credentials to delete
        #[arg(long, required_unless_present = "all", conflicts_with = "all")]
        profile: Option<String>,
        /// Delete every cached credential
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ProfilesArgs {
    #[command(subcommand)]
    pub command: Option<ProfilesCommand>,
    /// Also show where each profile's credentials come from
    #[arg(short, long)]
    pub long: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// Rewrite sso_* and Granted profiles into grant's form (granted_sso_* keys, grant's credential_process)
    ///
    /// The AWS CLI's sso_* keys become granted_sso_* (sso_session becomes
    /// granted_sso_session; the [sso-session] section stays), and the profile gets
    /// `credential_process = grant credential-process --profile NAME`. A Granted or
    /// aws-sso-credential-process line becomes grant's, keeping the flags grant
    /// shares (--profile, --auto-login, --window, ...) and naming those it drops.
    /// Every other line of the file stays as it was; the file is written atomically
    /// and the previous version left as config.grant-backup. A line that runs another
    /// tool (aws-vault, ...) is left alone.
    Convert(ConvertArgs),
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The profiles to convert
    #[arg(
        value_name = "PROFILE",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub profiles: Vec<String>,
    /// Every profile with sso_* keys or a Granted or aws-sso-credential-process line
    #[arg(long)]
    pub all: bool,
    /// Print the change as a unified diff and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `grant doctor`: what keeps the AWS CLI, the SDKs or grant from working, one line
/// each with what to run.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Check only this profile (and what its chain names)
    #[arg(long)]
    pub profile: Option<String>,
    /// Print the findings as a JSON array instead of lines
    #[arg(long)]
    pub json: bool,
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

/// `credential_process = grant credential-process --profile NAME` in ~/.aws/config.
/// Flags beat AWS_SSO_* variables, which beat the profile's keys, which beat settings.
#[derive(Debug, Args)]
pub struct CredentialProcessArgs {
    /// The profile to print credentials for
    #[arg(long)]
    pub profile: Option<String>,
    /// Then assume this role from those credentials (repeat for a chain, in order)
    #[arg(long, value_name = "ROLE_ARN", requires = "profile")]
    pub chain: Vec<String>,
    /// ACCOUNT_ID/ROLE_NAME or an IAM role ARN, through the DefaultSSOStartURL setting
    #[arg(conflicts_with = "profile")]
    pub role: Option<String>,
    /// Allow a sign-in in the browser when the SSO session has expired
    #[arg(long, visible_alias = "interactive")]
    pub auto_login: bool,
    /// Never sign in, whatever the environment, profile or settings say
    #[arg(long)]
    pub noninteractive: bool,
    /// The SSO account id (else AWS_SSO_ACCOUNT_ID, else the profile)
    #[arg(long)]
    pub account_id: Option<String>,
    /// The SSO role name (else AWS_SSO_ROLE_NAME, else the profile)
    #[arg(long)]
    pub role_name: Option<String>,
    /// The AWS access portal URL (else AWS_SSO_START_URL, else the profile, else DefaultSSOStartURL)
    #[arg(long)]
    pub start_url: Option<String>,
    /// The IAM Identity Center region (else AWS_SSO_REGION, else the profile, else DefaultSSORegion)
    #[arg(long)]
    pub region: Option<String>,
    /// Cached credentials with less life than this are renewed (e.g. 15m, 1h, 900s)
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    pub window: std::time::Duration,
    /// Fetch new credentials without reading or writing the cache
    #[arg(long)]
    pub no_cache: bool,
    /// Log every decision to stderr and to the state folder's debug log
    #[arg(long)]
    pub debug: bool,
    /// The MFA code for a role or IAM user with mfa_serial (else asked on the terminal or in a dialog)
    #[arg(long)]
    pub mfa_token: Option<String>,
}

/// `assume PROFILE` runs `grant assume --shell SHELL PROFILE` and evaluates what it
/// prints; `--exec` runs a command instead and leaves the shell as it is.
#[derive(Debug, Args)]
pub struct AssumeArgs {
    /// The profile to switch to (a picker opens on the terminal without one)
    #[arg(value_name = "PROFILE")]
    pub profile: Option<String>,
    /// Then assume this role from those credentials (repeat for a chain, in order)
    #[arg(long, value_name = "ROLE_ARN", conflicts_with = "unset")]
    pub chain: Vec<String>,
    /// Export the keys themselves, not only AWS_PROFILE
    #[arg(short = 'x', long)]
    pub export_all_env_vars: bool,
    /// The region to export (else the profile's)
    #[arg(short, long)]
    pub region: Option<String>,
    /// Remove every variable assume set
    #[arg(long, conflicts_with_all = ["profile", "export_all_env_vars", "exec"])]
    pub unset: bool,
    /// The role session length for role_arn profiles, e.g. 1h or 45m
    #[arg(short, long, value_parser = parse_duration)]
    pub duration: Option<std::time::Duration>,
    /// The MFA code for a role or IAM user with mfa_serial (else asked on the terminal or in a dialog)
    #[arg(long)]
    pub mfa_token: Option<String>,
    /// Run the command after `--` with the credentials, leaving the shell unchanged
    #[arg(long, requires = "command")]
    pub exec: bool,
    /// The command for --exec and its arguments
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
    /// The shell to write code for (set by the `assume` function of `grant init`)
    #[arg(long, value_name = "SHELL", value_enum, ignore_case = true)]
    pub shell: Option<ShellName>,
    /// Renew the keys of the assumed profile, quietly and never signing in (the shell hook)
    #[arg(long, hide = true, conflicts_with_all = ["profile", "unset", "exec"])]
    pub reassume: bool,
    /// Open the AWS console signed in as the profile instead (as `grant console`)
    #[arg(short = 'c', long, conflicts_with_all = ["unset", "exec", "reassume", "env", "duration", "export_all_env_vars"])]
    pub console: bool,
    #[command(flatten)]
    pub console_target: ConsoleTarget,
    /// Write the keys into .env in this folder instead (plaintext, your choice)
    #[arg(short, long, conflicts_with_all = ["unset", "exec", "reassume"])]
    pub env: bool,
}

/// `grant serve --profile P [-- CMD ...]`: the endpoint of the AWS SDKs' container
/// credentials provider (AWS_CONTAINER_CREDENTIALS_FULL_URI), for programs that
/// outlive their keys.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The profile whose credentials to serve
    #[arg(long)]
    pub profile: String,
    /// Then assume this role from those credentials (repeat for a chain, in order)
    #[arg(long, value_name = "ROLE_ARN")]
    pub chain: Vec<String>,
    /// The TCP port to listen on (0: any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The address to listen on; anything but loopback is reachable by others
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Speak the EC2 instance-metadata protocol (IMDSv2, on loopback) instead
    #[arg(long)]
    pub imds: bool,
    /// Run this command with the endpoint's variables and exit with its status
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// `90s`, `15m`, `1h`, or plain seconds.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, "s"), |at| text.split_at(at));
    let value: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration like 15m, 1h or 900s"))?;
    let seconds = match unit {
        "s" => value,
        "m" => value * 60,
        "h" => value * 3600,
        _ => return Err(format!("'{text}' is not a duration like 15m, 1h or 900s")),
    };
    Ok(std::time::Duration::from_secs(seconds))
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

/// `grant allow [DIR]` and `grant deny [DIR]`.
#[derive(Debug, Args)]
pub struct DirectoryArgs {
    /// The directory holding the .aws-profile (default: the nearest from here, walking up)
    #[arg(value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(value_enum, ignore_case = true)]
    pub shell: ShellName,
    /// tcsh only: write the integration to FILE, for `source FILE` in ~/.tcshrc (no
    /// process at each start); the copy renews itself when grant changes
    #[arg(long, value_name = "FILE")]
    pub save: Option<std::path::PathBuf>,
}

/// What the directory hook of `grant init` runs when the nearest `.aws-profile`
/// changes: the shell code of `assume`, when the file is allowed.
#[derive(Debug, Args)]
pub struct DirectoryProfileArgs {
    /// The shell to write code for
    #[arg(long, value_name = "SHELL", value_enum, ignore_case = true)]
    pub shell: ShellName,
    /// Say nothing about a file that is not allowed (this shell was told already)
    #[arg(long)]
    pub quiet: bool,
    /// The .aws-profile file the shell found (else the one GRANT_DIRECTORY_FILE names)
    // tcsh's hook sets the variable: its command substitution reads a path given
    // in it as code.
    #[arg(value_name = "FILE")]
    pub file: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Clone a registry with your git and merge its profiles into ~/.aws/config
    ///
    /// The repository holds Granted's granted.yml (awsConfig: the config files to
    /// merge; templateValues: values each member gives once) or a plain `config`
    /// fragment. Its profiles go into one block of ~/.aws/config marked with the
    /// registry's name and commit; a name you already use is skipped (or prefixed),
    /// and keys that would run a program or read a local file are refused.
    Add(RegistryAddArgs),
    /// List the registries, their commit and their last sync
    List,
    /// Fetch the registries (or one) and rewrite their blocks; fast-forward only
    Sync(RegistrySyncArgs),
    /// Delete a registry's block from ~/.aws/config and forget its clone
    Remove {
        /// The registry's name
        name: String,
    },
    /// Let a registry bring a key grant refuses by default (or one exact command)
    Allow(RegistryAllowArgs),
}

#[derive(Debug, Args)]
pub struct RegistryAddArgs {
    /// A name for the registry (letters, digits, `_-.`); prefixed profiles start with it
    pub name: String,
    /// The repository, as `git clone` takes it (https, ssh, a path or file:// URL)
    pub url: String,
    /// The branch, tag or commit to follow (else the repository's default branch)
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// The folder of the repository that holds granted.yml or the config fragment
    #[arg(long, value_name = "DIR")]
    pub path: Option<String>,
    /// The manifest's file name (default granted.yml), or a config fragment's
    #[arg(long, value_name = "FILE")]
    pub filename: Option<String>,
    /// Write every profile as NAME.PROFILE
    #[arg(long, conflicts_with = "prefix_duplicate_profiles")]
    pub prefix_all_profiles: bool,
    /// Write a profile whose name is in use as NAME.PROFILE instead of skipping it
    #[arg(long)]
    pub prefix_duplicate_profiles: bool,
    /// Higher first: a registry of higher priority claims a shared name
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub priority: i64,
    /// A value the registry's templates require, as KEY=VALUE (repeatable)
    #[arg(long = "required-key", value_name = "KEY=VALUE")]
    pub required_keys: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RegistrySyncArgs {
    /// Only this registry (else all, higher priority first)
    pub name: Option<String>,
    /// Then generate your own profiles for every sso-session the registries bring
    #[arg(long)]
    pub populate: bool,
    /// Take a history that was rewritten (force-pushed) instead of refusing it
    #[arg(long)]
    pub allow_rewritten_history: bool,
    /// A value the registry's templates require, as KEY=VALUE (repeatable)
    #[arg(long = "required-key", value_name = "KEY=VALUE")]
    pub required_keys: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RegistryAllowArgs {
    /// The registry's name
    pub name: String,
    /// The key to take (e.g. ca_bundle, credential_process), or [default] to let it write your default profile
    pub key: String,
    /// Only this exact value (required for credential_process, mfa_process, cli_pager)
    pub value: Option<String>,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Remove them; without it, only list what would go
    #[arg(long)]
    pub yes: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn full(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::command()
            .try_get_matches_from(args)
            .and_then(|matches| Cli::from_arg_matches(&matches))
    }

    /// The hot commands' own definitions, and the version's, read every command line
    /// as the full one.
    #[test]
    fn hot_commands_parse_as_the_full_definition_does() {
        let lines: &[&[&str]] = &[
            &["grant", "credential-process", "--profile", "dev"],
            &[
                "grant",
                "credential-process",
                "--profile",
                "dev",
                "--chain",
                "arn:aws:iam::111111111111:role/A",
                "--no-cache",
            ],
            &["grant", "credential-process"],
            &["grant", "init", "bash"],
            &["grant", "init", "PWSH"],
            &["grant", "init", "ksh"],
            &["grant", "assume", "--shell", "bash", "dev"],
            &[
                "grant",
                "assume",
                "--shell",
                "zsh",
                "-x",
                "dev",
                "-r",
                "eu-west-1",
                "-d",
                "1h",
            ],
            &["grant", "assume", "--shell", "fish", "--unset"],
            &["grant", "assume", "--shell", "bash", "--unset", "dev"],
            &["grant", "assume", "--reassume", "--shell", "bash"],
            &["grant", "assume", "dev", "--exec", "--", "aws", "s3", "ls"],
            &["grant", "assume", "dev", "-c", "-s", "s3"],
            &["grant", "assume", "--exec"],
            &[
                "grant",
                "directory-profile",
                "--shell",
                "bash",
                "--quiet",
                "--",
                "/x/.aws-profile",
            ],
            &["grant", "directory-profile", "--shell", "tcsh"],
            &["grant", "directory-profile"],
            &["grant", "__tcsh-directory-hook"],
            &["grant", "__tcsh-directory-hook", "extra"],
            &["grant", "--version"],
            &["grant", "-V"],
            &["grant", "--version", "init"],
            &["grant", "init", "--version"],
        ];
        for line in lines {
            let args = line.iter().map(std::ffi::OsString::from).collect();
            let hot = Cli::parse_from_args(args);
            let full = full(line);
            match (&hot, &full) {
                (Ok(hot), Ok(full)) => {
                    assert_eq!(format!("{hot:?}"), format!("{full:?}"), "{line:?}")
                }
                (Err(hot), Err(full)) => assert_eq!(
                    hot.render().to_string(),
                    full.render().to_string(),
                    "{line:?}"
                ),
                _ => panic!("{line:?}: {hot:?} against {full:?}"),
            }
        }
    }
}
