//! `grant sso login | refresh | logout | tokens`.

use anyhow::{Context, bail};

use crate::cli::{
    SsoCommand, SsoLoginArgs, SsoLogoutArgs, SsoSessionArgs, SsoTokensArgs, SsoTokensCommand,
};
use crate::config::AwsFiles;
use crate::profile;
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::SsoSession;
use crate::sso::token::{self, SsoToken};
use crate::sso::{LoginOptions, Origin, SessionTarget, Sso, cli_cache};
use crate::term_text::shown;

pub fn run(command: SsoCommand) -> anyhow::Result<()> {
    let settings = super::settings()?;
    let store = SecretStore::open(settings)?;
    let sso = Sso::new(&store, settings);
    match command {
        SsoCommand::Login(args) => login(&sso, settings, &args),
        SsoCommand::Refresh(args) => refresh(&sso, settings, &args),
        SsoCommand::Logout(args) => logout(&sso, settings, &args),
        SsoCommand::Tokens(args) => tokens(&sso, args),
        SsoCommand::Populate(_) | SsoCommand::Generate(_) => {
            unreachable!("commands::run sends these to populate")
        }
    }
}

fn login(sso: &Sso<'_>, settings: &Settings, args: &SsoLoginArgs) -> anyhow::Result<()> {
    let target = target(&args.session, settings)?;
    let options = LoginOptions {
        no_browser: args.no_browser,
        use_device_code: args.use_device_code,
        export: args.export_sso_token,
        prompt_on_terminal: false,
    };
    let runtime = crate::aws::runtime()?;
    let (token, origin) = if args.force {
        (
            runtime.block_on(sso.login(&target, &options))?,
            Origin::SignedIn,
        )
    } else {
        runtime.block_on(sso.token_and_origin(&target, Some(&options)))?
    };
    if args.export_sso_token {
        cli_cache::write_token(&token).context("cannot write the AWS CLI token cache")?;
    }
    eprintln!(
        "Signed in to {}: {}",
        shown(&target.label()),
        describe(&token, origin, token::now())
    );
    Ok(())
}

fn refresh(sso: &Sso<'_>, settings: &Settings, args: &SsoSessionArgs) -> anyhow::Result<()> {
    let target = target(args, settings)?;
    let token = crate::aws::runtime()?.block_on(sso.refresh_target(&target))?;
    eprintln!(
        "Refreshed {}: {}",
        shown(&target.label()),
        describe(&token, Origin::Refreshed, token::now())
    );
    Ok(())
}

fn logout(sso: &Sso<'_>, settings: &Settings, args: &SsoLogoutArgs) -> anyhow::Result<()> {
    let tokens = if args.all {
        sso.stored_tokens()?
    } else {
        let target = target(&args.session, settings)?;
        let key = target.session.key();
        match sso.stored_token(&key)? {
            Some(token) => vec![token],
            None => {
                // Credentials may have come from the AWS CLI's token: they go too.
                let deleted = sso.forget_credentials(&key)?;
                eprintln!(
                    "No stored sign-in for {}; nothing to sign out of{}",
                    shown(&target.label()),
                    deleted_text(deleted)
                );
                return Ok(());
            }
        }
    };
    let runtime = crate::aws::runtime()?;
    for token in &tokens {
        runtime.block_on(sso.logout(token))?;
        eprintln!("Signed out of {}", shown(&token.session_key));
    }
    if args.all {
        let deleted = sso.forget_all_session_credentials()?;
        if deleted > 0 {
            eprintln!("Deleted {deleted} cached credentials of SSO sessions");
        }
    }
    Ok(())
}

