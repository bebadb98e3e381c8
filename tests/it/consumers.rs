//! Real consumers of grant's credentials: boto3 (botocore), the AWS CLI v2 and the
//! AWS SDKs for Rust, JavaScript v3, Go v2 and Java v2. Each calls STS
//! GetCallerIdentity against the fake, which records the access key that signed
//! the call; the tests compare it with the key grant issued for the profile. Four
//! ways in: `credential_process` (AWS_PROFILE set by hand), `assume` (AWS_PROFILE),
//! `assume -x` (the keys), and short-lived credentials that the consumer's own
//! refresh renews between two calls.
//!
//! The programs are in `tests/consumers/`; `tests/consumers/install.sh` (run by
//! `.ci/run`) installs the SDKs under `target/consumers/`, and `cargo test` builds
//! the Rust one as an example of this package. A consumer that is not installed is
//! skipped locally and fails the test under CI.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use fake_aws::FakeAws;

use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile};
use crate::support::{TestEnv, python_with_botocore, stderr, stdout, success};

/// What an SDK's credential chain logs when it sees keys and a profile at once.
const JS_CONFLICT_WARNING: &str = "Multiple credential sources detected";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Consumer {
    Boto3,
    AwsCli,
    RustSdk,
    JavaScriptSdk,
    GoSdk,
    JavaSdk,
}

/// How the consumer's environment is set up before it runs, in bash.
#[derive(Clone, Copy, Debug)]
enum Way {
    /// AWS_PROFILE=dev, whose credential_process is grant.
    CredentialProcess,
    /// `assume dev`: AWS_PROFILE only.
    AssumeProfile,
    /// `assume -x dev` after the user set AWS_PROFILE themselves: the keys only.
    AssumeKeys,
}

impl Way {
    fn setup(self) -> &'static str {
        match self {
            Way::CredentialProcess => "export AWS_PROFILE=dev",
            Way::AssumeProfile => {
                r#"eval "$(grant init bash)"; assume dev || exit 90; [ "$AWS_PROFILE" = dev ] || exit 91"#
            }
            Way::AssumeKeys => {
                r#"eval "$(grant init bash)"; export AWS_PROFILE=dev; assume -x dev || exit 90; [ -z "${AWS_PROFILE+set}" ] || exit 92; [ "$GRANT_PROFILE" = dev ] || exit 93"#
            }
        }
    }
}

pub(crate) fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Whether `path` exists; false (after saying so) when it does not, except under
/// CI, where the consumer must be there.
pub(crate) fn installed(consumer: Consumer, path: &Path, how: &str) -> bool {
    let present = path.exists();
    assert!(
        present || std::env::var_os("CI").is_none(),
        "{consumer:?} is not installed at {} ({how})",
        path.display()
    );
    if !present {
        eprintln!(
            "skipped: {consumer:?} not installed at {} ({how})",
            path.display()
        );
    }
    present
}

pub(crate) const INSTALL: &str = "run tests/consumers/install.sh";

/// The AWS CLI v2 (Debian's awscli), wherever PATH has it.
fn aws_cli_v2() -> Option<PathBuf> {
    let candidates = [PathBuf::from("aws"), PathBuf::from("/usr/bin/aws")];
    let found = candidates.into_iter().find(|aws| {
        Command::new(aws)
            .arg("--version")
            .output()
            .is_ok_and(|output| stdout(&output).starts_with("aws-cli/2."))
    });
    assert!(
        found.is_some() || std::env::var_os("CI").is_none(),
        "CI must have the AWS CLI v2 (apt-get install awscli)"
    );
    if found.is_none() {
        eprintln!("skipped: no AWS CLI v2 (apt-get install awscli)");
    }
    found
}

impl Consumer {
    /// The command that makes `calls` GetCallerIdentity calls, or None (after
    /// saying so) when the consumer is not installed. For `refresh`, the Java and
    /// JavaScript programs use their SDK's process provider under a cache that
    /// renews before the call (see their sources).
    fn command_line(self, calls: u32, refresh: bool) -> Option<Vec<OsString>> {
        let calls = calls.to_string();
        let line: Vec<OsString> = match self {
            Consumer::Boto3 => {
                let python = python_with_botocore()?;
                vec![
                    python.into(),
                    repo_path("tests/consumers/python/sts_consumer.py").into(),
                    calls.into(),
                ]
            }
            Consumer::AwsCli => {
                // One call per run: the CLI's second call is a second run. Debian's
                // CLI predates AWS_ENDPOINT_URL_STS, hence --endpoint-url.
                let aws = aws_cli_v2()?;
                let script = r#"aws=$1; shift; for _ in $(seq "$1"); do "$aws" sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --output text --query Arn || exit 1; done"#;
                vec![
                    "sh".into(),
                    "-c".into(),
                    script.into(),
                    "sh".into(),
                    aws.into(),
                    calls.into(),
                ]
            }
            Consumer::RustSdk => {
                let grant = Path::new(env!("CARGO_BIN_EXE_grant"));
                let program = grant.parent().unwrap().join("examples/sts_consumer");
                if !installed(self, &program, "cargo build --example sts_consumer") {
                    return None;
                }
                vec![program.into(), calls.into()]
            }
            Consumer::JavaScriptSdk => {
                let modules = repo_path("target/consumers/node/node_modules/@aws-sdk/client-sts");
                if !installed(self, &modules, INSTALL) {
                    return None;
                }
                let mut line: Vec<OsString> = vec![
                    "node".into(),
                    repo_path("target/consumers/node/index.mjs").into(),
                    calls.into(),
                ];
                if refresh {
                    line.push("process".into());
                }
                line
            }
            Consumer::GoSdk => {
                let program = repo_path("target/consumers/go/consumer");
                if !installed(self, &program, INSTALL) {
                    return None;
                }
                vec![program.into(), calls.into()]
            }
            Consumer::JavaSdk => {
                let lib = repo_path("target/consumers/java/lib");
                if !installed(self, &lib, INSTALL) {
                    return None;
                }
                let mut line: Vec<OsString> = vec![
                    "java".into(),
                    "-cp".into(),
                    lib.join("*").into(),
                    repo_path("tests/consumers/java/Consumer.java").into(),
                    calls.into(),
                ];
                if refresh {
                    line.push("grant credential-process --profile dev".into());
                }
                line
            }
        };
        Some(line)
    }
}

