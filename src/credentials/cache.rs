//! Cached credentials in the secret store, filed under the SSO session they came
//! from (so logout deletes them) and tied to a fingerprint of the profile's
//! definition (so an edited profile is never served old credentials).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Credentials;
use crate::secrets::{SecretError, SecretStore};
use crate::sso::token::keys;

#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    credentials: Credentials,
}

/// Where one request's credentials are cached, and what they must match.
#[derive(Debug, Clone)]
pub struct CacheSlot {
    pub key: String,
    fingerprint: String,
}

impl CacheSlot {
    /// `session_key` is the root SSO session, if any; `name` identifies the request
    /// (profile or account/role); `definition` is everything that shapes the result.
    pub fn new(session_key: Option<&str>, name: &str, definition: &str) -> Self {
        let prefix = match session_key {
            Some(session) => keys::credentials_prefix(session),
            None => "credentials/-/".to_owned(),
        };
        CacheSlot {
            key: format!("{prefix}{name}"),
            fingerprint: hex::encode(Sha256::digest(definition.as_bytes())),
        }
    }

    /// The cached credentials when they match this definition.
    pub fn get(&self, store: &SecretStore) -> Result<Option<Credentials>, SecretError> {
        let entry = store.get_json::<Entry>(&self.key)?;
        Ok(match entry {
            Some(entry) if entry.fingerprint == self.fingerprint => Some(entry.credentials),
            Some(_) => {
                crate::debug!(
                    "cache entry {} is for an older definition of the profile",
                    self.key
                );
                None
            }
            None => None,
        })
    }

    pub fn put(&self, store: &SecretStore, credentials: &Credentials) -> Result<(), SecretError> {
        let entry = Entry {
            fingerprint: self.fingerprint.clone(),
            credentials: credentials.clone(),
        };
        store.put_json(&self.key, &entry)
    }
}
