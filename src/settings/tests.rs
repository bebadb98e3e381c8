//! Tests of the settings: the registry, values, and the file.
use std::fs;

use super::file::*;
use super::values::*;
use super::*;

fn setting(name: &str) -> &'static Setting {
    find_setting(name).unwrap()
}

fn load_text(text: &str) -> Result<Settings, SettingsError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(CONFIG_FILE_NAME);
    fs::write(&path, text).unwrap();
    Settings::load_from(&path)
}

fn edit(text: &str, name: &str, value: &str) -> String {
    let setting = setting(name);
    let value = setting.parse_value(value).unwrap();
    edit_settings_text(Path::new("c.toml"), text, setting, Some(&value)).unwrap()
}

#[test]
fn every_default_is_valid_and_getters_match_the_registry() {
    for setting in SETTINGS {
        if setting.default.is_some() {
            assert!(setting.default_value().is_some(), "{}", setting.name);
        }
        assert!(!setting.description.is_empty());
    }
    let defaults = Settings::default();
    assert!(!defaults.credential_process_auto_login());
    assert!(!defaults.default_export_all_env_var());
    assert!(defaults.auto_reassume());
    assert!(!defaults.export_sso_token());
    assert_eq!(defaults.default_browser(), Browser::Default);
    assert_eq!(defaults.custom_browser_path(), None);
    assert_eq!(defaults.default_sso_start_url(), None);
    assert_eq!(defaults.default_sso_region(), None);
    assert_eq!(defaults.keyring_backend(), KeyringBackend::Auto);
    assert!(defaults.auto_assume_directory());
}

#[test]
fn names_are_case_insensitive_and_canonicalised() {
    assert_eq!(
        setting("defaultexportallenvvar").name,
        "DefaultExportAllEnvVar"
    );
    assert_eq!(setting("KEYRING.BACKEND").name, "Keyring.Backend");
}

#[test]
fn unknown_name_suggests_a_close_one_and_lists_all() {
    let message = find_setting("DefaultBrowsr").unwrap_err().to_string();
    assert!(message.starts_with("unknown setting 'DefaultBrowsr' (did you mean 'DefaultBrowser'?); valid settings: CredentialProcessAutoLogin, "), "{message}");
    assert!(message.ends_with("Keyring.Backend"), "{message}");
    let message = find_setting("backend").unwrap_err().to_string();
    assert!(
        message.contains("did you mean 'Keyring.Backend'"),
        "{message}"
    );
    let message = find_setting("Zzz").unwrap_err().to_string();
    assert!(
        message.starts_with("unknown setting 'Zzz'; valid settings: "),
        "{message}"
    );
}

#[test]
fn bools_accept_only_true_or_false() {
    let auto_login = setting("CredentialProcessAutoLogin");
    assert_eq!(auto_login.parse_value("TRUE").unwrap(), Value::Bool(true));
    assert_eq!(auto_login.parse_value("false").unwrap(), Value::Bool(false));
    for wrong in ["yes", "1", "", " true"] {
        assert!(auto_login.parse_value(wrong).is_err(), "{wrong:?}");
    }
    let message = setting("DefaultExportAllEnvVar")
        .parse_value("maybe")
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "DefaultExportAllEnvVar expects true or false, got 'maybe'"
    );
}

#[test]
fn choices_are_case_insensitive_and_stored_canonically() {
    assert_eq!(
        setting("DefaultBrowser").parse_value("firefox").unwrap(),
        Value::Text("FIREFOX".into())
    );
    assert_eq!(
        setting("Keyring.Backend")
            .parse_value("Secret-Service")
            .unwrap(),
        Value::Text("secret-service".into())
    );
    let message = setting("DefaultBrowser")
        .parse_value("opera")
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "DefaultBrowser expects one of DEFAULT, STDOUT, CHROME, CHROMIUM, FIREFOX, EDGE, BRAVE, SAFARI, CUSTOM, got 'opera'"
    );
}

#[test]
fn paths_urls_and_regions_are_checked() {
    let path = setting("CustomBrowserPath");
    assert!(path.parse_value("~/bin/open browser").is_ok());
    assert!(path.parse_value("a\nb").is_err());
    assert!(path.parse_value("a\0b").is_err());

    let url = setting("DefaultSSOStartURL");
    assert!(url.parse_value("https://example.awsapps.com/start").is_ok());
    assert!(url.parse_value("HTTP://localhost:8080/start#/").is_ok());
    for wrong in [
        "example.awsapps.com",
        "https://",
        "https://a b",
        "ftp://x",
        "https://x\n",
    ] {
        assert!(url.parse_value(wrong).is_err(), "{wrong:?}");
    }

    let region = setting("DefaultSSORegion");
    for good in [
        "us-east-1",
        "eu-central-2",
        "us-gov-west-1",
        "cn-north-1",
        "ap-southeast-4",
    ] {
        assert!(region.parse_value(good).is_ok(), "{good}");
    }
    for wrong in [
        "US-EAST-1",
        "us-east",
        "useast1",
        "u-east-1",
        "us--1",
        "us-east-1a",
        "us-east-",
    ] {
        assert!(region.parse_value(wrong).is_err(), "{wrong}");
    }
}

