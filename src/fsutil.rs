//! File writes that never leave a half-written file: temp file in the same folder,
//! fsync, rename. Folders grant creates are 0700, files 0600 unless told otherwise.
//!
//! Inside its own folders grant never follows a symbolic link: its files are opened
//! with `O_NOFOLLOW` (and `O_NONBLOCK`, so a FIFO planted there cannot block it), reads
//! are capped, and an atomic write renames over whatever is at the path. A folder of
//! grant's that another user could write to is refused ([`check_trusted_dir`]).
//! The user's own files (`~/.aws/config`, the settings file) are written through a
//! symlink instead, as dotfiles managers expect ([`write_through_symlink`]).

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
/// grant makes; set create/write/... on them as usual. They never follow a symlink at
/// the path (the open fails) and never wait for the other end of a FIFO.
pub fn private_file_options() -> std::fs::OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options
}

/// Removes whatever is at `path` unless it is a plain file: a symlink or FIFO planted
/// where grant keeps a file that holds nothing (a lock, fish's clock).
pub fn remove_unless_plain_file(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if !meta.is_file() => {
            crate::debug!("replacing {}: not a plain file", path.display());
            fs::remove_file(path)
        }
        _ => Ok(()),
    }
}

/// The bytes of grant's own file at `path`, `None` when there is none. A symlink, a
/// FIFO, a device or a file over `limit` bytes is `InvalidData` (a damaged file, for
/// the caller to ignore or replace), found without blocking or reading it whole.
pub fn read_own_file(path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = match private_file_options().read(true).open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) if is_symlink_refusal(&error) => return Err(damaged("a symbolic link")),
        Err(error) => return Err(error),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(damaged("not a regular file"));
    }
    if meta.len() > limit {
        return Err(damaged("larger than any file grant writes"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(damaged("larger than any file grant writes"));
    }
    Ok(Some(bytes))
}

fn damaged(reason: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reason)
}

/// `O_NOFOLLOW` refused a symlink: `ELOOP` (`EMLINK` on FreeBSD, `EFTYPE` elsewhere).
fn is_symlink_refusal(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP) || error.raw_os_error() == Some(libc::EMLINK)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// Replaces the user's file at `path` atomically, with `mode`, or keeping its mode
/// when `None` (0600 for a new file). When `path` is a symlink the link stays and its target is replaced, in the
/// target's folder, as a dotfiles manager expects. Returns the file written.
pub fn write_through_symlink(
    path: &Path,
    contents: &[u8],
    mode: Option<u32>,
) -> io::Result<std::path::PathBuf> {
    let is_symlink = fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    let target = if is_symlink {
        resolve_link(path)?
    } else {
        path.to_path_buf()
    };
    let mode = mode.or_else(|| file_mode(&target)).unwrap_or(0o600);
    write_atomic(&target, contents, Some(mode))?;
    Ok(target)
}

/// The file `path` really is, for naming it in a lock: symlinks followed (a dangling
/// one to the file it names) and the folder made absolute. As is when unresolvable.
pub fn real_path(path: &Path) -> std::path::PathBuf {
    let target = resolve_link(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(real) = fs::canonicalize(&target) {
        return real;
    }
    match (target.parent(), target.file_name()) {
        (Some(folder), Some(name)) => fs::canonicalize(folder)
            .map(|folder| folder.join(name))
            .unwrap_or(target),
        _ => target,
    }
}

/// Where the symlink `path` leads; a dangling link leads to the file it names.
fn resolve_link(path: &Path) -> io::Result<std::path::PathBuf> {
    if let Ok(target) = fs::canonicalize(path) {
        return Ok(target);
    }
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        let link = fs::read_link(&target)?;
        target = match target.parent() {
            Some(parent) => parent.join(link),
            None => link,
        };
        if !fs::symlink_metadata(&target).is_ok_and(|meta| meta.file_type().is_symlink()) {
            return Ok(target);
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Why a folder of grant's must not be used: someone else could plant or swap files
/// in it. One actionable line.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum UntrustedDir {
    #[error(
        "refusing to use {}: it belongs to user id {owner}, not to you (user id {me}); run `chown $(id -u) '{}'` or point grant at your own folder", .dir.display(), .dir.display()
    )]
    OtherOwner {
        dir: std::path::PathBuf,
        owner: u32,
        me: u32,
    },
    #[error(
        "refusing to use {}: other users can write to it (mode {mode:04o}); run `chmod go-w '{}'`", .dir.display(), .dir.display()
    )]
    WritableByOthers { dir: std::path::PathBuf, mode: u32 },
}

