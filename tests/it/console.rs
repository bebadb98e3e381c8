//! `grant console` and `assume -c` against the fake's federation endpoint: the
//! sign-in URL (`--url`), its destination for services, regions and partitions,
//! role chains, what cannot sign in, the browser's command line (a Firefox
//! container, a Chromium profile per AWS profile) with hostile profile names, and
//! a real headless Chromium that follows the URL to the fake's login.

use std::io::{Read, Write};
use std::process::Output;
use std::time::Duration;
#[cfg(unix)]
use std::{
    path::{Path, PathBuf},
    time::Instant,
};

use fake_aws::FakeAws;

use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile};
#[cfg(unix)]
use crate::support::tool_is_installed;
use crate::support::{TestEnv, failure, stderr, success};

const DEPLOY: &str = "[profile deploy]\nrole_arn = arn:aws:iam::222222222222:role/Deployer\nsource_profile = dev\nregion = eu-central-1\n\n";

fn world(fake: &FakeAws, extra: &str) -> TestEnv {
    let mut config = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::None);
    config.push_str(extra);
    fixtures::signed_in(fake, &config, Forget::Recordings)
}

/// `grant ARGS` with the federation endpoint at the fake.
fn console(env: &TestEnv, fake: &FakeAws, args: &[&str]) -> Output {
    env.grant()
        .env("AWS_ENDPOINT_URL_SIGNIN", fake.url())
        .args(args)
        .output()
        .unwrap()
}

