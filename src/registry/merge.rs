//! One registry's fragments turned into the text of its block: names checked and,
//! where they clash with the user's profiles or another registry's, skipped or
//! prefixed; every key judged (`vet`); templates filled; the sections rendered by the
//! config editor, which refuses any text that would not read back as written.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::source::{Contents, fill_template};
use super::vet::{self, Allowance, Verdict};
use crate::config::document::Document;
use crate::config::file::{ConfigFile, FileKind, SectionKind, is_valid_name};
use crate::shell::shell_word;

/// Which of a registry's profile names get the registry's name in front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Prefix {
    /// None: a name already in use is skipped.
    #[default]
    None,
    All,
    Duplicates,
}

pub struct Input<'a> {
    pub registry: &'a str,
    pub contents: &'a Contents,
    pub values: &'a BTreeMap<String, String>,
    pub allowed: &'a [Allowance],
    pub prefix: Prefix,
    /// Sections already in the config that this registry must not replace.
    pub taken: &'a HashSet<(SectionKind, String)>,
}

/// What goes into the block, and what was left out and why.
#[derive(Debug, Default)]
pub struct Merged {
    pub text: String,
    pub profiles: Vec<String>,
    /// `(name, start URL, region)` of each sso-session written.
    pub sso_sessions: Vec<(String, String, String)>,
    pub skipped: Vec<String>,
    pub refused: Vec<String>,
}

struct Wanted {
    kind: SectionKind,
    name: String,
    properties: Vec<(String, String, bool)>,
}

