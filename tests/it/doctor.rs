//! `grant doctor`: one config per problem, each reported on one line with the file,
//! the line and what to run, and exit 1; a clean world exits 0; `--json` parses.
//! Every world talks to a fake AWS: doctor reads the clock of IAM Identity Center
//! when the config uses it.

use fake_aws::FakeAws;

use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile};
use crate::support::{TestEnv, path_with_grant, stdout, success};

/// A profile grant serves everywhere: grant's keys, grant by its full path.
fn clean_profile(name: &str) -> String {
    granted_profile(name, DEV_ACCOUNT, DEV_ROLE, Process::Binary)
}

/// A world whose AWS is `fake`.
fn world(fake: &FakeAws) -> TestEnv {
    TestEnv::with_fake(fake)
}

/// `grant doctor ARGS`: its exit code and stdout.
fn doctor(env: &TestEnv, args: &[&str]) -> (i32, String) {
    let output = env.grant().arg("doctor").args(args).output().unwrap();
    assert!(
        output.stderr.is_empty(),
        "doctor writes its report to stdout: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap(), stdout(&output))
}

/// The one line of `report` that contains `needle`.
fn line_with<'a>(report: &'a str, needle: &str) -> &'a str {
    let lines: Vec<&str> = report
        .lines()
        .filter(|line| line.contains(needle))
        .collect();
    assert_eq!(lines.len(), 1, "one line with {needle:?} in:\n{report}");
    lines[0]
}

/// Doctor on `config` (and `credentials`) exits 1 and reports `needle` on one line,
/// which it returns.
fn finds(config: &str, credentials: &str, needle: &str) -> String {
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config(config);
    env.write_aws_credentials(credentials);
    let (code, report) = doctor(&env, &[]);
    assert_eq!(code, 1, "{report}");
    line_with(&report, needle).to_owned()
}

/// `profile` with `extra` lines after its last key.
fn with_keys(profile: &str, extra: &str) -> String {
    format!("{}\n{extra}", profile.trim_end())
}

fn config_path_line(env_line: &str, line: usize) -> bool {
    env_line.contains(&format!("/.aws/config:{line}: "))
}

#[test]
fn a_clean_world_exits_0_and_says_what_it_checked() {
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config(&format!(
        "[default]\nregion = eu-west-1\n\n{}",
        clean_profile("dev")
    ));
    let (code, report) = doctor(&env, &[]);
    assert_eq!(code, 0, "{report}");
    assert!(
        report.lines().all(|line| line.starts_with("info: ")),
        "{report}"
    );
    line_with(&report, "the secret store (kernel-keyring) answers");
    line_with(&report, "has not loaded grant init");
    let line = line_with(&report, "used by profile dev, is not signed in");
    assert!(
        line.ends_with("sign in: grant sso login --profile dev"),
        "{line}"
    );
}

/// Without the integration, the fix is the line for the shell the person starts
/// (`SHELL`'s last word), else bash's; a `SHELL` that names no known shell is only
/// compared, never shown.
#[test]
fn the_missing_integration_is_fixed_with_the_line_of_ones_own_shell() {
    let env = TestEnv::new();
    let cases = [
        (None, "add eval \"$(grant init bash)\" to ~/.bashrc"),
        (
            Some("/usr/bin/zsh"),
            "add eval \"$(grant init zsh)\" to ~/.zshrc",
        ),
        (
            Some("/opt/homebrew/bin/fish"),
            "add grant init fish | source to ~/.config/fish/config.fish",
        ),
        (
            Some("/usr/local/bin/pwsh"),
            "add Invoke-Expression (& grant init powershell | Out-String) to $PROFILE",
        ),
        (
            Some("/usr/bin/nu"),
            "run grant init nu | save -f ($nu.user-autoload-dirs | first | path join grant.nu) once",
        ),
        (
            Some("/bin/tcsh"),
            "add eval \"`grant init tcsh`\" to ~/.tcshrc",
        ),
        (
            Some("/bin/$(touch x)\u{1b}[2J"),
            "add eval \"$(grant init bash)\" to ~/.bashrc",
        ),
    ];
    for (shell, fix) in cases {
        let mut command = env.grant();
        command.arg("doctor");
        if let Some(shell) = shell {
            command.env("SHELL", shell);
        }
        let report = stdout(&command.output().unwrap());
        let line = line_with(&report, "has not loaded grant init");
        assert!(
            line.contains(&format!("; {fix}"))
                && line.ends_with("(other shells: grant init --help)"),
            "{shell:?}: {line}"
        );
        assert!(
            !line.contains("touch") && !line.contains('\u{1b}'),
            "{line}"
        );
    }
}

