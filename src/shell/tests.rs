//! Quoting checked against small reference readers of each shell's single-quoted words.
//! `tests/it/shell_quoting.rs` runs the same values through the real shells.

use super::test_values::{CANARY, KEEP, hostile_values, random_nasty_values};
use super::*;

/// How bash, zsh and sh read a word made of `'...'` parts and `\'`. Anything else
/// outside quotes would be open to expansion, so it is refused. A quote closing right
/// before one opening (`'a''b'`) is refused too: zsh's RC_QUOTES reads it as `'`.
fn read_posix_word(word: &str) -> Option<String> {
    let mut value = String::new();
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                loop {
                    match chars.next()? {
                        '\'' => break,
                        inside => value.push(inside),
                    }
                }
                if chars.peek() == Some(&'\'') {
                    return None;
                }
            }
            '\\' if chars.next()? == '\'' => value.push('\''),
            _ => return None,
        }
    }
    Some(value)
}

/// How fish reads a single-quoted word: `\\` and `\'` are escapes, any other
/// backslash stays, and nothing may follow the closing quote.
fn read_fish_word(word: &str) -> Option<String> {
    let mut chars = word.strip_prefix('\'')?.chars();
    let mut value = String::new();
    loop {
        match chars.next()? {
            '\'' => return chars.next().is_none().then_some(value),
            '\\' => match chars.next()? {
                escaped @ ('\\' | '\'') => value.push(escaped),
                other => {
                    value.push('\\');
                    value.push(other);
                }
            },
            other => value.push(other),
        }
    }
}

/// How PowerShell's tokenizer reads a single-quoted string: any of the five quote
/// characters followed by another stands for the second one; alone, it ends the string.
fn read_powershell_word(word: &str) -> Option<String> {
    let is_quote = |c: &char| quote::POWERSHELL_SINGLE_QUOTES.contains(c);
    let mut chars = word.chars().peekable();
    chars.next().filter(is_quote)?;
    let mut value = String::new();
    loop {
        let c = chars.next()?;
        if is_quote(&c) {
            match chars.next_if(is_quote) {
                Some(second) => value.push(second),
                None => return chars.next().is_none().then_some(value),
            }
        } else {
            value.push(c);
        }
    }
}

/// Nushell's raw string as its lexer reads it: `r`, N `#`, `'`, then up to the first
/// `'` and N `#`, searched from the opening quote on.
fn read_nu_word(word: &str) -> Option<String> {
    let rest = word.strip_prefix('r')?;
    let hashes = rest.bytes().take_while(|&byte| byte == b'#').count();
    if hashes == 0 {
        return None;
    }
    let opened = rest[hashes..].strip_prefix('\'')?;
    let closing = format!("'{}", "#".repeat(hashes));
    let from_quote = &rest[hashes..];
    let end = from_quote.find(&closing)?;
    if end == 0 || end + closing.len() != from_quote.len() {
        return None;
    }
    Some(opened[..end - 1].to_owned())
}

/// tcsh: `'...'` words and `\'` between them; inside, `\!` is `!`, and a bare `!` or
/// a line break is not data.
fn read_tcsh_word(word: &str) -> Option<String> {
    let mut chars = word.chars().peekable();
    let mut value = String::new();
    let mut quoted = false;
    let mut seen_quote = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (_, '\n' | '\r') => return None,
            (true, '\'') => quoted = false,
            (true, '\\') if chars.peek() == Some(&'!') => value.push(chars.next()?),
            (_, '!') => return None,
            (true, c) => value.push(c),
            (false, '\'') => {
                quoted = true;
                seen_quote = true;
            }
            (false, '\\') => value.push(chars.next().filter(|&c| c == '\'')?),
            (false, _) => return None,
        }
    }
    (seen_quote && !quoted).then_some(value)
}

