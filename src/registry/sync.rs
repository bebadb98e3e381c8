//! Writing the registries' blocks into `~/.aws/config`: every registry synced in one
//! run is merged in priority order (a higher one claims a shared name first) and the
//! file is written once, under the config's lock, only when it reads back whole.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::Context;

use super::merge::{self, Merged};
use super::source::Contents;
use super::{Registries, Registry, Synced, block, now, owners, taken_by};
use crate::config::document::Document;

/// A registry whose clone is at a new commit, to be written.
pub struct Fresh {
    pub name: String,
    pub commit: String,
    pub contents: Contents,
}

/// What was written for one registry.
pub struct Written {
    pub name: String,
    pub commit: String,
    pub merged: Merged,
}

/// Writes the blocks of `fresh` (and removes the block of `remove`) in one edit of
/// the config file at `path`; records each registry's sync.
pub fn write_blocks(
    path: &Path,
    registries: &mut Registries,
    fresh: Vec<Fresh>,
    remove: Option<&str>,
) -> anyhow::Result<Vec<Written>> {
    let mut written = Vec::new();
    super::edit_config(path, |text| {
        let owners = owners(path, text)?;
        let renewing: HashSet<&str> = fresh.iter().map(|one| one.name.as_str()).collect();
        let keep: HashSet<String> = registries
            .list
            .iter()
            .map(|registry| registry.name.clone())
            .filter(|name| !renewing.contains(name.as_str()) && Some(name.as_str()) != remove)
            .collect();
        let mut taken = taken_by(&owners, &keep);
        let newline = block::newline_of(text);
        let mut edited = text.to_owned();
        if let Some(name) = remove {
            edited = block::with_block(&edited, name, None)?;
        }
        for name in registries.by_priority() {
            let Some(one) = fresh.iter().find(|one| one.name == name) else {
                continue;
            };
            let Some(registry) = registries.get(&name) else {
                continue;
            };
            let values = template_values(registry, &one.contents);
            let merged = merge::merge(&merge::Input {
                registry: &name,
                contents: &one.contents,
                values: &values,
                allowed: &registry.allowed,
                prefix: registry.prefix,
                taken: &taken,
            })
            .map_err(|error| anyhow::anyhow!("registry {name}: {error}"))?;
            taken.extend(
                merged
                    .profiles
                    .iter()
                    .map(|profile| (crate::config::file::SectionKind::Profile, profile.clone())),
            );
            taken.extend(merged.sso_sessions.iter().map(|(session, _, _)| {
                (
                    crate::config::file::SectionKind::SsoSession,
                    session.clone(),
                )
            }));
            let text = block::render_block(&name, &one.commit, &merged.text, newline);
            edited = block::with_block(&edited, &name, Some(&text))?;
            edited = block::without_granted_block(&edited, &name);
            written.push(Written {
                name,
                commit: one.commit.clone(),
                merged,
            });
        }
        Document::parse(path, &edited).context("the merged config would not read back")?;
        Ok(edited)
    })?;
    for one in &written {
        if let Some(registry) = registries.get_mut(&one.name) {
            registry.failed = None;
            registry.synced = Some(Synced {
                commit: one.commit.clone(),
                at: now(),
                profiles: one.merged.profiles.clone(),
                sso_sessions: one
                    .merged
                    .sso_sessions
                    .iter()
                    .map(|(name, _, _)| name.clone())
                    .collect(),
                skipped: one.merged.skipped.clone(),
                refused: one.merged.refused.clone(),
            });
        }
    }
    Ok(written)
}

/// The member's answers and the registry's own variables, for the templates.
pub fn template_values(registry: &Registry, contents: &Contents) -> BTreeMap<String, String> {
    let mut values = registry.values.clone();
    for variable in &contents.template_values {
        if let (false, Some(value)) = (variable.required, &variable.value) {
            values
                .entry(variable.name.clone())
                .or_insert_with(|| value.clone());
        }
    }
    values
}