#[test]
fn grant_by_name_is_found_on_path() {
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config(&granted_profile(
        "dev",
        DEV_ACCOUNT,
        DEV_ROLE,
        Process::OnPath,
    ));
    let output = env
        .grant()
        .arg("doctor")
        .env("PATH", path_with_grant())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = env
        .grant()
        .arg("doctor")
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    let line = line_with(&report, "runs grant, which is not on PATH");
    assert!(
        line.starts_with("error: ") && config_path_line(line, 8),
        "{line}"
    );
}

#[test]
fn sso_keys_beside_credential_process() {
    let config = with_keys(
        &clean_profile("dev"),
        &format!("sso_account_id = {DEV_ACCOUNT}\nsso_role_name = {DEV_ROLE}\n"),
    );
    let line = finds(
        &config,
        "",
        "sso_account_id, sso_role_name beside its credential_process",
    );
    assert!(
        line.starts_with("error: ") && config_path_line(&line, 9),
        "{line}"
    );
    assert!(line.ends_with("run: grant profiles convert dev"), "{line}");
}

#[test]
fn static_keys_in_the_credentials_file_come_first() {
    let line = finds(
        &clean_profile("dev"),
        "[dev]\naws_access_key_id = AKIASTATICDOCTOR\naws_secret_access_key = s\n",
        "AKIASTATICDOCTOR",
    );
    assert!(line.contains("/.aws/credentials:2: "), "{line}");
    assert!(line.contains("assume -x dev"), "{line}");
}

#[test]
fn static_keys_beside_the_process_in_the_config_file() {
    let config = with_keys(
        &clean_profile("dev"),
        "aws_access_key_id = AKIA1\naws_secret_access_key = s\n",
    );
    let line = finds(&config, "", "static keys beside its credential_process");
    assert!(config_path_line(&line, 9), "{line}");
    assert!(line.contains("the Go SDK"), "{line}");
}

#[test]
fn a_credential_process_that_is_not_on_path() {
    let line = finds(
        "[profile dev]\ncredential_process = no-such-helper-xyz --profile dev\n",
        "",
        "no-such-helper-xyz",
    );
    assert!(
        line.contains("which is not on PATH") && config_path_line(&line, 2),
        "{line}"
    );
}

#[test]
fn granted_in_credential_process_is_a_warning_with_the_convert_command() {
    let config = with_keys(
        &granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::None),
        "credential_process = granted credential-process --profile dev\n",
    );
    let line = finds(&config, "", "runs granted");
    assert!(
        line.starts_with("warning: ") && config_path_line(&line, 8),
        "{line}"
    );
    assert!(line.ends_with("run: grant profiles convert dev"), "{line}");
}

#[test]
fn a_config_section_without_the_profile_prefix() {
    let line = finds("[dev]\nregion = eu-west-1\n", "", "[dev] is ignored");
    assert!(
        line.contains("rename the section to [profile dev]") && config_path_line(&line, 1),
        "{line}"
    );
}

#[test]
fn a_profile_name_the_sdks_ignore() {
    let line = finds("[profile my dev]\nregion = eu-west-1\n", "", "is ignored");
    assert!(
        line.contains("[profile my dev]") && line.contains("_-/.%@:+"),
        "{line}"
    );
}

#[test]
fn a_credentials_section_with_the_profile_prefix() {
    let line = finds(
        "",
        "[profile dev]\naws_access_key_id = A\naws_secret_access_key = s\n",
        "is ignored",
    );
    assert!(
        line.contains("rename the section to [dev]") && line.contains("/.aws/credentials:1: "),
        "{line}"
    );
}

#[test]
fn a_section_written_twice() {
    let config = format!("{}[profile dev]\noutput = json\n", clean_profile("dev"));
    let line = finds(&config, "", "written 2 times");
    assert!(
        line.contains("lines 1, 10") && line.contains("Unable to parse config file"),
        "{line}"
    );
}

#[test]
fn a_key_written_twice() {
    let config = with_keys(&clean_profile("dev"), "region = us-east-1\n");
    let line = finds(&config, "", "region is set 2 times in [profile dev]");
    assert!(
        line.contains("(lines 7, 9)") && config_path_line(&line, 9),
        "{line}"
    );
}

