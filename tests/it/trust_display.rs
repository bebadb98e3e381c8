//! What a server says stays data: hostile sign-in URLs are shown, escaped, and never
//! handed to a browser; escape sequences in user codes and service messages never
//! reach the terminal; forged or idle connections to the sign-in listener do not
//! end or block the sign-in.

use std::time::{Duration, Instant};
#[cfg(unix)]
use std::{
    path::{Path, PathBuf},
    process::Output,
};

use fake_aws::{DeviceAuthorizationOverride, FakeAws};

use crate::support::fixtures::START_URL;
use crate::support::{
    TestEnv, failure, python_script, run_within, script_is_installed, stderr, success,
};

/// A user code carrying an OSC title change, a screen clear and a C1 CSI.
const HOSTILE_CODE: &str = "\x1b]0;pwned\x07ABCD\x1b[2J-EFGH\u{9b}31m";
/// [`HOSTILE_CODE`] as grant shows it.
const HOSTILE_CODE_SHOWN: &str = "\\x1b]0;pwned\\x07ABCD\\x1b[2J-EFGH\\u{9b}31m";

#[cfg(unix)]
const HOSTILE_URLS: &[&str] = &[
    "javascript:alert(1)",
    "file:///etc/passwd",
    "http://evil.example/device",
    "--user-data-dir=/tmp/x https://evil.example/",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/\x1b]0;pwned\x07",
];

/// A browser program that appends each argument it gets, one a line, to `browser.log`.
#[cfg(unix)]
fn recording_browser(env: &TestEnv) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let log = env.tmp_dir.join("browser.log");
    let script = env.tmp_dir.join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nfor arg in \"$@\"; do printf '%s\\n' \"$arg\" >> '{}'; done\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.set_setting("CustomBrowserPath", script.to_str().unwrap());
    log
}

fn answer_with(fake: &FakeAws, url: Option<&str>, code: Option<&str>) {
    let replaced = DeviceAuthorizationOverride {
        verification_uri: url.map(str::to_owned),
        verification_uri_complete: url.map(str::to_owned),
        user_code: code.map(str::to_owned),
    };
    fake.configure(|settings| settings.device_authorization_override = Some(replaced));
}

fn login_args() -> Vec<&'static str> {
    vec![
        "sso",
        "login",
        "--start-url",
        START_URL,
        "--region",
        "eu-west-1",
        "--use-device-code",
        "--force",
    ]
}

/// `grant sso login` with the device code, CI unset so the configured browser may run.
#[cfg(unix)]
fn device_login(env: &TestEnv) -> Output {
    let mut command = env.grant();
    command.env_remove("CI").args(login_args());
    run_within(&mut command, Duration::from_secs(30))
}

/// Fails on anything a terminal would act on: ESC, BEL, other C0 controls but
/// newline and carriage return, DEL, and C1 controls.
#[track_caller]
fn assert_no_terminal_controls(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).expect("UTF-8 output");
    let control = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\n' | '\r'));
    assert!(
        control.is_none(),
        "{what} carries the control {control:?}: {text:?}"
    );
}

/// Waits for `path` to hold a line, as the browser runs on its own.
#[cfg(unix)]
fn wait_for_lines(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.ends_with('\n') || Instant::now() > deadline {
            return text;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn hostile_sign_in_urls_are_shown_escaped_and_never_opened() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    let log = recording_browser(&env);
    for url in HOSTILE_URLS {
        answer_with(&fake, Some(url), Some(HOSTILE_CODE));
        let out = device_login(&env);
        let err = stderr(&out);
        assert!(out.status.success(), "{url:?}: {err}");
        assert_no_terminal_controls("stderr", &out.stderr);
        let shown_url = url.replace('\x1b', "\\x1b").replace('\x07', "\\x07");
        assert!(err.contains(&format!("open: {shown_url}\n")), "{err}");
        assert!(err.contains("did not open the sign-in page"), "{err}");
        assert!(
            err.contains(&format!("code: {HOSTILE_CODE_SHOWN}\n")),
            "the code, escaped: {err}"
        );
    }
    // The control: the fake's own loopback URL is opened, as the only argument.
    fake.configure(|settings| settings.device_authorization_override = None);
    let out = device_login(&env);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("did not open"), "{}", stderr(&out));
    let opened = wait_for_lines(&log);
    let code = fake.last_user_code().unwrap();
    assert_eq!(
        opened,
        format!("{}/device?user_code={code}\n", fake.url()),
        "only the legitimate URL reached the browser"
    );
}

