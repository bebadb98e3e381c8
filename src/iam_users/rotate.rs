//! Replacing an IAM user's access key, in aws-vault's order so that no failure
//! leaves the user without a working key: create the new key (signed with the old
//! one, or with an MFA session of it where IAM policies demand MFA), store it, check
//! it with STS GetCallerIdentity (retrying a little: a new key takes a moment to work
//! everywhere), and only then delete the old key.

use std::time::Duration;

use super::LongTermKey;
use crate::aws;
use crate::profile::StaticKeys;
use crate::secrets::{SecretError, SecretStore};

/// GetCallerIdentity attempts with the new key before it counts as not working.
const CHECK_ATTEMPTS: u32 = 8;
const CHECK_PAUSE: Duration = Duration::from_secs(1);
/// IAM is global; its endpoint in the `aws` partition signs for us-east-1.
const IAM_REGION: &str = "us-east-1";

/// How a rotation ended, when the new key was created.
#[derive(Debug)]
pub enum Rotated {
    /// The new key is stored and works; the old one is deleted.
    Done { new_key: LongTermKey },
    /// The new key is stored and works, but deleting the old one failed.
    OldKeyRemains {
        new_key: LongTermKey,
        failure: String,
    },
    /// The new key is stored, but STS did not accept it yet: the old one is kept.
    NotConfirmed {
        new_key: LongTermKey,
        failure: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// Nothing changed: the old key is still the stored one, and IAM has no new key.
    #[error("IAM CreateAccessKey failed: {0}; nothing changed, the stored key is still {1}")]
    CreateFailed(String, String),
    #[error("IAM CreateAccessKey answered without a usable key; nothing changed")]
    IncompleteAnswer,
    /// IAM made a key grant could not keep: the user must delete it.
    #[error(
        "IAM created the key {id} but grant cannot store it ({source}); the old key still works: delete the new one with `aws iam delete-access-key --access-key-id {id}`"
    )]
    StoreFailed { id: String, source: SecretError },
}

/// Rotates the key of `profile`, whose stored key is `old`; the IAM calls are signed
/// with `signer` (the old key, or a session of it).
pub async fn rotate(
    store: &SecretStore,
    profile: &str,
    old: &LongTermKey,
    signer: &StaticKeys,
    sts_region: &str,
) -> Result<Rotated, RotateError> {
    let iam = aws::iam(&aws::sdk_config(IAM_REGION).await, signer);
    let created = iam.create_access_key().send().await.map_err(|error| {
        RotateError::CreateFailed(aws::describe_error(&error).to_string(), old.masked_id())
    })?;
    let key = created.access_key.ok_or(RotateError::IncompleteAnswer)?;
    let new_key = LongTermKey::new(&key.access_key_id, &key.secret_access_key)
        .map_err(|_| RotateError::IncompleteAnswer)?;
    super::save(store, profile, &new_key).map_err(|source| RotateError::StoreFailed {
        id: key.access_key_id.clone(),
        source,
    })?;
    if let Err(error) = super::forget_sessions(store, profile) {
        crate::debug!("cannot forget the sessions of the old key: {error}");
    }
    if let Err(failure) = confirm(&new_key, sts_region).await {
        return Ok(Rotated::NotConfirmed { new_key, failure });
    }
    // Signed as the create was: the new key may not work at IAM yet.
    let deleted = iam
        .delete_access_key()
        .access_key_id(&old.access_key_id)
        .send()
        .await;
    Ok(match deleted {
        Ok(_) => Rotated::Done { new_key },
        Err(error) => Rotated::OldKeyRemains {
            new_key,
            failure: aws::describe_error(&error).to_string(),
        },
    })
}

/// STS GetCallerIdentity with `key`, a few times a second apart; the last failure.
async fn confirm(key: &LongTermKey, region: &str) -> Result<(), String> {
    let sts = aws::sts(&aws::sdk_config(region).await, &key.signing_keys());
    let mut last = String::new();
    for attempt in 1..=CHECK_ATTEMPTS {
        match sts.get_caller_identity().send().await {
            Ok(_) => return Ok(()),
            Err(error) => {
                last = aws::describe_error(&error).to_string();
                crate::debug!("the new key is not accepted yet (attempt {attempt}): {last}");
            }
        }
        if attempt < CHECK_ATTEMPTS {
            tokio::time::sleep(CHECK_PAUSE).await;
        }
    }
    Err(last)
}
