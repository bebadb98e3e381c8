//! The secret store: tokens and cached credentials, never in plaintext on disk.
//!
//! Every backend works the same way: each entry is a file under
//! `<state>/secrets/<backend>/`, encrypted with XChaCha20-Poly1305 (see `crypto`), and
//! the one random data key of the store lives in a key holder: the macOS Keychain, the
//! Windows Credential Manager, the Linux Secret Service, the kernel's per-user
//! keyring on headless Linux (one key per store, well inside the kernel's quotas), or,
//! where neither answers (containers whose seccomp filter refuses keyctl), grant's
//! own per-user secret agent (`agent`), which keeps it in memory.
//! The key is named after the state folder, so two state folders never share one.
//!
//! Everything is synchronous and lazy: opening a store touches nothing, the data key
//! is fetched once per store on first use, and a read is one file read and one
//! decryption. Entries that are damaged, or sealed with a key that is gone (the
//! kernel keyring is empty after a reboot, the agent has exited), read as missing,
//! with a debug-log line; when the agent's key is gone grant also says so on stderr.

#[cfg(target_os = "linux")]
pub(crate) mod agent;
mod backends;
mod crypto;
mod files;
mod holder;
#[cfg(target_os = "linux")]
mod kernel_keyring;
pub mod keys;
#[cfg(any(target_os = "linux", target_os = "macos", windows))]
mod os_keyring;
#[cfg(all(test, target_os = "linux"))]
mod tests;

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::Digest;

use crate::debug;
use crate::paths;
use crate::settings::{KeyringBackend, Settings};
use crypto::{DataKey, MAX_ENTRY_KEY_LEN};
use files::EntryDir;
use holder::{Failure, HolderError, KeyHolder};

/// Chooses the backend for scripts and tests; wins over the setting `Keyring.Backend`.
pub const BACKEND_ENV: &str = "GRANT_KEYRING_BACKEND";

const ALL_BACKENDS: [KeyringBackend; 6] = [
    KeyringBackend::Auto,
    KeyringBackend::Keychain,
    KeyringBackend::WindowsCredentialManager,
    KeyringBackend::SecretService,
    KeyringBackend::KernelKeyring,
    KeyringBackend::Agent,
];

/// What to do about a failed read or write of the state folder.
fn io_hint(error: &io::Error) -> &'static str {
    match error.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "free some space on the disk of grant's state folder"
        }
        io::ErrorKind::ReadOnlyFilesystem => {
            "grant's state folder is on a read-only file system; set GRANT_STATE_DIR to a writable folder"
        }
        _ => "check the permissions of grant's state folder",
    }
}

/// How long a first write waits for another process creating the data key (which
/// may be waiting on a keychain prompt).
const DATA_KEY_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10 * 60);

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{BACKEND_ENV} is '{value}', which is not a keyring backend; use one of: {}", KeyringBackend::NAMES.join(", "))]
    UnknownBackend { value: String },
    #[error(
        "the {backend} keyring backend does not exist on this system; set Keyring.Backend (or {BACKEND_ENV}) to auto"
    )]
    Unsupported { backend: &'static str },
    #[error("cannot {action} grant's data key ({backend}): {reason}; {}", holder_hint(.backend))]
    Holder {
        backend: &'static str,
        action: &'static str,
        reason: String,
    },
    #[error("cannot {action} {}: {source}; {}", .path.display(), io_hint(.source))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error(transparent)]
    Untrusted(#[from] crate::fsutil::UntrustedDir),
    #[error(transparent)]
    Lock(#[from] crate::lock::LockError),
    #[error("secret entry names must not be empty")]
    InvalidEntryName,
    #[error("cannot encode a secret entry as JSON: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("cannot encrypt a secret entry: the system's random source failed ({0})")]
    Random(#[source] getrandom::Error),
    #[error("cannot encrypt a secret entry: the cipher refused the value")]
    Cipher,
}

/// What to do next. The hints lead one way only (secret-service, then kernel-keyring,
/// then agent), so two failing backends never send the user back and forth.
fn holder_hint(backend: &str) -> &'static str {
    match backend {
        "kernel-keyring" => {
            "where keyctl is not permitted (containers), set Keyring.Backend (or GRANT_KEYRING_BACKEND) to agent"
        }
        "secret-service" => {
            "unlock the desktop keyring, or set Keyring.Backend (or GRANT_KEYRING_BACKEND) to kernel-keyring (agent where keyctl is not permitted)"
        }
        // Its failures say what to do themselves; the agent is the last resort.
        "agent" => "GRANT_DEBUG=true shows each step of the secret agent's start",
        _ => {
            "unlock the OS keyring and let grant use it, or set Keyring.Backend (or GRANT_KEYRING_BACKEND)"
        }
    }
}

/// The store of one state folder. Cheap to open; share it rather than reopening it,
/// as it caches the data key.
pub struct SecretStore {
    /// `<state>/secrets`
    root: PathBuf,
    /// The holders the backend means here, in order of preference (see `holder`).
    holders: Vec<Box<dyn KeyHolder>>,
    chosen: OnceLock<Chosen>,
    data_key: Mutex<Option<Arc<DataKey>>>,
}

/// The holder in use and the folder of the entries it seals.
struct Chosen {
    holder: usize,
    dir: EntryDir,
}

impl fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretStore")
            .field("root", &self.root)
            .field("backend", &self.backend_name())
            .finish_non_exhaustive()
    }
}

