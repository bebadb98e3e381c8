//! `grant credential-process` against the fake AWS: the JSON contract, real
//! consumers (botocore/boto3 and the AWS CLI v2), the cache and its window, the
//! login policy, concurrency, and the debug log.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use fake_aws::FakeAws;
use serde_json::Value;

use crate::support::fixtures::{
    self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, START_URL, credential_process, granted_profile,
    json,
};
use crate::support::{
    TestEnv, assert_no_secret_in_files, failure, output_within, python_with_botocore, stderr,
    stdout, success,
};

fn signed_in(fake: &FakeAws) -> TestEnv {
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::Binary);
    fixtures::signed_in(fake, &dev, Forget::Counts)
}

#[test]
fn prints_the_version_1_document_and_caches_it() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, "dev", &[]));
    assert_eq!(first["Version"], 1);
    assert!(first["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert!(first["SecretAccessKey"].is_string() && first["SessionToken"].is_string());
    assert_eq!(first["AccountId"], "111111111111");
    let expiration = first["Expiration"].as_str().unwrap();
    assert!(
        expiration.ends_with('Z') && expiration.len() == 20,
        "{expiration}"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 1);

    fake.reset_counts();
    let second = json(&credential_process(&env, "dev", &[]));
    assert_eq!(second, first, "served from the cache");
    assert!(
        fake.counts().values().all(|count| *count == 0),
        "no request at all: {:?}",
        fake.counts()
    );

    let fresh = json(&credential_process(&env, "dev", &["--no-cache"]));
    assert_ne!(fresh["AccessKeyId"], first["AccessKeyId"]);
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

fn with_lifetime(seconds: u64) -> FakeAws {
    FakeAws::builder()
        .configure(|s| s.role_credentials_lifetime = Duration::from_secs(seconds))
        .start()
        .unwrap()
}

#[test]
fn credentials_inside_the_window_are_renewed() {
    // Four minutes is less than the least life grant serves (the JavaScript SDK's
    // five-minute margin): renewed on every call.
    let fake = with_lifetime(4 * 60);
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, "dev", &[]));
    let renewed = json(&credential_process(&env, "dev", &[]));
    assert_ne!(renewed["AccessKeyId"], first["AccessKeyId"]);
    assert_eq!(fake.count("GetRoleCredentials"), 2);
}

#[test]
fn short_sessions_are_served_from_the_cache_for_half_their_life() {
    // 900 s, the shortest role session AWS allows, was always inside the fixed
    // 15-minute window: each of three calls fetched anew.
    let fake = with_lifetime(15 * 60);
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, "dev", &[]));
    for _ in 0..2 {
        assert_eq!(json(&credential_process(&env, "dev", &[])), first);
    }
    assert_eq!(
        fake.count("GetRoleCredentials"),
        1,
        "three calls, one fetch"
    );

    // A window longer than the session is scaled down to half its life too.
    let fake = with_lifetime(20 * 60);
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, "dev", &[]));
    let again = json(&credential_process(&env, "dev", &["--window", "30m"]));
    assert_eq!(again, first, "20 minutes left, half of it is the window");
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

#[test]
fn an_edited_profile_is_not_served_old_credentials() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    assert_eq!(
        json(&credential_process(&env, "dev", &[]))["AccountId"],
        "111111111111"
    );
    env.write_aws_config(&granted_profile(
        "dev",
        "222222222222",
        "ReadOnly",
        Process::Binary,
    ));
    assert_eq!(
        json(&credential_process(&env, "dev", &[]))["AccountId"],
        "222222222222"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 2);
}

#[test]
fn flags_beat_environment_which_beats_the_profile() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let out = env
        .grant()
        .env("AWS_SSO_ACCOUNT_ID", "222222222222")
        .env("AWS_SSO_ROLE_NAME", "ReadOnly")
        .args(["credential-process", "--profile", "dev", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["AccountId"], "222222222222");
    let out = env
        .grant()
        .env("AWS_SSO_ACCOUNT_ID", "222222222222")
        .args([
            "credential-process",
            "--profile",
            "dev",
            "--no-cache",
            "--account-id",
            "111111111111",
        ])
        .output()
        .unwrap();
    assert_eq!(json(&out)["AccountId"], "111111111111");
}

