//! IAM users whose long-term keys live in grant's secret store (`grant credentials`):
//! added, served as GetSessionToken sessions to boto3 and the AWS CLI, MFA asked once
//! per session across role chains, rotated with IAM, imported from the credentials
//! file and removed. The fake knows every long-term secret it made, so the end-of-test
//! scan fails a test that leaves one in plaintext.

#[cfg(unix)]
use std::path::Path;
use std::process::{Command, Output, Stdio};

use fake_aws::FakeAws;
use serde_json::Value;

use crate::support::{
    TestEnv, failure, path_with_grant, python_with_botocore, stderr, stdout, success,
    tool_is_installed,
};

const ACCOUNT: &str = "111111111111";
const MFA_SERIAL: &str = "arn:aws:iam::111111111111:mfa/alice";
const MFA_CODE: &str = "123456";
const USER_CONFIG: &str = "# my profiles\n[profile alice]\n# mine\nregion = eu-west-1\n";

/// A world with the IAM user alice in the fake, her profile in the config (not yet
/// grant's), and her key and secret.
fn world(fake: &FakeAws, config: &str) -> (TestEnv, String, String) {
    let env = TestEnv::with_fake(fake);
    env.write_aws_config(config);
    let (id, secret) = fake.create_iam_user(ACCOUNT, "alice");
    (env, id, secret)
}

/// `grant credentials add PROFILE --env` with the key in the environment.
fn add(env: &TestEnv, profile: &str, id: &str, secret: &str) -> Output {
    env.grant()
        .args(["credentials", "add", profile, "--env"])
        .env("AWS_ACCESS_KEY_ID", id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .output()
        .unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&success(output)).unwrap()
}

fn config_text(env: &TestEnv) -> String {
    std::fs::read_to_string(env.aws_config_path()).unwrap()
}

fn last_four(id: &str) -> &str {
    &id[id.len() - 4..]
}

#[test]
fn an_added_key_is_served_as_sessions_and_never_in_plaintext() {
    let fake = FakeAws::start();
    let (env, id, secret) = world(&fake, USER_CONFIG);
    let out = add(&env, "alice", &id, &secret);
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains(&id) && !said.contains(&secret), "{said}");
    assert!(
        said.contains("forgets grant's data key at reboot"),
        "{said}"
    );
    assert_eq!(
        config_text(&env),
        format!(
            "{USER_CONFIG}credential_process = grant credential-process --profile alice\ngrant_iam_user = true\n"
        ),
        "grant's two lines added, every other byte kept"
    );

    // --debug: the log in the state folder is scanned for secrets at the end too.
    let served = json(&env.run(&["credential-process", "--profile", "alice", "--debug"]));
    let session_key = served["AccessKeyId"].as_str().unwrap();
    assert!(session_key.starts_with("ASIA"), "{served}");
    assert!(served["SessionToken"].is_string() && served["Expiration"].is_string());
    assert_ne!(served["SecretAccessKey"], secret.as_str());
    let calls = fake.session_token_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].caller_access_key_id, id);
    assert_eq!(calls[0].serial_number, None);
    // The second request is a cache hit.
    json(&env.run(&["credential-process", "--profile", "alice"]));
    assert_eq!(fake.count("GetSessionToken"), 1);

    let listed = success(&env.run(&["credentials", "list"]));
    assert!(listed.starts_with("alice  "), "{listed}");
    assert!(listed.trim_end().ends_with(last_four(&id)), "{listed}");
    assert!(
        !listed.contains(&id) && !listed.contains(&secret),
        "{listed}"
    );
    let long = success(&env.run(&["profiles", "--long"]));
    assert!(long.contains("alice  iam-user (grant store)"), "{long}");

    let again = failure(&add(&env, "alice", &id, &secret));
    assert!(again.contains("already stores"), "{again}");
}

