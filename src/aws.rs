//! Clients of the official AWS SDK crates, built only on the paths that talk to AWS.
//!
//! Endpoints follow the standard overrides (`AWS_ENDPOINT_URL_SSO`,
//! `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL_IAM`,
//! `AWS_ENDPOINT_URL`), which
//! is also how the tests reach their fake AWS.
//!
//! Every call is retried by the SDK (standard mode: [`MAX_ATTEMPTS`] attempts with
//! jittered exponential backoff) on 5xx answers, throttling and timeouts, and is
//! bounded in time (see [`Timeouts`]). [`describe_error`] turns what is left of a
//! failure into a short phrase for grant's one-line errors.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

use crate::profile::StaticKeys;

/// Attempts per call, the first one included.
pub const MAX_ATTEMPTS: u32 = 3;

/// The time limits of one call: connecting, each attempt, and the whole call with
/// its retries. 5 s, 15 s and 40 s; `GRANT_HTTP_TIMEOUT_SECONDS=N` sets the attempt
/// limit to N s and scales the others with it (connect min(5, N) s, call 8N/3 s),
/// for tests and for networks known to be slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub attempt: Duration,
    pub operation: Duration,
}

impl Timeouts {
    pub fn current() -> Timeouts {
        let attempt = crate::env::value("GRANT_HTTP_TIMEOUT_SECONDS")
            .and_then(|text| text.trim().parse::<f64>().ok())
            .filter(|seconds| seconds.is_finite() && *seconds > 0.0 && *seconds <= 3600.0)
            .map(Duration::from_secs_f64);
        match attempt {
            Some(attempt) => Timeouts {
                connect: attempt.min(Duration::from_secs(5)),
                attempt,
                operation: attempt * 8 / 3,
            },
            None => Timeouts {
                connect: Duration::from_secs(5),
                attempt: Duration::from_secs(15),
                operation: Duration::from_secs(40),
            },
        }
    }
}

/// Shared SDK settings for `region`, with no default credential chain: the SSO
/// portal and OIDC calls are unsigned, and STS gets explicit credentials. Bounded
/// timeouts: a server that does not answer must not hang a shell or a build.
pub async fn sdk_config(region: &str) -> SdkConfig {
    let limits = Timeouts::current();
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(limits.connect)
        .operation_attempt_timeout(limits.attempt)
        .operation_timeout(limits.operation)
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(crate::net::https_client())
        .region(Region::new(region.to_owned()))
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .no_credentials()
        .load()
        .await
}

/// What a failed SDK call amounts to, for one line of error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallFailure {
    /// Throttled (429 or a throttling code), still after the SDK's retries.
    Throttled,
    /// No answer within the time limits.
    TimedOut(Timeouts),
    /// The answer could not be read: a garbled body, an HTML page.
    Malformed(String),
    /// An error answer: `HTTP 500 InternalServerException: message`.
    Status {
        status: u16,
        code: Option<String>,
        text: String,
    },
    /// The server could not be reached.
    Unreachable(String),
    Other(String),
}

impl CallFailure {
    /// Whether the SDK retried it (5xx, throttling, timeouts, connection errors).
    pub fn was_retried(&self) -> bool {
        match self {
            CallFailure::Throttled | CallFailure::TimedOut(_) | CallFailure::Unreachable(_) => true,
            CallFailure::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

impl CallFailure {
    /// The failure as text, for a client that makes `attempts` attempts a call.
    pub fn line(&self, attempts: u32) -> String {
        let tried = if self.was_retried() {
            format!(", after {attempts} attempts")
        } else {
            String::new()
        };
        match self {
            CallFailure::Throttled => format!("throttled{tried}"),
            CallFailure::TimedOut(limits) => format!(
                "no answer in time ({} s per attempt, {} s in all with retries)",
                seconds(limits.attempt),
                seconds(limits.operation)
            ),
            CallFailure::Malformed(detail) => {
                format!("an answer grant cannot read ({})", shortened(detail))
            }
            CallFailure::Status { text, .. } => format!("{text}{tried}"),
            CallFailure::Unreachable(detail) => format!("cannot connect ({detail}){tried}"),
            CallFailure::Other(detail) => detail.clone(),
        }
    }
}

impl std::fmt::Display for CallFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line(MAX_ATTEMPTS))
    }
}

/// At most 120 characters of a parser's complaint.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(120) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

fn seconds(duration: Duration) -> String {
    let text = format!("{:.1}", duration.as_secs_f64());
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// The error codes AWS services use for throttling.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
];

