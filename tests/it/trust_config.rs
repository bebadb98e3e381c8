//! A hostile directory through `grant sso populate` and `generate`: names and ids
//! with newlines, brackets, `=`, `;`, `#`, NUL, ESC and OSC sequences, CRLF and
//! 20,000 characters. Afterwards botocore reads only the sections and keys grant
//! meant to write, nothing the directory smuggled in runs, and `--prune` brings the
//! user's file back byte for byte.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fake_aws::{Account, Directory, FakeAws};
use serde_json::Value;

use crate::support::fixtures::{Forget, START_URL, portal_args, signed_in_by_start_url};
use crate::support::{
    TestEnv, path_with_grant, python_script, python_with_botocore, stderr, stdout, success,
};

const USER_CONFIG: &str =
    "# mine\n[default]\nregion = us-east-1\n\n[profile mine]\noutput = json\n";

fn signed_in(fake: &FakeAws) -> TestEnv {
    signed_in_by_start_url(fake, USER_CONFIG, Forget::Nothing)
}

/// The committed hostile directory, plus names too long to commit comfortably.
fn hostile_directory() -> Directory {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile-directory.json");
    Directory::from_json(&std::fs::read_to_string(path).unwrap())
        .unwrap()
        .with_account(Account::new(
            "999999999999",
            &"n".repeat(20_000),
            &["Admin"],
        ))
        .with_account(Account::new(
            "999999999990",
            "long role",
            &[&"r".repeat(20_000)],
        ))
}

/// (account id, role name) of every role in the hostile directory that AWS itself
/// could have: 12-digit ids, IAM role-name characters.
fn writable_roles() -> BTreeSet<(String, String)> {
    [
        ("333333333333", "Admin"),
        ("444444444444", "x=y,z@w.q+r-s_t"),
        ("777777777777", "ReadOnly"),
        ("888888888888", "ReadOnly"),
        ("999999999999", "Admin"),
    ]
    .into_iter()
    .map(|(a, r)| (a.to_owned(), r.to_owned()))
    .collect()
}

const REJECTED_ROLES: usize = 11;

/// What botocore reads from `config_file`.
fn botocore_view(env: &TestEnv, python: &Path, config_file: &Path) -> Value {
    let output = env
        .consumer(python)
        .env("AWS_CONFIG_FILE", config_file)
        .arg(python_script("config_sections.py"))
        .output()
        .unwrap();
    assert!(output.status.success(), "botocore: {}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn assert_no_terminal_controls(text: &str) {
    for c in text.chars() {
        assert!(
            !c.is_control() || c == '\n',
            "a raw control character {c:?} reached the terminal: {text:?}"
        );
    }
}

/// Every generated profile botocore sees has exactly the keys grant writes, its
/// account and role are among the writable ones, its credential_process names
/// itself; the user's profiles are as they were. Returns the generated names.
fn assert_only_intended(view: &Value) -> Vec<String> {
    let profiles = view["profiles"].as_object().unwrap();
    assert_eq!(
        profiles["default"],
        serde_json::json!({"region": "us-east-1"}),
        "the user's [default] is untouched"
    );
    assert_eq!(profiles["mine"], serde_json::json!({"output": "json"}));
    assert!(
        view["sso_sessions"].as_object().unwrap().is_empty(),
        "{view}"
    );
    let allowed_keys: BTreeSet<&str> = [
        "granted_sso_start_url",
        "granted_sso_region",
        "granted_sso_registration_scopes",
        "granted_sso_account_id",
        "granted_sso_role_name",
        "credential_process",
        "grant_generated_from",
    ]
    .into();
    let mut seen_roles = BTreeSet::new();
    let mut generated = Vec::new();
    for (name, keys) in profiles {
        if name == "default" || name == "mine" {
            continue;
        }
        let keys: BTreeMap<&str, &str> = keys
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().expect("a plain value")))
            .collect();
        // The account name, when any of it is printable, is one harmless value.
        if let Some(account_name) = keys.get("granted_sso_account_name") {
            assert!(
                !account_name.is_empty()
                    && account_name
                        .chars()
                        .all(|c| (c.is_ascii_graphic() || c == ' ') && c != '#' && c != ';'),
                "{account_name:?}"
            );
        }
        assert_eq!(
            keys.keys()
                .copied()
                .filter(|key| *key != "granted_sso_account_name")
                .collect::<BTreeSet<_>>(),
            allowed_keys,
            "{name:?}"
        );
        assert_eq!(
            keys["credential_process"],
            format!("grant credential-process --profile {name}")
        );
        assert_eq!(keys["granted_sso_start_url"], START_URL);
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c)),
            "{name:?}"
        );
        seen_roles.insert((
            keys["granted_sso_account_id"].to_owned(),
            keys["granted_sso_role_name"].to_owned(),
        ));
        generated.push(name.clone());
    }
    assert_eq!(seen_roles, writable_roles());
    assert_eq!(generated.len(), writable_roles().len());
    generated
}

