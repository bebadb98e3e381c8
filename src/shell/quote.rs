//! The one quoting function per shell family, and the variable-name check.
//!
//! Each function turns any NUL-free string into one single-quoted word that the shell
//! reads back as exactly that string: nothing inside is expanded, substituted or split.
//! Two quoted words must never touch (`'a''b'`): zsh's RC_QUOTES option reads the `''`
//! between them as a literal quote. Statements put them after `=` or a space.

/// The characters PowerShell's tokenizer treats as a single quote: `'` and the curly
/// quotes U+2018 to U+201B. Inside a single-quoted string, any two of them in a row
/// stand for the second one; any one alone ends the string.
pub(super) const POWERSHELL_SINGLE_QUOTES: [char; 5] =
    ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// bash, zsh and sh: `'...'`, where nothing is special but `'` itself, which is
/// written as `'\''` (close the quotes, an escaped quote, reopen).
pub(super) fn posix(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        if c == '\'' {
            quoted.push_str("'\\''");
        } else {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
}

/// fish: `'...'`, where `\\` and `\'` are the only escapes. Newlines stay as they are:
/// fish keeps them inside quotes.
pub(super) fn fish(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

/// PowerShell: `'...'`, where each of the five single-quote characters is doubled.
pub(super) fn powershell(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        if POWERSHELL_SINGLE_QUOTES.contains(&c) {
            quoted.push(c);
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

/// Nushell: a raw string, `r#'...'#`, inside which nothing is special; it ends at the
/// first `'` followed by as many `#` as opened it, so it opens with one `#` more than
/// the longest run of `#` after a `'` in the value. The opening `'` counts too:
/// nushell 0.115 ends `r#'#a'#` at its second character. Nushell and its data format
/// (NUON, what `assume` reads with `from nuon`) read it the same.
pub(super) fn nu(value: &str) -> String {
    let opened = format!("'{value}");
    let mut longest = 0;
    for (index, _) in opened.match_indices('\'') {
        let run = opened[index + 1..]
            .bytes()
            .take_while(|&byte| byte == b'#')
            .count();
        longest = longest.max(run);
    }
    let hashes = "#".repeat(longest + 1);
    format!("r{hashes}'{value}'{hashes}")
}

/// tcsh and csh: `'...'`, where `'` is written `'\''` as in sh, and `!` as `\!`: csh
/// expands history in single quotes too, in what `eval` reads as well. `None` for
/// what tcsh cannot be given as data: a line break (`eval` of a command substitution
/// gets `\n` and `\r` as a space), and any character outside ASCII, whose bytes tcsh
/// in a non-UTF-8 locale reads with their top bit cleared (0xA7 as `'`).
pub(super) fn tcsh(value: &str) -> Option<String> {
    if value.contains(['\n', '\r']) || !value.is_ascii() {
        return None;
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        match c {
            '\'' => quoted.push_str("'\\''"),
            '!' => quoted.push_str("\\!"),
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    Some(quoted)
}

/// `[A-Za-z_][A-Za-z0-9_]*`: a name every supported shell accepts unquoted.
pub(super) fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
