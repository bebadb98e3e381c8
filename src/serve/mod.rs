//! The local endpoint of the AWS SDKs' container credentials provider, for
//! `grant serve`: a program given `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` asks it for credentials whenever its own
//! are about to expire, so it never holds expired keys however long it runs.
//!
//! One thread accepts; each connection gets a thread of its own, one request, and
//! is closed. The head of that request must arrive within `http::READ_DEADLINE`, so
//! an idle or trickling socket (another local user's, say) holds one thread for
//! that long and never blocks anyone else. Beyond [`MAX_CONNECTIONS`] at once the
//! accepting thread waits for one to end: new connections queue in the listener's
//! backlog ([`BACKLOG`]) rather than being dropped. Every request must
//! carry the endpoint's token in `Authorization` (compared in constant time), and
//! only `GET` of [`PATH`] is answered with credentials. The credentials come from a
//! [`Source`], which renews them (see `commands::serve`).

mod http;
pub mod imds;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use subtle::ConstantTimeEq;

use crate::credentials::{Credentials, format_expiration};

/// The one path that serves credentials.
pub const PATH: &str = "/";
/// Connections served at once; more wait in the backlog until one ends. Each is a
/// thread whose stack is reserved, not touched, so this bounds memory, not service.
const MAX_CONNECTIONS: usize = 2048;
/// The listener's queue of connections not yet accepted (the kernel caps it at
/// `net.core.somaxconn`, 4096 on current Linux).
const BACKLOG: i32 = 1024;
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the credentials of each answer come from.
pub trait Source: Send + Sync {
    /// Credentials with a session token and an expiration comfortably ahead.
    fn current(&self) -> anyhow::Result<Credentials>;
}

/// The secret every request must present: 32 bytes from the OS's CSPRNG, in hex.
pub struct Token(String);

impl Token {
    pub fn random() -> anyhow::Result<Token> {
        Ok(Token(random_hex()?))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compared in constant time, so that the answer's timing tells nothing of it.
    fn is(&self, presented: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(presented).into()
    }
}

/// 32 bytes from the OS's CSPRNG, in hex.
fn random_hex() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| anyhow::anyhow!("cannot make the endpoint's token: {error}"))?;
    Ok(hex::encode(bytes))
}

/// What the endpoint speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// The container credentials provider's (`AWS_CONTAINER_CREDENTIALS_FULL_URI`).
    Container,
    /// The EC2 instance-metadata service's, IMDSv2 only ([`imds`]).
    Imds,
}

/// How each request is answered: the token, and the IMDS sessions when it speaks IMDS.
struct Handler {
    token: Token,
    imds: Option<imds::Sessions>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

/// A bound listener and its token, not yet serving.
pub struct Endpoint {
    listener: TcpListener,
    token: Token,
    protocol: Protocol,
}

impl Endpoint {
    pub fn bind(address: SocketAddr, protocol: Protocol) -> anyhow::Result<Endpoint> {
        let listener = listen(address).map_err(|error| {
            anyhow::anyhow!(
                "cannot listen on {address}: {error}; choose another --port (0: any free one) or --bind address"
            )
        })?;
        raise_open_file_limit();
        Ok(Endpoint {
            listener,
            token: Token::random()?,
            protocol,
        })
    }

