//! Which key holders a `Keyring.Backend` setting means on this machine, in the order
//! to try them.

use super::holder::KeyHolder;
use crate::settings::KeyringBackend;

/// The holders `backend` means here, in the order to try them: every holder but the
/// last is only a preference, left for the next one when it does not answer.
pub fn candidates(
    backend: KeyringBackend,
    id: &str,
) -> Result<Vec<Box<dyn KeyHolder>>, &'static str> {
    let holders = match backend {
        KeyringBackend::Auto => auto_candidates(id),
        KeyringBackend::Keychain => single(os_holder(KeyringBackend::Keychain, id)),
        KeyringBackend::WindowsCredentialManager => {
            single(os_holder(KeyringBackend::WindowsCredentialManager, id))
        }
        KeyringBackend::SecretService => single(os_holder(KeyringBackend::SecretService, id)),
        KeyringBackend::KernelKeyring => single(kernel_holder(id)),
        KeyringBackend::Agent => single(agent_holder(id)),
    };
    holders.ok_or(backend.as_str())
}

fn single(holder: Option<Box<dyn KeyHolder>>) -> Option<Vec<Box<dyn KeyHolder>>> {
    holder.map(|holder| vec![holder])
}

fn auto_candidates(id: &str) -> Option<Vec<Box<dyn KeyHolder>>> {
    if cfg!(target_os = "macos") {
        return single(os_holder(KeyringBackend::Keychain, id));
    }
    if cfg!(windows) {
        return single(os_holder(KeyringBackend::WindowsCredentialManager, id));
    }
    let has_session_bus =
        crate::env::os_value("DBUS_SESSION_BUS_ADDRESS").is_some_and(|address| !address.is_empty());
    let mut holders = Vec::new();
    if has_session_bus {
        holders.extend(os_holder(KeyringBackend::SecretService, id));
    }
    holders.push(kernel_holder(id)?);
    // Last, so only where neither keyring answers (keyctl refused by a container's
    // seccomp filter, no desktop session).
    holders.extend(agent_holder(id));
    Some(holders)
}

#[cfg(target_os = "linux")]
fn kernel_holder(id: &str) -> Option<Box<dyn KeyHolder>> {
    Some(Box::new(super::kernel_keyring::KernelKeyring::new(id)))
}

#[cfg(not(target_os = "linux"))]
fn kernel_holder(_id: &str) -> Option<Box<dyn KeyHolder>> {
    None
}

#[cfg(target_os = "linux")]
fn agent_holder(id: &str) -> Option<Box<dyn KeyHolder>> {
    Some(Box::new(super::agent::SecretAgent::new(id)))
}

#[cfg(not(target_os = "linux"))]
fn agent_holder(_id: &str) -> Option<Box<dyn KeyHolder>> {
    None
}

/// The keyring crate's store for `backend`, when that is this platform's store.
fn os_holder(backend: KeyringBackend, id: &str) -> Option<Box<dyn KeyHolder>> {
    let native = match backend {
        KeyringBackend::Keychain => cfg!(target_os = "macos"),
        KeyringBackend::WindowsCredentialManager => cfg!(windows),
        KeyringBackend::SecretService => cfg!(target_os = "linux"),
        KeyringBackend::Auto | KeyringBackend::KernelKeyring | KeyringBackend::Agent => false,
    };
    if !native {
        return None;
    }
    os_keyring_holder(backend, id)
}

#[cfg(any(target_os = "linux", target_os = "macos", windows))]
fn os_keyring_holder(backend: KeyringBackend, id: &str) -> Option<Box<dyn KeyHolder>> {
    Some(Box::new(super::os_keyring::OsKeyring::new(backend, id)))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn os_keyring_holder(_backend: KeyringBackend, _id: &str) -> Option<Box<dyn KeyHolder>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(backend: KeyringBackend) -> Result<&'static str, &'static str> {
        candidates(backend, "0123").map(|list| list[0].name())
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn every_explicit_backend_maps_to_its_own_holder_on_linux() {
        assert_eq!(name(KeyringBackend::KernelKeyring), Ok("kernel-keyring"));
        assert_eq!(name(KeyringBackend::Agent), Ok("agent"));
        assert_eq!(name(KeyringBackend::SecretService), Ok("secret-service"));
        assert_eq!(name(KeyringBackend::Keychain).err(), Some("keychain"));
        assert_eq!(
            name(KeyringBackend::WindowsCredentialManager).err(),
            Some("windows-credential-manager")
        );
    }

    #[cfg(any(target_os = "macos", windows))]
    #[test]
    fn auto_is_the_systems_own_store_and_the_linux_holders_are_refused() {
        let own = if cfg!(windows) {
            "windows-credential-manager"
        } else {
            "keychain"
        };
        assert_eq!(name(KeyringBackend::Auto), Ok(own));
        let list = candidates(KeyringBackend::Auto, "0123").unwrap();
        assert_eq!(list.len(), 1, "no fallback after the system's store");
        for linux_only in [
            KeyringBackend::KernelKeyring,
            KeyringBackend::Agent,
            KeyringBackend::SecretService,
        ] {
            assert_eq!(name(linux_only).err(), Some(linux_only.as_str()));
        }
    }
}
