//! Profile registries: AWS config shared by a team through a git repository, merged
//! into each member's `~/.aws/config` as one managed block per registry (`block`).
//! A registry is data, never code (`vet`); it reads Granted's `granted.yml`
//! unchanged (`source`); its clone lives in grant's state folder (`git`).
//!
//! The registries a member added are kept in `registries.json` in the state folder,
//! with the values they gave for the registry's templates, what they allowed, and
//! how the last sync went.

pub(crate) mod block;
pub(crate) mod git;
pub(crate) mod merge;
pub(crate) mod source;
pub(crate) mod sync;
pub(crate) mod vet;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::file::{ConfigFile, FileKind, SectionKind};
use crate::lock::Lock;
use crate::{fsutil, paths};
pub use merge::Prefix;
use vet::Allowance;

const LIST_FILE: &str = "registries.json";
const LIST_LIMIT: u64 = 4 * 1024 * 1024;
const LOCK_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// One registry a member added.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Registry {
    pub name: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    #[serde(default)]
    pub prefix: Prefix,
    #[serde(default)]
    pub priority: i64,
    /// The member's answers to the registry's required template values.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(default)]
    pub allowed: Vec<Allowance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced: Option<Synced>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<Failed>,
}

/// The last sync that wrote the registry's block.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Synced {
    pub commit: String,
    /// Seconds since the Unix epoch.
    pub at: u64,
    pub profiles: Vec<String>,
    pub sso_sessions: Vec<String>,
    pub skipped: Vec<String>,
    pub refused: Vec<String>,
}

/// The last sync that failed (the block of the last good one stayed).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Failed {
    pub at: u64,
    pub message: String,
}

impl Registry {
    pub fn layout(&self) -> source::Layout {
        source::Layout {
            path: self.path.clone(),
            filename: self.filename.clone(),
        }
    }

    pub fn clone_dir(&self) -> PathBuf {
        clones_dir().join(&self.name)
    }
}

/// Whether `name` can name a registry: it is part of prefixed profile names, of the
/// block's comment lines and of a folder name.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with(['-', '.'])
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"_-.".contains(&byte))
}

fn registries_dir() -> PathBuf {
    paths::grant_state_dir().join("registries")
}

