//! `grant profiles convert`: profiles of the AWS CLI, Granted and
//! aws-sso-credential-process rewritten into grant's form.
//!
//! A profile with the AWS CLI's own `sso_*` keys is served by the CLI's and SDKs'
//! IAM Identity Center provider, which never runs a `credential_process` beside
//! them. Converting renames those keys to `granted_sso_*` (which only grant reads;
//! `sso_session` becomes `granted_sso_session`, the `[sso-session]` section stays)
//! and makes `credential_process` run grant. A Granted or aws-sso-credential-process
//! line becomes grant's, keeping the flags grant shares with it. Every other line of
//! the section, and of the file, stays as it was.

use crate::config::SectionKind;
use crate::config::document::{Change, Document, EditError, PropertyEdit};

/// The AWS CLI's IAM Identity Center keys of a profile, which grant reads as
/// `granted_` + the same name.
pub const SSO_KEYS: [&str; 6] = [
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "sso_session",
    "sso_registration_scopes",
];

/// Programs whose `credential_process` lines grant can take over, and the word
/// that must follow the program.
const CONVERTIBLE_PROGRAMS: [(&str, Option<&str>); 3] = [
    ("granted", Some("credential-process")),
    ("aws-sso-credential-process", None),
    ("aws-sso-util", Some("credential-process")),
];

/// Flags of the other tools that mean the same in `grant credential-process`, and
/// whether they take a value.
const SHARED_FLAGS: [(&str, bool); 10] = [
    ("--profile", true),
    ("--auto-login", false),
    ("--interactive", false),
    ("--noninteractive", false),
    ("--window", true),
    ("--account-id", true),
    ("--role-name", true),
    ("--start-url", true),
    ("--region", true),
    ("--debug", false),
];

/// What converting one profile did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub profile: String,
    pub change: Change,
    /// Flags of the old line that grant does not know, dropped, one note each.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    #[error("profile '{0}' is not in the AWS config file; run `grant profiles` to list them")]
    NotFound(String),
    #[error(
        "profile '{0}' is defined more than once in the AWS config file; merge its sections first (grant doctor shows where)"
    )]
    Duplicate(String),
    #[error(
        "profile '{0}' has no sso_* keys and no Granted or aws-sso-credential-process line: nothing to convert"
    )]
    NothingToConvert(String),
    #[error(
        "profile '{profile}' runs {program} in its credential_process, which grant does not replace; edit that line by hand"
    )]
    OtherProgram { profile: String, program: String },
    #[error(
        "profile '{profile}' has both {key} ({old}) and granted_{key} ({new}); keep one of them, then convert"
    )]
    Conflict {
        profile: String,
        key: String,
        old: String,
        new: String,
    },
    #[error("profile '{profile}': the credential_process line does not split into words: {line}")]
    Unreadable { profile: String, line: String },
    #[error(transparent)]
    Edit(#[from] EditError),
}

/// What a profile's `credential_process` line is, for converting.
enum Process {
    None,
    /// grant's own: kept as it is.
    Grant,
    /// Another tool grant replaces, with its words after the program (and its
    /// `credential-process` word).
    Convertible(Vec<String>),
    Other(String),
}

/// Whether `convert_profile` would change `name` (for `--all`): it has `sso_*`
/// keys or a line grant takes over.
pub fn is_convertible(document: &Document, name: &str) -> bool {
    let Some(pairs) = document.section(SectionKind::Profile, name) else {
        return false;
    };
    let has_sso_keys = pairs
        .iter()
        .any(|(key, _)| SSO_KEYS.contains(&key.as_str()));
    let process = pairs
        .iter()
        .rev()
        .find(|(key, _)| key == "credential_process")
        .map(|(_, value)| classify_process(value));
    match process {
        Some(Some(Process::Convertible(_))) => true,
        Some(Some(Process::Other(_))) | Some(None) => false,
        Some(Some(Process::Grant | Process::None)) | None => has_sso_keys,
    }
}

