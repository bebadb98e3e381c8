//! The authorization-code grant's receiving end: PKCE values and an HTTP listener on
//! 127.0.0.1 that takes the browser's redirect. Anything on this machine can connect
//! to it, so it answers every connection on its own and only the redirect carrying
//! this sign-in's `state` ends the wait.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::SsoError;

const CALLBACK_PATH: &str = "/oauth/callback";
/// How long one connection may take to send its request line and headers.
const READ_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);
const UNRESERVED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// `len` random characters of the URL-safe unreserved set.
pub fn random_text(len: usize) -> Result<String, SsoError> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|error| SsoError::Io(std::io::Error::other(error)))?;
    Ok(bytes
        .iter()
        .map(|byte| UNRESERVED[usize::from(*byte) % UNRESERVED.len()] as char)
        .collect())
}

/// The PKCE pair: a 64-character verifier and its S256 challenge.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Result<Self, SsoError> {
        let verifier = random_text(64)?;
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Ok(Pkce {
            verifier,
            challenge,
        })
    }
}

type Outcome = Result<String, SsoError>;

pub struct Callback {
    listener: TcpListener,
    pub redirect_uri: String,
    /// What the answered redirects said, kept from one wait to the next: a redirect
    /// accepted while an earlier one (a code IAM Identity Center then refuses) ends
    /// a wait is there for the next.
    outcome_sender: tokio::sync::mpsc::Sender<Outcome>,
    outcomes: tokio::sync::mpsc::Receiver<Outcome>,
}

impl Callback {
    pub async fn bind() -> Result<Self, SsoError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let (outcome_sender, outcomes) = tokio::sync::mpsc::channel(1);
        Ok(Callback {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}"),
            outcome_sender,
            outcomes,
        })
    }

    /// Waits for the redirect and returns its `code`. Each connection is answered on
    /// its own task with a read deadline, so a silent or slow one cannot hold up the
    /// others. Only a redirect carrying the right `state` ends the wait (with its
    /// code or its error); anything else, such as a forged redirect or a favicon
    /// request, gets a 400 and is ignored.
    pub async fn wait_for_code(&mut self, expected_state: &str) -> Result<String, SsoError> {
        loop {
            tokio::select! {
                accepted = self.listener.accept() => {
                    let (stream, _) = accepted?;
                    let sender = self.outcome_sender.clone();
                    let expected_state = expected_state.to_owned();
                    tokio::spawn(async move {
                        if let Some(outcome) = answer(stream, &expected_state).await {
                            let _ = sender.send(outcome).await;
                        }
                    });
                }
                Some(outcome) = self.outcomes.recv() => return outcome,
            }
        }
    }
}

/// Answers one connection; `Some` when it was the redirect that ends the sign-in.
async fn answer(mut stream: TcpStream, expected_state: &str) -> Option<Outcome> {
    let target = tokio::time::timeout(READ_DEADLINE, read_request_target(&mut stream))
        .await
        .ok()
        .flatten();
    let url = target
        .and_then(|target| url::Url::parse(&format!("http://127.0.0.1{target}")).ok())
        .filter(|url| url.path() == CALLBACK_PATH);
    let outcome = url.and_then(|url| check_redirect(&url, expected_state));
    let (status, message) = match &outcome {
        Some(Ok(_)) => (
            "200 OK",
            "Signed in to AWS IAM Identity Center. You can close this tab and return to your terminal.",
        ),
        Some(Err(_)) => (
            "400 Bad Request",
            "Sign-in failed. Return to your terminal for details.",
        ),
        None => {
            crate::debug!("ignored a request to the sign-in listener without the right state");
            (
                "400 Bad Request",
                "Not a sign-in redirect for this session.",
            )
        }
    };
    respond(&mut stream, status, message).await;
    outcome
}

/// What a redirect to the callback path says, or `None` when its `state` is not the
/// one this sign-in sent: then it is not this sign-in's answer, error or not.
fn check_redirect(url: &url::Url, expected_state: &str) -> Option<Result<String, SsoError>> {
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    if param("state").as_deref() != Some(expected_state) {
        return None;
    }
    if let Some(error) = param("error") {
        return Some(Err(SsoError::BrowserRefused(error)));
    }
    Some(param("code").ok_or(SsoError::Malformed("the browser redirect carried no code")))
}

