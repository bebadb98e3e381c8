//! The key holder where no keyring answers (containers, devcontainers, CI runners
//! whose seccomp filter refuses keyctl, with no desktop session): a per-user grant
//! process, the secret agent, keeps the data keys in memory behind a 0600 Unix
//! socket in a 0700 folder, as ssh-agent and gpg-agent do. The first grant process
//! that needs to save a key starts it (under a lock, so two never race); reads never
//! start it. When it is gone (12 hours unused, the container restarted), the entries
//! sealed with its keys read as missing and the next sign-in starts over.

mod location;
mod protocol;
mod server;

use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::secrets::crypto::DataKey;
use crate::secrets::holder::{Failure, HolderError, KeyHolder};
use location::SocketPath;
use protocol::{Answer, Request};

pub use server::serve;

/// The hidden subcommand that runs the agent.
pub const SUBCOMMAND: &str = "__secret-agent";
/// How long a new agent may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for another process that is starting the agent.
const START_LOCK_TIMEOUT: Duration = Duration::from_secs(30);
const IO_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SecretAgent {
    id: String,
}

impl SecretAgent {
    pub fn new(store_id: &str) -> Self {
        SecretAgent {
            id: store_id.to_owned(),
        }
    }
}

impl KeyHolder for SecretAgent {
    fn name(&self) -> &'static str {
        "agent"
    }

    fn load(&self) -> Result<Option<DataKey>, HolderError> {
        let Some(stream) = connect(&location::agent_dir())? else {
            return Ok(None);
        };
        match ask(stream, &Request::Get(self.id.clone()))? {
            Answer::Key(key) => Ok(Some(key)),
            Answer::NoKey => Ok(None),
            Answer::Done => Err(unexpected()),
        }
    }

    /// Put-if-absent: a key the agent already holds for this store is never replaced.
    fn store(&self, key: &DataKey) -> Result<(), HolderError> {
        let stream = connect_or_start(&location::agent_dir())?;
        let copy = DataKey::from_slice(key.as_bytes()).ok_or_else(unexpected)?;
        match ask(stream, &Request::PutIfAbsent(self.id.clone(), copy))? {
            Answer::Key(held) if held.as_bytes() == key.as_bytes() => Ok(()),
            Answer::Key(_) => Err(HolderError::new(
                Failure::Other,
                "the secret agent already holds another data key for this state folder; run the command again",
            )),
            Answer::NoKey => Err(HolderError::new(
                Failure::Other,
                "the secret agent holds as many data keys as it will; stop it (`pkill -u \"$USER\" -f __secret-agent`) and sign in again",
            )),
            Answer::Done => Err(unexpected()),
        }
    }

    fn remove(&self) -> Result<(), HolderError> {
        let Some(stream) = connect(&location::agent_dir())? else {
            return Ok(());
        };
        match ask(stream, &Request::Remove(self.id.clone()))? {
            Answer::Done => Ok(()),
            _ => Err(unexpected()),
        }
    }

    fn key_loss_note(&self) -> Option<&'static str> {
        Some(
            "the secret agent that held grant's data key has stopped (12 hours unused, a restart of the container, or killed)",
        )
    }
}

/// A connection to the live agent of `dir`; `None` when there is none (no socket, or
/// one its agent left behind when it died).
fn connect(dir: &Path) -> Result<Option<UnixStream>, HolderError> {
    if !location::inspect_dir(dir)? {
        return Ok(None);
    }
    let SocketPath::Socket(path) = location::socket_path(dir)? else {
        return Ok(None);
    };
    let stream = match UnixStream::connect(&path) {
        Ok(stream) => stream,
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound
            ) =>
        {
            crate::debug!("secret agent: nobody listens on {}", path.display());
            return Ok(None);
        }
        Err(error) => {
            return Err(HolderError::new(
                Failure::Other,
                format!(
                    "cannot reach the secret agent at {}: {error}",
                    path.display()
                ),
            ));
        }
    };
    check_agent_user(&stream, &path)?;
    Ok(Some(stream))
}

/// Only something running as this user can listen in its 0700 folder; checked all
/// the same, as the key goes to whoever answers.
fn check_agent_user(stream: &UnixStream, path: &Path) -> Result<(), HolderError> {
    let peer = rustix::net::sockopt::socket_peercred(stream).map_err(|error| {
        HolderError::new(
            Failure::Other,
            format!("cannot check who listens on {}: {error}", path.display()),
        )
    })?;
    if peer.uid.as_raw() == location::my_uid() {
        return Ok(());
    }
    Err(HolderError::new(
        Failure::Other,
        format!(
            "refusing the secret agent at {}: it runs as user id {}, not as you; remove the socket",
            path.display(),
            peer.uid.as_raw()
        ),
    ))
}

