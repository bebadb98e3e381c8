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

/// The IAM Identity Center portal (GetRoleCredentials, ListAccounts, Logout).
pub fn sso_portal(config: &SdkConfig) -> aws_sdk_sso::Client {
    aws_sdk_sso::Client::new(config)
}

/// IAM Identity Center OIDC (RegisterClient, device and authorization-code flows).
pub fn sso_oidc(config: &SdkConfig) -> aws_sdk_ssooidc::Client {
    aws_sdk_ssooidc::Client::new(config)
}

/// STS, signed with `keys`.
pub fn sts(config: &SdkConfig, keys: &StaticKeys) -> aws_sdk_sts::Client {
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