/// The query of a URL, decoded.
fn query(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

pub(crate) fn param(url: &str, name: &str) -> String {
    query(url)
        .into_iter()
        .find(|(key, _)| key == name)
        .unwrap_or_else(|| panic!("no {name} in {url}"))
        .1
}

/// The sign-in URL `grant console --url` printed, checked to be one line at the
/// fake's federation endpoint.
fn sign_in_url(output: &Output) -> String {
    let out = success(output);
    let url = out.trim_end();
    assert!(!url.contains('\n'), "one line: {out}");
    url.to_owned()
}

/// What a browser does with the URL, in plain HTTP/1.0: the status and body.
pub(crate) fn follow(url: &str) -> (u16, String) {
    let parsed = url::Url::parse(url).unwrap();
    let address = format!("{}:{}", parsed.host_str().unwrap(), parsed.port().unwrap());
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let target = &parsed[url::Position::BeforePath..];
    write!(
        stream,
        "GET {target} HTTP/1.0\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

#[test]
fn url_signs_in_as_the_sso_role_at_the_service_of_the_profiles_region() {
    let fake = FakeAws::start();
    let env = world(&fake, "");
    let url = sign_in_url(&console(
        &env,
        &fake,
        &["console", "dev", "-s", "s3", "--url"],
    ));
    assert!(
        url.starts_with(&format!("{}/federation?Action=login&", fake.url())),
        "{url}"
    );
    let destination = "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1";
    assert_eq!(param(&url, "Destination"), destination);
    assert_eq!(fake.count("GetSigninToken"), 1);
    assert_eq!(fake.count("GetRoleCredentials"), 1);

    let (status, page) = follow(&url);
    assert_eq!(status, 200, "{page}");
    let logins = fake.console_logins();
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].destination, destination);
    assert!(
        logins[0].arn.starts_with(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_"
        ),
        "{}",
        logins[0].arn
    );
    assert_eq!(
        fake.issued_access_key_ids(),
        [logins[0].access_key_id.clone()]
    );

    // A second console comes from the cached credentials, with a new sign-in token.
    let again = sign_in_url(&console(&env, &fake, &["console", "dev", "--url"]));
    assert_ne!(param(&again, "SigninToken"), param(&url, "SigninToken"));
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    assert_eq!(
        param(&again, "Destination"),
        "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
    );
}

#[test]
fn regions_global_services_and_explicit_destinations() {
    let fake = FakeAws::start();
    let env = world(&fake, "");
    let destination = |args: &[&str]| {
        let mut all = vec!["console", "dev", "--url"];
        all.extend_from_slice(args);
        param(&sign_in_url(&console(&env, &fake, &all)), "Destination")
    };
    assert_eq!(
        destination(&["-s", "lambda", "-r", "ap-southeast-2"]),
        "https://ap-southeast-2.console.aws.amazon.com/lambda/home?region=ap-southeast-2"
    );
    assert_eq!(
        destination(&["-s", "logs"]),
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups"
    );
    assert_eq!(
        destination(&["-s", "iam"]),
        "https://console.aws.amazon.com/iam/home"
    );
    assert_eq!(
        destination(&["-r", "us-east-1", "-s", "ec2"]),
        "https://console.aws.amazon.com/ec2/home?region=us-east-1"
    );
    let explicit = "https://eu-west-1.console.aws.amazon.com/s3/buckets/my-bucket?region=eu-west-1&tab=objects";
    assert_eq!(destination(&["--destination", explicit]), explicit);
}

#[test]
fn wrong_destinations_services_and_regions_fail_before_any_request() {
    let fake = FakeAws::start();
    let env = world(&fake, "");
    for (args, expected) in [
        (
            vec![
                "--destination",
                "https://evil.example/console.aws.amazon.com",
            ],
            "--destination must be on the console",
        ),
        (
            vec!["--destination", "http://console.aws.amazon.com/"],
            "--destination must be an https:// URL",
        ),
        (
            vec![
                "-r",
                "cn-north-1",
                "--destination",
                "https://console.aws.amazon.com/",
            ],
            "aws-cn partition",
        ),
        (
            vec!["-s", "nosuchservice"],
            "unknown console service 'nosuchservice'",
        ),
        (vec!["-r", "evil.example/x"], "is not an AWS region"),
    ] {
        let mut all = vec!["console", "dev", "--url"];
        all.extend_from_slice(&args);
        let message = failure(&console(&env, &fake, &all));
        assert!(message.contains(expected), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    }
    let message = failure(&console(
        &env,
        &fake,
        &["console", "dev", "-s", "nope", "--url"],
    ));
    assert!(
        message.contains("s3") && message.contains("lambda"),
        "{message}"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 0);
    assert_eq!(fake.count("GetSigninToken"), 0);
}

#[test]
fn role_chains_sign_in_as_the_assumed_role() {
    let fake = FakeAws::start();
    let env = world(&fake, DEPLOY);
    let url = sign_in_url(&console(
        &env,
        &fake,
        &["console", "deploy", "-s", "cloudformation", "--url"],
    ));
    assert_eq!(
        param(&url, "Destination"),
        "https://eu-central-1.console.aws.amazon.com/cloudformation/home?region=eu-central-1"
    );
    assert_eq!(follow(&url).0, 200);
    let logins = fake.console_logins();
    assert!(
        logins[0]
            .arn
            .starts_with("arn:aws:sts::222222222222:assumed-role/Deployer/"),
        "{}",
        logins[0].arn
    );
    assert_eq!(fake.assume_role_calls().len(), 1);
}

#[test]
fn partitions_get_their_console_and_only_the_endpoint_base_moves() {
    let fake = FakeAws::start();
    let china = granted_profile("china", DEV_ACCOUNT, DEV_ROLE, Process::None)
        .replace("region = eu-west-1\n", "region = cn-north-1\n")
        .replace(
            "granted_sso_region = cn-north-1",
            "granted_sso_region = eu-west-1",
        );
    let gov = granted_profile("gov", DEV_ACCOUNT, DEV_ROLE, Process::None)
        .replace("region = eu-west-1\n", "region = us-gov-west-1\n")
        .replace(
            "granted_sso_region = us-gov-west-1",
            "granted_sso_region = eu-west-1",
        );
    let env = world(&fake, &format!("{china}{gov}"));
    let destination = |args: &[&str]| {
        let url = sign_in_url(&console(&env, &fake, args));
        assert!(
            url.starts_with(&format!("{}/federation?", fake.url())),
            "{url}"
        );
        param(&url, "Destination")
    };
    assert_eq!(
        destination(&["console", "china", "--url", "-s", "ec2"]),
        "https://console.amazonaws.cn/ec2/home?region=cn-north-1"
    );
    assert_eq!(
        destination(&["console", "china", "--url", "-r", "cn-northwest-1"]),
        "https://cn-northwest-1.console.amazonaws.cn/console/home?region=cn-northwest-1"
    );
    assert_eq!(
        destination(&["console", "gov", "--url", "-s", "s3"]),
        "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1"
    );
    assert_eq!(
        destination(&[
            "console",
            "gov",
            "--url",
            "--destination",
            "https://console.amazonaws-us-gov.com/iam/home"
        ]),
        "https://console.amazonaws-us-gov.com/iam/home"
    );
}

#[test]
fn the_european_sovereign_cloud_from_the_sdks_partition_data() {
    let fake = FakeAws::start();
    let env = world(
        &fake,
        "[profile sovereign]\nrole_arn = arn:aws-eusc:iam::222222222222:role/Deployer\nsource_profile = dev\nregion = eusc-de-east-1\n",
    );
    // STS is called in the profile's region; its endpoint is the SDK's for it.
    let out = env
        .grant()
        .args(["credential-process", "--profile", "sovereign", "--debug"])
        .output()
        .unwrap();
    let log = stderr(&out);
    assert!(out.status.success(), "{log}");
    assert!(
        log.contains(
            "region eusc-de-east-1; the SDK's own: https://sts.eusc-de-east-1.amazonaws.eu"
        ),
        "{log}"
    );
    assert!(
        log.contains("AssumeRole arn:aws-eusc:iam::222222222222:role/Deployer in eusc-de-east-1"),
        "{log}"
    );
    let url = sign_in_url(&console(
        &env,
        &fake,
        &["console", "sovereign", "-s", "s3", "--url"],
    ));
    assert_eq!(
        param(&url, "Destination"),
        "https://console.amazonaws-eusc.eu/s3/home?region=eusc-de-east-1"
    );
    let wrong = failure(&console(
        &env,
        &fake,
        &[
            "console",
            "sovereign",
            "--url",
            "--destination",
            "https://console.aws.amazon.com/s3/home",
        ],
    ));
    assert!(
        wrong.contains("console of the aws-eusc partition (console.amazonaws-eusc.eu"),
        "{wrong}"
    );
}

/// Follows a sign-in URL and returns whose console it opened.
pub(crate) fn signed_in_arn(fake: &FakeAws, url: &str) -> String {
    let (status, page) = follow(url);
    assert_eq!(status, 200, "{page}");
    fake.console_logins().last().unwrap().arn.clone()
}

#[test]
fn static_keys_sign_in_as_a_federated_user_of_the_same_account() {
    let fake = FakeAws::start();
    fake.register_static_key(
        "AKIAFAKESTATIC000001",
        "static-secret-of-the-test-0123456789",
        "333333333333",
        "alice",
    );
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config("[profile alice]\nregion = eu-west-1\n");
    env.write_aws_credentials("[alice]\naws_access_key_id = AKIAFAKESTATIC000001\naws_secret_access_key = static-secret-of-the-test-0123456789\n");
    let url = sign_in_url(&console(&env, &fake, &["console", "alice", "--url"]));
    assert_eq!(fake.count("GetFederationToken"), 1);
    assert_eq!(
        signed_in_arn(&fake, &url),
        "arn:aws:sts::333333333333:federated-user/alice"
    );
}

#[test]
fn iam_users_of_grants_store_sign_in_through_get_federation_token() {
    let fake = FakeAws::start();
    let (id, secret) = fake.create_iam_user("444444444444", "bob");
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config("[profile bob]\nregion = eu-west-1\n");
    success(
        &env.grant()
            .args(["credentials", "add", "bob", "--env"])
            .env("AWS_ACCESS_KEY_ID", &id)
            .env("AWS_SECRET_ACCESS_KEY", &secret)
            .output()
            .unwrap(),
    );
    let url = sign_in_url(&console(
        &env,
        &fake,
        &["console", "bob", "-s", "ec2", "--url"],
    ));
    assert_eq!(fake.count("GetFederationToken"), 1);
    assert_eq!(
        fake.count("GetSessionToken"),
        0,
        "the console needs no session of its own"
    );
    assert_eq!(
        signed_in_arn(&fake, &url),
        "arn:aws:sts::444444444444:federated-user/bob"
    );
    assert_eq!(
        param(&url, "Destination"),
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1"
    );

    // The session credential-process serves (GetSessionToken) is refused by the
    // federation endpoint, as by AWS: that is why the console takes the other way.
    let keys = fixtures::json(&fixtures::credential_process(&env, "bob", &[]));
    let session = serde_json::json!({
        "sessionId": keys["AccessKeyId"],
        "sessionKey": keys["SecretAccessKey"],
        "sessionToken": keys["SessionToken"],
    })
    .to_string();
    let (status, body) = federation(
        &fake,
        &[("Action", "getSigninToken"), ("Session", &session)],
    );
    assert_eq!(status, 400, "{body}");
}

#[test]
fn an_iam_user_profile_without_its_key_in_the_store_says_how_to_add_it() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(
        "[profile carol]\nregion = eu-west-1\ngrant_iam_user = true\ncredential_process = grant credential-process --profile carol\n",
    );
    let message = failure(&console(&env, &fake, &["console", "carol", "--url"]));
    assert!(message.contains("grant credentials add carol"), "{message}");
    assert_eq!(message.trim_end().lines().count(), 1);
    assert_eq!(fake.count("GetFederationToken"), 0);
}

#[test]
fn the_profile_comes_from_grant_profile_then_aws_profile() {
    let fake = FakeAws::start();
    let env = world(&fake, DEPLOY);
    let url = |variable: &str, value: &str| {
        let output = env
            .grant()
            .env("AWS_ENDPOINT_URL_SIGNIN", fake.url())
            .env(variable, value)
            .args(["console", "--url"])
            .output()
            .unwrap();
        param(&sign_in_url(&output), "Destination")
    };
    assert!(url("GRANT_PROFILE", "deploy").contains("eu-central-1"));
    assert!(url("AWS_PROFILE", "dev").contains("eu-west-1"));
    let message = failure(&console(&env, &fake, &["console", "--url"]));
    assert!(message.contains("give a profile"), "{message}");
}

#[test]
fn a_failing_federation_endpoint_is_one_line() {
    let fake = FakeAws::start();
    let env = world(&fake, "");
    fake.fail("GetSigninToken", 500, Some(1));
    let message = failure(&console(&env, &fake, &["console", "dev", "--url"]));
    assert!(
        message.contains("HTTP 500") && message.contains("profile 'dev'"),
        "{message}"
    );
    assert_eq!(message.trim_end().lines().count(), 1);
    let nowhere = env
        .grant()
        .env("AWS_ENDPOINT_URL_SIGNIN", "http://192.0.2.1:9")
        .args(["console", "dev", "--url"])
        .output()
        .unwrap();
    let message = failure(&nowhere);
    assert!(
        message.contains("AWS_ENDPOINT_URL_SIGNIN must be an https:// URL"),
        "{message}"
    );
}

/// A browser stand-in (`python/console_browser.py`): loads the URL it gets as a
/// browser would, then writes each argument on a line of `record`, the redirect it
/// got to `record.location` and its /proc cmdline and environ to `record.proc`.
#[cfg(unix)]
fn recording_browser(env: &TestEnv, record: &Path) -> PathBuf {
    let script = env.home.join("record-browser");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh
FAKE_CONSOLE_RECORD='{}' exec '{}' \"$@\"\n",
            record.display(),
            crate::support::python_script("console_browser.py").display()
        ),
    )
    .unwrap();
    make_executable(&script);
    // The records hold the sign-in URL, as a browser's history would.
    for written in ["", ".location", ".proc"] {
        env.written_by_the_test(&PathBuf::from(format!("{}{written}", record.display())));
    }
    script
}

