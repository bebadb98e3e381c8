//! The authorization-code grant's receiving end: PKCE values and a one-shot HTTP
//! listener on 127.0.0.1 that takes the browser's redirect.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::SsoError;

const CALLBACK_PATH: &str = "/oauth/callback";
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

pub struct Callback {
    listener: TcpListener,
    pub redirect_uri: String,
}

impl Callback {
    pub async fn bind() -> Result<Self, SsoError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        Ok(Callback {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}{CALLBACK_PATH}"),
        })
    }

    /// Waits for the redirect and returns its `code`. Other paths (a browser's
    /// favicon request) get a 404 and the wait goes on.
    pub async fn wait_for_code(&self, expected_state: &str) -> Result<String, SsoError> {
        loop {
            let (mut stream, _) = self.listener.accept().await?;
            let Some(target) = read_request_target(&mut stream).await else {
                continue;
            };
            let parsed = url::Url::parse(&format!("http://127.0.0.1{target}")).ok();
            let Some(url) = parsed.filter(|url| url.path() == CALLBACK_PATH) else {
                respond(&mut stream, "404 Not Found", "Not found.").await;
                continue;
            };
            let result = check_redirect(&url, expected_state);
            let page = match &result {
                Ok(_) => (
                    "200 OK",
                    "Signed in to AWS IAM Identity Center. You can close this tab and return to your terminal.",
                ),
                Err(_) => (
                    "400 Bad Request",
                    "Sign-in failed. Return to your terminal for details.",
                ),
            };
            respond(&mut stream, page.0, page.1).await;
            return result;
        }
    }
}

fn check_redirect(url: &url::Url, expected_state: &str) -> Result<String, SsoError> {
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    if let Some(error) = param("error") {
        return Err(SsoError::BrowserRefused(error));
    }
    if param("state").as_deref() != Some(expected_state) {
        return Err(SsoError::WrongState);
    }
    param("code").ok_or(SsoError::Malformed("the browser redirect carried no code"))
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
    fn redirect_checks_state_and_errors() {
        let url = |query: &str| {
            url::Url::parse(&format!("http://127.0.0.1/oauth/callback?{query}")).unwrap()
        };
        assert_eq!(check_redirect(&url("code=c&state=s"), "s").unwrap(), "c");
        assert!(matches!(
            check_redirect(&url("code=c&state=x"), "s"),
            Err(SsoError::WrongState)
        ));
        assert!(matches!(
            check_redirect(&url("code=c"), "s"),
            Err(SsoError::WrongState)
        ));
        assert!(matches!(
            check_redirect(&url("error=access_denied&state=s"), "s"),
            Err(SsoError::BrowserRefused(_))
        ));
    }
}
