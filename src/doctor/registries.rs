//! The registries a member added: the commit each block holds, how long ago it was
//! synced, a sync that failed, names skipped, keys refused, and a block gone from
//! the config file.

use std::path::Path;

use super::{Finding, Severity};
use crate::registry::{self, Registry, block};

/// How many of the skipped or refused lines a finding names.
const SHOWN: usize = 3;

pub fn check(config: &Path) -> Vec<Finding> {
    let registries = match registry::Registries::read() {
        Ok(registries) => registries,
        Err(error) => {
            return vec![Finding::new("registry", Severity::Error, error.to_string())];
        }
    };
    if registries.is_empty() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(config).unwrap_or_default();
    let blocks = match block::find_blocks(&text) {
        Ok(blocks) => blocks,
        Err(error) => {
            return vec![
                Finding::new("registry-block", Severity::Error, error.to_string()).at(config, 1),
            ];
        }
    };
    registries
        .iter()
        .flat_map(|one| findings_of(one, blocks.iter().find(|b| b.registry == one.name), config))
        .collect()
}

fn findings_of(one: &Registry, found: Option<&block::Block>, config: &Path) -> Vec<Finding> {
    let name = &one.name;
    let sync = format!("run: grant registry sync {name}");
    let Some(synced) = &one.synced else {
        return vec![
            Finding::new(
                "registry",
                Severity::Warning,
                format!("registry {name} was never synced"),
            )
            .fix(sync),
        ];
    };
    let mut findings = vec![Finding::new(
        "registry",
        Severity::Info,
        format!(
            "registry {name}: commit {} synced {} ago, {} profiles, {} sso-sessions",
            registry::short(&synced.commit),
            registry::age(registry::now().saturating_sub(synced.at)),
            synced.profiles.len(),
            synced.sso_sessions.len()
        ),
    )];
    match found {
        Some(block) => findings[0] = findings[0].clone().at(config, block.lines.start),
        None => findings.push(
            Finding::new(
                "registry-block",
                Severity::Error,
                format!("registry {name}: its block is missing from the AWS config"),
            )
            .fix(sync.clone()),
        ),
    }
    if let Some(failed) = &one.failed {
        findings.push(
            Finding::new(
                "registry-sync",
                Severity::Warning,
                format!(
                    "registry {name}: the last sync failed {} ago ({}); the profiles of commit {} stay",
                    registry::age(registry::now().saturating_sub(failed.at)),
                    failed.message,
                    registry::short(&synced.commit)
                ),
            )
            .fix(sync.clone()),
        );
    }
    for (what, lines, fix) in [
        (
            "skipped",
            &synced.skipped,
            "--prefix-duplicate-profiles when you add it writes them as NAME.PROFILE",
        ),
        (
            "refused",
            &synced.refused,
            "each line of `grant registry sync` says how to allow one",
        ),
    ] {
        if lines.is_empty() {
            continue;
        }
        let first: Vec<&str> = lines.iter().take(SHOWN).map(String::as_str).collect();
        findings.push(
            Finding::new(
                "registry-content",
                Severity::Warning,
                format!(
                    "registry {name}: {} {what}: {}",
                    lines.len(),
                    first.join("; ")
                ),
            )
            .fix(fix),
        );
    }
    findings
}
