//! `grant serve`: the container credentials endpoint, read by real SDKs (boto3, the
//! AWS SDKs for JavaScript v3 and Rust) run as its command, and by raw requests.
//! The fake's role credentials live a minute, inside every SDK's renewal window and
//! grant's, so each call of a consumer asks the endpoint again and the second is
//! signed with new keys: renewal, whatever the machine's speed.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use fake_aws::FakeAws;

use crate::consumers::{
    Consumer, INSTALL, assert_two_calls_the_second_with_newer_keys, installed, repo_path,
};
use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile};
use crate::support::{
    TestEnv, output_within, python_with_botocore, run_within, stderr, stdout, success,
};

/// Far beyond what a run takes: reaching it is a hang.
const LIMIT: Duration = Duration::from_secs(120);
/// Keys in the environment that the command must not see: the fake knows neither,
/// so a consumer that signed with them would fail.
const PLANTED_KEY: &str = "AKIAPLANTEDBYTHETEST";

fn short_lived_fake() -> FakeAws {
    FakeAws::builder()
        .configure(|settings| settings.role_credentials_lifetime = Duration::from_secs(60))
        .start()
        .unwrap()
}

fn signed_in(fake: &FakeAws) -> TestEnv {
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::None);
    fixtures::signed_in(fake, &dev, Forget::Recordings)
}

/// `grant serve --profile dev -- COMMAND`, in an environment with planted keys and
/// AWS_PROFILE that serve must take away.
fn serve_command(env: &TestEnv, command: &[OsString]) -> Command {
    let mut grant = env.grant();
    grant
        .args(["serve", "--profile", "dev", "--"])
        .args(command)
        .env("AWS_ACCESS_KEY_ID", PLANTED_KEY)
        .env("AWS_SECRET_ACCESS_KEY", "planted-secret")
        .env("AWS_SESSION_TOKEN", "planted-token")
        .env("AWS_PROFILE", "dev");
    grant
}

fn consumer_line(consumer: Consumer, calls: u32) -> Option<Vec<OsString>> {
    let calls = OsString::from(calls.to_string());
    Some(match consumer {
        Consumer::Boto3 => vec![
            python_with_botocore()?.into(),
            repo_path("tests/consumers/python/sts_consumer.py").into(),
            calls,
        ],
        Consumer::JavaScriptSdk => {
            let modules = repo_path("target/consumers/node/node_modules/@aws-sdk/client-sts");
            if !installed(consumer, &modules, INSTALL) {
                return None;
            }
            vec![
                "node".into(),
                repo_path("target/consumers/node/index.mjs").into(),
                calls,
                "container".into(),
            ]
        }
        Consumer::RustSdk => {
            let grant = Path::new(env!("CARGO_BIN_EXE_grant"));
            let program = grant.parent().unwrap().join("examples/sts_consumer");
            if !installed(consumer, &program, "cargo build --example sts_consumer") {
                return None;
            }
            vec![program.into(), calls]
        }
        other => unreachable!("{other:?} is not run under serve here"),
    })
}