#[test]
fn boto3_and_the_aws_cli_sign_with_the_users_session() {
    let fake = FakeAws::start();
    let (env, id, secret) = world(&fake, USER_CONFIG);
    success(&add(&env, "alice", &id, &secret));
    if let Some(python) = python_with_botocore() {
        let out = env
            .consumer(python)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/consumers/python/sts_consumer.py"
            ))
            .env("PATH", path_with_grant())
            .env("AWS_PROFILE", "alice")
            .output()
            .unwrap();
        assert!(out.status.success(), "boto3: {}", stderr(&out));
        assert_eq!(stdout(&out).trim(), "arn:aws:iam::111111111111:user/alice");
    }
    if tool_is_installed("aws", "awscli") {
        let out = env
            .consumer("aws")
            .args(["sts", "get-caller-identity", "--profile", "alice"])
            .args(["--endpoint-url", fake.url(), "--output", "json"])
            .env("PATH", path_with_grant())
            .output()
            .unwrap();
        assert!(out.status.success(), "aws: {}", stderr(&out));
        let identity: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(identity["Arn"], "arn:aws:iam::111111111111:user/alice");
    }
    // Every GetCallerIdentity was signed with a session key, never the user's own.
    let signers = fake.caller_identity_keys();
    assert!(!signers.is_empty());
    assert!(
        signers
            .iter()
            .all(|key| key.starts_with("ASIA") && *key != id),
        "{signers:?}"
    );
    assert_eq!(fake.count("GetSessionToken"), 1, "the session is shared");
}

/// alice with an MFA device, and three roles on her: one naming the same device,
/// one without MFA, one with a device of its own.
fn mfa_config() -> String {
    format!(
        "[profile alice]\nmfa_serial = {MFA_SERIAL}\n\n\
         [profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = alice\nmfa_serial = {MFA_SERIAL}\n\n\
         [profile viewer]\nrole_arn = arn:aws:iam::222222222222:role/Viewer\nsource_profile = alice\n\n\
         [profile vault]\nrole_arn = arn:aws:iam::333333333333:role/Vault\nsource_profile = alice\nmfa_serial = arn:aws:iam::111111111111:mfa/vault-token\n"
    )
}

/// A zenity on PATH that records each call and answers the MFA code.
#[cfg(unix)]
fn fake_zenity(env: &TestEnv) -> (std::path::PathBuf, std::path::PathBuf) {
    let bin = env.home.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = env.home.join("zenity-calls");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\necho {MFA_CODE}\n",
        calls.display()
    );
    let zenity = bin.join("zenity");
    std::fs::write(&zenity, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&zenity, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.written_by_the_test(&bin);
    env.written_by_the_test(&calls);
    (bin, calls)
}

/// credential-process for `profile` as an IDE on a desktop would run it: no
/// terminal at all (its own session, stdin closed), no CI, DISPLAY set.
#[cfg(unix)]
fn on_a_desktop(env: &TestEnv, bin: &Path, profile: &str) -> Output {
    let mut path = std::ffi::OsString::from(bin);
    path.push(":");
    path.push(path_with_grant());
    let grant = env.grant();
    let world = grant
        .get_envs()
        .filter_map(|(name, value)| value.map(|value| (name, value)));
    let mut command = Command::new("setsid");
    command
        .arg("--wait")
        .arg(env!("CARGO_BIN_EXE_grant"))
        .args(["credential-process", "--profile", profile])
        .env_clear()
        .envs(world)
        .env_remove("CI")
        .env("PATH", path)
        .env("DISPLAY", ":99")
        .current_dir(&env.home)
        .stdin(Stdio::null());
    crate::support::run_within(&mut command, std::time::Duration::from_secs(60))
}

