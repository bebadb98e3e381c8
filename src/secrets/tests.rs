//! Store tests on the kernel keyring, each in its own state folder (tests run in
//! parallel threads); every store is destroyed when its test ends, even on a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use super::holder::{Failure, HolderError, KeyHolder, store_id};
use super::kernel_keyring::KernelKeyring;
use super::*;

struct TestStore {
    store: SecretStore,
    root: tempfile::TempDir,
}

impl TestStore {
    fn new() -> Self {
        TestStore::with(open)
    }

    fn with(open: impl FnOnce(&Path) -> SecretStore) -> Self {
        let root = tempfile::tempdir().unwrap();
        let store = open(&root.path().join("state"));
        TestStore { store, root }
    }

    fn state(&self) -> PathBuf {
        self.root.path().join("state")
    }

    /// A second handle on the same store, with its own (empty) key cache.
    fn reopen(&self) -> SecretStore {
        open(&self.state())
    }

    fn entry_dir(&self) -> PathBuf {
        self.state().join("secrets/kernel-keyring")
    }

    fn entry_file(&self, key: &str) -> PathBuf {
        self.entry_dir()
            .join(format!("{}.secret", crypto::file_stem(key)))
    }

    fn holder(&self) -> KernelKeyring {
        KernelKeyring::new(&store_id(&self.state()))
    }

    fn has_data_key(&self) -> bool {
        self.holder().load().unwrap().is_some()
    }
}

impl Deref for TestStore {
    type Target = SecretStore;
    fn deref(&self) -> &SecretStore {
        &self.store
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Err(error) = self.store.destroy() {
            eprintln!("could not clean up a test secret store: {error}");
        }
    }
}

