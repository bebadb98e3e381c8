//! `grant assume`: the shell code that switches a shell to a profile (evaluated by
//! the `assume` function of `grant init`), or a command run with the profile's
//! credentials (`--exec`).
//!
//! A profile with `credential_process` gets `AWS_PROFILE` only, so the SDKs renew
//! by themselves; others, or `-x`, get the keys and never `AWS_PROFILE` beside
//! them (an SDK that sees both may read the profile and ignore the keys, and the
//! JavaScript SDK warns). `GRANT_EXPORTED` lists what was set, so that the next
//! assume removes exactly that, and only names from [`ALL_VARIABLES`]; `GRANT_EXPIRES`
//! (epoch seconds) tells the shell hook when to renew exported keys.
//!
//! For prompts, which must start no process, the shell is told what it uses in
//! both modes: `GRANT_PROFILE`, `GRANT_REGION` (empty without a region), and what
//! ends next: `GRANT_EXPIRES` with exported keys, `GRANT_SSO_EXPIRES` with
//! AWS_PROFILE only (when a sign-in will be needed, see [`sign_in_expiry`]).

use anyhow::{Context, bail};

use crate::cli::AssumeArgs;
use crate::config::AwsFiles;
use crate::credentials::identity::{self, StaticKeysFirst};
use crate::credentials::obtain::{self, Obtain, Request};
use crate::credentials::request::{self, SsoFlags};
use crate::credentials::{Credentials, format_expiration};
use crate::env;
use crate::profile::{CredentialSource, Profile};
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::{EnvChange, Shell, shell_word};
use crate::sso::{LoginOptions, Sso, SsoSession, cli_cache, token};
use crate::term_text::shown;

/// The variables that carry keys; they beat AWS_PROFILE in every SDK, so an
/// AWS_PROFILE-only assume removes them.
const KEY_VARIABLES: [&str; 5] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
];
/// Every variable assume may set, for `--unset`, and the only names it ever
/// unsets from GRANT_EXPORTED.
const ALL_VARIABLES: [&str; 15] = [
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCOUNT_ID",
    PROFILE_VARIABLE,
    REGION_VARIABLE,
    EXPIRES_VARIABLE,
    SSO_EXPIRES_VARIABLE,
    DURATION_VARIABLE,
    EXPORTED_VARIABLE,
];
const PROFILE_VARIABLE: &str = "GRANT_PROFILE";
/// The region assume exported, empty when none: for prompts.
const REGION_VARIABLE: &str = "GRANT_REGION";
/// When the SSO sign-in behind an AWS_PROFILE-only assume ends, in epoch seconds:
/// for prompts.
const SSO_EXPIRES_VARIABLE: &str = "GRANT_SSO_EXPIRES";
/// When the exported keys expire, in epoch seconds: the hook's signal.
const EXPIRES_VARIABLE: &str = "GRANT_EXPIRES";
/// The `-d` of the assume, so that the hook renews with the same.
const DURATION_VARIABLE: &str = "GRANT_DURATION";
/// The names the last assume set, separated by spaces.
const EXPORTED_VARIABLE: &str = "GRANT_EXPORTED";
/// Cached credentials with less life are renewed, as credential-process does.
const WINDOW_SECONDS: i64 = 15 * 60;

/// What was asked for, once the flags, environment and settings are read.
struct Plan {
    profile: Profile,
    /// Export the keys; otherwise only AWS_PROFILE, relying on credential_process.
    export_keys: bool,
    region: Option<String>,
    duration: Option<u32>,
    /// Let the shell hook renew the keys before they expire.
    hook: bool,
}

