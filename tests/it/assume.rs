//! `assume` in real bash, zsh, fish, nushell and tcsh: `grant init` sourced, the real binary
//! behind it, the fake AWS behind that. Each script records the environment with
//! `env -0` into files, and the test reads them back.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use fake_aws::FakeAws;
use grant::testing::shell::Shell;

#[cfg(unix)]
use crate::directory_profiles::Terminal;
use crate::shells::test_values::{CANARY, KEEP, hostile_values};
use crate::shells::{
    BASH, FISH, NU, Outputs, RealShell, TCSH, ZSH, init_line, prepare_init, run_script,
    script_succeeded, shell_command,
};
use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile};
use crate::support::{
    TestEnv, failure, output_within, script_is_installed, stderr, stdout, success,
};

fn signed_in(fake: &FakeAws, extra_config: &str) -> TestEnv {
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::OnPath);
    fixtures::signed_in(fake, &format!("{dev}{extra_config}"), Forget::Nothing)
}

/// A world whose role credentials live two minutes: inside the hook's five-minute
/// renewal window from the start.
fn signed_in_with_expiring_keys() -> (FakeAws, TestEnv) {
    let fake = FakeAws::builder()
        .configure(|settings| settings.role_credentials_lifetime = Duration::from_secs(120))
        .start()
        .unwrap();
    let env = signed_in(&fake, "");
    (fake, env)
}

/// Every variable an assume may leave behind.
const ASSUME_VARIABLES: [&str; 15] = [
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCOUNT_ID",
    "GRANT_PROFILE",
    "GRANT_REGION",
    "GRANT_EXPIRES",
    "GRANT_SSO_EXPIRES",
    "GRANT_DURATION",
    "GRANT_EXPORTED",
];
const KEY_VARIABLES: [&str; 5] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
];

fn last_status(real: &RealShell) -> &'static str {
    match real.shell {
        Shell::Fish => "$status",
        _ => "$?",
    }
}

/// Runs `lines` as typed into an interactive shell, so that its prompt hooks run.
/// bash, zsh and tcsh read them from a pipe; fish runs its hooks only on a terminal,
/// so it gets one from `script` (util-linux).
fn run_interactive(env: &TestEnv, real: &RealShell, outputs: &Outputs, lines: &[String]) -> Output {
    let mut command = match real.shell {
        Shell::Fish => {
            let mut command = env.shell("script");
            command
                .args([
                    "-qec",
                    &format!("{} {} -i", real.program, real.options.join(" ")),
                    "/dev/null",
                ])
                .env("OUT", &outputs.dir)
                .env("TERM", "dumb");
            command
        }
        _ => {
            let mut command = shell_command(env, real, outputs);
            command.arg("-i").env("PS1", "").env("PS2", "");
            command
        }
    };
    let mut input = lines.join("\n");
    input.push_str("\nexit\n");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    output_within(child, Duration::from_secs(60))
}

fn is_available(real: &RealShell) -> bool {
    if real.shell == Shell::Fish && !script_is_installed() {
        return false;
    }
    real.is_installed()
}

#[track_caller]
fn assert_absent(environment: &HashMap<String, String>, names: &[&str], step: &str) {
    for name in names {
        assert!(
            !environment.contains_key(*name),
            "{step}: {name} should be unset, is {:?}",
            environment[*name]
        );
    }
}

fn credential_process_json(env: &TestEnv) -> serde_json::Value {
    let output = env.run(&["credential-process", "--profile", "dev"]);
    serde_json::from_str(&success(&output)).unwrap()
}