    pub fn address(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn token(&self) -> &Token {
        &self.token
    }

    /// Serves in a thread of its own until the process ends.
    pub fn spawn(self, source: Arc<dyn Source>) -> std::thread::JoinHandle<()> {
        std::thread::spawn(move || self.accept_forever(&source))
    }

    fn accept_forever(self, source: &Arc<dyn Source>) {
        let token = Arc::new(Handler {
            token: self.token,
            imds: (self.protocol == Protocol::Imds).then(imds::Sessions::default),
        });
        let open = Arc::new(Slots::default());
        for stream in self.listener.incoming() {
            let stream = match stream {
                Ok(stream) => stream,
                Err(error) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    crate::debug!("serve: cannot accept a connection: {error}");
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            open.take();
            let (token, source, open) = (Arc::clone(&token), Arc::clone(source), Arc::clone(&open));
            let spawned = std::thread::Builder::new().spawn(move || {
                serve_connection(stream, &token, source.as_ref());
                open.give_back();
            });
            if let Err(error) = spawned {
                // The closure, and with it the stream and its slot, is gone with the error.
                crate::debug!("serve: cannot start a thread: {error}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// The count of connections being served; taking a slot waits while all are taken.
#[derive(Default)]
struct Slots {
    taken: Mutex<usize>,
    freed: Condvar,
}

impl Slots {
    fn take(&self) {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        while *taken >= MAX_CONNECTIONS {
            taken = self
                .freed
                .wait(taken)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *taken += 1;
    }

    fn give_back(&self) {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        *taken = taken.saturating_sub(1);
        self.freed.notify_one();
    }
}

/// A listener with a backlog deep enough for a burst of hundreds of requests (std's
/// is 128: a burst beyond it waits for the client's SYN to be sent again, a second).
fn listen(address: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(address), Type::STREAM, None)?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&address.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

/// Every connection is a descriptor: the soft limit (often 1024) goes up to the hard
/// one, so that a burst of connections is not refused by the kernel.
fn raise_open_file_limit() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let limit = getrlimit(Resource::Nofile);
        let wanted = limit.maximum.map_or(65_536, |maximum| maximum.min(65_536));
        if limit.current.is_some_and(|current| current < wanted) {
            let raised = Rlimit {
                current: Some(wanted),
                maximum: limit.maximum,
            };
            let _ = setrlimit(Resource::Nofile, raised);
        }
    }
}

fn serve_connection(mut stream: TcpStream, handler: &Handler, source: &dyn Source) {
    let (answer, unread) = match http::read_head(&mut stream) {
        Ok(head) => match &handler.imds {
            Some(sessions) => {
                let is_this_user = || crate::peer::is_this_user(&stream);
                let caller = imds::Caller {
                    secret: &handler.token,
                    is_this_user: &is_this_user,
                };
                let reply = imds::answer(&head, &caller, sessions, source);
                let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
                let _ = stream.write_all(&reply.bytes());
                let _ = stream.flush();
                return;
            }
            None => (answer(&head, &handler.token, source), false),
        },
        Err(http::HeadError::Gone) => return,
        Err(http::HeadError::TooLarge) => (refusal(431, "the request's head is too large"), true),
        Err(http::HeadError::Malformed) => (refusal(400, "not an HTTP request"), true),
    };
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.write_all(&http::response(answer.0, &answer.1));
    let _ = stream.flush();
    if unread {
        http::discard_rest(&mut stream);
    }
}

/// The status and body for one request. The token is checked first, so that
/// nothing about the endpoint shows to whoever lacks it.
fn answer(head: &http::Head, token: &Token, source: &dyn Source) -> (u16, String) {
    let Some(presented) = &head.authorization else {
        return refusal(
            401,
            "no Authorization header: set AWS_CONTAINER_AUTHORIZATION_TOKEN",
        );
    };
    if head.repeated_authorization || !token.is(presented) {
        return refusal(403, "wrong authorization token");
    }
    if head.method != "GET" {
        return refusal(405, "only GET is served");
    }
    if head.path != PATH {
        return refusal(404, "credentials are served at /");
    }
    match source.current() {
        Ok(credentials) => match container_json(&credentials) {
            Some(json) => (200, json),
            None => refusal(503, "the credentials have no session token or expiration"),
        },
        Err(error) => {
            let line = crate::term_text::one_line(&error);
            eprintln!("grant serve: {}", crate::term_text::shown(&line));
            refusal(503, &line)
        }
    }
}

/// An error answer: a JSON body with a code and one line of message, which botocore
/// and the other SDKs quote in their own error.
fn refusal(status: u16, message: &str) -> (u16, String) {
    let body = serde_json::json!({ "Code": "GrantServe", "Message": message });
    (status, body.to_string())
}

/// The body the container credentials provider reads.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContainerCredentials<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    token: &'a str,
    expiration: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
}

/// None for long-term keys: every SDK requires `Token` and `Expiration`.
pub fn container_json(credentials: &Credentials) -> Option<String> {
    let body = ContainerCredentials {
        access_key_id: &credentials.access_key_id,
        secret_access_key: &credentials.secret_access_key,
        token: credentials.session_token.as_deref()?,
        expiration: format_expiration(credentials.expiration?),
        account_id: credentials.account_id.as_deref(),
    };
    serde_json::to_string(&body).ok()
}

/// Whether the AWS SDKs fetch from `ip` over plain http: loopback (127.0.0.0/8,
/// ::1) and the link-local addresses of ECS (169.254.170.2) and EKS Pod Identity
/// (169.254.170.23, fd00:ec2::23). Any other host needs https.
pub fn sdks_accept_http_from(ip: std::net::IpAddr) -> bool {
    const ALLOWED: [&str; 3] = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"];
    ip.is_loopback() || ALLOWED.iter().any(|allowed| allowed.parse() == Ok(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Credentials);

    impl Source for Fixed {
        fn current(&self) -> anyhow::Result<Credentials> {
            Ok(self.0.clone())
        }
    }

    fn temporary() -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "SECRET".into(),
            session_token: Some("SESSION".into()),
            expiration: Some(1_767_268_800),
            account_id: Some("111111111111".into()),
            person: None,
        }
    }

    fn head(method: &str, path: &str, authorization: Option<&str>) -> http::Head {
        http::Head {
            method: method.into(),
            path: path.into(),
            authorization: authorization.map(|value| value.as_bytes().to_vec()),
            repeated_authorization: false,
            metadata_token: None,
            metadata_token_ttl: None,
            forwarded: false,
        }
    }

    #[test]
    fn only_the_token_opens_and_only_get_of_the_path_serves() {
        let token = Token::random().unwrap();
        let source = Fixed(temporary());
        let right = Some(token.as_str());
        assert_eq!(answer(&head("GET", "/", None), &token, &source).0, 401);
        assert_eq!(
            answer(&head("GET", "/", Some("nope")), &token, &source).0,
            403
        );
        let almost = format!("{}0", token.as_str());
        assert_eq!(
            answer(&head("GET", "/", Some(&almost)), &token, &source).0,
            403
        );
        assert_eq!(answer(&head("POST", "/", right), &token, &source).0, 405);
        assert_eq!(
            answer(&head("GET", "/other", right), &token, &source).0,
            404
        );
        let mut repeated = head("GET", "/", right);
        repeated.repeated_authorization = true;
        assert_eq!(answer(&repeated, &token, &source).0, 403);
        let (status, body) = answer(&head("GET", "/", right), &token, &source);
        assert_eq!(status, 200);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "AccessKeyId": "ASIAEXAMPLE",
                "SecretAccessKey": "SECRET",
                "Token": "SESSION",
                "Expiration": "2026-01-01T12:00:00Z",
                "AccountId": "111111111111"
            })
        );
    }

    #[test]
    fn tokens_are_random_hex_of_32_bytes_and_never_debug_printed() {
        let (one, two) = (Token::random().unwrap(), Token::random().unwrap());
        assert_eq!(one.as_str().len(), 64);
        assert!(one.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(one.as_str(), two.as_str());
        assert!(!format!("{one:?}").contains(one.as_str()));
    }

    #[test]
    fn long_term_keys_have_no_container_form() {
        let long_term = Credentials {
            session_token: None,
            expiration: None,
            ..temporary()
        };
        assert_eq!(container_json(&long_term), None);
    }

    #[test]
    fn plain_http_hosts_follow_the_sdks_rules() {
        for allowed in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "169.254.170.2",
            "169.254.170.23",
            "fd00:ec2::23",
        ] {
            assert!(sdks_accept_http_from(allowed.parse().unwrap()), "{allowed}");
        }
        for refused in [
            "172.17.0.1",
            "0.0.0.0",
            "169.254.169.254",
            "192.168.1.2",
            "fd00:ec2::2",
        ] {
            assert!(
                !sdks_accept_http_from(refused.parse().unwrap()),
                "{refused}"
            );
        }
    }
}