pub fn run(args: AssumeArgs) -> anyhow::Result<()> {
    let shell = args.shell.map(super::shell_of);
    if args.unset {
        return emit(needs_shell(shell)?, &unset_everything());
    }
    let settings = Settings::load().context("cannot load grant's settings")?;
    if args.reassume {
        return reassume(needs_shell(shell)?, &settings);
    }
    if args.console || wants_console(&args) {
        return console(&args, shell);
    }
    let shell = if args.exec {
        None
    } else {
        Some(needs_shell(shell)?)
    };
    let name = match &args.profile {
        Some(name) => name.clone(),
        None => pick_profile()?,
    };
    let profile = request::load_profile(&name, &SsoFlags::default(), &settings)?;
    let duration = args
        .duration
        .map(|duration| u32::try_from(duration.as_secs()).unwrap_or(u32::MAX));
    let export_keys = args.exec
        || args.export_all_env_vars
        || settings.default_export_all_env_var()
        || profile.credential_process.is_none();
    let plan = Plan {
        region: args.region.clone().or_else(|| profile.region.clone()),
        hook: !args.exec && settings.auto_reassume(),
        profile,
        export_keys,
        duration,
    };
    let login = obtain::has_terminal().then(|| LoginOptions {
        prompt_on_terminal: true,
        ..LoginOptions::default()
    });
    let store = SecretStore::open(&settings)?;
    let credentials = credentials(&plan, &settings, &store, login, args.mfa_token.clone())?;
    crate::picker::record_use(&name);
    if args.env {
        super::export::write_dotenv(&plan.profile, plan.region.as_deref(), &credentials)?;
        return match shell {
            Some(shell) => emit(shell, &EnvChange::default()),
            None => Ok(()),
        };
    }
    let sign_in_ends = if plan.export_keys {
        None
    } else {
        sign_in_expiry(&plan.profile, &store, &settings)
    };
    let change = env_change(&plan, &credentials, sign_in_ends);
    match shell {
        None => run_command(&change, &args.command),
        Some(shell) => {
            let used = what_the_sdks_use(&plan)?;
            emit(shell, &change)?;
            confirm(&plan, &credentials, &used);
            Ok(())
        }
    }
}

/// Whether a flag only the console takes was given.
fn wants_console(args: &AssumeArgs) -> bool {
    let target = &args.console_target;
    target.service.is_some() || target.destination.is_some() || target.url
}

/// `assume -c PROFILE`: the console, as `grant console` opens it. It writes to the
/// terminal, never shell code, so the `assume` function runs it as it is.
fn console(args: &AssumeArgs, shell: Option<Shell>) -> anyhow::Result<()> {
    if !args.console {
        bail!(
            "-s, --destination and --url open the AWS console: add -c, e.g. assume -c PROFILE -s s3"
        );
    }
    if shell.is_some() {
        bail!(
            "assume -c writes to the terminal, not shell code, and this shell's assume function does not know it yet: load the integration again (eval \"$(grant init bash)\", or zsh, fish, powershell), or run grant console PROFILE"
        );
    }
    let profile = match &args.profile {
        Some(name) => name.clone(),
        None => match super::export::profile_from_environment("assume -c PROFILE") {
            Ok(name) => name,
            Err(_) => pick_profile()?,
        },
    };
    super::console::open(&super::console::ConsoleRequest {
        profile,
        region: args.region.clone(),
        target: &args.console_target,
        mfa_token: args.mfa_token.clone(),
    })
}

fn needs_shell(shell: Option<Shell>) -> anyhow::Result<Shell> {
    shell.context(
        "`grant assume` writes code for the `assume` function of your shell: add eval \"$(grant init bash)\" (or zsh, fish, powershell) to your shell's rc file, or run a command with --exec -- CMD",
    )
}

/// The profile's credentials, through the same cache as credential-process: an
/// AWS_PROFILE-only assume warms it, and it is where a sign-in happens.
fn credentials(
    plan: &Plan,
    settings: &Settings,
    store: &SecretStore,
    login: Option<LoginOptions>,
    mfa_token: Option<String>,
) -> anyhow::Result<Credentials> {
    let mut profile = plan.profile.clone();
    let variant = match plan.duration {
        Some(seconds) => set_role_duration(&mut profile, seconds)?,
        None => String::new(),
    };
    let request = Request::for_profile_variant(&profile, &variant);
    let obtain = Obtain {
        store,
        settings,
        window: WINDOW_SECONDS,
        use_cache: true,
        login,
        mfa_token,
    };
    obtain.credentials(&request)
}

/// `-d` sets the session length of the profile's own role; it is cached apart.
fn set_role_duration(profile: &mut Profile, seconds: u32) -> anyhow::Result<String> {
    let CredentialSource::AssumeRole(role) = &mut profile.source else {
        bail!(
            "profile '{}': --duration sets the session length of a role_arn profile; an IAM Identity Center role's length is set by its permission set",
            profile.name
        );
    };
    if !(900..=43_200).contains(&seconds) {
        bail!("--duration must be from 15m to 12h (900 to 43200 seconds)");
    }
    role.duration_seconds = Some(seconds);
    Ok(format!("#duration={seconds}"))
}

/// When the user will have to sign in again for `profile`, if its credentials come
/// from an IAM Identity Center session (directly or at the root of a role chain)
/// whose token grant can read: a token grant can refresh lasts as long as its
/// client registration (IAM Identity Center may end the session sooner, at a time
/// it does not tell clients: its session length is not part of any answer); any
/// other token at its own expiry.
fn sign_in_expiry(profile: &Profile, store: &SecretStore, settings: &Settings) -> Option<i64> {
    let session = sso_session_of(&profile.source)?;
    let now = token::now();
    let token = match Sso::new(store, settings).stored_token(&session.key()) {
        Ok(Some(token)) => token,
        _ => cli_cache::read_token(session, now)?,
    };
    Some(match token.registration_expires_at {
        Some(registration) if token.can_refresh(now) => registration.max(token.expires_at),
        _ => token.expires_at,
    })
}

