//! Checks of the sections as written: names the SDKs ignore, and what botocore
//! (the AWS CLI, boto3) refuses outright. Its reader is Python's strict
//! configparser: a section or a key written twice fails every command, whichever
//! profile it asks for, while the other SDKs merge them.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Finding, Severity};
use crate::config::{ConfigError, ConfigFile, FileKind, SectionKind, is_valid_name};

/// The findings of one file. Its syntax errors come first and whatever `only`
/// asks: one bad line anywhere stops the AWS CLI and the SDKs for every profile.
pub fn check_file(path: &Path, only: Option<&str>) -> Vec<Finding> {
    let kind = if path == crate::paths::aws_credentials_file() {
        FileKind::Credentials
    } else {
        FileKind::Config
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let header_lines: Vec<&str> = text.lines().collect();
    let mut findings: Vec<Finding> = crate::config::syntax_errors(path, kind)
        .into_iter()
        .map(|error| syntax_finding(error, &header_lines))
        .collect();
    let Ok(file) = ConfigFile::read(path, kind) else {
        return findings;
    };
    let header_of = |line: usize| {
        header_lines
            .get(line.wrapping_sub(1))
            .map_or("", |text| text.trim())
    };
    let mut by_name: BTreeMap<(String, &str), Vec<usize>> = BTreeMap::new();
    let mut default_sections = (None, None);
    for section in file.sections() {
        let name = section.name();
        if only.is_some_and(|only| only != name) {
            continue;
        }
        let line = section.origin().line;
        match section.kind() {
            SectionKind::Ignored => findings.push(ignored(kind, name, header_of(line), path, line)),
            SectionKind::Profile if kind == FileKind::Config && name == "default" => {
                if section.is_unprefixed_default() {
                    default_sections.0.get_or_insert(line);
                } else {
                    default_sections.1.get_or_insert(line);
                }
            }
            _ => {}
        }
        if section.kind() != SectionKind::Ignored {
            by_name
                .entry((header_of(line).to_owned(), name))
                .or_default()
                .push(line);
        }
        findings.extend(keys_twice(&section, name, path));
    }
    for ((header, name), lines) in by_name.into_iter().filter(|(_, lines)| lines.len() > 1) {
        findings.push(
            Finding::new(
                "duplicate-section",
                Severity::Error,
                format!(
                    "{header} is written {} times (lines {}): the AWS CLI and boto3 refuse the whole file (\"Unable to parse config file\")",
                    lines.len(),
                    join_lines(&lines)
                ),
            )
            .profile(name)
            .at(path, lines[1])
            .fix("merge them into one section"),
        );
    }
    if let (Some(plain), Some(prefixed)) = default_sections {
        findings.push(
            Finding::new(
                "default-twice",
                Severity::Warning,
                format!(
                    "[default] is hidden by [profile default] at line {prefixed}: the SDKs read only [profile default]"
                ),
            )
            .profile("default")
            .at(path, plain)
            .fix("move its keys into [profile default] and remove it"),
        );
    }
    findings
}

/// A line the readers stop at: where, what, and who refuses the file for it.
fn syntax_finding(error: ConfigError, lines: &[&str]) -> Finding {
    let ConfigError::Syntax {
        path,
        line,
        message,
    } = &error
    else {
        return Finding::new("config-syntax", Severity::Error, error.to_string());
    };
    let text = lines.get(line.wrapping_sub(1)).copied().unwrap_or("");
    let who = match botocore_reading(text) {
        Some(reading) => format!(
            "every AWS SDK refuses the whole file until it is fixed (the AWS CLI and boto3 read it {reading})"
        ),
        None => "the AWS CLI and every AWS SDK refuse the whole file until it is fixed".to_owned(),
    };
    Finding::new(
        "config-syntax",
        Severity::Error,
        format!("{message}: {who}"),
    )
    .at(path, *line)
    .fix("fix that line")
}

/// How botocore reads a line the other SDKs refuse: its reader (Python's
/// configparser) also takes `key : value`, and a sub-property with no name.
fn botocore_reading(line: &str) -> Option<&'static str> {
    let indented = line.starts_with([' ', '\t']);
    let trimmed = line.trim_matches([' ', '\t']);
    if indented && trimmed.starts_with('=') {
        return Some("as a sub-property with an empty name");
    }
    let plain = !indented && !trimmed.starts_with('[') && !trimmed.contains('=');
    (plain && trimmed.contains(':')).then_some("as 'key : value'")
}

/// Why the SDKs skip a section, and how to name it so they do not.
fn ignored(kind: FileKind, name: &str, header: &str, path: &Path, line: usize) -> Finding {
    let (message, fix) = match kind {
        FileKind::Config if is_valid_name(name) => (
            format!(
                "{header} is ignored by the AWS CLI and SDKs: in the config file a profile is [profile {name}]"
            ),
            format!("rename the section to [profile {name}]"),
        ),
        FileKind::Credentials if name.starts_with("profile ") => {
            let bare = name.trim_start_matches("profile ").trim();
            (
                format!(
                    "{header} is ignored by the AWS CLI and SDKs: in the credentials file a profile is [{bare}], without 'profile '"
                ),
                format!("rename the section to [{bare}]"),
            )
        }
        _ => (
            format!(
                "{header} is ignored by the AWS CLI and SDKs: their names take only letters, digits and _-/.%@:+"
            ),
            "rename the section".to_owned(),
        ),
    };
    Finding::new("ignored-section", Severity::Error, message)
        .profile(name)
        .at(path, line)
        .fix(fix)
}

/// Keys written twice in one section, which botocore refuses.
fn keys_twice(section: &crate::config::Section<'_>, name: &str, path: &Path) -> Vec<Finding> {
    let Ok(properties) = section.properties() else {
        return Vec::new();
    };
    let mut lines_of: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for property in &properties {
        lines_of
            .entry(&property.key)
            .or_default()
            .push(property.line);
    }
    lines_of
        .into_iter()
        .filter(|(_, lines)| lines.len() > 1)
        .map(|(key, lines)| {
            Finding::new(
                "duplicate-key",
                Severity::Error,
                format!(
                    "{key} is set {} times in [{}] (lines {}): the AWS CLI and boto3 refuse the whole file",
                    lines.len(),
                    section_label(section, name),
                    join_lines(&lines)
                ),
            )
            .profile(name)
            .at(path, lines[1])
            .fix("keep one of those lines")
        })
        .collect()
}

fn section_label(section: &crate::config::Section<'_>, name: &str) -> String {
    match section.kind() {
        SectionKind::Profile if section.is_unprefixed_default() => name.to_owned(),
        SectionKind::Profile if section.path() == crate::paths::aws_credentials_file() => {
            name.to_owned()
        }
        SectionKind::Profile => format!("profile {name}"),
        SectionKind::SsoSession => format!("sso-session {name}"),
        SectionKind::Services => format!("services {name}"),
        SectionKind::Ignored => name.to_owned(),
    }
}

fn join_lines(lines: &[usize]) -> String {
    lines
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
