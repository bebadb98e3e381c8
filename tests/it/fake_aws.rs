//! The official SDK clients, as grant's `aws` module builds them, reach the fake AWS
//! through the standard `AWS_ENDPOINT_URL_*` variables.
//!
//! Environment variables are process-wide, so the SDK calls run in a child process:
//! this test binary re-runs itself for the one ignored `sdk_probe` test.

use std::process::Command;
use std::time::Duration;

use fake_aws::FakeAws;
use grant::testing::profile::StaticKeys;

const PROBE_TOKEN: &str = "GRANT_TEST_SDK_PROBE_TOKEN";

#[test]
fn sdk_clients_reach_the_fake_through_endpoint_variables() {
    let fake = FakeAws::start();
    let token = fake.mint_access_token(Duration::from_secs(3600));
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["fake_aws::sdk_probe", "--exact", "--ignored", "--nocapture"])
        .env(PROBE_TOKEN, &token)
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("credentials"),
        )
        .env("AWS_ENDPOINT_URL_SSO", fake.url())
        .env("AWS_ENDPOINT_URL_SSO_OIDC", fake.url())
        .env("AWS_ENDPOINT_URL_STS", fake.url())
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "probe failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for operation in [
        "GetRoleCredentials",
        "ListAccounts",
        "RegisterClient",
        "AssumeRole",
        "GetCallerIdentity",
    ] {
        assert_eq!(
            fake.count(operation),
            1,
            "{operation} did not reach the fake once"
        );
    }
}

#[test]
#[ignore = "run in a child process by sdk_clients_reach_the_fake_through_endpoint_variables"]
fn sdk_probe() {
    let Ok(token) = std::env::var(PROBE_TOKEN) else {
        return;
    };
    grant::testing::aws::runtime().unwrap().block_on(async {
        let config = grant::testing::aws::sdk_config("eu-west-1").await;

        let portal = grant::testing::aws::sso_portal(&config);
        let role = portal
            .get_role_credentials()
            .account_id("111111111111")
            .role_name("AdministratorAccess")
            .access_token(&token)
            .send()
            .await
            .expect("GetRoleCredentials")
            .role_credentials
            .expect("role credentials");
        let accounts = portal
            .list_accounts()
            .access_token(&token)
            .send()
            .await
            .expect("ListAccounts");
        assert!(!accounts.account_list().is_empty());

        grant::testing::aws::sso_oidc(&config)
            .register_client()
            .client_name("grant-probe")
            .client_type("public")
            .send()
            .await
            .expect("RegisterClient");

        let keys = StaticKeys {
            access_key_id: role.access_key_id.expect("key id"),
            secret_access_key: role.secret_access_key.expect("secret"),
            session_token: role.session_token,
        };
        let sts = grant::testing::aws::sts(&config, &keys);
        let identity = sts
            .get_caller_identity()
            .send()
            .await
            .expect("GetCallerIdentity");
        assert_eq!(identity.account(), Some("111111111111"));
        let assumed = sts
            .assume_role()
            .role_arn("arn:aws:iam::111111111111:role/Probe")
            .role_session_name("probe")
            .send()
            .await
            .expect("AssumeRole");
        assert!(assumed.credentials().is_some());
    });
}
