//! `grant settings`: list, get and set against a real config.toml.

use std::fs;
#[cfg(unix)]
use std::path::Path;

use crate::support::{TestEnv, failure, success};

const DEFAULTS: &str = "\
CredentialProcessAutoLogin = false
DefaultExportAllEnvVar = false
AutoReassume = true
AutoAssumeDirectory = true
ExportSSOToken = false
DefaultBrowser = DEFAULT
CustomBrowserPath = (not set)
ConsoleBrowserIsolation = auto
DefaultSSOStartURL = (not set)
DefaultSSORegion = (not set)
MFA.YubiKey = false
RoleSessionName = (not set)
SourceIdentity = (not set)
Keyring.Backend = auto
";

fn config_file(env: &TestEnv) -> std::path::PathBuf {
    env.config_dir.join("config.toml")
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn list_shows_the_defaults() {
    let env = TestEnv::new();
    assert_eq!(success(&env.run(&["settings"])), DEFAULTS);
    assert_eq!(success(&env.run(&["settings", "list"])), DEFAULTS);
}

#[test]
fn reading_creates_no_file_or_folder() {
    let env = TestEnv::new();
    let home_before = fs::read_dir(&env.home).unwrap().count();
    success(&env.run(&["settings", "list"]));
    success(&env.run(&["settings", "get", "DefaultBrowser"]));
    assert!(!env.config_dir.exists());
    assert!(!env.config_dir.parent().unwrap().exists());
    let output = env
        .grant()
        .env_remove("GRANT_CONFIG_DIR")
        .args(["settings", "list"])
        .output()
        .unwrap();
    success(&output);
    assert!(!env.home.join(".config").exists());
    assert_eq!(fs::read_dir(&env.home).unwrap().count(), home_before);
}

#[test]
fn set_then_get_round_trips_every_kind_in_both_spellings() {
    let env = TestEnv::new();
    let cases = [
        ("CredentialProcessAutoLogin", "TRUE", "true"),
        ("DefaultExportAllEnvVar", "true", "true"),
        ("AutoReassume", "false", "false"),
        ("ExportSSOToken", "true", "true"),
        ("DefaultBrowser", "firefox", "FIREFOX"),
        (
            "CustomBrowserPath",
            "/opt/my browser/open",
            "/opt/my browser/open",
        ),
        (
            "DefaultSSOStartURL",
            "https://example.awsapps.com/start",
            "https://example.awsapps.com/start",
        ),
        ("DefaultSSORegion", "us-gov-west-1", "us-gov-west-1"),
        ("Keyring.Backend", "Kernel-Keyring", "kernel-keyring"),
    ];
    for (index, (name, input, stored)) in cases.into_iter().enumerate() {
        let output = if index % 2 == 0 {
            env.run(&["settings", "set", "--setting", name, "--value", input])
        } else {
            env.run(&[
                "settings",
                "set",
                &format!("--setting={name}"),
                &format!("--value={input}"),
            ])
        };
        assert_eq!(success(&output), "", "the confirmation goes to stderr");
        let confirmation = crate::support::stderr(&output);
        assert!(
            confirmation.contains(&format!("{name} = {stored}")),
            "{confirmation}"
        );
        assert_eq!(
            success(&env.run(&["settings", "get", name])),
            format!("{stored}\n")
        );
    }
    let listed = success(&env.run(&["settings", "list"]));
    assert!(listed.contains("DefaultBrowser = FIREFOX\n"), "{listed}");
    assert!(
        listed.contains("Keyring.Backend = kernel-keyring\n"),
        "{listed}"
    );
}

#[test]
fn names_are_case_insensitive() {
    let env = TestEnv::new();
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "defaultbrowser",
        "--value",
        "stdout",
    ]));
    assert_eq!(
        success(&env.run(&["settings", "get", "DEFAULTBROWSER"])),
        "STDOUT\n"
    );
    let text = fs::read_to_string(config_file(&env)).unwrap();
    assert_eq!(text, "DefaultBrowser = \"STDOUT\"\n");
}

