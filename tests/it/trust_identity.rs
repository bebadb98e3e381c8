//! What grant says about the credentials in use is what is in use: the identity
//! assume and credential-process name matches what botocore resolves; a token AWS
//! refused is renewed with its refresh token before a sign-in is asked for; a
//! credential_process loop that lost GRANT_PROCESS_CHAIN is named at once.

use fake_aws::FakeAws;

use crate::support::fixtures::{
    self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, START_URL, credential_process, granted_profile,
    json,
};
use crate::support::{
    TestEnv, assert_no_secret_in_files, failure, python_with_botocore, stderr, stdout, success,
};

const STATIC_KEY_ID: &str = "AKIASTATICKEYSFIRST1";

fn grant_binary() -> &'static str {
    env!("CARGO_BIN_EXE_grant")
}

fn signed_in(fake: &FakeAws, extra_config: &str) -> TestEnv {
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::Binary);
    fixtures::signed_in(fake, &format!("{dev}{extra_config}"), Forget::Counts)
}

/// The `grant:` lines of an assume, which must succeed.
fn assume_lines(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut full = vec!["assume", "--shell", "bash"];
    full.extend_from_slice(args);
    let out = env.run(&full);
    success(&out);
    stderr(&out)
        .lines()
        .filter(|line| line.starts_with("grant:"))
        .map(str::to_owned)
        .collect()
}

/// The access key botocore resolves for `profile`, as an SDK would with AWS_PROFILE.
fn boto3_access_key(env: &TestEnv, python: &std::path::Path, profile: &str) -> String {
    let script = "import boto3, sys\nprint(boto3.Session(profile_name=sys.argv[1]).get_credentials().access_key)\n";
    let out = env
        .consumer(python)
        .args(["-c", script, profile])
        .output()
        .unwrap();
    assert!(out.status.success(), "boto3: {}", stderr(&out));
    stdout(&out).trim().to_owned()
}

// ---- which credentials the SDKs use ----

#[test]
fn static_keys_in_the_credentials_file_are_named_as_what_boto3_uses() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::start();
    let env = signed_in(&fake, "");
    env.write_aws_credentials(&format!(
        "[dev]\naws_access_key_id = {STATIC_KEY_ID}\naws_secret_access_key = not-a-real-secret\n"
    ));
    let config = env.aws_config_path().display().to_string();
    let credentials = env.aws_credentials_path().display().to_string();

    let lines = assume_lines(&env, &["dev"]);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[0],
        format!(
            "grant: profile dev has static keys ({STATIC_KEY_ID}) in {credentials}, which the AWS CLI and SDKs use before the credential_process in {config}; remove them from that file, or export grant's keys with: assume -x dev"
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "grant: AWS_PROFILE=dev exported, but the AWS CLI and SDKs will sign with the static keys {STATIC_KEY_ID} from {credentials}, not with grant's credentials"
        )
    );
    assert!(
        !lines.iter().any(|line| line.contains("assumed dev")),
        "no claim of the role: {lines:?}"
    );
    assert_eq!(boto3_access_key(&env, &python, "dev"), STATIC_KEY_ID);

    // credential-process --debug says the same, on stderr, and still serves.
    let out = credential_process(&env, "dev", &["--debug"]);
    success(&out);
    assert!(stderr(&out).contains(&lines[0]), "{}", stderr(&out));

    // -x exports grant's keys, which beat every file: no warning, the role is named.
    let lines = assume_lines(&env, &["-x", "dev"]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "grant: assumed dev (account 111111111111, role AdministratorAccess, region eu-west-1); keys exported,"
        ),
        "{lines:?}"
    );
    assert_no_secret_in_files(&env.written_folders(), &fake.issued_secrets());
}

