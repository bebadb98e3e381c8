//! HTTP plumbing: the tiny_http accept loop, and plain request/response values so the
//! service modules never touch tiny_http.

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

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

/// Runs `handler` for each request on its own thread until `stop` is set and the
/// server is unblocked.
pub(crate) fn spawn_server<H>(
    server: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    handler: Arc<H>,
) -> JoinHandle<()>
where
    H: Fn(&Request) -> Response + Send + Sync + 'static,
{
    std::thread::spawn(move || {
        loop {
            match server.recv() {
                Ok(request) => {
                    let handler = Arc::clone(&handler);
                    std::thread::spawn(move || serve_one(request, &*handler));
                }
                Err(_) if stop.load(Ordering::SeqCst) => break,
                Err(_) => continue,
            }
        }
    })
}

fn serve_one<H: Fn(&Request) -> Response>(mut raw: tiny_http::Request, handler: &H) {
    let request = match read_request(&mut raw) {
        Ok(request) => request,
        Err(e) => {
            let _ = raw.respond(to_tiny(Response::text(400, &e)));
            return;
        }
    };
    let response = catch_unwind(AssertUnwindSafe(|| handler(&request)))
        .unwrap_or_else(|_| Response::text(500, "fake-aws: handler panicked"));
    // The client may have hung up (e.g. it timed out on a delayed answer).
    let _ = raw.respond(to_tiny(response));
}

fn read_request(raw: &mut tiny_http::Request) -> Result<Request, String> {
    let mut body = Vec::new();
    raw.as_reader()
        .take(MAX_BODY)
        .read_to_end(&mut body)
        .map_err(|e| format!("cannot read request body: {e}"))?;
    let headers = raw
        .headers()
        .iter()
        .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_string()))
        .collect();
    Ok(Request::new(
        raw.method().as_str(),
        raw.url(),
        headers,
        body,
    ))
}

fn to_tiny(response: Response) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut out = tiny_http::Response::from_data(response.body).with_status_code(response.status);
    for (name, value) in response.headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            out.add_header(header);
        }
    }
    out
}

/// A handler's answer; the error side is an error response ready to send.
pub(crate) type Reply = Result<Response, Response>;