fn open(state: &Path) -> SecretStore {
    SecretStore::open_with(KeyringBackend::KernelKeyring, state).unwrap()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn values_round_trip_and_can_be_replaced_and_deleted() {
    let store = TestStore::new();
    assert_eq!(store.backend_name(), "kernel-keyring");
    store.put("token", b"first").unwrap();
    assert_eq!(store.get("token").unwrap().as_deref(), Some(&b"first"[..]));
    store.put("token", b"second").unwrap();
    store.put("empty", b"").unwrap();
    let binary: Vec<u8> = (0..=255).collect();
    store.put("binary", &binary).unwrap();

    let fresh = store.reopen();
    assert_eq!(fresh.get("token").unwrap().as_deref(), Some(&b"second"[..]));
    assert_eq!(fresh.get("empty").unwrap().as_deref(), Some(&b""[..]));
    assert_eq!(fresh.get("binary").unwrap(), Some(binary));
    assert_eq!(fresh.get("other").unwrap(), None);

    assert!(fresh.delete("token").unwrap());
    assert!(!fresh.delete("token").unwrap());
    assert_eq!(store.get("token").unwrap(), None);
}

#[test]
fn json_helpers_round_trip_and_a_mismatched_shape_reads_as_missing() {
    let store = TestStore::new();
    store.put_json("creds", &vec!["a", "b"]).unwrap();
    assert_eq!(
        store.get_json::<Vec<String>>("creds").unwrap(),
        Some(vec!["a".to_owned(), "b".to_owned()])
    );
    assert_eq!(store.get_json::<u64>("creds").unwrap(), None);
    assert_eq!(store.get_json::<u64>("missing").unwrap(), None);
}

#[test]
fn a_get_on_an_unused_store_creates_nothing() {
    let store = TestStore::new();
    assert_eq!(store.get("token").unwrap(), None);
    assert_eq!(store.keys("").unwrap(), Vec::<String>::new());
    assert!(!store.delete("token").unwrap());
    assert_eq!(store.delete_prefix("").unwrap(), 0);
    assert!(!store.state().exists(), "no folder is created by reads");
    assert!(!store.has_data_key(), "no key is created by reads");

    store.put("token", b"x").unwrap();
    assert!(store.has_data_key());
}

#[test]
fn a_file_copied_to_another_entry_name_does_not_decrypt() {
    let store = TestStore::new();
    store.put("alice", b"alice's secret").unwrap();
    store.put("bob", b"bob's secret").unwrap();
    fs::copy(store.entry_file("alice"), store.entry_file("bob")).unwrap();
    assert_eq!(store.get("bob").unwrap(), None);
    assert_eq!(
        store.keys("").unwrap(),
        vec!["alice"],
        "the copy is not listed"
    );
    assert_eq!(
        store.get("alice").unwrap().as_deref(),
        Some(&b"alice's secret"[..])
    );
}

#[test]
fn damaged_files_read_as_missing() {
    let store = TestStore::new();
    store
        .put("token", b"a value long enough to damage")
        .unwrap();
    let path = store.entry_file("token");
    let good = fs::read(&path).unwrap();

    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    let mut other_version = good.clone();
    other_version[4] = 99;
    let damaged = [
        Vec::new(),
        b"garbage".to_vec(),
        good[..good.len() / 2].to_vec(),
        flipped,
        other_version,
    ];
    for bytes in damaged {
        fs::write(&path, &bytes).unwrap();
        assert_eq!(store.get("token").unwrap(), None);
        assert_eq!(store.keys("").unwrap(), Vec::<String>::new());
    }
    store.put("token", b"new").unwrap();
    assert_eq!(store.get("token").unwrap().as_deref(), Some(&b"new"[..]));
}

#[test]
fn a_lost_data_key_makes_entries_missing_and_the_next_write_starts_over() {
    let store = TestStore::new();
    store.put("old-1", b"one").unwrap();
    store.put("old-2", b"two").unwrap();
    // What a reboot does to the kernel keyring.
    store.holder().remove().unwrap();

    let after_reboot = store.reopen();
    assert_eq!(after_reboot.get("old-1").unwrap(), None);
    assert_eq!(after_reboot.keys("").unwrap(), Vec::<String>::new());
    assert!(!store.has_data_key(), "a read does not create a key");

    after_reboot.put("new", b"three").unwrap();
    assert!(store.has_data_key());
    let remaining = files_under(&store.entry_dir());
    assert_eq!(
        remaining,
        vec![store.entry_file("new")],
        "stale files are removed"
    );
    assert_eq!(
        after_reboot.get("new").unwrap().as_deref(),
        Some(&b"three"[..])
    );
    assert_eq!(after_reboot.get("old-1").unwrap(), None);
}

#[test]
fn keys_are_listed_by_prefix_and_deleted_by_prefix() {
    let store = TestStore::new();
    for key in ["sso/b", "sso/a", "creds/x", "ssox", "creds/y"] {
        store.put(key, key.as_bytes()).unwrap();
    }
    assert_eq!(store.keys("sso/").unwrap(), vec!["sso/a", "sso/b"]);
    assert_eq!(
        store.keys("").unwrap(),
        vec!["creds/x", "creds/y", "sso/a", "sso/b", "ssox"]
    );
    assert_eq!(store.delete_prefix("creds/").unwrap(), 2);
    assert_eq!(store.keys("").unwrap(), vec!["sso/a", "sso/b", "ssox"]);
    assert_eq!(store.delete_prefix("nothing").unwrap(), 0);
}

#[test]
fn two_state_folders_never_see_each_other() {
    let first = TestStore::new();
    let second = TestStore::new();
    first.put("token", b"first's").unwrap();
    assert_eq!(second.get("token").unwrap(), None);
    second.put("token", b"second's").unwrap();
    assert_eq!(
        first.get("token").unwrap().as_deref(),
        Some(&b"first's"[..])
    );
    assert_eq!(
        second.get("token").unwrap().as_deref(),
        Some(&b"second's"[..])
    );

    // Their data keys differ: one's file means nothing to the other.
    fs::copy(first.entry_file("token"), second.entry_file("token")).unwrap();
    assert_eq!(second.reopen().get("token").unwrap(), None);

    first.destroy().unwrap();
    assert!(!first.has_data_key());
    assert!(
        second.has_data_key(),
        "destroying one store leaves the other"
    );
}

#[test]
fn nothing_readable_is_left_on_disk() {
    let store = TestStore::new();
    let secret = b"AKIA-very-secret-value-1234567890";
    let name = "sso-token/https://example.awsapps.com/start";
    store.put(name, secret).unwrap();
    store.put("another", b"value").unwrap();

    for path in files_under(&store.state()) {
        let bytes = fs::read(&path).unwrap();
        let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|window| window == needle);
        assert!(!contains(secret), "{} holds the secret", path.display());
        assert!(
            !contains(name.as_bytes()),
            "{} holds the entry name",
            path.display()
        );
        assert!(
            !path.to_string_lossy().contains("awsapps"),
            "{}",
            path.display()
        );
        assert_eq!(
            crate::fsutil::file_mode(&path),
            Some(0o600),
            "{}",
            path.display()
        );
    }
    let dir_mode = crate::fsutil::file_mode(&store.entry_dir()).unwrap();
    assert_eq!(dir_mode & 0o777, 0o700);
}