#[test]
fn concurrent_cold_calls_make_one_request() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let outputs = run_concurrently(&env, 32);
    let keys: std::collections::BTreeSet<String> = outputs
        .iter()
        .map(|out| json(out)["AccessKeyId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 1, "everyone got the same credentials");
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

#[test]
fn concurrent_calls_with_an_expiring_token_refresh_it_once() {
    let fake = FakeAws::builder()
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    fake.configure(|s| s.access_token_lifetime = Duration::from_secs(8 * 3600));
    let outputs = run_concurrently(&env, 32);
    assert!(outputs.iter().all(|out| out.status.success()));
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    assert_eq!(fake.count("StartDeviceAuthorization"), 0);
}

fn run_concurrently(env: &TestEnv, count: usize) -> Vec<Output> {
    let children: Vec<_> = (0..count)
        .map(|_| {
            env.grant()
                .args(["credential-process", "--profile", "dev"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect()
}

#[test]
fn without_a_valid_sign_in_it_fails_fast_with_the_command_to_run() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(&granted_profile(
        "dev",
        "111111111111",
        "AdministratorAccess",
        Process::Binary,
    ));
    for extra in [&[][..], &["--auto-login"][..], &["--noninteractive"][..]] {
        let started = Instant::now();
        let line = failure(&credential_process(&env, "dev", extra));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(
            line,
            format!(
                "grant: profile 'dev': no valid sign-in for the SSO session '{START_URL}'; run: grant sso login --profile dev"
            )
        );
    }
    assert!(
        fake.counts().values().all(|count| *count == 0),
        "{:?}",
        fake.counts()
    );
}

#[test]
fn role_chains_assume_the_role_with_every_parameter() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let mut config = granted_profile(
        "dev",
        "111111111111",
        "AdministratorAccess",
        Process::Binary,
    );
    config.push_str("[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = dev\nexternal_id = tenant-42\nrole_session_name = alice\nduration_seconds = 1800\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n");
    env.write_aws_config(&config);
    let started = time_now();
    let out = json(&env.run(&[
        "credential-process",
        "--profile",
        "deploy",
        "--mfa-token",
        "123456",
    ]));
    assert_eq!(out["AccountId"], "222222222222");
    let calls = fake.assume_role_calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.role_arn, "arn:aws:iam::222222222222:role/Deployer");
    assert_eq!(call.role_session_name, "alice");
    assert_eq!(call.external_id.as_deref(), Some("tenant-42"));
    assert_eq!(call.duration_seconds.as_deref(), Some("1800"));
    assert_eq!(call.token_code.as_deref(), Some("123456"));
    let expiration = time::OffsetDateTime::parse(
        out["Expiration"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let lifetime = expiration.unix_timestamp() - started;
    assert!(
        (1790..=1810).contains(&lifetime),
        "DurationSeconds honoured: {lifetime}"
    );

    let line = failure(&env.run(&["credential-process", "--profile", "deploy", "--no-cache"]));
    assert!(line.contains("pass --mfa-token CODE"), "{line}");
}

#[test]
fn source_identity_goes_on_the_assume_role_and_hostile_values_are_refused() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let mut config = granted_profile(
        "dev",
        "111111111111",
        "AdministratorAccess",
        Process::Binary,
    );
    config.push_str("[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = dev\nsource_identity = alice@example.com\n\n[profile hostile]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = dev\nsource_identity = a\u{1b}]0;x\u{7}&Action=Other\n");
    env.write_aws_config(&config);
    json(&env.run(&["credential-process", "--profile", "deploy"]));
    let calls = fake.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].source_identity.as_deref(),
        Some("alice@example.com")
    );

    let line = failure(&env.run(&["credential-process", "--profile", "hostile"]));
    assert!(line.contains("source_identity"), "{line}");
    assert!(
        !line.contains('\u{1b}') && !line.contains('\u{7}'),
        "{line}"
    );
    assert_eq!(fake.assume_role_calls().len(), 1, "nothing sent");
}

fn time_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[test]
fn static_keys_and_other_processes_pass_through() {
    let env = TestEnv::new();
    env.write_aws_config(
        "[profile other]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"AKIDOTHER\",\"SecretAccessKey\":\"s\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n",
    );
    env.write_aws_credentials(
        "[static]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = secret\n",
    );
    let other = json(&env.run(&["credential-process", "--profile", "other"]));
    assert_eq!(
        (other["AccessKeyId"].as_str(), other["Expiration"].as_str()),
        (Some("AKIDOTHER"), Some("2099-01-01T00:00:00Z"))
    );
    let fixed = json(&env.run(&["credential-process", "--profile", "static"]));
    assert_eq!(fixed["AccessKeyId"], "AKIDSTATIC");
    assert!(
        fixed.get("Expiration").is_none(),
        "long-term keys have no expiration"
    );
}

#[test]
fn positional_roles_use_the_default_start_url() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    env.set_setting("DefaultSSOStartURL", START_URL);
    env.set_setting("DefaultSSORegion", "eu-west-1");
    let out = json(&env.run(&["credential-process", "222222222222/ReadOnly"]));
    assert_eq!(out["AccountId"], "222222222222");
    let out = json(&env.run(&[
        "credential-process",
        "arn:aws:iam::111111111111:role/ReadOnly",
    ]));
    assert_eq!(out["AccountId"], "111111111111");
}

#[test]
fn errors_name_the_profile_and_what_to_do() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let line = failure(&env.run(&["credential-process", "--profile", "dve"]));
    assert!(
        line.contains("profile 'dve' is not in the AWS config")
            && line.contains("did you mean 'dev'"),
        "{line}"
    );

    fake.remove_role("111111111111", "AdministratorAccess");
    let line = failure(&credential_process(&env, "dev", &[]));
    assert_eq!(
        line,
        "grant: profile 'dev': no access to the role AdministratorAccess in account 111111111111 through IAM Identity Center"
    );

    fake.fail("GetRoleCredentials", 429, None);
    let line = failure(&credential_process(&env, "dev", &[]));
    assert!(line.contains("throttling"), "{line}");

    fake.reset_faults();
    fake.add_role("111111111111", "AdministratorAccess");
    let mut env = env;
    env.endpoint = Some("http://127.0.0.1:9".to_owned());
    let started = Instant::now();
    let line = failure(&credential_process(&env, "dev", &["--no-cache"]));
    assert!(
        line.starts_with("grant: profile 'dev': IAM Identity Center GetRoleCredentials failed: "),
        "{line}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "bounded: {:?}",
        started.elapsed()
    );
}