fn tokens(sso: &Sso<'_>, args: SsoTokensArgs) -> anyhow::Result<()> {
    match args.command.unwrap_or(SsoTokensCommand::List) {
        SsoTokensCommand::List => {
            let now = token::now();
            let mut lines = vec!["SESSION\tSTART URL\tREGION\tEXPIRES\tREFRESHABLE".to_owned()];
            lines.extend(sso.stored_tokens()?.iter().map(|token| {
                format!(
                    "{}\t{}\t{}\t{}\t{}",
                    shown(&token.session_key),
                    shown(&token.start_url),
                    shown(&token.region),
                    expiry_text(token.expires_at, now),
                    if token.can_refresh(now) { "yes" } else { "no" }
                )
            }));
            super::print_lines(lines)?;
        }
        SsoTokensCommand::Clear { key: _, all: true } => {
            for token in sso.stored_tokens()? {
                sso.forget(&token)?;
                eprintln!("Deleted the token of {}", shown(&token.session_key));
            }
            let deleted = sso.forget_all_session_credentials()?;
            if deleted > 0 {
                eprintln!("Deleted {deleted} cached credentials of SSO sessions");
            }
        }
        SsoTokensCommand::Clear {
            key: Some(key),
            all: false,
        } => {
            let Some(token) = sso.stored_token(&key)? else {
                bail!("no stored token for '{key}'; `grant sso tokens list` shows the stored ones");
            };
            sso.forget(&token)?;
            eprintln!("Deleted the token of {}", shown(&key));
        }
        SsoTokensCommand::Clear {
            key: None,
            all: false,
        } => unreachable!("clap requires KEY or --all"),
    }
    Ok(())
}

/// The session the arguments name: a profile's, an sso-session, a start URL, or the
/// default start URL of the settings.
fn target(args: &SsoSessionArgs, settings: &Settings) -> anyhow::Result<SessionTarget> {
    let (mut session, selector) = if let Some(name) = &args.profile {
        let files = AwsFiles::load()?;
        let resolved = profile::resolve(&files, name)?;
        let Some(session) = profile::sso_session_of(&resolved.source) else {
            bail!(
                "profile '{name}' does not sign in through IAM Identity Center (no granted_sso_*, sso_session or sso_* keys)"
            );
        };
        (session.clone(), format!("--profile {}", shell_word(name)))
    } else if let Some(name) = &args.sso_session {
        let files = AwsFiles::load()?;
        (
            profile::sso_session_section(&files, name)?,
            format!("--sso-session {}", shell_word(name)),
        )
    } else {
        let Some((start_url, region)) =
            settings.start_url_and_region(args.start_url.as_deref(), args.region.as_deref())
        else {
            bail!(
                "say which session: --profile NAME, --sso-session NAME, or --start-url URL --region REGION (or set DefaultSSOStartURL and DefaultSSORegion with `grant settings set`)"
            );
        };
        let session = SsoSession {
            name: None,
            start_url: start_url.to_owned(),
            region: region.to_owned(),
            scopes: Vec::new(),
        };
        let selector = format!(
            "--start-url {} --region {}",
            shell_word(start_url),
            shell_word(region)
        );
        (session, selector)
    };
    if !args.scopes.is_empty() {
        session.scopes = args.scopes.clone();
    }
    Ok(SessionTarget::new(session, &selector))
}

/// What a sign-in gave, truthfully: where the token came from, how long it lasts,
/// and whether grant can renew it without a new sign-in.
fn describe(token: &SsoToken, origin: Origin, now: i64) -> String {
    let how = match origin {
        Origin::SignedIn => "",
        Origin::Stored => "already signed in, ",
        Origin::Refreshed => "renewed with its refresh token, ",
        Origin::AwsCli => "using the AWS CLI's token, ",
    };
    let refresh = if token.can_refresh(now) {
        "refreshable"
    } else {
        "not refreshable (sign in again when it expires)"
    };
    format!(
        "{how}valid until {}, {refresh}",
        expiry_text(token.expires_at, now)
    )
}

fn deleted_text(deleted: usize) -> String {
    match deleted {
        0 => String::new(),
        n => format!("; deleted {n} cached credentials"),
    }
}

/// `2026-11-22T12:00:00Z (in 7h59m)`, or `expired`.
fn expiry_text(expires_at: i64, now: i64) -> String {
    let left = expires_at - now;
    if left <= 0 {
        return "expired".to_owned();
    }
    let when = time::OffsetDateTime::from_unix_timestamp(expires_at)
        .ok()
        .and_then(|time| {
            time.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    format!("{when} (in {}h{:02}m)", left / 3600, (left % 3600) / 60)
}