#[test]
fn default_written_both_ways() {
    let line = finds(
        "[default]\nregion = a\n[profile default]\nregion = b\n",
        "",
        "[default] is hidden",
    );
    assert!(
        line.starts_with("warning: ") && config_path_line(&line, 1),
        "{line}"
    );
}

#[test]
fn a_source_profile_that_does_not_exist() {
    let config =
        "[profile app]\nrole_arn = arn:aws:iam::111111111111:role/App\nsource_profile = gone\n";
    let line = finds(config, "", "gone");
    assert!(
        line.contains("profile app") && config_path_line(&line, 3),
        "{line}"
    );
    assert!(line.contains("source_profile"), "{line}");
}

#[test]
fn a_source_profile_loop() {
    let config = "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/B\nsource_profile = a\n";
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config(config);
    let (code, report) = doctor(&env, &[]);
    assert_eq!(code, 1, "{report}");
    let line = line_with(
        &report,
        "profile 'a': source_profile chain loops: a -> b -> a",
    );
    assert!(
        line.contains("change the source_profile of profile a"),
        "{line}"
    );
}

#[test]
fn grant_asked_for_a_profile_that_does_not_exist() {
    let config = clean_profile("dev").replace("--profile dev", "--profile dve");
    let line = finds(&config, "", "asks grant for profile dve");
    assert!(line.contains("write --profile dev"), "{line}");
}

#[test]
fn values_from_the_config_are_escaped() {
    let line = finds(
        "[profile dev]\ncredential_process = evil\u{1b}]0;title\u{7} x\n",
        "",
        "evil",
    );
    assert!(
        line.contains("evil\\x1b]0;title\\x07") && !line.contains('\u{1b}'),
        "{line}"
    );
}

#[test]
fn json_is_an_array_of_findings_and_profile_narrows_them() {
    let fake = FakeAws::start();
    let env = world(&fake);
    let config = format!(
        "{}{}sso_account_id = 1\n\n[profile app]\nrole_arn = arn:aws:iam::111111111111:role/App\nsource_profile = gone\n",
        clean_profile("ok"),
        clean_profile("dev").trim_end().to_owned() + "\n"
    );
    env.write_aws_config(&config);
    let (code, json) = doctor(&env, &["--json"]);
    assert_eq!(code, 1);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let checks: Vec<&str> = findings
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(
        checks.contains(&"sso-keys-beside-process") && checks.contains(&"role-chain"),
        "{checks:?}"
    );
    let sso = findings
        .iter()
        .find(|f| f["check"] == "sso-keys-beside-process")
        .unwrap();
    assert_eq!(sso["profile"], "dev");
    assert_eq!(sso["severity"], "error");
    assert_eq!(sso["line"], 18);
    assert!(sso["file"].as_str().unwrap().ends_with("/.aws/config"));
    assert_eq!(sso["fix"], "run: grant profiles convert dev");

    let (code, json) = doctor(&env, &["--json", "--profile", "ok"]);
    assert_eq!(code, 0, "{json}");
    let findings: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert!(findings.iter().all(|f| f["severity"] == "info"), "{json}");
    let (code, report) = doctor(&env, &["--profile", "app"]);
    assert_eq!(code, 1);
    line_with(&report, "gone");
    assert!(!report.contains("sso_account_id"), "{report}");
    let (code, report) = doctor(&env, &["--profile", "nope"]);
    assert_eq!(code, 1);
    line_with(&report, "profile nope is in neither");
}

#[test]
fn the_shell_integration_of_grant_init_is_seen() {
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config(&clean_profile("dev"));
    let script = format!(
        "eval \"$({} init bash)\"; {} doctor",
        env!("CARGO_BIN_EXE_grant"),
        env!("CARGO_BIN_EXE_grant")
    );
    let output = env.shell("bash").args(["-c", &script]).output().unwrap();
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{report}");
    line_with(&report, "the bash integration of grant init is loaded");
}

