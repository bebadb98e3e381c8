//! The AWS shared config and credentials files: reading (`file`, `AwsFiles`) and
//! byte-preserving editing (`document`).

pub mod document;
pub(crate) mod file;
mod lexer;

use std::collections::{BTreeSet, HashMap};
use std::io;
use std::path::{Path, PathBuf};

pub use file::{ConfigFile, FileKind, Origin, Property, Section, SectionKind, is_valid_name};

use crate::paths;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}:{line}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
}

/// The deepest role chain (`source_profile` hops) accepted; deeper is almost
/// certainly a mistake. The reader follows one hop more, to report it.
pub const MAX_CHAIN_DEPTH: usize = 10;

/// Both shared files, as the SDKs see them together.
#[derive(Debug, Clone)]
pub struct AwsFiles {
    pub config: ConfigFile,
    pub credentials: ConfigFile,
}

/// Names kept in one buffer: listing 10,000 profiles makes no 10,000 allocations,
/// and names that arrive in order are not sorted again.
#[derive(Debug, Default)]
pub struct NameList {
    buffer: String,
    spans: Vec<(u32, u32)>,
    out_of_order: bool,
}

impl NameList {
    fn name(&self, (start, end): (u32, u32)) -> &str {
        &self.buffer[start as usize..end as usize]
    }

    fn reserve(&mut self, bytes: usize) {
        self.buffer.reserve(bytes);
        self.spans.reserve(bytes / 16);
    }

    fn push(&mut self, name: &str) {
        let start = self.buffer.len();
        self.buffer.push_str(name);
        let span = (start as u32, self.buffer.len() as u32);
        self.out_of_order |= self
            .spans
            .last()
            .is_some_and(|&last| self.name(last) > name);
        self.spans.push(span);
    }

    fn sort_and_dedup(&mut self) {
        let mut spans = std::mem::take(&mut self.spans);
        if self.out_of_order {
            // Stable sort: it merges the sorted runs a generated config is made of.
            spans.sort_by(|a, b| self.name(*a).cmp(self.name(*b)));
        }
        spans.dedup_by(|a, b| self.name(*a) == self.name(*b));
        self.spans = spans;
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|span| self.name(*span))
    }
}

/// The merged keys of one profile or sso-session: later sections and the credentials
/// file win, as in the SDKs.
#[derive(Debug, Clone)]
pub struct SectionValues<'a> {
    pub name: &'a str,
    /// Where the section was first defined.
    pub origin: Origin<'a>,
    values: HashMap<String, (Property, Origin<'a>)>,
}

impl<'a> SectionValues<'a> {
    /// The trimmed value of `key`, or `None` when absent or empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(|(property, _)| property.value.as_str())
            .filter(|value| !value.is_empty())
    }

    /// Where `key` is set, or the section header when it is not.
    pub fn origin_of(&self, key: &str) -> Origin<'a> {
        self.values
            .get(key)
            .map_or(self.origin, |(_, origin)| *origin)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Every key with its value as written, empty values included (`name =` is the
    /// empty string), in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values
            .iter()
            .map(|(key, (property, _))| (key.as_str(), property.value.as_str()))
    }

    /// Merges the section's keys; a key outside the SDKs' name set is ignored, as
    /// the SDKs ignore it.
    fn merge(&mut self, section: &Section<'a>) -> Result<(), ConfigError> {
        for property in section.properties()? {
            if !is_valid_name(&property.key) {
                crate::debug!(
                    "{}:{}: key '{}' ignored: not a valid name",
                    section.path().display(),
                    property.line,
                    property.key
                );
                continue;
            }
            let origin = Origin {
                path: section.path(),
                line: property.line,
            };
            self.values.insert(property.key.clone(), (property, origin));
        }
        Ok(())
    }
}

impl AwsFiles {
    /// Reads the files named by `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`
    /// (or their defaults). Missing files are empty.
    pub fn load() -> Result<Self, ConfigError> {
        Self::load_from(&paths::aws_config_file(), &paths::aws_credentials_file())
    }

    pub fn load_from(config: &Path, credentials: &Path) -> Result<Self, ConfigError> {
        Ok(AwsFiles {
            config: ConfigFile::read(config, FileKind::Config)?,
            credentials: ConfigFile::read(credentials, FileKind::Credentials)?,
        })
    }

