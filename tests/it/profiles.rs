//! `grant profiles`: names from both files, sorted, fast enough for every Tab.

use std::io::Read;
use std::process::Stdio;

use crate::support::{TestEnv, failure, stderr, success};

#[test]
fn lists_profiles_of_both_files_sorted_once() {
    let env = TestEnv::new();
    env.write_aws_config(
        "[profile zeta]\nregion = x\n[default]\n[sso-session corp]\nsso_region = us-east-1\n[profile alpha/Admin]\n[not-a-profile]\n[profile default]\n",
    );
    env.write_aws_credentials(
        "[alpha/Admin]\naws_access_key_id = A\naws_secret_access_key = S\n[beta]\n",
    );
    let out = success(&env.run(&["profiles"]));
    assert_eq!(out, "alpha/Admin\nbeta\ndefault\nzeta\n");
}

#[test]
fn the_saved_list_follows_every_change_of_the_files() {
    let env = TestEnv::new();
    env.write_aws_config("[profile one]\n");
    assert_eq!(success(&env.run(&["profiles"])), "one\n");
    assert_eq!(
        success(&env.run(&["profiles"])),
        "one\n",
        "served from the saved list"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    env.write_aws_config("[profile two]\n");
    assert_eq!(
        success(&env.run(&["profiles"])),
        "two\n",
        "same size, new mtime"
    );
    env.write_aws_credentials("[three]\n");
    assert_eq!(success(&env.run(&["profiles"])), "three\ntwo\n");
    std::fs::remove_file(env.aws_credentials_path()).unwrap();
    assert_eq!(success(&env.run(&["profiles"])), "two\n");
    let saved = env.state_dir.join("profile-names");
    assert!(
        std::fs::read_to_string(&saved)
            .unwrap()
            .ends_with("\ntwo\n")
    );
    // A damaged saved list is rebuilt from the files.
    std::fs::write(&saved, "garbage").unwrap();
    assert_eq!(success(&env.run(&["profiles"])), "two\n");
}

#[test]
fn no_files_means_no_profiles() {
    let env = TestEnv::new();
    assert_eq!(success(&env.run(&["profiles"])), "");
}

#[test]
fn malformed_config_gives_path_and_line() {
    let env = TestEnv::new();
    env.write_aws_config("[default]\nregion = us-east-1\n[profile broken\n");
    let line = failure(&env.run(&["profiles"]));
    let path = env.aws_config_path();
    assert_eq!(
        line,
        format!(
            "grant: {}:3: a section header must end with ']'",
            path.display()
        )
    );
}

#[test]
fn non_utf8_config_is_an_error_with_a_line() {
    let env = TestEnv::new();
    std::fs::write(
        env.aws_config_path(),
        b"[default]\nregion = x\n[profile \xff]\n",
    )
    .unwrap();
    let line = failure(&env.run(&["profiles"]));
    assert!(line.ends_with(":3: the file is not valid UTF-8"), "{line}");

    // Listing names only reads headers; reading the profile itself finds the bad byte.
    std::fs::write(env.aws_config_path(), b"[default]\nregion = \xff\n").unwrap();
    assert_eq!(success(&env.run(&["profiles"])), "default\n");
    let line = failure(&env.run(&["sso", "login", "--profile", "default"]));
    assert!(line.ends_with(":2: the file is not valid UTF-8"), "{line}");
}

#[test]
fn config_paths_come_from_the_environment_with_tilde_expansion() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.home.join("elsewhere")).unwrap();
    std::fs::write(env.home.join("elsewhere/config"), "[profile moved]\n").unwrap();
    std::fs::write(env.home.join("elsewhere/creds"), "[moved-creds]\n").unwrap();
    env.write_aws_config("[profile not-read]\n");
    let out = env
        .grant()
        .env("AWS_CONFIG_FILE", "~/elsewhere/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds")
        .arg("profiles")
        .output()
        .unwrap();
    assert_eq!(success(&out), "moved\nmoved-creds\n");
}

#[test]
fn ten_thousand_profiles_are_listed_and_a_closed_pipe_is_not_an_error() {
    let env = TestEnv::new();
    let mut config = String::new();
    for i in 0..10_000 {
        config.push_str(&format!(
            "[profile account-{i:05}/Admin]\ngranted_sso_account_id = {i:012}\ngranted_sso_role_name = Admin\ncredential_process = grant credential-process --profile account-{i:05}/Admin\n\n"
        ));
    }
    env.write_aws_config(&config);
    let out = success(&env.run(&["profiles"]));
    let names: Vec<&str> = out.lines().collect();
    assert_eq!(names.len(), 10_000);
    assert_eq!(names[0], "account-00000/Admin");
    assert_eq!(names[9_999], "account-09999/Admin");

    // Like `grant profiles | head -1`: the reader goes away after one read.
    let mut child = env
        .grant()
        .arg("profiles")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "closed pipe: {}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}