/// Rewrites profile `name` of `document` into grant's form.
pub fn convert_profile(document: &mut Document, name: &str) -> Result<Converted, ConvertError> {
    let profile = name.to_owned();
    if document.section_count(SectionKind::Profile, name) > 1 {
        return Err(ConvertError::Duplicate(profile));
    }
    let pairs = document
        .section(SectionKind::Profile, name)
        .ok_or_else(|| ConvertError::NotFound(profile.clone()))?;
    let value_of = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value.clone())
    };
    let line = value_of("credential_process");
    let process = match &line {
        None => Process::None,
        Some(line) => classify_process(line).ok_or_else(|| ConvertError::Unreadable {
            profile: profile.clone(),
            line: line.clone(),
        })?,
    };
    let has_sso_keys = pairs
        .iter()
        .any(|(key, _)| SSO_KEYS.contains(&key.as_str()));
    let mut notes = Vec::new();
    let new_line = match process {
        Process::Other(program) => return Err(ConvertError::OtherProgram { profile, program }),
        Process::Grant | Process::None if !has_sso_keys => {
            return Err(ConvertError::NothingToConvert(profile));
        }
        Process::Grant => None,
        Process::None => Some(grant_line(name, &[], &mut notes)),
        Process::Convertible(words) => Some(grant_line(name, &words, &mut notes)),
    };
    // A granted_ key already beside its sso_ twin: the same value makes the sso_
    // one redundant, a different one is the user's to settle.
    let mut redundant = Vec::new();
    for key in SSO_KEYS {
        if let (Some(old), Some(new)) = (value_of(key), value_of(&format!("granted_{key}"))) {
            if old != new {
                return Err(ConvertError::Conflict {
                    profile,
                    key: key.to_owned(),
                    old,
                    new,
                });
            }
            redundant.push(key);
        }
    }
    let mut line_placed = false;
    let change = document.edit_properties(
        SectionKind::Profile,
        name,
        |key, _| {
            if redundant.contains(&key) {
                PropertyEdit::Remove
            } else if SSO_KEYS.contains(&key) {
                PropertyEdit::Rename(format!("granted_{key}"))
            } else if key == "credential_process" {
                match (&new_line, line_placed) {
                    (None, _) => PropertyEdit::Keep,
                    (Some(_), true) => PropertyEdit::Remove,
                    (Some(line), false) => {
                        line_placed = true;
                        PropertyEdit::Replace(line.clone())
                    }
                }
            } else {
                PropertyEdit::Keep
            }
        },
        &[],
    )?;
    let mut change = change.ok_or_else(|| ConvertError::NotFound(profile.clone()))?;
    if let Some(line) = new_line.filter(|_| !line_placed) {
        let appended = document.edit_properties(
            SectionKind::Profile,
            name,
            |_, _| PropertyEdit::Keep,
            &[("credential_process", &line)],
        )?;
        change = appended.unwrap_or(change);
    }
    Ok(Converted {
        profile,
        change,
        notes,
    })
}

/// What the `credential_process` line runs; `None` when it does not split into
/// words (as botocore splits it, with POSIX shell rules).
fn classify_process(line: &str) -> Option<Process> {
    let words = shlex::split(line)?;
    let Some((program, rest)) = words.split_first() else {
        return Some(Process::None);
    };
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    if base == "grant" {
        return Some(Process::Grant);
    }
    for (known, subcommand) in CONVERTIBLE_PROGRAMS {
        if base != known {
            continue;
        }
        return Some(match subcommand {
            None => Process::Convertible(rest.to_vec()),
            Some(word) if rest.first().is_some_and(|first| first == word) => {
                Process::Convertible(rest[1..].to_vec())
            }
            Some(_) => Process::Other(base.to_owned()),
        });
    }
    Some(Process::Other(base.to_owned()))
}

/// `grant credential-process` with the flags of `words` grant shares, in their
/// order, and `--profile NAME` unless they name one. Each value is quoted for the
/// shells and for botocore's split, so a hostile name stays one argument.
fn grant_line(name: &str, words: &[String], notes: &mut Vec<String>) -> String {
    let mut line = String::from("grant credential-process");
    let mut names_profile = false;
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let (flag, inline_value) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (word.as_str(), None),
        };
        let Some(&(_, takes_value)) = SHARED_FLAGS.iter().find(|(known, _)| *known == flag) else {
            let mut dropped = crate::shell::shell_word(word);
            // A value of an unknown flag is dropped with it, unless it looks like a flag.
            if inline_value.is_none() {
                let mut peek = words.clone();
                if let Some(value) = peek.next().filter(|next| !next.starts_with('-')) {
                    dropped.push(' ');
                    dropped.push_str(&crate::shell::shell_word(value));
                    words.next();
                }
            }
            notes.push(format!(
                "dropped {dropped}: grant credential-process has no such flag"
            ));
            continue;
        };
        if !takes_value {
            line.push(' ');
            line.push_str(flag);
            continue;
        }
        let Some(value) = inline_value.or_else(|| words.next().cloned()) else {
            notes.push(format!("dropped {flag}: it has no value"));
            continue;
        };
        if flag == "--window" && crate::cli::parse_duration(&value).is_err() {
            notes.push(format!(
                "dropped --window {}: grant takes durations like 15m, 1h or 900s",
                crate::shell::shell_word(&value)
            ));
            continue;
        }
        names_profile |= flag == "--profile";
        push_flag(&mut line, flag, &value);
    }
    if !names_profile {
        push_flag(&mut line, "--profile", name);
    }
    line
}

