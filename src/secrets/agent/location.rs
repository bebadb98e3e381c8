//! Where the agent's socket lives, and the checks that make it safe to use: a 0700
//! folder of the user's own, `$XDG_RUNTIME_DIR/grant` when that runtime folder is the
//! user's, else `agent` in grant's own state folder. No guessable name in a shared
//! folder: another user could create it first. Only when the state folder's path is
//! too long for a socket does the folder go to the temporary folder, under a random
//! name kept in the state folder, and a new one whenever that name was taken. A
//! folder or socket that is a
//! symbolic link, belongs to someone else or is open to others is refused, never
//! repaired: someone may be waiting for grant to use it.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use crate::secrets::holder::{Failure, HolderError};

pub const SOCKET_NAME: &str = "agent.sock";
/// `sun_path` holds 108 bytes with the final NUL.
const MAX_SOCKET_PATH_LEN: usize = 107;

/// The agent's folder for this user and environment (not yet checked or created).
pub fn agent_dir() -> PathBuf {
    let me = my_uid();
    if let Some(runtime) = runtime_dir(me) {
        return runtime.join("grant");
    }
    let state = crate::paths::grant_state_dir();
    let dir = state.join("agent");
    if dir.join(SOCKET_NAME).as_os_str().len() <= MAX_SOCKET_PATH_LEN {
        // Its parent must exist for the agent's folder to be made (0700) in it.
        let _ = crate::fsutil::create_private_dir(&state);
        return dir;
    }
    random_temp_dir(me)
}

/// Where the name of the agent's folder in the temporary folder is kept.
const TEMP_NAME_FILE: &str = "agent-folder";

/// `grant-` and 32 random hex digits in the temporary folder: the name kept in the
/// state folder while that folder is free or the user's own, else a new one.
fn random_temp_dir(me: u32) -> PathBuf {
    let state = crate::paths::grant_state_dir();
    let record = state.join(TEMP_NAME_FILE);
    let kept = crate::fsutil::read_own_file(&record, 64)
        .ok()
        .flatten()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|name| is_temp_name(name));
    if let Some(name) = kept {
        let dir = std::env::temp_dir().join(&name);
        let usable = match fs::symlink_metadata(&dir) {
            Ok(meta) => meta.is_dir() && meta.uid() == me,
            Err(error) => error.kind() == io::ErrorKind::NotFound,
        };
        if usable {
            return dir;
        }
    }
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    let name = format!("grant-{}", hex::encode(bytes));
    let _ = crate::fsutil::create_private_dir(&state)
        .and_then(|()| crate::fsutil::write_atomic(&record, name.as_bytes(), Some(0o600)));
    std::env::temp_dir().join(name)
}

fn is_temp_name(name: &str) -> bool {
    name.strip_prefix("grant-")
        .is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `$XDG_RUNTIME_DIR` when it is an absolute path to a folder of `me` that only `me`
/// can enter (as the XDG spec wants it); `sudo` and `su` often leave another user's.
fn runtime_dir(me: u32) -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR")?);
    if !dir.is_absolute() {
        return None;
    }
    let usable = fs::symlink_metadata(&dir)
        .is_ok_and(|meta| meta.is_dir() && meta.uid() == me && meta.mode() & 0o077 == 0);
    if !usable {
        crate::debug!(
            "secret agent: XDG_RUNTIME_DIR {} is not a private folder of yours; using the temporary folder",
            dir.display()
        );
    }
    usable.then_some(dir)
}

/// Creates `dir` (0700, its parent must exist) or checks the one that is there.
pub fn prepare_dir(dir: &Path) -> Result<(), HolderError> {
    check_parent(dir)?;
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
        Err(error) => {
            return Err(refusal(format!(
                "cannot create the secret agent's folder {}: {error}; set XDG_RUNTIME_DIR to a folder of yours (mode 0700)",
                dir.display()
            )));
        }
    }
    let meta = fs::symlink_metadata(dir).map_err(|error| {
        refusal(format!(
            "cannot inspect the secret agent's folder {}: {error}",
            dir.display()
        ))
    })?;
    check_dir(dir, &meta, my_uid())
}

/// Another user could swap `dir` in a parent anyone may write to, unless the parent
/// is sticky (as /tmp is): then only its owner may rename or remove it.
fn check_parent(dir: &Path) -> Result<(), HolderError> {
    let Some(parent) = dir.parent().filter(|parent| !parent.as_os_str().is_empty()) else {
        return Ok(());
    };
    let Ok(meta) = fs::metadata(parent) else {
        return Ok(());
    };
    if meta.mode() & 0o002 != 0 && meta.mode() & 0o1000 == 0 {
        return Err(refusal(format!(
            "refusing to use the secret agent's folder {}: anyone may rename it in {} (mode {:04o}, not sticky); set XDG_RUNTIME_DIR to a folder of yours (mode 0700)",
            dir.display(),
            parent.display(),
            meta.mode() & 0o7777
        )));
    }
    Ok(())
}

/// Whether `dir` exists, refusing it as [`prepare_dir`] does; never creates it.
pub fn inspect_dir(dir: &Path) -> Result<bool, HolderError> {
    match fs::symlink_metadata(dir) {
        Ok(meta) => check_dir(dir, &meta, my_uid()).map(|()| true),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(refusal(format!(
            "cannot inspect the secret agent's folder {}: {error}",
            dir.display()
        ))),
    }
}