/// The URL the browser was redirected to.
#[cfg(unix)]
fn location(record: &Path) -> String {
    std::fs::read_to_string(format!("{}.location", record.display())).unwrap()
}

#[cfg(unix)]
fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).unwrap();
}

/// Waits for a file the browser writes after grant has started it and exited.
#[cfg(unix)]
fn wait_for(path: &Path, limit: Duration) -> String {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{} did not appear within {limit:?}", path.display());
}

/// `grant ARGS` where a browser may be opened (CI=true never opens one).
#[cfg(unix)]
fn console_in_browser(env: &TestEnv, fake: &FakeAws, args: &[&str]) -> Output {
    env.grant()
        .env("AWS_ENDPOINT_URL_SIGNIN", fake.url())
        .env("CI", "false")
        .args(args)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn firefox_containers_carry_the_profile_and_the_url_encoded() {
    let fake = FakeAws::start();
    let hostile = "a%26url%3Djavascript:alert%281%29+@x";
    let env = world(
        &fake,
        &granted_profile(hostile, DEV_ACCOUNT, DEV_ROLE, Process::None),
    );
    let record = env.home.join("browser-args");
    let browser = recording_browser(&env, &record);
    env.set_setting("CustomBrowserPath", browser.to_str().unwrap());
    env.set_setting("ConsoleBrowserIsolation", "firefox-containers");
    let output = console_in_browser(&env, &fake, &["console", hostile, "-s", "sqs"]);
    assert!(
        stderr(&output).contains("opened the console"),
        "{}",
        stderr(&output)
    );
    success(&output);
    let args = wait_for(&record, Duration::from_secs(60));
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args.len(), 1, "{args:?}");
    let target = args[0];
    let rest = target.strip_prefix("ext+granted-containers:").unwrap();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(rest.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(pairs[0], ("name".to_owned(), hostile.to_owned()));
    assert_eq!(pairs[1].0, "url");
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert!(pairs[1].1.starts_with("http://127.0.0.1:"), "{pairs:?}");
    let sign_in = location(&record);
    assert_eq!(
        param(&sign_in, "Destination"),
        "https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1"
    );
    assert_eq!(follow(&sign_in).0, 200);
    assert_eq!(fake.console_logins().len(), 1);
}

#[cfg(unix)]
#[test]
fn chromium_profiles_are_folders_of_grant_named_safely() {
    let fake = FakeAws::start();
    let hostile = "../../--disable-web-security";
    let env = world(
        &fake,
        &granted_profile(hostile, DEV_ACCOUNT, DEV_ROLE, Process::None),
    );
    let record = env.home.join("browser-args");
    let browser = recording_browser(&env, &record);
    env.set_setting("CustomBrowserPath", browser.to_str().unwrap());
    env.set_setting("ConsoleBrowserIsolation", "chromium-profiles");
    success(&console_in_browser(&env, &fake, &["console", hostile]));
    let recorded = wait_for(&record, Duration::from_secs(60));
    let args: Vec<&str> = recorded.lines().collect();
    let folder = args[0].strip_prefix("--user-data-dir=").unwrap();
    let folder = Path::new(folder);
    assert_eq!(
        folder.parent().unwrap(),
        env.state_dir.join("browser-profiles")
    );
    let name = folder.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("______--disable-web-security-"), "{name}");
    assert!(
        folder.is_dir(),
        "grant creates the folder (0700) before the browser starts"
    );
    assert_eq!(
        &args[1..3],
        ["--no-first-run", "--no-default-browser-check"]
    );
    assert_eq!(args.len(), 4, "{args:?}");
    assert!(args[3].starts_with("http://127.0.0.1:"), "{args:?}");
    assert!(location(&record).starts_with(&format!("{}/federation?Action=login&", fake.url())));

    // Another profile gets another folder; the same profile the same one.
    fake.reset();
    success(&console_in_browser(&env, &fake, &["console", "dev"]));
    let second = wait_for_change(&record, &recorded);
    assert!(second.starts_with(&format!(
        "--user-data-dir={}",
        env.state_dir.join("browser-profiles/dev-").display()
    )));
}

