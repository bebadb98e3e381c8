//! Faults from AWS (errors, throttling, slow and garbled answers, refused tokens and
//! roles) and on the machine (processes killed half-way, unwritable folders, expiry
//! times close to now): grant retries what is worth retrying, answers one clear line
//! otherwise, never serves expired credentials and never loses good ones.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use fake_aws::{Directory, FakeAws};

use crate::support::fixtures::{
    self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, credential_process, granted_profile, json,
    populate_command, portal_args, signed_in_by_start_url,
};
use crate::support::{TestEnv, failure, success};

/// Attempts the SDK makes for one call (src/aws.rs).
const ATTEMPTS: u64 = 3;

/// `dev` (SSO) and `deploy` (AssumeRole from dev), signed in.
fn signed_in(fake: &FakeAws) -> TestEnv {
    let mut config = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::None);
    config.push_str(
        "[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = dev\nregion = eu-west-1\n",
    );
    fixtures::signed_in(fake, &config, Forget::Counts)
}

fn fake_with(change: impl FnOnce(&mut fake_aws::Settings)) -> FakeAws {
    FakeAws::builder().configure(change).start().unwrap()
}

fn debug_log(env: &TestEnv) -> String {
    std::fs::read_to_string(env.state_dir.join("credential-process.log")).unwrap_or_default()
}

#[track_caller]
fn assert_contains(line: &str, parts: &[&str]) {
    for part in parts {
        assert!(line.contains(part), "{part:?} missing from: {line}");
    }
}

// ---- 500s and 429s ----

#[test]
fn transient_500s_and_429s_on_get_role_credentials_are_retried() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    for status in [500, 429] {
        fake.reset_counts();
        fake.fail("GetRoleCredentials", status, Some(2));
        let out = json(&credential_process(&env, "dev", &["--no-cache"]));
        assert_eq!(out["AccountId"], "111111111111");
        assert_eq!(fake.count("GetRoleCredentials"), ATTEMPTS, "HTTP {status}");
    }
}

#[test]
fn persistent_500s_and_429s_on_get_role_credentials_are_one_clear_line() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    fake.fail("GetRoleCredentials", 500, None);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("GetRoleCredentials"), ATTEMPTS);
    assert_contains(
        &line,
        &[
            "profile 'dev'",
            "GetRoleCredentials failed",
            "HTTP 500",
            "after 3 attempts",
            "try again",
        ],
    );

    fake.reset_counts();
    fake.fail("GetRoleCredentials", 429, None);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("GetRoleCredentials"), ATTEMPTS);
    assert_contains(
        &line,
        &[
            "profile 'dev'",
            "IAM Identity Center throttled",
            "after 3 attempts",
            "try again",
        ],
    );

    fake.reset_faults();
    json(&credential_process(&env, "dev", &[]));
}

#[test]
fn refresh_faults_are_retried_and_an_unusable_token_asks_to_sign_in() {
    // Tokens live 10 minutes: inside the 15-minute refresh window, still usable.
    let fake = fake_with(|s| s.access_token_lifetime = Duration::from_secs(10 * 60));
    let env = signed_in(&fake);
    for status in [500, 429] {
        fake.reset_counts();
        fake.fail("CreateToken:refresh_token", status, Some(2));
        json(&credential_process(&env, "dev", &["--no-cache"]));
        assert_eq!(fake.count("CreateToken:refresh_token"), ATTEMPTS);
        assert_eq!(fake.count("GetRoleCredentials"), 1);
    }
    // A refresh that keeps failing leaves the still-usable token in use.
    fake.reset_counts();
    fake.fail("CreateToken:refresh_token", 500, None);
    json(&credential_process(&env, "dev", &["--no-cache"]));
    assert_eq!(fake.count("CreateToken:refresh_token"), ATTEMPTS);

    // Tokens that are all but expired cannot be used while the refresh fails.
    let fake = fake_with(|s| s.access_token_lifetime = Duration::from_secs(30));
    let env = signed_in(&fake);
    fake.fail("CreateToken:refresh_token", 429, None);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("CreateToken:refresh_token"), ATTEMPTS);
    assert_eq!(fake.count("GetRoleCredentials"), 0);
    assert_contains(
        &line,
        &[
            "profile 'dev'",
            "CreateToken failed: throttled, after 3 attempts",
        ],
    );
    fake.reset_counts();
    fake.fail("CreateToken:refresh_token", 500, None);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("CreateToken:refresh_token"), ATTEMPTS);
    assert_contains(
        &line,
        &[
            "profile 'dev'",
            "CreateToken failed: HTTP 500 InternalServerException",
            "after 3 attempts",
        ],
    );
    fake.reset_faults();
    json(&credential_process(&env, "dev", &[]));
}