#[test]
fn a_missing_file_is_all_defaults_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("grant");
    let settings = Settings::load_from(&folder.join(CONFIG_FILE_NAME)).unwrap();
    assert_eq!(settings, Settings::default());
    assert!(!folder.exists());
}

#[test]
fn file_values_are_read_case_insensitively_and_unknown_keys_ignored() {
    let settings = load_text(
        "autoreassume = false\nDefaultBrowser = \"chrome\"\nFutureThing = [1, 2]\n\
         CustomBrowserPath = \"~/bin/b\"\nDefaultSSORegion = \"\"\n[keyring]\nbackend = \"kernel-keyring\"\n",
    )
    .unwrap();
    assert!(!settings.auto_reassume());
    assert_eq!(settings.default_browser(), Browser::Chrome);
    assert_eq!(
        settings.custom_browser_path(),
        Some(paths::home_dir().join("bin/b"))
    );
    assert_eq!(
        settings.default_sso_region(),
        None,
        "an empty string means not set"
    );
    assert_eq!(settings.keyring_backend(), KeyringBackend::KernelKeyring);
    assert!(settings.is_set_in_file(setting("DefaultBrowser")));
    assert!(!settings.is_set_in_file(setting("ExportSSOToken")));
}

#[test]
fn dotted_keys_and_inline_tables_work_too() {
    let settings = load_text("Keyring.Backend = \"keychain\"\n").unwrap();
    assert_eq!(settings.keyring_backend(), KeyringBackend::Keychain);
    let settings = load_text("Keyring = { Backend = \"secret-service\" }\n").unwrap();
    assert_eq!(settings.keyring_backend(), KeyringBackend::SecretService);
}

#[test]
fn wrong_types_in_the_file_name_the_file_and_the_setting() {
    let message = load_text("AutoReassume = \"yes\" # comment\n")
        .unwrap_err()
        .to_string();
    assert!(
        message
            .ends_with("config.toml: AutoReassume expects true or false, got the string \"yes\""),
        "{message}"
    );
    let message = load_text("DefaultBrowser = 3\n").unwrap_err().to_string();
    assert!(message.ends_with("DefaultBrowser expects one of DEFAULT, STDOUT, CHROME, CHROMIUM, FIREFOX, EDGE, BRAVE, SAFARI, CUSTOM, got the integer 3"), "{message}");
    let message = load_text("[DefaultSSORegion]\n").unwrap_err().to_string();
    assert!(message.ends_with("DefaultSSORegion expects an AWS region in lowercase, such as us-east-1 or us-gov-west-1, got a table"), "{message}");
    let message = load_text("DefaultSSORegion = \"Mars\"\n")
        .unwrap_err()
        .to_string();
    assert!(message.ends_with("got 'Mars'"), "{message}");
    let message = load_text("Keyring = \"x\"\n").unwrap_err().to_string();
    assert!(
        message.ends_with("config.toml: 'Keyring' must be a table, as it holds Keyring.Backend"),
        "{message}"
    );
}

#[test]
fn syntax_errors_give_path_and_line_on_one_line() {
    let message = load_text("# settings\nAutoReassume = true\nDefaultBrowser = \n")
        .unwrap_err()
        .to_string();
    assert!(message.contains("config.toml:3: "), "{message}");
    assert!(!message.contains('\n'), "{message}");
    let message = load_text("a = 1\na = 2\n").unwrap_err().to_string();
    assert!(message.contains("config.toml:2: "), "{message}");
}

#[test]
fn edits_keep_comments_order_and_unknown_keys() {
    let text = "# my settings\nFutureThing = 1 # later\nAutoReassume = true # keep me\n\n[Other]\nx = \"y\"\n";
    let edited = edit(text, "autoreassume", "FALSE");
    assert_eq!(
        edited,
        "# my settings\nFutureThing = 1 # later\nAutoReassume = false # keep me\n\n[Other]\nx = \"y\"\n"
    );
    let edited = edit(&edited, "DefaultBrowser", "brave");
    assert!(
        edited.contains("AutoReassume = false # keep me\nDefaultBrowser = \"BRAVE\"\n"),
        "{edited}"
    );
    let edited = edit(&edited, "Keyring.Backend", "keychain");
    assert!(
        edited.ends_with("[Other]\nx = \"y\"\n\n[Keyring]\nBackend = \"keychain\"\n"),
        "{edited}"
    );
}