#[cfg(unix)]
#[test]
fn the_mfa_code_is_asked_once_per_session_across_a_role_chain() {
    if !tool_is_installed("setsid", "util-linux") {
        return;
    }
    let fake = FakeAws::builder()
        .configure(|settings| settings.mfa_code = Some(MFA_CODE.into()))
        .start()
        .unwrap();
    let (env, id, secret) = world(&fake, &mfa_config());
    success(&add(&env, "alice", &id, &secret));
    let (bin, zenity_calls) = fake_zenity(&env);

    for profile in ["admin", "viewer", "alice"] {
        let out = on_a_desktop(&env, &bin, profile);
        assert!(out.status.success(), "{profile}: {}", stderr(&out));
        let served: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(served["SessionToken"].is_string(), "{served}");
    }
    let asked = std::fs::read_to_string(&zenity_calls).unwrap();
    assert_eq!(asked.lines().count(), 1, "one dialog: {asked}");
    assert!(
        asked.contains("--entry") && asked.contains(MFA_SERIAL),
        "{asked}"
    );
    let sessions = fake.session_token_calls();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0].serial_number.as_deref(), Some(MFA_SERIAL));
    assert_eq!(sessions[0].token_code.as_deref(), Some(MFA_CODE));
    assert_eq!(sessions[0].caller_access_key_id, id);
    let roles = fake.assume_role_calls();
    assert_eq!(roles.len(), 2, "{roles:?}");
    for call in &roles {
        assert!(call.caller_access_key_id.starts_with("ASIA"), "{call:?}");
        assert_eq!(
            call.token_code, None,
            "the session is MFA-authenticated: {call:?}"
        );
    }

    // A role with a device of its own needs its code, passed with --mfa-token (CI
    // is set: no dialog); the user's session is reused.
    let out = env.run(&[
        "credential-process",
        "--profile",
        "vault",
        "--mfa-token",
        MFA_CODE,
    ]);
    json(&out);
    let vault = fake.assume_role_calls().pop().unwrap();
    assert_eq!(
        vault.serial_number.as_deref(),
        Some("arn:aws:iam::111111111111:mfa/vault-token")
    );
    assert_eq!(vault.token_code.as_deref(), Some(MFA_CODE));
    assert_eq!(fake.count("GetSessionToken"), 1);

    // Without a cached session, in CI, with no code: one line says how to pass it.
    success(&env.run(&["cache", "clear", "--all"]));
    let line = failure(&env.run(&["credential-process", "--profile", "admin"]));
    assert!(line.contains("pass --mfa-token CODE"), "{line}");
    assert!(line.contains(MFA_SERIAL), "{line}");
    assert_eq!(
        std::fs::read_to_string(&zenity_calls)
            .unwrap()
            .lines()
            .count(),
        1
    );
    let out = env.run(&[
        "credential-process",
        "--profile",
        "admin",
        "--mfa-token",
        MFA_CODE,
    ]);
    json(&out);
    assert_eq!(fake.count("GetSessionToken"), 2);
}

#[test]
fn on_a_terminal_the_users_mfa_code_is_asked_there() {
    if !crate::support::script_is_installed() {
        return;
    }
    let fake = FakeAws::builder()
        .configure(|settings| settings.mfa_code = Some(MFA_CODE.into()))
        .start()
        .unwrap();
    let (env, id, secret) = world(&fake, &mfa_config());
    success(&add(&env, "alice", &id, &secret));
    // `script` gives grant a pseudo-terminal; the code is typed ahead.
    let command = format!(
        "{} credential-process --profile viewer",
        env!("CARGO_BIN_EXE_grant")
    );
    let mut script = Command::new("script");
    script
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .env_clear()
        .envs(
            env.grant()
                .get_envs()
                .filter_map(|(name, value)| value.map(|value| (name, value))),
        )
        .env_remove("CI")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = script.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(format!("{MFA_CODE}\n").as_bytes()).unwrap();
    }
    let out = crate::support::output_within(child, std::time::Duration::from_secs(60));
    let screen = stdout(&out);
    assert!(out.status.success(), "{screen}{}", stderr(&out));
    assert!(
        screen.contains(&format!("MFA code for {MFA_SERIAL}")),
        "{screen}"
    );
    let sessions = fake.session_token_calls();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].token_code.as_deref(), Some(MFA_CODE));
    assert_eq!(fake.assume_role_calls()[0].token_code, None);
}

