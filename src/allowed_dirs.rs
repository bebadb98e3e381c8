//! The `.aws-profile` files the user allowed with `grant allow`: a directory's
//! profile is used only once its file was allowed, as direnv does with `.envrc`.
//!
//! The list maps the file's canonical path (its folder resolved, so a symlinked
//! folder and its target are one entry) to the SHA-256 of the bytes that were
//! allowed; a file whose bytes changed must be allowed again. It is one JSON file in
//! grant's state folder, 0600 in a 0700 folder, replaced atomically under a lock.
//!
//! A `.aws-profile` comes from wherever the user `cd`s (a cloned repository, a shared
//! folder), so it is read as hostile: a symlink, a FIFO or a device is refused without
//! being opened for reading or waited on, and so is a file over [`PROFILE_FILE_LIMIT`].

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::fsutil;
use crate::lock::Lock;

/// The file that names a directory's profile.
pub const FILE_NAME: &str = ".aws-profile";
/// Larger files are refused: a profile name is one short line.
pub const PROFILE_FILE_LIMIT: u64 = 4096;
/// The list's file in grant's state folder.
const LIST_FILE: &str = "allowed-directories.json";
/// Rewritten with a new value on every save: the shells' directory hooks compare it
/// at each prompt (a builtin read, no process) to notice `grant allow` and `deny`.
const STAMP_FILE: &str = "allowed-directories.stamp";
/// A list larger than this is damaged (a million entries would be ~200 MB).
const LIST_LIMIT: u64 = 16 * 1024 * 1024;
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a `.aws-profile` cannot be used, whatever the list says.
#[derive(Debug, thiserror::Error)]
pub enum ProfileFileError {
    #[error("{} is a symbolic link; grant reads only a plain file there", .0.display())]
    Symlink(PathBuf),
    #[error("{} is not a plain file", .0.display())]
    NotAFile(PathBuf),
    #[error("{} is larger than {PROFILE_FILE_LIMIT} bytes; its first line must name a profile", .0.display())]
    TooLarge(PathBuf),
    #[error("{} is not a .aws-profile file", .0.display())]
    NotAProfileFile(PathBuf),
    #[error("the path {} is not UTF-8", .0.display())]
    NotUtf8(PathBuf),
    #[error("cannot read {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// What the list says about a file with given bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Allowed once, with other bytes.
    Changed,
    NotAllowed,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Stored {
    /// Canonical file path -> SHA-256 (hex) of the allowed bytes.
    allowed: BTreeMap<String, String>,
}

/// The allow list of one state folder.
#[derive(Debug)]
pub struct AllowList {
    path: PathBuf,
    stored: Stored,
}

impl AllowList {
    /// Reads the list in `state_dir`; none yet is an empty list.
    pub fn load(state_dir: &Path) -> anyhow::Result<AllowList> {
        fsutil::check_trusted_dir(state_dir)?;
        let path = state_dir.join(LIST_FILE);
        let stored = match fsutil::read_own_file(&path, LIST_LIMIT) {
            Ok(None) => Stored::default(),
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).map_err(|error| {
                anyhow::anyhow!(
                    "cannot read the allow list {}: {error}; remove it and allow your directories again",
                    path.display()
                )
            })?,
            Err(error) => anyhow::bail!(
                "cannot read the allow list {}: {error}; remove it and allow your directories again",
                path.display()
            ),
        };
        Ok(AllowList { path, stored })
    }

    /// Loads the list under its lock, lets `change` edit it, and saves it.
    pub fn edit<R>(
        state_dir: &Path,
        change: impl FnOnce(&mut AllowList) -> R,
    ) -> anyhow::Result<R> {
        let _lock = Lock::acquire_in(state_dir, LIST_FILE, "the allow list", LOCK_TIMEOUT)?;
        let mut list = AllowList::load(state_dir)?;
        let result = change(&mut list);
        list.save()?;
        Ok(result)
    }

    pub fn verdict(&self, file: &str, digest: &str) -> Verdict {
        match self.stored.allowed.get(file) {
            Some(allowed) if allowed == digest => Verdict::Allowed,
            Some(_) => Verdict::Changed,
            None => Verdict::NotAllowed,
        }
    }

    pub fn allow(&mut self, file: &str, digest: &str) {
        self.stored
            .allowed
            .insert(file.to_owned(), digest.to_owned());
    }

    /// Forgets `file`; whether it was in the list.
    pub fn deny(&mut self, file: &str) -> bool {
        self.stored.allowed.remove(file).is_some()
    }