#[test]
fn without_static_keys_the_role_assume_names_is_what_boto3_uses() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::start();
    let env = signed_in(&fake, "");
    // Keys of another profile, and keys in the config file (after credential_process
    // in botocore's order), shadow nothing.
    env.write_aws_credentials(&format!(
        "[other]\naws_access_key_id = {STATIC_KEY_ID}\naws_secret_access_key = not-a-real-secret\n"
    ));
    let lines = assume_lines(&env, &["dev"]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "grant: assumed dev (account 111111111111, role AdministratorAccess, region eu-west-1); AWS_PROFILE exported, credential_process renews the credentials (cached valid until "
        ),
        "{lines:?}"
    );
    let served = json(&credential_process(&env, "dev", &[]));
    let key = boto3_access_key(&env, &python, "dev");
    assert_eq!(key, served["AccessKeyId"].as_str().unwrap());
    assert_ne!(key, STATIC_KEY_ID);
    let out = credential_process(&env, "dev", &["--debug"]);
    success(&out);
    assert!(
        !stderr(&out).contains("static keys"),
        "no warning: {}",
        stderr(&out)
    );
    assert_no_secret_in_files(&env.written_folders(), &fake.issued_secrets());
}

// ---- the confirmation line of each kind of profile ----

#[test]
fn the_confirmation_line_reads_well_for_every_kind_of_profile() {
    let fake = FakeAws::start();
    fake.register_static_key(
        STATIC_KEY_ID,
        "static-secret-of-the-test",
        "333333333333",
        "ci",
    );
    let other_tool = format!("{} credential-process --profile dev", grant_binary());
    let env = signed_in(
        &fake,
        &format!(
            "[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/team/Deployer\nsource_profile = dev\nregion = eu-west-1\n\n[profile keys]\nregion = us-east-2\n\n[profile tool]\ncredential_process = {other_tool}\n"
        ),
    );
    env.write_aws_credentials(&format!(
        "[keys]\naws_access_key_id = {STATIC_KEY_ID}\naws_secret_access_key = static-secret-of-the-test\n"
    ));
    let credentials = env.aws_credentials_path().display().to_string();
    let cases = [
        (
            "dev",
            "grant: assumed dev (account 111111111111, role AdministratorAccess, region eu-west-1); AWS_PROFILE exported, credential_process renews the credentials (cached valid until ",
        ),
        (
            "deploy",
            "grant: assumed deploy (account 222222222222, role Deployer, region eu-west-1); keys exported, valid until ",
        ),
        (
            "keys",
            &*format!(
                "grant: assumed keys (static keys {STATIC_KEY_ID} from {credentials}, region us-east-2); keys exported"
            ),
        ),
        (
            "tool",
            &*format!(
                "grant: assumed tool (account 111111111111, keys from the credential_process `{other_tool}`); AWS_PROFILE exported, credential_process renews the credentials (cached valid until "
            ),
        ),
    ];
    for (profile, expected) in cases {
        let lines = assume_lines(&env, &[profile]);
        assert_eq!(lines.len(), 1, "{profile}: {lines:?}");
        assert!(lines[0].starts_with(expected), "{profile}: {lines:?}");
        assert!(!lines[0].contains("()"), "{profile}: {lines:?}");
    }
    // Long-term keys have no end: the line ends without a dangling comma.
    let lines = assume_lines(&env, &["keys"]);
    assert!(lines[0].ends_with("; keys exported"), "{lines:?}");
}

// ---- a refused token and its refresh token ----

fn revoke_access_tokens(fake: &FakeAws) {
    let access_tokens: Vec<String> = fake
        .issued_secrets()
        .into_iter()
        .filter(|secret| secret.starts_with("aoa"))
        .collect();
    assert!(
        !access_tokens.is_empty(),
        "the sign-in issued an access token"
    );
    for token in access_tokens {
        assert!(fake.revoke_token(&token));
    }
}

#[test]
fn a_revoked_access_token_is_renewed_with_the_refresh_token_and_the_call_retried() {
    let fake = FakeAws::start();
    let env = signed_in(&fake, "");
    revoke_access_tokens(&fake);
    let served = json(&credential_process(&env, "dev", &[]));
    assert_eq!(served["AccountId"], "111111111111");
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 2);
    // The renewed token was kept: the next miss uses it without another refresh.
    json(&credential_process(&env, "dev", &["--no-cache"]));
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 3);
    assert_no_secret_in_files(&env.written_folders(), &fake.issued_secrets());
}

