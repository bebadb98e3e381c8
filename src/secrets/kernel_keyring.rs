//! The headless Linux holder: the kernel's per-user keyring (`@u`), one "user" key
//! per store. No daemon, no prompt, and nothing on disk; the key is gone after a
//! reboot, which leaves the entry files undecryptable (treated as missing).

use linux_keyutils::{
    Key, KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission,
};

use super::crypto::DataKey;
use super::holder::{Failure, HolderError, KeyHolder};

pub struct KernelKeyring {
    description: String,
}

impl KernelKeyring {
    pub fn new(store_id: &str) -> Self {
        KernelKeyring {
            description: format!("grant:data-key:{store_id}"),
        }
    }

    fn find(&self) -> Result<Option<Key>, HolderError> {
        let ring = user_keyring()?;
        match ring.search(&self.description) {
            Ok(key) => Ok(Some(key)),
            Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => {
                Ok(None)
            }
            Err(error) => Err(failure("search the user keyring", error)),
        }
    }
}

impl KeyHolder for KernelKeyring {
    fn name(&self) -> &'static str {
        "kernel-keyring"
    }

    fn load(&self) -> Result<Option<DataKey>, HolderError> {
        let Some(key) = self.find()? else {
            return Ok(None);
        };
        // A data key is 32 bytes: read into room for a little more (a longer entry
        // reports its whole length and is refused below) rather than the 64 KiB
        // `read_to_vec` allocates, which musl's allocator maps and unmaps at every
        // cache hit.
        let mut buffer = [0u8; 64];
        let payload = match key.read(&mut buffer) {
            Ok(length) if length <= buffer.len() => &buffer[..length],
            Ok(_) => &buffer[..0],
            // Revoked or invalidated between the search and the read.
            Err(KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked) => {
                return Ok(None);
            }
            Err(error) => return Err(failure("read the data key", error)),
        };
        let key = DataKey::from_slice(payload);
        buffer.fill(0);
        if key.is_none() {
            crate::debug!(
                "kernel keyring: {} has the wrong size; ignoring it",
                self.description
            );
        }
        Ok(key)
    }

    /// The key is created in the process keyring, which this process possesses, so
    /// that it can open the permissions up to its user before linking it into `@u`:
    /// a later process whose session keyring does not link `@u` (containers, some
    /// PAM setups) does not possess the key and reads it with user permissions.
    fn store(&self, data_key: &DataKey) -> Result<(), HolderError> {
        let process = KeyRing::from_special_id(KeyRingIdentifier::Process, true)
            .map_err(|error| failure("open the process keyring", error))?;
        let key = process
            .add_key(&self.description, data_key.as_bytes())
            .map_err(|error| failure("add the data key", error))?;
        let user_access = Permission::VIEW
            | Permission::READ
            | Permission::WRITE
            | Permission::SEARCH
            | Permission::LINK
            | Permission::SETATTR;
        let permissions = KeyPermissionsBuilder::builder()
            .posessor(Permission::ALL)
            .user(user_access)
            .build();
        key.set_perms(permissions)
            .map_err(|error| failure("set the data key's permissions", error))?;
        user_keyring()?
            .link_key(key)
            .map_err(|error| failure("link the data key into the user keyring", error))?;
        if let Err(error) = process.unlink_key(key) {
            crate::debug!(
                "kernel keyring: could not unlink the data key from the process keyring: {error}"
            );
        }
        Ok(())
    }

    fn remove(&self) -> Result<(), HolderError> {
        match self.find()? {
            Some(key) => key
                .invalidate()
                .map_err(|error| failure("remove the data key", error)),
            None => Ok(()),
        }
    }
}

fn user_keyring() -> Result<KeyRing, HolderError> {
    KeyRing::from_special_id(KeyRingIdentifier::User, false)
        .map_err(|error| failure("open the user keyring", error))
}

fn failure(action: &str, error: KeyError) -> HolderError {
    let kind = match error {
        // What a seccomp filter (e.g. Docker's default one) answers for keyctl, and a
        // kernel built without keys.
        KeyError::PermissionDenied | KeyError::OperationNotSupported => Failure::Unreachable,
        KeyError::Unknown(libc::ENOSYS) => Failure::Unreachable,
        // A key of this store that this process may not read is a problem to report,
        // not a reason to move the store to the agent.
        _ => Failure::Other,
    };
    let reason = match error {
        KeyError::QuotaExceeded => {
            "the user's key quota is full (see /proc/key-users and /proc/sys/kernel/keys)"
                .to_owned()
        }
        KeyError::PermissionDenied => {
            "keyctl is not permitted here (a container's seccomp filter?)".to_owned()
        }
        KeyError::Unknown(errno) => std::io::Error::from_raw_os_error(errno).to_string(),
        other => format!("{other:?}"),
    };
    HolderError::new(kind, format!("could not {action}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a keyring that cannot be reached at all leaves the store to the next
    /// holder (the agent, under `auto`); any other failure is reported.
    #[test]
    fn only_refused_or_missing_keyctl_counts_as_unreachable() {
        let kind = |error| failure("open the user keyring", error).failure;
        assert_eq!(kind(KeyError::PermissionDenied), Failure::Unreachable);
        assert_eq!(kind(KeyError::Unknown(libc::ENOSYS)), Failure::Unreachable);
        assert_eq!(kind(KeyError::OperationNotSupported), Failure::Unreachable);
        assert_eq!(kind(KeyError::AccessDenied), Failure::Other);
        assert_eq!(kind(KeyError::QuotaExceeded), Failure::Other);
        assert_eq!(kind(KeyError::Unknown(libc::EIO)), Failure::Other);
        let detail = failure("add the data key", KeyError::PermissionDenied).detail;
        assert!(detail.contains("keyctl is not permitted"), "{detail}");
    }
}
