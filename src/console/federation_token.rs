//! IAM users in the console: AWS federation takes only temporary keys made by
//! AssumeRole or GetFederationToken, so an IAM user's long-term key (from grant's
//! store, or static keys in the AWS files) first becomes a federated user's session
//! through STS GetFederationToken. The policy passed allows everything, so the
//! session has exactly the user's own permissions (the intersection of the two).
//! GetFederationToken takes no MFA code: a policy that demands MFA will deny in the
//! console what it allows in a session made with `mfa_serial`.

use anyhow::Context;

use super::SessionKeys;
use crate::iam_users::{self, LongTermKey};
use crate::profile::{CredentialSource, Profile};
use crate::secrets::SecretStore;

/// Whatever the user may do, intersected with the user's own policies by AWS.
const USER_PERMISSIONS: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
/// The federated user's session, in seconds: the console's usual 12 hours.
const SESSION_SECONDS: i32 = 43_200;

/// The long-term key behind `profile` when it is an IAM user (grant's store or
/// static keys without a session token); `None` for every other kind.
pub fn long_term_key(
    profile: &Profile,
    store: impl FnOnce() -> anyhow::Result<SecretStore>,
) -> anyhow::Result<Option<LongTermKey>> {
    match &profile.source {
        CredentialSource::Static(keys) if keys.session_token.is_none() => Ok(Some(LongTermKey {
            access_key_id: keys.access_key_id.clone(),
            secret_access_key: keys.secret_access_key.clone(),
        })),
        CredentialSource::IamUser(_) => {
            let key = iam_users::load(&store()?, &profile.name)?.with_context(|| {
                format!(
                    "profile '{}' is an IAM user profile but grant's store has no key for it; run `grant credentials add {}`",
                    profile.name,
                    crate::shell::shell_word(&profile.name)
                )
            })?;
            Ok(Some(key))
        }
        _ => Ok(None),
    }
}

/// A federated user's session made from `key`, named after the profile.
pub fn session(key: &LongTermKey, profile: &str, region: &str) -> anyhow::Result<SessionKeys> {
    let runtime = crate::aws::runtime().context("cannot start the async runtime")?;
    runtime.block_on(get_federation_token(key, profile, region))
}

async fn get_federation_token(
    key: &LongTermKey,
    profile: &str,
    region: &str,
) -> anyhow::Result<SessionKeys> {
    let sts = crate::aws::sts(&crate::aws::sdk_config(region).await, &key.signing_keys());
    crate::debug!(
        "GetFederationToken for profile '{profile}' with key {}",
        key.masked_id()
    );
    let output = sts
        .get_federation_token()
        .name(federated_user_name(profile))
        .policy(USER_PERMISSIONS)
        .duration_seconds(SESSION_SECONDS)
        .send()
        .await
        .map_err(|error| {
            anyhow::anyhow!(
                "STS GetFederationToken failed for profile '{profile}': {}; the console needs the user to be allowed sts:GetFederationToken",
                crate::aws::describe_error(&error)
            )
        })?;
    let credentials = output.credentials.with_context(|| {
        format!("STS GetFederationToken for profile '{profile}' answered no credentials; try again in a moment")
    })?;
    Ok(SessionKeys {
        access_key_id: credentials.access_key_id,
        secret_access_key: credentials.secret_access_key,
        session_token: credentials.session_token,
    })
}

/// The federated user's name: the profile's name in the characters STS takes
/// (`[\w+=,.@-]`, 2 to 32), else `grant-console`.
fn federated_user_name(profile: &str) -> String {
    let name: String = profile
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c))
        .take(32)
        .collect();
    if name.len() >= 2 {
        name
    } else {
        "grant-console".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::federated_user_name;

    #[test]
    fn the_federated_user_is_named_after_the_profile_within_the_rules() {
        assert_eq!(federated_user_name("alice"), "alice");
        assert_eq!(federated_user_name("team/prod admin"), "teamprodadmin");
        assert_eq!(federated_user_name(&"x".repeat(40)), "x".repeat(32));
        assert_eq!(federated_user_name("é"), "grant-console");
        assert_eq!(federated_user_name("$(x)"), "grant-console");
    }
}
