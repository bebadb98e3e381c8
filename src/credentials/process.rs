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

/// Runs `command` with stderr and the terminal left to it (it may prompt);
/// `process_chain` is what a grant inside it sees as GRANT_PROCESS_CHAIN.
pub fn run(command: &str, process_chain: &str) -> Result<Credentials, String> {
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
        .map_err(|error| format!("cannot run `{command}`: {error}"))?;
    if !output.status.success() {
        return Err(format!("`{command}` failed ({})", output.status));
    }
    let document: ProcessDocument = serde_json::from_slice(&output.stdout).map_err(|error| {
        format!(
            "`{command}` did not print credential JSON (line {}, column {})",
            error.line(),
            error.column()
        )
    })?;
    if document.version != 1 {
        return Err(format!(
            "`{command}` printed Version {}, not 1",
            document.version
        ));
    }
    let expiration = match document.expiration.as_deref() {
        Some(text) => Some(parse_expiration(text).ok_or_else(|| {
            format!("`{command}` printed an Expiration that is not RFC 3339: {text}")
        })?),
        None => None,
    };
    Ok(Credentials {
        access_key_id: document.access_key_id,
        secret_access_key: document.secret_access_key,
        session_token: document.session_token,
        expiration,
        account_id: document.account_id,
    })
}