/// Two calls of one client, each signed with keys grant issued through the
/// endpoint, the second with newer ones.
fn renews_across_two_calls(consumer: Consumer) {
    let Some(line) = consumer_line(consumer, 2) else {
        return;
    };
    let fake = short_lived_fake();
    let env = signed_in(&fake);
    let output = run_within(&mut serve_command(&env, &line), LIMIT);
    assert!(
        output.status.success(),
        "{consumer:?} under serve failed ({}): {}{}",
        output.status,
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(
        stdout(&output)
            .matches("assumed-role/AWSReservedSSO_AdministratorAccess_")
            .count(),
        2,
        "{consumer:?} printed the role's identity twice: {}",
        stdout(&output)
    );
    let seen = fake.caller_identity_keys();
    assert!(!seen.iter().any(|key| key == PLANTED_KEY), "{seen:?}");
    assert_two_calls_the_second_with_newer_keys(consumer, &fake);
}

#[test]
fn boto3_renews_through_the_endpoint() {
    renews_across_two_calls(Consumer::Boto3);
}

#[test]
fn javascript_sdk_renews_through_the_endpoint() {
    renews_across_two_calls(Consumer::JavaScriptSdk);
}

#[test]
fn rust_sdk_renews_through_the_endpoint() {
    renews_across_two_calls(Consumer::RustSdk);
}

fn sh(script: &str) -> Vec<OsString> {
    vec!["sh".into(), "-c".into(), script.into()]
}

#[test]
fn the_command_gets_the_endpoint_and_no_keys_or_profile() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let output = run_within(&mut serve_command(&env, &sh("env")), LIMIT);
    let printed = success(&output);
    let variables: Vec<&str> = printed.lines().collect();
    let value = |name: &str| {
        variables
            .iter()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
    };
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
    ] {
        assert_eq!(value(name), None, "{name} reached the command: {printed}");
    }
    let url = value("AWS_CONTAINER_CREDENTIALS_FULL_URI").expect("the endpoint's URL");
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "loopback by default: {url}"
    );
    let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN").expect("the token");
    assert_eq!(token.len(), 64, "32 random bytes in hex: {token}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    assert_eq!(
        value("AWS_REGION"),
        Some("eu-west-1"),
        "the profile's region"
    );
    assert!(
        !printed.contains(&fake.issued_access_key_ids()[0]),
        "the keys themselves stay out of the environment"
    );
}

#[test]
fn the_command_status_is_passed_on() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let output = run_within(&mut serve_command(&env, &sh("exit 7")), LIMIT);
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    let output = run_within(&mut serve_command(&env, &sh("kill -TERM $$")), LIMIT);
    assert_eq!(
        output.status.code(),
        Some(128 + 15),
        "a command ended by SIGTERM: {}",
        stderr(&output)
    );
}

#[test]
fn a_term_sent_to_grant_reaches_the_command() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    // The command says when it runs, then waits for the signal grant forwards.
    let script = "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 1; done";
    let mut child = serve_command(&env, &sh(script))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    signal(&child, "TERM");
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let output = output_within(child, LIMIT);
    assert_eq!(rest.trim(), "got-term");
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// `grant serve` without a command, its variables read from stdout.
struct Served {
    child: Child,
    url: String,
    token: String,
}