#[test]
fn the_debug_log_records_decisions_and_no_secret() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    success(&credential_process(&env, "dev", &["--debug"]));
    success(&credential_process(&env, "dev", &["--debug"]));
    let log = std::fs::read_to_string(env.state_dir.join("credential-process.log")).unwrap();
    assert!(
        log.contains("cache miss")
            && log.contains("cache hit")
            && log.contains("GetRoleCredentials"),
        "{log}"
    );
    assert_no_secret_in_files(&env.written_folders(), &fake.issued_secrets());
}

#[test]
fn boto3_gets_the_role_identity_through_the_credential_process() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let script = "import boto3, sys\nsts = boto3.Session(profile_name='dev').client('sts', endpoint_url=sys.argv[1])\nprint(sts.get_caller_identity()['Arn'])\n";
    let out = env
        .consumer(python)
        .args(["-c", script, env.endpoint.as_deref().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "boto3: {}", stderr(&out));
    assert!(
        stdout(&out).starts_with(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_"
        ),
        "{}",
        stdout(&out)
    );
    assert_eq!(fake.count("GetCallerIdentity"), 1);
    assert_no_secret_in_files(&env.written_folders(), &fake.issued_secrets());
}

/// The AWS CLI v2 (Debian's awscli package); the pip `aws` is v1 and does not count.
fn aws_cli_v2() -> Option<std::path::PathBuf> {
    for candidate in ["/usr/bin/aws", "aws"] {
        let version = Command::new(candidate).arg("--version").output();
        if let Ok(version) = version {
            let text = String::from_utf8_lossy(&version.stdout).into_owned()
                + &String::from_utf8_lossy(&version.stderr);
            if text.starts_with("aws-cli/2.") {
                return Some(candidate.into());
            }
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide the AWS CLI v2 (apt-get install awscli)"
    );
    eprintln!("skipped: no AWS CLI v2 (apt-get install awscli)");
    None
}

#[test]
fn the_aws_cli_v2_gets_the_role_identity_through_the_credential_process() {
    let Some(aws) = aws_cli_v2() else { return };
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let out = env
        .consumer(aws)
        .args([
            "sts",
            "get-caller-identity",
            "--profile",
            "dev",
            "--endpoint-url",
            env.endpoint.as_deref().unwrap(),
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "aws: {}", stderr(&out));
    let identity: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        identity["Arn"].as_str().unwrap().starts_with(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_"
        ),
        "{identity}"
    );
}

/// Runs `grant ARGS` on a pseudo-terminal (util-linux `script`), as a person would.
fn on_a_terminal(env: &TestEnv, args: &str) -> Output {
    on_a_terminal_with(env, args, &[], "")
}

#[test]
fn auto_login_signs_in_on_the_terminal() {
    if !crate::support::script_is_installed() {
        return;
    }
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(&granted_profile(
        "dev",
        "111111111111",
        "AdministratorAccess",
        Process::Binary,
    ));
    let out = on_a_terminal(&env, "credential-process --profile dev --auto-login");
    let screen = stdout(&out);
    assert!(out.status.success(), "{screen}{}", stderr(&out));
    let code = fake
        .last_user_code()
        .expect("a device authorization was started");
    assert!(
        screen.contains(&code),
        "the code is shown on the terminal: {screen}"
    );
    assert!(screen.contains("\"AccessKeyId\":\"ASIA"), "{screen}");
    assert_eq!(fake.count("CreateToken:device_code"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

/// Serves one container-credentials answer, as the ECS agent does, on 127.0.0.1.
fn container_credentials_endpoint(body: String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/credentials", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().flatten().take(4) {
            let mut stream = stream;
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn container_credentials_can_source_a_role() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    // The container's own role credentials: temporary ones the fake issued.
    let container = json(&credential_process(&env, "dev", &["--no-cache"]));
    let body = serde_json::json!({
        "AccessKeyId": container["AccessKeyId"],
        "SecretAccessKey": container["SecretAccessKey"],
        "Token": container["SessionToken"],
        "Expiration": container["Expiration"],
    })
    .to_string();
    let url = container_credentials_endpoint(body);
    env.write_aws_config(
        "[profile from-container]\nrole_arn = arn:aws:iam::333333333333:role/FromContainer\ncredential_source = EcsContainer\nregion = eu-west-1\n",
    );
    let out = env
        .grant()
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)
        .args(["credential-process", "--profile", "from-container"])
        .output()
        .unwrap();
    assert_eq!(json(&out)["AccountId"], "333333333333");
    let calls = fake.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].caller_access_key_id,
        container["AccessKeyId"].as_str().unwrap()
    );
}

/// A sign-in policy case: flags, variables, profile lines, and the setting
/// CredentialProcessAutoLogin.
type SignInCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, bool);

