//! What assume tells the user after the switch: which credentials the AWS CLI and
//! SDKs will really sign with (static keys in the credentials file may come before
//! the profile's credential_process), where they come from, and until when.

use crate::config::AwsFiles;
use crate::credentials::identity::{self, StaticKeysFirst};
use crate::credentials::{Credentials, format_expiration};
use crate::profile::CredentialSource;
use crate::shell::shell_word;
use crate::sso::token;
use crate::term_text::shown;

use super::Plan;

/// What the AWS CLI and SDKs will sign with once the shell has the change.
pub(super) enum SdkCredentials {
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
pub(super) fn what_the_sdks_use(plan: &Plan) -> anyhow::Result<SdkCredentials> {
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
pub(super) fn confirm(plan: &Plan, credentials: &Credentials, used: &SdkCredentials) {
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
        CredentialSource::AssumeRole(role) => {
            match (role.role_arn.account_id(), role.role_arn.role_name()) {
                (Some(account), Some(role_name)) => format!("account {account}, role {role_name}"),
                _ => format!("role {}", role.role_arn),
            }
        }
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

/// ` valid until 10:52 UTC (59 min)`, or nothing for long-term keys.
pub(super) fn until(credentials: &Credentials) -> String {
    let Some(expiration) = credentials.expiration else {
        return String::new();
    };
    let time = format_expiration(expiration);
    let clock = time.get(11..16).unwrap_or(&time);
    let minutes = (expiration - token::now()).max(0) / 60;
    format!(" valid until {clock} UTC ({minutes} min)")
}

pub(super) fn is_quiet() -> bool {
    crate::env::is_true("GRANT_QUIET")
}
