//! SAML-federated profiles (`grant_saml_*`): what can be known of their sign-in
//! without a browser run or a request: the IdP's URL, the role and provider ARNs
//! and their partition, a browser grant can drive, and whether grant keeps a
//! browser profile (an IdP session, maybe) for the IdP.

use super::{Finding, Severity, profile_flag};
use crate::partition::Partition;
use crate::profile::{SAML_PROVIDER_KEY, SAML_ROLE_KEY, SAML_URL_KEY, SamlRole};
use crate::saml::{self, assertion};
use crate::settings::Settings;
use crate::term_text::shown;

/// The findings of SAML profile `name`: errors for what keeps it from signing
/// in, then one line that lists it with its sign-in state.
pub fn check(name: &str, role: &SamlRole, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut error = |check, message: String, fix: &str| {
        findings.push(
            Finding::new(check, Severity::Error, message)
                .profile(name)
                .fix(fix.to_owned()),
        );
    };
    if !crate::sso::browser::may_open(&role.url) {
        error(
            "saml-url",
            format!(
                "profile {name}: {SAML_URL_KEY} must be an https:// URL (or http:// to this machine), not {}",
                shown(&role.url)
            ),
            "set it to the IdP's sign-in URL of its AWS app",
        );
    }
    let role_partition = role.role_arn.as_deref().map(|arn| {
        let partition = assertion::partition_of(arn)
            .and_then(Partition::named)
            .filter(|partition| assertion::is_role_arn(arn, partition.name()));
        if partition.is_none() {
            error(
                "saml-role-arn",
                format!(
                    "profile {name}: {SAML_ROLE_KEY} is not a role ARN of a known partition: {}",
                    shown(arn)
                ),
                "write arn:PARTITION:iam::ACCOUNT:role/NAME, or remove it to pick from the roles the IdP offers",
            );
        }
        partition
    });
    if let Some(arn) = role.provider_arn.as_deref() {
        let provider_partition = assertion::partition_of(arn)
            .and_then(Partition::named)
            .filter(|partition| assertion::is_provider_arn(arn, partition.name()));
        match (provider_partition, role_partition) {
            (None, _) => error(
                "saml-provider-arn",
                format!(
                    "profile {name}: {SAML_PROVIDER_KEY} is not a SAML provider ARN of a known partition: {}",
                    shown(arn)
                ),
                "write arn:PARTITION:iam::ACCOUNT:saml-provider/NAME, or remove it to use the one the IdP pairs the role with",
            ),
            (Some(provider), Some(Some(role))) if provider != role => error(
                "saml-partitions",
                format!(
                    "profile {name}: the SAML provider is in partition {} and the role in {}",
                    provider.name(),
                    role.name()
                ),
                "the role and its SAML provider are in one partition; fix either ARN",
            ),
            _ => {}
        }
    }
    if saml::find_browser(settings).is_none() {
        error(
            "saml-browser",
            format!(
                "profile {name}: no Chrome, Chromium, Edge or Brave found to sign in at the IdP"
            ),
            "install one, or run: grant settings set CustomBrowserPath PATH",
        );
    }
    findings.push(listing(name, role));
    findings
}

/// `profile NAME: SAML role ARN via IDP, signed in before` (or how to sign in).
fn listing(name: &str, role: &SamlRole) -> Finding {
    let idp = saml::idp_label(&role.url);
    let chosen = role
        .role_arn
        .as_deref()
        .map(|arn| shown(arn).into_owned())
        .unwrap_or_else(|| "(the role picked at sign-in)".to_owned());
    let finding = Finding::new(
        "saml-profile",
        Severity::Info,
        if saml::has_browser_profile(&role.url) {
            format!(
                "profile {name}: SAML role {chosen} via {idp}: grant keeps a browser profile for {idp}, renewals run headless while the IdP's session lasts"
            )
        } else {
            format!("profile {name}: SAML role {chosen} via {idp}: not signed in at {idp}")
        },
    )
    .profile(name);
    if saml::has_browser_profile(&role.url) {
        finding
    } else {
        finding.fix(format!("sign in: grant saml login {}", profile_flag(name)))
    }
}