#[cfg(unix)]
#[test]
fn the_file_is_private_and_holds_the_value() {
    let env = TestEnv::new();
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "DefaultSSORegion",
        "--value",
        "eu-central-2",
    ]));
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "Keyring.Backend",
        "--value",
        "secret-service",
    ]));
    let path = config_file(&env);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&env.config_dir), 0o700);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "DefaultSSORegion = \"eu-central-2\"\n\n[Keyring]\nBackend = \"secret-service\"\n"
    );
}

#[test]
fn set_keeps_comments_and_other_keys() {
    let env = TestEnv::new();
    fs::create_dir_all(&env.config_dir).unwrap();
    env.written_by_the_test(&env.config_dir);
    let original = "# chosen by hand\nAutoReassume = true # on purpose\nSomethingNew = 3\n";
    fs::write(config_file(&env), original).unwrap();
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "AutoReassume",
        "--value",
        "false",
    ]));
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "DefaultBrowser",
        "--value",
        "brave",
    ]));
    assert_eq!(
        fs::read_to_string(config_file(&env)).unwrap(),
        "# chosen by hand\nAutoReassume = false # on purpose\nSomethingNew = 3\nDefaultBrowser = \"BRAVE\"\n"
    );
}

#[test]
fn an_empty_value_restores_the_default() {
    let env = TestEnv::new();
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "DefaultSSOStartURL",
        "--value",
        "https://x.awsapps.com/start",
    ]));
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "AutoReassume",
        "--value",
        "false",
    ]));
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "DefaultSSOStartURL",
        "--value",
        "",
    ]));
    success(&env.run(&["settings", "set", "--setting=AutoReassume", "--value="]));
    assert_eq!(
        success(&env.run(&["settings", "get", "DefaultSSOStartURL"])),
        "\n"
    );
    assert_eq!(
        success(&env.run(&["settings", "get", "AutoReassume"])),
        "true\n"
    );
    assert_eq!(fs::read_to_string(config_file(&env)).unwrap(), "");
}

#[test]
fn an_unknown_name_lists_the_valid_ones() {
    let env = TestEnv::new();
    let line = failure(&env.run(&[
        "settings",
        "set",
        "--setting",
        "DefaultBrowsr",
        "--value",
        "CHROME",
    ]));
    assert!(
        line.contains("unknown setting 'DefaultBrowsr' (did you mean 'DefaultBrowser'?)"),
        "{line}"
    );
    assert!(
        line.contains(
            "valid settings: CredentialProcessAutoLogin, DefaultExportAllEnvVar, AutoReassume"
        ),
        "{line}"
    );
    assert!(line.contains("Keyring.Backend"), "{line}");
    let line = failure(&env.run(&["settings", "get", "Nope"]));
    assert!(
        line.contains("unknown setting 'Nope'; valid settings: "),
        "{line}"
    );
    assert!(!config_file(&env).exists());
}

#[test]
fn a_wrong_type_says_what_is_expected() {
    let env = TestEnv::new();
    let refused = |name: &str, value: &str| {
        failure(&env.run(&["settings", "set", "--setting", name, "--value", value]))
    };
    let line = refused("DefaultExportAllEnvVar", "maybe");
    assert!(
        line.ends_with("DefaultExportAllEnvVar expects true or false, got 'maybe'"),
        "{line}"
    );
    let line = refused("DefaultBrowser", "opera");
    assert!(
        line.contains("expects one of DEFAULT, STDOUT, CHROME"),
        "{line}"
    );
    let line = refused("DefaultSSOStartURL", "example.awsapps.com/start");
    assert!(
        line.contains("expects an http:// or https:// URL"),
        "{line}"
    );
    let line = refused("DefaultSSORegion", "US-EAST-1");
    assert!(
        line.contains("expects an AWS region in lowercase, such as us-east-1"),
        "{line}"
    );
    let line = refused("Keyring.Backend", "vault");
    assert!(line.contains("expects one of auto, keychain, windows-credential-manager, secret-service, kernel-keyring, agent"), "{line}");
    assert!(
        !config_file(&env).exists(),
        "nothing is written for a refused value"
    );
}