/// ` --flag VALUE`, or ` --flag=VALUE` for a value that starts with `-` (which
/// would otherwise read as another flag).
fn push_flag(line: &mut String, flag: &str, value: &str) {
    let value = crate::shell::shell_word(value);
    if value.starts_with('-') {
        line.push_str(&format!(" {flag}={value}"));
    } else {
        line.push_str(&format!(" {flag} {value}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn convert(text: &str, name: &str) -> (Result<Converted, ConvertError>, String) {
        let mut document = Document::parse(Path::new("config"), text).unwrap();
        let result = convert_profile(&mut document, name);
        (result, document.render())
    }

    #[test]
    fn sso_keys_become_granted_keys_and_grant_runs() {
        let (result, text) = convert(
            "# mine\n[profile dev]\nsso_start_url = https://x/start\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = eu-west-1 # kept\n\n[profile other]\nk = v\n",
            "dev",
        );
        assert_eq!(result.unwrap().change, Change::Updated);
        assert_eq!(
            text,
            "# mine\n[profile dev]\ngranted_sso_start_url = https://x/start\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = 111111111111\ngranted_sso_role_name = Admin\nregion = eu-west-1 # kept\ncredential_process = grant credential-process --profile dev\n\n[profile other]\nk = v\n"
        );
    }

    #[test]
    fn an_sso_session_profile_keeps_its_session() {
        let config = "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\n[sso-session corp]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n";
        let (result, text) = convert(config, "dev");
        assert!(result.is_ok());
        assert_eq!(
            text,
            "[profile dev]\ngranted_sso_session = corp\ngranted_sso_account_id = 1\ngranted_sso_role_name = R\ncredential_process = grant credential-process --profile dev\n\n[sso-session corp]\nsso_start_url = https://x/start\nsso_region = eu-west-1\n"
        );
    }

    #[test]
    fn granted_lines_keep_the_flags_grant_shares_and_report_the_others() {
        let config = "[profile dev]\ngranted_sso_start_url = https://x/start\ncredential_process = /usr/local/bin/granted credential-process --auto-login --url https://cf.example.com --profile dev --window=1h --verbose\n";
        let (result, text) = convert(config, "dev");
        let converted = result.unwrap();
        assert!(
            text.contains("\ncredential_process = grant credential-process --auto-login --profile dev --window 1h\n"),
            "{text}"
        );
        assert_eq!(converted.notes.len(), 2, "{:?}", converted.notes);
        assert!(
            converted.notes[0].contains("--url"),
            "{:?}",
            converted.notes
        );
        assert!(
            converted.notes[1].contains("--verbose"),
            "{:?}",
            converted.notes
        );
    }

    #[test]
    fn aws_sso_credential_process_lines_are_taken_over() {
        let config = "[profile p]\ncredential_process = aws-sso-credential-process --profile p --interactive\nsso_start_url = https://x/start\nsso_region = us-east-2\nsso_account_id = 1\nsso_role_name = R\n";
        let (result, text) = convert(config, "p");
        assert!(result.is_ok());
        assert_eq!(
            text,
            "[profile p]\ncredential_process = grant credential-process --profile p --interactive\ngranted_sso_start_url = https://x/start\ngranted_sso_region = us-east-2\ngranted_sso_account_id = 1\ngranted_sso_role_name = R\n"
        );
    }

    #[test]
    fn hostile_names_stay_one_argument() {
        for (name, expected) in [
            ("--debug", "grant credential-process --profile=--debug"),
            ("a'b", r#"grant credential-process --profile 'a'\''b'"#),
            ("$(id)", "grant credential-process --profile '$(id)'"),
        ] {
            let line = grant_line(name, &[], &mut Vec::new());
            assert_eq!(line, expected);
            let words = shlex::split(&line).unwrap();
            let last = words.last().unwrap();
            assert!(
                last == name || last == &format!("--profile={name}"),
                "{words:?}"
            );
        }
    }

    #[test]
    fn what_grant_cannot_convert_is_refused_and_nothing_changes() {
        for (config, reason) in [
            ("[profile p]\nregion = x\n", "nothing to convert"),
            (
                "[profile p]\ncredential_process = aws-vault export --format=json p\n",
                "runs aws-vault",
            ),
            (
                "[profile p]\nsso_region = a\ngranted_sso_region = b\n",
                "keep one",
            ),
            (
                "[profile p]\nsso_region = a\n[profile p]\nk = v\n",
                "more than once",
            ),
            ("[profile q]\n", "not in the AWS config"),
            (
                "[profile p]\ncredential_process = granted 'x\n",
                "does not split",
            ),
        ] {
            let (result, text) = convert(config, "p");
            let error = result.unwrap_err().to_string();
            assert!(error.contains(reason), "{config}: {error}");
            assert_eq!(text, config);
        }
    }

    #[test]
    fn an_sso_key_beside_its_granted_twin_of_the_same_value_goes() {
        let (result, text) = convert(
            "[profile p]\nsso_region = a\ngranted_sso_region = a\nsso_account_id = 1\n",
            "p",
        );
        assert!(result.is_ok());
        assert_eq!(
            text,
            "[profile p]\ngranted_sso_region = a\ngranted_sso_account_id = 1\ncredential_process = grant credential-process --profile p\n"
        );
    }

    #[test]
    fn converting_twice_changes_nothing_the_second_time() {
        let config = "[profile p]\nsso_region = a\nsso_account_id = 1\n";
        let mut document = Document::parse(Path::new("config"), config).unwrap();
        convert_profile(&mut document, "p").unwrap();
        assert!(!is_convertible(&document, "p"));
        let again = convert_profile(&mut document, "p").unwrap_err();
        assert!(matches!(again, ConvertError::NothingToConvert(_)));
    }
}