impl Served {
    fn start(env: &TestEnv, extra: &[&str]) -> Served {
        let mut child = env
            .grant()
            .args(["serve", "--profile", "dev"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut exported = |name: &str| {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let prefix = format!("export {name}=");
            line.trim_end()
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{prefix}... expected, got {line:?}"))
                .to_owned()
        };
        let url = exported("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        let token = exported("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        Served { child, url, token }
    }

    fn address(&self) -> String {
        let rest = self.url.strip_prefix("http://").unwrap();
        rest.strip_suffix('/').unwrap().to_owned()
    }

    /// The raw answer to `request`, read to the end (the endpoint closes).
    fn send(&self, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(self.address()).unwrap();
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        stream.write_all(request).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    fn get(&self, authorization: Option<&str>) -> String {
        let header = authorization
            .map(|value| format!("Authorization: {value}\r\n"))
            .unwrap_or_default();
        self.send(format!("GET / HTTP/1.1\r\nHost: x\r\n{header}\r\n").as_bytes())
    }

    /// Stops it as Ctrl-C would, and returns what it wrote.
    fn stop(self) -> Output {
        signal(&self.child, "INT");
        output_within(self.child, LIMIT)
    }
}

fn status_of(answer: &str) -> &str {
    answer.split(' ').nth(1).unwrap_or_default()
}

fn body_of(answer: &str) -> serde_json::Value {
    let (_, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    serde_json::from_str(body).unwrap()
}

#[test]
fn without_a_command_it_prints_the_variables_and_refuses_without_the_token() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let served = Served::start(&env, &[]);
    assert!(
        served.url.starts_with("http://127.0.0.1:"),
        "{}",
        served.url
    );

    let answer = served.get(None);
    assert_eq!(status_of(&answer), "401", "{answer}");
    let answer = served.get(Some("not-the-token"));
    assert_eq!(status_of(&answer), "403", "{answer}");
    let answer = served.get(Some(&format!("Bearer {}", served.token)));
    assert_eq!(
        status_of(&answer),
        "403",
        "the token as it is, as the SDKs send it"
    );

    let answer = served.get(Some(&served.token));
    assert_eq!(status_of(&answer), "200", "{answer}");
    assert!(
        answer.contains("Content-Type: application/json\r\n"),
        "{answer}"
    );
    let body = body_of(&answer);
    assert_eq!(
        body["AccessKeyId"],
        fake.issued_access_key_ids()[0].as_str()
    );
    assert_eq!(body["AccountId"], DEV_ACCOUNT);
    for field in ["SecretAccessKey", "Token", "Expiration"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
    // An hour of life is far outside the window: the next request gets the same keys.
    let again = body_of(&served.get(Some(&served.token)));
    assert_eq!(again["AccessKeyId"], body["AccessKeyId"]);
    assert_eq!(fake.count("GetRoleCredentials"), 1, "fetched once");

    let post = format!(
        "POST / HTTP/1.1\r\nAuthorization: {}\r\nContent-Length: 0\r\n\r\n",
        served.token
    );
    assert_eq!(status_of(&served.send(post.as_bytes())), "405");
    let elsewhere = format!(
        "GET /other HTTP/1.1\r\nAuthorization: {}\r\n\r\n",
        served.token
    );
    assert_eq!(status_of(&served.send(elsewhere.as_bytes())), "404");

    let token = served.token.clone();
    let output = served.stop();
    assert!(
        output.status.success(),
        "ends cleanly when interrupted: {}",
        stderr(&output)
    );
    assert!(
        !stderr(&output).contains(&token),
        "the token is printed once, on stdout: {}",
        stderr(&output)
    );
}

#[test]
fn idle_silent_and_oversized_requests_are_closed() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let served = Served::start(&env, &[]);
    // A socket that sends nothing is closed by the endpoint, not held.
    let mut idle = TcpStream::connect(served.address()).unwrap();
    idle.set_read_timeout(Some(LIMIT)).unwrap();
    let mut answer = Vec::new();
    idle.read_to_end(&mut answer)
        .expect("the endpoint closes an idle socket");
    assert!(answer.is_empty(), "nothing is answered to silence");

    let huge = format!(
        "GET / HTTP/1.1\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    assert_eq!(status_of(&served.send(huge.as_bytes())), "431");
    assert_eq!(
        status_of(&served.send(b"\x16\x03\x01 not http\r\n\r\n")),
        "400"
    );
    // It still serves after all of that.
    assert_eq!(status_of(&served.get(Some(&served.token))), "200");
    served.stop();
}

#[test]
fn binding_beyond_loopback_says_what_the_sdks_accept() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let served = Served::start(&env, &["--bind", "0.0.0.0"]);
    assert!(
        served.url.starts_with("http://127.0.0.1:"),
        "a local program reaches every interface through loopback: {}",
        served.url
    );
    assert_eq!(status_of(&served.get(Some(&served.token))), "200");
    let output = served.stop();
    let said = stderr(&output);
    assert!(said.contains("listening on every interface"), "{said}");
    assert!(said.contains("169.254.170.2"), "the SDKs' rules: {said}");
}

#[test]
fn without_a_sign_in_it_fails_at_once_in_one_line() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(&granted_profile(
        "dev",
        DEV_ACCOUNT,
        DEV_ROLE,
        Process::None,
    ));
    let output = run_within(
        env.grant()
            .args(["serve", "--profile", "dev", "--", "sh", "-c", "exit 0"]),
        LIMIT,
    );
    let error = crate::support::failure(&output);
    assert!(
        error.contains("grant sso login"),
        "says what to run: {error}"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 0);
}

#[test]
fn a_default_profile_with_credentials_is_named_as_coming_first() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let quiet = run_within(&mut serve_command(&env, &sh("exit 0")), LIMIT);
    assert!(!stderr(&quiet).contains("'default'"), "{}", stderr(&quiet));
    env.write_aws_credentials(
        "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
    );
    let warned = run_within(&mut serve_command(&env, &sh("exit 0")), LIMIT);
    assert!(warned.status.success(), "{}", stderr(&warned));
    assert!(
        stderr(&warned).contains("the profile 'default' has aws_access_key_id"),
        "{}",
        stderr(&warned)
    );
}

#[test]
fn an_address_it_cannot_listen_on_is_one_line_before_any_fetch() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    // 192.0.2.1 is TEST-NET-1: never an address of this machine.
    let output = run_within(
        env.grant().args([
            "serve",
            "--profile",
            "dev",
            "--bind",
            "192.0.2.1",
            "--",
            "true",
        ]),
        LIMIT,
    );
    let error = crate::support::failure(&output);
    assert!(error.contains("cannot listen on 192.0.2.1:0"), "{error}");
    assert!(error.contains("--bind"), "says what to change: {error}");
    assert_eq!(fake.count("GetRoleCredentials"), 0);
}

#[test]
fn long_term_keys_are_refused_with_what_to_use_instead() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config("[profile dev]\nregion = eu-west-1\n");
    env.write_aws_credentials(
        "[dev]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
    );
    let output = run_within(
        env.grant()
            .args(["serve", "--profile", "dev", "--", "true"]),
        LIMIT,
    );
    let error = crate::support::failure(&output);
    assert!(error.contains("long-term keys"), "{error}");
    assert!(error.contains("assume -x"), "{error}");
}