fn sso_session_of(source: &CredentialSource) -> Option<&SsoSession> {
    match source {
        CredentialSource::Sso(role) => Some(&role.session),
        CredentialSource::AssumeRole(role) => sso_session_of(&role.source),
        _ => None,
    }
}

/// What to unset and set: first what the previous assume set and, for an
/// AWS_PROFILE-only assume, any keys in the environment; with keys, any
/// AWS_PROFILE, even the user's own, which would otherwise compete with them.
fn env_change(plan: &Plan, credentials: &Credentials, sign_in_ends: Option<i64>) -> EnvChange {
    let mut set: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, value: &str| set.push((name.to_owned(), value.to_owned()));
    if !plan.export_keys {
        add("AWS_PROFILE", &plan.profile.name);
    }
    if let Some(region) = &plan.region {
        add("AWS_REGION", region);
        add("AWS_DEFAULT_REGION", region);
    }
    add(REGION_VARIABLE, plan.region.as_deref().unwrap_or_default());
    if let Some(ends) = sign_in_ends {
        add(SSO_EXPIRES_VARIABLE, &ends.to_string());
    }
    if plan.export_keys {
        add("AWS_ACCESS_KEY_ID", &credentials.access_key_id);
        add("AWS_SECRET_ACCESS_KEY", &credentials.secret_access_key);
        if let Some(token) = &credentials.session_token {
            add("AWS_SESSION_TOKEN", token);
        }
        if let Some(expiration) = credentials.expiration {
            add("AWS_CREDENTIAL_EXPIRATION", &format_expiration(expiration));
            add("AWS_SESSION_EXPIRATION", &format_expiration(expiration));
            if plan.hook {
                add(EXPIRES_VARIABLE, &expiration.to_string());
            }
        }
        if let Some(account) = &credentials.account_id {
            add("AWS_ACCOUNT_ID", account);
        }
    }
    add(PROFILE_VARIABLE, &plan.profile.name);
    if let Some(seconds) = plan.duration {
        add(DURATION_VARIABLE, &seconds.to_string());
    }
    let mut names: Vec<&str> = set.iter().map(|(name, _)| name.as_str()).collect();
    names.push(EXPORTED_VARIABLE);
    let exported = names.join(" ");
    let mut to_remove = previously_exported();
    to_remove.extend(KEY_VARIABLES.map(str::to_owned));
    to_remove.push(EXPIRES_VARIABLE.to_owned());
    to_remove.push(SSO_EXPIRES_VARIABLE.to_owned());
    to_remove.push("AWS_PROFILE".to_owned());
    let unset = present(
        to_remove
            .into_iter()
            .filter(|name| !names.contains(&name.as_str())),
    );
    set.push((EXPORTED_VARIABLE.to_owned(), exported));
    EnvChange { unset, set }
}

/// The names in GRANT_EXPORTED that assume itself may set: the variable is the
/// user's to edit, and `GRANT_EXPORTED=PATH` must not unset PATH.
fn previously_exported() -> Vec<String> {
    names_assume_sets(&env::value(EXPORTED_VARIABLE).unwrap_or_default())
}

fn names_assume_sets(list: &str) -> Vec<String> {
    list.split_whitespace()
        .filter(|name| ALL_VARIABLES.contains(name))
        .map(str::to_owned)
        .collect()
}

/// The names that are set in this environment, once each: fish's `set -e` of a
/// variable that is not set fails.
fn present(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut present: Vec<String> = Vec::new();
    for name in names {
        if std::env::var_os(&name).is_some() && !present.contains(&name) {
            present.push(name);
        }
    }
    present
}

fn unset_everything() -> EnvChange {
    let mut names = previously_exported();
    names.extend(ALL_VARIABLES.map(str::to_owned));
    EnvChange {
        unset: present(names),
        set: Vec::new(),
    }
}

fn emit(shell: Shell, change: &EnvChange) -> anyhow::Result<()> {
    let script = shell.script(change)?;
    super::print_lines([script.trim_end()])?;
    Ok(())
}

