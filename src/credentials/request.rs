//! How a credentials request is built from what the user said, in precedence order:
//! flags, then the `AWS_SSO_*` variables, then the profile's keys, then grant's
//! settings. Every command builds its request here (`for_profile`, `for_role`), and
//! the cache hit's shortcut names its inputs here (`inputs`).

use anyhow::{Context, bail};

use super::cache::CacheSlot;
use super::obtain::{self, Request};
use crate::env;
use crate::profile::{self, AssumeRole, CredentialSource, Profile, SsoDefaults, SsoRole};
use crate::role_arn::RoleArn;
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::SsoSession;

/// The `AWS_SSO_*` variables, each read after its flag and before the profile:
/// account, role, start URL, region.
const ACCOUNT_VARIABLE: &str = "AWS_SSO_ACCOUNT_ID";
const ROLE_VARIABLE: &str = "AWS_SSO_ROLE_NAME";
const START_URL_VARIABLE: &str = "AWS_SSO_START_URL";
const REGION_VARIABLE: &str = "AWS_SSO_REGION";
/// Whether a sign-in may happen: after `--auto-login`, before the profile's
/// `sso_interactive_auth` and the setting `CredentialProcessAutoLogin`.
const INTERACTIVE_AUTH_VARIABLE: &str = "AWS_SSO_INTERACTIVE_AUTH";

/// The SSO parameters given on the command line; each beats its `AWS_SSO_*`
/// variable, which beats the profile.
#[derive(Debug, Clone, Default)]
pub struct SsoFlags {
    pub account_id: Option<String>,
    pub role_name: Option<String>,
    pub start_url: Option<String>,
    pub region: Option<String>,
}

/// The profile `name`, with what the flags and AWS_SSO_* variables say put over its
/// SSO keys, and the settings filling in what all of them leave out.
pub fn load_profile(name: &str, args: &SsoFlags, settings: &Settings) -> anyhow::Result<Profile> {
    let pick =
        |flag: &Option<String>, variable: &str| flag.clone().or_else(|| env::value(variable));
    // Keys the profile leaves out come last in precedence: flags, then the
    // environment (both beat the profile anyway, below), then the settings.
    let defaults = SsoDefaults {
        start_url: pick(&args.start_url, START_URL_VARIABLE)
            .or_else(|| settings.default_sso_start_url().map(str::to_owned)),
        region: pick(&args.region, REGION_VARIABLE)
            .or_else(|| settings.default_sso_region().map(str::to_owned)),
        account_id: pick(&args.account_id, ACCOUNT_VARIABLE),
        role_name: pick(&args.role_name, ROLE_VARIABLE),
    };
    let mut profile = obtain::load_profile(name, &defaults)?;
    if let CredentialSource::Sso(role) = &mut profile.source {
        apply_sso_overrides(args, role);
    }
    Ok(profile)
}

/// Flags beat AWS_SSO_* variables, which beat the profile's keys.
fn apply_sso_overrides(args: &SsoFlags, role: &mut SsoRole) {
    let pick =
        |flag: &Option<String>, variable: &str| flag.clone().or_else(|| env::value(variable));
    if let Some(account) = pick(&args.account_id, ACCOUNT_VARIABLE) {
        role.account_id = account;
    }
    if let Some(role_name) = pick(&args.role_name, ROLE_VARIABLE) {
        role.role_name = role_name;
    }
    if let Some(start_url) = pick(&args.start_url, START_URL_VARIABLE) {
        role.session.start_url = start_url;
        role.session.name = None;
    }
    if let Some(region) = pick(&args.region, REGION_VARIABLE) {
        role.session.region = region;
    }
}

/// Every input besides the AWS files that shapes a request, as one string: the
/// profile or positional role, the flags, the `AWS_SSO_*` variables, and the
/// settings file's identity (the settings fill in what a request leaves out). Equal
/// inputs and equal AWS files make the same request: the cache hit's shortcut.
pub fn inputs(profile: Option<&str>, role: Option<&str>, flags: &SsoFlags) -> String {
    let variables: Vec<String> = [
        ACCOUNT_VARIABLE,
        ROLE_VARIABLE,
        START_URL_VARIABLE,
        REGION_VARIABLE,
    ]
    .iter()
    .map(|name| env::value(name).unwrap_or_default())
    .collect();
    let settings_file = crate::fsutil::files_identity(&[&crate::settings::config_file()], "");
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{settings_file}",
        profile,
        role,
        flags.account_id,
        flags.role_name,
        flags.start_url,
        flags.region,
        variables.join("|")
    )
}

