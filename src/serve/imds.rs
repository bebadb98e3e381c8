//! `grant serve --imds`: the same credentials in the EC2 instance-metadata protocol,
//! IMDSv2 only, for programs that know no other provider.
//!
//! A client first asks `PUT /latest/api/token` with
//! `X-aws-ec2-metadata-token-ttl-seconds` (1 to 21600) for a session token, then
//! `GET /latest/meta-data/iam/security-credentials/` (the role's name) and
//! `.../NAME` (the credentials), each with `X-aws-ec2-metadata-token`. A request
//! without a valid session token gets 401, as IMDSv2 answers; a token request
//! through a proxy (`X-Forwarded-For`) gets 403.
//!
//! Unlike an instance's, this endpoint shares the machine with other users, and the
//! token request takes no secret. So a request is served when its path starts with
//! the endpoint's own secret (`/SECRET/latest/...`), which only the program given
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT` knows, or, on Linux, when the connection
//! comes from a program of grant's own user ([`super::peer`]): the AWS SDK for
//! JavaScript keeps only the host and port of that variable. Anyone else gets
//! nothing, as the container endpoint serves nothing without its token.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Source, Token, refusal};
use crate::credentials::format_expiration;

/// The one role name the endpoint lists.
pub const ROLE_NAME: &str = "grant";
const MAX_TTL_SECONDS: u64 = 21_600;
/// Session tokens alive at once; beyond it a token request is refused until some expire.
const MAX_SESSIONS: usize = 4096;
const CREDENTIALS_PATH: &str = "latest/meta-data/iam/security-credentials";

/// The IMDSv2 session tokens handed out, with when each expires.
#[derive(Default)]
pub struct Sessions {
    tokens: Mutex<HashMap<String, Instant>>,
}

impl Sessions {
    fn issue(&self, ttl: Duration) -> anyhow::Result<Option<String>> {
        let token = super::random_hex()?;
        let now = Instant::now();
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.retain(|_, expires| *expires > now);
        if tokens.len() >= MAX_SESSIONS {
            return Ok(None);
        }
        tokens.insert(token.clone(), now + ttl);
        Ok(Some(token))
    }

    fn is_valid(&self, presented: &[u8]) -> bool {
        let Ok(presented) = std::str::from_utf8(presented) else {
            return false;
        };
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens
            .get(presented)
            .is_some_and(|expires| *expires > Instant::now())
    }
}

/// One IMDS answer: the session token's carries its TTL in a header, which the
/// SDKs read (the Rust SDK requires it), and is plain text, as EC2's.
pub struct Reply {
    pub status: u16,
    pub body: String,
    ttl: Option<u64>,
}

impl Reply {
    pub fn bytes(&self) -> Vec<u8> {
        match self.ttl {
            Some(ttl) => super::http::response_with(
                self.status,
                "text/plain",
                &format!("X-aws-ec2-metadata-token-ttl-seconds: {ttl}\r\n"),
                &self.body,
            ),
            None => super::http::response(self.status, &self.body),
        }
    }
}

/// The answer to one IMDS request.
pub fn answer(
    head: &super::http::Head,
    caller: &Caller<'_>,
    sessions: &Sessions,
    source: &dyn Source,
) -> Reply {
    let (status, body) = match head.method.as_str() {
        "PUT" => match token_request(head, caller, sessions) {
            Ok((token, ttl)) => {
                return Reply {
                    status: 200,
                    body: token,
                    ttl: Some(ttl),
                };
            }
            Err(refused) => refused,
        },
        _ => answer_get(head, caller, sessions, source),
    };
    Reply {
        status,
        body,
        ttl: None,
    }
}

/// Who asks: the secret is checked first; the owner of the connection only when
/// the path lacks it.
pub struct Caller<'a> {
    pub secret: &'a Token,
    pub is_this_user: &'a dyn Fn() -> bool,
}

/// `PUT /latest/api/token` for a caller let in: a new session token and its TTL.
fn token_request(
    head: &super::http::Head,
    caller: &Caller<'_>,
    sessions: &Sessions,
) -> Result<(String, u64), (u16, String)> {
    match let_in(head, caller) {
        Some("latest/api/token") => session_token(head, sessions),
        Some(_) => Err(refusal(405, "only PUT of the token and GET are served")),
        None => Err(refusal(404, "not found")),
    }
}

/// The path after `/SECRET/` when the secret is the endpoint's, else after `/`
/// when the caller is a program of this user; `None` lets nobody in.
fn let_in<'a>(head: &'a super::http::Head, caller: &Caller<'_>) -> Option<&'a str> {
    let path = head.path.strip_prefix('/')?;
    let under_secret = path
        .split_once('/')
        .filter(|(presented, _)| caller.secret.is(presented.as_bytes()))
        .map(|(_, rest)| rest);
    under_secret.or_else(|| (caller.is_this_user)().then_some(path))
}

fn answer_get(
    head: &super::http::Head,
    caller: &Caller<'_>,
    sessions: &Sessions,
    source: &dyn Source,
) -> (u16, String) {
    let Some(rest) = let_in(head, caller) else {
        return refusal(404, "not found");
    };
    match (head.method.as_str(), rest) {
        ("GET", path) => {
            let valid = head
                .metadata_token
                .as_deref()
                .is_some_and(|token| sessions.is_valid(token));
            if !valid {
                return refusal(401, "no valid X-aws-ec2-metadata-token: IMDSv2 only");
            }
            metadata(path, source)
        }
        _ => refusal(405, "only PUT of the token and GET are served"),
    }
}

fn session_token(
    head: &super::http::Head,
    sessions: &Sessions,
) -> Result<(String, u64), (u16, String)> {
    if head.forwarded {
        return Err(refusal(403, "token requests through a proxy are refused"));
    }
    let ttl = head
        .metadata_token_ttl
        .as_deref()
        .and_then(|value| std::str::from_utf8(value).ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .filter(|seconds| (1..=MAX_TTL_SECONDS).contains(seconds));
    let Some(ttl) = ttl else {
        return Err(refusal(
            400,
            "X-aws-ec2-metadata-token-ttl-seconds must be from 1 to 21600",
        ));
    };
    match sessions.issue(Duration::from_secs(ttl)) {
        Ok(Some(token)) => Ok((token, ttl)),
        Ok(None) => Err(refusal(503, "too many session tokens; try again later")),
        Err(error) => Err(refusal(503, &crate::term_text::one_line(&error))),
    }
}

fn metadata(path: &str, source: &dyn Source) -> (u16, String) {
    let Some(rest) = path.strip_prefix(CREDENTIALS_PATH) else {
        return refusal(404, "not found");
    };
    match rest {
        "" | "/" => (200, ROLE_NAME.to_owned()),
        name if name.strip_prefix('/') == Some(ROLE_NAME) => credentials(source),
        _ => refusal(404, "not found"),
    }
}

/// The document EC2 answers with for an instance role.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct InstanceCredentials<'a> {
    code: &'static str,
    last_updated: String,
    #[serde(rename = "Type")]
    kind: &'static str,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    token: &'a str,
    expiration: String,
}

fn credentials(source: &dyn Source) -> (u16, String) {
    let credentials = match source.current() {
        Ok(credentials) => credentials,
        Err(error) => {
            let line = crate::term_text::one_line(&error);
            eprintln!("grant serve: {}", crate::term_text::shown(&line));
            return refusal(503, &line);
        }
    };
    let (Some(token), Some(expiration)) = (&credentials.session_token, credentials.expiration)
    else {
        return refusal(503, "the credentials have no session token or expiration");
    };
    let body = InstanceCredentials {
        code: "Success",
        last_updated: format_expiration(time::OffsetDateTime::now_utc().unix_timestamp()),
        kind: "AWS-HMAC",
        access_key_id: &credentials.access_key_id,
        secret_access_key: &credentials.secret_access_key,
        token,
        expiration: format_expiration(expiration),
    };
    match serde_json::to_string(&body) {
        Ok(json) => (200, json),
        Err(error) => refusal(503, &error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::http::parse_head;
    use super::*;
    use crate::credentials::Credentials;

    struct Fixed;

    impl Source for Fixed {
        fn current(&self) -> anyhow::Result<Credentials> {
            Ok(Credentials {
                access_key_id: "ASIAEXAMPLE".into(),
                secret_access_key: "SECRET".into(),
                session_token: Some("SESSION".into()),
                expiration: Some(1_767_268_800),
                account_id: None,
                person: None,
            })
        }
    }

    /// A request from another user's program (or from anywhere, off Linux).
    fn ask(secret: &Token, sessions: &Sessions, request: &str) -> (u16, String) {
        ask_as(secret, sessions, request, false)
    }

    fn ask_as(secret: &Token, sessions: &Sessions, request: &str, mine: bool) -> (u16, String) {
        let head = parse_head(request.as_bytes()).unwrap().unwrap();
        let is_this_user = || mine;
        let caller = Caller {
            secret,
            is_this_user: &is_this_user,
        };
        let reply = answer(&head, &caller, sessions, &Fixed);
        (reply.status, reply.body)
    }

    /// A program of grant's own user that dropped the path (the JavaScript SDK)
    /// is served at the plain IMDS paths, still IMDSv2 only.
    #[test]
    fn this_users_programs_need_no_secret() {
        let secret = Token::random().unwrap();
        let sessions = Sessions::default();
        let put =
            "PUT /latest/api/token HTTP/1.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n";
        assert_eq!(ask_as(&secret, &sessions, put, false).0, 404);
        let (status, token) = ask_as(&secret, &sessions, put, true);
        assert_eq!(status, 200);
        let get = |token: &str| {
            format!(
                "GET /latest/meta-data/iam/security-credentials/grant HTTP/1.1\r\nX-aws-ec2-metadata-token: {token}\r\n\r\n"
            )
        };
        assert_eq!(ask_as(&secret, &sessions, &get("made-up"), true).0, 401);
        assert_eq!(ask_as(&secret, &sessions, &get(&token), false).0, 404);
        assert_eq!(ask_as(&secret, &sessions, &get(&token), true).0, 200);
    }

    #[test]
    fn imdsv2_only_and_only_under_the_secret() {
        let secret = Token::random().unwrap();
        let sessions = Sessions::default();
        let s = secret.as_str();
        let creds = format!("/{s}/latest/meta-data/iam/security-credentials/grant");
        let get = |path: &str, token: &str| {
            ask(
                &secret,
                &sessions,
                &format!("GET {path} HTTP/1.1\r\nX-aws-ec2-metadata-token: {token}\r\n\r\n"),
            )
        };
        assert_eq!(get(&creds, "none").0, 401, "no session token");
        let put = |path: &str, ttl: &str| {
            ask(
                &secret,
                &sessions,
                &format!(
                    "PUT {path} HTTP/1.1\r\nX-aws-ec2-metadata-token-ttl-seconds: {ttl}\r\n\r\n"
                ),
            )
        };
        assert_eq!(put(&format!("/{s}/latest/api/token"), "0").0, 400);
        assert_eq!(put(&format!("/{s}/latest/api/token"), "21601").0, 400);
        assert_eq!(put("/latest/api/token", "60").0, 404, "no secret");
        assert_eq!(put("/wrong/latest/api/token", "60").0, 404);
        let forwarded = ask(
            &secret,
            &sessions,
            &format!(
                "PUT /{s}/latest/api/token HTTP/1.1\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n"
            ),
        );
        assert_eq!(forwarded.0, 403);
        let (status, token) = put(&format!("/{s}/latest/api/token"), "60");
        assert_eq!(status, 200);
        let listed = get(
            &format!("/{s}/latest/meta-data/iam/security-credentials/"),
            &token,
        );
        assert_eq!(listed, (200, "grant".to_owned()));
        let (status, body) = get(&creds, &token);
        assert_eq!(status, 200);
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["Code"], "Success");
        assert_eq!(json["Type"], "AWS-HMAC");
        assert_eq!(json["AccessKeyId"], "ASIAEXAMPLE");
        assert_eq!(json["Token"], "SESSION");
        assert_eq!(json["Expiration"], "2026-01-01T12:00:00Z");
        assert_eq!(
            get(&creds.replace(s, "wrong"), &token).0,
            404,
            "a session token is no secret"
        );
    }
}
