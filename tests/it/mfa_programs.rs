//! MFA codes from a program rather than a person: the profile's `mfa_process` and a
//! YubiKey through `ykman` (the `MFA.YubiKey` setting). No terminal and CI set, so
//! grant could ask no one else; what the programs print is checked to be a code.

use std::path::{Path, PathBuf};

use fake_aws::FakeAws;
use serde_json::Value;

use crate::support::{TestEnv, failure, path_with_grant, success};

const ACCOUNT: &str = "111111111111";
const MFA_SERIAL: &str = "arn:aws:iam::111111111111:mfa/alice";
const CODE: &str = "246810";

/// The IAM user alice (her key in grant's store) and `config` as the AWS config.
fn add_alice(env: &TestEnv, fake: &FakeAws, config: &str) {
    env.write_aws_config(config);
    let (id, secret) = fake.create_iam_user(ACCOUNT, "alice");
    let out = env
        .grant()
        .args(["credentials", "add", "alice", "--env"])
        .env("AWS_ACCESS_KEY_ID", id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .output()
        .unwrap();
    success(&out);
}

fn fake_with_code() -> FakeAws {
    FakeAws::builder()
        .configure(|settings| settings.mfa_code = Some(CODE.into()))
        .start()
        .unwrap()
}

/// An executable script in the test's folder; each run appends its arguments to
/// the returned log.
fn script(env: &TestEnv, name: &str, prints: &str) -> (PathBuf, PathBuf) {
    let bin = env.home.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = env.home.join(format!("{name}-calls"));
    let path = bin.join(name);
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nprintf '{prints}'\n",
            calls.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.written_by_the_test(&bin);
    env.written_by_the_test(&calls);
    (path, calls)
}

fn calls(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// PATH with `bin` (the test's programs) first, then grant's.
fn path_before_grant(bin: &Path) -> std::ffi::OsString {
    let mut search = std::ffi::OsString::from(bin);
    search.push(":");
    search.push(path_with_grant());
    search
}

fn served(env: &TestEnv, profile: &str, path: Option<&Path>) -> std::process::Output {
    let mut command = env.grant();
    command.args(["credential-process", "--profile", profile]);
    if let Some(bin) = path {
        command.env("PATH", path_before_grant(bin));
    }
    command.output().unwrap()
}

/// alice, and the profile deploy: a role assumed from her that needs the MFA
/// device `serial`; a fake `ykman` that prints the code. Returns its folder and log.
fn deploy_role_and_ykman(env: &TestEnv, fake: &FakeAws, serial: &str) -> (PathBuf, PathBuf) {
    let (ykman, log) = script(env, "ykman", &format!("{CODE}\\n"));
    add_alice(
        env,
        fake,
        &format!(
            "[profile alice]\n\n[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\nsource_profile = alice\nmfa_serial = {serial}\n"
        ),
    );
    (ykman.parent().unwrap().to_path_buf(), log)
}

#[test]
fn mfa_process_answers_the_code_with_no_terminal() {
    let fake = fake_with_code();
    let env = TestEnv::with_fake(&fake);
    let (program, log) = script(&env, "my-otp", &format!("{CODE}\\n"));
    add_alice(
        &env,
        &fake,
        &format!(
            "[profile alice]\nmfa_serial = {MFA_SERIAL}\nmfa_process = {} --for alice\n",
            program.display()
        ),
    );
    let out = served(&env, "alice", None);
    let json: Value = serde_json::from_str(&success(&out)).unwrap();
    assert!(json["SessionToken"].is_string(), "{json}");
    assert_eq!(calls(&log), vec!["--for alice".to_owned()]);
    let sessions = fake.session_token_calls();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0].serial_number.as_deref(), Some(MFA_SERIAL));
    assert_eq!(sessions[0].token_code.as_deref(), Some(CODE));
}

#[test]
fn a_yubikey_answers_through_ykman_when_the_setting_says_so() {
    let fake = fake_with_code();
    let env = TestEnv::with_fake(&fake);
    let role_serial = "arn:aws:iam::111111111111:mfa/deploy-key";
    let (bin, log) = deploy_role_and_ykman(&env, &fake, role_serial);
    let bin = bin.as_path();
    // Off by default: no terminal, so nothing could be asked.
    let line = failure(&served(&env, "deploy", Some(bin)));
    assert!(line.contains("pass --mfa-token CODE"), "{line}");
    assert!(calls(&log).is_empty());

    env.set_setting("MFA.YubiKey", "true");
    let out = served(&env, "deploy", Some(bin));
    let json: Value = serde_json::from_str(&success(&out)).unwrap();
    assert!(json["SessionToken"].is_string(), "{json}");
    assert_eq!(
        calls(&log),
        vec![format!("oath accounts code --single -- {role_serial}")]
    );
    // On an IAM user the role's device authenticates the user's session.
    let sessions = fake.session_token_calls();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0].serial_number.as_deref(), Some(role_serial));
    assert_eq!(sessions[0].token_code.as_deref(), Some(CODE));
    assert_eq!(fake.count("AssumeRole"), 1);
}

/// `grant serve` says, at start, where the code for each new role session will come
/// from: with the setting on, the YubiKey, not a prompt on the terminal.
#[test]
fn serve_says_the_yubikey_gives_each_new_code() {
    let fake = fake_with_code();
    let env = TestEnv::with_fake(&fake);
    let (bin, log) = deploy_role_and_ykman(&env, &fake, MFA_SERIAL);
    env.set_setting("MFA.YubiKey", "true");
    let out = env
        .grant()
        .args(["serve", "--profile", "deploy", "--", "true"])
        .env("PATH", path_before_grant(&bin))
        .output()
        .unwrap();
    success(&out);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("needs an MFA code for every new role session")
            && said.contains("serve reads one from the YubiKey (ykman)")
            && !said.contains("on the terminal"),
        "{said}"
    );
    assert_eq!(calls(&log).len(), 1);
}

#[test]
fn what_a_program_prints_must_be_a_code() {
    let fake = fake_with_code();
    let env = TestEnv::with_fake(&fake);
    // Terminal escapes and a second line: not a code, and never echoed.
    let (program, _) = script(&env, "noisy", "\\033]0;pwned\\007246810\\nsecret-ish\\n");
    let (failing, _) = script(&env, "failing", "");
    add_alice(
        &env,
        &fake,
        &format!(
            "[profile alice]\nmfa_serial = {MFA_SERIAL}\nmfa_process = {}\n\n[profile broken]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\ncredential_source = Environment\nmfa_serial = {MFA_SERIAL}\nmfa_process = {} && exit 3\n",
            program.display(),
            failing.display()
        ),
    );
    let line = failure(&served(&env, "alice", None));
    assert!(line.contains("did not print an MFA code"), "{line}");
    assert!(
        !line.contains('\u{1b}') && !line.contains("secret-ish"),
        "{line}"
    );
    assert_eq!(fake.count("GetSessionToken"), 0);
    let out = env
        .grant()
        .args(["credential-process", "--profile", "broken"])
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
        .env("AWS_SECRET_ACCESS_KEY", "not-used-the-code-fails-first")
        .output()
        .unwrap();
    let line = failure(&out);
    assert!(
        line.contains("failed") && line.contains("exit status: 3"),
        "{line}"
    );
}