#[test]
fn a_renewal_that_fails_is_one_line_and_the_next_request_works() {
    let fake = short_lived_fake();
    let env = signed_in(&fake);
    let served = Served::start(&env, &[]);
    assert_eq!(status_of(&served.get(Some(&served.token))), "200");
    // A minute of life is inside the window: the next request renews, and fails.
    fake.fail("GetRoleCredentials", 403, None);
    let answer = served.get(Some(&served.token));
    assert_eq!(status_of(&answer), "503", "{answer}");
    let message = body_of(&answer)["Message"].as_str().unwrap().to_owned();
    assert!(message.contains("profile 'dev'"), "{message}");
    assert!(!message.contains('\n'), "one line: {message}");
    fake.reset_faults();
    let answer = served.get(Some(&served.token));
    assert_eq!(status_of(&answer), "200", "{answer}");
    assert_eq!(
        body_of(&answer)["AccessKeyId"],
        fake.issued_access_key_ids().last().unwrap().as_str()
    );
    let output = served.stop();
    assert!(
        stderr(&output).contains(&message),
        "the failure is on stderr too: {}",
        stderr(&output)
    );
}

/// Connections another local user holds open: silent ones, and ones that send a
/// byte a second and never finish their head.
struct Hostile {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    tricklers: Vec<std::thread::JoinHandle<()>>,
    _idle: Vec<TcpStream>,
}

impl Hostile {
    fn hold(address: &str, idle: usize, trickling: usize) -> Hostile {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let idle = (0..idle)
            .map(|_| TcpStream::connect(address).unwrap())
            .collect();
        let tricklers = (0..trickling)
            .map(|_| {
                let (address, stop) = (address.to_owned(), stop.clone());
                std::thread::spawn(move || {
                    // Reconnects whenever the endpoint closes it, as an attacker would.
                    while !stop.load(Ordering::SeqCst) {
                        let Ok(mut stream) = TcpStream::connect(&address) else {
                            continue;
                        };
                        for byte in b"GET / HTTP/1.1\r\nX-Slow: ".iter().cycle() {
                            if stop.load(Ordering::SeqCst) || stream.write_all(&[*byte]).is_err() {
                                break;
                            }
                            std::thread::sleep(Duration::from_millis(1000));
                        }
                    }
                })
            })
            .collect();
        Hostile {
            stop,
            tricklers,
            _idle: idle,
        }
    }

    fn release(self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        for trickler in self.tricklers {
            trickler.join().unwrap();
        }
    }
}

