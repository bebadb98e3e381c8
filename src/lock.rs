//! The one lock type of grant: cross-process locks in the state folder, for
//! credentials (many processes started at once make one upstream request), tokens,
//! the creation of the secret store's data key and edits of the AWS config. The
//! kernel releases a lock when its holder dies, so a crashed process never blocks
//! anyone, and a slow holder (a keychain prompt left open) is never taken for a dead
//! one.
//!
//! The holder writes its pid into the lock file. A process that finds the lock
//! held by one of its own ancestors would wait for itself (a `credential_process`
//! that runs grant for the request its caller is fetching), so it fails at once.

use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::fsutil;
use crate::paths;

/// Waits of 25 ms between two looks at who holds the lock.
const HOLDER_CHECK_EVERY: u32 = 20;

pub struct Lock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another grant process has held the lock for {what} for {} s; try again, or look for a stuck process", .waited.as_secs())]
    TimedOut { what: String, waited: Duration },
    #[error(transparent)]
    Untrusted(#[from] fsutil::UntrustedDir),
    /// The holder is this process or one that started it: waiting would never end.
    #[error(
        "the lock for {what} is held by process {pid} ({command}), which started this one: a loop"
    )]
    HeldByAncestor {
        what: String,
        pid: u32,
        command: String,
    },
    #[error("cannot use the lock file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn lock_path(state_dir: &Path, name: &str) -> PathBuf {
    let digest = hex::encode(Sha256::digest(name.as_bytes()));
    state_dir
        .join("locks")
        .join(format!("{}.lock", &digest[..24]))
}

impl Lock {
    /// Waits up to `timeout` for the lock called `name` (any string; it is hashed)
    /// in grant's state folder; `what` names it in messages.
    pub fn acquire(name: &str, what: &str, timeout: Duration) -> Result<Lock, LockError> {
        Lock::acquire_in(&paths::grant_state_dir(), name, what, timeout)
    }

    /// The same, in the state folder `state_dir` (a secret store's own).
    pub fn acquire_in(
        state_dir: &Path,
        name: &str,
        what: &str,
        timeout: Duration,
    ) -> Result<Lock, LockError> {
        let path = lock_path(state_dir, name);
        let io_error = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        fsutil::check_trusted_dir(state_dir)?;
        if let Some(dir) = path.parent() {
            fsutil::check_trusted_dir(dir)?;
            fsutil::create_private_dir(dir).map_err(io_error)?;
        }
        fsutil::remove_unless_plain_file(&path).map_err(io_error)?;
        let file = fsutil::private_file_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error)?;
        let started = Instant::now();
        let mut announced = false;
        let mut waits: u32 = 0;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    record_holder(&file);
                    if announced {
                        crate::debug!(
                            "lock for {what}: acquired after {} ms",
                            started.elapsed().as_millis()
                        );
                    }
                    return Ok(Lock { _file: file });
                }
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(error)) => return Err(io_error(error)),
            }
            // Now and then, not only once: a new holder writes its pid just after
            // it takes the lock.
            if waits.is_multiple_of(HOLDER_CHECK_EVERY)
                && let Some(pid) = holder(&path).filter(|pid| is_ancestor(*pid))
            {
                return Err(LockError::HeldByAncestor {
                    what: what.to_owned(),
                    pid,
                    command: command_line(pid),
                });
            }
            waits += 1;
            if !announced {
                crate::debug!("lock for {what}: held by another process, waiting");
                announced = true;
            }
            if started.elapsed() >= timeout {
                return Err(LockError::TimedOut {
                    what: what.to_owned(),
                    waited: timeout,
                });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

/// Best effort: a waiter that finds no pid just waits, as before.
fn record_holder(file: &File) {
    let mut file = file;
    let written = file
        .set_len(0)
        .and_then(|()| file.write_all(std::process::id().to_string().as_bytes()));
    if let Err(error) = written {
        crate::debug!("cannot write the holder's pid into the lock file: {error}");
    }
}

/// The pid the holder of the lock at `path` wrote, if any (read like every file of
/// grant's folders: no symlink followed, a few bytes at most).
fn holder(path: &Path) -> Option<u32> {
    let bytes = fsutil::read_own_file(path, 32).ok()??;
    std::str::from_utf8(&bytes).ok()?.trim().parse().ok()
}

/// Whether `pid` is one of this process's ancestors. This process itself is not:
/// a holder with our pid is another of our threads (serve's requests, the tests'
/// racing writers), which will let go.
fn is_ancestor(pid: u32) -> bool {
    ancestors(std::process::id())[1..].contains(&pid)
}

/// `pid` and its ancestors up to the first process, from `/proc/PID/stat`.
#[cfg(target_os = "linux")]
fn ancestors(pid: u32) -> Vec<u32> {
    let mut chain = vec![pid];
    let mut current = pid;
    // A bound in case /proc changes under us; real trees are far shallower.
    while chain.len() < 1024 {
        let Some(parent) = std::fs::read_to_string(format!("/proc/{current}/stat"))
            .ok()
            .and_then(|stat| parent_in_stat(&stat))
        else {
            break;
        };
        if parent == 0 || chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain
}

/// Elsewhere (macOS has no /proc) only the process itself is known; a loop there
/// waits out the lock timeout and reports it then.
#[cfg(not(target_os = "linux"))]
fn ancestors(pid: u32) -> Vec<u32> {
    vec![pid]
}

/// The ppid field of a `/proc/PID/stat` line. The command name before it is in
/// parentheses and may itself hold spaces and parentheses, so fields are counted
/// from the last `)`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parent_in_stat(stat: &str) -> Option<u32> {
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// The holder's command line for the message, or `?` when it cannot be read.
fn command_line(pid: u32) -> String {
    let Ok(bytes) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return "?".to_owned();
    };
    let words: Vec<String> = bytes
        .split(|byte| *byte == 0)
        .filter(|word| !word.is_empty())
        .map(|word| crate::shell::shell_word(&String::from_utf8_lossy(word)))
        .collect();
    if words.is_empty() {
        "?".to_owned()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parent_pid_is_read_past_a_command_name_with_spaces_and_parentheses() {
        let stat = "4242 (sh -c (x) y) S 4100 4242 4100 0 -1 4194560 95 0 0 0";
        assert_eq!(parent_in_stat(stat), Some(4100));
        assert_eq!(parent_in_stat("garbage"), None);
        assert_eq!(parent_in_stat("1 (init) S"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_ancestor_walk_finds_the_parent_and_not_a_child() {
        assert!(!is_ancestor(std::process::id()));
        assert!(is_ancestor(std::os::unix::process::parent_id()));
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let child_pid = child.id();
        let child_is_ancestor = is_ancestor(child_pid);
        let childs_ancestors = ancestors(child_pid);
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!child_is_ancestor, "a child is not an ancestor");
        assert!(
            childs_ancestors.contains(&std::process::id())
                && childs_ancestors.contains(&std::os::unix::process::parent_id()),
            "the child's walk goes up through this process: {childs_ancestors:?}"
        );
    }
}