#[test]
fn a_wrong_mfa_code_is_one_line_and_caches_nothing() {
    let fake = FakeAws::builder()
        .configure(|settings| settings.mfa_code = Some(MFA_CODE.into()))
        .start()
        .unwrap();
    let (env, id, secret) = world(&fake, &mfa_config());
    success(&add(&env, "alice", &id, &secret));
    let line = failure(&env.run(&[
        "credential-process",
        "--profile",
        "admin",
        "--mfa-token",
        "999999",
    ]));
    assert!(line.contains("refused GetSessionToken"), "{line}");
    assert_eq!(line.trim_end().lines().count(), 1, "{line}");
    json(&env.run(&[
        "credential-process",
        "--profile",
        "admin",
        "--mfa-token",
        MFA_CODE,
    ]));
    assert_eq!(fake.count("GetSessionToken"), 2);
}

#[test]
fn rotate_replaces_the_key_and_deletes_the_old_one() {
    let fake = FakeAws::start();
    let (env, old_id, old_secret) = world(&fake, USER_CONFIG);
    success(&add(&env, "alice", &old_id, &old_secret));
    json(&env.run(&["credential-process", "--profile", "alice"]));
    // A new key takes a moment to work: the first two checks are refused.
    fake.fail_with_code(
        "GetCallerIdentity",
        403,
        Some("InvalidClientTokenId"),
        Some(2),
    );
    let out = env.run(&["credentials", "rotate", "alice"]);
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    let keys = fake.access_keys_of(ACCOUNT, "alice");
    assert_eq!(keys.len(), 1, "{keys:?}");
    let new_id = &keys[0];
    assert_ne!(*new_id, old_id);
    assert!(
        said.contains(last_four(new_id)) && said.contains("deleted"),
        "{said}"
    );
    assert_eq!(fake.count("GetCallerIdentity"), 3);
    assert_eq!(fake.iam_caller_keys(), vec![old_id.clone(), old_id.clone()]);
    let listed = success(&env.run(&["credentials", "list"]));
    assert!(listed.trim_end().ends_with(last_four(new_id)), "{listed}");

    // The old session is forgotten; the next one is the new key's.
    json(&env.run(&["credential-process", "--profile", "alice"]));
    let sessions = fake.session_token_calls();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[1].caller_access_key_id, *new_id);
}

#[test]
fn rotate_signs_iam_with_an_mfa_session_when_the_user_has_a_device() {
    let fake = FakeAws::builder()
        .configure(|settings| settings.mfa_code = Some(MFA_CODE.into()))
        .start()
        .unwrap();
    let (env, old_id, old_secret) = world(&fake, &mfa_config());
    success(&add(&env, "alice", &old_id, &old_secret));
    let line = failure(&env.run(&["credentials", "rotate", "alice"]));
    assert!(line.contains("pass --mfa-token CODE"), "{line}");
    assert_eq!(fake.access_keys_of(ACCOUNT, "alice"), vec![old_id.clone()]);
    assert_eq!(fake.count("CreateAccessKey"), 0);

    success(&env.run(&["credentials", "rotate", "alice", "--mfa-token", MFA_CODE]));
    let sessions = fake.session_token_calls();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].token_code.as_deref(), Some(MFA_CODE));
    let signers = fake.iam_caller_keys();
    assert_eq!(
        signers.len(),
        2,
        "CreateAccessKey and DeleteAccessKey: {signers:?}"
    );
    assert!(
        signers.iter().all(|key| key.starts_with("ASIA")),
        "{signers:?}"
    );
    let keys = fake.access_keys_of(ACCOUNT, "alice");
    assert_eq!(keys.len(), 1);
    assert_ne!(keys[0], old_id);
}