#[test]
fn an_escape_laden_user_code_reaches_the_terminal_escaped() {
    if !script_is_installed() {
        return;
    }
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    answer_with(&fake, Some("javascript:alert(1)"), Some(HOSTILE_CODE));
    let command = format!("{} {}", env!("CARGO_BIN_EXE_grant"), login_args().join(" "));
    let mut script = env.shell("script");
    script
        .args(["-qec", &command, "/dev/null"])
        .env("CI", "")
        .env("TERM", "xterm");
    let out = run_within(&mut script, Duration::from_secs(30));
    let terminal = String::from_utf8(out.stdout.clone()).expect("UTF-8 on the terminal");
    assert!(out.status.success(), "{terminal}");
    assert!(
        terminal.contains(&format!("code: {HOSTILE_CODE_SHOWN}")),
        "{terminal:?}"
    );
    assert!(
        terminal.contains("open: javascript:alert(1)"),
        "{terminal:?}"
    );
    // The spinner redraws its own line with a few CSI sequences; nothing else may
    // reach the terminal: no OSC, no screen clear, no BEL, no C1.
    let mut rest = terminal.as_str();
    while let Some(at) = rest.find('\x1b') {
        rest = &rest[at + 1..];
        let own = ["[2K", "[1A", "[?25l", "[?25h", "[0m", "[1G"]
            .iter()
            .any(|sequence| rest.starts_with(sequence));
        assert!(
            own,
            "ESC{:?} on the terminal: {terminal:?}",
            &rest[..rest.len().min(12)]
        );
    }
    assert!(
        !terminal.contains('\x07'),
        "BEL on the terminal: {terminal:?}"
    );
    assert!(
        !terminal.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
        "a C1 control on the terminal: {terminal:?}"
    );
}

#[test]
fn a_service_error_message_with_escapes_is_one_escaped_line() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(&format!(
        "[profile dev]\ngranted_sso_start_url = {START_URL}\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = 111111111111\ngranted_sso_role_name = AdministratorAccess\nregion = eu-west-1\n"
    ));
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    let body = r#"{"__type": "InvalidRequestException", "message": "no \u001b]0;pwned\u0007 access\u001b[2J \u009b31m here"}"#;
    fake.fail_with_body("GetRoleCredentials", 400, body, None);
    let out = env.run(&["credential-process", "--profile", "dev"]);
    let line = failure(&out);
    assert_no_terminal_controls("stderr", &out.stderr);
    assert!(
        line.contains("no \\x1b]0;pwned\\x07 access\\x1b[2J \\u{9b}31m here"),
        "{line}"
    );
}

#[test]
fn idle_and_forged_connections_do_not_stop_the_browser_sign_in() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    let log = env.tmp_dir.join("browser-steps.log");
    env.set_setting(
        "CustomBrowserPath",
        python_script("browser.py").to_str().unwrap(),
    );
    let mut command = env.grant();
    command
        .env_remove("CI")
        .env("FAKE_BROWSER_MODE", "hostile")
        .env("FAKE_BROWSER_LOG", &log)
        .args(&login_args()[..6]);
    let out = run_within(&mut command, Duration::from_secs(60));
    // grant may end before the browser writes down the answer to the last step.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut steps = String::new();
    while !steps.contains("callback: ") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        steps = std::fs::read_to_string(&log).unwrap_or_default();
    }
    assert!(out.status.success(), "{}\nbrowser: {steps}", stderr(&out));
    assert_eq!(
        steps,
        "authorize: 302\nidle: connected\nforged state: 400\nforged error: 400\ncallback: 200\n"
    );
    assert_eq!(fake.count("CreateToken:authorization_code"), 1);
    assert_eq!(fake.count("StartDeviceAuthorization"), 0);
}