/// Waits until the browser stand-in has written a record other than `before`.
#[cfg(unix)]
fn wait_for_change(record: &Path, before: &str) -> String {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let now = std::fs::read_to_string(record).unwrap_or_default();
        if !now.is_empty() && now != before {
            return now;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the browser was not started again");
}

#[test]
fn without_a_browser_it_says_how_to_print_the_url() {
    let fake = FakeAws::start();
    let env = world(&fake, "");
    let message = failure(&console(&env, &fake, &["console", "dev"]));
    assert!(message.contains("grant console dev --url"), "{message}");
    assert_eq!(
        fake.count("GetSigninToken"),
        0,
        "nothing is fetched for nothing"
    );
    env.set_setting("DefaultBrowser", "STDOUT");
    let url = sign_in_url(&console(&env, &fake, &["console", "dev"]));
    assert!(url.contains("Action=login"), "{url}");
}

#[test]
fn assume_c_opens_the_console_and_the_shell_function_runs_it_directly() {
    let fake = FakeAws::start();
    let env = world(&fake, "");
    let url = sign_in_url(&console(
        &env,
        &fake,
        &["assume", "-c", "dev", "-s", "ecs", "--url"],
    ));
    assert_eq!(
        param(&url, "Destination"),
        "https://eu-west-1.console.aws.amazon.com/ecs/home?region=eu-west-1"
    );
    let message = failure(&console(&env, &fake, &["assume", "dev", "-s", "ecs"]));
    assert!(message.contains("add -c"), "{message}");
    let message = failure(&console(
        &env,
        &fake,
        &["assume", "--shell", "bash", "-c", "dev", "--url"],
    ));
    assert!(message.contains("writes to the terminal"), "{message}");

    // In every shell, the assume function runs `assume -c` as it is: the URL is
    // printed, not evaluated.
    for real in [crate::shells::BASH, crate::shells::ZSH, crate::shells::FISH] {
        if !real.is_installed() {
            continue;
        }
        let printed = env.home.join(format!("url-{}.txt", real.program));
        env.written_by_the_test(&printed);
        let status = match real.shell {
            grant::testing::shell::Shell::Fish => "$status",
            _ => "$?",
        };
        let script = format!(
            "{}\nassume -c dev --url > {}\necho status={status}\n",
            crate::shells::init_line(&real),
            printed.display()
        );
        let output = env
            .shell(real.program)
            .env("AWS_ENDPOINT_URL_SIGNIN", fake.url())
            .args(real.options)
            .args(["-c", &script])
            .output()
            .unwrap();
        assert!(
            success(&output).contains("status=0"),
            "{}: {}",
            real.program,
            stderr(&output)
        );
        let printed = std::fs::read_to_string(&printed).unwrap();
        assert!(
            printed.starts_with(&format!("{}/federation?Action=login&", fake.url())),
            "{}: {printed}",
            real.program
        );
    }
}

#[cfg(unix)]
#[test]
fn a_real_headless_chromium_reaches_the_login_with_its_own_profile() {
    if !tool_is_installed("chromium", "chromium") {
        return;
    }
    let fake = FakeAws::start();
    let env = world(&fake, "");
    let dom = env.home.join("dom.html");
    let wrapper = env.home.join("headless-chromium");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nchromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --dump-dom \"$@\" > '{0}.tmp' 2> '{1}'\nmv '{0}.tmp' '{0}'\n",
            dom.display(),
            env.home.join("chromium.log").display()
        ),
    )
    .unwrap();
    make_executable(&wrapper);
    env.set_setting("CustomBrowserPath", wrapper.to_str().unwrap());
    env.set_setting("ConsoleBrowserIsolation", "chromium-profiles");
    success(&console_in_browser(
        &env,
        &fake,
        &["console", "dev", "-s", "kms"],
    ));
    let page = wait_for(&dom, Duration::from_secs(180));
    let profiles = env.state_dir.join("browser-profiles");
    // The browser's own files (its history holds the URL, as any browser's does).
    env.written_by_the_test(&profiles);
    let log = std::fs::read_to_string(env.home.join("chromium.log")).unwrap_or_default();
    assert!(
        page.contains("Signed in to the fake AWS console"),
        "{page}\n{log}"
    );
    let destination = "https://eu-west-1.console.aws.amazon.com/kms/home?region=eu-west-1";
    assert!(page.contains(destination), "{page}");
    let logins = fake.console_logins();
    assert_eq!(logins.len(), 1, "{logins:?}");
    assert_eq!(logins[0].destination, destination);
    let used: Vec<_> = std::fs::read_dir(&profiles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(used.len(), 1, "{used:?}");
    assert!(
        std::fs::read_dir(&used[0]).unwrap().next().is_some(),
        "Chromium used the profile folder grant gave it"
    );
}