fn read_word(shell: Shell, word: &str) -> Option<String> {
    match shell {
        Shell::Bash | Shell::Zsh => read_posix_word(word),
        Shell::Fish => read_fish_word(word),
        Shell::PowerShell => read_powershell_word(word),
        Shell::Nu => read_nu_word(word),
        Shell::Tcsh => read_tcsh_word(word),
    }
}

fn assert_round_trip(shell: Shell, value: &str) {
    if shell == Shell::Tcsh && (!value.is_ascii() || value.contains(['\n', '\r'])) {
        assert_eq!(shell.quote(value), Err(ShellError::NotForTcsh), "{value:?}");
        return;
    }
    let word = shell.quote(value).unwrap();
    assert_eq!(
        read_word(shell, &word).as_deref(),
        Some(value),
        "{shell} quoted {value:?} as {word:?}"
    );
}

#[test]
fn the_reference_readers_reject_broken_quoting() {
    for word in ["'a''b'", "'a'b", "'a", "a", "'a'\\\"", "'$x'$y"] {
        assert_eq!(read_posix_word(word), None, "{word:?}");
    }
    for word in ["'a'b", "'a", "'a\\'", "a"] {
        assert_eq!(read_fish_word(word), None, "{word:?}");
    }
    for word in ["'a'b", "'a", "'a'’", "’a’ '", "a"] {
        assert_eq!(read_powershell_word(word), None, "{word:?}");
    }
    for word in ["r'a'", "r#'a'", "r#'#a'#", "r#'a'#b", "'a'"] {
        assert_eq!(read_nu_word(word), None, "{word:?}");
    }
    for word in ["'a!'", "'a'b", "'a", "'a\nb'", "a"] {
        assert_eq!(read_tcsh_word(word), None, "{word:?}");
    }
    assert_eq!(read_nu_word("r##'#a'##").as_deref(), Some("#a"));
    assert_eq!(read_tcsh_word("'it'\\''s\\!'").as_deref(), Some("it's!"));
    assert_eq!(read_fish_word("'a\\b'").as_deref(), Some("a\\b"));
    assert_eq!(read_powershell_word("'a’").as_deref(), Some("a"));
    assert_eq!(read_powershell_word("‘a’'b‛").as_deref(), Some("a'b"));
}

#[test]
fn posix_shells_close_escape_and_reopen_single_quotes() {
    for shell in [Shell::Bash, Shell::Zsh] {
        assert_eq!(shell.quote("").unwrap(), "''");
        assert_eq!(shell.quote("a b").unwrap(), "'a b'");
        assert_eq!(shell.quote("it's").unwrap(), r"'it'\''s'");
        assert_eq!(shell.quote(r"a\b$HOME!").unwrap(), r"'a\b$HOME!'");
        assert_eq!(shell.quote("‘x’").unwrap(), "'‘x’'");
    }
}

#[test]
fn fish_escapes_backslashes_and_single_quotes() {
    assert_eq!(Shell::Fish.quote("").unwrap(), "''");
    assert_eq!(Shell::Fish.quote("it's").unwrap(), r"'it\'s'");
    assert_eq!(Shell::Fish.quote(r"a\b").unwrap(), r"'a\\b'");
    assert_eq!(Shell::Fish.quote("\\'").unwrap(), r"'\\\''");
    assert_eq!(Shell::Fish.quote("a\nb").unwrap(), "'a\nb'");
    assert_eq!(Shell::Fish.quote("$HOME").unwrap(), "'$HOME'");
}

#[test]
fn powershell_doubles_all_five_single_quotes() {
    assert_eq!(Shell::PowerShell.quote("").unwrap(), "''");
    assert_eq!(Shell::PowerShell.quote("it's").unwrap(), "'it''s'");
    assert_eq!(Shell::PowerShell.quote("‘’‚‛").unwrap(), "'‘‘’’‚‚‛‛'");
    assert_eq!(Shell::PowerShell.quote("“$x”`").unwrap(), "'“$x”`'");
    assert_eq!(Shell::PowerShell.quote(r"a\b").unwrap(), r"'a\b'");
}

