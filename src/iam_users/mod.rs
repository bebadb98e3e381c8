//! IAM users without plaintext keys: an IAM user's long-term access key lives only in
//! grant's secret store (`grant credentials add` / `import`), and the profile is
//! served as GetSessionToken credentials (`credentials::iam_user`), so the long-term
//! secret never leaves grant: not to disk, not to the AWS CLI or an SDK.
//!
//! `rotate` replaces the key with IAM, in an order that always leaves a working one.

pub mod rotate;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::profile::StaticKeys;
use crate::secrets::{SecretError, SecretStore, keys};

/// A long-term access key of an IAM user, as grant stores it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LongTermKey {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl fmt::Debug for LongTermKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongTermKey")
            .field("access_key_id", &masked(&self.access_key_id))
            .finish_non_exhaustive()
    }
}

/// Why a key cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the access key id is empty")]
    EmptyId,
    #[error(
        "the access key id {0} is a temporary key (ASIA...), which needs a session token; store the IAM user's long-term key (AKIA...)"
    )]
    Temporary(String),
    #[error(
        "the access key id {0} is not an AWS access key id (16 to 128 capital letters and digits)"
    )]
    MalformedId(String),
    #[error("the secret access key is empty")]
    EmptySecret,
    #[error(
        "the secret access key holds whitespace or control characters, or is over 128 characters; paste it again"
    )]
    MalformedSecret,
}

impl LongTermKey {
    /// A key from what a person typed or the environment held, trimmed and checked.
    pub fn new(access_key_id: &str, secret_access_key: &str) -> Result<Self, KeyError> {
        let access_key_id = access_key_id.trim();
        let secret_access_key = secret_access_key.trim();
        if access_key_id.is_empty() {
            return Err(KeyError::EmptyId);
        }
        let id_shown = masked(access_key_id);
        if access_key_id.starts_with("ASIA") {
            return Err(KeyError::Temporary(id_shown));
        }
        let well_formed = (16..=128).contains(&access_key_id.len())
            && access_key_id
                .bytes()
                .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
        if !well_formed {
            return Err(KeyError::MalformedId(id_shown));
        }
        if secret_access_key.is_empty() {
            return Err(KeyError::EmptySecret);
        }
        let secret_ok = secret_access_key.len() <= 128
            && !secret_access_key
                .chars()
                .any(|c| c.is_whitespace() || c.is_control());
        if !secret_ok {
            return Err(KeyError::MalformedSecret);
        }
        Ok(LongTermKey {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: secret_access_key.to_owned(),
        })
    }

    pub fn masked_id(&self) -> String {
        masked(&self.access_key_id)
    }

    /// The key for signing a call.
    pub fn signing_keys(&self) -> StaticKeys {
        StaticKeys {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: None,
        }
    }
}

/// An access key id with all but its last 4 characters masked: `****************WXYZ`.
pub fn masked(access_key_id: &str) -> String {
    let chars: Vec<char> = access_key_id.chars().collect();
    let shown = chars.len().saturating_sub(4);
    let tail: String = chars[shown..].iter().collect();
    format!("{}{tail}", "*".repeat(shown))
}

/// The key stored for `profile`, if any.
pub fn load(store: &SecretStore, profile: &str) -> Result<Option<LongTermKey>, SecretError> {
    store.get_json(&keys::iam_user_keys(profile))
}

pub fn save(store: &SecretStore, profile: &str, key: &LongTermKey) -> Result<(), SecretError> {
    store.put_json(&keys::iam_user_keys(profile), key)
}

/// Deletes the stored key of `profile` and its sessions; whether a key was stored.
pub fn delete(store: &SecretStore, profile: &str) -> Result<bool, SecretError> {
    forget_sessions(store, profile)?;
    store.delete(&keys::iam_user_keys(profile))
}

/// Deletes the cached sessions of `profile` (with and without MFA).
pub fn forget_sessions(store: &SecretStore, profile: &str) -> Result<(), SecretError> {
    for with_mfa in [false, true] {
        store.delete(&keys::iam_user_session(profile, with_mfa))?;
    }
    Ok(())
}

/// The profiles whose keys are stored, sorted.
pub fn stored_profiles(store: &SecretStore) -> Result<Vec<String>, SecretError> {
    let mut profiles: Vec<String> = store
        .keys(keys::IAM_USER_PREFIX)?
        .into_iter()
        .filter_map(|key| key.strip_prefix(keys::IAM_USER_PREFIX).map(str::to_owned))
        .collect();
    profiles.sort();
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked_and_shown_masked() {
        let key = LongTermKey::new(" AKIAABCDEFGHIJKLWXYZ\n", "secret/with+base64=").unwrap();
        assert_eq!(key.access_key_id, "AKIAABCDEFGHIJKLWXYZ");
        assert_eq!(key.masked_id(), "****************WXYZ");
        assert!(!format!("{key:?}").contains("secret"));
        assert!(!format!("{key:?}").contains("ABCD"));
        assert_eq!(masked("AB"), "AB");
        let error = |id: &str, secret: &str| LongTermKey::new(id, secret).unwrap_err();
        assert_eq!(error("", "s"), KeyError::EmptyId);
        assert!(matches!(
            error("ASIAABCDEFGHIJKLWXYZ", "s"),
            KeyError::Temporary(_)
        ));
        assert!(matches!(
            error("akiaabcdefghijklwxyz", "s"),
            KeyError::MalformedId(_)
        ));
        assert!(matches!(
            error("AKIA$(reboot)XXXXXXX", "s"),
            KeyError::MalformedId(_)
        ));
        assert_eq!(error("AKIAABCDEFGHIJKLWXYZ", " "), KeyError::EmptySecret);
        assert_eq!(
            error("AKIAABCDEFGHIJKLWXYZ", "two words"),
            KeyError::MalformedSecret
        );
        assert_eq!(
            error("AKIAABCDEFGHIJKLWXYZ", "a\u{1b}[2J"),
            KeyError::MalformedSecret
        );
    }

    #[test]
    fn a_malformed_id_is_named_masked_in_the_error() {
        let error = LongTermKey::new("AKIA-NOT-A-KEY-SECRETPART", "s").unwrap_err();
        assert!(!error.to_string().contains("SECRETP"), "{error}");
    }
}