fn assert_nothing_ran(env: &TestEnv) {
    let pwned: Vec<_> = walk(&env.home)
        .into_iter()
        .filter(|path| path.to_string_lossy().contains("PWNED"))
        .collect();
    assert!(pwned.is_empty(), "a smuggled command ran: {pwned:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}

#[test]
fn a_hostile_directory_becomes_only_the_profiles_aws_could_have() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::builder()
        .directory(hostile_directory())
        .start()
        .unwrap();
    let env = signed_in(&fake);

    let output = env.run(&portal_args("populate", &[]));
    success(&output);
    let messages = stderr(&output);
    assert_no_terminal_controls(&messages);
    assert_eq!(
        messages.matches("grant: skipped the role").count(),
        REJECTED_ROLES,
        "{messages}"
    );
    assert!(
        messages.contains("(55555555555\\x0a5): its account id is not 12 digits"),
        "{messages}"
    );
    assert!(messages.contains("'osc\\x1b]0;pwned\\x07'"), "{messages}");
    let config = std::fs::read_to_string(env.aws_config_path()).unwrap();
    assert!(
        config.starts_with(USER_CONFIG),
        "the user's bytes stay first"
    );
    let generated = assert_only_intended(&botocore_view(&env, &python, &env.aws_config_path()));

    // Each generated profile serves credentials through grant, for boto3.
    let script = "import boto3, sys\nfor name in sys.argv[1:]:\n    print(boto3.Session(profile_name=name).get_credentials().get_frozen_credentials().access_key)\n";
    let out = env
        .consumer(&python)
        .env("PATH", path_with_grant())
        .args(["-c", script])
        .args(&generated)
        .output()
        .unwrap();
    assert!(out.status.success(), "boto3: {}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), generated.len());
    assert_eq!(fake.count("GetRoleCredentials"), generated.len() as u64);
    assert_nothing_ran(&env);

    // `generate` prints what populate writes, under the same checks.
    let output = env.run(&portal_args("generate", &[]));
    let printed = success(&output);
    assert_no_terminal_controls(&stderr(&output));
    let generated_file = env.home.join("generated-config");
    std::fs::write(&generated_file, format!("{USER_CONFIG}\n{printed}")).unwrap();
    env.written_by_the_test(&generated_file);
    let from_generate = assert_only_intended(&botocore_view(&env, &python, &generated_file));
    assert_eq!(from_generate, generated);

    // With every account gone, --prune leaves exactly the user's file.
    for account in hostile_directory().accounts() {
        fake.remove_account(&account.id);
    }
    success(&env.run(&portal_args("populate", &["--prune"])));
    assert_eq!(
        std::fs::read_to_string(env.aws_config_path()).unwrap(),
        USER_CONFIG
    );
    assert_nothing_ran(&env);
}

/// A cloned repository with grant folders of its own, and the shell started in it
/// with relative GRANT_CONFIG_DIR and GRANT_STATE_DIR.
#[test]
fn relative_grant_folders_are_ignored_not_read_from_the_working_directory() {
    let env = TestEnv::new();
    let repository = tempfile::tempdir().unwrap();
    let config = repository.path().join("cfg");
    std::fs::create_dir(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "CustomBrowserPath = \"./open.sh\"\n",
    )
    .unwrap();

    let settings = env
        .grant()
        .args(["settings", "get", "CustomBrowserPath"])
        .current_dir(repository.path())
        .env("GRANT_CONFIG_DIR", "cfg")
        .env("GRANT_STATE_DIR", "state")
        .output()
        .unwrap();
    let value = success(&settings);
    assert!(
        !value.contains("open.sh"),
        "the repository's settings were read: {value}"
    );

    let init = env
        .grant()
        .args(["init", "fish"])
        .current_dir(repository.path())
        .env("GRANT_CONFIG_DIR", "cfg")
        .env("GRANT_STATE_DIR", "state")
        .output()
        .unwrap();
    let code = success(&init);
    let named: Vec<_> = code
        .lines()
        .filter(|line| {
            line.starts_with("contains -- ") || line.starts_with("set -g __grant_clock ")
        })
        .collect();
    assert_eq!(
        named.len(),
        2,
        "the completion folder and the clock: {code}"
    );
    for line in named {
        let word = if line.starts_with("set ") { 3 } else { 2 };
        let path = line
            .split_whitespace()
            .nth(word)
            .unwrap()
            .trim_matches('\'');
        assert!(Path::new(path).is_absolute(), "a relative path: {line}");
    }
    assert!(!repository.path().join("state").exists());
}