#[test]
fn concurrent_first_writes_agree_on_one_data_key() {
    let store = TestStore::new();
    for round in 0..5 {
        let barrier = Arc::new(Barrier::new(2));
        let writers: Vec<_> = ["left", "right"]
            .into_iter()
            .map(|key| {
                let handle = store.reopen();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    handle.put(key, key.as_bytes()).unwrap();
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let fresh = store.reopen();
        assert_eq!(
            fresh.keys("").unwrap(),
            vec!["left", "right"],
            "round {round}"
        );
        store.destroy().unwrap();
    }
}

#[test]
fn readers_never_see_a_half_written_entry() {
    let store = TestStore::new();
    let small = vec![1u8; 10];
    let large = vec![2u8; 256 * 1024];
    store.put("entry", &small).unwrap();
    let writer = {
        let handle = store.reopen();
        let (small, large) = (small.clone(), large.clone());
        std::thread::spawn(move || {
            for round in 0..50 {
                let value = if round % 2 == 0 { &large } else { &small };
                handle.put("entry", value).unwrap();
            }
        })
    };
    let reader = store.reopen();
    while !writer.is_finished() {
        let value = reader.get("entry").unwrap().expect("always present");
        assert!(
            value == small || value == large,
            "read {} bytes",
            value.len()
        );
    }
    writer.join().unwrap();
}

#[test]
fn entry_names_are_checked() {
    let store = TestStore::new();
    assert!(matches!(
        store.put("", b"x"),
        Err(SecretError::InvalidEntryName)
    ));
    let longest = "x".repeat(MAX_ENTRY_KEY_LEN);
    store.put(&longest, b"ok").unwrap();
    assert_eq!(store.keys("").unwrap(), vec![longest.clone()]);
    assert_eq!(store.get(&longest).unwrap().as_deref(), Some(&b"ok"[..]));
}

#[test]
fn long_entry_names_are_stored_hashed_and_stay_apart() {
    let store = TestStore::new();
    let one = format!("credentials/{}a", "é".repeat(10_000));
    let two = format!("credentials/{}b", "é".repeat(10_000));
    store.put(&one, b"one").unwrap();
    store.put(&two, b"two").unwrap();
    assert_eq!(store.get(&one).unwrap().as_deref(), Some(&b"one"[..]));
    assert_eq!(store.get(&two).unwrap().as_deref(), Some(&b"two"[..]));
    let listed = store.keys("credentials/").unwrap();
    assert_eq!(listed.len(), 2, "listed by their readable head");
    assert!(
        listed
            .iter()
            .all(|name| name.len() < MAX_ENTRY_KEY_LEN && name.contains("sha256:"))
    );
    assert_eq!(store.delete_prefix("credentials/").unwrap(), 2);
    assert!(store.get(&one).unwrap().is_none());
}

#[test]
fn a_fifo_or_symlink_at_an_entry_path_reads_as_missing_and_is_replaced() {
    let store = TestStore::new();
    store.put("fifo", b"first").unwrap();
    store.put("link", b"first").unwrap();
    let fifo = store.entry_file("fifo");
    std::fs::remove_file(&fifo).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), b"outside").unwrap();
    let link = store.entry_file("link");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(outside.path(), &link).unwrap();
    assert!(store.get("fifo").unwrap().is_none());
    assert!(store.get("link").unwrap().is_none());
    store.put("fifo", b"second").unwrap();
    store.put("link", b"second").unwrap();
    assert_eq!(store.get("fifo").unwrap().as_deref(), Some(&b"second"[..]));
    assert_eq!(store.get("link").unwrap().as_deref(), Some(&b"second"[..]));
    assert_eq!(std::fs::read(outside.path()).unwrap(), b"outside");
    assert!(
        !std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn backend_names_parse_like_the_setting() {
    assert_eq!(
        parse_backend("kernel-keyring"),
        Some(KeyringBackend::KernelKeyring)
    );
    assert_eq!(
        parse_backend(" Secret-Service "),
        Some(KeyringBackend::SecretService)
    );
    assert_eq!(parse_backend("AUTO"), Some(KeyringBackend::Auto));
    assert_eq!(parse_backend("gnome"), None);
    for name in KeyringBackend::NAMES {
        assert_eq!(
            parse_backend(name).map(|backend| backend.as_str()),
            Some(*name)
        );
    }
    let message = SecretError::UnknownBackend {
        value: "gnome".into(),
    }
    .to_string();
    assert!(
        message.contains("keychain, windows-credential-manager"),
        "{message}"
    );
}

#[test]
fn backends_of_other_platforms_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let error = SecretStore::open_with(KeyringBackend::Keychain, root.path()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the keychain keyring backend does not exist on this system; \
         set Keyring.Backend (or GRANT_KEYRING_BACKEND) to auto"
    );
}

#[test]
fn auto_without_a_session_bus_uses_the_kernel_keyring_then_the_agent() {
    let root = tempfile::tempdir().unwrap();
    let holders = backends::candidates(KeyringBackend::Auto, &store_id(root.path())).unwrap();
    let names: Vec<_> = holders.iter().map(|holder| holder.name()).collect();
    if crate::env::os_value("DBUS_SESSION_BUS_ADDRESS").is_some_and(|address| !address.is_empty()) {
        assert_eq!(names, ["secret-service", "kernel-keyring", "agent"]);
    } else {
        assert_eq!(names, ["kernel-keyring", "agent"]);
    }
}

/// Each hint names only backends after its own in the order auto tries them, so two
/// failing backends never send the user back and forth.
#[test]
fn hints_never_lead_back_to_a_backend_tried_before() {
    let order = ["secret-service", "kernel-keyring", "agent"];
    for (index, backend) in order.iter().enumerate() {
        let hint = holder_hint(backend);
        for earlier in &order[..=index] {
            let named =
                hint.contains(&format!("to {earlier}")) || hint.contains(&format!("({earlier}"));
            assert!(
                !named,
                "the {backend} hint points back to {earlier}: {hint}"
            );
        }
    }
    assert!(holder_hint("kernel-keyring").contains("to agent"));
    assert!(holder_hint("agent").contains("GRANT_DEBUG"));
}

#[test]
fn a_store_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SecretStore>();
}

