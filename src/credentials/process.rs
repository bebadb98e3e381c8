//! Another tool's `credential_process`: run through the shell as the Rust and Go
//! SDKs do, its stdout parsed as the Version 1 document.

use std::process::{Command, Stdio};

use serde::Deserialize;

use super::{Credentials, parse_expiration};

/// The variable that carries the chain of waiting requests to a nested grant (see
/// `obtain::process_chain`).
pub const PROCESS_CHAIN_VARIABLE: &str = "GRANT_PROCESS_CHAIN";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessDocument {
    version: u8,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expiration: Option<String>,
    account_id: Option<String>,
}

/// Why another tool's credential_process gave no credentials.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("cannot run `{command}`: {source}")]
    Start {
        command: String,
        source: std::io::Error,
    },
    #[error("`{command}` failed ({status})")]
    Failed {
        command: String,
        status: std::process::ExitStatus,
    },
    #[error("`{command}` did not print credential JSON (line {line}, column {column})")]
    NotJson {
        command: String,
        line: usize,
        column: usize,
    },
    #[error("`{command}` printed Version {version}, not 1")]
    Version { command: String, version: u8 },
    #[error("`{command}` printed an Expiration that is not RFC 3339: {text}")]
    Expiration { command: String, text: String },
}

/// Runs `command` with stderr and the terminal left to it (it may prompt);
/// `process_chain` is what a grant inside it sees as GRANT_PROCESS_CHAIN.
pub fn run(command: &str, process_chain: &str) -> Result<Credentials, ProcessError> {
    let command_text = || command.to_owned();
    let mut shell = if cfg!(windows) {
        let mut shell = Command::new("cmd");
        shell.arg("/C");
        shell
    } else {
        let mut shell = Command::new("sh");
        shell.arg("-c");
        shell
    };
    let output = shell
        .arg(command)
        .env(PROCESS_CHAIN_VARIABLE, process_chain)
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|source| ProcessError::Start {
            command: command_text(),
            source,
        })?;
    if !output.status.success() {
        return Err(ProcessError::Failed {
            command: command_text(),
            status: output.status,
        });
    }
    let document: ProcessDocument =
        serde_json::from_slice(&output.stdout).map_err(|error| ProcessError::NotJson {
            command: command_text(),
            line: error.line(),
            column: error.column(),
        })?;
    if document.version != 1 {
        return Err(ProcessError::Version {
            command: command_text(),
            version: document.version,
        });
    }
    let expiration = match document.expiration.as_deref() {
        Some(text) => Some(
            parse_expiration(text).ok_or_else(|| ProcessError::Expiration {
                command: command_text(),
                text: text.to_owned(),
            })?,
        ),
        None => None,
    };
    Ok(Credentials {
        access_key_id: document.access_key_id,
        secret_access_key: document.secret_access_key,
        session_token: document.session_token,
        expiration,
        account_id: document.account_id,
        person: None,
    })
}
