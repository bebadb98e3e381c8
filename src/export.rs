//! Credentials written out in the formats other tools read: shell `export` lines,
//! `.env` lines, the credential_process JSON, PowerShell, and a section of the AWS
//! credentials file. Every value is quoted or checked here so that a hostile
//! profile name or value can only ever be data.

use crate::config::document::Document;
use crate::config::file::SectionKind;
use crate::credentials::{Credentials, format_expiration};
use crate::shell::Shell;

/// The variables an export sets, in order, with their values.
pub fn variables(credentials: &Credentials, region: Option<&str>) -> Vec<(&'static str, String)> {
    let mut set = vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key.clone(),
        ),
    ];
    if let Some(token) = &credentials.session_token {
        set.push(("AWS_SESSION_TOKEN", token.clone()));
    }
    if let Some(expiration) = credentials.expiration {
        set.push(("AWS_CREDENTIAL_EXPIRATION", format_expiration(expiration)));
    }
    if let Some(region) = region {
        set.push(("AWS_REGION", region.to_owned()));
        set.push(("AWS_DEFAULT_REGION", region.to_owned()));
    }
    set
}

/// The names [`variables`] may set: what `.env` edits replace.
pub const VARIABLE_NAMES: [&str; 6] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
];

/// `export NAME='value';` lines for bash, zsh and sh, or `$Env:NAME = 'value';`
/// lines for PowerShell, quoted by the shell module.
pub fn shell_lines(shell: Shell, variables: &[(&str, String)]) -> anyhow::Result<String> {
    let mut text = String::new();
    for (name, value) in variables {
        text.push_str(&shell.set_env(name, value)?);
        text.push('\n');
    }
    Ok(text)
}

/// Why a value cannot go into a `.env` file: its readers do not agree on escapes.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to write {name} into a .env file: its value holds a quote, backslash or control character, which .env readers do not read back alike"
)]
pub struct DotenvError {
    pub name: String,
}

/// One `.env` line: `NAME=value` when the value is plain (`[A-Za-z0-9/+=._:-]`),
/// else `NAME='value'`; a value with `'`, `"`, `\` or a control character is
/// refused, since python-dotenv, Docker Compose and Node's dotenv differ on escapes.
pub fn dotenv_line(name: &str, value: &str) -> Result<String, DotenvError> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/+=._:-".contains(c);
    if value.chars().all(plain) {
        return Ok(format!("{name}={value}"));
    }
    if value
        .chars()
        .any(|c| c.is_control() || matches!(c, '\'' | '"' | '\\' | '\u{2028}' | '\u{2029}'))
    {
        return Err(DotenvError {
            name: name.to_owned(),
        });
    }
    Ok(format!("{name}='{value}'"))
}

pub fn dotenv_lines(variables: &[(&str, String)]) -> Result<String, DotenvError> {
    let mut text = String::new();
    for (name, value) in variables {
        text.push_str(&dotenv_line(name, value)?);
        text.push('\n');
    }
    Ok(text)
}

/// `.env` text with the `AWS_*` keys an export sets replaced: every other line
/// (comments, the project's own variables) kept as it was, the new values appended.
pub fn merge_dotenv(existing: &str, variables: &[(&str, String)]) -> Result<String, DotenvError> {
    let mut text = String::new();
    for line in existing.split_inclusive('\n') {
        if dotenv_key(line).is_some_and(|key| VARIABLE_NAMES.contains(&key)) {
            continue;
        }
        text.push_str(line);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&dotenv_lines(variables)?);
    Ok(text)
}

/// The key of a `.env` line (`KEY=...` or `export KEY=...`), if it has one.
fn dotenv_key(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let (key, _) = line.split_once('=')?;
    Some(key.trim_end())
}

/// The keys as the AWS credentials file holds them.
fn credentials_entries(credentials: &Credentials) -> Vec<(&'static str, &str)> {
    let mut entries = vec![
        ("aws_access_key_id", credentials.access_key_id.as_str()),
        (
            "aws_secret_access_key",
            credentials.secret_access_key.as_str(),
        ),
    ];
    if let Some(token) = &credentials.session_token {
        entries.push(("aws_session_token", token.as_str()));
    }
    entries
}