#[test]
fn debug_output_shows_no_key_material() {
    let store = TestStore::new();
    store.put("token", b"hunter2").unwrap();
    let shown = format!("{:?}", store.store);
    assert!(
        shown.contains("kernel-keyring") && !shown.contains("hunter2"),
        "{shown}"
    );
    let key = store.holder().load().unwrap().unwrap();
    assert_eq!(format!("{key:?}"), "DataKey(..)");
}

/// A preferred holder that does not answer, as a Secret Service without a daemon.
struct Unanswering(Failure);

impl KeyHolder for Unanswering {
    fn name(&self) -> &'static str {
        "secret-service"
    }
    fn load(&self) -> Result<Option<DataKey>, HolderError> {
        Err(HolderError::new(self.0, "no answer"))
    }
    fn store(&self, _key: &DataKey) -> Result<(), HolderError> {
        Err(HolderError::new(self.0, "no answer"))
    }
    fn remove(&self) -> Result<(), HolderError> {
        Err(HolderError::new(self.0, "no answer"))
    }
}

fn preferring(failure: Failure) -> impl FnOnce(&Path) -> SecretStore {
    move |state| SecretStore {
        root: state.join("secrets"),
        holders: vec![
            Box::new(Unanswering(failure)),
            Box::new(KernelKeyring::new(&store_id(state))),
        ],
        chosen: OnceLock::new(),
        data_key: Mutex::new(None),
    }
}