#[test]
fn a_wrong_type_in_the_file_names_file_and_setting() {
    let env = TestEnv::new();
    fs::create_dir_all(&env.config_dir).unwrap();
    env.written_by_the_test(&env.config_dir);
    fs::write(config_file(&env), "AutoReassume = \"yes\"\n").unwrap();
    let line = failure(&env.run(&["settings", "list"]));
    let expected = format!(
        "{}: AutoReassume expects true or false, got the string \"yes\"",
        config_file(&env).display()
    );
    assert!(line.ends_with(&expected), "{line}");
    // The broken value can still be fixed with `set`.
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "AutoReassume",
        "--value",
        "false",
    ]));
    assert_eq!(
        success(&env.run(&["settings", "get", "AutoReassume"])),
        "false\n"
    );
}

#[test]
fn a_malformed_file_gives_path_and_line() {
    let env = TestEnv::new();
    fs::create_dir_all(&env.config_dir).unwrap();
    env.written_by_the_test(&env.config_dir);
    fs::write(
        config_file(&env),
        "# settings\nAutoReassume = true\nDefaultBrowser = [\n",
    )
    .unwrap();
    let expected = format!("{}:3: ", config_file(&env).display());
    for args in [
        &["settings", "list"][..],
        &["settings", "get", "AutoReassume"],
        &[
            "settings",
            "set",
            "--setting",
            "AutoReassume",
            "--value",
            "false",
        ],
    ] {
        let line = failure(&env.run(args));
        assert!(line.contains(&expected), "{line}");
    }
}

#[test]
fn grant_config_dir_moves_the_file() {
    let env = TestEnv::new();
    success(&env.run(&[
        "settings",
        "set",
        "--setting",
        "ExportSSOToken",
        "--value",
        "true",
    ]));
    assert!(config_file(&env).exists());
    assert!(!env.home.join(".config/grant/config.toml").exists());
}

#[test]
fn without_grant_config_dir_xdg_config_home_then_dot_config_are_used() {
    let env = TestEnv::new();
    let xdg = env.home.join("xdg");
    let output = env
        .grant()
        .env_remove("GRANT_CONFIG_DIR")
        .env("XDG_CONFIG_HOME", &xdg)
        .args([
            "settings",
            "set",
            "--setting",
            "DefaultBrowser",
            "--value",
            "safari",
        ])
        .output()
        .unwrap();
    success(&output);
    assert!(xdg.join("grant/config.toml").exists());
    assert!(!config_file(&env).exists());

    let output = env
        .grant()
        .env_remove("GRANT_CONFIG_DIR")
        .args([
            "settings",
            "set",
            "--setting",
            "DefaultBrowser",
            "--value",
            "edge",
        ])
        .output()
        .unwrap();
    success(&output);
    let text = fs::read_to_string(env.home.join(".config/grant/config.toml")).unwrap();
    assert_eq!(text, "DefaultBrowser = \"EDGE\"\n");
    let output = env
        .grant()
        .env_remove("GRANT_CONFIG_DIR")
        .args(["settings", "get", "DefaultBrowser"])
        .output()
        .unwrap();
    assert_eq!(success(&output), "EDGE\n");
}

/// A mistake in the arguments is one line whose usage names `grant`, whatever the
/// binary's file is called (`grant.exe` on Windows); so does the help.
#[test]
fn usage_names_grant_whatever_the_file_is_called() {
    let env = TestEnv::new();
    let renamed = env.tmp_dir.join("grant.exe");
    std::fs::copy(env!("CARGO_BIN_EXE_grant"), &renamed).unwrap();
    env.written_by_the_test(&renamed);
    let run = |args: &[&str]| env.grant_binary(&renamed).args(args).output().unwrap();
    let mistake = failure(&run(&["settings", "nope"]));
    assert!(
        mistake.contains("(usage: grant settings [COMMAND]; more with --help)"),
        "{mistake}"
    );
    let help = String::from_utf8(run(&["--help"]).stdout).unwrap();
    assert!(help.contains("Usage: grant <COMMAND>"), "{help}");
    assert!(!help.contains("grant.exe"), "{help}");
}
