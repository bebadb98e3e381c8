//! `--chain ROLE_ARN`: roles assumed in turn on top of a profile, served to boto3
//! and cached; role sessions named after the person (GetCallerIdentity of the
//! source credentials) or the settings' templates, with their SourceIdentity.

use fake_aws::FakeAws;

use crate::support::fixtures::{
    self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, credential_process, granted_profile, json,
};
use crate::support::{TestEnv, failure, python_with_botocore, stderr, stdout, success};

const FIRST: &str = "arn:aws:iam::222222222222:role/Hop";
const SECOND: &str = "arn:aws:iam::333333333333:role/team/Deployer";
const PERSON: &str = "Alice.Smith@example.com";

fn signed_in_as_alice(extra_config: &str) -> (FakeAws, TestEnv) {
    let fake = FakeAws::builder()
        .configure(|s| s.sso_user = PERSON.to_owned())
        .start()
        .unwrap();
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::Binary);
    let env = fixtures::signed_in(&fake, &format!("{dev}{extra_config}"), Forget::Counts);
    (fake, env)
}

/// boto3 reads a profile whose credential_process is a two-role chain on `dev`:
/// the first call assumes both roles in order (each signed by the one before),
/// named after the person, with the SourceIdentity of the setting; the second
/// boto3 run is a cache hit that sends nothing upstream.
#[test]
fn boto3_uses_a_two_role_chain_and_the_second_run_is_a_cache_hit() {
    let chained = format!(
        "[profile chained]\ncredential_process = {} credential-process --profile dev --chain {FIRST} --chain {SECOND}\nregion = eu-west-1\n",
        env!("CARGO_BIN_EXE_grant")
    );
    let (fake, env) = signed_in_as_alice(&chained);
    env.set_setting("SourceIdentity", "{user}");
    let Some(python) = python_with_botocore() else {
        return;
    };
    let boto3 = || {
        env.consumer(&python)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/consumers/python/sts_consumer.py"
            ))
            .env("AWS_PROFILE", "chained")
            .output()
            .unwrap()
    };
    let first = boto3();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        stdout(&first).trim(),
        format!("arn:aws:sts::333333333333:assumed-role/Deployer/{PERSON}")
    );
    let calls = fake.assume_role_calls();
    let arns: Vec<&str> = calls.iter().map(|call| call.role_arn.as_str()).collect();
    assert_eq!(arns, [FIRST, SECOND], "in order");
    assert!(
        calls[0]
            .caller_arn
            .contains(&format!("assumed-role/AWSReservedSSO_{DEV_ROLE}_")),
        "the first hop is signed by the SSO role: {}",
        calls[0].caller_arn
    );
    assert_eq!(
        calls[1].caller_arn,
        format!("arn:aws:sts::222222222222:assumed-role/Hop/{PERSON}"),
        "the second hop is signed by the first"
    );
    for call in &calls {
        assert_eq!(call.role_session_name, PERSON);
        assert_eq!(call.source_identity.as_deref(), Some(PERSON));
    }

    fake.reset_counts();
    let second = boto3();
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(fake.count("AssumeRole"), 0);
    assert_eq!(fake.count("GetRoleCredentials"), 0);
    assert_eq!(
        fake.count("GetCallerIdentity"),
        1,
        "only boto3's own call: the person is cached with the credentials"
    );
    assert_eq!(fake.assume_role_calls().len(), 2);
}

/// The chain is part of the cache key: the profile's own entry and each chain's
/// are apart, and none evicts another.
#[test]
fn each_chain_is_cached_apart_from_the_profile() {
    let (fake, env) = signed_in_as_alice("");
    let plain = json(&credential_process(&env, "dev", &[]));
    let chained = json(&credential_process(&env, "dev", &["--chain", FIRST]));
    let longer = json(&credential_process(
        &env,
        "dev",
        &["--chain", FIRST, "--chain", SECOND],
    ));
    assert_ne!(plain["AccessKeyId"], chained["AccessKeyId"]);
    assert_ne!(chained["AccessKeyId"], longer["AccessKeyId"]);
    assert_eq!(chained["AccountId"], "222222222222");
    assert_eq!(longer["AccountId"], "333333333333");
    fake.reset_counts();
    assert_eq!(json(&credential_process(&env, "dev", &[])), plain);
    assert_eq!(
        json(&credential_process(&env, "dev", &["--chain", FIRST])),
        chained
    );
    assert_eq!(
        json(&credential_process(
            &env,
            "dev",
            &["--chain", FIRST, "--chain", SECOND]
        )),
        longer
    );
    assert!(
        fake.counts().values().all(|count| *count == 0),
        "{:?}",
        fake.counts()
    );
}

