//! HTTP plumbing: an HTTP/1.1 server with a thread per connection (keep-alive,
//! Content-Length and chunked bodies, `Expect: 100-continue`), and plain
//! request/response values for the service modules.
//!
//! It replaced tiny_http, whose worker pool could lose the wake-up of a new
//! connection while its threads served kept-alive ones: the request then sat
//! unread until the client timed out and retried, which made counts flaky.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::de::DeserializeOwned;

/// Bodies larger than this are cut off; no AWS request here comes close.
const MAX_BODY: u64 = 1 << 20;

#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    pub path: String,
    /// The query string exactly as sent (no leading `?`), needed by SigV4.
    pub raw_query: String,
    pub query: Vec<(String, String)>,
    /// Names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: &str, url: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        let (path, raw_query) = url.split_once('?').unwrap_or((url, ""));
        Request {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            raw_query: raw_query.to_string(),
            query: parse_form(raw_query.as_bytes()),
            headers: headers
                .into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
            body,
        }
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        find(&self.query, name)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Parses the body as JSON; an empty body counts as `{}`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, String> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &self.body
        };
        serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))
    }

    pub fn form(&self) -> Vec<(String, String)> {
        parse_form(&self.body)
    }
}

pub(crate) fn parse_form(input: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(input).into_owned().collect()
}

pub(crate) fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::new(status, "application/json", value.to_string())
    }

    pub fn text(status: u16, text: &str) -> Self {
        Self::new(status, "text/plain; charset=utf-8", text)
    }

    pub fn html(status: u16, html: &str) -> Self {
        Self::new(status, "text/html; charset=utf-8", html)
    }

    pub fn xml(status: u16, xml: String) -> Self {
        Self::new(status, "text/xml", xml)
    }

    pub fn redirect(location: &str) -> Self {
        Self::text(302, "").with_header("Location", location)
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Headers larger than this end the connection; no client here comes close.
const MAX_HEAD: usize = 64 << 10;
/// A kept-alive connection that stays silent this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Accepts connections until `stop` is set (and one more connection wakes the
/// loop), each served on a thread of its own.
pub(crate) fn spawn_server<H>(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
    handler: Arc<H>,
) -> JoinHandle<()>
where
    H: Fn(&Request) -> Response + Send + Sync + 'static,
{
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let handler = Arc::clone(&handler);
            std::thread::spawn(move || serve_connection(stream, &*handler));
        }
    })
}

/// Serves requests on one connection until the client closes it or asks to.
fn serve_connection<H: Fn(&Request) -> Response>(stream: TcpStream, handler: &H) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let (request, keep_alive) = match read_request(&mut reader, &mut writer) {
            Ok(Some(read)) => read,
            Ok(None) => return,
            Err(message) => {
                let _ = write_response(&mut writer, Response::text(400, &message), false);
                return;
            }
        };
        let response = catch_unwind(AssertUnwindSafe(|| handler(&request)))
            .unwrap_or_else(|_| Response::text(500, "fake-aws: handler panicked"));
        // The client may have hung up (e.g. it timed out on a delayed answer).
        if write_response(&mut writer, response, keep_alive).is_err() || !keep_alive {
            return;
        }
    }
}

/// The next request and whether the connection stays open after it; `None` when
/// the client closed the connection between requests.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> Result<Option<(Request, bool)>, String> {
    let Some(head) = read_head(reader)? else {
        return Ok(None);
    };
    let mut header_slots = [httparse::EMPTY_HEADER; 100];
    let mut parsed = httparse::Request::new(&mut header_slots);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err("incomplete request head".into()),
        Err(error) => return Err(format!("malformed request: {error}")),
    }
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let http_1_0 = parsed.version == Some(0);
    let keep_alive = match header("connection").as_deref() {
        Some("close") => false,
        Some("keep-alive") => true,
        _ => !http_1_0,
    };
    if header("expect").as_deref() == Some("100-continue") {
        writer
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|e| format!("cannot answer Expect: {e}"))?;
    }
    let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        read_chunked(reader)?
    } else {
        let length: u64 = match header("content-length") {
            Some(text) => text.parse().map_err(|_| "bad Content-Length".to_string())?,
            None => 0,
        };
        if length > MAX_BODY {
            return Err("body too large".into());
        }
        let mut body = vec![0; usize::try_from(length).unwrap_or(0)];
        reader
            .read_exact(&mut body)
            .map_err(|e| format!("cannot read request body: {e}"))?;
        body
    };
    let method = parsed.method.unwrap_or("GET");
    let url = origin_form(parsed.path.unwrap_or("/"));
    Ok(Some((Request::new(method, url, headers, body), keep_alive)))
}

/// The path and query of a request target: a client that goes through a forward
/// proxy sends the absolute form (`http://host:port/path`), which a server must
/// accept as well (RFC 9112, 3.2.2).
fn origin_form(target: &str) -> &str {
    match target.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => {
            rest.find('/').map_or("/", |slash| &rest[slash..])
        }
        _ => target,
    }
}

/// The bytes up to and including the blank line that ends the head.
fn read_head(reader: &mut BufReader<TcpStream>) -> Result<Option<Vec<u8>>, String> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let read = reader
            .read_until(b'\n', &mut head)
            .map_err(|e| format!("cannot read the request: {e}"))?;
        if read == 0 {
            return if head.iter().all(u8::is_ascii_whitespace) {
                Ok(None)
            } else {
                Err("the connection closed inside a request".into())
            };
        }
        let line = &head[before..];
        // Blank lines before a request line are allowed (RFC 9112 2.2).
        if (line == b"\r\n" || line == b"\n") && before == 0 {
            head.clear();
            continue;
        }
        if line == b"\r\n" || line == b"\n" {
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD {
            return Err("request head too large".into());
        }
    }
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader
            .read_line(&mut size_line)
            .map_err(|e| format!("cannot read a chunk: {e}"))?;
        let size_text = size_line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        if size == 0 {
            // Trailers, then the blank line.
            loop {
                let mut line = String::new();
                let read = reader.read_line(&mut line).map_err(|e| e.to_string())?;
                if read == 0 || line.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY as usize {
            return Err("body too large".into());
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader
            .read_exact(&mut body[start..])
            .map_err(|e| format!("cannot read a chunk: {e}"))?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf).map_err(|e| e.to_string())?;
    }
}

fn write_response(
    writer: &mut TcpStream,
    response: Response,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
        response.status,
        reason(response.status),
        response.body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    for (name, value) in &response.headers {
        // Names and values come from the fake itself; a line break would be a bug.
        if !name.contains(['\r', '\n']) && !value.contains(['\r', '\n']) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    writer.write_all(&bytes)?;
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A handler's answer; the error side is an error response ready to send.
pub(crate) type Reply = Result<Response, Response>;