/// Runs `grant ARGS` on a pseudo-terminal with `variables` added to the test's
/// world, typing `input` there. The screen (prompts and stdout) is the output's stdout.
fn on_a_terminal_with(
    env: &TestEnv,
    args: &str,
    variables: &[(&str, &str)],
    input: &str,
) -> Output {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_grant"));
    let mut script = Command::new("script");
    script
        .env_clear()
        .args(["--quiet", "--return", "--command", &command, "/dev/null"]);
    for (name, value) in env.grant().get_envs() {
        match value {
            Some(value) => script.env(name, value),
            None => script.env_remove(name),
        };
    }
    script.env_remove("CI").envs(variables.iter().copied());
    let mut child = script
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
    }
    output_within(child, Duration::from_secs(60))
}

/// Polls `condition` for up to `limit`.
#[track_caller]
fn wait_until(what: &str, limit: Duration, condition: impl Fn() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn start_url_and_region_flags_beat_environment_which_beats_the_profile() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let other_url = "https://other-org.awsapps.com/start";
    let run = |variables: &[(&str, &str)], extra: &[&str]| {
        let mut args = vec!["credential-process", "--profile", "dev", "--no-cache"];
        args.extend_from_slice(extra);
        env.grant()
            .envs(variables.iter().copied())
            .args(&args)
            .output()
            .unwrap()
    };

    // AWS_SSO_START_URL beats the profile's: no sign-in for that one.
    let line = failure(&run(&[("AWS_SSO_START_URL", other_url)], &[]));
    assert!(
        line.contains(&format!("SSO session '{other_url}'"))
            && line.contains("grant sso login --profile dev"),
        "{line}"
    );
    // --start-url beats AWS_SSO_START_URL, in both directions.
    let out = run(
        &[("AWS_SSO_START_URL", other_url)],
        &["--start-url", START_URL],
    );
    assert_eq!(json(&out)["AccountId"], "111111111111");
    let line = failure(&run(
        &[("AWS_SSO_START_URL", START_URL)],
        &["--start-url", other_url],
    ));
    assert!(
        line.contains(&format!("SSO session '{other_url}'")),
        "{line}"
    );

    // The SSO region: the profile's, else AWS_SSO_REGION, else --region.
    let region_used = |variables: &[(&str, &str)], extra: &[&str]| {
        let mut extra = extra.to_vec();
        extra.push("--debug");
        let out = run(variables, &extra);
        success(&out);
        let log = stderr(&out);
        let line = log
            .lines()
            .find(|line| line.contains("GetRoleCredentials for 111111111111/AdministratorAccess"))
            .unwrap_or_else(|| panic!("no GetRoleCredentials line: {log}"))
            .to_owned();
        line.rsplit(" in ").next().unwrap().to_owned()
    };
    assert_eq!(region_used(&[], &[]), "eu-west-1");
    assert_eq!(
        region_used(&[("AWS_SSO_REGION", "us-west-2")], &[]),
        "us-west-2"
    );
    assert_eq!(
        region_used(
            &[("AWS_SSO_REGION", "us-west-2")],
            &["--region", "ap-south-1"]
        ),
        "ap-south-1"
    );
}