/// The trust decision for a folder owned by `owner` with permission bits `mode`, for
/// the user `me`.
#[cfg(unix)]
pub fn dir_trust(dir: &Path, owner: u32, mode: u32, me: u32) -> Result<(), UntrustedDir> {
    if owner != me {
        return Err(UntrustedDir::OtherOwner {
            dir: dir.to_path_buf(),
            owner,
            me,
        });
    }
    if mode & 0o022 != 0 {
        return Err(UntrustedDir::WritableByOthers {
            dir: dir.to_path_buf(),
            mode: mode & 0o7777,
        });
    }
    Ok(())
}

/// Refuses `dir` when another user owns it or may write to it; a missing folder is
/// fine (grant creates it 0700). One `stat`, once per folder and process.
pub fn check_trusted_dir(dir: &Path) -> Result<(), UntrustedDir> {
    #[cfg(unix)]
    {
        use std::collections::HashSet;
        use std::os::unix::fs::MetadataExt;
        use std::sync::{Mutex, PoisonError};
        static TRUSTED: Mutex<Option<HashSet<std::path::PathBuf>>> = Mutex::new(None);
        let mut trusted = TRUSTED.lock().unwrap_or_else(PoisonError::into_inner);
        let trusted = trusted.get_or_insert_with(HashSet::new);
        if trusted.contains(dir) {
            return Ok(());
        }
        let Ok(meta) = fs::metadata(dir) else {
            return Ok(());
        };
        let me = rustix::process::geteuid().as_raw();
        dir_trust(dir, meta.uid(), meta.mode(), me)?;
        trusted.insert(dir.to_path_buf());
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
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
        #[cfg(unix)]
        {
            assert_eq!(file_mode(&path), Some(0o600));
            let dir_mode = fs::metadata(root.path().join("a/b"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(dir_mode & 0o777, 0o700);
        }
        let leftovers: Vec<_> = fs::read_dir(root.path().join("a/b")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_a_given_mode() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("config");
        write_atomic(&path, b"x", Some(0o644)).unwrap();
        assert_eq!(file_mode(&path), Some(0o644));
    }

    #[cfg(unix)]
    #[test]
    fn folders_of_another_user_or_writable_by_others_are_refused() {
        let dir = Path::new("/state/grant");
        assert_eq!(dir_trust(dir, 501, 0o40700, 501), Ok(()));
        assert_eq!(dir_trust(dir, 501, 0o40755, 501), Ok(()));
        let other = dir_trust(dir, 0, 0o40700, 501).unwrap_err();
        assert!(matches!(
            other,
            UntrustedDir::OtherOwner {
                owner: 0,
                me: 501,
                ..
            }
        ));
        assert!(other.to_string().contains("chown"), "{other}");
        for mode in [0o40720, 0o40702, 0o41777] {
            let error = dir_trust(dir, 501, mode, 501).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("run `chmod go-w '/state/grant'`"),
                "{error}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn own_files_are_never_followed_blocked_on_or_read_whole() {
        let root = tempfile::tempdir().unwrap();
        let outside = root.path().join("outside");
        fs::write(&outside, b"outside").unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let big = root.path().join("big");
        fs::write(&big, vec![b'x'; 2048]).unwrap();
        let fifo = root.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        for path in [&link, &big, &fifo] {
            let error = read_own_file(path, 1024).unwrap_err();
            assert_eq!(
                error.kind(),
                io::ErrorKind::InvalidData,
                "{}",
                path.display()
            );
        }
        assert_eq!(
            read_own_file(&root.path().join("none"), 1024).unwrap(),
            None
        );
        assert_eq!(read_own_file(&outside, 1024).unwrap().unwrap(), b"outside");
        let appended = private_file_options().append(true).create(true).open(&link);
        assert!(appended.is_err(), "a symlink is not written through");
        write_atomic(&link, b"new", None).unwrap();
        assert_eq!(fs::read(&outside).unwrap(), b"outside");
        assert!(
            !fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[cfg(unix)]
    #[test]
    fn user_files_are_written_through_a_symlink_keeping_the_mode() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("dotfiles")).unwrap();
        let target = root.path().join("dotfiles/aws-config");
        fs::write(&target, b"old").unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        let link = root.path().join("config");
        std::os::unix::fs::symlink("dotfiles/aws-config", &link).unwrap();
        let written = write_through_symlink(&link, b"new", None).unwrap();
        assert_eq!(written, fs::canonicalize(&target).unwrap());
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(file_mode(&target), Some(0o640));
        let dangling = root.path().join("dangling");
        std::os::unix::fs::symlink("dotfiles/new-file", &dangling).unwrap();
        write_through_symlink(&dangling, b"made", None).unwrap();
        assert_eq!(
            fs::read(root.path().join("dotfiles/new-file")).unwrap(),
            b"made"
        );
        assert_eq!(
            fs::read_dir(root.path().join("dotfiles")).unwrap().count(),
            2
        );
    }
}