#[test]
fn assume_role_500s_and_throttling_are_retried_then_reported() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    fake.fail("AssumeRole", 500, Some(2));
    let out = json(&credential_process(&env, "deploy", &["--no-cache"]));
    assert_eq!(out["AccountId"], "222222222222");
    assert_eq!(fake.count("AssumeRole"), ATTEMPTS);

    fake.reset_counts();
    fake.fail("AssumeRole", 429, None);
    let line = failure(&credential_process(&env, "deploy", &[]));
    assert_eq!(fake.count("AssumeRole"), ATTEMPTS);
    assert_contains(
        &line,
        &[
            "profile 'deploy'",
            "STS throttled",
            "after 3 attempts",
            "try again",
        ],
    );
    fake.fail("AssumeRole", 500, None);
    let line = failure(&credential_process(&env, "deploy", &[]));
    assert_contains(
        &line,
        &[
            "profile 'deploy'",
            "AssumeRole failed",
            "HTTP 500",
            "try again",
        ],
    );
}

// ---- a slow server ----

#[test]
fn a_slow_server_times_out_with_a_clear_line_and_leaves_no_stuck_lock() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    fake.delay("GetRoleCredentials", Duration::from_secs(4));
    let started = Instant::now();
    let out = env
        .grant()
        .env("GRANT_HTTP_TIMEOUT_SECONDS", "1")
        .args(["credential-process", "--profile", "dev"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let line = failure(&out);
    assert!(took < Duration::from_secs(6), "bounded: took {took:?}");
    assert_contains(
        &line,
        &[
            "profile 'dev'",
            "GetRoleCredentials",
            "did not answer",
            "try again",
        ],
    );
    assert!(
        fake.count("GetRoleCredentials") >= 2,
        "the timeout is retried"
    );

    fake.reset_faults();
    let started = Instant::now();
    json(&credential_process(&env, "dev", &[]));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "no lock left behind: {:?}",
        started.elapsed()
    );
}

#[test]
fn a_slow_answer_within_the_timeouts_is_waited_for() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    fake.delay("GetRoleCredentials", Duration::from_millis(1500));
    json(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

// ---- 401 and 403 ----

#[test]
fn a_refused_token_is_dropped_and_sign_in_is_asked_for() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    fake.fail("GetRoleCredentials", 401, None);
    let line = failure(&credential_process(&env, "dev", &[]));
    // Once more with a token renewed by the refresh token, which is refused too.
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 2, "a 401 is not retried");
    assert_contains(
        &line,
        &["refused the token", "grant sso login --profile dev"],
    );
    // The token is gone: no request is made with it again.
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("GetRoleCredentials"), 2);
    assert_contains(&line, &["grant sso login --profile dev"]);
    fake.reset_faults();
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    json(&credential_process(&env, "dev", &[]));
}

#[test]
fn a_forbidden_role_is_no_access_to_the_role_in_the_account() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    fake.fail("GetRoleCredentials", 403, None);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("GetRoleCredentials"), 1, "a 403 is not retried");
    assert_contains(
        &line,
        &["no access to the role AdministratorAccess in account 111111111111"],
    );
}

// ---- malformed answers ----