/// The shell hook's call: renew the keys of the assumed profile from the cache or
/// a refresh, never signing in. Whatever happens, the hook must not try again at
/// every prompt, so a failure says so on one line and ends the hook's watch.
fn reassume(shell: Shell, settings: &Settings) -> anyhow::Result<()> {
    let stop_watching = EnvChange {
        unset: present([EXPIRES_VARIABLE.to_owned()]),
        set: Vec::new(),
    };
    let Some(name) = env::value(PROFILE_VARIABLE) else {
        return emit(shell, &stop_watching);
    };
    if !settings.auto_reassume() {
        return emit(shell, &stop_watching);
    }
    match renewed(&name, settings) {
        Ok((plan, credentials)) => {
            emit(shell, &env_change(&plan, &credentials, None))?;
            if !is_quiet() {
                eprintln!(
                    "grant: renewed the keys of {},{}",
                    shown(&shell_word(&name)),
                    until(&credentials)
                );
            }
            Ok(())
        }
        Err(error) => {
            eprintln!(
                "grant: cannot renew the keys of {} without a sign-in ({}); run: assume -x {}",
                shown(&shell_word(&name)),
                shown(&crate::term_text::one_line(&error)),
                shown(&shell_word(&name))
            );
            emit(shell, &stop_watching)
        }
    }
}

fn renewed(name: &str, settings: &Settings) -> anyhow::Result<(Plan, Credentials)> {
    let profile = request::load_profile(name, &SsoFlags::default(), settings)?;
    let region_was_exported = previously_exported().iter().any(|n| n == "AWS_REGION");
    let plan = Plan {
        region: env::value("AWS_REGION")
            .filter(|_| region_was_exported)
            .or_else(|| profile.region.clone()),
        duration: env::value(DURATION_VARIABLE).and_then(|text| text.parse().ok()),
        export_keys: true,
        hook: true,
        profile,
    };
    let store = SecretStore::open(settings)?;
    let credentials = credentials(&plan, settings, &store, None, None)?;
    Ok((plan, credentials))
}

/// `assume` without a profile: a fuzzy picker on the terminal, never without one
/// (FuzzySelect redraws forever when stderr is not a terminal).
fn pick_profile() -> anyhow::Result<String> {
    if !crate::terminal::picker_can_show() {
        bail!("give a profile: assume PROFILE (grant profiles lists them)");
    }
    let files = AwsFiles::load()?;
    let mut entries = crate::picker::entries(&files);
    if entries.is_empty() {
        bail!(
            "no profiles in {}; add one, or run grant sso populate",
            crate::paths::aws_config_file().display()
        );
    }
    crate::picker::Uses::load().order(&mut entries, crate::picker::now_ms());
    let choice = dialoguer::FuzzySelect::new()
        .with_prompt("Profile (name, account id, account name or role)")
        .items(crate::picker::lines(&entries))
        .default(0)
        .interact_on_opt(&dialoguer::console::Term::stderr())
        .context("cannot show the profile picker")?;
    match choice {
        Some(index) => Ok(entries.swap_remove(index).name),
        None => bail!("no profile chosen"),
    }
}

/// Replaces this process with the command (so that signals and the exit status
/// are the command's own), its environment changed as the shell's would be.
fn run_command(change: &EnvChange, command_line: &[String]) -> anyhow::Result<()> {
    let Some((program, arguments)) = command_line.split_first() else {
        bail!("--exec needs a command after --, e.g. assume dev --exec -- aws s3 ls");
    };
    let mut command = std::process::Command::new(program);
    command.args(arguments);
    for name in &change.unset {
        command.env_remove(name);
    }
    command.envs(change.set.iter().map(|(name, value)| (name, value)));
    let error = exec(command);
    Err(error).with_context(|| format!("cannot run {}", shell_word(program)))
}

#[cfg(unix)]
fn exec(mut command: std::process::Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

#[cfg(not(unix))]
fn exec(mut command: std::process::Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(error) => error,
    }
}

/// What the AWS CLI and SDKs will sign with once the shell has the change.
enum SdkCredentials {
    /// What grant fetched (exported, or served by the credential_process).
    Grant {
        /// The file with the profile's static keys, when that is the source.
        static_keys_file: Option<std::path::PathBuf>,
    },
    /// Static keys in the credentials file, ahead of the credential_process.
    StaticKeysFirst(StaticKeysFirst),
}

/// Exported keys beat every file; with AWS_PROFILE only, the SDKs resolve the
/// profile themselves, and keys in the credentials file come before its
/// credential_process.
fn what_the_sdks_use(plan: &Plan) -> anyhow::Result<SdkCredentials> {
    let name = &plan.profile.name;
    let files = AwsFiles::load_for_profile(name)?;
    if !plan.export_keys
        && let Some(first) = identity::static_keys_before_process(&files, name)?
    {
        return Ok(SdkCredentials::StaticKeysFirst(first));
    }
    let static_keys_file = match &plan.profile.source {
        CredentialSource::Static(_) => identity::static_keys_file(&files, name)?,
        _ => None,
    };
    Ok(SdkCredentials::Grant { static_keys_file })
}

