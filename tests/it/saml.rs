//! SAML-federated profiles against the fake IdP with a real headless Chromium:
//! the first sign-in through the IdP's login form (a person at the window, on a
//! pseudo-terminal), headless renewal with the IdP's session cookie and no form,
//! the role picked from the assertion, boto3 and the console (signed in, and as a
//! role chain on top) on such a profile, a role of another partition,
//! and hostile IdPs that get nothing.

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use fake_aws::{FakeAws, IdpMode};

use crate::console::{param, signed_in_arn};

use crate::support::{
    TestEnv, failure, output_within, path_with_grant, python_with_botocore, script_is_installed,
    stderr, stdout, success, tool_is_installed,
};

const ADMIN: &str = "arn:aws:iam::111111111111:role/SamlAdmin";
const READ_ONLY: &str = "arn:aws:iam::222222222222:role/SamlReadOnly";

/// A world with Chromium as the browser grant drives (a wrapper adding what this
/// machine needs: headless even for the "window", no sandbox as root), the fake's
/// sign-in endpoint, and profile `fed` on the fake IdP; `None` without Chromium
/// or `script` (which fails under CI instead).
fn world(fake: &FakeAws, role: Option<&str>) -> Option<TestEnv> {
    if !tool_is_installed("chromium", "chromium") || !script_is_installed() {
        return None;
    }
    let env = TestEnv::with_fake(fake);
    let wrapper = env.home.join("chromium-for-tests");
    std::fs::write(
        &wrapper,
        "#!/bin/sh\nexec chromium --headless --no-sandbox --disable-gpu \"$@\"\n",
    )
    .unwrap();
    std::fs::set_permissions(
        &wrapper,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    env.set_setting("CustomBrowserPath", wrapper.to_str().unwrap());
    let role = role
        .map(|arn| format!("grant_saml_role_arn = {arn}\n"))
        .unwrap_or_default();
    env.write_aws_config(&format!(
        "[profile fed]\ngrant_saml_url = {}\n{role}region = eu-west-1\ncredential_process = grant credential-process --profile fed\n",
        fake.idp_app_url()
    ));
    Some(env)
}

/// `grant ARGS` with the sign-in endpoint at the fake, under CI (no window).
fn grant(env: &TestEnv, fake: &FakeAws, args: &[&str]) -> Output {
    let child = env
        .grant()
        .env("AWS_ENDPOINT_URL_SIGNIN", fake.url())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    output_within(child, Duration::from_secs(120))
}

/// `grant ARGS` on a pseudo-terminal with a display, outside CI: a person could
/// use a window. `keys` are typed after a moment. Returns the terminal's text.
fn on_terminal(env: &TestEnv, fake: &FakeAws, args: &str, keys: &'static [u8]) -> Output {
    let mut child = env
        .shell("script")
        .args(["-qec", &format!("grant {args}"), "/dev/null"])
        .env("CI", "")
        .env("DISPLAY", ":99")
        .env("TERM", "dumb")
        .env("AWS_ENDPOINT_URL_SIGNIN", fake.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut keyboard = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        if !keys.is_empty() {
            // The picker shows once the browser has brought the assertion.
            std::thread::sleep(Duration::from_secs(8));
            std::io::Write::write_all(&mut keyboard, keys).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            std::io::Write::write_all(&mut keyboard, b"\r").unwrap();
        }
        std::thread::sleep(Duration::from_secs(20));
    });
    output_within(child, Duration::from_secs(150))
}

/// The first sign-in of `fed`, through the login form, which a person fills in.
fn first_sign_in(env: &TestEnv, fake: &FakeAws) -> String {
    fake.set_idp_person_signs_in(true);
    let output = on_terminal(env, fake, "saml login --profile fed", b"");
    fake.set_idp_person_signs_in(false);
    let terminal = stdout(&output) + &stderr(&output);
    assert!(output.status.success(), "{terminal}");
    terminal
}

