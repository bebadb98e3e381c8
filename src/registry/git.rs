//! The registry's repository, through the member's own `git`, so that their SSH
//! keys, credential helpers and proxies work as for any other clone. grant only
//! clones, fetches and checks out a commit; it never runs anything the repository
//! brings (hooks are not cloned, submodules are not fetched, and links are checked
//! out as plain files).

use std::path::Path;
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git is not installed (grant uses your own git for registries)")]
    Missing,
    #[error("git {action} failed: {message}")]
    Failed { action: String, message: String },
    #[error(
        "the registry's history was rewritten: {new} does not follow {old}; `grant registry sync {registry} --allow-rewritten-history` takes it anyway"
    )]
    Rewritten {
        registry: String,
        old: String,
        new: String,
    },
}

/// `git` with options that keep the repository's content data: no symlinks on disk,
/// no submodules, no `ext::` transport, and no prompt where nobody can answer.
fn git(dir: Option<&Path>) -> Command {
    let mut command = Command::new("git");
    if let Some(dir) = dir {
        command.arg("-C").arg(dir);
    }
    command.args([
        "-c",
        "core.symlinks=false",
        "-c",
        "protocol.ext.allow=never",
        "-c",
        "submodule.recurse=false",
        "-c",
        "core.hooksPath=/dev/null",
    ]);
    if !crate::terminal::person_can_answer() {
        command.env("GIT_TERMINAL_PROMPT", "0");
        command.env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    }
    command.stdin(Stdio::null());
    command
}

fn run(mut command: Command, action: &str) -> Result<String, GitError> {
    let output = command.output().map_err(|error| match error.kind() {
        std::io::ErrorKind::NotFound => GitError::Missing,
        _ => GitError::Failed {
            action: action.to_owned(),
            message: error.to_string(),
        },
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        // git's first `fatal:` or `error:` line says what went wrong; the lines after
        // it are advice.
        let lines: Vec<&str> = stderr
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect();
        let message = lines
            .iter()
            .find(|line| line.starts_with("fatal:") || line.starts_with("error:"))
            .or(lines.last())
            .map_or("no message", |line| line)
            .to_owned();
        return Err(GitError::Failed {
            action: action.to_owned(),
            message,
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Clones `url` into `dir` without checking anything out.
pub fn clone(url: &str, dir: &Path) -> Result<(), GitError> {
    let mut command = git(None);
    command
        .args(["clone", "--quiet", "--no-checkout", "--"])
        .arg(url)
        .arg(dir);
    run(command, "clone").map(drop)
}

/// Fetches `reference` (the remote's HEAD when `None`) and returns its commit.
pub fn fetch(dir: &Path, reference: Option<&str>) -> Result<String, GitError> {
    let mut command = git(Some(dir));
    command.args(["fetch", "--quiet", "--no-tags", "origin", "--"]);
    command.arg(reference.unwrap_or("HEAD"));
    run(command, "fetch").map_err(|error| match (error, reference) {
        (GitError::Failed { action, message }, None) if message.contains("HEAD") => {
            GitError::Failed {
                action,
                message: format!(
                    "{message} (the repository has no default branch: name one with --ref)"
                ),
            }
        }
        (error, _) => error,
    })?;
    let mut parse = git(Some(dir));
    parse.args(["rev-parse", "--verify", "FETCH_HEAD^{commit}"]);
    run(parse, "rev-parse")
}

/// The commit checked out, `None` before the first checkout.
pub fn current(dir: &Path) -> Option<String> {
    let mut command = git(Some(dir));
    command.args(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
    command.stderr(Stdio::null());
    run(command, "rev-parse")
        .ok()
        .filter(|commit| !commit.is_empty())
}

/// Whether `new` has `old` in its history (a fast-forward).
pub fn follows(dir: &Path, old: &str, new: &str) -> Result<bool, GitError> {
    let mut command = git(Some(dir));
    command.args(["merge-base", "--is-ancestor", old, new]);
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|error| GitError::Failed {
            action: "merge-base".into(),
            message: error.to_string(),
        })?;
    Ok(status.success())
}

/// Checks out `commit` (detached), replacing the clone's files.
pub fn checkout(dir: &Path, commit: &str) -> Result<(), GitError> {
    let mut command = git(Some(dir));
    command.args(["checkout", "--quiet", "--force", "--detach", commit, "--"]);
    run(command, "checkout").map(drop)
}