#[test]
fn hostile_values_read_back_unchanged_in_every_shell() {
    for shell in Shell::ALL {
        for value in hostile_values() {
            assert_round_trip(shell, &value);
        }
    }
}

/// The real-shell tests detect escaped code by these files, so the values must aim at them.
#[test]
fn the_hostile_values_hide_code_aimed_at_the_canaries() {
    let values = hostile_values();
    let any_contains = |needle: String| values.iter().any(|value| value.contains(&needle));
    assert!(any_contains(format!("$(touch {CANARY})")));
    assert!(any_contains(format!("`touch {CANARY}`")));
    assert!(any_contains(format!("rm -rf ~/{KEEP}")));
}

#[test]
fn random_nasty_values_read_back_unchanged_in_every_shell() {
    let values = random_nasty_values(0x5EED_0001, 5_000);
    for shell in Shell::ALL {
        for value in &values {
            assert_round_trip(shell, value);
        }
    }
}

#[test]
fn the_random_values_contain_what_they_must_exercise() {
    let values = random_nasty_values(0x5EED_0001, 5_000);
    let any_contains = |needle: &str| values.iter().any(|value| value.contains(needle));
    for needle in ["'", "‘", "’", "‚", "‛", "\\'", "\n", "$(", "🦀"] {
        assert!(any_contains(needle), "{needle:?}");
    }
    assert!(values.contains(&String::new()));
}

#[test]
fn set_env_writes_one_export_statement() {
    let statements: Vec<String> = Shell::ALL
        .iter()
        .map(|shell| shell.set_env("AWS_PROFILE", "it's").unwrap())
        .collect();
    assert_eq!(
        statements,
        [
            r"export AWS_PROFILE='it'\''s';",
            r"export AWS_PROFILE='it'\''s';",
            r"set -gx AWS_PROFILE 'it\'s';",
            "$Env:AWS_PROFILE = 'it''s';",
            "$env.AWS_PROFILE = r#'it's'#",
            r"setenv AWS_PROFILE 'it'\''s';",
        ]
    );
}

#[test]
fn unset_env_writes_one_removal_statement() {
    let statements: Vec<String> = Shell::ALL
        .iter()
        .map(|shell| shell.unset_env("AWS_PROFILE").unwrap())
        .collect();
    assert_eq!(
        statements,
        [
            "unset AWS_PROFILE;",
            "unset AWS_PROFILE;",
            "set -e AWS_PROFILE;",
            "Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue;",
            "hide-env --ignore-errors AWS_PROFILE",
            "unsetenv AWS_PROFILE;",
        ]
    );
}

#[test]
fn valid_names_are_accepted() {
    for shell in Shell::ALL {
        for name in ["A", "_", "_x", "aws_profile", "AWS_PROFILE_2", "a1B2_"] {
            shell.set_env(name, "v").unwrap();
            shell.unset_env(name).unwrap();
        }
    }
}

#[test]
fn invalid_names_are_rejected() {
    let invalid = [
        "", "1A", "A-B", "A B", "A=B", "A;B", "$A", "A\n", "A\0", "é", "A.B", "Ä", "A'", "-A",
    ];
    for shell in Shell::ALL {
        for name in invalid {
            let expected = Err(ShellError::InvalidName(name.to_owned()));
            assert_eq!(shell.set_env(name, "v"), expected, "{shell} {name:?}");
            assert_eq!(shell.unset_env(name), expected, "{shell} {name:?}");
        }
    }
}

#[test]
fn a_nul_is_rejected_wherever_it_is() {
    for shell in Shell::ALL {
        for value in ["\0", "a\0", "\0a", "a\0b"] {
            assert_eq!(
                shell.quote(value),
                Err(ShellError::Nul),
                "{shell} {value:?}"
            );
            assert_eq!(shell.set_env("A", value), Err(ShellError::Nul));
        }
    }
}