/// The profile `dev` of a session nobody signed in to, `extra` lines in its section.
fn unsigned_env(fake: &FakeAws, extra: &str) -> TestEnv {
    let env = TestEnv::with_fake(fake);
    let mut config = granted_profile(
        "dev",
        "111111111111",
        "AdministratorAccess",
        Process::Binary,
    );
    config.push_str(extra);
    env.write_aws_config(&config);
    env
}

#[test]
fn every_source_of_the_sign_in_policy_allows_a_sign_in_on_a_terminal() {
    if !crate::support::script_is_installed() {
        return;
    }
    // (flags, variables, profile lines, CredentialProcessAutoLogin)
    let cases: [SignInCase; 5] = [
        ("--auto-login", &[], "", false),
        ("--interactive", &[], "", false),
        ("", &[("AWS_SSO_INTERACTIVE_AUTH", "true")], "", false),
        ("", &[], "sso_interactive_auth = true\n", false),
        ("", &[], "", true),
    ];
    for (flags, variables, profile_lines, setting) in cases {
        let fake = FakeAws::start();
        let env = unsigned_env(&fake, profile_lines);
        if setting {
            env.set_setting("CredentialProcessAutoLogin", "true");
        }
        let case = format!("{flags:?} {variables:?} {profile_lines:?} setting={setting}");
        let out = on_a_terminal_with(
            &env,
            &format!("credential-process --profile dev {flags}"),
            variables,
            "",
        );
        let screen = stdout(&out);
        assert!(out.status.success(), "{case}: {screen}{}", stderr(&out));
        let code = fake.last_user_code().expect("a device authorization");
        assert!(
            screen.contains(&code),
            "{case}: the code on the terminal: {screen}"
        );
        assert!(
            screen.contains("\"AccessKeyId\":\"ASIA"),
            "{case}: {screen}"
        );
        assert_eq!(fake.count("CreateToken:device_code"), 1, "{case}");
    }
}

