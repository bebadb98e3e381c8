//! `grant sso populate` and `generate` against the fake's directory: every role a
//! profile, nothing else of the user's file touched, idempotent, pruned, usable.

use std::collections::BTreeSet;

use fake_aws::{Directory, FakeAws};

use crate::support::fixtures::{
    Forget, START_URL, config, populate, portal_args, profile_names, signed_in_by_start_url,
};
use crate::support::{
    TestEnv, failure, path_with_grant, python_with_botocore, stderr, stdout, success,
};

/// A hand-written config: comments, sub-property blocks, odd spacing, no final newline.
const USER_CONFIG: &str = "# my settings\n[default]\nregion   =   us-east-1\t\n\n; a comment\n[profile mine]\ns3 =\n  max_concurrent_requests = 20\n  addressing_style=path\noutput=json\n\n\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region=us-west-2";

fn signed_in(fake: &FakeAws) -> TestEnv {
    signed_in_by_start_url(fake, USER_CONFIG, Forget::Counts)
}

#[test]
fn a_thousand_accounts_idempotent_then_pruned() {
    let fake = FakeAws::builder()
        .directory(Directory::generated(1000, 3))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    let before = profile_names(&env);

    let first = populate(&env, &[]);
    success(&first);
    assert!(
        stderr(&first).contains("3000 profiles"),
        "{}",
        stderr(&first)
    );
    let names = profile_names(&env);
    assert_eq!(names.len(), before.len() + 3000);
    assert!(names.contains("account-0001/AdministratorAccess"));
    assert!(names.contains("account-1000/PowerUserAccess"));
    assert_eq!(
        fake.count("ListAccountRoles"),
        1000,
        "one request per account"
    );
    let written = config(&env);
    assert!(
        written.starts_with(&format!("{USER_CONFIG}\n")),
        "the user's bytes come first, unchanged"
    );
    let backup = std::fs::read_to_string(env.home.join(".aws/config.grant-backup")).unwrap();
    assert_eq!(backup, USER_CONFIG);
    let modified = std::fs::metadata(env.aws_config_path())
        .unwrap()
        .modified()
        .unwrap();

    let second = populate(&env, &[]);
    success(&second);
    assert!(stderr(&second).contains("no change"), "{}", stderr(&second));
    assert_eq!(config(&env), written, "byte-identical");
    let still = std::fs::metadata(env.aws_config_path())
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(still, modified, "not even rewritten");

    let removed: Vec<String> = (1..=10)
        .map(|i| {
            let account = format!("1000000000{:02}", i * 7);
            assert!(fake.remove_role(&account, "ReadOnly"));
            format!("account-{:04}/ReadOnly", i * 7)
        })
        .collect();
    let without_prune = populate(&env, &[]);
    success(&without_prune);
    assert_eq!(
        profile_names(&env),
        names,
        "nothing removed without --prune"
    );
    success(&populate(&env, &["--prune"]));
    let after: BTreeSet<String> = profile_names(&env);
    let gone: Vec<String> = names.difference(&after).cloned().collect();
    let mut expected = removed.clone();
    expected.sort();
    assert_eq!(gone, expected);
    assert!(after.is_superset(&before), "the user's profiles stay");
    assert!(config(&env).starts_with(USER_CONFIG));
}

#[test]
fn every_byte_of_the_users_file_survives_and_pruning_all_restores_it() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    success(&populate(&env, &["--profile-region", "eu-central-1"]));
    let written = config(&env);
    assert!(written.starts_with(USER_CONFIG));
    assert!(written.contains("\n[profile development/AdministratorAccess]\n"));
    assert!(written.contains("region = eu-central-1\n"));
    for account in ["111111111111", "222222222222"] {
        for role in fake.directory().account(account).unwrap().roles.clone() {
            assert!(fake.remove_role(account, &role));
        }
    }
    success(&populate(&env, &["--prune"]));
    assert_eq!(
        config(&env),
        format!("{USER_CONFIG}\n"),
        "only the newline grant needed to append is left"
    );
}