#[test]
fn a_refused_refresh_token_asks_for_a_sign_in_and_the_token_is_gone() {
    let fake = FakeAws::start();
    let env = signed_in(&fake, "");
    for secret in fake.issued_secrets() {
        fake.revoke_token(&secret);
    }
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_eq!(
        line,
        "grant: profile 'dev': the SSO session 'https://fake-org.awsapps.com/start' has ended (its refresh token is no longer accepted); sign in again: grant sso login --profile dev"
    );
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    // Gone: the next call makes no request with it and asks for a sign-in.
    fake.reset_counts();
    let line = failure(&credential_process(&env, "dev", &[]));
    assert!(line.contains("grant sso login --profile dev"), "{line}");
    assert_eq!(fake.count("GetRoleCredentials"), 0);
    assert_eq!(fake.count("CreateToken:refresh_token"), 0);
}

#[test]
fn a_failed_refresh_call_keeps_the_token() {
    let fake = FakeAws::start();
    let env = signed_in(&fake, "");
    revoke_access_tokens(&fake);
    fake.fail("CreateToken:refresh_token", 500, None);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert!(line.contains("CreateToken"), "{line}");
    assert!(!line.contains("sign in again"), "{line}");
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    // The refresh token was kept: once the service answers, it renews the session.
    fake.reset_faults();
    fake.reset_counts();
    json(&credential_process(&env, "dev", &[]));
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 2);
}

// ---- a loop that lost its marker ----

#[test]
fn a_loop_that_clears_grant_process_chain_is_named_at_once() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: the lock holder's ancestry is read from /proc");
        return;
    }
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    let command = format!(
        "env -u GRANT_PROCESS_CHAIN {} credential-process --profile same",
        grant_binary()
    );
    env.write_aws_config(&format!("[profile same]\ncredential_process = {command}\n"));
    let out = credential_process(&env, "same", &[]);
    assert!(!out.status.success());
    let errors = stderr(&out);
    let named = errors
        .lines()
        .find(|line| line.contains("a loop"))
        .unwrap_or_else(|| panic!("the loop is named: {errors}"));
    assert!(
        named.starts_with(&format!(
            "grant: profile 'same': its credential_process `{command}` runs grant for the same request again (a loop: process "
        )),
        "{named}"
    );
    assert!(
        named.contains("credential-process --profile same"),
        "{named}"
    );
    assert!(
        !errors.contains("s; try again, or look for a stuck process"),
        "not the lock timeout: {errors}"
    );
}

#[test]
fn populate_renews_a_revoked_access_token_and_lists_again() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    let session = [
        "--start-url",
        START_URL,
        "--region",
        "eu-west-1",
        "--scope",
        "sso:account:access",
    ];
    success(&env.run(&[&["sso", "login"][..], &session].concat()));
    revoke_access_tokens(&fake);
    fake.reset_counts();
    success(&env.run(&[&["sso", "populate"][..], &session[..4]].concat()));
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("ListAccounts"), 2, "{:?}", fake.counts());
    let profiles = success(&env.run(&["profiles"]));
    assert!(!profiles.trim().is_empty(), "profiles were written");
    assert_no_secret_in_files(&env.written_folders(), &fake.issued_secrets());
}

#[test]
fn a_refused_token_without_a_refresh_token_is_dropped_at_once() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    // Without registration scopes the service issues no refresh token.
    env.write_aws_config(
        &granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::Binary)
            .replace("granted_sso_registration_scopes = sso:account:access\n", ""),
    );
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    fake.reset_counts();
    revoke_access_tokens(&fake);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert!(
        line.contains("refused the token") && line.contains("grant sso login --profile dev"),
        "{line}"
    );
    assert_eq!(fake.count("CreateToken:refresh_token"), 0);
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert!(line.contains("grant sso login --profile dev"), "{line}");
    assert_eq!(fake.count("GetRoleCredentials"), 1, "the token is gone");
}