#[test]
fn error_messages_are_one_line_even_for_hostile_input() {
    let errors = [
        ShellError::InvalidName("A\nB\r\u{1B}[2J".into()),
        ShellError::UnknownShell("x\ny".into()),
        ShellError::Nul,
        ShellError::NotForTcsh,
    ];
    for error in errors {
        let message = error.to_string();
        assert!(!message.chars().any(char::is_control), "{message:?}");
    }
}

#[test]
fn shells_parse_from_their_names() {
    let parsed: Vec<Shell> = ["bash", "zsh", "fish", "powershell", "pwsh", "Bash", "PWSH"]
        .iter()
        .map(|name| name.parse().unwrap())
        .collect();
    let expected = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::PowerShell,
        Shell::Bash,
        Shell::PowerShell,
    ];
    assert_eq!(parsed, expected);
    for shell in Shell::ALL {
        assert_eq!(shell.to_string().parse::<Shell>(), Ok(shell));
    }
}

#[test]
fn an_unknown_shell_is_named_with_the_supported_ones() {
    let error = "csh".parse::<Shell>().unwrap_err();
    assert_eq!(error, ShellError::UnknownShell("csh".into()));
    assert_eq!(
        error.to_string(),
        r#"unknown shell "csh"; supported: bash, zsh, fish, powershell (or pwsh), nu (or nushell), tcsh"#
    );
}

#[test]
fn words_for_messages_are_bare_only_when_safe() {
    assert_eq!(shell_word("dev/Admin"), "dev/Admin");
    assert_eq!(shell_word("it's"), r"'it'\''s'");
    assert_eq!(shell_word("a b"), "'a b'");
    assert_eq!(shell_word(""), "''");
}

/// `script` is `unset_env` then `set_env`, a line each, every value quoted: for
/// PowerShell (not installable here) each line is checked with the reference reader.
#[test]
fn scripts_remove_then_set_with_every_value_quoted() {
    let change = EnvChange {
        unset: vec!["AWS_SESSION_TOKEN".into()],
        set: hostile_values()
            .into_iter()
            .enumerate()
            .map(|(index, value)| (format!("V{index}"), value))
            .collect(),
    };
    let script = Shell::PowerShell.script(&change).unwrap();
    let mut statements = script.split(";\n");
    assert_eq!(
        statements.next(),
        Some("Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue")
    );
    for (name, value) in &change.set {
        let statement = statements.next().unwrap();
        let word = statement
            .strip_prefix(&format!("$Env:{name} = "))
            .unwrap_or_else(|| panic!("{statement:?}"));
        assert_eq!(read_powershell_word(word).as_deref(), Some(value.as_str()));
    }
    assert_eq!(statements.next(), Some(""));
    let bad_name = EnvChange {
        unset: vec!["AWS PROFILE".into()],
        set: Vec::new(),
    };
    assert!(Shell::Bash.script(&bad_name).is_err());
}

/// Nushell's `assume` reads a NUON record: names checked, every value a raw string.
#[test]
fn the_nu_script_is_one_record_of_quoted_values() {
    let change = EnvChange {
        unset: vec!["AWS_SESSION_TOKEN".into()],
        set: vec![
            ("AWS_PROFILE".into(), "x'; rm -rf ~; '".into()),
            ("GRANT_REGION".into(), "#'#".into()),
        ],
    };
    assert_eq!(
        Shell::Nu.script(&change).unwrap(),
        "{unset: [AWS_SESSION_TOKEN], set: {AWS_PROFILE: r#'x'; rm -rf ~; ''#, GRANT_REGION: r##'#'#'##}}\n"
    );
    let bad_name = EnvChange {
        unset: Vec::new(),
        set: vec![("A}: {B".into(), "v".into())],
    };
    assert!(Shell::Nu.script(&bad_name).is_err());
}