fn credential_process(env: &TestEnv, fake: &FakeAws, extra: &[&str]) -> Output {
    let mut args = vec!["credential-process", "--profile", "fed"];
    args.extend_from_slice(extra);
    grant(env, fake, &args)
}

fn browser_profiles(env: &TestEnv) -> PathBuf {
    env.state_dir.join("saml-browsers")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&success(output)).unwrap()
}

#[test]
fn first_sign_in_through_the_form_then_headless_renewal_with_the_cookie() {
    let fake = FakeAws::start();
    let Some(env) = world(&fake, Some(ADMIN)) else {
        return;
    };
    // Never signed in, and no window under CI: an error at once, no browser.
    let started = Instant::now();
    let line = failure(&credential_process(&env, &fake, &[]));
    assert!(
        line.contains("run: grant saml login --profile fed"),
        "{line}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(fake.count("IdpApp"), 0);

    let terminal = first_sign_in(&env, &fake);
    assert!(terminal.contains("signed in at 127.0.0.1"), "{terminal}");
    assert_eq!(fake.count("IdpLogin"), 1, "the form was submitted once");
    let calls = fake.saml_calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].role_arn, ADMIN);
    assert_eq!(calls[0].principal_arn, FakeAws::idp_roles()[0].1);
    assert!(calls[0].known_assertion);
    assert_eq!(
        fake.count("SamlSignin"),
        0,
        "the browser never submitted the response"
    );

    // Cached: served without the IdP.
    let cached = json(&credential_process(&env, &fake, &[]));
    assert_eq!(fake.count("IdpApp"), 1);
    assert_eq!(cached["Version"], 1);

    // A fetch anew (as at renewal): headless, with the session cookie, no form.
    let renewed = json(&credential_process(&env, &fake, &["--no-cache"]));
    assert_eq!(fake.count("IdpApp"), 2);
    assert_eq!(fake.count("IdpLogin"), 1, "no form the second time");
    assert_eq!(fake.saml_calls().len(), 2);
    assert_ne!(renewed["AccessKeyId"], cached["AccessKeyId"]);

    // The IdP session ends: headless finds the form, and under CI says what to run.
    fake.end_idp_sessions();
    let line = failure(&credential_process(&env, &fake, &["--no-cache"]));
    assert!(
        line.contains("needs a sign-in; run: grant saml login --profile fed"),
        "{line}"
    );
    assert_eq!(fake.saml_calls().len(), 2);

    // Doctor lists the profile as signed in before; logout forgets grant's browser
    // profile of the IdP, and doctor says how to sign in again.
    let doctor = || stdout(&env.run(&["doctor", "--profile", "fed"]));
    let report = doctor();
    assert!(
        report.contains(&format!(
            "info: profile fed: SAML role {ADMIN} via 127.0.0.1: grant keeps a browser profile for 127.0.0.1"
        )),
        "{report}"
    );
    assert_eq!(
        std::fs::read_dir(browser_profiles(&env)).unwrap().count(),
        1
    );
    success(&grant(&env, &fake, &["saml", "logout", "--profile", "fed"]));
    assert_eq!(
        std::fs::read_dir(browser_profiles(&env)).unwrap().count(),
        0
    );
    let report = doctor();
    assert!(
        report.contains("not signed in at 127.0.0.1; sign in: grant saml login --profile fed"),
        "{report}"
    );
}

#[test]
fn the_role_is_picked_from_the_assertion_and_written_to_the_profile() {
    let fake = FakeAws::start();
    let Some(env) = world(&fake, None) else {
        return;
    };
    fake.set_idp_person_signs_in(true);
    let output = on_terminal(&env, &fake, "saml login --profile fed", b"ReadOnly");
    let terminal = stdout(&output) + &stderr(&output);
    assert!(output.status.success(), "{terminal}");
    assert!(terminal.contains("Role"), "the picker showed: {terminal}");
    assert!(
        terminal.contains(ADMIN) && terminal.contains(READ_ONLY),
        "{terminal}"
    );
    let config = std::fs::read_to_string(env.aws_config_path()).unwrap();
    assert!(
        config.contains(&format!("grant_saml_role_arn = {READ_ONLY}\n"))
            && config.contains(&format!(
                "grant_saml_provider_arn = {}\n",
                FakeAws::idp_roles()[1].1
            )),
        "{config}"
    );
    // One visit to the IdP served both the picker and AssumeRoleWithSAML.
    assert_eq!(fake.count("IdpApp"), 1);
    let calls = fake.saml_calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].role_arn, READ_ONLY);
    let cached = json(&credential_process(&env, &fake, &[]));
    assert_eq!(cached["Version"], 1);
    assert_eq!(fake.saml_calls().len(), 1);
}