/// Classifies a failed call without its raw body or headers (which may hold
/// secrets and never belong in a one-line error).
pub fn describe_error<E>(error: &SdkError<E, HttpResponse>) -> CallFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let one_line = |text: String| text.replace(['\n', '\r'], " ");
    let source_text = |error: &dyn std::error::Error| {
        let mut text = error.to_string();
        let mut cause = error.source();
        while let Some(inner) = cause {
            let inner_text = inner.to_string();
            if !text.contains(&inner_text) {
                text.push_str(": ");
                text.push_str(&inner_text);
            }
            cause = inner.source();
        }
        one_line(text)
    };
    match error {
        SdkError::TimeoutError(_) => CallFailure::TimedOut(Timeouts::current()),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            CallFailure::TimedOut(Timeouts::current())
        }
        SdkError::DispatchFailure(failure) => match failure.as_connector_error() {
            Some(connector) => CallFailure::Unreachable(source_text(connector)),
            None => CallFailure::Unreachable("the request could not be sent".into()),
        },
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            let detail = std::error::Error::source(error)
                .map(source_text)
                .unwrap_or_else(|| "unreadable answer".into());
            if (200..300).contains(&status) {
                CallFailure::Malformed(detail)
            } else {
                CallFailure::Status {
                    status,
                    code: None,
                    text: format!("HTTP {status} with an unreadable answer"),
                }
            }
        }
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let err = service.err();
            let code = err.code().map(str::to_owned);
            if status == 429
                || code
                    .as_deref()
                    .is_some_and(|c| THROTTLING_CODES.contains(&c))
            {
                return CallFailure::Throttled;
            }
            if (200..300).contains(&status) {
                // A success status whose body did not parse.
                let detail = std::error::Error::source(err)
                    .map(source_text)
                    .unwrap_or_else(|| "unexpected content".into());
                return CallFailure::Malformed(detail);
            }
            let text = match (&code, err.message()) {
                (Some(code), Some(message)) => {
                    format!("HTTP {status} {code}: {}", one_line(message.to_owned()))
                }
                (Some(code), None) => format!("HTTP {status} {code}"),
                (None, _) => format!("HTTP {status} with an answer that is not an AWS error"),
            };
            CallFailure::Status { status, code, text }
        }
        other => CallFailure::Other(source_text(other)),
    }
}

/// The endpoint override the SDK uses for a service, as the debug log shows it:
/// `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true. `None`: the service's own endpoint.
fn endpoint_override(service_variable: &str) -> Option<(String, &str)> {
    crate::env::endpoint_override(service_variable)
}

/// One debug line naming the endpoint a client of `service` will call.
fn log_endpoint(service: &str, service_variable: &str, config: &SdkConfig) {
    if !crate::log::enabled() {
        return;
    }
    let region = config
        .region()
        .map_or("(no region)", |region| region.as_ref());
    match endpoint_override(service_variable) {
        Some((url, variable)) => crate::debug!(
            "{service} endpoint: {} (from {variable}), region {region}; the SDK's own: {}",
            without_userinfo(&url),
            sdk_endpoint(service, region).unwrap_or_else(|| "unknown".to_owned())
        ),
        None => crate::debug!(
            "{service} endpoint: no AWS_ENDPOINT_URL override, the SDK's for region {region}{}",
            sdk_endpoint(service, region)
                .map(|url| format!(": {url}"))
                .unwrap_or_default()
        ),
    }
}

/// The endpoint the SDK's own rules and partition data give `service` in
/// `region`, e.g. `https://sts.eusc-de-east-1.amazonaws.eu`.
pub fn sdk_endpoint(service: &str, region: &str) -> Option<String> {
    match service {
        "STS" => {
            use aws_sdk_sts::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
            let params = Params::builder().region(region).build().ok()?;
            ready(DefaultResolver::new().resolve_endpoint(&params))
        }
        "IAM Identity Center portal" => {
            use aws_sdk_sso::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
            let params = Params::builder().region(region).build().ok()?;
            ready(DefaultResolver::new().resolve_endpoint(&params))
        }
        "IAM Identity Center OIDC" => {
            use aws_sdk_ssooidc::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
            let params = Params::builder().region(region).build().ok()?;
            ready(DefaultResolver::new().resolve_endpoint(&params))
        }
        _ => None,
    }
}

/// The URL of an endpoint the SDK resolves at once (its rules run synchronously).
fn ready<E>(
    future: impl std::future::Future<Output = Result<aws_sdk_sts::config::endpoint::Endpoint, E>>,
) -> Option<String> {
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).poll(&mut context) {
        std::task::Poll::Ready(Ok(endpoint)) => Some(endpoint.url().to_owned()),
        _ => None,
    }
}

/// `url` with any `user:password@` of its authority replaced, so that the log
/// never shows a password someone put in an endpoint URL.
fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) if !scheme.is_empty() => format!("{scheme}://***@{}", &rest[at + 1..]),
        _ => url.to_owned(),
    }
}