#[test]
fn the_users_own_profile_of_the_same_name_is_left_alone() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let own = "[profile production/ReadOnly]\nregion = mine\n";
    env.write_aws_config(own);
    let output = populate(&env, &["--prune"]);
    success(&output);
    assert!(
        stderr(&output).contains("left the profile production/ReadOnly as it is"),
        "{}",
        stderr(&output)
    );
    assert!(config(&env).starts_with(own));
    assert_eq!(
        config(&env)
            .matches("[profile production/ReadOnly]")
            .count(),
        1
    );
}

/// Generated profiles work for real consumers: boto3 runs their credential_process
/// and STS at the fake answers with the right account and role.
#[test]
fn boto3_uses_generated_profiles() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::builder()
        .directory(Directory::generated(20, 3))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    success(&populate(&env, &[]));
    let script = "import boto3, sys\nfor name in sys.argv[2:]:\n    sts = boto3.Session(profile_name=name).client('sts', endpoint_url=sys.argv[1], region_name='eu-west-1')\n    print(sts.get_caller_identity()['Arn'])\n";
    let sample = [
        (
            "account-0001/AdministratorAccess",
            "100000000001",
            "AdministratorAccess",
        ),
        ("account-0013/ReadOnly", "100000000013", "ReadOnly"),
        (
            "account-0020/PowerUserAccess",
            "100000000020",
            "PowerUserAccess",
        ),
    ];
    let mut command = env.consumer(python);
    command
        .env("PATH", path_with_grant())
        .args(["-c", script, env.endpoint.as_deref().unwrap()])
        .args(sample.map(|(name, _, _)| name));
    let out = command.output().unwrap();
    assert!(out.status.success(), "boto3: {}", stderr(&out));
    let arns: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(arns.len(), sample.len());
    for ((_, account, role), arn) in sample.iter().zip(&arns) {
        assert!(
            arn.starts_with(&format!(
                "arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_"
            )),
            "{arn}"
        );
    }
}

#[test]
fn an_sso_session_section_plain_profiles_and_the_aws_cli_way() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let output = populate(&env, &["--sso-session", "corp", "--no-credential-process"]);
    success(&output);
    let written = config(&env);
    assert!(
        written.contains("\n[sso-session corp]\nsso_start_url = https://fake-org.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"),
        "{written}"
    );
    assert!(written.contains(
        "\n[profile development/ReadOnly]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\ngranted_sso_account_name = development\ngrant_generated_from = https://fake-org.awsapps.com/start\n"
    ));
    assert!(!written.contains("credential_process"));
    assert!(stderr(&output).contains("grant sso login --sso-session corp"));

    // With credential_process, granted_sso_session keeps the AWS CLI out of it.
    success(&populate(
        &env,
        &["--sso-session", "corp", "--prefix", "cp-"],
    ));
    let written = config(&env);
    assert!(written.contains(
        "\n[profile cp-development/ReadOnly]\ngranted_sso_session = corp\ngranted_sso_account_id = 111111111111\ngranted_sso_role_name = ReadOnly\ngranted_sso_account_name = development\ncredential_process = grant credential-process --profile cp-development/ReadOnly\n"
    ));
    success(&env.run(&["sso", "login", "--sso-session", "corp"]));
    let json = success(&env.run(&["credential-process", "--profile", "cp-development/ReadOnly"]));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["AccountId"], "111111111111");
}

#[test]
fn generate_prints_the_profiles_and_changes_nothing() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let output = env.run(&portal_args(
        "generate",
        &["--profile-template", "{account_id}-{role_name}"],
    ));
    let printed = success(&output);
    assert!(
        printed.starts_with("[profile 111111111111-AdministratorAccess]\n"),
        "{printed}"
    );
    assert_eq!(printed.matches("[profile ").count(), 3);
    assert_eq!(config(&env), USER_CONFIG);
    let line = failure(&env.run(&portal_args(
        "generate",
        &["--profile-template", "{account}"],
    )));
    assert!(
        line.contains("{account_name}, {account_id}, {role_name}"),
        "{line}"
    );
}

