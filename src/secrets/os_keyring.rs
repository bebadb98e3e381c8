//! The OS secret stores, through the keyring crate: macOS Keychain, Windows Credential
//! Manager, Linux Secret Service. Each holds the data key as one hex password under
//! service "grant", user "data-key:<store id>".

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::crypto::DataKey;
use super::holder::{Failure, HolderError, KeyHolder};
use crate::settings::KeyringBackend;

const SERVICE: &str = "grant";
/// The Secret Service may wait on an unlock prompt for as long as it likes (the
/// keyring crate gives it a year); a headless caller must not hang on it.
const SECRET_SERVICE_TIMEOUT: Duration = Duration::from_secs(5);

pub struct OsKeyring {
    backend: KeyringBackend,
    user: String,
}

impl OsKeyring {
    pub fn new(backend: KeyringBackend, store_id: &str) -> Self {
        OsKeyring {
            backend,
            user: format!("data-key:{store_id}"),
        }
    }

    /// Runs `operation` on this store's entry; on the Secret Service in a thread
    /// that is abandoned when it does not answer in time.
    fn call<T, F>(&self, operation: F) -> Result<keyring::Result<T>, HolderError>
    where
        T: Send + 'static,
        F: FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    {
        let user = self.user.clone();
        let run = move || keyring::Entry::new(SERVICE, &user).and_then(|entry| operation(&entry));
        if self.backend != KeyringBackend::SecretService {
            return Ok(run());
        }
        let (sender, receiver) = mpsc::channel();
        thread::Builder::new()
            .name("grant-secret-service".to_owned())
            .spawn(move || {
                let _ = sender.send(run());
            })
            .map_err(|error| {
                HolderError::new(Failure::Other, format!("could not start a thread: {error}"))
            })?;
        receiver.recv_timeout(SECRET_SERVICE_TIMEOUT).map_err(|_| {
            HolderError::new(
                Failure::TimedOut,
                format!(
                    "no answer within {}s (is the keyring locked, waiting for an unlock prompt?)",
                    SECRET_SERVICE_TIMEOUT.as_secs()
                ),
            )
        })
    }
}

impl KeyHolder for OsKeyring {
    fn name(&self) -> &'static str {
        self.backend.as_str()
    }

    fn load(&self) -> Result<Option<DataKey>, HolderError> {
        let text = match self.call(|entry| entry.get_password())? {
            Ok(text) => text,
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(error) => return Err(classify(error)),
        };
        let key = hex::decode(text.trim())
            .ok()
            .and_then(|bytes| DataKey::from_slice(&bytes));
        if key.is_none() {
            crate::debug!(
                "{}: the stored data key is malformed; ignoring it",
                self.name()
            );
        }
        Ok(key)
    }

    fn store(&self, key: &DataKey) -> Result<(), HolderError> {
        let text = hex::encode(key.as_bytes());
        self.call(move |entry| entry.set_password(&text))?
            .map_err(classify)
    }

    fn remove(&self) -> Result<(), HolderError> {
        match self.call(|entry| entry.delete_credential())? {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(classify(error)),
        }
    }
}

fn classify(error: keyring::Error) -> HolderError {
    let failure = match &error {
        keyring::Error::PlatformFailure(_) => Failure::Unreachable,
        keyring::Error::NoStorageAccess(_) => Failure::Locked,
        _ => Failure::Other,
    };
    HolderError::new(failure, error.to_string())
}