/// The block's sections; `Err` when a fragment cannot be read as a config file.
pub fn merge(input: &Input) -> Result<Merged, String> {
    let wanted = sections_of(input)?;
    let mut merged = Merged::default();
    let renames = final_names(input, &wanted, &mut merged);
    let mut document = Document::parse(Path::new("registry"), "").map_err(|e| e.to_string())?;
    for section in &wanted {
        let Some(name) = renames.get(&(section.kind, section.name.clone())) else {
            continue;
        };
        let entries = entries_of(input, section, name, &renames, &mut merged);
        let pairs: Vec<(&str, &str)> = entries
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        match document.upsert_section(section.kind, name, &pairs) {
            Ok(_) if section.kind == SectionKind::SsoSession => {
                let value = |key: &str| {
                    entries
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                merged.sso_sessions.push((
                    name.clone(),
                    value("sso_start_url"),
                    value("sso_region"),
                ));
            }
            Ok(_) => merged.profiles.push(name.clone()),
            Err(error) => merged.skipped.push(format!("{}: {error}", label(section))),
        }
    }
    merged.text = document.render();
    Ok(merged)
}

fn label(section: &Wanted) -> String {
    match section.kind {
        SectionKind::SsoSession => format!("sso-session {}", section.name),
        _ => format!("profile {}", section.name),
    }
}

/// The profiles and sso-sessions of every fragment, first of each name only.
fn sections_of(input: &Input) -> Result<Vec<Wanted>, String> {
    let mut wanted: Vec<Wanted> = Vec::new();
    let mut seen = HashSet::new();
    for fragment in &input.contents.fragments {
        let file = ConfigFile::parse(
            Path::new(&fragment.name),
            FileKind::Config,
            fragment.text.clone(),
        )
        .map_err(|error| error.to_string())?;
        for section in file.sections() {
            let kind = section.kind();
            if !matches!(kind, SectionKind::Profile | SectionKind::SsoSession) {
                continue;
            }
            if !seen.insert((kind, section.name().to_owned())) {
                continue;
            }
            let properties = section
                .properties()
                .map_err(|error| error.to_string())?
                .into_iter()
                .map(|p| {
                    let nested = !p.sub_properties.is_empty();
                    (p.key, p.value, nested)
                })
                .collect();
            wanted.push(Wanted {
                kind,
                name: section.name().to_owned(),
                properties,
            });
        }
    }
    Ok(wanted)
}

/// The name each section is written under; sections left out are absent, with a
/// line in `merged.skipped` saying why.
fn final_names(
    input: &Input,
    wanted: &[Wanted],
    merged: &mut Merged,
) -> HashMap<(SectionKind, String), String> {
    let mut names = HashMap::new();
    let mut claimed: HashSet<(SectionKind, String)> = HashSet::new();
    for section in wanted {
        let what = label(section);
        if !is_valid_name(&section.name) {
            merged
                .skipped
                .push(format!("{what}: not a name the AWS SDKs accept"));
            continue;
        }
        if section.kind == SectionKind::Profile
            && section.name == "default"
            && !vet::is_allowed(vet::DEFAULT_PROFILE, None, input.allowed)
        {
            merged.skipped.push(format!(
                "{what}: a registry does not change your default profile unless you run `grant registry allow {} '{}'`",
                input.registry,
                vet::DEFAULT_PROFILE
            ));
            continue;
        }
        let is_free = |name: &str| {
            let key = (section.kind, name.to_owned());
            !input.taken.contains(&key) && !claimed.contains(&key)
        };
        let prefixed = format!("{}.{}", input.registry, section.name);
        let name = match input.prefix {
            Prefix::All if section.name != "default" => prefixed,
            Prefix::Duplicates if !is_free(&section.name) => prefixed,
            _ => section.name.clone(),
        };
        if !is_free(&name) {
            merged.skipped.push(format!(
                "{what}: the name {name} is already in use (your own or another registry's); --prefix-duplicate-profiles writes it as {}.NAME",
                input.registry
            ));
            continue;
        }
        claimed.insert((section.kind, name.clone()));
        names.insert((section.kind, section.name.clone()), name);
    }
    names
}

/// The `key = value` lines of one section: templates filled, references to renamed
/// sections followed, every key judged.
fn entries_of(
    input: &Input,
    section: &Wanted,
    name: &str,
    renames: &HashMap<(SectionKind, String), String>,
    merged: &mut Merged,
) -> Vec<(String, String)> {
    let in_session = section.kind == SectionKind::SsoSession;
    let what = label(section);
    let mut entries = Vec::new();
    for (key, raw, nested) in &section.properties {
        if *nested {
            merged.refused.push(format!(
                "{what}: key {key}: sub-properties are not taken from a registry"
            ));
            continue;
        }
        let value = match fill_template(raw, input.values, name) {
            Ok(value) => value,
            Err(why) => {
                merged.refused.push(format!("{what}: key {key}: {why}"));
                continue;
            }
        };
        let value = match (key.as_str(), in_session) {
            ("source_profile", false) => renamed(renames, SectionKind::Profile, value),
            ("sso_session", false) => renamed(renames, SectionKind::SsoSession, value),
            _ => value,
        };
        match vet::judge(key, &value, in_session, input.allowed) {
            Verdict::Keep => entries.push((key.clone(), value)),
            Verdict::GrantsOwnProcess => entries.push((
                key.clone(),
                format!("grant credential-process --profile {}", shell_word(name)),
            )),
            Verdict::Refuse(why) => {
                merged
                    .refused
                    .push(refusal(input.registry, &what, key, &value, why))
            }
        }
    }
    entries
}

fn renamed(
    renames: &HashMap<(SectionKind, String), String>,
    kind: SectionKind,
    value: String,
) -> String {
    renames
        .get(&(kind, value.clone()))
        .cloned()
        .unwrap_or(value)
}

fn refusal(registry: &str, what: &str, key: &str, value: &str, why: &str) -> String {
    let allow = if value.chars().any(char::is_control) {
        String::new()
    } else if vet::names_a_command(key) {
        format!(
            "; to take it: grant registry allow {registry} {key} {}",
            shell_word(value)
        )
    } else {
        format!("; to take it: grant registry allow {registry} {key}")
    };
    format!("{what}: key {key} refused, {why}{allow}")
}

#[cfg(test)]
mod tests {
    use super::super::source::Fragment;
    use super::*;

    fn merge_text(text: &str, prefix: Prefix, taken: &[&str]) -> Merged {
        let contents = Contents {
            fragments: vec![Fragment {
                name: "config".into(),
                text: text.into(),
            }],
            template_values: Vec::new(),
        };
        let taken = taken
            .iter()
            .map(|name| (SectionKind::Profile, (*name).to_owned()))
            .collect();
        merge(&Input {
            registry: "team",
            contents: &contents,
            values: &BTreeMap::new(),
            allowed: &[],
            prefix,
            taken: &taken,
        })
        .unwrap()
    }

    #[test]
    fn clashing_names_are_skipped_or_prefixed_and_references_follow() {
        let text = "[profile base]\nregion = x\n[profile dev]\nsource_profile = base\nrole_arn = arn:aws:iam::1:role/r\n";
        let skipped = merge_text(text, Prefix::None, &["base"]);
        assert_eq!(skipped.profiles, ["dev"]);
        assert_eq!(skipped.skipped.len(), 1);
        let prefixed = merge_text(text, Prefix::Duplicates, &["base"]);
        assert_eq!(prefixed.profiles, ["team.base", "dev"]);
        assert!(prefixed.text.contains("source_profile = team.base"));
        let all = merge_text(text, Prefix::All, &[]);
        assert_eq!(all.profiles, ["team.base", "team.dev"]);
    }

    #[test]
    fn a_continuation_that_would_start_a_section_is_refused_not_written() {
        let text = "[profile x]\nregion = eu-west-1\n  [profile evil]\n  credential_process = touch /tmp/p\n";
        let merged = merge_text(text, Prefix::None, &[]);
        assert_eq!(merged.profiles, ["x"]);
        assert!(!merged.text.contains("evil"), "{}", merged.text);
        assert_eq!(merged.refused.len(), 1, "{:?}", merged.refused);
    }

    #[test]
    fn grants_own_credential_process_is_rewritten_to_the_final_name() {
        let text = "[profile dev]\ncredential_process = granted credential-process --profile dev --url x\n";
        let merged = merge_text(text, Prefix::All, &[]);
        assert!(
            merged
                .text
                .contains("credential_process = grant credential-process --profile team.dev\n"),
            "{}",
            merged.text
        );
    }
}
