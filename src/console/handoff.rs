//! Handing the sign-in URL to the browser without putting it on a command line: any
//! local user reads a process's arguments (`/proc/PID/cmdline`, `ps`), and the
//! URL's `SigninToken` is the whole console session. The browser gets instead a
//! loopback URL with an unguessable path, which answers once, with a redirect to
//! the sign-in URL, and is closed. On Linux only a connection of the user's own
//! is answered (the owner of the peer socket, from `/proc/net/tcp`), so that
//! another user who reads the loopback URL off the browser's command line and
//! races the browser to it gets nothing.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// How long grant waits for the browser to load the loopback URL: a browser that
/// starts cold, with a new profile, takes seconds.
pub const WAIT: Duration = Duration::from_secs(120);
/// A request's head must arrive within this.
const HEAD_DEADLINE: Duration = Duration::from_secs(2);
const MAX_HEAD_BYTES: usize = 8 * 1024;

/// A loopback listener that gives the sign-in URL to the first request of the user's
/// own for its secret path.
pub struct Handoff {
    listener: TcpListener,
    path: String,
    url: String,
}

impl std::fmt::Debug for Handoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handoff(..)")
    }
}

impl Handoff {
    pub fn bind() -> anyhow::Result<Handoff> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|error| {
            anyhow::anyhow!("cannot listen on loopback to hand the console to the browser: {error}")
        })?;
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|error| anyhow::anyhow!("cannot make a random path: {error}"))?;
        let path = format!("/console/{}", hex::encode(bytes));
        let url = format!("http://{}{path}", listener.local_addr()?);
        Ok(Handoff {
            listener,
            path,
            url,
        })
    }

    /// What the browser gets: not a secret on its own (see the module's doc).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Answers the first request of the user's own for the path with a redirect to
    /// `target`, within `limit`; every other request gets a 404 and changes nothing.
    pub fn give(self, target: &str, limit: Duration) -> anyhow::Result<()> {
        if target.chars().any(|c| c.is_control() || c.is_whitespace()) {
            anyhow::bail!("the console's sign-in URL holds control characters: refused");
        }
        self.listener.set_nonblocking(true)?;
        let started = Instant::now();
        while started.elapsed() < limit {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    if self.answer(stream, peer, target) {
                        return Ok(());
                    }
                }
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(error) => {
                    crate::debug!("console hand-off: cannot accept: {error}");
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        anyhow::bail!(
            "the browser did not load the console within {} s",
            limit.as_secs()
        )
    }

    /// True once the sign-in URL was handed over.
    fn answer(&self, mut stream: TcpStream, peer: SocketAddr, target: &str) -> bool {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_write_timeout(Some(HEAD_DEADLINE));
        let path = read_path(&mut stream);
        let ours = path.as_deref() == Some(self.path.as_str())
            && self
                .listener
                .local_addr()
                .is_ok_and(|local| peer_may_be_given(peer, local));
        let response = if ours {
            format!(
                "HTTP/1.1 302 Found\r\nLocation: {target}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
        } else {
            crate::debug!("console hand-off: a request not for the path, or not of this user");
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned()
        };
        let _ = stream.write_all(response.as_bytes());
        let _ = stream.flush();
        ours
    }
}

/// On Linux, a connection of this user's own; elsewhere the path's 256 random bits
/// are the guard.
fn peer_may_be_given(peer: SocketAddr, local: SocketAddr) -> bool {
    crate::peer::runs_as_this_user(peer, local).unwrap_or(true)
}

/// The path of a `GET` request's head, read within [`HEAD_DEADLINE`].
fn read_path(stream: &mut TcpStream) -> Option<String> {
    let started = Instant::now();
    let mut buffer = vec![0u8; MAX_HEAD_BYTES];
    let mut filled = 0;
    while filled < MAX_HEAD_BYTES {
        let left = HEAD_DEADLINE.saturating_sub(started.elapsed());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return None;
        }
        let read = stream.read(&mut buffer[filled..]).ok()?;
        if read == 0 {
            return None;
        }
        filled += read;
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buffer[..filled]) {
            Ok(httparse::Status::Complete(_)) if request.method == Some("GET") => {
                return request.path.map(str::to_owned);
            }
            Ok(httparse::Status::Partial) => {}
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_secret_path_is_answered_with_the_target() {
        let handoff = Handoff::bind().unwrap();
        let url = handoff.url().to_owned();
        let address = url
            .strip_prefix("http://")
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let path = url.splitn(4, '/').nth(3).unwrap().to_owned();
        let giver = std::thread::spawn(move || {
            handoff.give("https://example.com/secret", Duration::from_secs(20))
        });
        let get = |path: &str| {
            let mut stream = TcpStream::connect(&address).unwrap();
            stream
                .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            answer
        };
        let wrong = get("/console/guess");
        assert!(wrong.starts_with("HTTP/1.1 404"), "{wrong}");
        assert!(!wrong.contains("secret"));
        let right = get(&format!("/{path}"));
        assert!(right.starts_with("HTTP/1.1 302"), "{right}");
        assert!(right.contains("\r\nLocation: https://example.com/secret\r\n"));
        giver.join().unwrap().unwrap();
        assert!(
            TcpStream::connect(&address).is_err(),
            "closed once answered"
        );
    }
}