impl SecretStore {
    /// The store of `paths::grant_state_dir()`. `GRANT_KEYRING_BACKEND`
    /// (auto|keychain|windows-credential-manager|secret-service|kernel-keyring|agent) wins
    /// over the setting `Keyring.Backend`.
    pub fn open(settings: &Settings) -> Result<SecretStore, SecretError> {
        let backend = match backend_from_env()? {
            Some(backend) => backend,
            None => settings.keyring_backend(),
        };
        SecretStore::open_with(backend, &paths::grant_state_dir())
    }

    pub fn open_with(
        backend: KeyringBackend,
        state_dir: &Path,
    ) -> Result<SecretStore, SecretError> {
        let holders = backends::candidates(backend, &holder::store_id(state_dir))
            .map_err(|backend| SecretError::Unsupported { backend })?;
        Ok(SecretStore {
            root: state_dir.join("secrets"),
            holders,
            chosen: OnceLock::new(),
            data_key: Mutex::new(None),
        })
    }

    /// The value of `key`; `None` when it is missing, damaged or undecryptable.
    /// Never creates anything.
    pub fn get(&self, key: &str) -> Result<Option<Vec<u8>>, SecretError> {
        let key = &stored_name(key)?;
        let chosen = self.chosen()?;
        let stem = crypto::file_stem(key);
        let Some(file) = chosen
            .dir
            .read(&stem)
            .map_err(io_error("read", chosen.dir.file(&stem)))?
        else {
            return Ok(None);
        };
        let Some(data_key) = self.existing_key(chosen)? else {
            debug!(
                "secret '{key}': the {} holds no data key; treating it as missing",
                self.backend_name()
            );
            tell_of_lost_key(self.holders[chosen.holder].as_ref());
            return Ok(None);
        };
        match crypto::open(&data_key, key, &file) {
            Ok(value) => Ok(Some(value)),
            Err(reason) => {
                debug!("secret '{key}': {reason}; treating it as missing");
                Ok(None)
            }
        }
    }

    /// Stores `value` under `key`, replacing it atomically. The first write creates
    /// the data key.
    pub fn put(&self, key: &str, value: &[u8]) -> Result<(), SecretError> {
        let key = &stored_name(key)?;
        let chosen = self.chosen()?;
        let data_key = self.key_for_write(chosen)?;
        let sealed = crypto::seal(&data_key, key, value).map_err(|error| match error {
            crypto::SealError::Random(error) => SecretError::Random(error),
            crypto::SealError::Cipher => SecretError::Cipher,
        })?;
        let stem = crypto::file_stem(key);
        chosen
            .dir
            .write(&stem, &sealed)
            .map_err(io_error("write", chosen.dir.file(&stem)))
    }

    /// Removes `key` (from the folders of every backend, so that a logout holds
    /// everywhere); whether there was something to remove.
    pub fn delete(&self, key: &str) -> Result<bool, SecretError> {
        let key = &stored_name(key)?;
        let stem = crypto::file_stem(key);
        let dirs = files::holder_dirs(&self.root).map_err(io_error("list", self.root.clone()))?;
        let mut removed = false;
        for dir in dirs {
            removed |= dir
                .remove(&stem)
                .map_err(io_error("remove", dir.file(&stem)))?;
        }
        Ok(removed)
    }

