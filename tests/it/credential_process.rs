//! `grant credential-process` against the fake AWS: the JSON contract, real
//! consumers (botocore/boto3 and the AWS CLI v2), the cache and its window, the
//! login policy, concurrency, and the debug log.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use fake_aws::FakeAws;
use serde_json::Value;

use crate::support::{
    TestEnv, assert_no_secret_in_files, failure, python_with_botocore, stderr, stdout, success,
};

const START_URL: &str = "https://fake-org.awsapps.com/start";

/// A profile in the shape the seeds show: granted_sso_* keys and a credential_process
/// that runs this very binary.
fn granted_profile(name: &str, account: &str, role: &str) -> String {
    format!(
        "[profile {name}]\ngranted_sso_start_url = {START_URL}\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = {account}\ngranted_sso_role_name = {role}\ngranted_sso_registration_scopes = sso:account:access\nregion = eu-west-1\ncredential_process = {} credential-process --profile {name}\n\n",
        env!("CARGO_BIN_EXE_grant")
    )
}

fn signed_in(fake: &FakeAws) -> TestEnv {
    let env = TestEnv::with_fake(fake);
    env.write_aws_config(&granted_profile(
        "dev",
        "111111111111",
        "AdministratorAccess",
    ));
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    fake.reset_counts();
    env
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&success(output)).expect("credential JSON on stdout")
}

fn credential_process(env: &TestEnv, extra: &[&str]) -> Output {
    let mut args = vec!["credential-process", "--profile", "dev"];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[test]
fn prints_the_version_1_document_and_caches_it() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, &[]));
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
    let second = json(&credential_process(&env, &[]));
    assert_eq!(second, first, "served from the cache");
    assert!(
        fake.counts().values().all(|count| *count == 0),
        "no request at all: {:?}",
        fake.counts()
    );

    let fresh = json(&credential_process(&env, &["--no-cache"]));
    assert_ne!(fresh["AccessKeyId"], first["AccessKeyId"]);
    assert_eq!(fake.count("GetRoleCredentials"), 1);
}

#[test]
fn credentials_inside_the_window_are_renewed() {
    let fake = FakeAws::builder()
        .configure(|s| s.role_credentials_lifetime = Duration::from_secs(20 * 60))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    let first = json(&credential_process(&env, &[]));
    let again = json(&credential_process(&env, &[]));
    assert_eq!(
        again, first,
        "20 minutes left is outside the default 15 minute window"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    let renewed = json(&credential_process(&env, &["--window", "30m"]));
    assert_ne!(renewed["AccessKeyId"], first["AccessKeyId"]);
    assert_eq!(fake.count("GetRoleCredentials"), 2);
}

#[test]
fn an_edited_profile_is_not_served_old_credentials() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    assert_eq!(
        json(&credential_process(&env, &[]))["AccountId"],
        "111111111111"
    );
    env.write_aws_config(&granted_profile("dev", "222222222222", "ReadOnly"));
    assert_eq!(
        json(&credential_process(&env, &[]))["AccountId"],
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
    ));
    for extra in [&[][..], &["--auto-login"][..], &["--noninteractive"][..]] {
        let started = Instant::now();
        let line = failure(&credential_process(&env, extra));
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
    let mut config = granted_profile("dev", "111111111111", "AdministratorAccess");
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
    let line = failure(&credential_process(&env, &[]));
    assert_eq!(
        line,
        "grant: profile 'dev': no access to the role AdministratorAccess in account 111111111111 through IAM Identity Center"
    );

    fake.fail("GetRoleCredentials", 429, None);
    let line = failure(&credential_process(&env, &[]));
    assert!(line.contains("throttling"), "{line}");

    fake.reset_faults();
    fake.add_role("111111111111", "AdministratorAccess");
    let mut env = env;
    env.endpoint = Some("http://127.0.0.1:9".to_owned());
    let started = Instant::now();
    let line = failure(&credential_process(&env, &["--no-cache"]));
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
    success(&credential_process(&env, &["--debug"]));
    success(&credential_process(&env, &["--debug"]));
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
        stdout(&out).starts_with("arn:aws:sts::111111111111:assumed-role/AdministratorAccess/"),
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
        identity["Arn"]
            .as_str()
            .unwrap()
            .starts_with("arn:aws:sts::111111111111:assumed-role/AdministratorAccess/"),
        "{identity}"
    );
}

/// Runs `grant ARGS` on a pseudo-terminal (util-linux `script`), as a person would.
fn on_a_terminal(env: &TestEnv, args: &str) -> Output {
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
    script.env_remove("CI").output().unwrap()
}

#[test]
fn auto_login_signs_in_on_the_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must provide util-linux script"
        );
        eprintln!("skipped: no util-linux script");
        return;
    }
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(&granted_profile(
        "dev",
        "111111111111",
        "AdministratorAccess",
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
    let container = json(&credential_process(&env, &["--no-cache"]));
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