#[test]
fn the_sign_in_policy_follows_precedence_and_noninteractive_wins() {
    if !crate::support::script_is_installed() {
        return;
    }
    let interactive = "sso_interactive_auth = true\n";
    let not_interactive = "sso_interactive_auth = false\n";
    // (flags, variables, profile lines, CredentialProcessAutoLogin): none may sign in.
    let cases: [SignInCase; 5] = [
        ("", &[("AWS_SSO_INTERACTIVE_AUTH", "false")], "", true),
        (
            "",
            &[("AWS_SSO_INTERACTIVE_AUTH", "false")],
            interactive,
            false,
        ),
        ("", &[], not_interactive, true),
        (
            "--noninteractive",
            &[("AWS_SSO_INTERACTIVE_AUTH", "true")],
            interactive,
            true,
        ),
        ("--auto-login --noninteractive", &[], "", false),
    ];
    for (flags, variables, profile_lines, setting) in cases {
        let fake = FakeAws::start();
        let env = unsigned_env(&fake, profile_lines);
        if setting {
            env.set_setting("CredentialProcessAutoLogin", "true");
        }
        let case = format!("{flags:?} {variables:?} {profile_lines:?} setting={setting}");
        let out = on_a_terminal_with(
            &env,
            &format!("credential-process --profile dev {flags}"),
            variables,
            "",
        );
        let screen = stdout(&out);
        assert!(!out.status.success(), "{case}: signed in: {screen}");
        assert!(
            screen.contains("run: grant sso login --profile dev"),
            "{case}: {screen}"
        );
        assert_eq!(fake.count("StartDeviceAuthorization"), 0, "{case}");
        assert!(fake.last_user_code().is_none(), "{case}");
    }
}

#[test]
fn without_a_terminal_an_allowed_sign_in_fails_fast_with_the_command() {
    let fake = FakeAws::start();
    let env = unsigned_env(&fake, "");
    env.set_setting("CredentialProcessAutoLogin", "true");
    for (flags, variables) in [
        (&["--auto-login"][..], &[][..]),
        (&[][..], &[("AWS_SSO_INTERACTIVE_AUTH", "true")][..]),
        (&[][..], &[][..]),
    ] {
        // setsid: no controlling terminal, so no /dev/tty; stdin is null; no CI.
        let mut command = Command::new("setsid");
        command.arg("-w").arg(env!("CARGO_BIN_EXE_grant"));
        command.env_clear();
        for (name, value) in env.grant().get_envs() {
            if let Some(value) = value {
                command.env(name, value);
            }
        }
        let child = command
            .env_remove("CI")
            .envs(variables.iter().copied())
            .args(["credential-process", "--profile", "dev"])
            .args(flags)
            .current_dir(&env.home)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("setsid (util-linux)");
        let line = failure(&output_within(child, Duration::from_secs(5)));
        assert_eq!(
            line,
            format!(
                "grant: profile 'dev': no valid sign-in for the SSO session '{START_URL}'; run: grant sso login --profile dev"
            ),
            "{flags:?} {variables:?}"
        );
    }
    assert!(
        fake.counts().values().all(|count| *count == 0),
        "{:?}",
        fake.counts()
    );
}

#[test]
fn the_mfa_code_is_asked_on_the_terminal() {
    if !crate::support::script_is_installed() {
        return;
    }
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    fake.register_static_key(
        "AKIAMFAUSER000000001",
        "mfa-user-long-term-secret",
        "111111111111",
        "alice",
    );
    env.write_aws_credentials(
        "[alice]\naws_access_key_id = AKIAMFAUSER000000001\naws_secret_access_key = mfa-user-long-term-secret\n",
    );
    env.write_aws_config(
        "[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = alice\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\nregion = eu-west-1\n",
    );
    let out = on_a_terminal_with(&env, "credential-process --profile deploy", &[], "246810\n");
    let screen = stdout(&out);
    assert!(out.status.success(), "{screen}{}", stderr(&out));
    assert!(
        screen.contains("MFA code for arn:aws:iam::111111111111:mfa/alice"),
        "the prompt is on the terminal: {screen}"
    );
    // The code was typed ahead, so its echo comes before the prompt and the JSON
    // follows the prompt on the same line.
    let start = screen
        .find("{\"Version\"")
        .unwrap_or_else(|| panic!("no JSON on the terminal: {screen}"));
    let document = screen[start..].lines().next().unwrap().trim_end();
    let document: Value = serde_json::from_str(document).unwrap();
    assert_eq!(document["AccountId"], "222222222222");
    let calls = fake.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].token_code.as_deref(), Some("246810"));
    assert_eq!(
        calls[0].serial_number.as_deref(),
        Some("arn:aws:iam::111111111111:mfa/alice")
    );
    assert_eq!(calls[0].caller_access_key_id, "AKIAMFAUSER000000001");
}

