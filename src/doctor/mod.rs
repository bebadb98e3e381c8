//! `grant doctor`: what keeps the AWS CLI, the SDKs or grant from using a profile
//! the way its owner meant, found without a prompt or a browser. The one request
//! it sends, only when the config uses IAM Identity Center, reads the clock of AWS.
//!
//! Each check adds `Finding`s: `files` looks at the sections as written (names the
//! SDKs ignore, sections and keys twice, which botocore refuses outright), `profiles`
//! at what each profile resolves to (whose provider the AWS CLI and SDKs pick, the
//! program of `credential_process`, role chains), `system` at grant's own state
//! (the secret store, the SSO sessions, the shell integration), `saml` at SAML
//! profiles (the IdP's URL, the ARNs, the browser, the sign-in), `clock` compares
//! this machine's clock with the `Date` of an answer from IAM Identity Center.

mod clock;
mod files;
mod group;
mod profiles;
mod registries;
mod saml;
mod system;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use group::report_lines;

use crate::config::AwsFiles;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something fails or is silently not used.
    Error,
    /// Works today, but not the way grant is meant to be used.
    Warning,
    /// State worth knowing; nothing to fix.
    Info,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One thing doctor found, with what to run about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Which check found it, e.g. `sso-keys-beside-process`.
    pub check: &'static str,
    pub profile: Option<String>,
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub severity: Severity,
    pub message: String,
    pub fix: Option<String>,
}

impl Finding {
    fn new(check: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            check,
            profile: None,
            file: None,
            line: None,
            severity,
            message: message.into(),
            fix: None,
        }
    }

    fn profile(mut self, name: &str) -> Self {
        self.profile = Some(name.to_owned());
        self
    }

    fn at(mut self, path: &Path, line: usize) -> Self {
        self.file = Some(path.to_path_buf());
        self.line = Some(line);
        self
    }

    fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// Whether the finding asks for a change (doctor then exits 1).
    pub fn needs_fixing(&self) -> bool {
        self.severity != Severity::Info
    }

    /// `error: FILE:LINE: MESSAGE; run: FIX`, every outside value escaped.
    pub fn line(&self) -> String {
        let mut line = format!("{}: ", self.severity.label());
        if let Some(file) = &self.file {
            line.push_str(&file.display().to_string());
            if let Some(number) = self.line {
                line.push_str(&format!(":{number}"));
            }
            line.push_str(": ");
        }
        line.push_str(&self.message);
        if let Some(fix) = &self.fix {
            line.push_str("; ");
            line.push_str(fix);
        }
        crate::term_text::shown(&line).into_owned()
    }
}

/// `--profile NAME` for a command line to run, `--profile=NAME` when the name
/// starts with `-` (which would read as a flag).
fn profile_flag(name: &str) -> String {
    let word = crate::shell::shell_word(name);
    if word.starts_with('-') {
        format!("--profile={word}")
    } else {
        format!("--profile {word}")
    }
}

/// `grant profiles convert NAME`, with `--` before a name that starts with `-`.
fn convert_command(name: &str) -> String {
    let word = crate::shell::shell_word(name);
    let separator = if word.starts_with('-') { "-- " } else { "" };
    format!("run: grant profiles convert {separator}{word}")
}

/// Every check, for the whole config or for one profile and what its chain names.
pub fn check(settings: &Settings, profile: Option<&str>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let config = crate::paths::aws_config_file();
    let credentials = crate::paths::aws_credentials_file();
    for path in [&config, &credentials] {
        findings.extend(files::check_file(path, profile));
    }
    let mut sessions = Vec::new();
    match AwsFiles::load_from(&config, &credentials) {
        Ok(aws_files) => {
            findings.extend(profiles::check(&aws_files, settings, profile));
            sessions = profiles::sso_sessions(&aws_files, settings, profile);
        }
        // `files` reported the syntax errors, each with its line.
        Err(crate::config::ConfigError::Syntax { .. }) => {}
        Err(error) => findings.push(Finding::new(
            "config-read",
            Severity::Error,
            error.to_string(),
        )),
    }
    findings.extend(registries::check(&config));
    findings.extend(system::check(settings, &sessions));
    // The one request doctor sends, and only when the config uses IAM Identity Center.
    if let Some((_, session)) = sessions.first() {
        findings.push(clock::check(&session.region));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_is_one_line_with_the_place_and_the_fix_and_escapes_values() {
        let finding = Finding::new("x", Severity::Error, "profile \u{1b}[2Jdev is broken")
            .profile("dev")
            .at(Path::new("/home/u/.aws/config"), 12)
            .fix("run: grant profiles convert dev");
        assert_eq!(
            finding.line(),
            "error: /home/u/.aws/config:12: profile \\x1b[2Jdev is broken; run: grant profiles convert dev"
        );
        assert!(finding.needs_fixing());
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(json["severity"], "error");
        assert_eq!(json["line"], 12);
        assert_eq!(json["profile"], "dev");
        assert!(!Finding::new("y", Severity::Info, "fine").needs_fixing());
    }

    #[test]
    fn commands_to_run_keep_a_name_like_a_flag_a_name() {
        assert_eq!(profile_flag("dev"), "--profile dev");
        assert_eq!(profile_flag("--debug"), "--profile=--debug");
        assert_eq!(convert_command("dev"), "run: grant profiles convert dev");
        assert_eq!(convert_command("-x"), "run: grant profiles convert -- -x");
    }
}