#[test]
fn without_a_chosen_role_and_no_terminal_the_roles_are_listed() {
    let fake = FakeAws::start();
    let Some(env) = world(&fake, Some(ADMIN)) else {
        return;
    };
    first_sign_in(&env, &fake);
    env.write_aws_config(&format!(
        "[profile fed]\ngrant_saml_url = {}\n",
        fake.idp_app_url()
    ));
    let line = failure(&credential_process(&env, &fake, &[]));
    assert!(
        line.contains("several roles") && line.contains(ADMIN) && line.contains(READ_ONLY),
        "{line}"
    );
    assert!(line.contains("grant saml login --profile fed"), "{line}");
    assert_eq!(fake.saml_calls().len(), 1);
}

#[test]
fn boto3_and_the_console_use_a_saml_profile() {
    let fake = FakeAws::start();
    let Some(env) = world(&fake, Some(ADMIN)) else {
        return;
    };
    first_sign_in(&env, &fake);
    let Some(python) = python_with_botocore() else {
        return;
    };
    let output = env
        .consumer(&python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/consumers/python/sts_consumer.py"
        ))
        .env("AWS_PROFILE", "fed")
        .env("PATH", path_with_grant())
        .env("AWS_ENDPOINT_URL_SIGNIN", fake.url())
        .output()
        .unwrap();
    let text = stdout(&output) + &stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("arn:aws:sts::111111111111:assumed-role/SamlAdmin/alice@example.com"),
        "{text}"
    );
    let url = success(&grant(&env, &fake, &["console", "fed", "--url"]));
    assert!(url.contains("SigninToken="), "{url}");
}

#[test]
fn the_console_signs_in_as_the_saml_role_and_as_a_chain_on_top() {
    let fake = FakeAws::start();
    let Some(env) = world(&fake, Some(ADMIN)) else {
        return;
    };
    first_sign_in(&env, &fake);
    let config = std::fs::read_to_string(env.aws_config_path()).unwrap();
    env.write_aws_config(&format!(
        "{config}\n[profile deploy]\nsource_profile = fed\nrole_arn = arn:aws:iam::333333333333:role/Deployer\nregion = eu-central-1\n"
    ));

    let url = success(&grant(
        &env,
        &fake,
        &["console", "fed", "-s", "kms", "--url"],
    ));
    let url = url.trim_end();
    assert!(!url.contains('\n'), "{url}");
    assert_eq!(
        param(url, "Destination"),
        "https://eu-west-1.console.aws.amazon.com/kms/home?region=eu-west-1"
    );
    assert_eq!(
        signed_in_arn(&fake, url),
        "arn:aws:sts::111111111111:assumed-role/SamlAdmin/alice@example.com"
    );
    assert_eq!(
        fake.saml_calls().len(),
        1,
        "the cached SAML session served it"
    );

    let url = success(&grant(&env, &fake, &["console", "deploy", "--url"]));
    let chained = signed_in_arn(&fake, url.trim_end());
    assert!(
        chained.starts_with("arn:aws:sts::333333333333:assumed-role/Deployer/"),
        "{chained}"
    );
    assert_eq!(fake.assume_role_calls().len(), 1);
}

