//! `grant sso login | refresh | logout | tokens` against the fake AWS, each test in
//! its own HOME, state folder and secret store.

use std::process::Output;
use std::time::{Duration, Instant};

use fake_aws::FakeAws;

use crate::support::fixtures::{START_URL, credential_process, portal_args};
#[cfg(unix)]
use crate::support::run_within;
use crate::support::{
    TestEnv, assert_no_secret_in_files, failure, python_script, python_with_botocore, stderr,
    stdout, success,
};

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
        .args(portal_args("login", &["--scope", SCOPE]))
        .output()
        .unwrap();
    // The browser runs on its own; give it a moment to write down the last step.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut text = String::new();
    while Instant::now() < deadline {
        text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("callback: ") {
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
fn a_redirect_with_the_wrong_state_is_refused_and_the_real_one_still_signs_in() {
    let fake = FakeAws::start();
    let (env, out, log) = browser_login(&fake, "tamper");
    assert!(out.status.success(), "{}\nbrowser: {log}", stderr(&out));
    assert_eq!(log, "authorize: 302\nforged: 400\ncallback: 200\n");
    assert_eq!(
        fake.count("CreateToken:authorization_code"),
        1,
        "only the real redirect's code is redeemed"
    );
    assert_eq!(token_rows(&env).len(), 1);
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
    // A fresh sign-in says it can be refreshed, not that it was.
    let out = login(&env, &["--scope", SCOPE]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let said = err.lines().last().unwrap();
    assert!(
        said.starts_with(&format!("Signed in to {START_URL}: valid until "))
            && said.ends_with(", refreshable"),
        "{err}"
    );
    assert!(!err.contains("renewed"), "nothing was renewed yet: {err}");
    assert_eq!(fake.count("CreateToken:device_code"), 1);
    assert_eq!(fake.count("CreateToken:refresh_token"), 0);

    // Ten minutes left: a plain login refreshes instead of signing in again, and says so.
    let out = login(&env, &["--scope", SCOPE]);
    let said = stderr(&out).lines().last().unwrap().to_owned();
    assert!(
        said.starts_with(&format!(
            "Signed in to {START_URL}: renewed with its refresh token, valid until "
        )) && said.ends_with(", refreshable"),
        "{said}"
    );
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("StartDeviceAuthorization"), 1);

    // A token that needs nothing is reported as the one already there.
    fake.configure(|s| s.access_token_lifetime = Duration::from_secs(8 * 3600));
    success(&env.run(&portal_args("refresh", &[])));
    let out = login(&env, &["--scope", SCOPE]);
    let said = stderr(&out).lines().last().unwrap().to_owned();
    assert!(
        said.starts_with(&format!(
            "Signed in to {START_URL}: already signed in, valid until "
        )),
        "{said}"
    );
    assert_eq!(fake.count("CreateToken:refresh_token"), 2);
    fake.configure(|s| s.access_token_lifetime = Duration::from_secs(600));

    // Without scopes there is no refresh token, and the message does not promise one.
    let out = env.run(&[
        "sso",
        "login",
        "--start-url",
        "https://legacy.awsapps.com/start",
        "--region",
        "eu-west-1",
    ]);
    let said = stderr(&out).lines().last().unwrap().to_owned();
    assert!(
        said.ends_with(", not refreshable (sign in again when it expires)")
            && !said.contains("renewed"),
        "{said}"
    );

    // The fake revokes a refresh token when it rotates it, so a second refresh works
    // only if the rotated one was stored.
    success(&env.run(&portal_args("refresh", &[])));
    assert_eq!(fake.count("CreateToken:refresh_token"), 3);

    for secret in fake.issued_secrets() {
        fake.revoke_token(&secret);
    }
    let line = failure(&env.run(&portal_args("refresh", &[])));
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
    success(&env.run(&portal_args("logout", &[])));
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
    env.allow_plaintext_token_export();
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
    env.allow_plaintext_token_export();
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

/// The token grant stored for `session_key`, read from the test's own store.
fn stored_token(env: &TestEnv, session_key: &str) -> Option<grant::testing::SsoToken> {
    let store = grant::testing::secrets::SecretStore::open_with(
        grant::testing::secrets::KeyringBackend::KernelKeyring,
        &env.state_dir,
    )
    .unwrap();
    store
        .get_json(&grant::testing::secrets::token(session_key))
        .unwrap()
}

/// The access key of a credential-process answer.
fn access_key(output: &Output) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&success(output)).expect("credential JSON on stdout");
    json["AccessKeyId"].as_str().unwrap().to_owned()
}

#[test]
fn logout_and_tokens_clear_delete_the_credentials_cached_with_the_session() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(SSO_SESSION_CONFIG);
    let sign_in_line = "grant: profile 'dev': no valid sign-in for the SSO session 'corp'; run: grant sso login --profile dev";

    for sign_out in [
        &["sso", "logout", "--profile", "dev"][..],
        &["sso", "tokens", "clear", "corp"],
        &["sso", "logout", "--all"],
        &["sso", "tokens", "clear", "--all"],
    ] {
        fake.reset_counts();
        success(&env.run(&["sso", "login", "--profile", "dev"]));
        let key = access_key(&credential_process(&env, "dev", &[]));
        assert_eq!(
            access_key(&credential_process(&env, "dev", &[])),
            key,
            "the second call is a cache hit"
        );
        assert_eq!(fake.count("GetRoleCredentials"), 1);

        success(&env.run(sign_out));
        assert!(token_rows(&env).is_empty());
        let line = failure(&credential_process(&env, "dev", &[]));
        assert_eq!(line, sign_in_line, "after {sign_out:?}");
        assert_eq!(
            fake.count("GetRoleCredentials"),
            1,
            "nothing served from a stale cache after {sign_out:?}"
        );
    }
}