/// The IAM Identity Center portal (GetRoleCredentials, ListAccounts, Logout).
pub fn sso_portal(config: &SdkConfig) -> aws_sdk_sso::Client {
    log_endpoint("IAM Identity Center portal", "AWS_ENDPOINT_URL_SSO", config);
    aws_sdk_sso::Client::new(config)
}

/// IAM Identity Center OIDC (RegisterClient, device and authorization-code flows).
pub fn sso_oidc(config: &SdkConfig) -> aws_sdk_ssooidc::Client {
    log_endpoint(
        "IAM Identity Center OIDC",
        "AWS_ENDPOINT_URL_SSO_OIDC",
        config,
    );
    aws_sdk_ssooidc::Client::new(config)
}

/// STS, signed with `keys`.
pub fn sts(config: &SdkConfig, keys: &StaticKeys) -> aws_sdk_sts::Client {
    log_endpoint("STS", "AWS_ENDPOINT_URL_STS", config);
    let sts_config = aws_sdk_sts::config::Builder::from(config)
        .credentials_provider(sdk_credentials(keys))
        .build();
    aws_sdk_sts::Client::from_conf(sts_config)
}

/// IAM (the access keys of `grant credentials rotate`), signed with `keys`.
/// STS for the calls that take no signature (AssumeRoleWithSAML).
pub fn sts_unsigned(config: &SdkConfig) -> aws_sdk_sts::Client {
    log_endpoint("STS", "AWS_ENDPOINT_URL_STS", config);
    aws_sdk_sts::Client::new(config)
}

pub fn iam(config: &SdkConfig, keys: &StaticKeys) -> aws_sdk_iam::Client {
    log_endpoint("IAM", "AWS_ENDPOINT_URL_IAM", config);
    let iam_config = aws_sdk_iam::config::Builder::from(config)
        .credentials_provider(sdk_credentials(keys))
        .build();
    aws_sdk_iam::Client::from_conf(iam_config)
}

fn sdk_credentials(keys: &StaticKeys) -> Credentials {
    Credentials::new(
        &keys.access_key_id,
        &keys.secret_access_key,
        keys.session_token.clone(),
        None,
        "grant",
    )
}

/// A single-threaded runtime for the commands that call AWS. The credential-process
/// cache hit never builds one.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

#[cfg(test)]
mod tests {
    use super::{CallFailure, Timeouts, sdk_endpoint, without_userinfo};
    use std::time::Duration;

    #[test]
    fn endpoints_of_any_partition_come_from_the_sdks_data() {
        let sts = |region| sdk_endpoint("STS", region).unwrap();
        assert_eq!(
            sts("eusc-de-east-1"),
            "https://sts.eusc-de-east-1.amazonaws.eu"
        );
        assert_eq!(sts("eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
        assert_eq!(sts("cn-north-1"), "https://sts.cn-north-1.amazonaws.com.cn");
        assert_eq!(
            sdk_endpoint("IAM Identity Center portal", "eusc-de-east-1").unwrap(),
            "https://portal.sso.eusc-de-east-1.amazonaws.eu"
        );
        assert_eq!(
            sdk_endpoint("IAM Identity Center OIDC", "eusc-de-east-1").unwrap(),
            "https://oidc.eusc-de-east-1.amazonaws.eu"
        );
        assert_eq!(sdk_endpoint("nothing", "eu-west-1"), None);
    }

    #[test]
    fn call_failures_read_as_one_short_phrase() {
        let status = |status: u16| CallFailure::Status {
            status,
            code: Some("X".into()),
            text: format!("HTTP {status} X: m"),
        };
        assert_eq!(status(500).to_string(), "HTTP 500 X: m, after 3 attempts");
        assert_eq!(status(400).to_string(), "HTTP 400 X: m", "not retried");
        let limits = Timeouts {
            connect: Duration::from_secs(1),
            attempt: Duration::from_secs(1),
            operation: Duration::from_secs(1) * 8 / 3,
        };
        assert_eq!(
            CallFailure::TimedOut(limits).to_string(),
            "no answer in time (1 s per attempt, 2.7 s in all with retries)"
        );
        let long = CallFailure::Malformed("x".repeat(500)).to_string();
        assert!(long.len() < 170 && long.ends_with("...)"), "{long}");
    }

    #[test]
    fn endpoint_passwords_stay_out_of_the_log() {
        assert_eq!(
            without_userinfo("http://127.0.0.1:8080/x"),
            "http://127.0.0.1:8080/x"
        );
        assert_eq!(
            without_userinfo("https://user:pw@proxy.example/a@b"),
            "https://***@proxy.example/a@b"
        );
    }
}