#[test]
fn malformed_answers_are_one_clear_line() {
    let fake = fake_with(|s| s.access_token_lifetime = Duration::from_secs(10 * 60));
    let env = signed_in(&fake);
    let html = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
    let portal = [
        (200, r#"{"roleCredentials": {"accessKeyId": "ASIA"#),
        (
            200,
            r#"{"roleCredentials": {"accessKeyId": 5, "secretAccessKey": [], "expiration": "soon"}}"#,
        ),
        (200, r#"{"roleCredentials": {"accessKeyId": "ASIAX"}}"#),
        (200, "{}"),
        (200, html),
        (200, ""),
        (502, html),
    ];
    for (status, body) in portal {
        fake.fail_with_body("GetRoleCredentials", status, body, None);
        let line = failure(&credential_process(&env, "dev", &["--no-cache"]));
        assert_contains(&line, &["profile 'dev'", "GetRoleCredentials"]);
        assert!(!line.contains("Error {"), "no debug dump: {line}");
    }
    fake.reset_faults();

    let sts = [
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA",
        "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId><Expiration>soon</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
        html,
        "{\"not\": \"xml\"}",
    ];
    for body in sts {
        fake.fail_with_body("AssumeRole", 200, body, None);
        let line = failure(&credential_process(&env, "deploy", &["--no-cache"]));
        assert_contains(&line, &["profile 'deploy'", "AssumeRole"]);
    }
    fake.reset_faults();

    // The refresh's answer is garbled: the still-usable token is used.
    fake.fail_with_body(
        "CreateToken:refresh_token",
        200,
        r#"{"accessToken": 7"#,
        None,
    );
    json(&credential_process(&env, "dev", &["--no-cache"]));
}

// ---- a failed renewal keeps good credentials ----

#[test]
fn a_failed_renewal_serves_the_cached_credentials_while_they_are_valid() {
    // 4 minutes of life: inside the window (never under 5 minutes, however short
    // the session), so every call renews.
    let fake = fake_with(|s| s.role_credentials_lifetime = Duration::from_secs(4 * 60));
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, "dev", &[]));
    fake.fail("GetRoleCredentials", 500, None);
    fake.reset_counts();
    let served = json(&credential_process(&env, "dev", &["--debug"]));
    assert_eq!(served, first, "the cached credentials");
    assert_eq!(
        fake.count("GetRoleCredentials"),
        ATTEMPTS,
        "renewal was tried"
    );
    let log = debug_log(&env);
    assert!(
        log.contains("renewal failed") && log.contains("serving the cached credentials"),
        "{log}"
    );
    // `assume` shares the cache and the fallback.
    let shell = success(&env.run(&["assume", "dev", "-x", "--shell", "bash"]));
    assert!(
        shell.contains(first["AccessKeyId"].as_str().unwrap()),
        "{shell}"
    );

    // The entry is unchanged: with a smaller window it is a plain cache hit.
    fake.reset_faults();
    fake.reset_counts();
    let hit = json(&credential_process(&env, "dev", &["--window", "1m"]));
    assert_eq!(hit, first);
    assert_eq!(fake.count("GetRoleCredentials"), 0);
    // And once the fault is gone the renewal replaces it.
    let renewed = json(&credential_process(&env, "dev", &[]));
    assert_ne!(renewed["AccessKeyId"], first["AccessKeyId"]);
}

#[test]
fn expired_cached_credentials_are_never_served() {
    let fake = fake_with(|s| s.role_credentials_lifetime = Duration::from_secs(2));
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, "dev", &[]));
    std::thread::sleep(Duration::from_millis(2500));
    fake.fail("GetRoleCredentials", 500, None);
    failure(&credential_process(&env, "dev", &[]));
    failure(&env.run(&["assume", "dev", "-x", "--shell", "bash"]));
    fake.reset_faults();
    let renewed = json(&credential_process(&env, "dev", &[]));
    assert_ne!(renewed["AccessKeyId"], first["AccessKeyId"]);
}

// ---- clock skew ----

