//! Cross-process locks in the state folder, so that many processes started at once
//! (make -j, terraform) make one upstream request. The kernel releases a lock when
//! its holder dies, so a crashed process never blocks anyone.

use std::fs::{File, TryLockError};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::fsutil;
use crate::paths;

pub struct Lock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another grant process has held the lock for {what} for {} s; try again, or look for a stuck process", .waited.as_secs())]
    TimedOut { what: String, waited: Duration },
    #[error(transparent)]
    Untrusted(#[from] fsutil::UntrustedDir),
    #[error("cannot use the lock file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn lock_path(name: &str) -> PathBuf {
    let digest = hex::encode(Sha256::digest(name.as_bytes()));
    paths::grant_state_dir()
        .join("locks")
        .join(format!("{}.lock", &digest[..24]))
}

impl Lock {
    /// Waits up to `timeout` for the lock called `name` (any string; it is hashed).
    pub fn acquire(name: &str, what: &str, timeout: Duration) -> Result<Lock, LockError> {
        let path = lock_path(name);
        let io_error = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        fsutil::check_trusted_dir(&paths::grant_state_dir())?;
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
        loop {
            match file.try_lock() {
                Ok(()) => {
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