    /// The entry names starting with `prefix`, sorted. Only entries this store can
    /// decrypt are listed.
    pub fn keys(&self, prefix: &str) -> Result<Vec<String>, SecretError> {
        let chosen = self.chosen()?;
        let stems = chosen
            .dir
            .stems()
            .map_err(io_error("list", chosen.dir.path().to_path_buf()))?;
        if stems.is_empty() {
            return Ok(Vec::new());
        }
        let Some(data_key) = self.existing_key(chosen)? else {
            return Ok(Vec::new());
        };
        let mut keys = Vec::new();
        for stem in stems {
            let file = chosen
                .dir
                .read(&stem)
                .map_err(io_error("read", chosen.dir.file(&stem)))?;
            match file.map(|file| crypto::open_stem(&data_key, &stem, &file)) {
                Some(Ok((key, _))) if key.starts_with(prefix) => keys.push(key),
                Some(Err(reason)) => debug!("secret file {stem}: {reason}; skipping it"),
                _ => {}
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// Removes every entry whose name starts with `prefix`; how many there were.
    pub fn delete_prefix(&self, prefix: &str) -> Result<usize, SecretError> {
        let mut removed = 0;
        for key in self.keys(prefix)? {
            removed += usize::from(self.delete(&key)?);
        }
        Ok(removed)
    }

    /// The backend in use, e.g. "kernel-keyring". With `auto` on Linux this is the
    /// preferred one until the first access has found whether it answers.
    pub fn backend_name(&self) -> &'static str {
        let index = self.chosen.get().map_or(0, |chosen| chosen.holder);
        self.holders[index].name()
    }

    /// Removes every entry and the data key (tests and `grant sso logout --all` style
    /// cleanup).
    pub fn destroy(&self) -> Result<(), SecretError> {
        let chosen = self.chosen()?;
        match std::fs::remove_dir_all(&self.root) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                return Err(io_error("remove", self.root.clone())(error));
            }
            _ => {}
        }
        *self.cached_key() = None;
        let holder = &self.holders[chosen.holder];
        holder
            .remove()
            .map_err(|error| holder_error(holder.name(), "remove", error))
    }

    /// The JSON value of `key`; a value that does not parse as `T` reads as missing.
    pub fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, SecretError> {
        let Some(bytes) = self.get(key)? else {
            return Ok(None);
        };
        match serde_json::from_slice(&bytes) {
            Ok(value) => Ok(Some(value)),
            Err(error) => {
                // The error's message may quote the secret; its position does not.
                debug!(
                    "secret '{key}': not the expected JSON ({:?} error at line {}, column {}); treating it as missing",
                    error.classify(),
                    error.line(),
                    error.column()
                );
                Ok(None)
            }
        }
    }

    pub fn put_json<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), SecretError> {
        let bytes = serde_json::to_vec(value).map_err(SecretError::Encode)?;
        self.put(key, &bytes)
    }

    fn chosen(&self) -> Result<&Chosen, SecretError> {
        if let Some(chosen) = self.chosen.get() {
            return Ok(chosen);
        }
        if let Some(state_dir) = self.root.parent() {
            crate::fsutil::check_trusted_dir(state_dir)?;
        }
        crate::fsutil::check_trusted_dir(&self.root)?;
        let holder = self.choose_holder()?;
        let dir = EntryDir::new(self.root.join(self.holders[holder].name()));
        crate::fsutil::check_trusted_dir(dir.path())?;
        Ok(self.chosen.get_or_init(|| Chosen { holder, dir }))
    }

    /// The first holder that answers; the last one is taken without asking.
    fn choose_holder(&self) -> Result<usize, SecretError> {
        let last = self.holders.len() - 1;
        for (index, holder) in self.holders.iter().enumerate().take(last) {
            match holder.load() {
                Ok(key) => {
                    *self.cached_key() = key.map(Arc::new);
                    return Ok(index);
                }
                Err(error) if error.failure != Failure::Other => {
                    let next = self.holders[index + 1].name();
                    debug!("{}: {error}; using the {next} instead", holder.name());
                }
                Err(error) => return Err(holder_error(holder.name(), "read", error)),
            }
        }
        Ok(last)
    }

    fn cached_key(&self) -> MutexGuard<'_, Option<Arc<DataKey>>> {
        self.data_key.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn existing_key(&self, chosen: &Chosen) -> Result<Option<Arc<DataKey>>, SecretError> {
        let mut cached = self.cached_key();
        if cached.is_none() {
            let holder = &self.holders[chosen.holder];
            *cached = holder
                .load()
                .map_err(|error| holder_error(holder.name(), "read", error))?
                .map(Arc::new);
        }
        Ok(cached.clone())
    }

    fn key_for_write(&self, chosen: &Chosen) -> Result<Arc<DataKey>, SecretError> {
        if let Some(key) = self.existing_key(chosen)? {
            return Ok(key);
        }
        // Two first writes must not each make a key and seal entries the other cannot
        // read. The holder may sit on a keychain prompt for minutes: it is waited for,
        // never taken for dead while it lives.
        let state_dir = self.root.parent().unwrap_or(&self.root);
        let _lock = crate::lock::Lock::acquire_in(
            state_dir,
            &format!("data-key:{}", chosen.dir.path().display()),
            "the secret store's data key",
            DATA_KEY_LOCK_TIMEOUT,
        )?;
        let holder = &self.holders[chosen.holder];
        // Another process may have made the key while this one waited for the lock.
        let loaded = holder
            .load()
            .map_err(|error| holder_error(holder.name(), "read", error))?;
        let key = match loaded {
            Some(key) => key,
            None => create_key(holder.as_ref(), &chosen.dir)?,
        };
        let key = Arc::new(key);
        *self.cached_key() = Some(Arc::clone(&key));
        Ok(key)
    }
}

