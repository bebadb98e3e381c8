//! The one way grant edits the AWS config and credentials files: every command that
//! changes `~/.aws/config` or `~/.aws/credentials` goes through [`Edit`], so that
//! every edit of one file takes the same lock (keyed by the file's real path, so a
//! symlink and its target, or the two kinds of file pointed at one path, take turns),
//! reads the file fresh under it, changes it through the byte-preserving
//! [`Document`], and writes it atomically, only when the text changed. A file kept
//! in a dotfiles repository is a symlink: the link stays, its target is replaced
//! (keeping the target's mode; 0600 for a new file).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::document::Document;
use super::{ConfigError, FileKind};
use crate::fsutil;
use crate::lock::{Lock, LockError};

/// How long an edit waits for another one of the same file (a populate of a large
/// organisation holds it while it merges).
const EDIT_LOCK_TIMEOUT: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the backup {}: {source}", path.display())]
    Backup {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// An edit of one AWS file: `Edit::new(path, FileKind::Config).with_backup().apply(…)`.
#[derive(Debug, Clone)]
pub struct Edit<'a> {
    path: &'a Path,
    kind: FileKind,
    backup: bool,
}

/// What an edit did: the change's own answer, and whether the file was written.
#[derive(Debug)]
pub struct Edited<T> {
    pub value: T,
    pub written: bool,
}

/// The text before and after a change that was not written (`--dry-run`).
#[derive(Debug)]
pub struct Preview {
    pub before: String,
    pub after: String,
}

impl<'a> Edit<'a> {
    pub fn new(path: &'a Path, kind: FileKind) -> Self {
        Edit {
            path,
            kind,
            backup: false,
        }
    }

    /// Leaves the previous text (when the file existed) in [`backup_path`].
    #[must_use]
    pub fn with_backup(mut self) -> Self {
        self.backup = true;
        self
    }

    /// Under the file's lock: reads it (empty when missing), lets `change` edit the
    /// document, and writes it when the text changed. An error of `change` writes
    /// nothing.
    pub fn apply<T, E>(
        &self,
        change: impl FnOnce(&mut Document) -> Result<T, E>,
    ) -> Result<Edited<T>, E>
    where
        E: From<EditError>,
    {
        let _lock = self.lock()?;
        let before = self.read()?;
        let mut document = self.parse(before.as_deref().unwrap_or(""))?;
        let value = change(&mut document)?;
        let after = document.render();
        if after == before.as_deref().unwrap_or("") {
            return Ok(Edited {
                value,
                written: false,
            });
        }
        self.write(before.as_deref(), &after)?;
        Ok(Edited {
            value,
            written: true,
        })
    }

    /// Like [`Edit::apply`] for a change on the text itself (managed blocks written
    /// as text): `change` gets the text (empty for a missing file) and returns the
    /// new text.
    pub fn apply_text<E>(&self, change: impl FnOnce(&str) -> Result<String, E>) -> Result<bool, E>
    where
        E: From<EditError>,
    {
        let _lock = self.lock()?;
        let before = self.read()?;
        let after = change(before.as_deref().unwrap_or(""))?;
        if after == before.as_deref().unwrap_or("") {
            return Ok(false);
        }
        self.write(before.as_deref(), &after)?;
        Ok(true)
    }

    /// The change `apply` would make, without the lock and without writing.
    pub fn preview<T, E>(
        &self,
        change: impl FnOnce(&mut Document) -> Result<T, E>,
    ) -> Result<Preview, E>
    where
        E: From<EditError>,
    {
        let before = self.read()?.unwrap_or_default();
        let mut document = self.parse(&before)?;
        change(&mut document)?;
        let after = document.render();
        Ok(Preview { before, after })
    }

    fn lock(&self) -> Result<Lock, EditError> {
        let what = match self.kind {
            FileKind::Config => "the AWS config file",
            FileKind::Credentials => "the AWS credentials file",
        };
        let real = fsutil::real_path(self.path);
        Ok(Lock::acquire(
            &format!("aws-file:{}", real.display()),
            &format!("{what} {}", self.path.display()),
            EDIT_LOCK_TIMEOUT,
        )?)
    }

    fn read(&self) -> Result<Option<String>, EditError> {
        match std::fs::read_to_string(self.path) {
            Ok(text) => Ok(Some(text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ConfigError::Read {
                path: self.path.to_path_buf(),
                source,
            }
            .into()),
        }
    }

    fn parse(&self, text: &str) -> Result<Document, EditError> {
        Ok(match self.kind {
            FileKind::Config => Document::parse(self.path, text)?,
            FileKind::Credentials => Document::parse_credentials(self.path, text)?,
        })
    }

    fn write(&self, before: Option<&str>, after: &str) -> Result<(), EditError> {
        if let (true, Some(text)) = (self.backup, before) {
            let backup = backup_path(self.path);
            let mode = fsutil::file_mode(self.path).unwrap_or(0o600);
            fsutil::write_atomic(&backup, text.as_bytes(), Some(mode)).map_err(|source| {
                EditError::Backup {
                    path: backup.clone(),
                    source,
                }
            })?;
        }
        fsutil::write_through_symlink(self.path, after.as_bytes(), None).map_err(|source| {
            EditError::Write {
                path: self.path.to_path_buf(),
                source,
            }
        })?;
        Ok(())
    }
}

/// Where an edit with a backup leaves the previous text: `config.grant-backup`.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".grant-backup");
    path.with_file_name(name)
}
