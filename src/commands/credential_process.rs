//! `grant credential-process`: credential JSON for the AWS CLI and SDKs.
//!
//! The cache hit is the path every `aws` command pays for, so it reads only the
//! profile's own sections, opens the secret store, and prints: no async runtime,
//! no SDK configuration. Everything else happens on a miss, under a lock, so that
//! many processes started at once make one upstream request.

use std::io::Write;

use crate::cli::CredentialProcessArgs;
use crate::credentials::Credentials;
use crate::credentials::cache::{self, CacheSlot};
use crate::credentials::identity;
use crate::credentials::obtain::{self, Obtain, Request};
use crate::credentials::request::{self, SsoFlags};
use crate::paths;
use crate::role_arn::RoleArn;
use crate::secrets::{SecretStore, keys};
use crate::settings::Settings;
use crate::sso::{LoginOptions, token};

pub fn run(args: CredentialProcessArgs) -> anyhow::Result<()> {
    crate::log::init(args.debug, Some("credential-process.log"));
    let chain = request::parse_chain(&args.chain)?;
    let settings = super::settings()?;
    let store = SecretStore::open(settings)?;
    let window = i64::try_from(args.window.as_secs()).unwrap_or(i64::MAX);
    let files = crate::fsutil::files_identity(
        &[&paths::aws_config_file(), &paths::aws_credentials_file()],
        &request::inputs(args.profile.as_deref(), args.role.as_deref(), &flags(&args)),
    );
    let request_name = request_name(&args, &chain);
    if crate::log::enabled()
        && let Some(name) = &args.profile
    {
        warn_of_static_keys_first(name);
    }
    if !args.no_cache
        && let Some(credentials) = hit_by_shortcut(&store, &request_name, &files, window)?
    {
        return print(&credentials);
    }

    let request = build_request(&args, &chain, settings)?;
    let obtain = Obtain {
        store: &store,
        settings,
        window,
        use_cache: !args.no_cache,
        login: login_options(&args, settings, request.interactive_auth),
        mfa_token: args.mfa_token.clone(),
    };
    let credentials = obtain.credentials(&request)?;
    if !args.no_cache && request.is_cacheable() && credentials.expiration.is_some() {
        cache::remember_shortcut(&store, &request_name, &files, &request.cache.key)?;
    }
    print(&credentials)
}

/// With --debug (or its variable): says when the AWS CLI and SDKs would not run this
/// credential_process at all for `name`, because static keys come first. Only
/// when debugging, so the cache-hit path reads no more than it did.
fn warn_of_static_keys_first(name: &str) {
    let found = crate::config::AwsFiles::load_for_profile(name)
        .ok()
        .and_then(|files| identity::static_keys_before_process(&files, name).ok())
        .flatten();
    if let Some(first) = found {
        eprintln!("grant: {}", first.warning());
    }
}

/// What the request is, as the shortcut's name: the profile or the positional role.
fn request_name(args: &CredentialProcessArgs, chain: &[RoleArn]) -> String {
    match (&args.profile, &args.role) {
        (Some(profile), _) => keys::profile_request(profile, &request::chain_variant(chain)),
        (None, Some(role)) => format!("role/{role}"),
        (None, None) => "flags".to_owned(),
    }
}

/// The cache hit that reads no config: the files are as they were when this
/// request was last served.
fn hit_by_shortcut(
    store: &SecretStore,
    request: &str,
    files: &str,
    window: i64,
) -> anyhow::Result<Option<Credentials>> {
    let Some(key) = cache::shortcut(store, request, files)? else {
        return Ok(None);
    };
    let Some(entry) = CacheSlot::get_by_key(store, &key)? else {
        return Ok(None);
    };
    match entry.fresh_for(token::now(), window) {
        Ok(left) => {
            crate::debug!("{key}: cache hit (AWS files unchanged), {left}s left");
            Ok(Some(entry.credentials))
        }
        Err(_) => Ok(None),
    }
}

fn print(credentials: &Credentials) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", credentials.to_process_json())?;
    stdout.flush()?;
    Ok(())
}

fn flags(args: &CredentialProcessArgs) -> SsoFlags {
    SsoFlags {
        account_id: args.account_id.clone(),
        role_name: args.role_name.clone(),
        start_url: args.start_url.clone(),
        region: args.region.clone(),
    }
}

fn build_request(
    args: &CredentialProcessArgs,
    chain: &[RoleArn],
    settings: &Settings,
) -> anyhow::Result<Request> {
    let flags = flags(args);
    match (&args.profile, &args.role) {
        (Some(name), _) => {
            let profile = request::load_profile(name, &flags, settings)?;
            request::for_profile(&request::with_chain(profile, chain), None)
        }
        (None, role) => request::for_role(role.as_deref(), &flags, settings),
    }
}

/// A sign-in is allowed when asked for, never with --noninteractive, and only where
/// a person can answer: a terminal and no CI; whether it is asked for follows the
/// precedence of every parameter (`request::sign_in_asked`).
fn login_options(
    args: &CredentialProcessArgs,
    settings: &Settings,
    profile_says: Option<bool>,
) -> Option<LoginOptions> {
    if args.noninteractive {
        return None;
    }
    if !request::sign_in_asked(args.auto_login, profile_says, settings) {
        crate::debug!(
            "sign-in not allowed (use --auto-login or the setting CredentialProcessAutoLogin)"
        );
        return None;
    }
    if !obtain::has_terminal() {
        crate::debug!("sign-in allowed but there is no terminal (or CI is set): not signing in");
        return None;
    }
    Some(LoginOptions {
        prompt_on_terminal: true,
        ..LoginOptions::default()
    })
}
