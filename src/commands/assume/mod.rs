//! `grant assume`: the shell code that switches a shell to a profile (evaluated by
//! the `assume` function of `grant init`), or a command run with the profile's
//! credentials (`--exec`).
//!
//! A profile with `credential_process` gets `AWS_PROFILE` only, so the SDKs renew
//! by themselves; others, or `-x`, get the keys and never `AWS_PROFILE` beside
//! them (an SDK that sees both may read the profile and ignore the keys, and the
//! JavaScript SDK warns). `GRANT_EXPORTED` lists what was set, so that the next
//! assume removes exactly that, and only names from [`variables::ALL_VARIABLES`]; `GRANT_EXPIRES`
//! (epoch seconds) tells the shell hook when to renew exported keys.
//!
//! For prompts, which must start no process, the shell is told what it uses in
//! both modes: `GRANT_PROFILE`, `GRANT_REGION` (empty without a region), and what
//! ends next: `GRANT_EXPIRES` with exported keys, `GRANT_SSO_EXPIRES` with
//! AWS_PROFILE only (when a sign-in will be needed, see [`sign_in_expiry`]).

mod confirm;
mod reassume;
mod variables;

use anyhow::{Context, bail};

use crate::child;
use crate::cli::AssumeArgs;
use crate::config::AwsFiles;
use crate::credentials::Credentials;
use crate::credentials::obtain::{self, Obtain};
use crate::credentials::request::{self, SsoFlags};
use crate::profile::Profile;
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::{EnvChange, Shell};
use crate::sso::{LoginOptions, Sso, cli_cache, token};

use confirm::{confirm, what_the_sdks_use};
use reassume::reassume;
use variables::{emit, env_change, unset_everything};

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
    let settings = super::settings()?;
    if args.reassume {
        return reassume(needs_shell(shell)?, settings);
    }
    if args.console || wants_console(&args) {
        return console(&args, shell);
    }
    let shell = if args.exec {
        None
    } else {
        Some(needs_shell(shell)?)
    };
    let chain = request::parse_chain(&args.chain)?;
    let name = match &args.profile {
        Some(name) => name.clone(),
        None => pick_profile()?,
    };
    let profile = request::with_chain(
        request::load_profile(&name, &SsoFlags::default(), settings)?,
        &chain,
    );
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
    let store = SecretStore::open(settings)?;
    let credentials = credentials(&plan, settings, &store, login, args.mfa_token.clone())?;
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
        sign_in_expiry(&plan.profile, &store, settings)
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
    if let Some(shell) = shell {
        bail!(
            "assume -c writes to the terminal, not shell code, and this shell's assume function does not know it yet: load the integration again ({}), or run grant console PROFILE",
            crate::shell::integration::how_to_load(shell)
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
        chain: &args.chain,
    })
}

fn needs_shell(shell: Option<Shell>) -> anyhow::Result<Shell> {
    shell.with_context(|| {
        format!(
            "`grant assume` writes code for the `assume` function of your shell: {}; or run a command with --exec -- CMD",
            crate::shell::integration::how_to_load(crate::shell::integration::login_shell(crate::env::os_value("SHELL").as_deref()))
        )
    })
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
    let request = request::for_profile(&plan.profile, plan.duration)?;
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

/// When the user will have to sign in again for `profile`, if its credentials come
/// from an IAM Identity Center session (directly or at the root of a role chain)
/// whose token grant can read: a token grant can refresh lasts as long as its
/// client registration (IAM Identity Center may end the session sooner, at a time
/// it does not tell clients: its session length is not part of any answer); any
/// other token at its own expiry.
fn sign_in_expiry(profile: &Profile, store: &SecretStore, settings: &Settings) -> Option<i64> {
    let session = crate::profile::sso_session_of(&profile.source)?;
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

/// Replaces this process with the command, its environment changed as the shell's
/// would be.
fn run_command(change: &EnvChange, command_line: &[String]) -> anyhow::Result<()> {
    let command = child::command(
        command_line,
        change,
        "--exec needs a command after --, e.g. assume dev --exec -- aws s3 ls",
    )?;
    Err(child::exec(command))
}