#[test]
fn a_failure_after_the_new_key_leaves_it_working_and_names_the_old_one() {
    let fake = FakeAws::start();
    let (env, old_id, old_secret) = world(&fake, USER_CONFIG);
    success(&add(&env, "alice", &old_id, &old_secret));
    fake.fail("DeleteAccessKey", 500, None);
    let line = failure(&env.run(&["credentials", "rotate", "alice"]));
    let keys = fake.access_keys_of(ACCOUNT, "alice");
    assert_eq!(keys.len(), 2, "both keys exist: {keys:?}");
    assert_eq!(keys[0], old_id);
    let new_id = &keys[1];
    assert!(line.contains("still exists"), "{line}");
    assert!(
        line.contains(&format!(
            "aws iam delete-access-key --access-key-id {old_id}"
        )),
        "{line}"
    );
    assert!(line.contains(last_four(new_id)), "{line}");
    json(&env.run(&["credential-process", "--profile", "alice"]));
    let sessions = fake.session_token_calls();
    assert_eq!(sessions.last().unwrap().caller_access_key_id, *new_id);
}

#[test]
fn a_new_key_sts_never_accepts_keeps_the_old_one_in_iam() {
    let fake = FakeAws::start();
    let (env, old_id, old_secret) = world(&fake, USER_CONFIG);
    success(&add(&env, "alice", &old_id, &old_secret));
    fake.fail_with_code("GetCallerIdentity", 403, Some("InvalidClientTokenId"), None);
    let line = failure(&env.run(&["credentials", "rotate", "alice"]));
    assert!(line.contains("did not accept it yet"), "{line}");
    assert!(
        line.contains(&format!("old key {old_id} still exists")),
        "{line}"
    );
    let keys = fake.access_keys_of(ACCOUNT, "alice");
    assert_eq!(keys.len(), 2, "nothing deleted: {keys:?}");
    assert_eq!(fake.count("DeleteAccessKey"), 0);
    let listed = success(&env.run(&["credentials", "list"]));
    assert!(listed.trim_end().ends_with(last_four(&keys[1])), "{listed}");
}

#[test]
fn a_failed_create_changes_nothing() {
    let fake = FakeAws::start();
    let (env, old_id, old_secret) = world(&fake, USER_CONFIG);
    success(&add(&env, "alice", &old_id, &old_secret));
    let config_before = config_text(&env);
    fake.fail_with_code("CreateAccessKey", 409, Some("LimitExceeded"), None);
    let line = failure(&env.run(&["credentials", "rotate", "alice"]));
    assert!(line.contains("nothing changed"), "{line}");
    assert!(line.contains("LimitExceeded"), "{line}");
    assert_eq!(fake.access_keys_of(ACCOUNT, "alice"), vec![old_id.clone()]);
    assert_eq!(fake.count("DeleteAccessKey"), 0);
    assert_eq!(config_text(&env), config_before);
    json(&env.run(&["credential-process", "--profile", "alice"]));
    assert_eq!(fake.session_token_calls()[0].caller_access_key_id, old_id);
}

/// A credentials file with alice's keys between other bytes of the user's.
fn credentials_file(id: &str, secret: &str) -> String {
    format!(
        "# top\r\n[other]\r\naws_access_key_id = AKIAOTHEROTHEROTHER1\r\naws_secret_access_key = other-secret\r\n\r\n[alice] ; mine\r\naws_access_key_id = {id}\r\n# keep this\r\naws_secret_access_key = {secret}\r\nregion = eu-west-1\r\n"
    )
}

