//! Clients of the official AWS SDK crates, built only on the paths that talk to AWS.
//!
//! Endpoints follow the standard overrides (`AWS_ENDPOINT_URL_SSO`,
//! `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`), which
//! is also how the tests reach their fake AWS.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;

use crate::profile::StaticKeys;

/// Shared SDK settings for `region`, with no default credential chain: the SSO
/// portal and OIDC calls are unsigned, and STS gets explicit credentials. Bounded
/// timeouts: a server that does not answer must not hang a shell or a build.
pub async fn sdk_config(region: &str) -> SdkConfig {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(15))
        .operation_timeout(Duration::from_secs(40))
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .timeout_config(timeouts)
        .no_credentials()
        .load()
        .await
}

/// The endpoint override the SDK uses for a service, as the debug log shows it:
/// `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true. `None`: the service's own endpoint.
fn endpoint_override(service_variable: &str) -> Option<(String, &str)> {
    let value = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    if value("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return None;
    }
    [service_variable, "AWS_ENDPOINT_URL"]
        .into_iter()
        .find_map(|name| value(name).map(|url| (url, name)))
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
            "{service} endpoint: {} (from {variable}), region {region}",
            without_userinfo(&url)
        ),
        None => crate::debug!(
            "{service} endpoint: no AWS_ENDPOINT_URL override, the SDK's for region {region}"
        ),
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
    let credentials = Credentials::new(
        &keys.access_key_id,
        &keys.secret_access_key,
        keys.session_token.clone(),
        None,
        "grant",
    );
    let sts_config = aws_sdk_sts::config::Builder::from(config)
        .credentials_provider(credentials)
        .build();
    aws_sdk_sts::Client::from_conf(sts_config)
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
    use super::without_userinfo;

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
