//! MFA codes: `--mfa-token`, else the profile's `mfa_process` (a command whose
//! stdout is the code, as aws-vault's), else a YubiKey through `ykman oath accounts
//! code` when the `MFA.YubiKey` setting is on, else asked on the terminal, else (no
//! terminal, but a
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
    /// The profile's `mfa_process`: read only from the user's own AWS files, like
    /// `credential_process`, and run the same way.
    pub process: Option<&'a str>,
    /// Ask a YubiKey with `ykman` (the `MFA.YubiKey` setting).
    pub ykman: bool,
}

/// The length of an AWS MFA code (TOTP).
const CODE_DIGITS: usize = 6;

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
    #[error("{program} for {serial} failed ({detail}); fix it or pass --mfa-token CODE")]
    ProgramFailed {
        program: String,
        serial: String,
        detail: String,
    },
    #[error(
        "{program} for {serial} did not print an MFA code (6 digits on one line); fix it or pass --mfa-token CODE"
    )]
    NotACode { program: String, serial: String },
}

/// The code: `given` (the flag), else asked where a person can answer.
pub fn code(given: Option<&str>, request: &MfaRequest<'_>) -> Result<String, MfaError> {
    let shown = crate::term_text::shown(request.serial);
    let answer = match given {
        Some(code) => code.to_owned(),
        None if request.process.is_some() || request.ykman => return from_program(request),
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

/// The code printed by `mfa_process`, else by `ykman`; checked to be a code, so
/// that whatever else the program printed is never sent to AWS nor shown.
fn from_program(request: &MfaRequest<'_>) -> Result<String, MfaError> {
    let shown = crate::term_text::shown(request.serial).into_owned();
    let (program, mut command) = match request.process {
        Some(line) => (
            format!("mfa_process `{}`", crate::term_text::shown(line)),
            shell_command(line),
        ),
        None => ("ykman".to_owned(), ykman_command(request.serial)),
    };
    let failed = |detail: String| MfaError::ProgramFailed {
        program: program.clone(),
        serial: shown.clone(),
        detail,
    };
    crate::debug!("asking {program} for the MFA code of {shown}");
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|error| failed(error.to_string()))?;
    if !output.status.success() {
        return Err(failed(format!("it ended with {}", output.status)));
    }
    as_code(&output.stdout).ok_or(MfaError::NotACode {
        program: program.clone(),
        serial: shown.clone(),
    })
}

/// `sh -c LINE` (`cmd /C` on Windows), as `credential_process` is run.
fn shell_command(line: &str) -> Command {
    let mut command = if cfg!(windows) {
        let mut command = Command::new("cmd");
        command.arg("/C");
        command
    } else {
        let mut command = Command::new("sh");
        command.arg("-c");
        command
    };
    command.arg(line);
    command
}

/// `ykman oath accounts code --single SERIAL`: the OATH account named after the
/// device's ARN, as aws-vault's `--prompt ykman` asks for it. The serial is one
/// argument, never parsed by a shell.
fn ykman_command(serial: &str) -> Command {
    let mut command = Command::new("ykman");
    command.args(["oath", "accounts", "code", "--single", "--", serial]);
    command
}

/// The code in a program's output: six digits alone on the one line it printed.
fn as_code(stdout: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(stdout).ok()?.trim();
    (text.len() == CODE_DIGITS && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.to_owned())
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
            process: Some("exit 1"),
            ykman: false,
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
            process: None,
            ykman: false,
        });
        let line = error.to_string();
        assert!(line.ends_with("pass --mfa-token CODE"), "{line}");
        assert!(!line.contains('\u{1b}'), "escaped: {line}");
    }

    #[test]
    fn only_six_digits_alone_are_a_code() {
        assert_eq!(as_code(b"123456\n").as_deref(), Some("123456"));
        assert_eq!(as_code(b"  012345 \r\n").as_deref(), Some("012345"));
        for bad in [
            &b"12345\n"[..],
            b"1234567",
            b"12345a",
            b"123456\n654321\n",
            b"\x1b[31m123456",
            b"",
            b"\xff\xfe",
        ] {
            assert_eq!(as_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dialog_text_is_markup_free_for_zenity() {
        assert_eq!(pango_escaped("<b>&"), "&lt;b&gt;&amp;");
    }
}