#[test]
fn two_populates_at_once_write_one_consistent_file() {
    let fake = FakeAws::builder()
        .directory(Directory::generated(200, 3))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let mut command = env.grant();
            command.args(portal_args("populate", &[]));
            std::thread::spawn(move || command.output().unwrap())
        })
        .collect();
    for handle in handles {
        success(&handle.join().unwrap());
    }
    let written = config(&env);
    assert_eq!(written.matches("\n[profile account-").count(), 600);
    assert!(written.starts_with(USER_CONFIG));
}

#[test]
fn profiles_long_shows_where_credentials_come_from() {
    let env = TestEnv::new();
    env.write_aws_config(
        "[profile sso]\ngranted_sso_start_url = https://x.awsapps.com/start\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = 111111111111\ngranted_sso_role_name = Admin\ngranted_sso_account_name = production\n[profile chain]\nrole_arn = arn:aws:iam::222222222222:role/Deploy\nsource_profile = sso\n[profile tool]\ncredential_process = other-tool get\n[profile broken]\nrole_arn = arn:aws:iam::1:role/x\n",
    );
    env.write_aws_credentials("[keys]\naws_access_key_id = A\naws_secret_access_key = B\n");
    let listing = success(&env.run(&["profiles", "--long"]));
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 5, "{listing}");
    assert!(lines[0].starts_with("broken  error: "), "{listing}");
    assert_eq!(
        lines[1],
        "chain   role arn:aws:iam::222222222222:role/Deploy via profile sso"
    );
    assert_eq!(lines[2], "keys    static keys");
    assert_eq!(
        lines[3],
        "sso     sso 111111111111/Admin (https://x.awsapps.com/start, eu-west-1) account production"
    );
    assert_eq!(lines[4], "tool    process other-tool get");
}

/// On a terminal (a pseudo-terminal from `script`), listing shows accounts done / total.
#[test]
fn progress_shows_on_a_terminal() {
    if !crate::support::script_is_installed() {
        return;
    }
    let fake = FakeAws::builder()
        .directory(Directory::generated(50, 1))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    let command = format!(
        "{} sso populate --start-url {START_URL} --region eu-west-1",
        env!("CARGO_BIN_EXE_grant")
    );
    let output = env
        .shell("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(terminal.contains("/50 accounts"), "{terminal}");
    assert_eq!(config(&env).matches("[profile account-").count(), 50);
}

/// Throttling while listing is retried with backoff; the file keeps its mode.
#[cfg(unix)]
#[test]
fn throttled_listing_is_retried_and_the_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeAws::builder()
        .directory(Directory::generated(30, 2))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    std::fs::set_permissions(
        env.aws_config_path(),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    fake.fail("ListAccountRoles", 429, Some(6));
    fake.fail("ListAccounts", 429, Some(2));
    let output = populate(&env, &[]);
    success(&output);
    assert_eq!(config(&env).matches("\n[profile account-").count(), 60);
    assert_eq!(
        fake.count("ListAccountRoles"),
        30 + 6,
        "each throttled call retried"
    );
    assert_eq!(
        fake.count("ListAccounts"),
        1 + 2,
        "one page, throttled twice"
    );
    let mode = std::fs::metadata(env.aws_config_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);

    fake.fail("ListAccountRoles", 429, None);
    let line = failure(&populate(&env, &["--prune"]));
    assert!(
        line.ends_with(
            "ListAccountRoles failed: throttled, still after 8 attempts; wait a moment and try again"
        ),
        "{line}"
    );
    assert_eq!(
        config(&env).matches("\n[profile account-").count(),
        60,
        "unchanged"
    );
}