    fn save(&self) -> io::Result<()> {
        let mut text = serde_json::to_vec_pretty(&self.stored).map_err(io::Error::other)?;
        text.push(b'\n');
        fsutil::write_atomic(&self.path, &text, None)?;
        let stamp = self.path.with_file_name(STAMP_FILE);
        fsutil::write_atomic(&stamp, new_stamp().as_bytes(), None)
    }
}

/// Where the allow list's stamp is, for the shell integration.
pub fn stamp_file(state_dir: &Path) -> PathBuf {
    state_dir.join(STAMP_FILE)
}

/// A value no earlier save wrote: the time in nanoseconds and this process.
fn new_stamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}-{}\n", now.as_nanos(), std::process::id())
}

/// The SHA-256 of a file's bytes, in hex: what the list records.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The profile a `.aws-profile` names: its first line, trimmed. `None` when that
/// line is empty or not UTF-8.
pub fn profile_name(bytes: &[u8]) -> Option<&str> {
    let first_line = bytes.split(|&byte| byte == b'\n').next().unwrap_or(&[]);
    let name = std::str::from_utf8(first_line).ok()?.trim();
    (!name.is_empty()).then_some(name)
}

/// `file` (a path ending in `.aws-profile`) with its folder resolved, as the list
/// knows it.
pub fn canonical_file(file: &Path) -> Result<String, ProfileFileError> {
    if file.file_name() != Some(FILE_NAME.as_ref()) {
        return Err(ProfileFileError::NotAProfileFile(file.to_path_buf()));
    }
    let folder = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let folder = fs::canonicalize(folder).map_err(|source| ProfileFileError::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let canonical = folder.join(FILE_NAME);
    canonical
        .to_str()
        .map(str::to_owned)
        .ok_or(ProfileFileError::NotUtf8(canonical))
}

/// The `.aws-profile` in `start` or the nearest of its parents, if any (a dangling
/// symlink counts: it is there, and refused when read).
pub fn nearest_file(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|file| fs::symlink_metadata(file).is_ok())
}