#[test]
fn the_isolation_setting_is_checked_like_the_others() {
    let env = TestEnv::new();
    env.set_setting("ConsoleBrowserIsolation", "Chromium-Profiles");
    assert_eq!(
        success(&env.run(&["settings", "get", "ConsoleBrowserIsolation"])).trim(),
        "chromium-profiles"
    );
    let message = failure(&env.run(&[
        "settings",
        "set",
        "--setting",
        "ConsoleBrowserIsolation",
        "--value",
        "tabs",
    ]));
    assert!(
        message.contains("one of auto, off, firefox-containers, chromium-profiles"),
        "{message}"
    );
}

/// `GET /federation?QUERY` at the fake.
fn federation(fake: &FakeAws, pairs: &[(&str, &str)]) -> (u16, String) {
    let url = url::Url::parse_with_params(&format!("{}/federation", fake.url()), pairs).unwrap();
    follow(url.as_str())
}

#[test]
fn the_fakes_federation_endpoint_accepts_only_what_it_issued() {
    let fake = FakeAws::start();
    let env = world(&fake, "");
    let keys = fixtures::json(&fixtures::credential_process(&env, "dev", &[]));
    let session = |id: &str, key: &str, token: &str| {
        serde_json::json!({"sessionId": id, "sessionKey": key, "sessionToken": token}).to_string()
    };
    let id = keys["AccessKeyId"].as_str().unwrap();
    let secret = keys["SecretAccessKey"].as_str().unwrap();
    let token = keys["SessionToken"].as_str().unwrap();
    let good = session(id, secret, token);
    for (pairs, why) in [
        (
            vec![
                ("Action", "getSigninToken"),
                ("Session", session(id, "wrong", token).as_str()),
            ],
            "wrong secret",
        ),
        (
            vec![
                ("Action", "getSigninToken"),
                ("Session", session(id, secret, "wrong").as_str()),
            ],
            "wrong token",
        ),
        (
            vec![
                ("Action", "getSigninToken"),
                ("Session", session("ASIANOTISSUED", secret, token).as_str()),
            ],
            "unknown key",
        ),
        (
            vec![("Action", "getSigninToken"), ("Session", "{not json")],
            "not JSON",
        ),
        (vec![("Action", "getSigninToken")], "no Session"),
        (
            vec![
                ("Action", "getSigninToken"),
                ("Session", good.as_str()),
                ("SessionDuration", "3600"),
            ],
            "SessionDuration",
        ),
        (
            vec![
                ("Action", "login"),
                ("SigninToken", "fstNOTISSUED"),
                ("Destination", "https://console.aws.amazon.com/"),
            ],
            "unknown token",
        ),
        (vec![("Action", "other")], "unknown action"),
    ] {
        assert_eq!(federation(&fake, &pairs).0, 400, "{why}");
    }
    let (status, body) = federation(&fake, &[("Action", "getSigninToken"), ("Session", &good)]);
    assert_eq!(status, 200, "{body}");
    let signin: serde_json::Value = serde_json::from_str(&body).unwrap();
    let signin = signin["SigninToken"].as_str().unwrap();
    let login = [("Action", "login"), ("SigninToken", signin)];
    assert_eq!(federation(&fake, &login).0, 400, "no Destination");
    let (status, page) = federation(
        &fake,
        &[
            login[0],
            login[1],
            ("Destination", "https://console.aws.amazon.com/<b>"),
        ],
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("https://console.aws.amazon.com/&lt;b&gt;"),
        "{page}"
    );
    assert_eq!(fake.console_logins().len(), 1);
    let (status, recorded) = follow(&format!("{}/_fake/console-logins", fake.url()));
    assert_eq!(status, 200);
    let recorded: serde_json::Value = serde_json::from_str(&recorded).unwrap();
    assert_eq!(
        recorded[0]["destination"],
        "https://console.aws.amazon.com/<b>"
    );
    assert_eq!(recorded[0]["access_key_id"], id);
    assert_eq!(fake.count("GetSigninToken"), 7);
    assert_eq!(fake.count("ConsoleLogin"), 3);
}