/// Runs the consumer in bash after `way`'s setup; its PATH finds this test's grant.
fn signed_in(fake: &FakeAws) -> TestEnv {
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::OnPath);
    fixtures::signed_in(fake, &dev, Forget::Recordings)
}

fn run_consumer(env: &TestEnv, way: Way, line: &[OsString]) -> Output {
    let script = format!(r#"{}; exec "$@""#, way.setup());
    env.shell("bash")
        .args(["--norc", "--noprofile", "-c", &script, "bash"])
        .args(line)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[track_caller]
fn consumer_succeeded(consumer: Consumer, output: &Output) {
    assert!(
        output.status.success(),
        "{consumer:?} failed ({}): {}{}",
        output.status,
        stdout(output),
        stderr(output)
    );
    assert!(
        stdout(output).contains("assumed-role/AWSReservedSSO_AdministratorAccess_"),
        "{consumer:?} printed the role's identity: {}",
        stdout(output)
    );
    assert!(
        !stderr(output).contains(JS_CONFLICT_WARNING),
        "{consumer:?} saw two credential sources: {}",
        stderr(output)
    );
}

/// One call the way `way` sets up, signed with the key grant issued and caches.
fn calls_with_the_key_grant_issued(consumer: Consumer, way: Way) {
    let Some(line) = consumer.command_line(1, false) else {
        return;
    };
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let output = run_consumer(&env, way, &line);
    consumer_succeeded(consumer, &output);
    let seen = fake.caller_identity_keys();
    let issued = fake.issued_access_key_ids();
    assert_eq!(
        issued.len(),
        1,
        "grant got the role's keys once: {issued:?}"
    );
    assert_eq!(seen, issued, "{consumer:?} signed with grant's key");
    let served = success(&env.run(&["credential-process", "--profile", "dev"]));
    let served: serde_json::Value = serde_json::from_str(&served).unwrap();
    assert_eq!(
        served["AccessKeyId"],
        issued[0].as_str(),
        "the key in grant's cache"
    );
}

/// Credentials that live a minute are inside every consumer's renewal window (and
/// grant's), so the second call of one client runs credential_process again and
/// signs with a new key, however fast or slow the machine.
fn renews_credentials_near_expiry(consumer: Consumer) {
    let Some(line) = consumer.command_line(2, true) else {
        return;
    };
    let fake = FakeAws::builder()
        .configure(|settings| settings.role_credentials_lifetime = Duration::from_secs(60))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    let output = run_consumer(&env, Way::CredentialProcess, &line);
    consumer_succeeded(consumer, &output);
    // Some consumers run credential_process more than once a call (botocore and the
    // CLI check expiry both when they resolve and when they sign): what matters is
    // that each call was signed with keys grant issued, the second with newer ones.
    assert_two_calls_the_second_with_newer_keys(consumer, &fake);
}

/// The consumer made two calls, each signed with keys grant issued, the second
/// with keys issued after the first's.
pub(crate) fn assert_two_calls_the_second_with_newer_keys(consumer: Consumer, fake: &FakeAws) {
    let seen = fake.caller_identity_keys();
    let issued = fake.issued_access_key_ids();
    let position = |key: &String| {
        issued
            .iter()
            .position(|issued| issued == key)
            .unwrap_or_else(|| panic!("{consumer:?} signed with {key}, not grant's: {issued:?}"))
    };
    assert_eq!(seen.len(), 2, "{consumer:?} made two calls: {seen:?}");
    assert!(
        position(&seen[0]) < position(&seen[1]),
        "{consumer:?} renewed the keys between the calls: seen {seen:?}, issued {issued:?}"
    );
}

macro_rules! consumer_tests {
    ($($module:ident: $consumer:expr;)*) => {$(
        mod $module {
            use super::*;

            #[test]
            fn calls_through_credential_process() {
                calls_with_the_key_grant_issued($consumer, Way::CredentialProcess);
            }

            #[test]
            fn calls_after_assume() {
                calls_with_the_key_grant_issued($consumer, Way::AssumeProfile);
            }

            #[test]
            fn calls_after_assume_with_keys() {
                calls_with_the_key_grant_issued($consumer, Way::AssumeKeys);
            }

            #[test]
            fn renews_credentials_near_expiry() {
                super::renews_credentials_near_expiry($consumer);
            }
        }
    )*};
}

consumer_tests! {
    boto3: Consumer::Boto3;
    aws_cli: Consumer::AwsCli;
    rust_sdk: Consumer::RustSdk;
    javascript_sdk: Consumer::JavaScriptSdk;
    go_sdk: Consumer::GoSdk;
    java_sdk: Consumer::JavaSdk;
}