/// Reads the request head and returns the target of `GET target HTTP/1.1`.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut parts = head.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Some(target.to_owned()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, message: &str) {
    let body = format!("<!doctype html><title>grant</title><p>{message}</p>\n");
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_values_have_the_right_shape() {
        let pkce = Pkce::new().unwrap();
        assert_eq!(pkce.verifier.len(), 64);
        assert!(pkce.verifier.bytes().all(|byte| UNRESERVED.contains(&byte)));
        assert_eq!(
            pkce.challenge,
            URL_SAFE_NO_PAD.encode(Sha256::digest(pkce.verifier.as_bytes()))
        );
        assert_ne!(Pkce::new().unwrap().verifier, pkce.verifier);
    }

    #[test]
    fn only_a_redirect_with_the_right_state_counts() {
        let url = |query: &str| {
            url::Url::parse(&format!("http://127.0.0.1/oauth/callback?{query}")).unwrap()
        };
        assert_eq!(
            check_redirect(&url("code=c&state=s"), "s")
                .unwrap()
                .unwrap(),
            "c"
        );
        assert!(check_redirect(&url("code=c&state=x"), "s").is_none());
        assert!(check_redirect(&url("code=c"), "s").is_none());
        assert!(check_redirect(&url("error=access_denied&state=x"), "s").is_none());
        assert!(check_redirect(&url("error=access_denied"), "s").is_none());
        assert!(matches!(
            check_redirect(&url("error=access_denied&state=s"), "s"),
            Some(Err(SsoError::BrowserRefused(error))) if error == "access_denied"
        ));
        assert!(matches!(
            check_redirect(&url("state=s"), "s"),
            Some(Err(SsoError::Malformed(_)))
        ));
    }

    /// Sends `request` on a new connection and returns the status line of the answer.
    async fn status_of(port: u16, request: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer.lines().next().unwrap_or_default().to_owned()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    /// A listener and the port of its redirect URI.
    async fn bound() -> (Callback, u16) {
        let callback = Callback::bind().await.unwrap();
        let port = url::Url::parse(&callback.redirect_uri)
            .unwrap()
            .port()
            .unwrap();
        (callback, port)
    }

    #[test]
    fn an_idle_connection_and_forged_redirects_do_not_end_or_block_the_wait() {
        runtime().block_on(async {
            let (mut callback, port) = bound().await;
            let browser = async {
                let _idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                let get = |target: &str| format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
                let forged = [
                    "/oauth/callback?code=forged&state=wrong",
                    "/oauth/callback?error=access_denied&state=wrong",
                    "/oauth/callback?error=access_denied",
                    "/favicon.ico",
                ];
                for target in forged {
                    assert_eq!(
                        status_of(port, &get(target)).await,
                        "HTTP/1.1 400 Bad Request",
                        "{target}"
                    );
                }
                let real = get("/oauth/callback?code=real&state=s");
                assert_eq!(status_of(port, &real).await, "HTTP/1.1 200 OK");
            };
            let (code, ()) = tokio::join!(callback.wait_for_code("s"), browser);
            assert_eq!(code.unwrap(), "real");
        });
    }

    /// Two redirects with the right state that arrive together (a local process's
    /// code, then the browser's): the wait ends with one, and the other is there
    /// for the next wait, even when the first wait accepted it.
    #[test]
    fn a_redirect_accepted_as_a_wait_ends_reaches_the_next_wait() {
        runtime().block_on(async {
            let (mut callback, port) = bound().await;
            let mut browsers = Vec::new();
            for code in ["one", "two"] {
                let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
                let request = format!("GET /oauth/callback?code={code}&state=s HTTP/1.1\r\n\r\n");
                stream.write_all(request.as_bytes()).await.unwrap();
                browsers.push(stream);
            }
            let first = callback.wait_for_code("s").await.unwrap();
            let second = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                callback.wait_for_code("s"),
            )
            .await
            .expect("the second redirect was lost")
            .unwrap();
            let mut codes = [first, second];
            codes.sort();
            assert_eq!(codes, ["one", "two"]);
        });
    }
}
