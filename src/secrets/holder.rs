//! Key holders: where the one data key of a store lives (an OS secret store, the
//! Linux kernel keyring, or grant's own secret agent). Which holders a backend setting means is in `backends`.

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::crypto::DataKey;

/// One place that can keep the data key.
pub trait KeyHolder: Send + Sync {
    /// The backend name, also the name of the folder of the entries it seals.
    fn name(&self) -> &'static str;
    /// The data key, or `None` when the holder has none (or a damaged one).
    fn load(&self) -> Result<Option<DataKey>, HolderError>;
    /// Saves `key`, replacing any key of the same store.
    fn store(&self, key: &DataKey) -> Result<(), HolderError>;
    /// Removes the key; a missing key is not an error.
    fn remove(&self) -> Result<(), HolderError>;
    /// Why the key can be gone while entries sealed with it remain, when the user
    /// should hear it: those entries then read as missing, so they must sign in again.
    fn key_loss_note(&self) -> Option<&'static str> {
        None
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No daemon, no bus, no such service: nothing answered.
    Unreachable,
    /// The store answered but is locked or refused access.
    Locked,
    /// The store did not answer in time (e.g. waiting on an unlock prompt).
    TimedOut,
    Other,
}

/// A key holder's failure; `detail` never contains key material.
#[derive(Debug)]
pub struct HolderError {
    pub failure: Failure,
    pub detail: String,
}

impl HolderError {
    pub fn new(failure: Failure, detail: impl Into<String>) -> Self {
        HolderError {
            failure,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for HolderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

/// Names the data key of the store rooted in `state_dir`, so that two state folders
/// (two test HOMEs, two users of one keyring) never share a key.
pub fn store_id(state_dir: &Path) -> String {
    let path = canonical_path(state_dir);
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    hex::encode(&digest[..8])
}

/// The canonical form of `path`, also before it exists: the deepest existing
/// ancestor is resolved and the rest appended, so the id does not change once
/// the folder is created.
fn canonical_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut missing = Vec::new();
    let mut current = absolute.as_path();
    loop {
        if let Ok(resolved) = current.canonicalize() {
            return missing
                .iter()
                .rev()
                .fold(resolved, |acc, part| acc.join(part));
        }
        match (current.parent(), current.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_owned());
                current = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_id_is_stable_before_and_after_the_folder_exists() {
        let root = tempfile::tempdir().unwrap();
        let state = root.path().join("a/b/state");
        let before = store_id(&state);
        std::fs::create_dir_all(&state).unwrap();
        assert_eq!(store_id(&state), before);
        assert_eq!(before.len(), 16);
        assert_ne!(store_id(&root.path().join("other")), before);
    }

    #[cfg(unix)]
    #[test]
    fn store_id_follows_symlinks() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("real")).unwrap();
        std::os::unix::fs::symlink(root.path().join("real"), root.path().join("link")).unwrap();
        assert_eq!(
            store_id(&root.path().join("link/state")),
            store_id(&root.path().join("real/state"))
        );
    }
}
