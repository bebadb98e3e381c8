//! How a credentials request is built from what the user said, in precedence order:
//! flags, then the `AWS_SSO_*` variables, then the profile's keys, then grant's
//! settings. credential-process and assume build their requests here.

use anyhow::{Context, bail};

use super::cache::CacheSlot;
use super::obtain::{self, Request};
use crate::env;
use crate::profile::{self, CredentialSource, Profile, SsoDefaults, SsoRole};
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::SsoSession;

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
    Ok(profile)
}

/// Flags beat AWS_SSO_* variables, which beat the profile's keys.
fn apply_sso_overrides(args: &SsoFlags, role: &mut SsoRole) {
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
            &crate::secrets::keys::role_request(&account_id, &role_name),
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