/// A hostile ARN (escape sequences, shell text, a wrong kind of ARN) is refused in
/// one line by every command that takes --chain, before anything is sent.
#[test]
fn hostile_chain_arns_are_refused_in_one_line() {
    let (fake, env) = signed_in_as_alice("");
    let hostile = [
        "arn:aws:iam::222222222222:role/Hop\u{1b}]0;owned\u{7}",
        "arn:aws:iam::222222222222:role/Hop$(touch /tmp/x)",
        "arn:aws:iam::222222222222:user/Bob",
        "arn:aws:iam::22222:role/Hop",
        "Hop",
    ];
    for arn in hostile {
        for command in [
            vec!["credential-process", "--profile", "dev", "--chain", arn],
            vec!["export", "--profile", "dev", "--chain", arn],
            vec!["assume", "--exec", "dev", "--chain", arn, "--", "true"],
            vec!["console", "dev", "--url", "--chain", arn],
            vec!["serve", "--profile", "dev", "--chain", arn, "--", "true"],
        ] {
            let line = failure(&env.run(&command));
            assert!(line.contains("--chain"), "{command:?}: {line}");
            assert_eq!(line.trim_end().lines().count(), 1, "{line}");
            assert!(
                !line.contains('\u{1b}') && !line.contains('\u{7}'),
                "{line:?}"
            );
        }
    }
    assert!(fake.assume_role_calls().is_empty());
}

/// `assume --chain` exports the chain's keys with GRANT_CHAIN (what the hook renews
/// with) and GRANT_LABEL, `dev > Hop > Deployer`, for prompts.
#[test]
fn assume_shows_the_chain_as_profile_then_roles() {
    let (_fake, env) = signed_in_as_alice("");
    let output = env.run(&[
        "assume", "--shell", "bash", "dev", "--chain", FIRST, "--chain", SECOND,
    ]);
    let code = success(&output);
    assert!(
        code.contains("GRANT_LABEL='dev > Hop > Deployer'"),
        "{code}"
    );
    assert!(
        code.contains(&format!("GRANT_CHAIN='{FIRST} {SECOND}'")),
        "{code}"
    );
    assert!(code.contains("GRANT_PROFILE='dev'"), "{code}");
    assert!(code.contains("AWS_ACCOUNT_ID='333333333333'"), "{code}");
    assert!(
        !code.contains("export AWS_PROFILE="),
        "keys, not the profile: {code}"
    );
}

/// A profile's role_session_name beats the setting's template, which beats the
/// person; the template fills in the user and the profile, cleaned to STS's alphabet.
#[test]
fn session_names_follow_profile_then_setting_then_person() {
    let own = "[profile own-name]\nrole_arn = arn:aws:iam::222222222222:role/Hop\nsource_profile = dev\nrole_session_name = fixed-name\n\n[profile by-person]\nrole_arn = arn:aws:iam::222222222222:role/Hop\nsource_profile = dev\n\n";
    let (fake, env) = signed_in_as_alice(own);
    json(&credential_process(&env, "by-person", &[]));
    json(&credential_process(&env, "own-name", &[]));
    env.set_setting("RoleSessionName", "{user}-{profile}");
    json(&credential_process(&env, "by-person", &["--no-cache"]));
    let names: Vec<String> = fake
        .assume_role_calls()
        .into_iter()
        .map(|call| call.role_session_name)
        .collect();
    assert_eq!(
        names,
        [
            PERSON.to_owned(),
            "fixed-name".to_owned(),
            format!("{PERSON}-by-person")
        ]
    );
    let refused = failure(&env.run(&[
        "settings",
        "set",
        "--setting",
        "RoleSessionName",
        "--value",
        "a b\u{1b}[31m",
    ]));
    assert!(refused.contains("RoleSessionName"), "{refused}");
}

/// The shell hook's renewal assumes the chain of GRANT_CHAIN again, and refuses a
/// hostile one in its one line.
#[test]
fn the_renewal_hook_renews_the_chain() {
    let (_fake, env) = signed_in_as_alice("");
    let reassume = |chain: &str| {
        env.grant()
            .args(["assume", "--shell", "bash", "--reassume"])
            .env("GRANT_PROFILE", "dev")
            .env("GRANT_CHAIN", chain)
            .env(
                "GRANT_EXPORTED",
                "AWS_ACCESS_KEY_ID GRANT_PROFILE GRANT_CHAIN",
            )
            .output()
            .unwrap()
    };
    let renewed = reassume(&format!("{FIRST} {SECOND}"));
    let code = success(&renewed);
    assert!(code.contains("AWS_ACCOUNT_ID='333333333333'"), "{code}");
    assert!(
        code.contains("GRANT_LABEL='dev > Hop > Deployer'"),
        "{code}"
    );

    let hostile = reassume("arn:aws:iam::222222222222:role/Hop\u{1b}[2J");
    let said = stderr(&hostile);
    assert!(said.contains("--chain"), "{said}");
    assert!(
        said.starts_with("grant: cannot renew the keys of dev (") && !said.contains("sign-in"),
        "a changed chain is no matter of a sign-in: {said}"
    );
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(!said.contains('\u{1b}'), "{said:?}");
    assert!(!stdout(&hostile).contains("AWS_ACCESS_KEY_ID="), "no keys");
}
