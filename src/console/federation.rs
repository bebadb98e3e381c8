//! The AWS federation endpoint: session keys become a sign-in token
//! (`Action=getSigninToken`), and the token a console sign-in URL (`Action=login`).
//!
//! No `SessionDuration` is sent: AWS refuses it for role-chained credentials, and
//! without it the console session lasts as long as the keys do (as in Granted).
//! `AWS_ENDPOINT_URL_SIGNIN` (else `AWS_ENDPOINT_URL`) replaces the partition's
//! base URL, for tests and private endpoints; only `https://`, or `http://` to this
//! machine, ever receives the keys.

use std::time::Duration;

use anyhow::{Context, bail};
use http_body_util::BodyExt;

use super::SessionKeys;
use crate::partition::Partition;

/// The variable that moves the federation endpoint.
pub const ENDPOINT_VARIABLE: &str = "AWS_ENDPOINT_URL_SIGNIN";

/// A sign-in token answer is a few hundred bytes; more is not an answer.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The federation endpoint's base URL for `partition` (what `/federation` follows).
pub fn base_url(partition: Partition) -> anyhow::Result<String> {
    let Some((url, variable)) = crate::env::endpoint_override(ENDPOINT_VARIABLE) else {
        return Ok(partition.signin_base_url());
    };
    if !crate::sso::browser::may_open(&url) {
        bail!(
            "{variable} must be an https:// URL (or http:// to this machine), as the console sign-in sends keys to it; got '{}'",
            crate::term_text::shown(&url)
        );
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// `BASE/federation?Action=getSigninToken&Session={...}`; it holds the keys.
fn token_request_url(base: &str, keys: &SessionKeys) -> anyhow::Result<url::Url> {
    let session = serde_json::json!({
        "sessionId": keys.access_key_id,
        "sessionKey": keys.secret_access_key,
        "sessionToken": keys.session_token,
    })
    .to_string();
    url::Url::parse_with_params(
        &format!("{base}/federation"),
        [("Action", "getSigninToken"), ("Session", session.as_str())],
    )
    .with_context(|| format!("the federation endpoint {base} is not a URL"))
}

/// The console sign-in URL: `BASE/federation?Action=login&Destination=...&SigninToken=...`.
pub fn login_url(base: &str, destination: &str, signin_token: &str) -> anyhow::Result<String> {
    let url = url::Url::parse_with_params(
        &format!("{base}/federation"),
        [
            ("Action", "login"),
            ("Destination", destination),
            ("SigninToken", signin_token),
        ],
    )
    .with_context(|| format!("the federation endpoint {base} is not a URL"))?;
    Ok(url.into())
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    #[serde(rename = "SigninToken")]
    signin_token: String,
}

/// Exchanges session keys for a sign-in token, in one bounded request; `profile`
/// names the cache entry to clear in the message for refused keys.
pub fn signin_token(base: &str, keys: &SessionKeys, profile: &str) -> anyhow::Result<String> {
    let url = token_request_url(base, keys)?;
    let limit = crate::aws::Timeouts::current().attempt;
    let answer = crate::aws::runtime()?.block_on(get(url, limit));
    let (status, body) = answer
        .with_context(|| format!("cannot get a console sign-in token from {base}/federation"))?;
    if status != 200 {
        bail!(
            "the federation endpoint {base}/federation refused the credentials (HTTP {status}); if they were revoked, run grant cache clear --profile {} and try again",
            crate::shell::shell_word(profile)
        );
    }
    let answer: TokenAnswer = serde_json::from_slice(&body).with_context(|| {
        format!("the federation endpoint {base}/federation sent an answer without a SigninToken")
    })?;
    if answer.signin_token.is_empty() || answer.signin_token.chars().any(char::is_control) {
        bail!("the federation endpoint {base}/federation sent an unusable SigninToken");
    }
    Ok(answer.signin_token)
}

/// `GET url` over https (or http, which [`base_url`] allows only to this machine),
/// within `limit`: the status and up to [`MAX_ANSWER_BYTES`] of the body.
async fn get(url: url::Url, limit: Duration) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new_with_resolver(
        crate::net::Resolver::from_system(),
    );
    http.enforce_http(false);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .context("cannot load the system's TLS root certificates")?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, http_body_util::Empty<bytes::Bytes>>(connector);
    let uri: hyper::Uri = url.as_str().parse().context("not a URL hyper can call")?;
    let exchange = async {
        let response = client.get(uri).await.map_err(anyhow::Error::new)?;
        let status = response.status().as_u16();
        let body = http_body_util::Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|error| anyhow::anyhow!("reading the answer failed: {error}"))?
            .to_bytes();
        anyhow::Ok((status, body.to_vec()))
    };
    match tokio::time::timeout(limit, exchange).await {
        Ok(result) => result.map_err(|error| anyhow::anyhow!("{}", one_cause(&error))),
        Err(_) => bail!("no answer within {} s", limit.as_secs()),
    }
}

/// The innermost cause of a connection error: `Connection refused (os error 111)`.
fn one_cause(error: &anyhow::Error) -> String {
    error
        .chain()
        .last()
        .map_or_else(|| error.to_string(), ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> SessionKeys {
        SessionKeys {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "se/cret+&=".into(),
            session_token: "to ken&Action=login".into(),
        }
    }

    #[test]
    fn the_session_json_is_one_query_value() {
        let url = token_request_url("https://signin.aws.amazon.com", &keys()).unwrap();
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0], ("Action".into(), "getSigninToken".into()));
        let session: serde_json::Value = serde_json::from_str(&pairs[1].1).unwrap();
        assert_eq!(session["sessionKey"], "se/cret+&=");
        assert_eq!(session["sessionToken"], "to ken&Action=login");
        assert_eq!(url.path(), "/federation");
    }

    #[test]
    fn the_login_url_carries_destination_and_token_encoded() {
        let destination = "https://console.aws.amazon.com/s3/home?region=eu-west-1#x";
        let url = login_url("http://127.0.0.1:9", destination, "TOKEN&x=1").unwrap();
        assert!(url.starts_with("http://127.0.0.1:9/federation?Action=login&"));
        let parsed = url::Url::parse(&url).unwrap();
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            [
                ("Action".to_owned(), "login".to_owned()),
                ("Destination".to_owned(), destination.to_owned()),
                ("SigninToken".to_owned(), "TOKEN&x=1".to_owned()),
            ]
        );
        assert!(parsed.fragment().is_none());
    }
}