#[test]
fn import_keeps_the_plaintext_unless_told_and_says_what_wins() {
    let fake = FakeAws::start();
    let (env, id, secret) = world(&fake, USER_CONFIG);
    let plaintext = credentials_file(&id, &secret);
    env.write_aws_credentials(&plaintext);
    // The test's own plaintext input.
    env.written_by_the_test(&env.aws_credentials_path());
    let out = env.run(&["credentials", "import", "alice"]);
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("stay in"), "{said}");
    assert!(said.contains("before credential_process"), "{said}");
    assert!(said.contains("--remove-plaintext"), "{said}");
    assert_eq!(
        std::fs::read_to_string(env.aws_credentials_path()).unwrap(),
        plaintext
    );
    assert!(config_text(&env).ends_with("grant_iam_user = true\n"));
    let listed = success(&env.run(&["credentials", "list"]));
    assert!(listed.trim_end().ends_with(last_four(&id)), "{listed}");
}

#[test]
fn import_with_remove_plaintext_takes_only_the_keys_out() {
    let fake = FakeAws::start();
    let (env, id, secret) = world(&fake, USER_CONFIG);
    env.write_aws_credentials(&credentials_file(&id, &secret));
    let out = env.run(&["credentials", "import", "alice", "--remove-plaintext"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(env.aws_credentials_path()).unwrap(),
        "# top\r\n[other]\r\naws_access_key_id = AKIAOTHEROTHEROTHER1\r\naws_secret_access_key = other-secret\r\n\r\n[alice] ; mine\r\n# keep this\r\nregion = eu-west-1\r\n"
    );
    let served = json(&env.run(&["credential-process", "--profile", "alice"]));
    assert!(served["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert_eq!(fake.session_token_calls()[0].caller_access_key_id, id);
    // The end-of-test scan checks that the secret is nowhere in plaintext now.
}

#[test]
fn remove_deletes_the_key_its_sessions_and_grants_lines() {
    let fake = FakeAws::start();
    let (env, id, secret) = world(&fake, USER_CONFIG);
    success(&add(&env, "alice", &id, &secret));
    json(&env.run(&["credential-process", "--profile", "alice"]));
    let out = env.run(&["credentials", "remove", "alice"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(config_text(&env), USER_CONFIG, "back to the user's bytes");
    assert_eq!(success(&env.run(&["credentials", "list"])), "");
    let store = grant::testing::secrets::SecretStore::open_with(
        grant::testing::secrets::KeyringBackend::KernelKeyring,
        &env.state_dir,
    )
    .unwrap();
    assert_eq!(store.keys("iam-user/").unwrap(), Vec::<String>::new());
    assert_eq!(store.keys("credentials/").unwrap(), Vec::<String>::new());
    let line = failure(&env.run(&["credentials", "remove", "alice"]));
    assert!(line.contains("stores no key"), "{line}");
    // IAM still has the key: remove forgets it, it does not delete it.
    assert_eq!(fake.access_keys_of(ACCOUNT, "alice"), vec![id]);
}

#[test]
fn hostile_profile_names_and_keys_are_refused_before_anything_changes() {
    let fake = FakeAws::start();
    let (env, id, secret) = world(&fake, USER_CONFIG);
    for name in ["bad name", "x]\n[profile evil", "$(touch pwned)", "a;b"] {
        let line = failure(&add(&env, name, &id, &secret));
        assert!(line.contains("refused"), "{name:?}: {line}");
    }
    let line = failure(&add(&env, "alice", "ASIAAAAAAAAAAAAAAAAA", &secret));
    assert!(line.contains("temporary"), "{line}");
    let line = failure(&add(&env, "alice", &id, "two\nlines"));
    assert!(line.contains("secret access key"), "{line}");
    let line = failure(&env.run(&["credentials", "add", "alice"]));
    assert!(
        line.contains("--env"),
        "no terminal, so it says how: {line}"
    );
    assert_eq!(config_text(&env), USER_CONFIG);
    assert!(!env.home.join("pwned").exists());
    assert_eq!(success(&env.run(&["credentials", "list"])), "");
}
