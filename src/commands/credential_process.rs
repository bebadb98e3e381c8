//! `grant credential-process`: credential JSON for the AWS CLI and SDKs.
//!
//! The cache hit is the path every `aws` command pays for, so it reads only the
//! profile's own sections, opens the secret store, and prints: no async runtime,
//! no SDK configuration. Everything else happens on a miss, under a lock, so that
//! many processes started at once make one upstream request.

use std::io::Write;

use anyhow::{Context, bail};

use crate::cli::CredentialProcessArgs;
use crate::credentials::Credentials;
use crate::credentials::cache::{self, CacheSlot};
use crate::credentials::identity;
use crate::credentials::obtain::{self, Obtain, Request};
use crate::env;
use crate::paths;
use crate::profile::{self, CredentialSource, SsoDefaults, SsoRole, SsoSession};
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::{LoginOptions, token};

pub fn run(args: CredentialProcessArgs) -> anyhow::Result<()> {
    crate::log::init(args.debug, Some("credential-process.log"));
    let settings = Settings::load().context("cannot load grant's settings")?;
    let store = SecretStore::open(&settings)?;
    let window = i64::try_from(args.window.as_secs()).unwrap_or(i64::MAX);
    let files = crate::fsutil::files_identity(
        &[&paths::aws_config_file(), &paths::aws_credentials_file()],
        &request_inputs(&args),
    );
    let request_name = request_name(&args);
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

    let request = request(&args, &settings)?;
    let obtain = Obtain {
        store: &store,
        settings: &settings,
        window,
        use_cache: !args.no_cache,
        login: login_options(&args, &settings, request.interactive_auth),
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
fn request_name(args: &CredentialProcessArgs) -> String {
    match (&args.profile, &args.role) {
        (Some(profile), _) => format!("profile/{profile}"),
        (None, Some(role)) => format!("role/{role}"),
        (None, None) => "flags".to_owned(),
    }
}

/// Every input besides the AWS files that shapes the request: flags, AWS_SSO_*
/// variables, and the settings file.
fn request_inputs(args: &CredentialProcessArgs) -> String {
    let variables: Vec<String> = [
        "AWS_SSO_ACCOUNT_ID",
        "AWS_SSO_ROLE_NAME",
        "AWS_SSO_START_URL",
        "AWS_SSO_REGION",
    ]
    .iter()
    .map(|name| env::value(name).unwrap_or_default())
    .collect();
    // The settings fill in what a request leaves out (DefaultSSOStartURL, ...).
    let settings_file = crate::fsutil::files_identity(&[&crate::settings::config_file()], "");
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{settings_file}",
        args.profile,
        args.role,
        args.account_id,
        args.role_name,
        args.start_url,
        args.region,
        variables.join("|")
    )
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
    let credentials = CacheSlot::get_by_key(store, &key)?;
    let left = credentials
        .as_ref()
        .and_then(|c| c.seconds_left(token::now()));
    match (credentials, left) {
        (Some(credentials), Some(left)) if left > window => {
            crate::debug!("{key}: cache hit (AWS files unchanged), {left}s left");
            Ok(Some(credentials))
        }
        _ => Ok(None),
    }
}

fn print(credentials: &Credentials) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", credentials.to_process_json())?;
    stdout.flush()?;
    Ok(())
}

fn request(args: &CredentialProcessArgs, settings: &Settings) -> anyhow::Result<Request> {
    match (&args.profile, &args.role) {
        (Some(name), _) => profile_request(args, settings, name),
        (None, Some(role)) => role_request(args, settings, Some(role)),
        (None, None) => role_request(args, settings, None),
    }
}

fn profile_request(
    args: &CredentialProcessArgs,
    settings: &Settings,
    name: &str,
) -> anyhow::Result<Request> {
    let pick =
        |flag: &Option<String>, variable: &str| flag.clone().or_else(|| env::value(variable));
    // Keys the profile leaves out come last in precedence: flags, then the
    // environment (both beat the profile anyway, below), then the settings.
    let defaults = SsoDefaults {
        start_url: pick(&args.start_url, "AWS_SSO_START_URL")
            .or_else(|| settings.default_sso_start_url().map(str::to_owned)),
        region: pick(&args.region, "AWS_SSO_REGION")
            .or_else(|| settings.default_sso_region().map(str::to_owned)),
        account_id: pick(&args.account_id, "AWS_SSO_ACCOUNT_ID"),
        role_name: pick(&args.role_name, "AWS_SSO_ROLE_NAME"),
    };
    let mut profile = obtain::load_profile(name, &defaults)?;
    if let CredentialSource::Sso(role) = &mut profile.source {
        apply_sso_overrides(args, role);
    }
    Ok(Request::for_profile(&profile))
}

/// Flags beat AWS_SSO_* variables, which beat the profile's keys.
fn apply_sso_overrides(args: &CredentialProcessArgs, role: &mut SsoRole) {
    let pick =
        |flag: &Option<String>, variable: &str| flag.clone().or_else(|| env::value(variable));
    if let Some(account) = pick(&args.account_id, "AWS_SSO_ACCOUNT_ID") {
        role.account_id = account;
    }
    if let Some(role_name) = pick(&args.role_name, "AWS_SSO_ROLE_NAME") {
        role.role_name = role_name;
    }
    if let Some(start_url) = pick(&args.start_url, "AWS_SSO_START_URL") {
        role.session.start_url = start_url;
        role.session.name = None;
    }
    if let Some(region) = pick(&args.region, "AWS_SSO_REGION") {
        role.session.region = region;
    }
}