/// The semantics of Granted's assume, in one shell.
fn switches_profiles(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let fake = FakeAws::start();
    let env = signed_in(&fake, "");
    env.write_aws_credentials(
        "[static]\naws_access_key_id = AKIASTATICEXAMPLE\naws_secret_access_key = static-secret\n",
    );
    fake.reset_counts();
    let outputs = Outputs::new(&env);
    let status = last_status(real);
    let lines = [
        init_line(real),
        // A key left in the shell by something else must not beat AWS_PROFILE.
        match real.shell {
            Shell::Fish => "set -gx AWS_SESSION_TOKEN stale".to_owned(),
            _ => "export AWS_SESSION_TOKEN=stale".to_owned(),
        },
        r#"assume dev; env -0 > "$OUT/profile""#.to_owned(),
        r#"assume -x dev; env -0 > "$OUT/keys""#.to_owned(),
        r#"assume -r us-west-2 dev; env -0 > "$OUT/region""#.to_owned(),
        r#"assume static; env -0 > "$OUT/switched""#.to_owned(),
        r#"assume --unset; env -0 > "$OUT/unset""#.to_owned(),
        r#"assume dev --exec -- sh -c 'printf %s "$AWS_ACCESS_KEY_ID" > "$OUT/exec-key"'"#
            .to_owned(),
        r#"env -0 > "$OUT/after-exec""#.to_owned(),
        r#"assume dev --exec -- sh -c 'echo "exec said $GRANT_PROFILE ${AWS_PROFILE-without AWS_PROFILE}"'"#.to_owned(),
        format!(r#"assume dev --exec -- sh -c 'exit 3'; echo {status} > "$OUT/exec-status""#),
        format!(r#"assume no-such-profile; echo {status} > "$OUT/unknown-status""#),
        r#"env -0 > "$OUT/after-unknown""#.to_owned(),
    ];
    let output = run_script(&env, real, &outputs, &lines);
    script_succeeded(real, &output);
    assert_eq!(
        stdout(&output),
        "exec said dev without AWS_PROFILE\n",
        "only --exec's command writes to the terminal's stdout"
    );

    let profile = outputs.environment("profile");
    assert_eq!(profile["AWS_PROFILE"], "dev");
    assert_eq!(profile["AWS_REGION"], "eu-west-1");
    assert_eq!(profile["AWS_DEFAULT_REGION"], "eu-west-1");
    assert_absent(&profile, &KEY_VARIABLES, "assume dev");
    assert_absent(&profile, &["GRANT_EXPIRES"], "assume dev");

    let keys = outputs.environment("keys");
    let issued = fake.issued_secrets();
    assert!(
        issued.contains(&keys["AWS_SECRET_ACCESS_KEY"]),
        "keys of the fake"
    );
    assert!(
        issued.contains(&keys["AWS_SESSION_TOKEN"]),
        "token of the fake"
    );
    assert_absent(&keys, &["AWS_PROFILE"], "assume -x dev");
    assert_eq!(keys["GRANT_PROFILE"], "dev");
    assert_eq!(keys["AWS_REGION"], "eu-west-1");
    assert_eq!(keys["AWS_ACCOUNT_ID"], "111111111111");
    let expiration = grant::testing::parse_expiration(&keys["AWS_CREDENTIAL_EXPIRATION"])
        .expect("RFC 3339 expiration");
    assert_eq!(
        keys["AWS_SESSION_EXPIRATION"],
        keys["AWS_CREDENTIAL_EXPIRATION"]
    );
    assert_eq!(keys["GRANT_EXPIRES"], expiration.to_string());
    // `assume dev` warmed the cache that -x and credential-process then used.
    let served = credential_process_json(&env);
    assert_eq!(served["AccessKeyId"], keys["AWS_ACCESS_KEY_ID"].as_str());
    assert_eq!(fake.count("GetRoleCredentials"), 1, "{:?}", fake.counts());

    let region = outputs.environment("region");
    assert_eq!(region["AWS_REGION"], "us-west-2");
    assert_eq!(region["AWS_DEFAULT_REGION"], "us-west-2");
    assert_absent(&region, &KEY_VARIABLES, "assume -r, after -x");

    let switched = outputs.environment("switched");
    assert_eq!(switched["GRANT_PROFILE"], "static");
    assert_eq!(switched["AWS_ACCESS_KEY_ID"], "AKIASTATICEXAMPLE");
    assert_eq!(switched["AWS_SECRET_ACCESS_KEY"], "static-secret");
    assert_absent(
        &switched,
        &[
            "AWS_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            "AWS_SESSION_EXPIRATION",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_ACCOUNT_ID",
            "GRANT_EXPIRES",
        ],
        "switching from dev to static",
    );

    let unset = outputs.environment("unset");
    assert_absent(&unset, &ASSUME_VARIABLES, "assume --unset");

    assert_eq!(outputs.text("exec-key"), keys["AWS_ACCESS_KEY_ID"]);
    assert_absent(
        &outputs.environment("after-exec"),
        &ASSUME_VARIABLES,
        "the shell after --exec",
    );
    assert_eq!(outputs.text("exec-status").trim(), "3");

    assert_ne!(outputs.text("unknown-status").trim(), "0");
    assert_absent(
        &outputs.environment("after-unknown"),
        &ASSUME_VARIABLES,
        "a failed assume",
    );
    let errors = stderr(&output);
    assert!(
        errors.contains("profile 'no-such-profile' is not in the AWS config"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "grant: assumed dev (account 111111111111, role AdministratorAccess, region eu-west-1)"
        ),
        "a confirmation on stderr: {errors}"
    );

    // DefaultExportAllEnvVar does what -x does; GRANT_QUIET silences the confirmation.
    env.set_setting("DefaultExportAllEnvVar", "true");
    let quiet = match real.shell {
        Shell::Fish => "set -gx GRANT_QUIET true",
        _ => "export GRANT_QUIET=true",
    };
    let lines = [
        init_line(real),
        quiet.to_owned(),
        r#"assume dev; env -0 > "$OUT/default-keys""#.to_owned(),
    ];
    let output = run_script(&env, real, &outputs, &lines);
    script_succeeded(real, &output);
    let default_keys = outputs.environment("default-keys");
    assert_eq!(default_keys["AWS_ACCESS_KEY_ID"], keys["AWS_ACCESS_KEY_ID"]);
    assert_absent(&default_keys, &["AWS_PROFILE"], "DefaultExportAllEnvVar");
    assert_eq!(default_keys["GRANT_PROFILE"], "dev");
    assert!(
        stderr(&output).is_empty(),
        "GRANT_QUIET: {}",
        stderr(&output)
    );
}

#[test]
fn bash_assume_switches_profiles() {
    switches_profiles(&BASH);
}

#[test]
fn zsh_assume_switches_profiles() {
    switches_profiles(&ZSH);
}

#[test]
fn fish_assume_switches_profiles() {
    switches_profiles(&FISH);
}

/// Profiles whose names, regions and keys are hostile shell code, as static-key
/// profiles (no fake needed); only those the config reader reads back verbatim.
struct HostileProfiles {
    /// (profile name, the value of its region and access key)
    profiles: Vec<(String, String)>,
}

impl HostileProfiles {
    fn write(env: &TestEnv) -> Self {
        let values: Vec<String> = hostile_values()
            .into_iter()
            .filter(|value| !value.contains(['\n', '\r']))
            .collect();
        let mut config = String::new();
        let mut credentials = String::new();
        let mut candidates = Vec::new();
        for (index, value) in values.iter().enumerate() {
            let name = format!("h{index}");
            config.push_str(&format!("[profile {name}]\nregion = {value}\n"));
            // Keys keep to AWS's alphabets (grant refuses any other credential
            // character); the hostile value rides in the region.
            credentials.push_str(&format!(
                "[{name}]\naws_access_key_id = AKIAH{index}\naws_secret_access_key = secret{index}\n"
            ));
            candidates.push((name, value.clone()));
            // The value as a profile name, where the reader takes it as one.
            if is_a_profile_name(env, value) {
                config.push_str(&format!("[profile {value}]\nregion = n{index}\n"));
                credentials.push_str(&format!(
                    "[{value}]\naws_access_key_id = n{index}\naws_secret_access_key = s\n"
                ));
            }
        }
        env.write_aws_config(&config);
        env.write_aws_credentials(&credentials);
        let files = grant::testing::config::AwsFiles::load_from(
            &env.aws_config_path(),
            &env.aws_credentials_path(),
        )
        .expect("the hostile files parse");
        let names = files.profile_names();
        let mut profiles: Vec<(String, String)> = candidates
            .into_iter()
            .filter(|(name, value)| {
                let section = files.profile(name).unwrap().unwrap();
                section.get("region") == Some(value.as_str())
            })
            .collect();
        let verbatim_values = profiles.len();
        for (index, value) in values.iter().enumerate() {
            let region = format!("n{index}");
            let usable = names.contains(value.as_str())
                && files
                    .profile(value)
                    .unwrap()
                    .is_some_and(|section| section.get("region") == Some(region.as_str()));
            // A name that starts with `-` reads as an option, in assume as in any CLI.
            if usable && !value.is_empty() && !value.starts_with('-') {
                profiles.push((value.clone(), region));
            }
        }
        // Profile names keep to the SDKs' set (`[A-Za-z0-9_\-/.%@:+]`), so few
        // hostile values are names.
        let hostile_names = profiles.len() - verbatim_values;
        assert!(
            verbatim_values >= 30 && hostile_names >= 3,
            "too few hostile values survive the config reader: {verbatim_values} values, {hostile_names} names"
        );
        HostileProfiles { profiles }
    }
}

/// Whether the config reader takes `[profile NAME]` as the profile NAME.
fn is_a_profile_name(env: &TestEnv, name: &str) -> bool {
    let probe = env.tmp_dir.join("probe");
    std::fs::write(&probe, format!("[profile {name}]\nregion = x\n")).unwrap();
    grant::testing::config::AwsFiles::load_from(&probe, &env.tmp_dir.join("none"))
        .is_ok_and(|files| files.profile_names().contains(name))
}

fn carries_hostile_input_as_data(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let env = TestEnv::new();
    std::fs::write(env.home.join(KEEP), "").unwrap();
    let mut hostile = HostileProfiles::write(&env);
    if real.shell == Shell::Tcsh {
        refuses_what_tcsh_cannot_carry(&env, &mut hostile);
    }
    let outputs = Outputs::new(&env);
    prepare_init(&env, real);
    let mut lines = vec![init_line(real)];
    for (index, (name, _)) in hostile.profiles.iter().enumerate() {
        lines.push(format!(
            "assume {}; {}",
            real.shell.quote(name).unwrap(),
            real.record_environment(&index.to_string())
        ));
    }
    lines.push(format!(
        "assume --unset; {}",
        real.record_environment("unset")
    ));
    let output = run_script(&env, real, &outputs, &lines);
    script_succeeded(real, &output);
    for (index, (name, value)) in hostile.profiles.iter().enumerate() {
        let environment = outputs.environment(&index.to_string());
        assert_eq!(&environment["GRANT_PROFILE"], name, "{}", real.program);
        if let Some(profile) = environment.get("AWS_PROFILE") {
            assert_eq!(profile, name, "{}", real.program);
        }
        if name.starts_with('h') && name[1..].bytes().all(|b| b.is_ascii_digit()) {
            assert_eq!(
                &environment["AWS_REGION"], value,
                "{}: region",
                real.program
            );
            let index = &name[1..];
            assert_eq!(
                environment["AWS_ACCESS_KEY_ID"],
                format!("AKIAH{index}"),
                "{}: key",
                real.program
            );
            assert_eq!(
                environment["AWS_SECRET_ACCESS_KEY"],
                format!("secret{index}"),
                "{}: secret",
                real.program
            );
        } else {
            assert_eq!(
                &environment["AWS_REGION"], value,
                "{}: region",
                real.program
            );
        }
    }
    assert_absent(&outputs.environment("unset"), &ASSUME_VARIABLES, "unset");
    assert!(
        !env.home.join(CANARY).exists(),
        "code hidden in a profile ran in {}",
        real.program
    );
    assert!(
        env.home.join(KEEP).exists(),
        "code hidden in a profile ran in {}",
        real.program
    );
}

/// Granted's semantics in nushell and tcsh, whose syntax the bash script above does not
/// share: AWS_PROFILE only, -x, a region, switching back, --unset, --exec, and a
/// failed assume that leaves the shell as it was.
fn switches_profiles_in(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let fake = FakeAws::start();
    let env = signed_in(&fake, "");
    let outputs = Outputs::new(&env);
    prepare_init(&env, real);
    let record = |label: &str| real.record_environment(label);
    let stale = match real.shell {
        Shell::Nu => "$env.AWS_SESSION_TOKEN = 'stale'",
        _ => "setenv AWS_SESSION_TOKEN stale",
    };
    let lines = [
        init_line(real),
        stale.to_owned(),
        format!("assume dev; {}", record("profile")),
        format!("assume -x dev; {}", record("keys")),
        format!("assume -r us-west-2 dev; {}", record("region")),
        format!("assume dev; {}", record("back")),
        format!("assume --unset; {}", record("unset")),
        r#"assume dev --exec -- sh -c 'printf %s "$AWS_ACCESS_KEY_ID" > "$OUT/exec-key"'"#
            .to_owned(),
        record("after-exec"),
        "assume no-such-profile".to_owned(),
        record("after-unknown"),
    ];
    let output = run_script(&env, real, &outputs, &lines);
    script_succeeded(real, &output);
    assert_eq!(
        stdout(&output),
        "",
        "{}: nothing but --exec's command on stdout",
        real.program
    );

    let profile = outputs.environment("profile");
    assert_eq!(profile["AWS_PROFILE"], "dev", "{}", real.program);
    assert_eq!(profile["AWS_REGION"], "eu-west-1");
    assert_absent(&profile, &KEY_VARIABLES, "assume dev");

    let keys = outputs.environment("keys");
    let issued = fake.issued_secrets();
    assert!(
        issued.contains(&keys["AWS_SECRET_ACCESS_KEY"]),
        "{}",
        real.program
    );
    assert!(issued.contains(&keys["AWS_SESSION_TOKEN"]));
    assert_absent(&keys, &["AWS_PROFILE"], "assume -x dev");
    assert_eq!(keys["GRANT_PROFILE"], "dev");
    assert!(keys["GRANT_EXPIRES"].parse::<i64>().is_ok());

    let region = outputs.environment("region");
    assert_eq!(region["AWS_REGION"], "us-west-2");
    assert_eq!(region["AWS_DEFAULT_REGION"], "us-west-2");
    assert_absent(&region, &KEY_VARIABLES, "assume -r, after -x");

    let back = outputs.environment("back");
    assert_eq!(
        back["AWS_REGION"], "eu-west-1",
        "{}: switched back",
        real.program
    );
    assert_eq!(back["AWS_PROFILE"], "dev");

    assert_absent(
        &outputs.environment("unset"),
        &ASSUME_VARIABLES,
        "assume --unset",
    );
    assert_eq!(outputs.text("exec-key"), keys["AWS_ACCESS_KEY_ID"]);
    assert_absent(
        &outputs.environment("after-exec"),
        &ASSUME_VARIABLES,
        "after --exec",
    );
    assert_absent(
        &outputs.environment("after-unknown"),
        &ASSUME_VARIABLES,
        "a failed assume",
    );
    let errors = stderr(&output);
    assert!(
        errors.contains("profile 'no-such-profile' is not in the AWS config"),
        "{}: {errors}",
        real.program
    );
    assert!(
        errors.contains("grant: assumed dev (account 111111111111"),
        "{errors}"
    );
}

#[test]
fn nu_switches_profiles() {
    switches_profiles_in(&NU);
}

#[test]
fn tcsh_switches_profiles() {
    switches_profiles_in(&TCSH);
}

/// tcsh takes no value outside ASCII: those profiles get the one-line refusal and no
/// code; the rest stay for the real shell.
fn refuses_what_tcsh_cannot_carry(env: &TestEnv, hostile: &mut HostileProfiles) {
    let (carried, refused): (Vec<_>, Vec<_>) = hostile
        .profiles
        .drain(..)
        .partition(|(name, value)| name.is_ascii() && value.is_ascii());
    assert!(!refused.is_empty() && carried.len() > 50);
    for (name, _) in &refused {
        let output = env
            .grant()
            .args(["assume", "--shell", "tcsh", "-x", name])
            .output()
            .unwrap();
        let error = failure(&output);
        assert!(
            error.contains("which tcsh cannot be given as data"),
            "{error}"
        );
        assert_eq!(error.lines().count(), 1, "{error}");
        assert!(output.stdout.is_empty(), "no code when a value is refused");
    }
    hostile.profiles = carried;
}

#[test]
fn bash_carries_hostile_names_and_values_as_data() {
    carries_hostile_input_as_data(&BASH);
}

#[test]
fn zsh_carries_hostile_names_and_values_as_data() {
    carries_hostile_input_as_data(&ZSH);
}

#[test]
fn fish_carries_hostile_names_and_values_as_data() {
    carries_hostile_input_as_data(&FISH);
}

#[test]
fn nu_carries_hostile_names_and_values_as_data() {
    carries_hostile_input_as_data(&NU);
}

#[test]
fn tcsh_carries_hostile_names_and_values_as_data() {
    carries_hostile_input_as_data(&TCSH);
}

/// Keys that expire within five minutes are renewed before the next command line.
fn hook_renews_expiring_keys(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let (fake, env) = signed_in_with_expiring_keys();
    let outputs = Outputs::new(&env);
    let user_hook = match real.shell {
        // The user's hook sees the status of the command line, not the hook's.
        Shell::Bash => r#"PROMPT_COMMAND='echo "ran $?" >> "$OUT/user-hook"'"#,
        Shell::Zsh => {
            r#"autoload -Uz add-zsh-hook; mine() { echo ran >> "$OUT/user-hook"; }; add-zsh-hook preexec mine"#
        }
        Shell::Fish => {
            r#"function mine --on-event fish_preexec; echo ran >> "$OUT/user-hook"; end"#
        }
        Shell::Nu => {
            r#"$env.config.hooks.pre_execution = ($env.config.hooks.pre_execution | append {|| "ran\n" | save -a $"($env.OUT)/user-hook" })"#
        }
        Shell::Tcsh => r#"alias precmd 'echo ran >> "$OUT/user-hook"'"#,
        Shell::PowerShell => unreachable!("not installable here"),
    };
    let lines = |label: &str| {
        vec![
            user_hook.to_owned(),
            init_line(real),
            format!(
                "assume -x dev; {}",
                real.record_environment(&format!("{label}-first"))
            ),
            real.record_environment(&format!("{label}-second")),
            "false".to_owned(),
        ]
    };
    prepare_init(&env, real);

    let output = run_interactive(&env, real, &outputs, &lines("on"));
    let first = outputs.environment("on-first");
    let second = outputs.environment("on-second");
    let issued = fake.issued_secrets();
    assert!(issued.contains(&second["AWS_SECRET_ACCESS_KEY"]));
    assert_ne!(
        first["AWS_ACCESS_KEY_ID"], second["AWS_ACCESS_KEY_ID"],
        "{}: the hook renewed the keys",
        real.program
    );
    assert_ne!(first["GRANT_EXPIRES"], "");
    assert_eq!(second["GRANT_PROFILE"], "dev");
    assert!(
        !second.contains_key("AWS_PROFILE"),
        "keys without AWS_PROFILE"
    );
    let terminal = format!("{}{}", stdout(&output), stderr(&output));
    let grant_lines: Vec<&str> = terminal
        .split(['\n', '\r'])
        .filter(|line| line.starts_with("grant:"))
        .collect();
    let renewals = grant_lines
        .iter()
        .filter(|line| line.starts_with("grant: renewed the keys of dev, valid until "))
        .count();
    assert!(renewals >= 1, "{}: {grant_lines:?}", real.program);
    assert!(
        grant_lines.iter().all(|line| {
            line.starts_with("grant: renewed the keys of dev, valid until ")
                || line.starts_with("grant: assumed dev ")
        }),
        "{}: the hook printed only its one line a renewal: {grant_lines:?}",
        real.program
    );
    let user_hook = outputs.text("user-hook");
    assert!(
        user_hook.lines().count() >= 2,
        "{}: the user's own hook still runs",
        real.program
    );
    if real.shell == Shell::Bash {
        assert!(
            user_hook.contains("ran 1"),
            "PROMPT_COMMAND still sees $?: {user_hook}"
        );
    }

    env.set_setting("AutoReassume", "false");
    prepare_init(&env, real);
    let output = run_interactive(&env, real, &outputs, &lines("off"));
    let first = outputs.environment("off-first");
    let second = outputs.environment("off-second");
    assert_eq!(first["AWS_ACCESS_KEY_ID"], second["AWS_ACCESS_KEY_ID"]);
    assert!(
        !first.contains_key("GRANT_EXPIRES"),
        "no hook without AutoReassume"
    );
    let terminal = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        !terminal.contains("renewed"),
        "{}: {terminal}",
        real.program
    );
}

#[test]
fn bash_hook_renews_expiring_keys() {
    hook_renews_expiring_keys(&BASH);
}

#[test]
fn zsh_hook_renews_expiring_keys() {
    hook_renews_expiring_keys(&ZSH);
}

#[test]
fn fish_hook_renews_expiring_keys() {
    hook_renews_expiring_keys(&FISH);
}

#[test]
fn tcsh_hook_renews_expiring_keys() {
    hook_renews_expiring_keys(&TCSH);
}

/// Nushell's renewal hook (`pre_execution`), in a real terminal: nushell runs no
/// hooks for lines read from a pipe.
#[cfg(unix)]
#[test]
fn nu_hook_renews_expiring_keys() {
    if !NU.is_installed() || !crate::support::tool_is_installed("tmux", "tmux") {
        return;
    }
    let (fake, env) = signed_in_with_expiring_keys();
    let outputs = Outputs::new(&env);
    prepare_init(&env, &NU);
    let shell = Terminal::start(&env, &outputs, &NU, "renewal", &env.home);
    shell.type_line(
        r#"$env.config.hooks.pre_execution = ($env.config.hooks.pre_execution | append {|| "ran\n" | save -a $"($env.OUT)/user-hook" })"#,
    );
    shell.type_line(&init_line(&NU));
    shell.type_line("assume -x dev");
    let first = shell.record("first");
    let second = shell.record("second");
    assert!(
        fake.issued_secrets()
            .contains(&second["AWS_SECRET_ACCESS_KEY"])
    );
    assert_ne!(
        first["AWS_ACCESS_KEY_ID"], second["AWS_ACCESS_KEY_ID"],
        "the hook renewed the keys before the command"
    );
    assert!(!first["GRANT_EXPIRES"].is_empty());
    assert_eq!(second["GRANT_PROFILE"], "dev");
    assert!(
        !second.contains_key("AWS_PROFILE"),
        "keys without AWS_PROFILE"
    );
    let said = outputs.text("renewal.stderr");
    assert!(
        said.contains("grant: renewed the keys of dev, valid until "),
        "{said}"
    );
    assert!(
        outputs.text("user-hook").lines().count() >= 3,
        "the user's own hook still runs"
    );
}

/// Nushell's renewal check reads GRANT_EXPIRES as a base-10 number: 09 is long past
/// (the renewal, without an assumed profile, ends the watch), 0999999999999 far
/// ahead, and a value that is no number or is code renews nothing and runs nothing.
#[cfg(unix)]
#[test]
fn nu_hook_reads_grant_expires_as_a_number_and_nothing_else() {
    if !NU.is_installed() || !crate::support::tool_is_installed("tmux", "tmux") {
        return;
    }
    let env = TestEnv::new();
    let outputs = Outputs::new(&env);
    prepare_init(&env, &NU);
    let shell = Terminal::start(&env, &outputs, &NU, "expires", &env.home);
    shell.type_line(&init_line(&NU));
    let expires_after = |value: &str, label: &str| {
        let value = Shell::Nu.quote(value).unwrap();
        shell.type_line(&format!("$env.GRANT_EXPIRES = {value}"));
        shell.record(label).get("GRANT_EXPIRES").cloned()
    };
    assert_eq!(expires_after("09", "past"), None, "09 is in the past");
    let ahead = "0999999999999";
    assert_eq!(expires_after(ahead, "ahead").as_deref(), Some(ahead));
    for (i, value) in ["$(touch CANARY)", "1; touch CANARY", "1e99", "-"]
        .iter()
        .enumerate()
    {
        assert_eq!(
            expires_after(value, &format!("hostile-{i}")).as_deref(),
            Some(*value),
            "{value:?} is no time: the watch goes on"
        );
    }
    assert!(!env.home.join("CANARY").exists());
    let said = outputs.text("expires.stderr");
    assert!(!said.contains("Error"), "{said}");
}

/// A failed renewal says so once and stops the hook; the keys stay as they were.
#[test]
fn a_hook_that_cannot_renew_says_so_once() {
    if !is_available(&BASH) {
        return;
    }
    let (_fake, env) = signed_in_with_expiring_keys();
    let outputs = Outputs::new(&env);
    let lines = [
        init_line(&BASH),
        // The hook runs before the next prompt: by then the session is gone.
        r#"assume -x dev; grant sso logout --profile dev; env -0 > "$OUT/first""#.to_owned(),
        r#"env -0 > "$OUT/second""#.to_owned(),
        r#"env -0 > "$OUT/third""#.to_owned(),
    ];
    let output = run_interactive(&env, &BASH, &outputs, &lines);
    let first = outputs.environment("first");
    let third = outputs.environment("third");
    assert_eq!(first["AWS_ACCESS_KEY_ID"], third["AWS_ACCESS_KEY_ID"]);
    assert!(
        !third.contains_key("GRANT_EXPIRES"),
        "the hook stopped watching"
    );
    let errors = stderr(&output);
    let refusals: Vec<&str> = errors
        .lines()
        .filter(|line| line.contains("cannot renew"))
        .collect();
    assert_eq!(refusals.len(), 1, "{errors}");
    assert!(
        refusals[0].ends_with("run: assume -x dev"),
        "{}",
        refusals[0]
    );
}

/// Without a terminal there is no picker: an error at once, never a prompt.
#[test]
fn assume_without_a_profile_and_no_terminal_is_an_error() {
    let env = TestEnv::new();
    env.write_aws_config("[profile a]\nregion = eu-west-1\n");
    for ci in ["true", ""] {
        let child = env
            .grant()
            .args(["assume", "--shell", "bash"])
            .env("CI", ci)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = output_within(child, Duration::from_secs(10));
        let line = failure(&output);
        assert!(line.contains("give a profile: assume PROFILE"), "{line}");
    }
}

/// On a terminal (a pseudo-terminal from `script`), `assume` alone opens the fuzzy
/// picker; typing part of a name and Enter assumes that profile.
#[test]
fn assume_without_a_profile_picks_one_on_the_terminal() {
    if !script_is_installed() {
        return;
    }
    let env = TestEnv::new();
    env.write_aws_credentials(
        "[alpha]\naws_access_key_id = AKIAALPHA\naws_secret_access_key = a\n[bravo]\naws_access_key_id = AKIABRAVO\naws_secret_access_key = b\n",
    );
    let picked = env.tmp_dir.join("picked");
    let command = format!(
        "grant assume --shell bash > {}",
        Shell::Bash.quote(&picked.to_string_lossy()).unwrap()
    );
    let mut child = env
        .shell("script")
        .args(["-qec", &command, "/dev/null"])
        .env("CI", "")
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut keyboard = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        std::io::Write::write_all(&mut keyboard, b"brav").unwrap();
        std::thread::sleep(Duration::from_millis(300));
        std::io::Write::write_all(&mut keyboard, b"\r").unwrap();
        std::thread::sleep(Duration::from_secs(5));
    });
    let output = output_within(child, Duration::from_secs(20));
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(
        terminal.contains("Profile"),
        "the picker showed: {terminal}"
    );
    let script = std::fs::read_to_string(&picked).unwrap();
    assert!(script.contains("export GRANT_PROFILE='bravo';"), "{script}");
    assert!(
        script.contains("export AWS_ACCESS_KEY_ID='AKIABRAVO';"),
        "{script}"
    );
}