/// One line on stderr: which profile, which credentials (account and role, or
/// where the keys come from) and region, and until when. A line that says the
/// SDKs will use other keys than grant's is shown even under GRANT_QUIET.
fn confirm(plan: &Plan, credentials: &Credentials, used: &SdkCredentials) {
    let name = shell_word(&plan.profile.name);
    let static_keys_file = match used {
        SdkCredentials::StaticKeysFirst(first) => {
            eprintln!("grant: {}", shown(&first.warning()));
            eprintln!(
                "grant: AWS_PROFILE={} exported, but the AWS CLI and SDKs will sign with the static keys {} from {}, not with grant's credentials",
                shown(&name),
                shown(&first.access_key_id),
                shown(&first.credentials_file.display().to_string())
            );
            return;
        }
        SdkCredentials::Grant { static_keys_file } => static_keys_file.as_deref(),
    };
    if is_quiet() {
        return;
    }
    let mut facts = vec![source_facts(plan, credentials, static_keys_file)];
    if let Some(region) = &plan.region {
        facts.push(format!("region {region}"));
    }
    let how = if plan.export_keys {
        match until(credentials) {
            until if until.is_empty() => "keys exported".to_owned(),
            until => format!("keys exported,{until}"),
        }
    } else {
        format!(
            "AWS_PROFILE exported, credential_process renews the credentials (cached{})",
            until(credentials)
        )
    };
    eprintln!(
        "grant: assumed {} ({}); {}",
        shown(&name),
        shown(&facts.join(", ")),
        shown(&how)
    );
}

/// `account 111111111111, role Admin`, `static keys AKIA... from FILE`, ...
fn source_facts(
    plan: &Plan,
    credentials: &Credentials,
    static_keys_file: Option<&std::path::Path>,
) -> String {
    match &plan.profile.source {
        CredentialSource::Sso(role) => {
            format!("account {}, role {}", role.account_id, role.role_name)
        }
        CredentialSource::AssumeRole(role) => match role_arn_parts(&role.role_arn) {
            Some((account, role_name)) => format!("account {account}, role {role_name}"),
            None => format!("role {}", role.role_arn),
        },
        CredentialSource::Static(keys) => match static_keys_file {
            Some(file) => format!("static keys {} from {}", keys.access_key_id, file.display()),
            None => format!("static keys {}", keys.access_key_id),
        },
        CredentialSource::Process(command) => {
            let account = credentials
                .account_id
                .as_ref()
                .map(|account| format!("account {account}, "))
                .unwrap_or_default();
            format!("{account}keys from the credential_process `{command}`")
        }
        CredentialSource::Named(_) => format!("keys {}", credentials.access_key_id),
        CredentialSource::IamUser(_) => "a session of the IAM user (grant store)".to_owned(),
        CredentialSource::Saml(role) => match &credentials.account_id {
            Some(account) => format!(
                "account {account}, SAML role from {}",
                crate::saml::idp_label(&role.url)
            ),
            None => format!("SAML role from {}", crate::saml::idp_label(&role.url)),
        },
    }
}

/// The account and role name of `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
fn role_arn_parts(arn: &str) -> Option<(&str, &str)> {
    let account = arn
        .split(':')
        .nth(4)
        .filter(|account| !account.is_empty())?;
    let role = arn.rsplit_once('/').map(|(_, role)| role)?;
    Some((account, role))
}

/// ` valid until 10:52 UTC (59 min)`, or nothing for long-term keys.
fn until(credentials: &Credentials) -> String {
    let Some(expiration) = credentials.expiration else {
        return String::new();
    };
    let time = format_expiration(expiration);
    let clock = time.get(11..16).unwrap_or(&time);
    let minutes = (expiration - token::now()).max(0) / 60;
    format!(" valid until {clock} UTC ({minutes} min)")
}

fn is_quiet() -> bool {
    crate::env::is_true("GRANT_QUIET")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_assume_sets_are_taken_from_grant_exported() {
        assert_eq!(
            names_assume_sets("PATH HOME AWS_PROFILE GRANT_PROFILE;rm AWS_REGION"),
            ["AWS_PROFILE", "AWS_REGION"]
        );
        assert!(names_assume_sets("PATH:HOME LD_PRELOAD").is_empty());
    }
}