#[test]
fn credentials_expiring_in_a_few_minutes_are_never_cached_as_fresh() {
    let fake = fake_with(|s| s.role_credentials_lifetime = Duration::from_secs(3 * 60));
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, "dev", &[]));
    let second = json(&credential_process(&env, "dev", &[]));
    assert_ne!(first["AccessKeyId"], second["AccessKeyId"]);
    assert_eq!(fake.count("GetRoleCredentials"), 2);
}

#[test]
fn credentials_already_expired_on_arrival_are_refused() {
    let fake = fake_with(|s| s.role_credentials_lifetime = Duration::ZERO);
    let env = signed_in(&fake);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_contains(&line, &["profile 'dev'", "already expired", "clock"]);
    let line = failure(&env.run(&["assume", "dev", "-x", "--shell", "bash"]));
    assert_contains(&line, &["already expired"]);
}

// ---- processes killed half-way ----

/// A number in 0..n that differs from run to run.
fn random_below(n: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    let mut x = nanos ^ (u64::from(std::process::id()) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x % n
}

/// Runs `command` and SIGKILLs it after `after` if it is still running.
fn kill_after(mut command: std::process::Command, after: Duration) -> bool {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + after;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let killed = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    killed
}

#[test]
fn populate_killed_at_random_moments_leaves_the_old_or_the_new_file() {
    let fake = FakeAws::builder()
        .directory(Directory::generated(1000, 3))
        .start()
        .unwrap();
    let old = "# mine\n[default]\nregion = us-east-1\n";
    let env = signed_in_by_start_url(&fake, old, Forget::Nothing);
    let path = env.aws_config_path();
    // How long a whole populate takes, and what it writes.
    let started = Instant::now();
    success(&populate_command(&env, &[]).output().unwrap());
    let full = started.elapsed();
    let new = std::fs::read(&path).unwrap();
    assert_ne!(new, old.as_bytes());

    let mut killed = 0;
    for round in 0..8 {
        std::fs::write(&path, old).unwrap();
        let at = Duration::from_millis(random_below(full.as_millis() as u64 + 1));
        killed += u32::from(kill_after(populate_command(&env, &[]), at));
        let now = std::fs::read(&path).unwrap();
        assert!(
            now == old.as_bytes() || now == new,
            "round {round}, killed after {at:?}: the config is a mix ({} bytes)",
            now.len()
        );
        leftovers_are_only_temp_files(path.parent().unwrap());
    }
    assert!(killed > 0, "no populate was killed half-way");
    // The next run works and writes the same file.
    std::fs::write(&path, old).unwrap();
    success(&populate_command(&env, &[]).output().unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), new);
}

/// Besides the config and its backup, only grant's temp files (never read) remain.
fn leftovers_are_only_temp_files(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            ["config", "config.grant-backup", "credentials"].contains(&name.as_str())
                || (name.starts_with(".grant-") && name.ends_with(".tmp")),
            "unexpected file {name}"
        );
    }
}

#[test]
fn credential_process_killed_at_random_moments_leaves_a_working_cache() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let mut command = env.grant();
    command.args(["credential-process", "--profile", "dev"]);
    let started = Instant::now();
    success(&command.output().unwrap());
    let full = started.elapsed();
    let mut killed = 0;
    for round in 0..8 {
        // Each killed run fetches and writes: nothing is cached for it to read.
        success(&env.run(&["cache", "clear", "--profile", "dev"]));
        let mut command = env.grant();
        command.args(["credential-process", "--profile", "dev"]);
        let at = Duration::from_millis(random_below(full.as_millis() as u64 + 1));
        killed += u32::from(kill_after(command, at));
        let out = json(&credential_process(&env, "dev", &[]));
        assert_eq!(out["AccountId"], "111111111111", "round {round}");
        // What the call after the kill cached serves the next one.
        let fetched = fake.count("GetRoleCredentials");
        json(&credential_process(&env, "dev", &[]));
        assert_eq!(fake.count("GetRoleCredentials"), fetched, "round {round}");
    }
    assert!(killed > 0, "no credential-process was killed half-way");
}

