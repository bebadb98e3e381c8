//! The profile picker of `assume`: each profile with its account id, account name
//! and role, so that typing any of them finds it, the profiles used most recently
//! and most often first.
//!
//! Uses are kept in `picker-uses.json` in grant's state folder (0600, written
//! atomically). Profile names are not secret: they are plaintext in ~/.aws/config.
//! A damaged file is ignored and replaced at the next use.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::AwsFiles;
use crate::generated_profiles::ACCOUNT_NAME_KEY;
use crate::lock::Lock;
use crate::term_text::shown;
use crate::{fsutil, paths};

const USES_FILE: &str = "picker-uses.json";
/// Far more than the uses file of any real set of profiles.
const USES_LIMIT: u64 = 4 << 20;
/// Profiles remembered; the least used go first.
const REMEMBERED: usize = 1000;
/// How long a count waits for another; it takes a read and a write.
const USES_LOCK_WAIT: Duration = Duration::from_secs(2);
const HOUR_MS: u64 = 3_600_000;

/// One line of the picker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub role: Option<String>,
}

/// Every profile of the AWS files with what it says about its account and role.
pub fn entries(files: &AwsFiles) -> Vec<Entry> {
    files
        .profile_names()
        .into_iter()
        .map(|name| entry(files, name))
        .collect()
}

fn entry(files: &AwsFiles, name: &str) -> Entry {
    let mut entry = Entry {
        name: name.to_owned(),
        ..Entry::default()
    };
    let Ok(Some(values)) = files.profile(name) else {
        return entry;
    };
    let first = |keys: &[&str]| {
        keys.iter()
            .find_map(|key| values.get(key))
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    };
    entry.account_id = first(&["granted_sso_account_id", "sso_account_id"]);
    entry.role = first(&["granted_sso_role_name", "sso_role_name"]);
    entry.account_name = first(&[ACCOUNT_NAME_KEY]);
    if let Some((account_id, role)) = values.get("role_arn").and_then(role_arn_parts) {
        entry.account_id.get_or_insert(account_id);
        entry.role.get_or_insert(role);
    }
    entry
}

/// The account id and role name of `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
fn role_arn_parts(arn: &str) -> Option<(String, String)> {
    let mut parts = arn.splitn(6, ':');
    let (_, _, _, _, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let role = resource.strip_prefix("role/")?.rsplit('/').next()?;
    Some((account.to_owned(), role.to_owned()))
}

/// The picker's lines, in columns, every value escaped for the terminal.
pub fn lines(entries: &[Entry]) -> Vec<String> {
    let columns: Vec<[String; 4]> = entries
        .iter()
        .map(|entry| {
            let show = |value: &Option<String>| shown(value.as_deref().unwrap_or("")).into_owned();
            [
                shown(&entry.name).into_owned(),
                show(&entry.account_id),
                show(&entry.account_name),
                show(&entry.role),
            ]
        })
        .collect();
    let width = |column: usize| {
        columns
            .iter()
            .map(|row| row[column].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2)];
    columns
        .iter()
        .map(|[name, id, account, role]| {
            let line = format!(
                "{name:w0$}  {id:w1$}  {account:w2$}  {role}",
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2]
            );
            line.trim_end().to_owned()
        })
        .collect()
}

/// How often and when (milliseconds since the epoch) each profile was last used.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Uses {
    profiles: HashMap<String, Use>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Use {
    count: u32,
    last: u64,
}

impl Use {
    /// Frecency: the count, weighted by how long ago the last use was.
    fn score(self, now: u64) -> u64 {
        let age = now.saturating_sub(self.last);
        let weight = match age {
            a if a < HOUR_MS => 16,
            a if a < 24 * HOUR_MS => 8,
            a if a < 7 * 24 * HOUR_MS => 4,
            a if a < 30 * 24 * HOUR_MS => 2,
            _ => 1,
        };
        u64::from(self.count) * weight
    }
}