#[test]
fn a_killed_lock_holder_does_not_block_the_process_waiting_for_it() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    fake.delay("GetRoleCredentials", Duration::from_secs(120));
    let quiet = || {
        let mut command = env.grant();
        command
            .args(["credential-process", "--profile", "dev", "--debug"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command
    };
    // The holder takes the profile's lock and waits on GetRoleCredentials.
    let mut holder = quiet().spawn().unwrap();
    wait_until(
        "the holder's GetRoleCredentials",
        Duration::from_secs(20),
        || fake.count("GetRoleCredentials") == 1,
    );
    // The waiter finds the lock taken.
    let waiter = quiet().spawn().unwrap();
    let log = env.state_dir.join("credential-process.log");
    let waiter_pid = waiter.id();
    wait_until("the waiter to wait", Duration::from_secs(20), || {
        std::fs::read_to_string(&log).is_ok_and(|text| {
            text.lines().any(|line| {
                line.starts_with(&format!("grant[debug] {waiter_pid}:"))
                    && line.contains("held by another process, waiting")
            })
        })
    });
    fake.reset_faults();
    holder.kill().unwrap();
    holder.wait().unwrap();
    let out = output_within(waiter, Duration::from_secs(10));
    assert_eq!(json(&out)["AccountId"], "111111111111");
    assert!(stderr(&out).contains("acquired after"), "{}", stderr(&out));
    assert_eq!(fake.count("GetRoleCredentials"), 2);
}

#[test]
fn the_debug_log_of_a_refresh_and_a_role_chain_names_endpoints_and_no_secret() {
    let fake = FakeAws::builder()
        .configure(|s| s.access_token_lifetime = Duration::from_secs(600))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    fake.configure(|s| s.access_token_lifetime = Duration::from_secs(8 * 3600));
    let mut config = granted_profile(
        "dev",
        "111111111111",
        "AdministratorAccess",
        Process::Binary,
    );
    config.push_str(
        "[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = dev\nexternal_id = tenant-42\nregion = eu-west-1\n",
    );
    env.write_aws_config(&config);
    let run = |value: Option<&str>| {
        let mut command = env.grant();
        if let Some(value) = value {
            command.env("AWS_SSO_CREDENTIAL_PROCESS_DEBUG", value);
        }
        command
            .args(["credential-process", "--profile", "deploy"])
            .output()
            .unwrap()
    };

    let out = run(Some("true"));
    assert_eq!(json(&out)["AccountId"], "222222222222");
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    assert_eq!(fake.count("AssumeRole"), 1);
    let err = stderr(&out);
    let log = std::fs::read_to_string(env.state_dir.join("credential-process.log"))
        .expect("AWS_SSO_CREDENTIAL_PROCESS_DEBUG=true writes the log file");
    let url = fake.url();
    for text in [&err, &log] {
        for expected in [
            "cache miss".to_owned(),
            format!("IAM Identity Center OIDC endpoint: {url} (from AWS_ENDPOINT_URL_SSO_OIDC)"),
            format!("IAM Identity Center portal endpoint: {url} (from AWS_ENDPOINT_URL_SSO)"),
            format!("STS endpoint: {url} (from AWS_ENDPOINT_URL_STS)"),
            "AssumeRole arn:aws:iam::222222222222:role/Deployer".to_owned(),
        ] {
            assert!(
                text.contains(&expected),
                "{expected:?} missing from:\n{text}"
            );
        }
    }
    let secrets = fake.issued_secrets();
    assert!(
        secrets.len() >= 6,
        "refreshed tokens and two sets of keys: {secrets:?}"
    );
    for secret in &secrets {
        assert!(!err.contains(secret.as_str()), "a secret on stderr:\n{err}");
        assert!(
            !log.contains(secret.as_str()),
            "a secret in the log:\n{log}"
        );
    }
    assert_no_secret_in_files(&env.written_folders(), &secrets);

    // A cache hit with the variable set is logged too; without it, or false, nothing.
    let hit = run(Some("true"));
    assert!(stderr(&hit).contains("cache hit"), "{}", stderr(&hit));
    for value in [None, Some("false")] {
        let quiet = run(value);
        success(&quiet);
        assert_eq!(stderr(&quiet), "", "{value:?}");
    }
}

/// Keys a profile leaves out come from what follows it in precedence: AWS_SSO_*
/// variables (and flags), else the settings DefaultSSOStartURL / DefaultSSORegion.
#[test]
fn a_profile_without_a_start_url_takes_it_from_the_environment_or_the_settings() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    env.write_aws_config(&format!(
        "{}[profile bare]\ngranted_sso_account_id = 222222222222\ngranted_sso_role_name = ReadOnly\n",
        granted_profile("dev", "111111111111", "AdministratorAccess", Process::Binary)
    ));
    let bare = ["credential-process", "--profile", "bare"];
    let line = failure(&env.run(&bare));
    assert!(
        line.contains("granted_sso_start_url is missing (or set DefaultSSOStartURL)"),
        "{line}"
    );
    let from_environment = env
        .grant()
        .args(bare)
        .env("AWS_SSO_START_URL", START_URL)
        .env("AWS_SSO_REGION", "eu-west-1")
        .output()
        .unwrap();
    assert_eq!(json(&from_environment)["AccountId"], "222222222222");
    assert!(
        failure(&env.run(&bare)).contains("is missing"),
        "the variables are gone"
    );
    env.set_setting("DefaultSSOStartURL", START_URL);
    env.set_setting("DefaultSSORegion", "eu-west-1");
    assert_eq!(json(&env.run(&bare))["AccountId"], "222222222222");
    assert_eq!(
        fake.count("GetRoleCredentials"),
        1,
        "the second came from the cache"
    );
}

