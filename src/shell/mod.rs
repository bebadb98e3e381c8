//! Shell code that the user's shell evaluates (`assume`, `grant init`).
//!
//! Profile names, regions and config values are untrusted: every value and name that
//! enters shell code goes through [`Shell::quote`] or the name check, here and nowhere
//! else, so that it reaches the shell as inert data.

pub mod complete;
pub mod directory;
pub mod integration;
mod quote;
pub mod tcsh;

#[cfg(test)]
#[path = "../../tests/data/shell_values.rs"]
mod test_values;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

/// A shell grant writes code for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    PowerShell,
    Nu,
    Tcsh,
}

/// Why a piece of shell code could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    #[error("unknown shell {0:?}; supported: {supported}", supported = Shell::SUPPORTED_NAMES)]
    UnknownShell(String),
    #[error(
        "{0:?} is not a valid environment variable name (ASCII letters, digits and _, not starting with a digit)"
    )]
    InvalidName(String),
    #[error("the value contains a NUL character, which no environment variable can hold")]
    Nul,
    #[error(
        "the value contains a line break or a character outside ASCII, which tcsh cannot be given as data; use assume --exec, or another shell"
    )]
    NotForTcsh,
}

impl Shell {
    pub const ALL: [Shell; 6] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Nu,
        Shell::Tcsh,
    ];

    /// For error messages and help texts.
    pub const SUPPORTED_NAMES: &'static str =
        "bash, zsh, fish, powershell (or pwsh), nu (or nushell), tcsh";

    /// The canonical name, as `FromStr` accepts it.
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::PowerShell => "powershell",
            Shell::Nu => "nu",
            Shell::Tcsh => "tcsh",
        }
    }

    /// `value` as one single-quoted word this shell reads back unchanged.
    pub fn quote(self, value: &str) -> Result<String, ShellError> {
        if value.contains('\0') {
            return Err(ShellError::Nul);
        }
        Ok(match self {
            Shell::Bash | Shell::Zsh => quote::posix(value),
            Shell::Fish => quote::fish(value),
            Shell::PowerShell => quote::powershell(value),
            Shell::Nu => quote::nu(value),
            Shell::Tcsh => quote::tcsh(value).ok_or(ShellError::NotForTcsh)?,
        })
    }

    /// One statement, without a line break, that sets and exports `name` to `value`.
    /// For nushell, which `assume` gives data rather than code, see [`Shell::script`].
    pub fn set_env(self, name: &str, value: &str) -> Result<String, ShellError> {
        let name = checked_name(name)?;
        let value = self.quote(value)?;
        Ok(match self {
            Shell::Bash | Shell::Zsh => format!("export {name}={value};"),
            Shell::Fish => format!("set -gx {name} {value};"),
            Shell::PowerShell => format!("$Env:{name} = {value};"),
            Shell::Nu => format!("$env.{name} = {value}"),
            Shell::Tcsh => format!("setenv {name} {value};"),
        })
    }

    /// One statement, without a line break, that removes `name` from the environment.
    ///
    /// fish's `set -e` of a variable that is not set fails silently with status 4.
    pub fn unset_env(self, name: &str) -> Result<String, ShellError> {
        let name = checked_name(name)?;
        Ok(match self {
            Shell::Bash | Shell::Zsh => format!("unset {name};"),
            Shell::Fish => format!("set -e {name};"),
            Shell::PowerShell => format!("Remove-Item Env:{name} -ErrorAction SilentlyContinue;"),
            Shell::Nu => format!("hide-env --ignore-errors {name}"),
            Shell::Tcsh => format!("unsetenv {name};"),
        })
    }
}

/// What one `assume` does to a shell's environment: remove `unset`, then set `set`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EnvChange {
    pub unset: Vec<String>,
    pub set: Vec<(String, String)>,
}

impl Shell {
    /// `change` as shell code, one statement a line, every name checked and every
    /// value quoted. For nushell, which cannot evaluate code it did not parse at start,
    /// it is a NUON record its `assume` reads with `from nuon`:
    /// `{unset: [NAME, ...], set: {NAME: r#'value'#, ...}}`.
    pub fn script(self, change: &EnvChange) -> Result<String, ShellError> {
        if self == Shell::Nu {
            return nu_record(change);
        }
        let mut script = String::new();
        for name in &change.unset {
            script.push_str(&self.unset_env(name)?);
            script.push('\n');
        }
        for (name, value) in &change.set {
            script.push_str(&self.set_env(name, value)?);
            script.push('\n');
        }
        Ok(script)
    }
}

fn nu_record(change: &EnvChange) -> Result<String, ShellError> {
    let unset = change
        .unset
        .iter()
        .map(|name| checked_name(name))
        .collect::<Result<Vec<_>, _>>()?;
    let set = change
        .set
        .iter()
        .map(|(name, value)| {
            Ok(format!(
                "{}: {}",
                checked_name(name)?,
                Shell::Nu.quote(value)?
            ))
        })
        .collect::<Result<Vec<_>, ShellError>>()?;
    Ok(format!(
        "{{unset: [{}], set: {{{}}}}}\n",
        unset.join(", "),
        set.join(", ")
    ))
}

/// A word for messages that tell the user what to run (`grant sso login --profile
/// 'it'\''s'`): bare when that is safe in a POSIX shell, else quoted.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if plain {
        word.to_owned()
    } else {
        quote::posix(word)
    }
}

fn checked_name(name: &str) -> Result<&str, ShellError> {
    if quote::is_valid_name(name) {
        Ok(name)
    } else {
        Err(ShellError::InvalidName(name.to_owned()))
    }
}

impl fmt::Display for Shell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Shell {
    type Err = ShellError;

    /// Case-insensitive; `pwsh` is PowerShell.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let lowercase = text.to_ascii_lowercase();
        match lowercase.as_str() {
            "bash" => Ok(Shell::Bash),
            "zsh" => Ok(Shell::Zsh),
            "fish" => Ok(Shell::Fish),
            "powershell" | "pwsh" => Ok(Shell::PowerShell),
            "nu" | "nushell" => Ok(Shell::Nu),
            "tcsh" => Ok(Shell::Tcsh),
            _ => Err(ShellError::UnknownShell(text.to_owned())),
        }
    }
}
