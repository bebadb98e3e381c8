//! `grant profiles convert`: the AWS CLI's `sso_*` profiles and Granted's lines
//! become grant's form, every other byte kept; boto3 then runs grant's
//! credential_process; `--dry-run` changes nothing; hostile names stay one argument.

use fake_aws::FakeAws;

use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, START_URL};
use crate::support::{
    TestEnv, failure, path_with_grant, python_with_botocore, stderr, stdout, success,
};

/// A profile as the AWS CLI's `aws configure sso` writes it, the form the docs of
/// Granted start from.
const BEFORE: &str = "[profile my-profile]
sso_account_id = 123456789012
sso_region = us-east-1
sso_role_name = ReadOnly
sso_start_url = https://example.awsapps.com/start
";

/// The same profile as Granted's docs end with, running grant instead of granted.
const AFTER: &str = "[profile my-profile]
granted_sso_account_id = 123456789012
granted_sso_region = us-east-1
granted_sso_role_name = ReadOnly
granted_sso_start_url = https://example.awsapps.com/start
credential_process = grant credential-process --profile my-profile
";

/// What surrounds the converted profile and must come out as it went in.
const AROUND_BEFORE: &str = "# my settings\r\n[default]\r\nregion = eu-west-1 ; mine\r\n\r\n";
const AROUND_AFTER: &str = "\n; the end\n[profile keys]\naws_access_key_id = AKIAUSER\naws_secret_access_key = user-secret\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";

fn config(env: &TestEnv) -> String {
    fixtures::config(env)
}

