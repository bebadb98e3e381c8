//! The agent process (`grant __secret-agent --serve`): data keys in memory, handed out
//! over its socket to processes of the same user only, one request a connection. It
//! runs in a session of its own with no terminal, never writes a key anywhere, and
//! exits after `IDLE_LIMIT` without a request, or as soon as its socket is removed
//! or replaced (the folder was cleaned up, another agent took over).

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::location::{self, SocketPath};
use super::protocol::{self, Answer, Request};
use crate::secrets::crypto::DataKey;

/// As ssh-agent and gpg-agent are used: a working day, and the night after it.
pub const IDLE_LIMIT: Duration = Duration::from_secs(12 * 60 * 60);
const WATCH_EVERY: Duration = Duration::from_secs(60);
/// A client that stalls mid-request is dropped, so it cannot block the others.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Far more stores than one user has; bounds the agent's memory.
const MAX_STORES: usize = 4096;

/// Serves at `dir` until idle or replaced. The first line on stdout says whether it
/// is listening (`ready`) or why not (`error: ...`); stdout is /dev/null after it.
pub fn serve(dir: &Path) -> anyhow::Result<()> {
    // Fails only for a process group leader, which the launcher never starts.
    let _ = rustix::process::setsid();
    close_inherited_descriptors();
    let listener = match listen(dir) {
        Ok(listening) => listening,
        Err(error) => {
            report(&format!("error: {error}"));
            return Err(error.into());
        }
    };
    report("ready");
    let started = Instant::now();
    let last_request = Arc::new(AtomicU64::new(0));
    let watched = Arc::clone(&last_request);
    let (path, identity) = (listener.path.clone(), listener.identity);
    std::thread::Builder::new()
        .name("grant-agent-watch".to_owned())
        .spawn(move || watch(&path, identity, started, &watched))?;
    let mut agent = Agent::default();
    for stream in listener.socket.incoming() {
        let Ok(stream) = stream else { continue };
        last_request.store(started.elapsed().as_secs(), Ordering::Relaxed);
        if let Err(error) = agent.handle(stream) {
            crate::debug!("secret agent: a request failed: {error}");
        }
    }
    Ok(())
}

struct Listening {
    socket: UnixListener,
    path: PathBuf,
    /// Device and inode of the socket file, to notice it being replaced.
    identity: (u64, u64),
}

fn listen(dir: &Path) -> io::Result<Listening> {
    location::prepare_dir(dir).map_err(|error| io::Error::other(error.detail))?;
    let path = match location::socket_path(dir).map_err(|error| io::Error::other(error.detail))? {
        SocketPath::Missing => dir.join(location::SOCKET_NAME),
        SocketPath::Socket(path) => {
            return Err(io::Error::other(format!(
                "{} is already there (another agent?)",
                path.display()
            )));
        }
    };
    let socket = UnixListener::bind(&path).map_err(|error| {
        io::Error::other(format!("cannot listen on {}: {error}", path.display()))
    })?;
    // The folder is 0700, so nobody else could reach the socket before this.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;
    let meta = fs::symlink_metadata(&path)?;
    Ok(Listening {
        socket,
        path,
        identity: (meta.dev(), meta.ino()),
    })
}

/// The one status line for the process that started the agent; nothing is written
/// to stdout after it, so the pipe it reads closes.
fn report(line: &str) {
    let mut stdout = io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
    if let Ok(null) = fs::OpenOptions::new().write(true).open("/dev/null") {
        let _ = rustix::stdio::dup2_stdout(&null);
    }
}

/// Closes every descriptor above stderr. Whatever the first grant was handed (a
/// pipe on fd 3 of a script that waits for its end) reached the agent through the
/// launcher; held for the agent's hours, the caller would wait for its end as long.
fn close_inherited_descriptors() {
    let open: Vec<i32> = fs::read_dir(DESCRIPTORS_DIR)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
                .filter(|fd| *fd > 2)
                .collect()
        })
        .unwrap_or_else(|_| (3..1024).collect());
    // The listing's own descriptor is among them, closed already: EBADF, ignored.
    for fd in open {
        let _ = nix::unistd::close(fd);
    }
}

const DESCRIPTORS_DIR: &str = "/proc/self/fd";

fn watch(path: &Path, identity: (u64, u64), started: Instant, last_request: &AtomicU64) {
    loop {
        std::thread::sleep(WATCH_EVERY);
        let still_ours =
            fs::symlink_metadata(path).is_ok_and(|meta| (meta.dev(), meta.ino()) == identity);
        if !still_ours {
            std::process::exit(0);
        }
        let idle = started
            .elapsed()
            .saturating_sub(Duration::from_secs(last_request.load(Ordering::Relaxed)));
        if idle >= IDLE_LIMIT {
            let _ = fs::remove_file(path);
            std::process::exit(0);
        }
    }
}

