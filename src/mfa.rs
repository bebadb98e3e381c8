//! MFA codes: `--mfa-token`, else asked on the terminal, else (no terminal, but a
//! desktop: a credential_process under an IDE or a GUI tool) in the platform's dialog,
//! as aws-vault does: zenity or kdialog on Linux, osascript on macOS. The dialog is
//! run with an argument vector, never through a shell, and the text it shows is data
//! (the AppleScript reads it from its arguments). In CI, or with neither a terminal
//! nor a desktop, nothing is asked and the error says how to pass the code.

use std::process::{Command, Stdio};

/// What to ask for: the device, and who needs the code (`the role`, `the IAM user 'x'`).
pub struct MfaRequest<'a> {
    pub serial: &'a str,
    pub needed_by: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MfaError {
    #[error("{needed_by} needs an MFA code for {serial}: pass --mfa-token CODE")]
    NoOneToAsk { needed_by: String, serial: String },
    #[error(
        "the MFA prompt for {serial} was cancelled or failed ({detail}); pass --mfa-token CODE"
    )]
    DialogFailed { serial: String, detail: String },
    #[error("no MFA code was entered for {serial}; pass --mfa-token CODE")]
    Empty { serial: String },
}

/// The code: `given` (the flag), else asked where a person can answer.
pub fn code(given: Option<&str>, request: &MfaRequest<'_>) -> Result<String, MfaError> {
    let shown = crate::term_text::shown(request.serial);
    let answer = match given {
        Some(code) => code.to_owned(),
        None if crate::terminal::person_can_answer() => {
            crate::terminal::ask(&format!("MFA code for {shown}: "))
                .ok_or_else(|| no_one_to_ask(request))?
        }
        None if !crate::env::is_ci() && crate::env::has_display() => ask_in_dialog(request)?,
        None => return Err(no_one_to_ask(request)),
    };
    let answer = answer.trim().to_owned();
    if answer.is_empty() {
        return Err(MfaError::Empty {
            serial: shown.into_owned(),
        });
    }
    Ok(answer)
}

fn no_one_to_ask(request: &MfaRequest<'_>) -> MfaError {
    MfaError::NoOneToAsk {
        needed_by: request.needed_by.to_owned(),
        serial: crate::term_text::shown(request.serial).into_owned(),
    }
}

/// The dialog program and its arguments for this platform, if one is installed.
fn dialog_command(text: &str) -> Option<Command> {
    if cfg!(target_os = "macos") {
        let mut command = Command::new("osascript");
        // The text is the script's argument: AppleScript never parses it.
        command.args([
            "-e",
            "on run argv",
            "-e",
            "text returned of (display dialog (item 1 of argv) with title \"grant\" default answer \"\")",
            "-e",
            "end run",
            text,
        ]);
        return Some(command);
    }
    if let Ok(zenity) = which::which("zenity") {
        let mut command = Command::new(zenity);
        command.args([
            "--entry",
            "--title=grant",
            &format!("--text={}", pango_escaped(text)),
        ]);
        return Some(command);
    }
    if let Ok(kdialog) = which::which("kdialog") {
        let mut command = Command::new(kdialog);
        command.args(["--title", "grant", "--inputbox", text]);
        return Some(command);
    }
    None
}

/// zenity reads `--text` as Pango markup.
fn pango_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn ask_in_dialog(request: &MfaRequest<'_>) -> Result<String, MfaError> {
    let shown = crate::term_text::shown(request.serial).into_owned();
    let text = format!("MFA code for {shown} ({})", request.needed_by);
    let Some(mut command) = dialog_command(&text) else {
        crate::debug!("no terminal, and no zenity, kdialog or osascript for an MFA dialog");
        return Err(no_one_to_ask(request));
    };
    crate::debug!("asking for the MFA code of {shown} in a dialog");
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|error| MfaError::DialogFailed {
            serial: shown.clone(),
            detail: error.to_string(),
        })?;
    if !output.status.success() {
        return Err(MfaError::DialogFailed {
            serial: shown,
            detail: format!("the dialog ended with {}", output.status),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_given_code_is_used_as_it_is_trimmed() {
        let request = MfaRequest {
            serial: "arn:aws:iam::111111111111:mfa/alice",
            needed_by: "the role",
        };
        assert_eq!(code(Some(" 123456\n"), &request).unwrap(), "123456");
        assert!(matches!(
            code(Some("  "), &request),
            Err(MfaError::Empty { .. })
        ));
    }

    #[test]
    fn the_missing_code_error_says_how_to_pass_it() {
        let error = no_one_to_ask(&MfaRequest {
            serial: "arn:aws:iam::1:mfa/\u{1b}[31mred",
            needed_by: "the IAM user 'alice'",
        });
        let line = error.to_string();
        assert!(line.ends_with("pass --mfa-token CODE"), "{line}");
        assert!(!line.contains('\u{1b}'), "escaped: {line}");
    }

    #[test]
    fn dialog_text_is_markup_free_for_zenity() {
        assert_eq!(pango_escaped("<b>&"), "&lt;b&gt;&amp;");
    }
}