/// A saved copy of the integration (the README's way for nushell) from before grant
/// changed is found: the shell names the code it loaded, and doctor compares it
/// with what this grant prints. Real shells load both.
#[test]
fn an_integration_from_another_grant_is_found() {
    if !crate::support::tool_is_installed("tcsh", "tcsh") {
        return;
    }
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config(&clean_profile("dev"));
    let init = success(&env.run(&["init", "tcsh"]));
    let current = env.tmp_dir.join("grant.tcsh");
    let outdated = env.tmp_dir.join("outdated.tcsh");
    std::fs::write(&current, &init).unwrap();
    let changed = init.replacen("setenv GRANT_INIT_CODE '", "setenv GRANT_INIT_CODE 'old", 1);
    assert_ne!(changed, init, "the tcsh init names its code");
    std::fs::write(&outdated, changed).unwrap();
    let grant = env!("CARGO_BIN_EXE_grant");
    for file in [&current, &outdated] {
        env.written_by_the_test(file);
    }
    let doctor_after = |file: &std::path::Path| {
        let script = format!("source {}; {grant} doctor", file.display());
        let output = env
            .shell("tcsh")
            .args(["-f", "-c", &script])
            .output()
            .unwrap();
        (output.status.code(), stdout(&output))
    };
    let (code, report) = doctor_after(&current);
    assert_eq!(code, Some(0), "{report}");
    line_with(&report, "the tcsh integration of grant init is loaded");
    let (code, report) = doctor_after(&outdated);
    assert_eq!(code, Some(1), "{report}");
    let line = line_with(&report, "integration of another grant");
    assert!(
        line.contains("warning") && line.contains("grant init tcsh"),
        "{line}"
    );

    let nu = format!("GRANT_SHELL_INTEGRATION=nu GRANT_INIT_CODE=0 {grant} doctor");
    let output = env.shell("sh").args(["-c", &nu]).output().unwrap();
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let line = line_with(&report, "the nu integration of another grant");
    assert!(line.contains("grant init nu | save -f"), "{line}");
}

/// The two variables the shell snippets export are the environment's: any value
/// is shown as data on its one line, and a code that is not this grant's (however
/// it looks) is the stale-integration warning, never echoed.
#[test]
fn hostile_integration_variables_stay_data() {
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config(&clean_profile("dev"));
    let report_with = |shell: &str, code: &str| {
        let output = env
            .grant()
            .arg("doctor")
            .env("GRANT_SHELL_INTEGRATION", shell)
            .env("GRANT_INIT_CODE", code)
            .output()
            .unwrap();
        (output.status.code(), stdout(&output))
    };
    for shell in [
        "\u{1b}[2Jx\nwarning: fake line",
        "bash; touch CANARY",
        "--help",
        "nu]0;t\u{7}",
    ] {
        let (code, report) = report_with(shell, "\u{1b}]0;title\u{7}");
        assert_eq!(code, Some(0), "{report}");
        let line = line_with(&report, "integration of grant init is loaded");
        assert!(
            !line.contains('\u{1b}') && !line.contains('\u{7}'),
            "{line:?}"
        );
        assert!(!report.contains("\nwarning: fake line"), "{report}");
    }
    let (code, report) = report_with("bash", "\u{1b}[2J; $(touch CANARY)\nfake");
    assert_eq!(code, Some(1), "{report}");
    let line = line_with(&report, "integration of another grant");
    assert!(
        !report.contains("CANARY") && !report.contains('\u{1b}'),
        "{report:?}"
    );
    assert!(line.contains("bash"), "{line}");
    assert!(!env.home.join("CANARY").exists());
}

#[test]
fn signed_in_sessions_show_how_long_they_last() {
    let fake = FakeAws::start();
    let env = fixtures::signed_in(&fake, &clean_profile("dev"), Forget::Counts);
    let (code, report) = doctor(&env, &[]);
    assert_eq!(code, 0, "{report}");
    let line = line_with(&report, "SSO session");
    assert!(
        line.contains(fixtures::START_URL) && line.contains("valid for"),
        "{line}"
    );
    assert!(line.contains("renewed with its refresh token"), "{line}");
    assert!(!report.contains("not signed in"), "{report}");
    // The clock check's one request, and nothing that asks for credentials.
    assert_eq!(fake.count("CreateToken"), 1, "{:?}", fake.counts());
    assert_eq!(fake.count("GetRoleCredentials"), 0);
}

#[test]
fn the_clock_is_compared_with_iam_identity_center() {
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config(&clean_profile("dev"));
    let (code, report) = doctor(&env, &[]);
    assert_eq!(code, 0, "{report}");
    line_with(
        &report,
        "the clock agrees with IAM Identity Center's (eu-west-1) within",
    );
    assert_eq!(fake.count("CreateToken"), 1, "{:?}", fake.counts());
}