    /// Only what resolving `profile` needs: that profile, the profiles its
    /// `source_profile` chain names, and the sso-session sections. A 10,000-profile
    /// config is scanned, not parsed; a chain costs one more scan per hop.
    pub fn load_for_profile(profile: &str) -> Result<Self, ConfigError> {
        let (config_path, credentials_path) =
            (paths::aws_config_file(), paths::aws_credentials_file());
        let mut wanted: std::collections::HashSet<String> = [profile.to_owned()].into();
        for _ in 0..=MAX_CHAIN_DEPTH + 1 {
            let keep = |kind: SectionKind, name: &str| {
                kind == SectionKind::SsoSession
                    || (kind == SectionKind::Profile && wanted.contains(name))
            };
            let mut hints: Vec<&str> = wanted.iter().map(String::as_str).collect();
            hints.push("sso-session");
            let files = AwsFiles {
                config: ConfigFile::read_hinted(&config_path, FileKind::Config, &hints, keep)?,
                credentials: ConfigFile::read_hinted(
                    &credentials_path,
                    FileKind::Credentials,
                    &hints,
                    keep,
                )?,
            };
            // Only the sources resolution follows: a `source_profile` without a
            // `role_arn` names a profile it never reads (whose mistakes then do not
            // matter), and an empty one names none.
            let mut sources = Vec::new();
            for name in &wanted {
                let Some(values) = files.profile(name)? else {
                    continue;
                };
                let source = values
                    .get("source_profile")
                    .filter(|_| values.contains("role_arn"));
                if let Some(source) = source.filter(|source| !wanted.contains(*source)) {
                    sources.push(source.to_owned());
                }
            }
            if sources.is_empty() {
                return Ok(files);
            }
            wanted.extend(sources);
        }
        // Deeper than any valid chain: load everything and let resolution name the chain.
        Self::load()
    }

    /// Every profile name of the files named by the environment, sorted, without
    /// duplicates, reading nothing but section headers.
    pub fn list_profile_names() -> Result<NameList, ConfigError> {
        let mut names = NameList::default();
        // Sized from the file so the lists never move while they grow: on small VMs a
        // page fault costs more than all the parsing.
        let config_size = std::fs::metadata(paths::aws_config_file()).map_or(0, |meta| meta.len());
        names.reserve(usize::try_from(config_size / 8).unwrap_or(0));
        let files = [
            (paths::aws_config_file(), FileKind::Config),
            (paths::aws_credentials_file(), FileKind::Credentials),
        ];
        for (path, kind) in files {
            ConfigFile::read_sections(&path, kind, |section, name| {
                if section == SectionKind::Profile {
                    names.push(name);
                }
                false
            })?;
        }
        names.sort_and_dedup();
        Ok(names)
    }

    /// Every profile name of both files, sorted, without duplicates.
    pub fn profile_names(&self) -> BTreeSet<&str> {
        self.config
            .sections()
            .chain(self.credentials.sections())
            .filter(|section| section.kind() == SectionKind::Profile)
            .map(|section| section.name())
            .collect()
    }

    /// The merged keys of profile `name`, or `None` when no file defines it. In the
    /// config file, `[default]` counts only where no `[profile default]` exists.
    pub fn profile(&self, name: &str) -> Result<Option<SectionValues<'_>>, ConfigError> {
        let prefixed_default_exists = name == "default"
            && self
                .config
                .sections_named(SectionKind::Profile, name)
                .any(|section| !section.is_unprefixed_default());
        let sections = self
            .config
            .sections_named(SectionKind::Profile, name)
            .filter(|section| !(prefixed_default_exists && section.is_unprefixed_default()))
            .chain(self.credentials.sections_named(SectionKind::Profile, name));
        merge_sections(sections)
    }

    /// The keys of `[sso-session name]`, or `None`.
    pub fn sso_session(&self, name: &str) -> Result<Option<SectionValues<'_>>, ConfigError> {
        merge_sections(self.config.sections_named(SectionKind::SsoSession, name))
    }
}

/// Every mistake in `path` that makes the AWS CLI and the SDKs refuse the whole
/// file: a malformed header or a line before the first one (the reader stops
/// there, so that one alone), else the first malformed line of each section.
pub fn syntax_errors(path: &Path, kind: FileKind) -> Vec<ConfigError> {
    let file = match ConfigFile::read(path, kind) {
        Ok(file) => file,
        Err(error @ ConfigError::Syntax { .. }) => return vec![error],
        Err(ConfigError::Read { .. }) => return Vec::new(),
    };
    file.sections()
        .filter_map(|section| section.properties().err())
        .collect()
}