/// No local user can read the console session off the browser: its command line
/// and environment (what /proc shows) hold neither the sign-in token nor the keys
/// of grant's caller, in every kind of launch; the token reaches the browser only
/// through the one-shot loopback redirect, which answers once.
#[cfg(unix)]
#[test]
fn the_sign_in_token_is_in_no_browser_command_line_or_environment() {
    let fake = FakeAws::start();
    let env = world(&fake, "");
    let record = env.home.join("browser-args");
    let browser = recording_browser(&env, &record);
    env.set_setting("CustomBrowserPath", browser.to_str().unwrap());
    for isolation in ["off", "firefox-containers", "chromium-profiles"] {
        env.set_setting("ConsoleBrowserIsolation", isolation);
        let _ = std::fs::remove_file(&record);
        let output = env
            .grant()
            .env("AWS_ENDPOINT_URL_SIGNIN", fake.url())
            .env("CI", "false")
            .env("AWS_SECRET_ACCESS_KEY", "callers-secret-key-value")
            .args(["console", "dev"])
            .output()
            .unwrap();
        success(&output);
        let args = wait_for(&record, Duration::from_secs(60));
        let proc = std::fs::read(format!("{}.proc", record.display())).unwrap();
        let proc = String::from_utf8_lossy(&proc);
        let sign_in = location(&record);
        let token = param(&sign_in, "SigninToken");
        assert!(token.len() > 20, "{isolation}: {sign_in}");
        for seen in [&args, &proc.to_string()] {
            assert!(!seen.contains(&token), "{isolation}: the token in {seen}");
            assert!(!seen.contains("SigninToken"), "{isolation}: {seen}");
            assert!(!seen.contains("callers-secret-key-value"), "{isolation}");
        }
        assert_eq!(follow(&sign_in).0, 200, "{isolation}");
        // Answered once: the listener is closed.
        let handed = args.lines().last().unwrap();
        let handed = match handed.strip_prefix("ext+granted-containers:") {
            Some(rest) => url::form_urlencoded::parse(rest.as_bytes())
                .find(|(name, _)| name == "url")
                .unwrap()
                .1
                .into_owned(),
            None => handed.to_owned(),
        };
        let address = handed
            .strip_prefix("http://")
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        assert!(
            std::net::TcpStream::connect(address).is_err(),
            "{isolation}: still open"
        );
    }
}