fn check_dir(dir: &Path, meta: &fs::Metadata, me: u32) -> Result<(), HolderError> {
    const ELSEWHERE: &str = "remove it, or set XDG_RUNTIME_DIR to a folder of yours (mode 0700)";
    let problem = if meta.file_type().is_symlink() {
        format!("it is a symbolic link; {ELSEWHERE}")
    } else if !meta.is_dir() {
        format!("it is not a folder; {ELSEWHERE}")
    } else if meta.uid() != me {
        format!(
            "it belongs to user id {}, not to you; {ELSEWHERE}",
            meta.uid()
        )
    } else if meta.mode() & 0o077 != 0 {
        format!(
            "other users can open it (mode {:04o}); run `chmod 700 '{}'`",
            meta.mode() & 0o7777,
            dir.display()
        )
    } else {
        return Ok(());
    };
    Err(refusal(format!(
        "refusing to use the secret agent's folder {}: {problem}",
        dir.display()
    )))
}

/// What is at the socket path of `dir`.
#[derive(Debug, PartialEq, Eq)]
pub enum SocketPath {
    Missing,
    /// A socket of the user's own, live or left behind by an agent that died.
    Socket(PathBuf),
}

/// The socket path of `dir` when it is usable: nothing there yet, or a socket of
/// the user's. A symlink, anything else, or another user's socket is refused.
pub fn socket_path(dir: &Path) -> Result<SocketPath, HolderError> {
    let path = dir.join(SOCKET_NAME);
    if path.as_os_str().len() > MAX_SOCKET_PATH_LEN {
        return Err(refusal(format!(
            "the secret agent's socket path {} is longer than a socket path may be; set XDG_RUNTIME_DIR (or TMPDIR) to a shorter folder",
            path.display()
        )));
    }
    let meta = match fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(SocketPath::Missing),
        Err(error) => {
            return Err(refusal(format!(
                "cannot inspect the secret agent's socket {}: {error}",
                path.display()
            )));
        }
    };
    check_socket(&path, &meta, my_uid())?;
    Ok(SocketPath::Socket(path))
}

fn check_socket(path: &Path, meta: &fs::Metadata, me: u32) -> Result<(), HolderError> {
    let problem = if meta.file_type().is_symlink() {
        "it is a symbolic link".to_owned()
    } else if !meta.file_type().is_socket() {
        "it is not a socket".to_owned()
    } else if meta.uid() != me {
        format!("it belongs to user id {}, not to you", meta.uid())
    } else {
        return Ok(());
    };
    Err(refusal(format!(
        "refusing to use the secret agent's socket {}: {problem}; remove it if you did not make it",
        path.display()
    )))
}

pub fn my_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

fn refusal(detail: String) -> HolderError {
    HolderError::new(Failure::Other, detail)
}

#[cfg(test)]
mod fallback_tests {
    use super::*;

    #[test]
    fn only_random_names_are_taken_from_the_record() {
        assert!(is_temp_name(&format!("grant-{}", "a1".repeat(16))));
        for name in [
            "grant-1000",
            "grant-../../etc",
            "",
            &format!("x-{}", "a".repeat(32)),
        ] {
            assert!(!is_temp_name(name), "{name}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_folder_is_private_and_an_existing_private_one_is_accepted() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("grant");
        prepare_dir(&dir).unwrap();
        let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        prepare_dir(&dir).unwrap();
        assert_eq!(socket_path(&dir).unwrap(), SocketPath::Missing);
    }

    #[test]
    fn open_foreign_or_linked_folders_are_refused_with_one_line() {
        let root = tempfile::tempdir().unwrap();
        let open = root.path().join("open");
        fs::create_dir(&open).unwrap();
        fs::set_permissions(&open, fs::Permissions::from_mode(0o755)).unwrap();
        let detail = prepare_dir(&open).unwrap_err().detail;
        assert!(
            detail.contains("mode 0755") && detail.contains("chmod 700"),
            "{detail}"
        );
        assert!(!detail.contains('\n'));

        let link = root.path().join("link");
        std::os::unix::fs::symlink(&open, &link).unwrap();
        let detail = prepare_dir(&link).unwrap_err().detail;
        assert!(detail.contains("symbolic link"), "{detail}");

        let shared = root.path().join("shared");
        fs::create_dir(&shared).unwrap();
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
        let detail = prepare_dir(&shared.join("grant-1")).unwrap_err().detail;
        assert!(detail.contains("not sticky"), "{detail}");
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
        prepare_dir(&shared.join("grant-1")).unwrap();

        let meta = fs::symlink_metadata(&open).unwrap();
        let detail = check_dir(&open, &meta, my_uid() + 1).unwrap_err().detail;
        assert!(detail.contains("belongs to user id"), "{detail}");
        assert!(detail.contains("set XDG_RUNTIME_DIR"), "{detail}");
    }

    #[test]
    fn only_a_socket_of_ones_own_is_used() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("grant");
        prepare_dir(&dir).unwrap();
        let path = dir.join(SOCKET_NAME);
        fs::write(&path, b"").unwrap();
        let detail = socket_path(&dir).unwrap_err().detail;
        assert!(detail.contains("not a socket"), "{detail}");
        fs::remove_file(&path).unwrap();

        std::os::unix::fs::symlink(root.path().join("elsewhere"), &path).unwrap();
        let detail = socket_path(&dir).unwrap_err().detail;
        assert!(detail.contains("symbolic link"), "{detail}");
        fs::remove_file(&path).unwrap();

        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        assert_eq!(socket_path(&dir).unwrap(), SocketPath::Socket(path.clone()));
        let meta = fs::symlink_metadata(&path).unwrap();
        let detail = check_socket(&path, &meta, my_uid() + 1).unwrap_err().detail;
        assert!(detail.contains("belongs to user id"), "{detail}");
    }

    #[test]
    fn an_overlong_socket_path_is_refused_before_any_system_call() {
        let dir = PathBuf::from(format!("/{}", "d".repeat(120)));
        let detail = socket_path(&dir).unwrap_err().detail;
        assert!(detail.contains("shorter folder"), "{detail}");
    }
}
