//! The one request of a connection, read with bounds: at most [`MAX_HEAD_BYTES`]
//! of request line and headers, all of it within [`READ_DEADLINE`], so that an
//! idle or slow socket is closed rather than held. httparse (hyper's parser,
//! already in the tree) reads the bytes; nothing here interprets more than the
//! method, the path and the `Authorization` header.

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The SDKs send a request line and a handful of headers, well under 1 KiB.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;
const MAX_HEADERS: usize = 32;
/// What is read and dropped after an oversized or malformed head, at most.
const MAX_DISCARDED_BYTES: usize = 64 * 1024;
/// The whole head must arrive within this, however slowly it trickles in. The SDKs
/// send theirs in one packet as soon as they connect.
pub const READ_DEADLINE: Duration = Duration::from_secs(2);

/// What the endpoint looks at in a request.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub path: String,
    /// The raw value of the `Authorization` header, when there is exactly one.
    pub authorization: Option<Vec<u8>>,
    /// More than one `Authorization` header: refused rather than guessed at.
    pub repeated_authorization: bool,
    /// `X-aws-ec2-metadata-token` (the IMDSv2 session token), when there is exactly one.
    pub metadata_token: Option<Vec<u8>>,
    /// `X-aws-ec2-metadata-token-ttl-seconds` of a token request, when exactly one.
    pub metadata_token_ttl: Option<Vec<u8>>,
    /// An `X-Forwarded-For` header: a request through a proxy, which IMDSv2 refuses.
    pub forwarded: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum HeadError {
    /// Not HTTP/1.x as httparse reads it.
    Malformed,
    /// More than [`MAX_HEAD_BYTES`] before the blank line.
    TooLarge,
    /// The client closed the connection or stopped sending in time: nothing to answer.
    Gone,
}

/// Reads the head of the request on `stream`, within the bounds above.
pub fn read_head(stream: &mut TcpStream) -> Result<Head, HeadError> {
    let started = Instant::now();
    let mut buffer = vec![0u8; MAX_HEAD_BYTES];
    let mut filled = 0;
    loop {
        let left = READ_DEADLINE.saturating_sub(started.elapsed());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(HeadError::Gone);
        }
        let read = match stream.read(&mut buffer[filled..]) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Gone),
        };
        filled += read;
        if let Some(head) = parse_head(&buffer[..filled])? {
            return Ok(head);
        }
        if filled == MAX_HEAD_BYTES {
            return Err(HeadError::TooLarge);
        }
    }
}

/// After answering a request that was not read to its end: the client may still
/// be sending, and closing with its bytes unread would reset the connection before
/// it reads the answer. So the rest is read and dropped, within the same bounds.
pub fn discard_rest(stream: &mut TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    let mut discarded = 0;
    while discarded < MAX_DISCARDED_BYTES {
        let left = READ_DEADLINE.saturating_sub(started.elapsed());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(read) => discarded += read,
        }
    }
}

/// The head in `bytes`, or None while it is incomplete.
pub fn parse_head(bytes: &[u8]) -> Result<Option<Head>, HeadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
        Err(_) => return Err(HeadError::Malformed),
    }
    let all = |name: &str| -> Vec<Vec<u8>> {
        request
            .headers
            .iter()
            .filter(|header| header.name.eq_ignore_ascii_case(name))
            .map(|header| header.value.to_vec())
            .collect()
    };
    let only = |name: &str| match all(name).as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    let authorization = all("authorization");
    Ok(Some(Head {
        method: request.method.unwrap_or_default().to_owned(),
        path: request.path.unwrap_or_default().to_owned(),
        authorization: authorization.first().cloned(),
        repeated_authorization: authorization.len() > 1,
        metadata_token: only("x-aws-ec2-metadata-token"),
        metadata_token_ttl: only("x-aws-ec2-metadata-token-ttl-seconds"),
        forwarded: !all("x-forwarded-for").is_empty(),
    }))
}

/// An HTTP/1.1 answer that closes the connection.
pub fn response(status: u16, body: &str) -> Vec<u8> {
    response_with(status, "application/json", "", body)
}

/// An answer with its content type and `extra` header lines (each ending in CRLF).
pub fn response_with(status: u16, content_type: &str, extra: &str, body: &str) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    let allow = if status == 405 { "Allow: GET\r\n" } else { "" };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n{allow}{extra}Connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_head_gives_method_path_and_authorization() {
        let head = parse_head(b"GET /x HTTP/1.1\r\nHost: a\r\nauthorization: abc\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.path, "/x");
        assert_eq!(head.authorization.as_deref(), Some(&b"abc"[..]));
        assert!(!head.repeated_authorization);
    }

    #[test]
    fn incomplete_malformed_and_repeated_heads_are_told_apart() {
        assert_eq!(parse_head(b"GET / HTTP/1.1\r\nHost: a\r\n"), Ok(None));
        assert_eq!(
            parse_head(b"\x01\x02 nonsense\r\n\r\n"),
            Err(HeadError::Malformed)
        );
        let twice = parse_head(b"GET / HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(twice.repeated_authorization);
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: v\r\n")).collect();
        let request = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(parse_head(request.as_bytes()), Err(HeadError::TooLarge));
    }

    #[test]
    fn responses_carry_length_type_and_close() {
        let text = String::from_utf8(response(405, "{}")).unwrap();
        assert!(text.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
        assert!(text.contains("\r\nContent-Length: 2\r\n"));
        assert!(text.contains("\r\nAllow: GET\r\n"));
        assert!(text.contains("\r\nContent-Type: application/json\r\n"));
        assert!(text.ends_with("Connection: close\r\n\r\n{}"));
    }
}