/// Says once per process why stored entries read as missing, when the holder knows.
fn tell_of_lost_key(holder: &dyn KeyHolder) {
    static TOLD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let Some(note) = holder.key_loss_note() else {
        return;
    };
    if !TOLD.swap(true, std::sync::atomic::Ordering::Relaxed) {
        eprintln!(
            "grant: {note}; the sign-ins and cached credentials sealed with it are gone, so sign in again"
        );
    }
}

/// A new data key. Entries already in `dir` were sealed with a key that is gone, so
/// nothing can read them any more: they are removed first.
fn create_key(holder: &dyn KeyHolder, dir: &EntryDir) -> Result<DataKey, SecretError> {
    let stale = dir
        .remove_all()
        .map_err(io_error("clean", dir.path().to_path_buf()))?;
    if stale > 0 {
        debug!(
            "{}: the data key is gone; removed {stale} undecryptable entries",
            holder.name()
        );
    }
    let key = DataKey::generate().map_err(SecretError::Random)?;
    holder
        .store(&key)
        .map_err(|error| holder_error(holder.name(), "save", error))?;
    debug!("{}: created a new data key", holder.name());
    Ok(key)
}

fn backend_from_env() -> Result<Option<KeyringBackend>, SecretError> {
    let Some(value) = crate::env::value(BACKEND_ENV) else {
        return Ok(None);
    };
    if value.trim().is_empty() {
        return Ok(None);
    }
    parse_backend(&value)
        .map(Some)
        .ok_or(SecretError::UnknownBackend { value })
}

fn parse_backend(text: &str) -> Option<KeyringBackend> {
    let text = text.trim();
    ALL_BACKENDS
        .into_iter()
        .find(|backend| backend.as_str().eq_ignore_ascii_case(text))
}

/// Bytes of a long entry name kept readable in its stored name, so that listing by
/// prefix (`credentials/`) still finds it.
const LONG_NAME_HEAD: usize = 256;

/// The name an entry is sealed under. Names up to `MAX_ENTRY_KEY_LEN` bytes are kept
/// as they are (so existing entries stay readable); a longer one (a profile name has
/// no length limit) becomes its first bytes and the SHA-256 of the whole name. The
/// file name is a hash either way, so no character of a name reaches the file system.
fn stored_name(key: &str) -> Result<Cow<'_, str>, SecretError> {
    if key.is_empty() {
        return Err(SecretError::InvalidEntryName);
    }
    if key.len() <= MAX_ENTRY_KEY_LEN {
        return Ok(Cow::Borrowed(key));
    }
    let mut head = LONG_NAME_HEAD;
    while !key.is_char_boundary(head) {
        head -= 1;
    }
    let digest = hex::encode(sha2::Sha256::digest(key.as_bytes()));
    Ok(Cow::Owned(format!(
        "{}{LONG_NAME_MARK}{digest}",
        &key[..head]
    )))
}

/// What separates a long name's readable head from its digest.
const LONG_NAME_MARK: &str = "...sha256:";

/// The readable head of a listed entry name when the name was too long to keep
/// whole: the name it stands for starts with these bytes.
pub fn long_name_head(listed: &str) -> Option<&str> {
    listed
        .split_once(LONG_NAME_MARK)
        .map(|(head, _)| head)
        .filter(|head| head.len() <= LONG_NAME_HEAD)
}

fn io_error(action: &'static str, path: PathBuf) -> impl FnOnce(io::Error) -> SecretError {
    move |source| SecretError::Io {
        action,
        path,
        source,
    }
}

fn holder_error(backend: &'static str, action: &'static str, error: HolderError) -> SecretError {
    SecretError::Holder {
        backend,
        action,
        reason: error.detail,
    }
}