#[test]
fn logout_deletes_credentials_obtained_with_the_aws_cli_token() {
    // grant never stored a token of its own: the AWS CLI's token served the credentials.
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(SSO_SESSION_CONFIG);
    // The AWS CLI's token, as `aws sso login` leaves it.
    let token = fake.mint_access_token(Duration::from_secs(3600));
    let cache = env.home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    use sha1::Digest;
    let file = cache.join(format!("{}.json", hex::encode(sha1::Sha1::digest(b"corp"))));
    std::fs::write(
        &file,
        format!(
            "{{\"startUrl\":\"{START_URL}\",\"region\":\"eu-west-1\",\"accessToken\":\"{token}\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}}"
        ),
    )
    .unwrap();
    access_key(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("GetRoleCredentials"), 1);

    assert!(token_rows(&env).is_empty());
    let out = env.run(&["sso", "logout", "--profile", "dev"]);
    assert!(success(&out).is_empty());
    assert!(
        stderr(&out).contains("deleted 1 cached credentials"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&file).unwrap();
    failure(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

/// The AWS CLI cache file of the sso-session `corp`, if any.
#[cfg(unix)]
fn exported_token(env: &TestEnv) -> Option<serde_json::Value> {
    use sha1::Digest;
    let path = env.home.join(format!(
        ".aws/sso/cache/{}.json",
        hex::encode(sha1::Sha1::digest(b"corp"))
    ));
    let text = std::fs::read_to_string(&path).ok()?;
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{}", path.display());
    Some(serde_json::from_str(&text).unwrap())
}

#[cfg(unix)]
#[test]
fn the_export_sso_token_setting_writes_the_aws_cli_cache() {
    let fake = FakeAws::builder()
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    env.allow_plaintext_token_export();
    env.write_aws_config(SSO_SESSION_CONFIG);
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    assert!(exported_token(&env).is_none(), "off by default");

    env.set_setting("ExportSSOToken", "true");
    success(&env.run(&["sso", "login", "--profile", "dev", "--force"]));
    let exported = exported_token(&env).expect("the setting exports the token");
    let stored = stored_token(&env, "corp").unwrap();
    assert_eq!(exported["accessToken"], stored.access_token.as_str());
    assert_eq!(exported["startUrl"], START_URL);
    assert_eq!(exported["region"], "eu-west-1");
    assert_eq!(
        exported["refreshToken"],
        stored.refresh_token.as_deref().unwrap()
    );

    // A refresh (here by credential-process) keeps the exported copy current.
    access_key(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    let renewed = stored_token(&env, "corp").unwrap();
    assert_ne!(renewed.access_token, stored.access_token);
    assert_eq!(
        exported_token(&env).unwrap()["accessToken"],
        renewed.access_token.as_str()
    );

    success(&env.run(&["sso", "logout", "--profile", "dev"]));
    assert!(exported_token(&env).is_none(), "logout removes the export");
}

#[test]
fn an_expired_client_registration_asks_for_a_new_sign_in_in_one_line() {
    let fake = FakeAws::builder()
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(SSO_SESSION_CONFIG);
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    let client_id = stored_token(&env, "corp").unwrap().client_id.unwrap();
    assert!(fake.expire_client(&client_id));

    let line = failure(&env.run(&["sso", "refresh", "--profile", "dev"]));
    assert_eq!(
        line,
        "grant: the SSO session 'corp' has ended (its client registration has expired); sign in again: grant sso login --profile dev"
    );
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    let line = failure(&credential_process(&env, "dev", &["--no-cache"]));
    assert_eq!(
        line,
        "grant: profile 'dev': the SSO session 'corp' has ended (its client registration has expired); sign in again: grant sso login --profile dev"
    );
    assert_eq!(fake.count("CreateToken:refresh_token"), 2);
    assert_eq!(fake.count("GetRoleCredentials"), 0);

    // Signing in again registers a new client instead of reusing the expired one.
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    assert_eq!(fake.count("RegisterClient"), 2);
    assert_ne!(
        stored_token(&env, "corp").unwrap().client_id.unwrap(),
        client_id
    );
    access_key(&credential_process(&env, "dev", &[]));
}

const LEGACY_CONFIG: &str = "[profile legacy]\nsso_start_url = https://fake-org.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\n";

#[test]
fn a_legacy_session_without_scopes_simply_expires() {
    let fake = FakeAws::builder()
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(LEGACY_CONFIG);
    success(&env.run(&["sso", "login", "--profile", "legacy"]));
    assert!(
        stored_token(&env, START_URL)
            .unwrap()
            .refresh_token
            .is_none()
    );
    assert!(token_rows(&env)[0].ends_with("\tno"));

    // Ten minutes left and no refresh token: the token is used as it is.
    access_key(&credential_process(&env, "legacy", &["--no-cache"]));
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    let line = failure(&env.run(&["sso", "refresh", "--profile", "legacy"]));
    assert!(
        line.starts_with(&format!(
            "grant: the SSO session '{START_URL}' cannot be refreshed: it has no refresh token"
        )) && line.ends_with("sign in again: grant sso login --profile legacy"),
        "{line}"
    );

    // At its end it is gone: a sign-in is asked for, no refresh is tried.
    fake.configure(|s| s.access_token_lifetime = Duration::from_secs(30));
    success(&env.run(&["sso", "login", "--profile", "legacy", "--force"]));
    let line = failure(&credential_process(&env, "legacy", &["--no-cache"]));
    assert_eq!(
        line,
        format!(
            "grant: profile 'legacy': no valid sign-in for the SSO session '{START_URL}'; run: grant sso login --profile legacy"
        )
    );
    assert!(token_rows(&env)[0].ends_with("\tno"));
    assert_eq!(fake.count("CreateToken:refresh_token"), 0);
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

#[test]
fn no_secret_in_plaintext_after_login_refresh_and_credential_fetch() {
    let fake = FakeAws::builder()
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(SSO_SESSION_CONFIG);
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    // credential-process refreshes the token (ten minutes left) and caches the keys;
    // the debug log records every step.
    access_key(&credential_process(&env, "dev", &["--debug"]));
    success(&env.run(&["sso", "refresh", "--profile", "dev"]));
    access_key(&credential_process(&env, "dev", &["--debug", "--no-cache"]));
    access_key(&credential_process(&env, "dev", &["--debug"]));
    success(&env.run(&["sso", "tokens", "list"]));
    assert_eq!(fake.count("CreateToken:device_code"), 1);
    assert_eq!(fake.count("CreateToken:refresh_token"), 3);
    assert_eq!(fake.count("GetRoleCredentials"), 2);
    assert!(
        std::fs::read_dir(&env.state_dir).unwrap().any(|entry| entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".log")),
        "the debug log was written and is scanned too"
    );
    let secrets = fake.issued_secrets();
    assert!(
        secrets.len() >= 9,
        "client secret, 4 access and 4 refresh tokens, keys: {secrets:?}"
    );
    assert_no_secret_in_files(&env.written_folders(), &secrets);
}

/// `grant sso login ARGS` without a controlling terminal (`setsid -w`), without CI,
/// with a display and a platform opener (xdg-open, wslview) that would start a
/// browser which never comes back, leaving `browser-ran` in the temp dir if it runs.
#[cfg(unix)]
fn login_without_a_terminal(env: &TestEnv, extra: &[&str]) -> Output {
    use std::os::unix::fs::PermissionsExt;
    let bin = env.tmp_dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let marker = env.tmp_dir.join("browser-ran");
    for opener in ["xdg-open", "wslview"] {
        let script = bin.join(opener);
        std::fs::write(
            &script,
            format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut path = std::ffi::OsString::from(&bin);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let mut command = std::process::Command::new("setsid");
    command.arg("-w").arg(env!("CARGO_BIN_EXE_grant"));
    let probe = env.grant();
    command
        .env_clear()
        .envs(probe.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env_remove("CI")
        .env("PATH", path)
        .env("DISPLAY", ":99")
        .current_dir(&env.home)
        .args(portal_args("login", &[]))
        .args(extra);
    run_within(&mut command, Duration::from_secs(20))
}

#[cfg(unix)]
#[test]
fn without_a_terminal_login_prints_the_code_and_polls_instead_of_waiting_on_a_browser() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    let out = login_without_a_terminal(&env, &[]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let code = fake.last_user_code().unwrap();
    assert!(err.contains(&code), "the code is printed: {err}");
    assert!(
        err.contains(&format!("{}/device?user_code=", fake.url())),
        "{err}"
    );
    assert_eq!(fake.count("Authorize"), 0, "no browser flow");
    assert_eq!(fake.count("CreateToken:device_code"), 1);
    assert!(
        !env.tmp_dir.join("browser-ran").exists(),
        "no browser was started"
    );
    assert_eq!(token_rows(&env).len(), 1);
}

#[cfg(unix)]
#[test]
fn without_a_terminal_an_unapproved_login_ends_when_its_code_expires() {
    let fake = fake_nobody_approves(3);
    let env = TestEnv::with_fake(&fake);
    let out = login_without_a_terminal(&env, &[]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains(&fake.last_user_code().unwrap()), "{err}");
    assert_eq!(
        err.lines().last(),
        Some("grant: the sign-in code expired before it was approved; run the command again"),
        "{err}"
    );
    assert_eq!(fake.count("Authorize"), 0);
}

/// A browser program that only leaves a marker file behind.
#[cfg(unix)]
fn marker_browser(env: &TestEnv) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let marker = env.tmp_dir.join("browser-ran");
    let script = env.tmp_dir.join("browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.set_setting("CustomBrowserPath", script.to_str().unwrap());
    marker
}

/// `grant sso login ARGS` with CI unset, so only the flag or the setting stops the browser.
#[cfg(unix)]
fn login_outside_ci(env: &TestEnv, extra: &[&str]) -> Output {
    let mut command = env.grant();
    command.env_remove("CI").args(portal_args("login", &[]));
    command.args(extra);
    run_within(&mut command, Duration::from_secs(20))
}

#[cfg(unix)]
#[test]
fn no_browser_and_default_browser_stdout_print_the_url_and_code_instead() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    let marker = marker_browser(&env);

    // The control: with the device code, the configured browser opens the page.
    success(&login_outside_ci(&env, &["--use-device-code"]));
    let deadline = Instant::now() + Duration::from_secs(5);
    while !marker.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(marker.exists(), "CustomBrowserPath runs when allowed");
    std::fs::remove_file(&marker).unwrap();

    for (extra, setting) in [
        (&["--force", "--no-browser"][..], None),
        (&["--force"], Some("STDOUT")),
    ] {
        if let Some(value) = setting {
            env.set_setting("DefaultBrowser", value);
        }
        fake.reset_counts();
        let out = login_outside_ci(&env, extra);
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        let code = fake.last_user_code().unwrap();
        assert!(
            err.contains(&format!("{}/device?user_code={code}", fake.url())),
            "URL printed ({extra:?}, {setting:?}): {err}"
        );
        assert!(err.contains(&format!("code: {code}")), "{err}");
        assert_eq!(fake.count("Authorize"), 0);
        assert_eq!(fake.count("CreateToken:device_code"), 1);
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            !marker.exists(),
            "the browser must not run ({extra:?}, {setting:?})"
        );
    }
}

/// On a terminal the wait shows the code and a spinner with the time left; Ctrl-C
/// (typed into the pseudo-terminal `script` gives it) ends it cleanly, storing nothing.
#[test]
fn ctrl_c_cancels_a_sign_in_cleanly() {
    if !crate::support::script_is_installed() {
        return;
    }
    let fake = fake_nobody_approves(600);
    let env = TestEnv::with_fake(&fake);
    let command = format!(
        "{} sso login --start-url {START_URL} --region eu-west-1 --use-device-code",
        env!("CARGO_BIN_EXE_grant")
    );
    let mut child = env
        .shell("script")
        .args(["-qec", &command, "/dev/null"])
        .env("CI", "")
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut keyboard = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    std::io::Write::write_all(&mut keyboard, b"\x03").unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("Ctrl-C did not end the sign-in");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(keyboard);
    let output = child.wait_with_output().unwrap();
    let terminal = String::from_utf8_lossy(&output.stdout);
    let code = fake.last_user_code().expect("a device code was issued");
    assert!(terminal.contains(&code), "the code is shown: {terminal}");
    assert!(
        terminal.contains("left, Ctrl-C to cancel)"),
        "the spinner: {terminal}"
    );
    assert!(terminal.contains("grant: sign-in cancelled"), "{terminal}");
    assert!(!terminal.contains("panicked"), "{terminal}");
    assert!(token_rows(&env).is_empty(), "nothing stored");
}

/// A registration the service no longer knows (deleted or expired there) is
/// replaced by a new one, without failing the sign-in.
#[test]
fn a_registration_the_service_forgot_is_replaced_at_sign_in() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    success(&login(&env, &[]));
    let first = stored_token(&env, START_URL).expect("a stored token");
    let client_id = first.client_id.clone().expect("the token names its client");
    assert!(fake.expire_client(&client_id));
    fake.reset_counts();
    let output = login(&env, &["--force"]);
    success(&output);
    assert_eq!(fake.count("RegisterClient"), 1, "{:?}", fake.counts());
    let second = stored_token(&env, START_URL).unwrap();
    assert_ne!(second.client_id.as_deref(), Some(client_id.as_str()));
    assert_ne!(second.access_token, first.access_token);
}
