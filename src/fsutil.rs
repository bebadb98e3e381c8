//! File writes that never leave a half-written file: temp file in the same folder,
//! fsync, rename. Folders grant creates are 0700, files 0600 unless told otherwise.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};

/// Creates `dir` and its missing parents with mode 0700.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)
}

/// Replaces `path` with `contents` atomically. The file gets `mode` (0600 when `None`).
pub fn write_atomic(path: &Path, contents: &[u8], mode: Option<u32>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    create_private_dir(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".grant-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    #[cfg(unix)]
    temp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode.unwrap_or(0o600)))?;
    #[cfg(not(unix))]
    let _ = mode;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// The permission bits of an existing file, for edits that must keep them.
pub fn file_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        fs::metadata(path)
            .ok()
            .map(|meta| meta.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// A summary of the identity of `paths` (device, inode, size, modification time in
/// ns; or absence) and of `inputs`: equal summaries mean the files are as they were.
/// Replacing a file (a new inode) or writing to it (a new mtime) changes it.
pub fn files_identity(paths: &[&Path], inputs: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut text = String::from(inputs);
    for path in paths {
        text.push('|');
        match fs::metadata(path) {
            Ok(meta) => text.push_str(&file_identity(&meta)),
            Err(_) => text.push('-'),
        }
    }
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(unix)]
fn file_identity(meta: &fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    format!(
        "{}:{}:{}:{}.{}",
        meta.dev(),
        meta.ino(),
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec()
    )
}

#[cfg(not(unix))]
fn file_identity(meta: &fs::Metadata) -> String {
    format!("{}:{:?}", meta.len(), meta.modified().ok())
}

/// Options that create a file readable by its owner only (0600), like every file
/// grant makes; set create/write/... on them as usual.
pub fn private_file_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_creates_private_file_and_folder() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("a/b/file.txt");
        write_atomic(&path, b"one", None).unwrap();
        write_atomic(&path, b"two", None).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(file_mode(&path), Some(0o600));
        let dir_mode = fs::metadata(root.path().join("a/b"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        let leftovers: Vec<_> = fs::read_dir(root.path().join("a/b")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }

    #[test]
    fn atomic_write_keeps_a_given_mode() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("config");
        write_atomic(&path, b"x", Some(0o644)).unwrap();
        assert_eq!(file_mode(&path), Some(0o644));
    }
}
