//! What `grant serve` tells the user about who can reach its endpoint and what a
//! program may read instead of it.

use std::net::SocketAddr;

use crate::serve;
use crate::shell::shell_word;

/// Says who else can reach an endpoint bound beyond loopback, and what the SDKs
/// accept over plain http.
pub(super) fn warn_beyond_loopback(address: SocketAddr, url: &str) {
    let ip = address.ip();
    if ip.is_loopback() {
        return;
    }
    let rules = "the AWS SDKs fetch credentials over plain http only from 127.0.0.0/8, [::1], 169.254.170.2, 169.254.170.23 and [fd00:ec2::23] (https from any host)";
    if ip.is_unspecified() {
        eprintln!(
            "grant: listening on every interface at port {}: programs on this machine use {url}; {rules}, so a container must reach this port as one of those (see docs/serve-containers.md)",
            address.port()
        );
    } else if serve::sdks_accept_http_from(ip) {
        eprintln!(
            "grant: listening on {address}, beyond loopback: a container whose traffic to {ip} reaches this machine uses {url}"
        );
    } else {
        eprintln!(
            "grant: listening on {address}, beyond loopback; {rules}, so a program must reach this endpoint as one of those, not as {url} (see docs/serve-containers.md)"
        );
    }
}

/// Keys of a profile with which the SDKs get credentials themselves.
const SDK_CREDENTIAL_KEYS: [&str; 6] = [
    "aws_access_key_id",
    "role_arn",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

/// Every SDK's default chain reads the profile `default` before the container
/// provider: when it has credentials, CMD may sign with those instead.
pub(super) fn warn_of_default_profile(serving: &str) {
    if serving == "default" {
        return;
    }
    let Ok(files) = crate::config::AwsFiles::load_for_profile("default") else {
        return;
    };
    let Ok(Some(values)) = files.profile("default") else {
        return;
    };
    if let Some(key) = SDK_CREDENTIAL_KEYS.iter().find(|key| values.contains(key)) {
        eprintln!(
            "grant: the profile 'default' has {key}, and the AWS SDKs try it before the container endpoint: the command may use the default profile's credentials instead of {}",
            shell_word(serving)
        );
    }
}