/// One GET with the token on a fresh connection, bounded in time; the status line's
/// code, or what went wrong.
fn timed_get(address: &str, token: &str) -> Result<(String, Duration), String> {
    let started = std::time::Instant::now();
    let mut stream = TcpStream::connect(address).map_err(|error| error.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let request = format!("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|error| error.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|error| error.to_string())?;
    Ok((status_of(&answer).to_owned(), started.elapsed()))
}

#[test]
fn a_burst_of_500_requests_beside_another_users_held_sockets_is_all_answered() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let served = Served::start(&env, &[]);
    let address = served.address();
    assert_eq!(status_of(&served.get(Some(&served.token))), "200");

    // 500 at once from the owner: every one answered, none dropped.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(500));
    let burst: Vec<_> = (0..500)
        .map(|_| {
            let (address, token, barrier) =
                (address.clone(), served.token.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                timed_get(&address, &token)
            })
        })
        .collect();
    let answers: Vec<_> = burst.into_iter().map(|t| t.join().unwrap()).collect();
    let failed: Vec<_> = answers
        .iter()
        .filter(|answer| !matches!(answer, Ok((status, _)) if status == "200"))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of 500 not answered 200: {:?}",
        failed.len(),
        failed.first()
    );

    // Another user holds 100 sockets, half silent, half trickling a byte a second;
    // the owner's requests are still answered, each within a second.
    let hostile = Hostile::hold(&address, 50, 50);
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..20 {
        let (status, took) = timed_get(&address, &served.token)
            .unwrap_or_else(|error| panic!("unanswered beside the held sockets: {error}"));
        assert_eq!(status, "200");
        assert!(took < Duration::from_secs(1), "answered in {took:?}");
        std::thread::sleep(Duration::from_millis(150));
    }
    hostile.release();
    assert_eq!(fake.count("GetRoleCredentials"), 1, "all from one fetch");
    served.stop();
}

#[test]
fn a_fifteen_minute_session_is_served_from_memory() {
    let fake = FakeAws::builder()
        .configure(|settings| settings.role_credentials_lifetime = Duration::from_secs(15 * 60))
        .start()
        .unwrap();
    let env = signed_in(&fake);
    let served = Served::start(&env, &[]);
    let first = body_of(&served.get(Some(&served.token)));
    for _ in 0..3 {
        let again = body_of(&served.get(Some(&served.token)));
        assert_eq!(again["AccessKeyId"], first["AccessKeyId"]);
    }
    assert_eq!(
        fake.count("GetRoleCredentials"),
        1,
        "one fetch for four requests"
    );
    served.stop();
}

/// `grant serve --imds -- python sts_consumer.py`: boto3 finds no keys, profile or
/// container endpoint (all planted, all taken away) and gets its credentials from
/// the instance-metadata endpoint, IMDSv2, through AWS_EC2_METADATA_SERVICE_ENDPOINT.
#[test]
fn boto3_gets_credentials_through_imds() {
    gets_credentials_through_imds(Consumer::Boto3);
}

/// The Rust SDK's default chain keeps the endpoint's path too.
#[test]
fn rust_sdk_gets_credentials_through_imds() {
    gets_credentials_through_imds(Consumer::RustSdk);
}

/// The JavaScript SDK keeps only the host and port of the endpoint variable: its
/// default chain is let in as a program of grant's own user.
#[test]
fn javascript_sdk_gets_credentials_through_imds() {
    gets_credentials_through_imds(Consumer::JavaScriptSdk);
}

fn gets_credentials_through_imds(consumer: Consumer) {
    let Some(mut line) = consumer_line(consumer, 1) else {
        return;
    };
    if consumer == Consumer::JavaScriptSdk {
        line.pop(); // "container": the default chain finds IMDS after it
    }
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let mut grant = env.grant();
    grant
        .args(["serve", "--imds", "--profile", "dev", "--"])
        .args(&line)
        .env("AWS_ACCESS_KEY_ID", PLANTED_KEY)
        .env("AWS_SECRET_ACCESS_KEY", "planted-secret")
        .env("AWS_PROFILE", "dev")
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let output = run_within(&mut grant, LIMIT);
    assert!(
        output.status.success(),
        "boto3 under serve --imds failed: {}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("assumed-role/AWSReservedSSO_AdministratorAccess_"),
        "{}",
        stdout(&output)
    );
    let seen = fake.caller_identity_keys();
    assert_eq!(seen.len(), 1);
    assert!(fake.issued_access_key_ids().contains(&seen[0]), "{seen:?}");
}