impl Uses {
    /// The saved uses; none when there is no file or it is damaged.
    pub fn load() -> Self {
        let path = uses_path();
        let bytes = match fsutil::read_own_file(&path, USES_LIMIT) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Uses::default(),
            Err(error) => {
                crate::debug!("ignoring {}: {error}", path.display());
                return Uses::default();
            }
        };
        serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            crate::debug!("ignoring {}: {error}", path.display());
            Uses::default()
        })
    }

    /// `entries` with the most frecent first, then the others as they were.
    pub fn order(&self, entries: &mut [Entry], now: u64) {
        entries.sort_by_cached_key(|entry| {
            let used = self.profiles.get(&entry.name).copied();
            let score = used.map_or(0, |used| used.score(now));
            let last = used.map_or(0, |used| used.last);
            std::cmp::Reverse((score, last))
        });
    }

    fn record(&mut self, name: &str, now: u64) {
        let used = self
            .profiles
            .entry(name.to_owned())
            .or_insert(Use { count: 0, last: 0 });
        used.count = used.count.saturating_add(1);
        used.last = now;
        if self.profiles.len() > REMEMBERED {
            let mut scores: Vec<(u64, String)> = self
                .profiles
                .iter()
                .map(|(name, used)| (used.score(now), name.clone()))
                .collect();
            scores.sort();
            for (_, name) in scores.iter().take(self.profiles.len() - REMEMBERED) {
                self.profiles.remove(name);
            }
        }
    }
}

/// Counts a use of profile `name`. Failing to keep it never fails the caller.
/// Reading, counting and writing hold a lock: `assume`s run at once (a terminal
/// multiplexer restoring its panes) would otherwise each write over the others.
pub fn record_use(name: &str) {
    let _lock = match Lock::acquire(USES_FILE, "the profile uses", USES_LOCK_WAIT) {
        Ok(lock) => lock,
        Err(error) => {
            crate::debug!("not counting this use of {name}: {error}");
            return;
        }
    };
    let mut uses = Uses::load();
    uses.record(name, now_ms());
    let path = uses_path();
    let saved = serde_json::to_vec(&uses)
        .map_err(std::io::Error::other)
        .and_then(|json| {
            fsutil::check_trusted_dir(&paths::grant_state_dir()).map_err(std::io::Error::other)?;
            fsutil::write_atomic(&path, &json, None)
        });
    if let Err(error) = saved {
        crate::debug!(
            "cannot keep the use of a profile in {}: {error}",
            path.display()
        );
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}

fn uses_path() -> PathBuf {
    paths::grant_state_dir().join(USES_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> Entry {
        Entry {
            name: name.into(),
            ..Entry::default()
        }
    }

    fn names(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|entry| entry.name.as_str()).collect()
    }

    #[test]
    fn recent_and_frequent_profiles_come_first() {
        let now = 100 * 24 * HOUR_MS;
        let mut uses = Uses::default();
        for _ in 0..3 {
            uses.record("often-long-ago", now - 60 * 24 * HOUR_MS);
        }
        uses.record("once-today", now - 2 * HOUR_MS);
        uses.record("just-now", now - 1000);
        uses.record("just-before", now - 2000);
        let mut entries: Vec<Entry> = [
            "a",
            "often-long-ago",
            "b",
            "once-today",
            "just-before",
            "just-now",
        ]
        .into_iter()
        .map(entry)
        .collect();
        uses.order(&mut entries, now);
        assert_eq!(
            names(&entries),
            [
                "just-now",
                "just-before",
                "once-today",
                "often-long-ago",
                "a",
                "b"
            ]
        );
    }

    #[test]
    fn only_so_many_profiles_are_remembered() {
        let mut uses = Uses::default();
        uses.record("kept", 10);
        uses.record("kept", 11);
        for i in 0..REMEMBERED + 5 {
            uses.record(&format!("p{i}"), 5);
        }
        assert_eq!(uses.profiles.len(), REMEMBERED);
        assert!(uses.profiles.contains_key("kept"));
    }

    #[test]
    fn role_arns_give_account_and_role() {
        assert_eq!(
            role_arn_parts("arn:aws:iam::222222222222:role/team/Deploy"),
            Some(("222222222222".into(), "Deploy".into()))
        );
        assert_eq!(role_arn_parts("arn:aws:iam::1:user/x"), None);
        assert_eq!(role_arn_parts("nonsense"), None);
    }

    #[test]
    fn lines_are_columns_with_escaped_values() {
        let entries = [
            Entry {
                name: "prod/Admin".into(),
                account_id: Some("222222222222".into()),
                account_name: Some("production\u{1b}[2J".into()),
                role: Some("Admin".into()),
            },
            entry("keys"),
        ];
        assert_eq!(
            lines(&entries),
            [
                "prod/Admin  222222222222  production\\x1b[2J  Admin",
                "keys",
            ]
        );
    }
}