/// Whether a sign-in is asked for: `--auto-login`, else AWS_SSO_INTERACTIVE_AUTH,
/// else the profile's `sso_interactive_auth`, else the setting
/// CredentialProcessAutoLogin.
pub fn sign_in_asked(flag: bool, profile_says: Option<bool>, settings: &Settings) -> bool {
    flag || env::flag(INTERACTIVE_AUTH_VARIABLE)
        .or(profile_says)
        .unwrap_or_else(|| settings.credential_process_auto_login())
}

/// The most roles `--chain` takes, as many as a `source_profile` chain.
const MAX_CHAIN_ROLES: usize = profile::MAX_CHAIN_DEPTH;

/// The role ARNs of `--chain`, each checked ([`RoleArn::parse`]): a hostile one is
/// refused in one line before anything is read or sent.
pub fn parse_chain(arns: &[String]) -> anyhow::Result<Vec<RoleArn>> {
    if arns.len() > MAX_CHAIN_ROLES {
        bail!("--chain takes at most {MAX_CHAIN_ROLES} roles");
    }
    arns.iter()
        .map(|text| {
            RoleArn::parse(text).with_context(|| {
                format!(
                    "--chain {}: not an IAM role ARN (arn:aws:iam::ACCOUNT_ID:role/NAME)",
                    crate::term_text::shown(text)
                )
            })
        })
        .collect()
}

/// The profile with the roles of `--chain` put on top of its source, each assumed
/// in turn from the credentials of the one before. The result is keys, never the
/// profile's own `credential_process` (which knows no chain).
pub fn with_chain(mut profile: Profile, chain: &[RoleArn]) -> Profile {
    for arn in chain {
        profile.source = CredentialSource::AssumeRole(Box::new(AssumeRole {
            role_arn: arn.clone(),
            source: profile.source,
            source_profile: None,
            external_id: None,
            mfa_serial: None,
            mfa_process: None,
            role_session_name: None,
            source_identity: None,
            duration_seconds: None,
        }));
        profile.chain.push(arn.clone());
    }
    if !chain.is_empty() {
        profile.credential_process = None;
    }
    profile
}

/// The part of a cache entry's and a shortcut's name that a `--chain` adds: a
/// chained request never evicts the profile's own entry.
pub fn chain_variant(chain: &[RoleArn]) -> String {
    if chain.is_empty() {
        return String::new();
    }
    let arns: Vec<&str> = chain.iter().map(RoleArn::as_str).collect();
    format!("#chain={}", arns.join(","))
}

/// The request for a resolved profile (with its `--chain`, see [`with_chain`]);
/// every command builds it here. `duration` (`assume -d`) sets the session length
/// of the outermost role (the profile's own, or the last of its chain), cached
/// apart so that it never evicts the profile's usual entry.
pub fn for_profile(profile: &Profile, duration: Option<u32>) -> anyhow::Result<Request> {
    let chain = chain_variant(&profile.chain);
    let Some(seconds) = duration else {
        return Ok(Request::for_profile_variant(profile, &chain));
    };
    let mut profile = profile.clone();
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
    Ok(Request::for_profile_variant(
        &profile,
        &format!("#duration={seconds}{chain}"),
    ))
}

/// A role named without a profile: `ACCOUNT/ROLE`, an IAM role ARN, or only flags
/// and AWS_SSO_* variables, with the start URL and region from the settings last.
pub fn for_role(
    role: Option<&str>,
    args: &SsoFlags,
    settings: &Settings,
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
    let account_id = pick(&args.account_id, positional_account, ACCOUNT_VARIABLE, None);
    let role_name = pick(&args.role_name, positional_role, ROLE_VARIABLE, None);
    let start_url = pick(
        &args.start_url,
        None,
        START_URL_VARIABLE,
        settings.default_sso_start_url(),
    );
    let region = pick(
        &args.region,
        None,
        REGION_VARIABLE,
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
            &crate::secrets::keys::role_request(&account_id, &role_name),
            &definition,
        ),
        source,
        region: Some(region),
        interactive_auth: None,
        profile_name: role_name,
    })
}

/// `123456789012/Role` or `arn:aws:iam::123456789012:role/path/Role`.
fn parse_role(text: &str) -> Option<(String, String)> {
    if text.starts_with("arn:") {
        let arn = RoleArn::parse(text)?;
        return Some((arn.account_id()?.to_owned(), arn.role_name()?.to_owned()));
    }
    let (account, role) = text.split_once('/')?;
    let valid_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    (valid_account && !role.is_empty() && !role.contains('/'))
        .then(|| (account.to_owned(), role.to_owned()))
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