#[test]
fn auto_falls_back_when_the_preferred_holder_does_not_answer() {
    for failure in [Failure::Unreachable, Failure::Locked, Failure::TimedOut] {
        let store = TestStore::with(preferring(failure));
        assert_eq!(store.backend_name(), "secret-service", "nothing asked yet");
        store.put("token", b"value").unwrap();
        assert_eq!(store.backend_name(), "kernel-keyring");
        assert!(store.entry_file("token").exists());
        assert_eq!(
            store.reopen().get("token").unwrap().as_deref(),
            Some(&b"value"[..])
        );
    }
}

#[test]
fn a_preferred_holder_that_answers_with_an_error_is_not_skipped() {
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("state");
    let store = preferring(Failure::Other)(&state);
    let message = store.put("token", b"value").unwrap_err().to_string();
    assert_eq!(
        message,
        "cannot read grant's data key (secret-service): no answer; unlock the desktop \
         keyring, or set Keyring.Backend (or GRANT_KEYRING_BACKEND) to kernel-keyring \
         (agent where keyctl is not permitted)"
    );
    assert!(!state.exists(), "nothing was written");
    let kernel = KernelKeyring::new(&store_id(&state));
    assert!(kernel.load().unwrap().is_none(), "no fallback key was made");
}

/// The kernel keyring behind a prompt the user leaves open: storing a key takes
/// `delay`, as a Keychain or Secret Service unlock dialog can.
struct SlowToStore {
    inner: KernelKeyring,
    delay: std::time::Duration,
}

impl KeyHolder for SlowToStore {
    fn name(&self) -> &'static str {
        "kernel-keyring"
    }
    fn load(&self) -> Result<Option<DataKey>, HolderError> {
        self.inner.load()
    }
    fn store(&self, key: &DataKey) -> Result<(), HolderError> {
        std::thread::sleep(self.delay);
        self.inner.store(key)
    }
    fn remove(&self) -> Result<(), HolderError> {
        self.inner.remove()
    }
}

fn slow_to_store(state: &Path, delay: std::time::Duration) -> SecretStore {
    SecretStore {
        root: state.join("secrets"),
        holders: vec![Box::new(SlowToStore {
            inner: KernelKeyring::new(&store_id(state)),
            delay,
        })],
        chosen: OnceLock::new(),
        data_key: Mutex::new(None),
    }
}

/// Two first writes by two processes: a child creates the data key and sits on the
/// keyring's prompt for longer than 30 s; this process, writing meanwhile, waits for
/// it instead of taking its lock for a dead one's and minting a second key, so both
/// entries open with the one key the keyring ends up holding.
#[test]
fn a_slow_key_creation_is_waited_for_and_no_second_key_appears() {
    const CHILD: &str = "GRANT_TEST_SLOW_KEY_CREATION_STATE";
    if let Some(state) = crate::env::os_value(CHILD) {
        let slow = std::time::Duration::from_secs(32);
        slow_to_store(Path::new(&state), slow)
            .put("first", b"one")
            .unwrap();
        return;
    }
    let store = TestStore::new();
    let state = store.state();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "secrets::tests::a_slow_key_creation_is_waited_for_and_no_second_key_appears",
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD, &state)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The child holds the lock once its pid is in a lock file.
    let locks = state.join("locks");
    let holding = || {
        fs::read_dir(&locks)
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| {
                fs::read_to_string(entry.path())
                    .is_ok_and(|pid| pid.trim() == child.id().to_string())
            })
    };
    let started = std::time::Instant::now();
    while !holding() {
        assert!(
            started.elapsed().as_secs() < 20,
            "the child never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    store.put("second", b"two").unwrap();
    assert!(child.wait().unwrap().success(), "the child's write failed");
    let fresh = store.reopen();
    assert_eq!(fresh.get("first").unwrap().as_deref(), Some(&b"one"[..]));
    assert_eq!(fresh.get("second").unwrap().as_deref(), Some(&b"two"[..]));
}