#[test]
fn edits_reuse_the_files_spelling_and_tables() {
    let edited = edit(
        "defaultbrowser = \"CHROME\"\n[keyring]\nbackend = \"auto\"\n",
        "DefaultBrowser",
        "edge",
    );
    assert_eq!(
        edited,
        "defaultbrowser = \"EDGE\"\n[keyring]\nbackend = \"auto\"\n"
    );
    let edited = edit(
        "Keyring.Backend = \"auto\"\n",
        "Keyring.Backend",
        "kernel-keyring",
    );
    assert_eq!(edited, "Keyring.Backend = \"kernel-keyring\"\n");
}

#[test]
fn removing_a_value_restores_the_default() {
    let path = Path::new("c.toml");
    let text = "AutoReassume = false\nDefaultBrowser = \"EDGE\"\n";
    let edited = edit_settings_text(path, text, setting("AutoReassume"), None).unwrap();
    assert_eq!(edited, "DefaultBrowser = \"EDGE\"\n");
    let edited = edit_settings_text(path, &edited, setting("Keyring.Backend"), None).unwrap();
    assert_eq!(
        edited, "DefaultBrowser = \"EDGE\"\n",
        "no empty [Keyring] table appears"
    );
}

#[test]
fn save_then_load_round_trips_with_a_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/grant").join(CONFIG_FILE_NAME);
    let cases = [
        ("CredentialProcessAutoLogin", "true"),
        ("DefaultBrowser", "custom"),
        ("CustomBrowserPath", "/usr/bin/firefox"),
        ("DefaultSSOStartURL", "https://example.awsapps.com/start"),
        ("DefaultSSORegion", "eu-central-2"),
        ("Keyring.Backend", "secret-service"),
    ];
    for (name, input) in cases {
        let setting = setting(name);
        let value = setting.parse_value(input).unwrap();
        save_setting(&path, setting, Some(&value)).unwrap();
        assert_eq!(
            Settings::load_from(&path).unwrap().get(setting),
            Some(value)
        );
    }
    let settings = Settings::load_from(&path).unwrap();
    assert!(settings.credential_process_auto_login());
    assert_eq!(settings.default_browser(), Browser::Custom);
    assert_eq!(
        settings.custom_browser_path(),
        Some(PathBuf::from("/usr/bin/firefox"))
    );
    assert_eq!(
        settings.default_sso_start_url(),
        Some("https://example.awsapps.com/start")
    );
    assert_eq!(settings.default_sso_region(), Some("eu-central-2"));
    assert_eq!(settings.keyring_backend(), KeyringBackend::SecretService);
    assert_eq!(fsutil::file_mode(&path), Some(0o600));
}

#[test]
fn save_refuses_to_edit_a_malformed_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(CONFIG_FILE_NAME);
    fs::write(&path, "oops\n").unwrap();
    let value = Value::Bool(true);
    let error = save_setting(&path, setting("AutoReassume"), Some(&value)).unwrap_err();
    assert!(
        matches!(error, SettingsError::Syntax { line: Some(1), .. }),
        "{error}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "oops\n");
}

#[cfg(unix)]
#[test]
fn save_writes_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("dotfiles.toml");
    fs::write(&real, "# mine\n").unwrap();
    let link = dir.path().join(CONFIG_FILE_NAME);
    std::os::unix::fs::symlink(&real, &link).unwrap();
    save_setting(&link, setting("AutoReassume"), Some(&Value::Bool(false))).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(&real).unwrap(),
        "# mine\nAutoReassume = false\n"
    );
}

#[test]
fn new_keys_go_below_comments_at_the_end() {
    assert_eq!(
        edit("# header", "AutoReassume", "false"),
        "# header\nAutoReassume = false\n"
    );
    assert_eq!(
        edit(
            "# header\n\nA = 1\n# DefaultBrowser = \"CHROME\"\n",
            "DefaultBrowser",
            "edge"
        ),
        "# header\n\nA = 1\n# DefaultBrowser = \"CHROME\"\nDefaultBrowser = \"EDGE\"\n"
    );
    assert_eq!(
        edit("A = 1", "AutoReassume", "false"),
        "A = 1\nAutoReassume = false\n"
    );
    assert_eq!(edit("", "AutoReassume", "false"), "AutoReassume = false\n");
}