#[test]
fn a_clock_more_than_5_minutes_off_is_an_error() {
    for (skew, direction) in [(600, "behind"), (-3600, "ahead of")] {
        let fake = FakeAws::start();
        fake.configure(|settings| settings.clock_skew_seconds = skew);
        let env = world(&fake);
        env.write_aws_config(&clean_profile("dev"));
        let (code, report) = doctor(&env, &[]);
        assert_eq!(code, 1, "{report}");
        let line = line_with(&report, "this machine's clock is");
        assert!(
            line.starts_with("error: ") && line.contains(&format!("s {direction} IAM")),
            "{line}"
        );
        // The Date header counts whole seconds, and the second can turn between
        // the server's stamp and the machine's reading.
        let reported = reported_skew_seconds(line);
        assert!(
            (reported - skew.abs()).abs() <= 1,
            "{reported} s reported for {skew} s: {line}"
        );
        assert!(line.contains("set-ntp"), "{line}");
    }
    // Within 5 minutes is fine.
    let fake = FakeAws::start();
    fake.configure(|settings| settings.clock_skew_seconds = 120);
    let env = world(&fake);
    env.write_aws_config(&clean_profile("dev"));
    assert_eq!(doctor(&env, &[]).0, 0);
}

/// The `{minutes}m{seconds}s` of the clock error line, in seconds.
fn reported_skew_seconds(line: &str) -> i64 {
    let amount = line
        .split_whitespace()
        .find(|word| word.starts_with(|c: char| c.is_ascii_digit()) && word.ends_with('s'))
        .unwrap_or_else(|| panic!("no NmSSs amount in {line}"));
    let (minutes, seconds) = amount.trim_end_matches('s').split_once('m').unwrap();
    minutes.parse::<i64>().unwrap() * 60 + seconds.parse::<i64>().unwrap()
}

#[test]
fn no_request_is_sent_without_an_sso_session_in_the_config() {
    let fake = FakeAws::start();
    let env = world(&fake);
    env.write_aws_config("[profile keys]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n[profile app]\nrole_arn = arn:aws:iam::111111111111:role/App\nsource_profile = keys\n");
    let (code, report) = doctor(&env, &[]);
    assert_eq!(code, 0, "{report}");
    assert!(!report.contains("clock"), "{report}");
    assert!(
        fake.counts().values().all(|count| *count == 0),
        "{:?}",
        fake.counts()
    );
}

#[test]
fn an_unreachable_endpoint_is_a_warning_not_a_hang() {
    let fake = FakeAws::start();
    let mut env = world(&fake);
    env.endpoint = Some("http://127.0.0.1:9".to_owned());
    env.write_aws_config(&clean_profile("dev"));
    let (code, report) = doctor(&env, &[]);
    assert_eq!(code, 1, "{report}");
    let line = line_with(&report, "cannot compare the clock");
    assert!(line.starts_with("warning: "), "{line}");
}

#[test]
fn the_commands_to_run_keep_a_name_like_a_flag_a_name() {
    let config = format!(
        "[profile --debug]\nsso_start_url = {}\nsso_region = eu-west-1\nsso_account_id = {DEV_ACCOUNT}\nsso_role_name = {DEV_ROLE}\ncredential_process = {} credential-process --profile=--debug\n",
        fixtures::START_URL,
        env!("CARGO_BIN_EXE_grant")
    );
    let line = finds(&config, "", "beside its credential_process");
    assert!(
        line.ends_with("run: grant profiles convert -- --debug"),
        "{line}"
    );
}

#[test]
fn a_role_beside_credential_process_leaves_the_process_unused() {
    let config = format!(
        "{}[profile app]\nrole_arn = arn:aws:iam::111111111111:role/App\nsource_profile = dev\ncredential_process = {} credential-process --profile app\n",
        clean_profile("dev"),
        env!("CARGO_BIN_EXE_grant")
    );
    let line = finds(&config, "", "never run its credential_process");
    assert!(
        line.starts_with("warning: ") && config_path_line(&line, 13),
        "{line}"
    );
    assert!(line.contains("has role_arn"), "{line}");
}