/// The live agent of `dir`, started first when there is none. One process starts it
/// at a time; a socket left by a dead agent is removed under that lock.
fn connect_or_start(dir: &Path) -> Result<UnixStream, HolderError> {
    location::prepare_dir(dir)?;
    if let Some(stream) = connect(dir)? {
        return Ok(stream);
    }
    let _lock = crate::lock::Lock::acquire_in(
        dir,
        "secret-agent",
        "starting the secret agent",
        START_LOCK_TIMEOUT,
    )
    .map_err(|error| HolderError::new(Failure::Other, error.to_string()))?;
    if let Some(stream) = connect(dir)? {
        return Ok(stream);
    }
    if let SocketPath::Socket(stale) = location::socket_path(dir)? {
        crate::debug!("secret agent: removing the socket of a dead agent");
        std::fs::remove_file(&stale).map_err(|error| {
            HolderError::new(
                Failure::Other,
                format!(
                    "cannot remove the stale socket {}: {error}",
                    stale.display()
                ),
            )
        })?;
    }
    start(dir)?;
    connect(dir)?.ok_or_else(|| {
        HolderError::new(
            Failure::Other,
            "the secret agent started but does not answer",
        )
    })
}

/// Starts the agent through `grant __secret-agent`, which starts the serving process
/// and exits, so the agent is nobody's child; waits for its status line.
fn start(dir: &Path) -> Result<(), HolderError> {
    let failed = |detail: String| HolderError::new(Failure::Other, detail);
    let program = std::env::current_exe().map_err(|error| {
        failed(format!(
            "cannot find grant's own program to start the secret agent: {error}"
        ))
    })?;
    let mut launcher = Command::new(program)
        .arg(SUBCOMMAND)
        .arg("--dir")
        .arg(dir)
        .env_clear()
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| failed(format!("cannot start the secret agent: {error}")))?;
    let status_line = launcher.stdout.take().map(read_line_within);
    let _ = launcher.wait();
    let line = status_line
        .and_then(|receiver| receiver.recv_timeout(START_TIMEOUT).ok())
        .unwrap_or_default();
    match line.trim_end() {
        "ready" => {
            crate::debug!("secret agent: started for {}", dir.display());
            Ok(())
        }
        "" => Err(failed(format!(
            "the secret agent did not start within {} s",
            START_TIMEOUT.as_secs()
        ))),
        other => Err(failed(format!(
            "the secret agent did not start: {}",
            other.strip_prefix("error: ").unwrap_or(other)
        ))),
    }
}

/// The first line `pipe` gives, read in a thread that is abandoned when it hangs.
fn read_line_within(pipe: std::process::ChildStdout) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    let _ = std::thread::Builder::new()
        .name("grant-agent-start".to_owned())
        .spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(pipe).read_line(&mut line);
            let _ = sender.send(line);
        });
    receiver
}

/// `grant __secret-agent --dir DIR` without `--serve`: starts the serving process,
/// detached from this one, and returns at once. It inherits stdout, the pipe its
/// starter reads the status line from.
pub fn launch(dir: &Path) -> anyhow::Result<()> {
    Command::new(std::env::current_exe()?)
        .arg(SUBCOMMAND)
        .arg("--dir")
        .arg(dir)
        .arg("--serve")
        .env_clear()
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::null())
        .spawn()?;
    Ok(())
}

fn ask(mut stream: UnixStream, request: &Request) -> Result<Answer, HolderError> {
    let failed = |error: std::io::Error| {
        HolderError::new(
            Failure::Other,
            format!("the secret agent did not answer: {error}; run the command again"),
        )
    };
    stream.set_read_timeout(Some(IO_TIMEOUT)).map_err(failed)?;
    stream.set_write_timeout(Some(IO_TIMEOUT)).map_err(failed)?;
    protocol::write_request(&mut stream, request).map_err(failed)?;
    protocol::read_answer(&mut stream).map_err(failed)
}

fn unexpected() -> HolderError {
    HolderError::new(Failure::Other, "the secret agent gave an unexpected answer")
}
