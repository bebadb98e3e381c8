//! `grant sso populate` and `grant sso generate`: a profile for every account and
//! role the signed-in session reaches, written into the AWS config or printed.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::PopulateArgs;
use crate::config::FileKind;
use crate::config::document::Document;
use crate::config::edit::{Edit, backup_path};
use crate::credentials::obtain;
use crate::generated_profiles::{self, Options, Summary};
use crate::paths;
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::{LoginOptions, SessionTarget, Sso, SsoError, SsoSession, SsoToken, accounts};
use crate::term_text::{Shown, shown};

const DEFAULT_SCOPE: &str = "sso:account:access";

pub fn run(args: &PopulateArgs, write: bool) -> anyhow::Result<()> {
    let settings = super::settings()?;
    let options = options(args, settings)?;
    let store = SecretStore::open(settings)?;
    let sso = Sso::new(&store, settings);
    let login = obtain::has_terminal().then(|| LoginOptions {
        no_browser: args.no_browser,
        ..LoginOptions::default()
    });
    let runtime = crate::aws::runtime()?;
    let (mut token, target) = runtime.block_on(session_token(&sso, &options, login.as_ref()))?;
    let config = runtime.block_on(crate::aws::sdk_config(&options.sso_region));
    let progress = Progress::new();
    let list = |token: &SsoToken| {
        runtime.block_on(accounts::list_roles(
            &config,
            &token.access_token,
            |done, total| progress.show(done, total),
        ))
    };
    let mut listed = list(&token);
    if matches!(listed, Err(SsoError::TokenRefused { .. })) && token.refresh_token.is_some() {
        // Refused before its time: renew with the refresh token and list once more.
        token = runtime.block_on(sso.refresh_refused(&target, &token))?;
        listed = list(&token);
    }
    let roles =
        listed.with_context(|| format!("cannot list the accounts of {}", options.start_url))?;
    progress.finish();
    let (roles, rejected) = generated_profiles::writable_roles(roles);
    for rejected in &rejected {
        warn_rejected(rejected);
    }
    let profiles = options.profiles(&roles);
    if !write {
        let mut document = Document::parse(Path::new("generated"), "")?;
        options.merge(&mut document, &profiles, false)?;
        super::print_lines([document.render().trim_end()])?;
        return Ok(());
    }
    let path = paths::aws_config_file();
    let summary = merge_into_file(&path, &options, &profiles, args.prune)?;
    report(&summary, &options, &path, &token);
    Ok(())
}

fn options(args: &PopulateArgs, settings: &Settings) -> anyhow::Result<Options> {
    let Some((start_url, region)) =
        settings.start_url_and_region(args.start_url.as_deref(), args.region.as_deref())
    else {
        bail!(
            "say which directory: --start-url URL --region REGION (or set DefaultSSOStartURL and DefaultSSORegion with `grant settings set`)"
        );
    };
    generated_profiles::check_template(&args.profile_template)?;
    if let Some(session) = &args.sso_session
        && generated_profiles::sanitize(session) != *session
    {
        bail!("--sso-session '{session}': use letters, digits and _-/.%@:+ only");
    }
    let scopes = if args.scopes.is_empty() {
        vec![DEFAULT_SCOPE.to_owned()]
    } else {
        args.scopes.clone()
    };
    Ok(Options {
        start_url: start_url.to_owned(),
        sso_region: region.to_owned(),
        scopes,
        sso_session: args.sso_session.clone(),
        credential_process: !args.no_credential_process,
        profile_region: args.profile_region.clone(),
        template: args.profile_template.clone(),
        prefix: args.prefix.clone(),
    })
}

/// The token to list with: the named sso-session's, else one signed in with the
/// start URL alone, else a sign-in (as the sso-session, when named).
/// The session's token and the session it was found under.
async fn session_token(
    sso: &Sso<'_>,
    options: &Options,
    login: Option<&LoginOptions>,
) -> Result<(SsoToken, SessionTarget), SsoError> {
    let selector = format!(
        "--start-url {} --region {}",
        shell_word(&options.start_url),
        shell_word(&options.sso_region)
    );
    let session = |name: Option<String>| SsoSession {
        name,
        start_url: options.start_url.clone(),
        region: options.sso_region.clone(),
        scopes: options.scopes.clone(),
    };
    let by_url = SessionTarget::new(session(None), &selector);
    let with = |target: &SessionTarget, token: SsoToken| (token, target.clone());
    let Some(name) = &options.sso_session else {
        return Ok(with(&by_url, sso.token(&by_url, login).await?));
    };
    let named = SessionTarget::new(session(Some(name.clone())), &selector);
    match sso.token(&named, None).await {
        Err(SsoError::SignInRequired { .. }) => match sso.token(&by_url, None).await {
            Err(SsoError::SignInRequired { .. }) => {
                Ok(with(&named, sso.token(&named, login).await?))
            }
            other => other.map(|token| with(&by_url, token)),
        },
        other => other.map(|token| with(&named, token)),
    }
}

/// Merges through the one editor of the AWS files (a second populate waits), keeping
/// the previous version as a backup. An unchanged file is not written at all.
fn merge_into_file(
    path: &Path,
    options: &Options,
    profiles: &[generated_profiles::GeneratedProfile],
    prune: bool,
) -> anyhow::Result<Summary> {
    let edited = Edit::new(path, FileKind::Config)
        .with_backup()
        .apply(|document| anyhow::Ok(options.merge(document, profiles, prune)?))?;
    Ok(edited.value)
}

/// One line per role the directory listed that cannot be written, naming its account.
fn warn_rejected(rejected: &generated_profiles::RejectedRole) {
    let role = &rejected.role;
    eprintln!(
        "grant: skipped the role '{}' of the account '{}' ({}): {}",
        Shown(&role.role_name),
        Shown(&role.account_name),
        Shown(&role.account_id),
        rejected.reason
    );
}

fn report(summary: &Summary, options: &Options, path: &Path, token: &SsoToken) {
    for name in &summary.skipped {
        eprintln!(
            "grant: left the profile {} as it is: it is your own, not generated by grant",
            shown(&shell_word(name))
        );
    }
    let total = summary.added + summary.updated + summary.unchanged;
    if !summary.changed() {
        eprintln!(
            "grant: {total} profiles for {}: no change to {}",
            shown(&options.start_url),
            path.display()
        );
        return;
    }
    eprintln!(
        "grant: {total} profiles for {}: {} added, {} updated, {} removed; wrote {} (the previous version is {})",
        shown(&options.start_url),
        summary.added,
        summary.updated,
        summary.removed.len(),
        path.display(),
        backup_path(path).display()
    );
    if let Some(name) = &options.sso_session
        && token.session_name.as_deref() != Some(name.as_str())
    {
        eprintln!(
            "grant: the profiles sign in as the SSO session '{}': run grant sso login --sso-session {} once",
            shown(name),
            shown(&shell_word(name))
        );
    }
}

/// Accounts done / in all, on the terminal only.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "listing roles: {pos}/{len} accounts {bar:30}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar }
    }

    fn show(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