#[test]
fn a_lock_holder_killed_during_a_slow_fetch_does_not_block_the_next_call() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    fake.delay("GetRoleCredentials", Duration::from_secs(30));
    let mut command = env.grant();
    command.args(["credential-process", "--profile", "dev"]);
    let mut holder = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fake.count("GetRoleCredentials") == 0 {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(20));
    }
    holder.kill().unwrap();
    holder.wait().unwrap();
    fake.reset_faults();
    let started = Instant::now();
    json(&credential_process(&env, "dev", &[]));
    assert!(started.elapsed() < Duration::from_secs(3));
}

// ---- unwritable folders ----

#[test]
fn an_unwritable_state_folder_is_one_line_naming_the_path() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let file = env.home.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let state = file.join("state");
    for state in [state.as_path(), Path::new("/proc/self/grant-state")] {
        let out = env
            .grant()
            .env("GRANT_STATE_DIR", state)
            .args(["credential-process", "--profile", "dev"])
            .output()
            .unwrap();
        let line = failure(&out);
        assert_contains(&line, &[&state.display().to_string()]);
        let out = env
            .grant()
            .env("GRANT_STATE_DIR", state)
            .args(["sso", "login", "--profile", "dev"])
            .output()
            .unwrap();
        let line = failure(&out);
        assert_contains(&line, &[&state.display().to_string()]);
    }
}

#[test]
fn an_unwritable_config_file_is_one_line_naming_the_path() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let file = env.home.join("a-file");
    std::fs::write(&file, "x").unwrap();
    for config in [file.join("config"), "/proc/self/grant-config".into()] {
        let out = populate_command(&env, &[])
            .env("AWS_CONFIG_FILE", &config)
            .output()
            .unwrap();
        let line = failure(&out);
        assert_contains(&line, &[&config.display().to_string()]);
    }
}

/// Runs `grant ARGS` in a private mount namespace (`unshare -m`) where `folder` is
/// a 64 KiB tmpfs holding what it held before, then filled to the last byte.
fn on_a_full_disk(env: &TestEnv, folder: &Path, args: &[&str]) -> Output {
    let script = r#"set -e
copy=$(mktemp -d)
cp -a "$FOLDER/." "$copy/"
mount -t tmpfs -o size=64k tmpfs "$FOLDER"
cp -a "$copy/." "$FOLDER/"
dd if=/dev/zero of="$FOLDER/filler" bs=1k 2>/dev/null || true
exec "$GRANT" "$@"
"#;
    env.shell("unshare")
        .args(["-m", "sh", "-c", script, "sh"])
        .args(args)
        .env("FOLDER", folder)
        .env("GRANT", env!("CARGO_BIN_EXE_grant"))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Whether this machine lets the tests mount a tmpfs (root, as in CI).
fn can_mount() -> bool {
    let probe = std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt"])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        probe || std::env::var_os("CI").is_none(),
        "CI runs as root and must be able to mount a tmpfs for the full-disk tests"
    );
    if !probe {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
    }
    probe
}

#[test]
fn a_full_disk_is_one_clear_line_and_changes_nothing() {
    if !can_mount() {
        return;
    }
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let line = failure(&on_a_full_disk(
        &env,
        &env.state_dir,
        &["credential-process", "--profile", "dev"],
    ));
    assert_contains(
        &line,
        &[
            "No space left on device",
            &env.state_dir.display().to_string(),
            "free some space on the disk of grant's state folder",
        ],
    );

    let config_folder = env.home.join(".aws");
    let before = std::fs::read(env.aws_config_path()).unwrap();
    let line = failure(&on_a_full_disk(
        &env,
        &config_folder,
        &portal_args("populate", &[]),
    ));
    assert_contains(
        &line,
        &[
            "No space left on device",
            &config_folder.display().to_string(),
        ],
    );
    assert_eq!(std::fs::read(env.aws_config_path()).unwrap(), before);
    // Outside the namespace nothing was mounted, and the next call works.
    json(&credential_process(&env, "dev", &[]));
}