#[test]
fn a_hostile_idp_gets_nothing() {
    let fake = FakeAws::start();
    let Some(env) = world(&fake, Some(ADMIN)) else {
        return;
    };
    first_sign_in(&env, &fake);
    let config = std::fs::read_to_string(env.aws_config_path()).unwrap();
    let renew = || credential_process(&env, &fake, &["--no-cache"]);

    // A response posted anywhere but the sign-in endpoint is not taken.
    fake.set_idp_mode(IdpMode::PostElsewhere);
    let output = renew();
    let line = failure(&output);
    assert!(stdout(&output).is_empty());
    assert!(line.contains("grant saml login --profile fed"), "{line}");
    assert_eq!(
        fake.idp_hostile_hits(),
        ["/elsewhere/saml"],
        "the page did post elsewhere"
    );
    assert_eq!(fake.saml_calls().len(), 1);

    // A role ARN with a newline: the whole assertion is refused, shown escaped.
    fake.set_idp_mode(IdpMode::NewlineRole);
    let output = renew();
    let line = failure(&output);
    assert!(stdout(&output).is_empty());
    assert!(line.contains("not a role ARN"), "{line}");
    assert!(line.contains(r"Evil\x0a[profile injected]"), "{line}");
    assert_eq!(fake.saml_calls().len(), 1);
    assert_eq!(
        std::fs::read_to_string(env.aws_config_path()).unwrap(),
        config
    );

    // A page that opens other windows and URLs: none of them loads; the response
    // it then posts to the endpoint is still the only thing taken.
    fake.set_idp_mode(IdpMode::OpenOtherUrls);
    let credentials = json(&renew());
    assert_eq!(credentials["Version"], 1);
    assert_eq!(
        fake.idp_hostile_hits(),
        ["/elsewhere/saml"],
        "no popup loaded"
    );
    assert_eq!(fake.saml_calls().len(), 2);
}

#[test]
fn a_role_of_another_partition_is_taken_only_at_that_partitions_sign_in_endpoint() {
    let fake = FakeAws::start();
    let Some(env) = world(&fake, Some(ADMIN)) else {
        return;
    };
    first_sign_in(&env, &fake);
    let eusc_role = "arn:aws-eusc:iam::111111111111:role/SamlAdmin";
    env.write_aws_config(&format!(
        "[profile fed]\ngrant_saml_url = {}\ngrant_saml_role_arn = {eusc_role}\nregion = eusc-de-east-1\n",
        fake.idp_app_url()
    ));
    // The real endpoint, no override: the browser is stopped before it leaves.
    let renew = || {
        let child = env
            .grant()
            .args(["credential-process", "--profile", "fed", "--no-cache"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        output_within(child, Duration::from_secs(120))
    };

    // Posted to the commercial partition's endpoint: not this role's, not taken.
    fake.set_idp_partition("aws-eusc", "https://signin.aws.amazon.com/saml");
    let line = failure(&renew());
    assert!(line.contains("grant saml login --profile fed"), "{line}");
    assert_eq!(fake.saml_calls().len(), 1);

    // Posted to the European Sovereign Cloud's sign-in endpoint: taken.
    fake.set_idp_partition("aws-eusc", "https://signin.amazonaws-eusc.eu/saml");
    let credentials = json(&renew());
    assert_eq!(credentials["Version"], 1);
    let calls = fake.saml_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[1].role_arn, eusc_role);
    assert_eq!(
        calls[1].principal_arn,
        "arn:aws-eusc:iam::111111111111:saml-provider/FakeIdP"
    );
    assert_eq!(fake.count("SamlSignin"), 0);
}

#[test]
fn profiles_long_lists_saml_profiles_and_login_needs_one() {
    let fake = FakeAws::start();
    let env = TestEnv::with_fake(&fake);
    env.write_aws_config(&format!(
        "[profile fed]\ngrant_saml_url = {}\ngrant_saml_role_arn = {ADMIN}\n",
        fake.idp_app_url()
    ));
    let listing = success(&env.run(&["profiles", "--long"]));
    assert!(
        listing.contains(&format!("saml {ADMIN} via 127.0.0.1 (not signed in)")),
        "{listing}"
    );
    let line = failure(&env.run(&["saml", "login", "--profile", "nope"]));
    assert!(line.contains("'nope'"), "{line}");
}