fn merge_sections<'a>(
    sections: impl Iterator<Item = Section<'a>>,
) -> Result<Option<SectionValues<'a>>, ConfigError> {
    let mut merged: Option<SectionValues<'a>> = None;
    for section in sections {
        let values = merged.get_or_insert_with(|| SectionValues {
            name: section.name(),
            origin: section.origin(),
            values: HashMap::new(),
        });
        values.merge(&section)?;
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(config: &str, credentials: &str) -> AwsFiles {
        AwsFiles {
            config: ConfigFile::parse(Path::new("config"), FileKind::Config, config.into())
                .unwrap(),
            credentials: ConfigFile::parse(
                Path::new("credentials"),
                FileKind::Credentials,
                credentials.into(),
            )
            .unwrap(),
        }
    }

    #[test]
    fn name_lists_come_out_sorted_and_unique_in_any_input_order() {
        let expected: Vec<String> = (0..300).map(|i| format!("p{i:03}")).collect();
        for order in [expected.clone(), expected.iter().rev().cloned().collect()] {
            let mut names = NameList::default();
            names.push("zz");
            for name in order.iter().chain(order.iter().take(5)) {
                names.push(name);
            }
            names.sort_and_dedup();
            let mut all = expected.clone();
            all.push("zz".into());
            assert_eq!(names.iter().collect::<Vec<_>>(), all);
        }
    }

    #[test]
    fn credentials_file_overrides_config_file_and_later_keys_win() {
        let files = files(
            "[profile a]\nregion = us-east-1\naws_access_key_id = CONFIG\n[profile a]\nregion = eu-west-1\n",
            "[a]\naws_access_key_id = CREDS\n",
        );
        let a = files.profile("a").unwrap().unwrap();
        assert_eq!(a.get("region"), Some("eu-west-1"));
        assert_eq!(a.get("aws_access_key_id"), Some("CREDS"));
        assert_eq!(
            a.origin_of("aws_access_key_id").to_string(),
            "credentials:2"
        );
        assert_eq!(a.origin.to_string(), "config:1");
        assert!(files.profile("missing").unwrap().is_none());
    }

    /// Found by fuzzing: reading one profile followed a `source_profile` that
    /// resolution ignores (no `role_arn`), and failed on a mistake in that profile,
    /// while reading the whole file resolved fine. Runs in a child process, as it
    /// needs its own AWS_CONFIG_FILE.
    #[test]
    fn reading_one_profile_follows_only_the_sources_resolution_follows() {
        const CHILD: &str = "GRANT_TEST_LOAD_FOR_PROFILE_CHILD";
        if std::env::var_os(CHILD).is_none() {
            let dir = tempfile::tempdir().unwrap();
            let config = dir.path().join("config");
            std::fs::write(
                &config,
                "[profile keys]\nsource_profile = broken\naws_access_key_id = A\naws_secret_access_key = S\n\
                 [profile empty]\nsource_profile =\naws_access_key_id = A\naws_secret_access_key = S\n\
                 [profile chained]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = broken\n\
                 [profile broken]\nnot a property\n",
            )
            .unwrap();
            let status = std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "config::tests::reading_one_profile_follows_only_the_sources_resolution_follows",
                    "--nocapture",
                ])
                .env(CHILD, "1")
                .env("AWS_CONFIG_FILE", &config)
                .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("credentials"))
                .status()
                .unwrap();
            assert!(status.success());
            return;
        }
        for name in ["keys", "empty"] {
            let files = AwsFiles::load_for_profile(name).unwrap();
            assert!(crate::profile::resolve(&files, name).is_ok(), "{name}");
        }
        let error = AwsFiles::load_for_profile("chained").unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with(":13: expected 'key = value' (no '=' on this line)"),
            "{error}"
        );
    }

    #[test]
    fn default_has_two_spellings_and_names_are_sorted_once() {
        let files = files(
            "[default]\nregion = a\n[profile default]\noutput = json\n[profile b]\n[sso-session s]\n[x]\n[profile in valid]\n",
            "[b]\n[c]\n[default]\nregion = c\n",
        );
        let names: Vec<_> = files.profile_names().into_iter().collect();
        assert_eq!(names, vec!["b", "c", "default"]);
        // `[profile default]` exists, so `[default]` of the config file is ignored.
        let default = files.profile("default").unwrap().unwrap();
        assert_eq!(
            (default.get("region"), default.get("output")),
            (Some("c"), Some("json"))
        );
        assert!(files.sso_session("s").unwrap().is_some());
        let only_plain = files_of_config("[default]\nregion = a\n");
        let default = only_plain.profile("default").unwrap().unwrap();
        assert_eq!(default.get("region"), Some("a"));
    }

    #[test]
    fn keys_outside_the_name_set_are_ignored_and_empty_values_kept() {
        let files = files_of_config("[profile a]\nin valid = x\nRegion =\nk = v\n");
        let a = files.profile("a").unwrap().unwrap();
        let mut entries: Vec<_> = a.entries().collect();
        entries.sort();
        assert_eq!(entries, vec![("k", "v"), ("region", "")]);
        assert_eq!(a.get("region"), None, "get skips empty values");
    }

    fn files_of_config(config: &str) -> AwsFiles {
        files(config, "")
    }
}
