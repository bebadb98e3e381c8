//! The worlds many tests start from: the fake's portal, profiles written the way
//! grant's seeds and users write them, and a test world that has signed in.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use fake_aws::FakeAws;

use super::{TestEnv, success};

/// The fake's AWS access portal.
pub const START_URL: &str = "https://fake-org.awsapps.com/start";

/// The account and role of the profile most tests use, `dev`.
pub const DEV_ACCOUNT: &str = "111111111111";
pub const DEV_ROLE: &str = "AdministratorAccess";

/// What a profile's `credential_process` line runs.
#[derive(Clone, Copy)]
pub enum Process {
    /// No `credential_process` line.
    None,
    /// `grant`, found on PATH, as the seeds write it.
    OnPath,
    /// The binary under test by its full path, for consumers that do not get grant's PATH.
    Binary,
}

/// An SSO profile in grant's own keys (`granted_sso_*`, with registration scopes, so
/// that the login gets a refresh token), ending in a blank line.
pub fn granted_profile(name: &str, account: &str, role: &str, process: Process) -> String {
    let process = match process {
        Process::None => String::new(),
        Process::OnPath => {
            format!("credential_process = grant credential-process --profile {name}\n")
        }
        Process::Binary => format!(
            "credential_process = {} credential-process --profile {name}\n",
            env!("CARGO_BIN_EXE_grant")
        ),
    };
    format!(
        "[profile {name}]\ngranted_sso_start_url = {START_URL}\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = {account}\ngranted_sso_role_name = {role}\ngranted_sso_registration_scopes = sso:account:access\nregion = eu-west-1\n{process}\n"
    )
}

/// A profile in the AWS CLI's own SSO keys (`sso_*`), ending in a blank line.
pub fn sso_profile(name: &str) -> String {
    format!(
        "[profile {name}]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\nsso_account_id = {DEV_ACCOUNT}\nsso_role_name = {DEV_ROLE}\nregion = eu-west-1\n\n"
    )
}

/// `grant sso COMMAND` for the fake's portal, then `extra`.
pub fn portal_args<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sso",
        command,
        "--start-url",
        START_URL,
        "--region",
        "eu-west-1",
    ];
    args.extend_from_slice(extra);
    args
}

/// What the fake forgets once a test world has signed in, so that the test sees only
/// its own requests.
#[derive(Clone, Copy)]
pub enum Forget {
    Nothing,
    /// The request counts ([`FakeAws::reset_counts`]).
    Counts,
    /// Everything it recorded ([`FakeAws::reset`]).
    Recordings,
}

/// A world for `fake` whose AWS config is `config`, signed in with
/// `grant sso login --profile dev`.
pub fn signed_in(fake: &FakeAws, config: &str, forget: Forget) -> TestEnv {
    sign_in(fake, config, &["sso", "login", "--profile", "dev"], forget)
}

/// A world for `fake` whose AWS config is `config`, signed in to the fake's portal by
/// its start URL (`grant sso login --start-url ... --region ...`).
pub fn signed_in_by_start_url(fake: &FakeAws, config: &str, forget: Forget) -> TestEnv {
    sign_in(fake, config, &portal_args("login", &[]), forget)
}

fn sign_in(fake: &FakeAws, config: &str, login: &[&str], forget: Forget) -> TestEnv {
    let env = TestEnv::with_fake(fake);
    env.write_aws_config(config);
    success(&env.run(login));
    match forget {
        Forget::Nothing => {}
        Forget::Counts => fake.reset_counts(),
        Forget::Recordings => fake.reset(),
    }
    env
}

/// `grant sso populate` for the fake's portal, then `extra`, not yet run.
pub fn populate_command(env: &TestEnv, extra: &[&str]) -> Command {
    let mut command = env.grant();
    command.args(portal_args("populate", extra));
    command
}

/// `grant sso populate` for the fake's portal, then `extra`.
pub fn populate(env: &TestEnv, extra: &[&str]) -> Output {
    env.run(&portal_args("populate", extra))
}

/// The AWS config file as it is now.
pub fn config(env: &TestEnv) -> String {
    std::fs::read_to_string(env.aws_config_path()).unwrap()
}

/// The profiles `grant profiles` lists.
pub fn profile_names(env: &TestEnv) -> BTreeSet<String> {
    success(&env.run(&["profiles"]))
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `grant credential-process --profile PROFILE`, then `extra`.
pub fn credential_process(env: &TestEnv, profile: &str, extra: &[&str]) -> Output {
    let mut args = vec!["credential-process", "--profile", profile];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// The credential JSON a successful credential-process printed.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&success(output)).expect("credential JSON on stdout")
}
