//! `grant uninstall`: lists what grant leaves besides its binary, and with `--yes`
//! removes its state, its settings and the store's data key, and never edits the AWS
//! files, whose lines that run grant it lists by file and line.

use fake_aws::FakeAws;

use crate::support::fixtures::{
    DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile, signed_in,
};
use crate::support::{TestEnv, failure, success};

fn config() -> String {
    format!(
        "# my profiles\n{}[profile mine]\nregion = eu-west-1\n",
        granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::OnPath)
    )
}

fn signed_in_with_credentials(fake: &FakeAws) -> TestEnv {
    let env = signed_in(fake, &config(), Forget::Nothing);
    success(&env.run(&["credential-process", "--profile", "dev"]));
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "AutoReassume",
        "--value",
        "false",
    ]));
    env
}

#[test]
fn without_yes_it_lists_and_removes_nothing() {
    let fake = FakeAws::start();
    let env = signed_in_with_credentials(&fake);
    let before = std::fs::read(env.aws_config_path()).unwrap();
    let out = success(&env.run(&["uninstall"]));
    assert!(out.contains(&env.state_dir.display().to_string()), "{out}");
    assert!(out.contains(&env.config_dir.display().to_string()), "{out}");
    let line_of_process = format!(
        "{}:9: credential_process = grant credential-process --profile dev",
        env.aws_config_path().display()
    );
    assert!(out.contains(&line_of_process), "{out}");
    assert!(env.state_dir.join("secrets").is_dir());
    assert!(env.config_dir.join("config.toml").is_file());
    assert_eq!(std::fs::read(env.aws_config_path()).unwrap(), before);
    // Still signed in: the cached credentials are served.
    success(&env.run(&["credential-process", "--profile", "dev"]));
}

#[test]
fn yes_removes_state_settings_and_the_data_key_and_keeps_the_aws_files() {
    let fake = FakeAws::start();
    let env = signed_in_with_credentials(&fake);
    let before = std::fs::read(env.aws_config_path()).unwrap();
    let out = success(&env.run(&["uninstall", "--yes"]));
    assert!(out.contains("data key"), "{out}");
    assert!(!env.state_dir.exists(), "{out}");
    assert!(!env.config_dir.exists(), "{out}");
    assert_eq!(std::fs::read(env.aws_config_path()).unwrap(), before);
    assert!(out.contains(":9: credential_process = grant"), "{out}");
    // Nothing of the sign-in is left: grant has to sign in again, which CI forbids.
    let line = failure(&env.run(&["credential-process", "--profile", "dev"]));
    assert!(line.contains("grant sso login"), "{line}");
    // A second run finds nothing to remove and succeeds.
    success(&env.run(&["uninstall", "--yes"]));
}

#[test]
fn a_state_folder_not_named_grant_is_left_whole() {
    let env = TestEnv::new();
    env.write_aws_config("[profile mine]\nregion = eu-west-1\n");
    let elsewhere = env.home.join("my-data");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("precious.txt"), "keep me").unwrap();
    let output = env
        .grant()
        .args(["uninstall", "--yes"])
        .env("GRANT_STATE_DIR", &elsewhere)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = crate::support::stderr(&output);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("not named grant"), "{err}");
    assert!(elsewhere.join("precious.txt").is_file());
}

#[test]
fn hostile_config_lines_are_listed_escaped() {
    let env = TestEnv::new();
    env.write_aws_config(
        "[profile evil]\ncredential_process = grant credential-process --profile \u{1b}]0;owned\u{7}\n",
    );
    let out = success(&env.run(&["uninstall"]));
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("\\x1b"), "{out:?}");
}