/// 10,000 generated profiles whose `credential_process` runs grant, with grant not
/// on PATH: the report is a screenful (one line with the count and the first
/// names), and `--json` still lists every instance.
#[test]
fn one_finding_of_many_profiles_is_one_line_with_the_count() {
    const PROFILES: usize = 10_000;
    let fake = FakeAws::start();
    let env = world(&fake);
    let config: String = (0..PROFILES)
        .map(|i| {
            granted_profile(
                &format!("gen-{i:05}"),
                DEV_ACCOUNT,
                DEV_ROLE,
                Process::OnPath,
            )
        })
        .collect();
    env.write_aws_config(&config);
    let run = |args: &[&str]| {
        let output = env
            .grant()
            .arg("doctor")
            .args(args)
            .env("PATH", "/nonexistent")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        stdout(&output)
    };
    let report = run(&[]);
    assert!(report.lines().count() <= 24, "a screenful:\n{report}");
    let line = line_with(&report, "runs grant, which is not on PATH");
    assert!(
        line.contains("gen-00000")
            && line.contains(&format!(
                "the same for {} more profiles: gen-00001, gen-00002,",
                PROFILES - 1
            ))
            && line.contains("grant doctor --json lists each"),
        "{line}"
    );
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run(&["--json"])).unwrap();
    let instances = findings
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("which is not on PATH")
        })
        .count();
    assert_eq!(instances, PROFILES);
}

#[test]
fn saml_profiles_are_listed_with_their_url_arns_partition_browser_and_sign_in() {
    let fake = FakeAws::start();
    let env = world(&fake);
    let idp = fake.idp_app_url();
    let role = "arn:aws:iam::111111111111:role/SamlAdmin";
    env.write_aws_config(&format!(
        "[profile fed]\ngrant_saml_url = {idp}\ngrant_saml_role_arn = {role}\n\n\
         [profile plain-http]\ngrant_saml_url = http://idp.example.com/app\n\n\
         [profile bad-role]\ngrant_saml_url = {idp}\ngrant_saml_role_arn = arn:aws:iam::1:role/\u{1b}[2J\n\n\
         [profile bad-provider]\ngrant_saml_url = {idp}\ngrant_saml_provider_arn = {role}\n\n\
         [profile mixed]\ngrant_saml_url = {idp}\ngrant_saml_role_arn = {role}\n\
         grant_saml_provider_arn = arn:aws-cn:iam::111111111111:saml-provider/Okta\n\n\
         [profile chained]\nsource_profile = fed\nrole_arn = arn:aws:iam::222222222222:role/Deployer\n"
    ));
    env.set_setting("CustomBrowserPath", "/bin/sh");
    let (code, report) = doctor(&env, &[]);
    assert_eq!(code, 1, "{report}");
    let line = line_with(
        &report,
        &format!("profile fed: SAML role {role} via 127.0.0.1: not signed in"),
    );
    assert!(line.starts_with("info: "), "{line}");
    assert!(
        line.ends_with("sign in: grant saml login --profile fed"),
        "{line}"
    );
    let line = line_with(
        &report,
        "profile plain-http: grant_saml_url must be an https://",
    );
    assert!(line.starts_with("error: "), "{line}");
    assert!(line.contains("not http://idp.example.com/app"), "{line}");
    let line = line_with(
        &report,
        "profile bad-role: grant_saml_role_arn is not a role ARN",
    );
    assert!(line.contains(r"role/\x1b[2J"), "escaped: {line}");
    assert!(!report.contains('\u{1b}'), "{report}");
    line_with(
        &report,
        "profile bad-provider: grant_saml_provider_arn is not a SAML provider ARN",
    );
    line_with(
        &report,
        "profile mixed: the SAML provider is in partition aws-cn and the role in aws",
    );
    assert!(!report.contains("no Chrome, Chromium"), "{report}");
    assert!(!report.contains("profile chained"), "{report}");

    // `--profile` checks its chain; without a browser to drive, that is an error.
    let env = world(&fake);
    env.write_aws_config(&format!(
        "[profile fed]\ngrant_saml_url = {idp}\ngrant_saml_role_arn = {role}\n\n\
         [profile chained]\nsource_profile = fed\nrole_arn = arn:aws:iam::222222222222:role/Deployer\n"
    ));
    let output = env
        .grant()
        .args(["doctor", "--profile", "chained"])
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{report}");
    let line = line_with(
        &report,
        "profile fed: no Chrome, Chromium, Edge or Brave found",
    );
    assert!(
        line.contains("grant settings set CustomBrowserPath PATH"),
        "{line}"
    );
    line_with(&report, "profile fed: SAML role");
}