/// Section `[name]` with the keys, as a credentials file of its own.
pub fn credentials_section(name: &str, credentials: &Credentials) -> anyhow::Result<String> {
    let mut document = Document::parse_credentials(std::path::Path::new("(stdout)"), "")?;
    upsert_credentials_section(&mut document, name, credentials)?;
    Ok(document.render())
}

/// Sets section `[name]` of a credentials file to the keys, every other byte kept. `name` must be a profile name the SDKs read; the editor
/// refuses any text that would not read back as this one section.
pub fn upsert_credentials_section(
    document: &mut Document,
    name: &str,
    credentials: &Credentials,
) -> anyhow::Result<()> {
    if !crate::config::is_valid_name(name) {
        anyhow::bail!(
            "'{}' is not a profile name the AWS SDKs read (letters, digits and _-/.%@:+ only); choose another with --as NAME",
            crate::term_text::shown(name)
        );
    }
    document.upsert_section(
        SectionKind::Profile,
        name,
        &credentials_entries(credentials),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "se/cr+et=".into(),
            session_token: Some("TOKEN".into()),
            expiration: Some(1_767_268_800),
            account_id: None,
            person: None,
        }
    }

    #[test]
    fn shell_lines_are_quoted() {
        let lines = shell_lines(Shell::Bash, &[("AWS_REGION", "x'; rm -rf ~; '".into())]).unwrap();
        assert_eq!(lines, "export AWS_REGION='x'\\''; rm -rf ~; '\\''';\n");
        let lines = shell_lines(Shell::PowerShell, &[("AWS_REGION", "it's".into())]).unwrap();
        assert_eq!(lines, "$Env:AWS_REGION = 'it''s';\n");
    }

    #[test]
    fn dotenv_values_are_plain_quoted_or_refused() {
        assert_eq!(dotenv_line("A", "ab/+=").unwrap(), "A=ab/+=");
        assert_eq!(dotenv_line("A", "a b$HOME").unwrap(), "A='a b$HOME'");
        for hostile in ["a'b", "a\nB=1", "a\\n", "a\"b", "a\rb"] {
            assert!(dotenv_line("A", hostile).is_err(), "{hostile:?}");
        }
    }

    #[test]
    fn dotenv_merge_keeps_other_lines() {
        let existing = "# project\nDATABASE_URL=postgres://x\nexport AWS_ACCESS_KEY_ID=OLD\nAWS_SESSION_TOKEN = OLD\nAWS_PROFILE=mine";
        let merged = merge_dotenv(existing, &variables(&credentials(), None)).unwrap();
        assert_eq!(
            merged,
            "# project\nDATABASE_URL=postgres://x\nAWS_PROFILE=mine\nAWS_ACCESS_KEY_ID=ASIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=se/cr+et=\nAWS_SESSION_TOKEN=TOKEN\nAWS_CREDENTIAL_EXPIRATION=2026-01-01T12:00:00Z\n"
        );
    }

    use std::path::Path;

    fn upsert(existing: &str, name: &str) -> anyhow::Result<String> {
        let mut document = Document::parse_credentials(Path::new("c"), existing)?;
        upsert_credentials_section(&mut document, name, &credentials())?;
        Ok(document.render())
    }

    #[test]
    fn credentials_sections_keep_the_rest_of_the_file() {
        let existing = "# mine\n[default]\naws_access_key_id = AKIA1\n\n[dev]\naws_access_key_id = OLD\n; note\n[other]\nx = 1\n";
        let text = upsert(existing, "dev").unwrap();
        assert_eq!(
            text,
            "# mine\n[default]\naws_access_key_id = AKIA1\n\n[dev]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = se/cr+et=\naws_session_token = TOKEN\n; note\n[other]\nx = 1\n"
        );
        let added = upsert("[a]\nk = v", "new/one").unwrap();
        assert!(added.starts_with("[a]\nk = v\n\n[new/one]\naws_access_key_id = ASIAEXAMPLE\n"));
    }

    #[test]
    fn hostile_section_names_are_refused() {
        for name in ["a]\n[default", "a b", "", "x\u{1b}[31m", "[x]", "profile x"] {
            assert!(upsert("", name).is_err(), "{name:?}");
        }
    }
}