#[test]
fn the_aws_cli_profile_becomes_grants_and_nothing_else_changes() {
    let env = TestEnv::new();
    let before = format!("{AROUND_BEFORE}{BEFORE}{AROUND_AFTER}");
    env.write_aws_config(&before);
    let report = stderr(&env.run(&["profiles", "convert", "my-profile"]));
    assert_eq!(
        config(&env),
        format!("{AROUND_BEFORE}{AFTER}{AROUND_AFTER}"),
        "{report}"
    );
    assert!(report.contains("converted profile my-profile"), "{report}");
    let backup = env.home.join(".aws/config.grant-backup");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), before);
    // A second run finds nothing left to do and writes nothing.
    let again = env.run(&["profiles", "convert", "--all"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("no profile has sso_* keys"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        config(&env),
        format!("{AROUND_BEFORE}{AFTER}{AROUND_AFTER}")
    );
}

#[cfg(unix)]
#[test]
fn the_file_keeps_its_mode_and_stays_a_symlink() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let target = env.home.join("dotfiles-config");
    std::fs::write(&target, BEFORE).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&target, env.aws_config_path()).unwrap();
    success(&env.run(&["profiles", "convert", "my-profile"]));
    assert!(
        env.aws_config_path()
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), AFTER);
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn dry_run_prints_a_unified_diff_and_changes_nothing() {
    let env = TestEnv::new();
    env.write_aws_config(BEFORE);
    let modified = std::fs::metadata(env.aws_config_path())
        .unwrap()
        .modified()
        .unwrap();
    let diff = success(&env.run(&["profiles", "convert", "--dry-run", "--all"]));
    assert!(diff.starts_with("--- "), "{diff}");
    assert!(diff.contains("\n-sso_region = us-east-1\n"), "{diff}");
    assert!(
        diff.contains("\n+granted_sso_region = us-east-1\n"),
        "{diff}"
    );
    assert!(
        diff.contains("\n+credential_process = grant credential-process --profile my-profile"),
        "{diff}"
    );
    assert_eq!(config(&env), BEFORE);
    assert_eq!(
        std::fs::metadata(env.aws_config_path())
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
    assert!(!env.home.join(".aws/config.grant-backup").exists());
}

#[test]
fn what_cannot_be_converted_is_one_line_and_nothing_is_written() {
    let env = TestEnv::new();
    let text = format!(
        "{BEFORE}[profile vault]\ncredential_process = aws-vault export --format=json vault\n"
    );
    env.write_aws_config(&text);
    let line = failure(&env.run(&["profiles", "convert", "my-profile", "vault"]));
    assert!(line.contains("runs aws-vault"), "{line}");
    let line = failure(&env.run(&["profiles", "convert", "nope"]));
    assert!(
        line.contains("'nope' is not in the AWS config file"),
        "{line}"
    );
    assert_eq!(config(&env), text);
    // --all converts what it can and leaves the rest.
    let output = env.run(&["profiles", "convert", "--all"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(config(&env), text.replace(BEFORE, AFTER));
}

/// boto3 with AWS_PROFILE=dev, seeing `grant` on PATH; its stdout and whether it worked.
pub(crate) fn boto3_as(env: &TestEnv, profile: &str) -> Option<(bool, String)> {
    let python = python_with_botocore()?;
    let output = env
        .consumer(&python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/consumers/python/sts_consumer.py"
        ))
        .env("AWS_PROFILE", profile)
        .env("PATH", path_with_grant())
        .output()
        .unwrap();
    Some((output.status.success(), stdout(&output) + &stderr(&output)))
}

/// Before: the AWS CLI's own SSO provider serves the profile and finds no token of
/// its own. After converting: boto3 runs grant, which uses grant's sign-in.
#[test]
fn boto3_uses_grant_after_an_sso_profile_is_converted() {
    let fake = FakeAws::start();
    let env = fixtures::signed_in(&fake, &fixtures::sso_profile("dev"), Forget::Counts);
    let Some((worked, before)) = boto3_as(&env, "dev") else {
        return;
    };
    assert!(
        !worked,
        "botocore served the sso_* profile itself: {before}"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 0);
    success(&env.run(&["profiles", "convert", "dev"]));
    let (worked, after) = boto3_as(&env, "dev").unwrap();
    assert!(worked, "{after}");
    assert!(
        after.contains(&format!(
            "{DEV_ACCOUNT}:assumed-role/AWSReservedSSO_{DEV_ROLE}_"
        )),
        "{after}"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    let issued = fake.issued_access_key_ids();
    assert!(
        fake.caller_identity_keys()
            .iter()
            .all(|key| issued.contains(key))
    );
}

/// Granted's line (with its --auto-login, and its --url, which grant has not) runs
/// grant once converted; the dropped flag is named.
#[test]
fn boto3_uses_grant_after_a_granted_profile_is_converted() {
    let fake = FakeAws::start();
    let profile = fixtures::granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::None);
    let profile = format!(
        "{}\ncredential_process = granted credential-process --auto-login --profile dev --url https://commonfate.example.com\n",
        profile.trim_end()
    );
    let env = fixtures::signed_in(&fake, &profile, Forget::Counts);
    let output = env.run(&["profiles", "convert", "dev"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("dropped --url https://commonfate.example.com"),
        "{}",
        stderr(&output)
    );
    assert!(
        config(&env).contains(
            "\ncredential_process = grant credential-process --auto-login --profile dev\n"
        ),
        "{}",
        config(&env)
    );
    let Some((worked, after)) = boto3_as(&env, "dev") else {
        return;
    };
    assert!(worked, "{after}");
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

/// A name that looks like a flag is passed as `--profile=NAME`: botocore's split
/// and grant's parser both see the one profile.
#[test]
fn a_profile_named_like_a_flag_stays_the_profile() {
    let fake = FakeAws::start();
    let name = "--debug";
    let profile = format!(
        "[profile {name}]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_account_id = {DEV_ACCOUNT}\nsso_role_name = {DEV_ROLE}\nregion = eu-west-1\n"
    );
    let env = fixtures::signed_in_by_start_url(&fake, &profile, Forget::Counts);
    success(&env.run(&["profiles", "convert", "--", name]));
    assert!(
        config(&env)
            .contains("\ncredential_process = grant credential-process --profile=--debug\n"),
        "{}",
        config(&env)
    );
    let Some((worked, after)) = boto3_as(&env, name) else {
        return;
    };
    assert!(worked, "{after}");
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

/// Names the SDKs would never read are not profiles to convert: the line that says
/// so escapes them, and the file stays as it was.
#[test]
fn hostile_names_are_refused_escaped() {
    let env = TestEnv::new();
    let text = "[profile a$(touch x)]\nsso_region = r\n";
    env.write_aws_config(text);
    for name in ["a$(touch x)", "x\u{1b}]0;t\u{7}"] {
        let line = failure(&env.run(&["profiles", "convert", name]));
        assert!(line.contains("is not in the AWS config file"), "{line}");
        assert!(!line.contains('\u{1b}'), "{line}");
    }
    assert_eq!(config(&env), text);
}