/// A local process that read `state` from the browser's command line sends a code
/// of its own first: CreateToken refuses it, and the sign-in waits on for the
/// browser's code rather than ending.
#[test]
fn a_refused_code_does_not_end_the_browser_sign_in() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    let log = env.tmp_dir.join("browser-steps.log");
    env.set_setting(
        "CustomBrowserPath",
        python_script("browser.py").to_str().unwrap(),
    );
    let mut command = env.grant();
    command
        .env_remove("CI")
        .env("FAKE_BROWSER_MODE", "bogus-code")
        .env("FAKE_BROWSER_LOG", &log)
        .args(&login_args()[..6]);
    let out = run_within(&mut command, Duration::from_secs(60));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut steps = String::new();
    while !steps.contains("callback: ") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        steps = std::fs::read_to_string(&log).unwrap_or_default();
    }
    assert!(out.status.success(), "{}\nbrowser: {steps}", stderr(&out));
    assert!(steps.ends_with("callback: 200\n"), "{steps}");
    assert_eq!(fake.count("CreateToken:authorization_code"), 2);
    assert_eq!(fake.count("StartDeviceAuthorization"), 0);
}

#[test]
fn config_values_and_profile_names_are_shown_escaped() {
    let env = TestEnv::new();
    env.write_aws_config(&format!(
        "[profile evil]\ngranted_sso_start_url = {START_URL}\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = 111111111111\ngranted_sso_role_name = Admin\x1b]0;pwned\x07\nregion = eu-west-1\n"
    ));
    let out = env.run(&["profiles", "--long"]);
    let listing = success(&out);
    assert_no_terminal_controls("the listing", &out.stdout);
    assert!(listing.contains("Admin\\x1b]0;pwned\\x07"), "{listing}");

    let out = env.run(&["credential-process", "--profile", "no\x1b]0;pwned\x07ne"]);
    let line = failure(&out);
    assert_no_terminal_controls("stderr", &out.stderr);
    assert!(line.contains("no\\x1b]0;pwned\\x07ne"), "{line}");
}

/// Another tool's `credential_process` (or a server) answering with an escape
/// sequence in the secret: grant refuses the credentials in one line and prints
/// nothing of them, in every format and in `assume -x`.
#[cfg(unix)]
#[test]
fn credentials_with_escape_sequences_are_refused_not_printed() {
    let env = TestEnv::new();
    let script = env.home.join("hostile-process.sh");
    let document = r#"{"Version":1,"AccessKeyId":"ASIAHOSTILE0000","SecretAccessKey":"abc\u001b]0;pwned\u0007def","SessionToken":"IQo\u001b[2Jtoken"}"#;
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' '{document}'\n")).unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    env.write_aws_config(&format!(
        "[profile hostile]\ncredential_process = {}\n",
        script.display()
    ));
    for args in [
        &["export", "--profile", "hostile", "--format", "env"][..],
        &["export", "--profile", "hostile", "--format", "powershell"],
        &["assume", "--shell", "bash", "-x", "hostile"],
    ] {
        let output = env.run(args);
        let said = failure(&output);
        assert!(said.contains("SecretAccessKey"), "{args:?}: {said}");
        assert_eq!(said.trim_end().lines().count(), 1, "{args:?}: {said}");
        for stream in [&output.stdout, &output.stderr] {
            assert!(
                !stream.contains(&0x1b),
                "{args:?}: an escape reached the terminal"
            );
            assert!(!String::from_utf8_lossy(stream).contains("abc"), "{args:?}");
        }
    }
}
