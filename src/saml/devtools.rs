//! The Chrome DevTools protocol over `--remote-debugging-pipe`: the browser reads
//! commands on its fd 3 and writes answers and events on its fd 4, each message
//! a JSON object ending with a NUL byte. Unlike a debugging port on loopback,
//! which every local user can reach, the pipe belongs to this process alone.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A message larger than this from the browser ends the connection.
const MAX_MESSAGE: usize = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum DevToolsError {
    #[error("cannot start the browser {program}: {source}")]
    Start {
        program: String,
        source: std::io::Error,
    },
    #[error("the browser closed")]
    Closed,
    #[error("the browser did not answer {method} within {0:?}", .timeout)]
    Timeout { method: String, timeout: Duration },
    #[error("the browser refused {method}: {message}")]
    Refused { method: String, message: String },
}

/// One event from the browser: its method, parameters, and the session it came from.
#[derive(Debug, Clone)]
pub struct Event {
    pub method: String,
    pub params: Value,
    pub session: Option<String>,
}

/// A running browser driven through its pipe.
pub struct DevTools {
    child: Child,
    commands: ChildStdin,
    messages: Receiver<Value>,
    next_id: u64,
    /// Events that arrived while waiting for an answer, oldest first.
    pending: std::collections::VecDeque<Event>,
}

impl DevTools {
    /// Starts `program` with `args` and the pipe on fds 3 and 4. The standard
    /// library cannot place pipes on fds 3 and 4 without `unsafe`, so `/bin/sh`
    /// does it: the program and its arguments are positional parameters, never
    /// shell text. The umask keeps the browser profile's files private.
    pub fn launch(program: &Path, args: &[String]) -> Result<DevTools, DevToolsError> {
        let start_error = |source| DevToolsError::Start {
            program: program.display().to_string(),
            source,
        };
        let mut child = Command::new("/bin/sh")
            .arg("-c")
            .arg("umask 077; exec \"$0\" \"$@\" 3<&0 4>&1 </dev/null >/dev/null")
            .arg(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(start_error)?;
        let (Some(commands), Some(answers)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            return Err(start_error(std::io::Error::other("no pipe")));
        };
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(answers);
            loop {
                let mut message = Vec::new();
                match Read::take(&mut reader, MAX_MESSAGE as u64).read_until(0, &mut message) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if message.pop() != Some(0) {
                    return;
                }
                let Ok(value) = serde_json::from_slice::<Value>(&message) else {
                    continue;
                };
                if sender.send(value).is_err() {
                    return;
                }
            }
        });
        Ok(DevTools {
            child,
            commands,
            messages,
            next_id: 1,
            pending: Default::default(),
        })
    }

    /// Sends a command without waiting for its answer.
    pub fn send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<u64, DevToolsError> {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        self.commands
            .write_all(&bytes)
            .and_then(|()| self.commands.flush())
            .map_err(|_| DevToolsError::Closed)?;
        Ok(id)
    }

    /// Sends a command and waits for its answer, keeping events for [`Self::next_event`].
    pub fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, DevToolsError> {
        const TIMEOUT: Duration = Duration::from_secs(30);
        let id = self.send(session, method, params)?;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    return Err(DevToolsError::Timeout {
                        method: method.to_owned(),
                        timeout: TIMEOUT,
                    });
                }
                Err(RecvTimeoutError::Disconnected) => return Err(DevToolsError::Closed),
            };
            if message.get("id").and_then(Value::as_u64) == Some(id) {
                if let Some(error) = message.get("error") {
                    return Err(DevToolsError::Refused {
                        method: method.to_owned(),
                        message: error["message"].as_str().unwrap_or("").to_owned(),
                    });
                }
                return Ok(message.get("result").cloned().unwrap_or(Value::Null));
            }
            if let Some(event) = as_event(message) {
                self.pending.push_back(event);
            }
        }
    }

    /// Puts `events` back, to come out of [`Self::next_event`] first, in order.
    pub fn requeue(&mut self, events: Vec<Event>) {
        for event in events.into_iter().rev() {
            self.pending.push_front(event);
        }
    }

    /// The next event, waiting at most `timeout`; `Ok(None)` when none came.
    pub fn next_event(&mut self, timeout: Duration) -> Result<Option<Event>, DevToolsError> {
        if let Some(event) = self.pending.pop_front() {
            return Ok(Some(event));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) => {
                    if let Some(event) = as_event(message) {
                        return Ok(Some(event));
                    }
                }
                Err(RecvTimeoutError::Timeout) => return Ok(None),
                Err(RecvTimeoutError::Disconnected) => return Err(DevToolsError::Closed),
            }
        }
    }
}

fn as_event(message: Value) -> Option<Event> {
    let method = message.get("method")?.as_str()?.to_owned();
    Some(Event {
        method,
        session: message
            .get("sessionId")
            .and_then(Value::as_str)
            .map(str::to_owned),
        params: message.get("params").cloned().unwrap_or(Value::Null),
    })
}

impl Drop for DevTools {
    /// Closes the browser (it saves its cookies on the way), killing it if it lingers.
    fn drop(&mut self) {
        let _ = self.send(None, "Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
