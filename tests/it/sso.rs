//! `grant sso login | refresh | logout | tokens` against the fake AWS, each test in
//! its own HOME, state folder and secret store.

use std::process::Output;
use std::time::{Duration, Instant};

use fake_aws::FakeAws;

use crate::support::{
    TestEnv, assert_no_secret_in_files, failure, python_script, python_with_botocore, stderr,
    stdout, success,
};

const START_URL: &str = "https://fake-org.awsapps.com/start";
const SCOPE: &str = "sso:account:access";

fn login(env: &TestEnv, extra: &[&str]) -> Output {
    let mut args = vec![
        "sso",
        "login",
        "--start-url",
        START_URL,
        "--region",
        "eu-west-1",
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

fn token_rows(env: &TestEnv) -> Vec<String> {
    success(&env.run(&["sso", "tokens", "list"]))
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

#[test]
fn device_flow_waits_through_pending_and_slow_down() {
    let fake = FakeAws::builder()
        .configure(|s| {
            s.pending_polls = 2;
            s.slow_down_polls = vec![3];
        })
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    let started = Instant::now();
    let out = login(&env, &["--scope", SCOPE]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(stdout(&out).is_empty(), "login prints nothing on stdout");
    let code = fake.last_user_code().unwrap();
    assert!(err.contains(&code), "the user code is shown: {err}");
    assert!(
        err.contains(&format!("{}/device?user_code=", fake.url())),
        "{err}"
    );
    assert_eq!(fake.count("RegisterClient"), 1);
    assert_eq!(fake.count("StartDeviceAuthorization"), 1);
    assert_eq!(
        fake.count("CreateToken:device_code"),
        4,
        "pending, pending, slow down, success"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "SlowDown adds 5 s to the interval"
    );
    let rows = token_rows(&env);
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].starts_with(&format!("{START_URL}\t{START_URL}\teu-west-1\t")),
        "{rows:?}"
    );
    assert!(
        rows[0].ends_with("\tyes"),
        "scopes give a refresh token: {rows:?}"
    );

    // The registration is reused and a fresh token means no second sign-in.
    success(&login(&env, &["--scope", SCOPE]));
    assert_eq!(fake.count("StartDeviceAuthorization"), 1);
    success(&login(&env, &["--scope", SCOPE, "--force"]));
    assert_eq!(fake.count("StartDeviceAuthorization"), 2);
    assert_eq!(
        fake.count("RegisterClient"),
        1,
        "the registration is reused"
    );
}

#[test]
fn a_trailing_slash_does_not_make_a_second_session() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    success(&env.run(&[
        "sso",
        "login",
        "--start-url",
        &format!("{START_URL}/"),
        "--region",
        "eu-west-1",
    ]));
    let out = login(&env, &[]);
    assert!(stderr(&out).contains("Signed in to"), "{}", stderr(&out));
    assert_eq!(
        fake.count("StartDeviceAuthorization"),
        1,
        "the stored token serves both spellings"
    );
    assert_eq!(token_rows(&env).len(), 1);
}

/// A fake where nobody approves sign-ins, whose codes expire after `seconds`.
fn fake_nobody_approves(seconds: u64) -> FakeAws {
    FakeAws::builder()
        .configure(|s| {
            s.auto_approve = false;
            s.device_code_lifetime = Duration::from_secs(seconds);
        })
        .start()
        .unwrap()
}

#[test]
fn device_code_expiry_ends_the_wait_with_a_clear_message() {
    let fake = fake_nobody_approves(3);
    let env = TestEnv::with_fake(&fake);
    let started = Instant::now();
    let out = login(&env, &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(
        err.lines().last(),
        Some("grant: the sign-in code expired before it was approved; run the command again"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(token_rows(&env).is_empty());
}

fn browser_login(fake: &FakeAws, mode: &str) -> (TestEnv, Output, String) {
    let env = TestEnv::with_fake(fake);
    let log = env.tmp_dir.join("browser.log");
    let browser = python_script("browser.py");
    env.set_setting("CustomBrowserPath", browser.to_str().unwrap());
    let out = env
        .grant()
        .env_remove("CI")
        .env("FAKE_BROWSER_MODE", mode)
        .env("FAKE_BROWSER_LOG", &log)
        .args([
            "sso",
            "login",
            "--start-url",
            START_URL,
            "--region",
            "eu-west-1",
            "--scope",
            SCOPE,
        ])
        .output()
        .unwrap();
    // The browser runs on its own; give it a moment to write down the last step.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut text = String::new();
    while Instant::now() < deadline {
        text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.lines().count() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (env, out, text)
}

#[test]
fn authorization_code_flow_with_pkce_through_a_browser_program() {
    let fake = FakeAws::start();
    let (env, out, log) = browser_login(&fake, "follow");
    assert!(out.status.success(), "{}\nbrowser: {log}", stderr(&out));
    assert_eq!(log, "authorize: 302\ncallback: 200\n");
    assert_eq!(fake.count("Authorize"), 1);
    assert_eq!(fake.count("CreateToken:authorization_code"), 1);
    assert_eq!(fake.count("StartDeviceAuthorization"), 0);
    assert!(token_rows(&env)[0].ends_with("\tyes"));
}

#[test]
fn a_redirect_with_the_wrong_state_is_refused() {
    let fake = FakeAws::start();
    let (env, out, log) = browser_login(&fake, "tamper");
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("wrong state"), "{err}");
    assert_eq!(log, "authorize: 302\ncallback: 400\n");
    assert_eq!(
        fake.count("CreateToken"),
        0,
        "no token is asked for with a forged redirect"
    );
    assert!(token_rows(&env).is_empty());
}

#[test]
fn ci_never_waits_on_a_browser_even_when_one_is_configured() {
    let fake = fake_nobody_approves(2);
    let env = TestEnv::with_fake(&fake);
    env.set_setting("CustomBrowserPath", "/bin/false");
    let out = login(&env, &[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&fake.last_user_code().unwrap()),
        "URL and code are printed: {err}"
    );
    assert_eq!(fake.count("Authorize"), 0);
}

#[test]
fn refresh_rotates_the_refresh_token_and_a_revoked_one_asks_for_sign_in() {
    let fake = FakeAws::builder()
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    success(&login(&env, &["--scope", SCOPE]));
    assert_eq!(fake.count("CreateToken:device_code"), 1);

    // Ten minutes left: a plain login refreshes instead of signing in again.
    let out = login(&env, &["--scope", SCOPE]);
    assert!(
        stderr(&out).contains("renewed with its refresh token"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("StartDeviceAuthorization"), 1);

    // The fake revokes a refresh token when it rotates it, so a second refresh works
    // only if the rotated one was stored.
    success(&env.run(&[
        "sso",
        "refresh",
        "--start-url",
        START_URL,
        "--region",
        "eu-west-1",
    ]));
    assert_eq!(fake.count("CreateToken:refresh_token"), 2);

    for secret in fake.issued_secrets() {
        fake.revoke_token(&secret);
    }
    let line = failure(&env.run(&[
        "sso",
        "refresh",
        "--start-url",
        START_URL,
        "--region",
        "eu-west-1",
    ]));
    assert_eq!(
        line,
        format!(
            "grant: the SSO session '{START_URL}' has ended (its refresh token is no longer accepted); sign in again: grant sso login --start-url {START_URL} --region eu-west-1"
        )
    );
    assert_no_secret_in_files(&env.written_folders(), &fake.issued_secrets());
}

#[test]
fn logout_signs_out_at_the_portal_and_forgets_the_token() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    success(&login(&env, &[]));
    assert_eq!(token_rows(&env).len(), 1);
    success(&env.run(&[
        "sso",
        "logout",
        "--start-url",
        START_URL,
        "--region",
        "eu-west-1",
    ]));
    assert_eq!(fake.count("Logout"), 1);
    assert!(token_rows(&env).is_empty());

    success(&login(&env, &[]));
    success(&env.run(&["sso", "tokens", "clear", START_URL]));
    assert!(token_rows(&env).is_empty());

    success(&login(&env, &[]));
    success(&env.run(&[
        "sso",
        "login",
        "--start-url",
        "https://other.awsapps.com/start",
        "--region",
        "us-east-1",
    ]));
    assert_eq!(token_rows(&env).len(), 2);
    success(&env.run(&["sso", "logout", "--all"]));
    assert_eq!(fake.count("Logout"), 3);
    assert!(token_rows(&env).is_empty());
    let line = failure(&env.run(&["sso", "tokens", "clear", "nope"]));
    assert!(line.contains("no stored token for 'nope'"), "{line}");
}

const SSO_SESSION_CONFIG: &str = "[sso-session corp]\nsso_start_url = https://fake-org.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\nregion = eu-west-1\n";

fn botocore(env: &TestEnv, python: &std::path::Path, command: &str) -> Output {
    env.consumer(python)
        .arg(python_script("botocore_sso.py"))
        .args([command, "dev"])
        .output()
        .unwrap()
}

#[test]
fn botocore_uses_a_token_that_grant_exported() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(SSO_SESSION_CONFIG);
    success(&env.run(&[
        "sso",
        "login",
        "--sso-session",
        "corp",
        "--export-sso-token",
    ]));
    use sha1::Digest;
    let name = format!("{}.json", hex::encode(sha1::Sha1::digest(b"corp")));
    let cache_files: Vec<_> = std::fs::read_dir(env.home.join(".aws/sso/cache"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        cache_files,
        vec![name],
        "one token file, named as botocore names it"
    );
    let out = botocore(&env, &python, "credentials");
    assert!(out.status.success(), "botocore: {}", stderr(&out));
    assert!(stdout(&out).starts_with("ASIA"), "{}", stdout(&out));
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

#[test]
fn grant_uses_a_token_that_botocore_wrote() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::builder()
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(SSO_SESSION_CONFIG);
    // grant signs in and exports a token with ten minutes left; botocore refreshes it
    // and rewrites the cache file in its own format.
    success(&env.run(&[
        "sso",
        "login",
        "--sso-session",
        "corp",
        "--export-sso-token",
    ]));
    fake.configure(|s| s.access_token_lifetime = Duration::from_secs(8 * 3600));
    let out = botocore(&env, &python, "refresh");
    assert!(out.status.success(), "botocore: {}", stderr(&out));
    assert_eq!(
        fake.count("CreateToken:refresh_token"),
        1,
        "botocore refreshed"
    );
    // grant's own token was rotated away by botocore's refresh: grant falls back to the
    // token botocore wrote instead of asking for a sign-in.
    let out = env.run(&["sso", "login", "--sso-session", "corp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        fake.count("StartDeviceAuthorization"),
        1,
        "no second sign-in"
    );
}