fn clones_dir() -> PathBuf {
    registries_dir().join("clones")
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The registries of this member, under a lock held while they are edited.
pub struct Registries {
    pub list: Vec<Registry>,
    _lock: Option<Lock>,
}

impl Registries {
    /// The list as it is, for reading (doctor, profiles, list).
    pub fn read() -> anyhow::Result<Vec<Registry>> {
        read_list(&registries_dir().join(LIST_FILE))
    }

    /// The list, locked until dropped, for a command that changes it.
    pub fn edit() -> anyhow::Result<Registries> {
        let dir = registries_dir();
        fsutil::create_private_dir(&dir)?;
        let lock = Lock::acquire_in(&dir, "registries", "grant's registry list", LOCK_TIMEOUT)?;
        Ok(Registries {
            list: read_list(&dir.join(LIST_FILE))?,
            _lock: Some(lock),
        })
    }

    pub fn save(&self) -> anyhow::Result<()> {
        let text = serde_json::to_vec_pretty(&self.list)?;
        fsutil::write_atomic(&registries_dir().join(LIST_FILE), &text, None)?;
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Registry> {
        self.list.iter().find(|registry| registry.name == name)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Registry> {
        self.list.iter_mut().find(|registry| registry.name == name)
    }

    /// Names in the order their claims are settled: higher priority first, then the
    /// order they were added.
    pub fn by_priority(&self) -> Vec<String> {
        let mut ordered: Vec<&Registry> = self.list.iter().collect();
        ordered.sort_by_key(|registry| std::cmp::Reverse(registry.priority));
        ordered
            .iter()
            .map(|registry| registry.name.clone())
            .collect()
    }
}

fn read_list(path: &Path) -> anyhow::Result<Vec<Registry>> {
    match fsutil::read_own_file(path, LIST_LIMIT) {
        Ok(Some(bytes)) => serde_json::from_slice(&bytes).map_err(|error| {
            anyhow::anyhow!(
                "{} is damaged ({error}); remove it and add the registries again",
                path.display()
            )
        }),
        Ok(None) => Ok(Vec::new()),
        Err(error) => Err(anyhow::anyhow!("cannot read {}: {error}", path.display())),
    }
}

/// Brings the clone of `registry` to the commit to merge: cloned on first use,
/// fetched after, fast-forward only unless `allow_rewrite`.
pub fn update_clone(registry: &Registry, allow_rewrite: bool) -> Result<String, git::GitError> {
    // What git writes in grant's state folder is the member's alone.
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let dir = registry.clone_dir();
    if !dir.join(".git").is_dir() {
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(error) = fsutil::create_private_dir(&clones_dir()) {
            return Err(git::GitError::Failed {
                action: "clone".into(),
                message: error.to_string(),
            });
        }
        git::clone(&registry.url, &dir)?;
    }
    let new = git::fetch(&dir, registry.reference.as_deref())?;
    if let Some(old) = git::current(&dir)
        && old != new
        && !allow_rewrite
        && !git::follows(&dir, &old, &new)?
    {
        return Err(git::GitError::Rewritten {
            registry: registry.name.clone(),
            old: short(&old).to_owned(),
            new: short(&new).to_owned(),
        });
    }
    git::checkout(&dir, &new)?;
    Ok(new)
}

/// `3 min`, `2 h`, `4 days`.
pub fn age(seconds: u64) -> String {
    match seconds {
        0..120 => format!("{seconds} s"),
        120..7200 => format!("{} min", seconds / 60),
        7200..172_800 => format!("{} h", seconds / 3600),
        _ => format!("{} days", seconds / 86_400),
    }
}

pub fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// A section of the config, and the registry whose block holds it (`None`: the
/// user's own).
pub type SectionOwner = ((SectionKind, String), Option<String>);

/// The sections of the config `text` and who owns each.
pub fn owners(path: &Path, text: &str) -> anyhow::Result<Vec<SectionOwner>> {
    let blocks =
        block::find_blocks(text).map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
    let file = ConfigFile::parse(path, FileKind::Config, text.to_owned())?;
    Ok(file
        .sections()
        .map(|section| {
            let owner = block::registry_at(&blocks, section.origin().line).map(str::to_owned);
            ((section.kind(), section.name().to_owned()), owner)
        })
        .collect())
}

/// The sections a registry being written must leave alone: the user's own, and
/// those of every registry in `keep`.
pub fn taken_by(owners: &[SectionOwner], keep: &HashSet<String>) -> HashSet<(SectionKind, String)> {
    owners
        .iter()
        .filter(|(_, owner)| owner.as_ref().is_none_or(|name| keep.contains(name)))
        .map(|(section, _)| section.clone())
        .collect()
}

/// Edits the AWS config at `path` under the lock every edit of it takes: `edit`
/// gets the text (empty for a missing file) and returns the new text, which is
/// written atomically (through a symlink, keeping the mode) only when it changed.
pub fn edit_config(
    path: &Path,
    edit: impl FnOnce(&str) -> anyhow::Result<String>,
) -> anyhow::Result<()> {
    let _lock = Lock::acquire(
        &format!("populate:{}", path.display()),
        &format!("the AWS config file {}", path.display()),
        LOCK_TIMEOUT,
    )?;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            return Err(
                anyhow::Error::new(error).context(format!("cannot read {}", path.display()))
            );
        }
    };
    let edited = edit(&text)?;
    if edited == text {
        return Ok(());
    }
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    fsutil::write_through_symlink(path, edited.as_bytes(), None)
        .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
    Ok(())
}
