//! The folders of entry files: `<state>/secrets/<backend>/<stem>.secret`, one folder per
//! key holder so that stores sealed with different data keys (a desktop session on the
//! Secret Service, a cron job on the kernel keyring) never clobber each other.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::fsutil::write_atomic;

const EXTENSION: &str = "secret";
/// No entry comes near this (tokens and credentials are a few KiB).
const MAX_ENTRY_FILE_LEN: u64 = 1 << 20;

pub struct EntryDir {
    path: PathBuf,
}

impl EntryDir {
    pub fn new(path: PathBuf) -> Self {
        EntryDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file(&self, stem: &str) -> PathBuf {
        self.path.join(format!("{stem}.{EXTENSION}"))
    }

    /// The file's bytes, `None` when it does not exist or is damaged: a symlink, a
    /// FIFO, a device or an oversized file is never followed, waited on or read whole,
    /// and the next write replaces it.
    pub fn read(&self, stem: &str) -> io::Result<Option<Vec<u8>>> {
        let path = self.file(stem);
        match crate::fsutil::read_own_file(&path, MAX_ENTRY_FILE_LEN) {
            Err(error) if error.kind() == io::ErrorKind::InvalidData => {
                crate::debug!(
                    "secret file {}: {error}; treating it as damaged",
                    path.display()
                );
                Ok(None)
            }
            result => result,
        }
    }

    pub fn write(&self, stem: &str, bytes: &[u8]) -> io::Result<()> {
        write_atomic(&self.file(stem), bytes, None)
    }

    /// Whether there was a file to remove.
    pub fn remove(&self, stem: &str) -> io::Result<bool> {
        remove_if_present(&self.file(stem))
    }

    /// The stems of every entry file; none when the folder does not exist.
    pub fn stems(&self) -> io::Result<Vec<String>> {
        let entries = match fs::read_dir(&self.path) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(error),
        };
        let mut stems = Vec::new();
        for entry in entries {
            let name = entry?.file_name();
            let stem = name
                .to_str()
                .and_then(|name| name.strip_suffix(EXTENSION)?.strip_suffix('.'));
            if let Some(stem) = stem.filter(|stem| is_stem(stem)) {
                stems.push(stem.to_owned());
            }
        }
        Ok(stems)
    }

    /// Removes every entry file; returns how many there were.
    pub fn remove_all(&self) -> io::Result<usize> {
        let mut removed = 0;
        for stem in self.stems()? {
            removed += usize::from(self.remove(&stem)?);
        }
        Ok(removed)
    }
}

fn is_stem(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|byte| byte.is_ascii_hexdigit())
}

pub fn remove_if_present(path: &Path) -> io::Result<bool> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

/// The entry folders under `root`, one per key holder that ever stored something.
pub fn holder_dirs(root: &Path) -> io::Result<Vec<EntryDir>> {
    let entries = match fs::read_dir(root) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            dirs.push(EntryDir::new(entry.path()));
        }
    }
    Ok(dirs)
}