/// The IMDS endpoint answers only under its secret path, and the credentials only
/// with a session token from `PUT /latest/api/token` (401 without, as IMDSv2).
#[cfg(unix)]
#[test]
fn imds_refuses_requests_without_the_session_token_or_the_secret() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let mut child = env
        .grant()
        .args(["serve", "--profile", "dev", "--imds"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("export AWS_EC2_METADATA_SERVICE_ENDPOINT=")
        .unwrap_or_else(|| panic!("the IMDS variable expected, got {line:?}"))
        .trim_matches('\'')
        .to_owned();
    let rest = url.strip_prefix("http://127.0.0.1:").expect(&url);
    let (port, secret) = rest.split_once('/').unwrap();
    assert_eq!(secret.len(), 65, "a 64-digit secret and a slash: {url}");
    let send = |request: String| {
        let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    let creds = format!("/{secret}latest/meta-data/iam/security-credentials/grant");
    let get = |path: &str, token: &str| {
        send(format!(
            "GET {path} HTTP/1.1\r\nHost: x\r\nX-aws-ec2-metadata-token: {token}\r\n\r\n"
        ))
    };
    let put = |path: &str| {
        send(format!(
            "PUT {path} HTTP/1.1\r\nHost: x\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n"
        ))
    };
    let no_token = send(format!("GET {creds} HTTP/1.1\r\nHost: x\r\n\r\n"));
    assert_eq!(status_of(&no_token), "401", "{no_token}");
    assert_eq!(status_of(&get(&creds, "made-up")), "401");
    let granted = put(&format!("/{secret}latest/api/token"));
    assert_eq!(status_of(&granted), "200", "{granted}");
    let session = granted.split_once("\r\n\r\n").unwrap().1.to_owned();
    // Without the secret, a program of this user is let in (the JavaScript SDK
    // drops the path) and another user's gets nothing.
    let plain = "/latest/meta-data/iam/security-credentials/grant";
    assert_eq!(status_of(&get(plain, &session)), "200");
    assert_eq!(status_of(&put("/latest/api/token")), "200");
    if rustix::process::geteuid().is_root() {
        let another_user = |method: &str, path: &str| {
            let script = "import socket, sys\n\
                s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n\
                s.sendall(sys.argv[2].encode())\n\
                print(s.recv(64).decode().split()[1])\n";
            let request = format!(
                "{method} {path} HTTP/1.1\r\nHost: x\r\nX-aws-ec2-metadata-token: {session}\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n"
            );
            let output = Command::new("python3")
                .args(["-c", script, port, &request])
                .uid(65534)
                .gid(65534)
                .output()
                .unwrap();
            success(&output).trim().to_owned()
        };
        assert_eq!(another_user("PUT", "/latest/api/token"), "404");
        assert_eq!(another_user("GET", plain), "404");
        assert_eq!(
            another_user("GET", &creds),
            "200",
            "with the secret, whoever has it is served"
        );
    }
    let answer = get(&creds, &session);
    assert_eq!(status_of(&answer), "200", "{answer}");
    let body = body_of(&answer);
    assert_eq!(body["Code"], "Success");
    assert_eq!(body["Type"], "AWS-HMAC");
    assert!(
        fake.issued_access_key_ids()
            .contains(&body["AccessKeyId"].as_str().unwrap().to_owned())
    );
    assert!(body["Token"].is_string() && body["Expiration"].is_string());
    signal(&child, "INT");
    output_within(child, LIMIT);

    let beyond = env.run(&["serve", "--profile", "dev", "--imds", "--bind", "0.0.0.0"]);
    assert!(!beyond.status.success());
    assert!(stderr(&beyond).contains("loopback"), "{}", stderr(&beyond));
}