/// A role named without a profile: `ACCOUNT/ROLE`, an IAM role ARN, or only flags
/// and AWS_SSO_* variables, with the start URL and region from the settings last.
fn role_request(
    args: &CredentialProcessArgs,
    settings: &Settings,
    role: Option<&String>,
) -> anyhow::Result<Request> {
    let (positional_account, positional_role) = match role {
        Some(text) => {
            let (account, role) = parse_role(text).with_context(|| {
                format!(
                    "'{text}' is not ACCOUNT_ID/ROLE_NAME or arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME"
                )
            })?;
            (Some(account), Some(role))
        }
        None => (None, None),
    };
    let pick = |flag: &Option<String>,
                positional: Option<String>,
                variable: &str,
                setting: Option<&str>| {
        flag.clone()
            .or(positional)
            .or_else(|| env::value(variable))
            .or_else(|| setting.map(str::to_owned))
    };
    let account_id = pick(
        &args.account_id,
        positional_account,
        "AWS_SSO_ACCOUNT_ID",
        None,
    );
    let role_name = pick(&args.role_name, positional_role, "AWS_SSO_ROLE_NAME", None);
    let start_url = pick(
        &args.start_url,
        None,
        "AWS_SSO_START_URL",
        settings.default_sso_start_url(),
    );
    let region = pick(
        &args.region,
        None,
        "AWS_SSO_REGION",
        settings.default_sso_region(),
    );
    let (Some(account_id), Some(role_name), Some(start_url), Some(region)) =
        (account_id, role_name, start_url, region)
    else {
        bail!(
            "say what to fetch: --profile NAME, or ACCOUNT_ID/ROLE_NAME with DefaultSSOStartURL and DefaultSSORegion set (grant settings set), or --account-id, --role-name, --start-url and --region"
        );
    };
    let session = SsoSession {
        name: None,
        start_url,
        region: region.clone(),
        scopes: Vec::new(),
    };
    let label = format!("role {role_name} in account {account_id}");
    let login_selector = format!(
        "--start-url {} --region {}",
        shell_word(&session.start_url),
        shell_word(&region)
    );
    let source = CredentialSource::Sso(SsoRole {
        account_id: account_id.clone(),
        role_name: role_name.clone(),
        session,
    });
    let definition = format!("{source:?}");
    let session_key = profile::sso_session_of(&source).map(SsoSession::key);
    Ok(Request {
        label,
        login_selector,
        cache: CacheSlot::new(
            session_key.as_deref(),
            &format!("role/{account_id}/{role_name}"),
            &definition,
        ),
        source,
        region: Some(region),
        interactive_auth: None,
    })
}

/// `123456789012/Role` or `arn:aws:iam::123456789012:role/path/Role`.
fn parse_role(text: &str) -> Option<(String, String)> {
    let (account, role) = match text.strip_prefix("arn:") {
        Some(arn) => {
            let parts: Vec<&str> = arn.splitn(5, ':').collect();
            let [_partition, "iam", "", account, resource] = parts.as_slice() else {
                return None;
            };
            (
                *account,
                resource.strip_prefix("role/")?.rsplit('/').next()?,
            )
        }
        None => text.split_once('/')?,
    };
    let valid_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (valid_account && !role.is_empty() && !role.contains('/'))
        .then(|| (account.to_owned(), role.to_owned()))
}

/// A sign-in is allowed when asked for, never with --noninteractive, and only where
/// a person can answer: a terminal and no CI. Who asks follows the precedence of
/// every parameter: the flag, else AWS_SSO_INTERACTIVE_AUTH, else the profile's
/// sso_interactive_auth, else the setting CredentialProcessAutoLogin.
fn login_options(
    args: &CredentialProcessArgs,
    settings: &Settings,
    profile_says: Option<bool>,
) -> Option<LoginOptions> {
    if args.noninteractive {
        return None;
    }
    let from_environment = crate::env::flag("AWS_SSO_INTERACTIVE_AUTH");
    let asked = args.auto_login
        || from_environment
            .or(profile_says)
            .unwrap_or_else(|| settings.credential_process_auto_login());
    if !asked {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_roles_weep_style() {
        let role = |text: &str| parse_role(text);
        assert_eq!(
            role("123456789012/Admin"),
            Some(("123456789012".into(), "Admin".into()))
        );
        assert_eq!(
            role("arn:aws:iam::123456789012:role/Admin"),
            Some(("123456789012".into(), "Admin".into()))
        );
        assert_eq!(
            role("arn:aws:iam::123456789012:role/team/Admin"),
            Some(("123456789012".into(), "Admin".into()))
        );
        assert_eq!(
            role("arn:aws-us-gov:iam::123456789012:role/A"),
            Some(("123456789012".into(), "A".into()))
        );
        assert_eq!(role("12345/Admin"), None);
        assert_eq!(role("arn:aws:iam::123456789012:user/Bob"), None);
        assert_eq!(role("consoleme_oss_2_test_admin"), None);
    }
}
