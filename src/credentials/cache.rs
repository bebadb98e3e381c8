//! Cached credentials in the secret store, filed under the SSO session they came
//! from (so logout deletes them) and tied to a fingerprint of the profile's
//! definition (so an edited profile is never served old credentials).
//!
//! A shortcut per request remembers which entry served it and the identity of the
//! AWS files at the time (device, inode, size, modification time in ns). While the
//! files are untouched the cache hit needs no look at the config at all, however
//! large it is.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Credentials;
use crate::secrets::keys;
use crate::secrets::{SecretError, SecretStore};

#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    credentials: Credentials,
    /// Seconds of life the credentials had when cached: the renewal window scales
    /// to it. Absent in entries of older versions, which keep the whole window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lifetime: Option<i64>,
}

/// Credentials are never served with less life left than this, however short
/// their session: the JavaScript SDK v3 takes credentials within 5 minutes of
/// expiry as expired (Java 1 minute, Rust 10 seconds), so every SDK may use what
/// grant serves. botocore's 15-minute advisory refresh asks again, which a
/// cache hit answers.
pub const MIN_LIFE_SERVED: i64 = 5 * 60;

/// The renewal window for credentials that had `lifetime` seconds of life when
/// fetched: `window` at most, half their life when that is less (a 15-minute role
/// session is served from the cache for its first 7.5 minutes), and never less
/// than [`MIN_LIFE_SERVED`].
pub fn renewal_window(window: i64, lifetime: Option<i64>) -> i64 {
    match lifetime {
        Some(lifetime) => window.min((lifetime / 2).max(MIN_LIFE_SERVED)),
        None => window,
    }
}

/// A cache entry's credentials and the life they had when cached.
pub struct CachedEntry {
    pub credentials: Credentials,
    lifetime: Option<i64>,
}

impl CachedEntry {
    /// Their seconds of life left, when that is beyond the renewal window.
    pub fn fresh_for(&self, now: i64, window: i64) -> Result<i64, Option<i64>> {
        let left = self.credentials.seconds_left(now);
        match left {
            Some(left) if left > renewal_window(window, self.lifetime) => Ok(left),
            left => Err(left),
        }
    }
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
        let prefix = keys::credentials_prefix(session_key);
        CacheSlot {
            key: format!("{prefix}{name}"),
            fingerprint: hex::encode(Sha256::digest(definition.as_bytes())),
        }
    }

    /// The cached credentials when they match this definition.
    pub fn get(&self, store: &SecretStore) -> Result<Option<Credentials>, SecretError> {
        Ok(self.get_entry(store)?.map(|entry| entry.credentials))
    }

    /// The cached entry when it matches this definition.
    pub fn get_entry(&self, store: &SecretStore) -> Result<Option<CachedEntry>, SecretError> {
        let entry = store.get_json::<Entry>(&self.key)?;
        Ok(match entry {
            Some(entry) if entry.fingerprint == self.fingerprint => Some(CachedEntry {
                credentials: entry.credentials,
                lifetime: entry.lifetime,
            }),
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

    /// The entry behind a shortcut, without a definition to compare (the files it
    /// was made from are unchanged).
    pub fn get_by_key(store: &SecretStore, key: &str) -> Result<Option<CachedEntry>, SecretError> {
        Ok(store.get_json::<Entry>(key)?.map(|entry| CachedEntry {
            credentials: entry.credentials,
            lifetime: entry.lifetime,
        }))
    }

    pub fn put(&self, store: &SecretStore, credentials: &Credentials) -> Result<(), SecretError> {
        let entry = Entry {
            fingerprint: self.fingerprint.clone(),
            credentials: credentials.clone(),
            lifetime: credentials.seconds_left(crate::sso::token::now()),
        };
        store.put_json(&self.key, &entry)
    }
}

#[derive(Serialize, Deserialize)]
struct Shortcut {
    files: String,
    key: String,
}

fn shortcut_key(request: &str) -> String {
    keys::shortcut(request)
}

/// The cache key that served `request` while the files had identity `files`.
pub fn shortcut(
    store: &SecretStore,
    request: &str,
    files: &str,
) -> Result<Option<String>, SecretError> {
    let shortcut = store.get_json::<Shortcut>(&shortcut_key(request))?;
    Ok(shortcut
        .filter(|shortcut| shortcut.files == files)
        .map(|shortcut| shortcut.key))
}

pub fn remember_shortcut(
    store: &SecretStore,
    request: &str,
    files: &str,
    key: &str,
) -> Result<(), SecretError> {
    let shortcut = Shortcut {
        files: files.to_owned(),
        key: key.to_owned(),
    };
    store.put_json(&shortcut_key(request), &shortcut)
}

/// Deletes the cached credentials of profile `name` (every variant of it), or of
/// every request when `name` is `None`, with the shortcuts to them; returns how
/// many entries held credentials.
/// Whether `listed`, an entry whose name was too long to keep whole, may be one of
/// profile `name`'s: its readable head ends in the start of `profile/NAME`. Another
/// profile whose name starts with the same 200-odd bytes matches too: it is a
/// cache, so clearing more than asked only costs a fetch.
fn may_be_long_entry_of(listed: &str, name: &str) -> bool {
    let Some(head) = crate::secrets::long_name_head(listed) else {
        return false;
    };
    let request = keys::profile_request(name, "");
    head.match_indices("/profile/").any(|(at, _)| {
        let shown = &head[at + 1..];
        request.len() >= shown.len() && request.starts_with(shown)
    })
}

pub fn clear(store: &SecretStore, name: Option<&str>) -> Result<usize, SecretError> {
    let Some(name) = name else {
        store.delete_prefix(keys::SHORTCUT_PREFIX)?;
        return store.delete_prefix(keys::CREDENTIALS_PREFIX);
    };
    let own = format!("/{}", keys::profile_request(name, ""));
    let variant = format!("/{}", keys::profile_request(name, "#"));
    let mut deleted = 0;
    for key in store.keys(keys::CREDENTIALS_PREFIX)? {
        let of_profile =
            key.ends_with(&own) || key.contains(&variant) || may_be_long_entry_of(&key, name);
        if of_profile && store.delete(&key)? {
            deleted += 1;
        }
    }
    store.delete(&shortcut_key(&keys::profile_request(name, "")))?;
    Ok(deleted)
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn the_window_is_half_the_life_within_the_sdks_margins() {
        assert_eq!(
            renewal_window(900, Some(3600)),
            900,
            "an hour keeps 15 minutes"
        );
        assert_eq!(renewal_window(900, Some(900)), 450, "15 minutes: half");
        assert_eq!(renewal_window(1200, Some(1200)), 600);
        assert_eq!(renewal_window(900, Some(60)), MIN_LIFE_SERVED);
        assert_eq!(
            renewal_window(60, Some(900)),
            60,
            "a smaller --window holds"
        );
        assert_eq!(renewal_window(900, None), 900, "older entries as before");
    }
}
