//! AWS Signature Version 4 verification (header form), per the SigV4 spec.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::http::Request;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authorization {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl Authorization {
    fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// Parses `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
/// SignedHeaders=a;b, Signature=hex`.
pub(crate) fn parse_authorization(header: &str) -> Option<Authorization> {
    let rest = header.trim().strip_prefix(ALGORITHM)?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            _ => {}
        }
    }
    let mut scope = credential?.split('/');
    let parsed = Authorization {
        access_key_id: scope.next()?.to_string(),
        date: scope.next()?.to_string(),
        region: scope.next()?.to_string(),
        service: scope.next()?.to_string(),
        signed_headers: signed_headers?
            .split(';')
            .map(str::to_ascii_lowercase)
            .collect(),
        signature: signature?.to_ascii_lowercase(),
    };
    (scope.next() == Some("aws4_request") && scope.next().is_none()).then_some(parsed)
}

/// Checks the request's signature against `secret`. `Err` carries AWS's message.
pub(crate) fn verify(req: &Request, auth: &Authorization, secret: &str) -> Result<(), String> {
    let amz_date = req.header("x-amz-date").ok_or(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    )?;
    if !amz_date.starts_with(&auth.date) {
        return Err(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}'",
            auth.date,
            amz_date.get(..8).unwrap_or(amz_date)
        ));
    }
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err("'Host' must be a 'SignedHeader' in the AWS Authorization.".to_string());
    }
    let canonical = canonical_request(req, &auth.signed_headers);
    let to_sign = string_to_sign(amz_date, &auth.scope(), &canonical);
    let expected = signature(secret, auth, &to_sign);
    if expected == auth.signature {
        Ok(())
    } else {
        Err(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details."
                .to_string(),
        )
    }
}

pub(crate) fn canonical_request(req: &Request, signed_headers: &[String]) -> String {
    let payload_hash = match req.header("x-amz-content-sha256") {
        Some(hash) => hash.to_string(),
        None => hex::encode(Sha256::digest(&req.body)),
    };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        canonical_uri(&req.path),
        canonical_query(&req.raw_query),
        canonical_headers(req, signed_headers),
        signed_headers.join(";"),
        payload_hash
    )
}

/// Non-S3 services encode the (already encoded) path once more, segment by segment.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_string();
    }
    path.split('/')
        .map(uri_encode)
        .collect::<Vec<_>>()
        .join("/")
}

fn canonical_query(raw: &str) -> String {
    let mut pairs: Vec<(String, String)> = raw
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&percent_decode(k)),
                uri_encode(&percent_decode(v)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn canonical_headers(req: &Request, signed_headers: &[String]) -> String {
    let mut sorted = signed_headers.to_vec();
    sorted.sort();
    sorted
        .iter()
        .map(|name| {
            let values: Vec<String> = req
                .headers
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            format!("{name}:{}\n", values.join(","))
        })
        .collect()
}

fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

fn signature(secret: &str, auth: &Authorization, string_to_sign: &str) -> String {
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), auth.date.as_bytes());
    for part in [&auth.region, &auth.service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    hex::encode(hmac(&key, string_to_sign.as_bytes()))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// RFC 3986 encoding of everything but the unreserved characters.
fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%XX` decoding only: a `+` in a query string stays a `+`, as the signers treat it.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex_pair) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn auth(header: &str) -> Authorization {
        parse_authorization(header).expect("valid header")
    }

    /// The `get-vanilla` case of the AWS SigV4 test suite.
    #[test]
    fn get_vanilla() {
        let req = Request::new(
            "GET",
            "/",
            vec![
                ("Host".into(), "example.amazonaws.com".into()),
                ("X-Amz-Date".into(), "20150830T123600Z".into()),
            ],
            vec![],
        );
        let auth = auth(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        );
        assert_eq!(verify(&req, &auth, SECRET), Ok(()));
        assert!(verify(&req, &auth, "wrong").is_err());
    }

    /// The IAM ListUsers example of the SigV4 documentation.
    #[test]
    fn iam_list_users_example() {
        let req = Request::new(
            "GET",
            "/?Action=ListUsers&Version=2010-05-08",
            vec![
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                ),
                ("X-Amz-Date".into(), "20150830T123600Z".into()),
                ("Host".into(), "iam.amazonaws.com".into()),
            ],
            vec![],
        );
        let auth = auth(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
        );
        assert_eq!(verify(&req, &auth, SECRET), Ok(()));
    }

    #[test]
    fn malformed_headers_are_rejected() {
        assert!(parse_authorization("Bearer x").is_none());
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=A/B/C").is_none());
        assert!(parse_authorization("AWS4-HMAC-SHA256 garbage").is_none());
    }

    #[test]
    fn query_is_sorted_and_reencoded() {
        assert_eq!(canonical_query("b=2&a=x%20y&c"), "a=x%20y&b=2&c=");
        assert_eq!(canonical_uri("/a b/%2F"), "/a%20b/%252F");
    }
}