#[test]
fn cache_clear_forgets_credentials_but_not_the_sign_in() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    env.write_aws_config(&format!(
        "{}{}",
        granted_profile(
            "dev",
            "111111111111",
            "AdministratorAccess",
            Process::Binary
        ),
        granted_profile("other", "111111111111", "ReadOnly", Process::Binary)
    ));
    let dev = json(&credential_process(&env, "dev", &[]));
    json(&env.run(&["credential-process", "--profile", "other"]));
    assert_eq!(fake.count("GetRoleCredentials"), 2);

    let cleared = env.run(&["cache", "clear", "--profile", "dev"]);
    success(&cleared);
    assert!(stderr(&cleared).contains("deleted 1 cached credentials of profile dev"));
    let renewed = json(&credential_process(&env, "dev", &[]));
    assert_ne!(renewed["AccessKeyId"], dev["AccessKeyId"]);
    json(&env.run(&["credential-process", "--profile", "other"]));
    assert_eq!(
        fake.count("GetRoleCredentials"),
        3,
        "only dev was fetched again"
    );

    success(&env.run(&["cache", "clear", "--all"]));
    json(&credential_process(&env, "dev", &[]));
    json(&env.run(&["credential-process", "--profile", "other"]));
    assert_eq!(fake.count("GetRoleCredentials"), 5, "both fetched again");
    assert_eq!(fake.count("CreateToken"), 0, "the sign-in stayed");
    assert!(failure(&env.run(&["cache", "clear"])).contains("--profile"));
}

/// A profile whose credential_process runs grant for that same profile fails at
/// once, naming the loop, instead of waiting on the lock its own caller holds. The
/// inner grant's line comes first (a credential_process keeps its stderr), then
/// the outer one's.
#[test]
fn a_credential_process_that_calls_itself_is_a_loop() {
    let env = TestEnv::new();
    let grant = env!("CARGO_BIN_EXE_grant");
    env.write_aws_config(&format!(
        "[profile loop]\ncredential_process = {grant} credential-process --profile loop\n\n[profile outer]\ncredential_process = {grant} credential-process --profile inner\n\n[profile inner]\ncredential_process = {grant} credential-process --profile outer\n"
    ));
    for profile in ["loop", "outer"] {
        let mut child = env
            .grant()
            .args(["credential-process", "--profile", profile])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                child.kill().unwrap();
                panic!("{profile}: the loop hangs");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output().unwrap();
        assert!(!output.status.success() && output.stdout.is_empty());
        let errors = stderr(&output);
        let first = errors.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("grant: profile '{profile}': "))
                && first.contains("runs grant for the same request again (a loop)"),
            "{profile}: {errors}"
        );
    }
}