/// The bytes of the `.aws-profile` at `path`: never through a symlink, never waiting
/// on a FIFO, never more than [`PROFILE_FILE_LIMIT`] bytes.
pub fn read_profile_file(path: &Path) -> Result<Vec<u8>, ProfileFileError> {
    let io_error = |source| ProfileFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::symlink_metadata(path).map_err(io_error)?;
    if meta.file_type().is_symlink() {
        return Err(ProfileFileError::Symlink(path.to_path_buf()));
    }
    if !meta.is_file() {
        return Err(ProfileFileError::NotAFile(path.to_path_buf()));
    }
    // Opened without following a symlink and without blocking, in case the file was
    // swapped since the look above; what was opened is checked again.
    let file = fsutil::private_file_options()
        .read(true)
        .open(path)
        .map_err(|error| match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                ProfileFileError::Symlink(path.to_path_buf())
            }
            _ => io_error(error),
        })?;
    let meta = file.metadata().map_err(io_error)?;
    if !meta.is_file() {
        return Err(ProfileFileError::NotAFile(path.to_path_buf()));
    }
    let mut bytes = Vec::new();
    file.take(PROFILE_FILE_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > PROFILE_FILE_LIMIT {
        return Err(ProfileFileError::TooLarge(path.to_path_buf()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folders() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let state = root.path().join("state/grant");
        let project = root.path().join("project");
        fs::create_dir_all(project.join("sub/deeper")).unwrap();
        (root, state, project)
    }

    #[test]
    fn an_allowed_file_is_allowed_until_its_bytes_change() {
        let (_root, state, project) = folders();
        let file = project.join(FILE_NAME);
        fs::write(&file, "dev\n").unwrap();
        let key = canonical_file(&file).unwrap();
        let first = digest(&read_profile_file(&file).unwrap());
        assert_eq!(
            AllowList::load(&state).unwrap().verdict(&key, &first),
            Verdict::NotAllowed
        );
        AllowList::edit(&state, |list| list.allow(&key, &first)).unwrap();
        assert_eq!(
            AllowList::load(&state).unwrap().verdict(&key, &first),
            Verdict::Allowed
        );
        fs::write(&file, "prod\n").unwrap();
        let second = digest(&read_profile_file(&file).unwrap());
        assert_ne!(first, second);
        assert_eq!(
            AllowList::load(&state).unwrap().verdict(&key, &second),
            Verdict::Changed
        );
    }

    #[test]
    fn deny_forgets_the_file() {
        let (_root, state, project) = folders();
        let key = canonical_file(&project.join(FILE_NAME)).unwrap();
        AllowList::edit(&state, |list| list.allow(&key, "abc")).unwrap();
        assert!(AllowList::edit(&state, |list| list.deny(&key)).unwrap());
        assert!(!AllowList::edit(&state, |list| list.deny(&key)).unwrap());
        assert_eq!(
            AllowList::load(&state).unwrap().verdict(&key, "abc"),
            Verdict::NotAllowed
        );
    }

    #[test]
    fn digest_is_the_sha256_of_the_bytes() {
        // The SHA-256 test vector of FIPS 180-2 for "abc".
        assert_eq!(
            digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_list_is_private_and_written_whole() {
        use std::os::unix::fs::PermissionsExt;
        let (_root, state, project) = folders();
        let key = canonical_file(&project.join(FILE_NAME)).unwrap();
        AllowList::edit(&state, |list| list.allow(&key, "abc")).unwrap();
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&state.join(LIST_FILE)), 0o600);
        assert_eq!(mode(&state), 0o700);
        let mut names: Vec<String> = fs::read_dir(&state)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "locks")
            .collect();
        names.sort();
        assert_eq!(
            names,
            [LIST_FILE, STAMP_FILE],
            "no temporary file left behind"
        );
        assert_eq!(mode(&stamp_file(&state)), 0o600);
    }

    #[test]
    fn every_save_writes_a_new_stamp() {
        let (_root, state, project) = folders();
        let key = canonical_file(&project.join(FILE_NAME)).unwrap();
        let stamp = || fs::read_to_string(stamp_file(&state)).unwrap();
        AllowList::edit(&state, |list| list.allow(&key, "abc")).unwrap();
        let first = stamp();
        AllowList::edit(&state, |list| list.deny(&key)).unwrap();
        let second = stamp();
        assert_ne!(first, second);
        assert!(second.ends_with('\n') && second.lines().count() == 1);
    }

    #[test]
    fn a_damaged_list_is_an_error_that_says_what_to_do() {
        let (_root, state, _project) = folders();
        fsutil::create_private_dir(&state).unwrap();
        fs::write(state.join(LIST_FILE), "{not json").unwrap();
        let error = AllowList::load(&state).unwrap_err().to_string();
        assert!(error.contains("remove it and allow"), "{error}");
    }

    #[test]
    fn a_symlinked_folder_and_its_target_are_one_entry() {
        let (root, _state, project) = folders();
        #[cfg(unix)]
        {
            let link = root.path().join("link");
            std::os::unix::fs::symlink(&project, &link).unwrap();
            assert_eq!(
                canonical_file(&link.join(FILE_NAME)).unwrap(),
                canonical_file(&project.join(FILE_NAME)).unwrap()
            );
        }
        #[cfg(not(unix))]
        let _ = root;
        assert!(matches!(
            canonical_file(&project.join("other")),
            Err(ProfileFileError::NotAProfileFile(_))
        ));
    }

    #[test]
    fn the_profile_is_the_trimmed_first_line() {
        assert_eq!(profile_name(b"  dev \r\nignored\n"), Some("dev"));
        assert_eq!(profile_name(b"team/Admin"), Some("team/Admin"));
        assert_eq!(profile_name(b"\nsecond"), None);
        assert_eq!(profile_name(b"   \n"), None);
        assert_eq!(profile_name(b"\xff\xfe\n"), None);
        assert_eq!(profile_name(b""), None);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_fifos_and_large_files_are_refused_without_waiting() {
        let (_root, _state, project) = folders();
        let target = project.join("target");
        fs::write(&target, "dev\n").unwrap();
        let link = project.join("sub").join(FILE_NAME);
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(
            read_profile_file(&link),
            Err(ProfileFileError::Symlink(_))
        ));
        let fifo = project.join("sub/deeper").join(FILE_NAME);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(matches!(
            read_profile_file(&fifo),
            Err(ProfileFileError::NotAFile(_))
        ));
        let large = project.join(FILE_NAME);
        fs::write(&large, vec![b'a'; PROFILE_FILE_LIMIT as usize + 1]).unwrap();
        assert!(matches!(
            read_profile_file(&large),
            Err(ProfileFileError::TooLarge(_))
        ));
        fs::write(&large, vec![b'a'; PROFILE_FILE_LIMIT as usize]).unwrap();
        assert!(read_profile_file(&large).is_ok());
    }

    #[test]
    fn the_nearest_file_is_found_walking_up() {
        let (_root, _state, project) = folders();
        assert_eq!(nearest_file(&project.join("sub/deeper")), None);
        fs::write(project.join(FILE_NAME), "dev\n").unwrap();
        assert_eq!(
            nearest_file(&project.join("sub/deeper")),
            Some(project.join(FILE_NAME))
        );
        fs::write(project.join("sub").join(FILE_NAME), "prod\n").unwrap();
        assert_eq!(
            nearest_file(&project.join("sub/deeper")),
            Some(project.join("sub").join(FILE_NAME))
        );
    }
}