/// The keys, by store id.
#[derive(Default)]
pub struct Agent {
    keys: HashMap<String, DataKey>,
}

impl Agent {
    /// Answers one connection; a peer of another user gets nothing at all.
    pub fn handle(&mut self, mut stream: UnixStream) -> io::Result<()> {
        stream.set_read_timeout(Some(IO_TIMEOUT))?;
        stream.set_write_timeout(Some(IO_TIMEOUT))?;
        let peer = rustix::net::sockopt::socket_peercred(&stream)?;
        if !peer_is_allowed(peer.uid.as_raw(), location::my_uid()) {
            crate::debug!(
                "secret agent: refused process {} of user id {}",
                peer.pid.as_raw_nonzero(),
                peer.uid.as_raw()
            );
            return Ok(());
        }
        let answer = self.answer(protocol::read_request(&mut stream)?);
        protocol::write_answer(&mut stream, &answer)
    }

    fn answer(&mut self, request: Request) -> Answer {
        match request {
            Request::Get(id) => self.keys.get(&id).map_or(Answer::NoKey, copy_key),
            Request::PutIfAbsent(id, key) => {
                if self.keys.len() >= MAX_STORES && !self.keys.contains_key(&id) {
                    return Answer::NoKey;
                }
                copy_key(self.keys.entry(id).or_insert(key))
            }
            Request::Remove(id) => {
                self.keys.remove(&id);
                Answer::Done
            }
        }
    }
}

fn copy_key(key: &DataKey) -> Answer {
    DataKey::from_slice(key.as_bytes()).map_or(Answer::NoKey, Answer::Key)
}

/// Only the agent's own user; root gets no exception (it could read the memory
/// anyway, but a root process asking is more likely a mistake than a need).
fn peer_is_allowed(peer_uid: u32, my_uid: u32) -> bool {
    peer_uid == my_uid
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::crypto::KEY_LEN;

    fn key(byte: u8) -> DataKey {
        DataKey::from_slice(&[byte; KEY_LEN]).unwrap()
    }

    fn held(answer: Answer) -> Option<[u8; KEY_LEN]> {
        match answer {
            Answer::Key(key) => Some(*key.as_bytes()),
            _ => None,
        }
    }

    #[test]
    fn the_first_put_wins_and_stores_stay_apart() {
        let mut agent = Agent::default();
        assert!(held(agent.answer(Request::Get("a".into()))).is_none());
        let first = agent.answer(Request::PutIfAbsent("a".into(), key(1)));
        assert_eq!(held(first), Some([1; KEY_LEN]));
        let second = agent.answer(Request::PutIfAbsent("a".into(), key(2)));
        assert_eq!(
            held(second),
            Some([1; KEY_LEN]),
            "a second key never replaces the first"
        );
        assert!(held(agent.answer(Request::Get("b".into()))).is_none());
        assert!(matches!(
            agent.answer(Request::Remove("a".into())),
            Answer::Done
        ));
        assert!(held(agent.answer(Request::Get("a".into()))).is_none());
    }

    #[test]
    fn only_the_same_user_is_answered() {
        assert!(peer_is_allowed(1000, 1000));
        assert!(!peer_is_allowed(1001, 1000));
        assert!(!peer_is_allowed(0, 1000));
        assert!(!peer_is_allowed(1000, 0));
    }

    #[test]
    fn a_connection_gets_its_answer_over_the_socket() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("grant");
        let listening = listen(&dir).unwrap();
        let mode = fs::symlink_metadata(&listening.path).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(
            listen(&dir).is_err(),
            "a second agent does not take over the socket"
        );
        let server = std::thread::spawn(move || {
            let mut agent = Agent::default();
            for stream in listening.socket.incoming().take(2) {
                agent.handle(stream.unwrap()).unwrap();
            }
        });
        let path = dir.join(location::SOCKET_NAME);
        let ask = |request: &Request| {
            let mut stream = UnixStream::connect(&path).unwrap();
            protocol::write_request(&mut stream, request).unwrap();
            protocol::read_answer(&mut stream).unwrap()
        };
        assert_eq!(
            held(ask(&Request::PutIfAbsent("s1".into(), key(5)))),
            Some([5; KEY_LEN])
        );
        assert_eq!(held(ask(&Request::Get("s1".into()))), Some([5; KEY_LEN]));
        server.join().unwrap();
    }
}
