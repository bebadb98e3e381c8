//! Load: 200 concurrent `grant credential-process` calls spread over 20 profiles, as a
//! Makefile or terraform starts them. One upstream request per profile, one token
//! refresh at most, every call answered, and the state folder left intact.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use fake_aws::{Directory, FakeAws};
use serde_json::Value;

use crate::support::{TestEnv, stderr, success};

const START_URL: &str = "https://load.awsapps.com/start";
const PROFILES: usize = 20;
const CALLS: usize = 200;
/// Each child is killed when it has not finished this long after the round started.
const ROUND_LIMIT: Duration = Duration::from_secs(120);

fn profile_name(index: usize) -> String {
    format!("load-{index:02}")
}

/// 20 granted_sso_* profiles, one per account of `Directory::generated(20, 1)`.
fn load_config(directory: &Directory) -> String {
    let mut config = String::new();
    for (index, account) in directory.accounts().iter().enumerate() {
        config.push_str(&format!(
            "[profile {name}]\ngranted_sso_start_url = {START_URL}\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = {id}\ngranted_sso_role_name = {role}\ngranted_sso_registration_scopes = sso:account:access\nregion = eu-west-1\ncredential_process = {grant} credential-process --profile {name}\n\n",
            name = profile_name(index),
            id = account.id,
            role = account.roles[0],
            grant = env!("CARGO_BIN_EXE_grant"),
        ));
    }
    config
}

/// Starts `CALLS` credential-process calls at once, call `i` for profile `i % 20`,
/// and waits for them all (killing any still running after `ROUND_LIMIT`).
fn round(env: &TestEnv) -> Vec<(String, Output)> {
    let started = Instant::now();
    let children: Vec<(String, Child)> = (0..CALLS)
        .map(|i| {
            let profile = profile_name(i % PROFILES);
            let child = env
                .grant()
                .args(["credential-process", "--profile", &profile])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn grant");
            (profile, child)
        })
        .collect();
    children
        .into_iter()
        .map(|(profile, mut child)| {
            while child.try_wait().expect("wait for grant").is_none() {
                if started.elapsed() > ROUND_LIMIT {
                    let _ = child.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let output = child.wait_with_output().expect("grant output");
            (profile, output)
        })
        .collect()
}

/// Checks that every call succeeded with a credential_process document, that all the
/// calls of one profile got the same keys, and returns those keys by profile.
fn keys_by_profile(outputs: &[(String, Output)]) -> BTreeMap<String, String> {
    let mut keys: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (profile, output) in outputs {
        assert!(
            output.status.success(),
            "{profile}: grant failed ({}): {}",
            output.status,
            stderr(output)
        );
        let json: Value = serde_json::from_str(&success(output))
            .unwrap_or_else(|e| panic!("{profile}: no JSON on stdout ({e})"));
        assert_eq!(json["Version"], 1, "{profile}: {json}");
        for field in ["SecretAccessKey", "SessionToken", "Expiration"] {
            assert!(json[field].is_string(), "{profile}: no {field}");
        }
        let key = json["AccessKeyId"]
            .as_str()
            .expect("AccessKeyId")
            .to_owned();
        keys.entry(profile.clone()).or_default().insert(key);
    }
    assert_eq!(keys.len(), PROFILES, "every profile was called");
    keys.into_iter()
        .map(|(profile, keys)| {
            assert_eq!(keys.len(), 1, "{profile} got different keys: {keys:?}");
            (profile, keys.into_iter().next().unwrap())
        })
        .collect()
}

#[test]
fn two_hundred_concurrent_calls_over_twenty_profiles_make_one_request_per_profile() {
    let directory = Directory::generated(PROFILES, 1);
    // The token is issued with ten minutes left, inside the refresh window: every cold
    // call wants it refreshed, and one refresh must serve them all.
    let fake = FakeAws::builder()
        .directory(directory.clone())
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(&load_config(&directory));
    success(&env.run(&["sso", "login", "--profile", &profile_name(0)]));
    fake.configure(|s| s.access_token_lifetime = Duration::from_secs(8 * 3600));
    fake.reset_counts();

    let cold = keys_by_profile(&round(&env));
    let distinct: BTreeSet<&str> = cold.values().map(String::as_str).collect();
    assert_eq!(distinct.len(), PROFILES, "each profile has its own keys");
    assert_eq!(
        fake.count("GetRoleCredentials"),
        PROFILES as u64,
        "one upstream request per profile: {:?}",
        fake.counts()
    );
    assert!(
        fake.count("CreateToken:refresh_token") <= 1,
        "one token refresh at most: {:?}",
        fake.counts()
    );
    assert_eq!(fake.count("StartDeviceAuthorization"), 0, "no sign-in");

    // The cache is intact: a second round is served from it alone.
    fake.reset_counts();
    let warm = keys_by_profile(&round(&env));
    assert_eq!(warm, cold, "the second round gets the cached keys");
    assert!(
        fake.counts().values().all(|count| *count == 0),
        "cache hits make no request: {:?}",
        fake.counts()
    );
    let leftovers: Vec<_> = walk(&env.state_dir)
        .into_iter()
        .filter(|path| path.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temp files left behind: {leftovers:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            found.push(path);
        }
    }
    found
}
