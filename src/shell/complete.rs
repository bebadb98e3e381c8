//! Completion that grant answers itself on Tab (`grant __complete`, which nushell's
//! `@complete` runs): clap_complete's engine reads the command line against grant's
//! definition, and every profile argument completes with profile names. A shell
//! start then parses no definition of grant's commands.
//!
//! The answer is JSON, which nushell reads with `from json`: candidates are data.
//! Nushell puts the value it takes into the command line as it is, where the next
//! Enter reads it as code: a value that is not a plain word (a file name with a
//! space or a `;`, met while completing a path) comes quoted by [`Shell::quote`].
//! One holding a control character (a line break, a terminal escape) is left out:
//! it could neither be shown nor typed.

use std::ffi::OsString;
use std::path::Path;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use super::Shell;

/// The ids of the arguments that take profile names: `--profile`, `assume PROFILE`,
/// `grant console PROFILE`, `profiles convert PROFILE...`.
const PROFILE_ARGS: [&str; 2] = ["profile", "profiles"];

/// The candidates for the last of `words` (the program's name first; `assume`
/// completes as `grant assume`), as a JSON array of `{"value", "description"}`
/// where each value is a word of nushell's followed by a space (a folder by
/// none, as its path goes on). `profiles` lists the profile names; it runs only
/// when a profile is completed.
pub fn candidates_json(
    command: clap::Command,
    words: Vec<OsString>,
    current_dir: Option<&Path>,
    profiles: fn() -> Vec<String>,
) -> String {
    let mut command = with_profile_names(command, profiles);
    let words = as_grant_words(words);
    let last = words.len().saturating_sub(1);
    let candidates =
        clap_complete::engine::complete(&mut command, words, last, current_dir).unwrap_or_default();
    let shown: Vec<serde_json::Value> = candidates
        .iter()
        .filter(|candidate| !candidate.is_hide_set())
        .filter_map(|candidate| {
            let value = candidate.get_value().to_str()?;
            if value.chars().any(char::is_control) {
                return None;
            }
            let mut word = as_nu_word(value)?;
            // Nushell adds no space after a value it takes; a folder goes on.
            if !value.ends_with('/') {
                word.push(' ');
            }
            let description = candidate
                .get_help()
                .map(|help| help.to_string())
                .and_then(|help| help.lines().next().map(str::to_owned))
                .unwrap_or_default()
                .replace(char::is_control, " ");
            Some(serde_json::json!({"value": word, "description": description}))
        })
        .collect();
    serde_json::Value::Array(shown).to_string()
}

/// `value` as nushell reads it back as one word: bare when it is made of letters,
/// digits and `_-/.%@:+=,` alone (every profile name is), else a raw string.
fn as_nu_word(value: &str) -> Option<String> {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+=,".contains(c));
    if plain {
        Some(value.to_owned())
    } else {
        Shell::Nu.quote(value).ok()
    }
}

/// `command` with profile names as the candidates of every profile argument, in
/// every subcommand.
fn with_profile_names(command: clap::Command, profiles: fn() -> Vec<String>) -> clap::Command {
    command
        .mut_args(|arg| {
            if PROFILE_ARGS.contains(&arg.get_id().as_str()) {
                arg.add(ArgValueCandidates::new(move || {
                    profiles()
                        .into_iter()
                        .map(CompletionCandidate::new)
                        .collect::<Vec<_>>()
                }))
            } else {
                arg
            }
        })
        .mut_subcommands(|subcommand| with_profile_names(subcommand, profiles))
}

/// `assume ARGS` is the shells' front of `grant assume ARGS`.
fn as_grant_words(mut words: Vec<OsString>) -> Vec<OsString> {
    let program = words.first().map(Path::new).and_then(Path::file_name);
    if program.is_some_and(|name| name == "assume") {
        words.splice(0..1, ["grant".into(), "assume".into()]);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::CommandFactory;

    fn names() -> Vec<String> {
        ["dev", "dev-eu", "prod"].map(String::from).to_vec()
    }

    fn values(line: &[&str]) -> Vec<String> {
        let words = line.iter().map(OsString::from).collect();
        let json = candidates_json(Cli::command(), words, None, names);
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        parsed
            .iter()
            .map(|candidate| {
                let value = candidate["value"].as_str().unwrap();
                value
                    .strip_suffix(' ')
                    .expect("a space after each")
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn completes_commands_then_their_options() {
        let commands = values(&["grant", ""]);
        for command in ["assume", "console", "credential-process", "init", "sso"] {
            assert!(commands.iter().any(|c| c == command), "{commands:?}");
        }
        assert!(
            !commands.iter().any(|c| c.starts_with("__")),
            "hidden commands stay hidden: {commands:?}"
        );
        assert_eq!(values(&["grant", "cons"]), ["console"]);
        assert!(values(&["grant", "sso", "log"]).contains(&"login".to_owned()));
        assert!(values(&["grant", "export", "--fo"]).contains(&"--format".to_owned()));
    }

    #[test]
    fn every_profile_argument_completes_profile_names() {
        assert_eq!(
            values(&["grant", "credential-process", "--profile", "d"]),
            ["dev", "dev-eu"]
        );
        assert_eq!(values(&["grant", "console", "p"]), ["prod"]);
        assert_eq!(
            values(&["grant", "export", "--profile=p"]),
            ["--profile=prod"]
        );
        assert_eq!(values(&["assume", "de"]), ["dev", "dev-eu"]);
        assert_eq!(values(&["/usr/bin/assume", "-x", "pr"]), ["prod"]);
        assert_eq!(
            values(&["grant", "profiles", "convert", "dev", "p"]),
            ["prod"]
        );
    }

    #[test]
    fn values_of_other_arguments_come_from_their_definition() {
        let formats = values(&["grant", "export", "--format", ""]);
        assert!(formats.contains(&"json".to_owned()), "{formats:?}");
        assert!(!formats.contains(&"dev".to_owned()), "{formats:?}");
    }

    #[test]
    fn file_names_with_control_characters_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["plain", "line\nbreak", "esc\u{1b}]0;title\u{7}"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        let values = values_in(dir.path(), &["grant", "allow", ""]);
        assert!(values.contains(&"plain/".to_owned()), "{values:?}");
        assert!(
            !values
                .iter()
                .any(|value| value.contains("line") || value.contains("esc")),
            "{values:?}"
        );
    }

    /// Nushell puts a value into the line as it is: one that is not a plain word is
    /// quoted, so the next Enter reads it as one argument.
    #[test]
    fn file_names_that_are_not_plain_words_come_quoted() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a b;touch x", "$(touch x)", "it's", "r#'x'#"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        let values = values_in(dir.path(), &["grant", "allow", ""]);
        let folders: Vec<&String> = values
            .iter()
            .filter(|value| value.starts_with("r#"))
            .collect();
        assert_eq!(
            folders,
            [
                r"r#'$(touch x)/'#",
                r"r#'a b;touch x/'#",
                r"r#'it's/'#",
                r"r##'r#'x'#/'##"
            ]
        );
    }

    fn values_in(dir: &Path, line: &[&str]) -> Vec<String> {
        let words = line.iter().map(OsString::from).collect();
        let json = candidates_json(Cli::command(), words, Some(dir), names);
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        parsed
            .iter()
            .map(|candidate| candidate["value"].as_str().unwrap().to_owned())
            .collect()
    }
}
