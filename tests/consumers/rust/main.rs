//! One consumer of grant's credentials: the AWS SDK for Rust with its default
//! credential chain calls STS GetCallerIdentity as many times as its argument says,
//! through one client. Built by `cargo test` as an example of the workspace, so that
//! it shares grant's own copy of the SDK.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use aws_config::identity::IdentityCache;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .unwrap_or(1);
    // Renew credentials that have less than five minutes left, like the JavaScript
    // SDK; the default buffer is ten seconds.
    let cache = IdentityCache::lazy()
        .buffer_time(Duration::from_secs(300))
        .build();
    let config = aws_config::from_env().identity_cache(cache).load().await;
    let client = aws_sdk_sts::Client::new(&config);
    for _ in 0..calls {
        match client.get_caller_identity().send().await {
            Ok(identity) => println!("{}", identity.arn().unwrap_or_default()),
            Err(error) => {
                eprintln!(
                    "GetCallerIdentity: {}",
                    aws_sdk_sts::error::DisplayErrorContext(&error)
                );
                std::process::exit(1);
            }
        }
    }
}