#[test]
fn assume_outside_the_shell_integration_says_how_to_set_it_up() {
    let env = TestEnv::new();
    env.write_aws_credentials("[s]\naws_access_key_id = A\naws_secret_access_key = B\n");
    let line = failure(&env.run(&["assume", "s"]));
    assert!(line.contains(r#"eval "$(grant init bash)""#), "{line}");
    let exec = env.run(&[
        "assume",
        "s",
        "--exec",
        "--",
        "sh",
        "-c",
        "echo $AWS_ACCESS_KEY_ID",
    ]);
    assert_eq!(success(&exec), "A\n");
}

#[test]
fn duration_and_mfa_token_reach_assume_role() {
    let fake = FakeAws::start();
    let env = signed_in(
        &fake,
        "[profile chained]\nrole_arn = arn:aws:iam::333333333333:role/Deploy\nsource_profile = dev\nregion = eu-west-1\n[profile with-mfa]\nrole_arn = arn:aws:iam::333333333333:role/Guarded\nsource_profile = dev\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n",
    );
    let script = success(&env.run(&["assume", "--shell", "bash", "-d", "2h", "chained"]));
    assert!(script.contains("export GRANT_DURATION='7200';"), "{script}");
    let calls = fake.assume_role_calls();
    assert_eq!(
        calls.last().unwrap().duration_seconds.as_deref(),
        Some("7200"),
        "{calls:?}"
    );
    let line = failure(&env.run(&["assume", "--shell", "bash", "-d", "2h", "dev"]));
    assert!(
        line.contains("--duration sets the session length of a role_arn profile"),
        "{line}"
    );
}

fn export_line(real: &RealShell, name: &str, value: &str) -> String {
    let value = real.shell.quote(value).unwrap();
    match real.shell {
        Shell::Fish => format!("set -gx {name} {value}"),
        _ => format!("export {name}={value}"),
    }
}

/// GRANT_EXPORTED is the shell's, so anyone can write to it: assume unsets only the
/// names it may set itself, never PATH or HOME.
fn grant_exported_unsets_only_grants_names(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let fake = FakeAws::start();
    let env = signed_in(&fake, "");
    let outputs = Outputs::new(&env);
    let lines = [
        init_line(real),
        export_line(real, "GRANT_EXPORTED", "PATH:HOME PATH HOME AWS_REGION"),
        export_line(real, "AWS_REGION", "ap-south-1"),
        r#"assume --unset; env -0 > "$OUT/unset""#.to_owned(),
        export_line(real, "GRANT_EXPORTED", "PATH HOME"),
        r#"assume dev; env -0 > "$OUT/assumed""#.to_owned(),
    ];
    let output = run_script(&env, real, &outputs, &lines);
    script_succeeded(real, &output);
    for step in ["unset", "assumed"] {
        let environment = outputs.environment(step);
        assert_eq!(
            environment.get("HOME").map(PathBuf::from),
            Some(env.home.clone()),
            "{}: {step} left HOME",
            real.program
        );
        assert!(
            environment.get("PATH").is_some_and(|path| !path.is_empty()),
            "{}: {step} left PATH",
            real.program
        );
    }
    assert_absent(
        &outputs.environment("unset"),
        &["AWS_REGION", "GRANT_EXPORTED"],
        "assume --unset of grant's own names",
    );
    assert_eq!(outputs.environment("assumed")["AWS_PROFILE"], "dev");
}

#[test]
fn bash_grant_exported_unsets_only_grants_names() {
    grant_exported_unsets_only_grants_names(&BASH);
}

#[test]
fn zsh_grant_exported_unsets_only_grants_names() {
    grant_exported_unsets_only_grants_names(&ZSH);
}

#[test]
fn fish_grant_exported_unsets_only_grants_names() {
    grant_exported_unsets_only_grants_names(&FISH);
}

/// What a shell prints when its arithmetic or `test` cannot read a number.
const NUMBER_ERRORS: [&str; 6] = [
    "value too great",
    "bad math",
    "error",
    "invalid",
    "Number",
    "octal",
];

/// The hook reads GRANT_EXPIRES as base 10: 09 is 9 (long past, so the hook asks
/// for a renewal, which without an assumed profile just ends the watch), and
/// 0999999999999 is far ahead (the watch goes on); neither prints a word.
fn hook_reads_grant_expires_in_base_10(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let env = TestEnv::new();
    let outputs = Outputs::new(&env);
    let lines = [
        init_line(real),
        export_line(real, "GRANT_EXPIRES", "09"),
        "true".to_owned(),
        r#"env -0 > "$OUT/past""#.to_owned(),
        export_line(real, "GRANT_EXPIRES", "0999999999999"),
        "true".to_owned(),
        r#"env -0 > "$OUT/ahead""#.to_owned(),
    ];
    let output = run_interactive(&env, real, &outputs, &lines);
    let terminal = format!("{}{}", stdout(&output), stderr(&output));
    for error in NUMBER_ERRORS {
        assert!(
            !terminal.contains(error),
            "{}: the hook printed an error: {terminal}",
            real.program
        );
    }
    assert_absent(
        &outputs.environment("past"),
        &["GRANT_EXPIRES"],
        "GRANT_EXPIRES=09 is in the past",
    );
    assert_eq!(
        outputs.environment("ahead")["GRANT_EXPIRES"],
        "0999999999999",
        "{}: far ahead, the watch goes on",
        real.program
    );
}

#[test]
fn bash_hook_reads_grant_expires_in_base_10() {
    hook_reads_grant_expires_in_base_10(&BASH);
}

#[test]
fn zsh_hook_reads_grant_expires_in_base_10() {
    hook_reads_grant_expires_in_base_10(&ZSH);
}

/// zsh's OCTAL_ZEROES reads 09 as bad octal in arithmetic; the hook must not.
#[test]
fn zsh_hook_reads_grant_expires_in_base_10_with_octal_zeroes() {
    hook_reads_grant_expires_in_base_10(&RealShell {
        options: &["-f", "-o", "octalzeroes"],
        ..ZSH
    });
}

#[test]
fn fish_hook_reads_grant_expires_in_base_10() {
    hook_reads_grant_expires_in_base_10(&FISH);
}

/// A second load of the integration (`source ~/.bashrc` again) adds no second hook:
/// each runs once a prompt, whatever PROMPT_COMMAND held before, string or array.
#[test]
fn bash_integration_loaded_twice_hooks_each_prompt_once() {
    if !is_available(&BASH) {
        return;
    }
    let env = TestEnv::new();
    let init = env.tmp_dir.join("grant-init.bash");
    std::fs::write(
        &init,
        success(&env.grant().args(["init", "bash"]).output().unwrap()),
    )
    .unwrap();
    let script = r#"
        PROMPT_COMMAND='mine'; source "$1"; source "$1"; echo "${PROMPT_COMMAND[*]}"
        PROMPT_COMMAND=(mine theirs); source "$1"; source "$1"; echo "${PROMPT_COMMAND[*]}"
    "#;
    let output = env
        .shell("bash")
        .args(["-c", script, "bash"])
        .arg(&init)
        .output()
        .unwrap();
    assert_eq!(
        success(&output),
        "__grant_directory_hook;__grant_hook;mine\n__grant_directory_hook __grant_hook mine theirs\n"
    );
}

/// Nushell's integration, loaded twice, adds each of its hooks once, after the
/// user's, with the code it says: the renewal before a command, and at a prompt
/// the walk up, then the code that enters or leaves a tree. With
/// AutoAssumeDirectory=false only the directory's are left out.
#[test]
fn nu_integration_loaded_twice_adds_each_hook_once() {
    if !NU.is_installed() {
        return;
    }
    let env = TestEnv::new();
    let hooks_after_loading_twice = || {
        prepare_init(&env, &NU);
        let line = init_line(&NU);
        let script = format!(
            "$env.config.hooks.pre_prompt = [{{|| 'mine' }}]\n{line}\n{line}\n\
             let hooks = $env.config.hooks\n\
             print ($hooks.pre_execution | length) ($hooks.pre_prompt | length)\n\
             print ($hooks.pre_execution.0.code | str contains 'assume --reassume')\n\
             print ($hooks.pre_prompt | skip 1 | each {{ $in.code | str contains '.aws-profile' }} | to nuon)\n\
             print ($hooks.pre_prompt | skip 2 | each {{ $in.code | str contains '__grant_directory_enter' }} | to nuon)\n"
        );
        let output = env
            .shell(NU.program)
            .args(["--no-config-file", "-c", &script])
            .output()
            .unwrap();
        success(&output).replace(char::is_whitespace, "")
    };
    assert_eq!(hooks_after_loading_twice(), "13true[true,false][true]");
    env.set_setting("AutoAssumeDirectory", "false");
    assert_eq!(hooks_after_loading_twice(), "11true[][]");
}

/// Run without its shell function, `grant assume` says how to load it in the shell
/// the person starts (`SHELL`), and `assume -c` through an old function in that
/// function's own shell.
#[test]
fn without_its_function_assume_names_the_line_for_ones_shell() {
    let env = TestEnv::new();
    env.write_aws_config("[profile dev]\nregion = eu-west-1\n");
    let bare = failure(
        &env.grant()
            .args(["assume", "dev"])
            .env("SHELL", "/usr/bin/zsh")
            .output()
            .unwrap(),
    );
    assert!(
        bare.contains("add eval \"$(grant init zsh)\" to ~/.zshrc"),
        "{bare}"
    );
    let old_function = failure(&env.run(&["assume", "--shell", "fish", "-c", "dev"]));
    assert!(
        old_function.contains(
            "load the integration again (add grant init fish | source to ~/.config/fish/config.fish"
        ),
        "{old_function}"
    );
}
