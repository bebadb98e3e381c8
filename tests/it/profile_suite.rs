//! The AWS SDKs' shared profile-file suite (`tests/data/profile-parser-tests.json`,
//! see `tests/data/README.md`) through grant's reader: through the library (names
//! and every value), through `grant profiles` (names) and through `grant assume -x`
//! (the values grant exports).
//!
//! No case deviates from the suite. `grant profiles` keeps listing a file with a
//! mistake inside a section body (completion uses it) and names the mistake once on
//! stderr; `grant doctor` reports every error case with its line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use grant::testing::config::{AwsFiles, ConfigError, SectionKind};

use crate::shells::parse_environment;
use crate::support::{
    TestEnv, failure, python_script, python_with_botocore, stderr, stdout, success,
    tool_is_installed,
};

type Sections = BTreeMap<String, BTreeMap<String, String>>;

enum Expected {
    Parsed {
        profiles: Sections,
        /// Only some cases say which sso-sessions there are.
        sso_sessions: Option<Sections>,
    },
    Error,
}

struct Case {
    name: String,
    config: Option<String>,
    credentials: Option<String>,
    expected: Expected,
}

fn sections(value: &serde_json::Value) -> Sections {
    serde_json::from_value(value.clone()).expect("sections of strings")
}

fn suite() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/profile-parser-tests.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases: Vec<Case> = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let input = &case["input"];
            let text = |key: &str| input[key].as_str().map(str::to_owned);
            let output = &case["output"];
            let expected = match output.get("config") {
                Some(config) => Expected::Parsed {
                    profiles: sections(&config["profiles"]),
                    sso_sessions: config.get("sso_sessions").map(sections),
                },
                None => {
                    assert!(output["errorContaining"].is_string(), "{case}");
                    Expected::Error
                }
            };
            Case {
                name: case["name"].as_str().unwrap().to_owned(),
                config: text("configFile"),
                credentials: text("credentialsFile"),
                expected,
            }
        })
        .collect();
    assert_eq!(cases.len(), 65, "the whole suite");
    cases
}

/// A world holding the case's files; a file the case leaves out does not exist.
fn world(config: Option<&str>, credentials: Option<&str>) -> TestEnv {
    let env = TestEnv::new();
    if let Some(text) = config {
        env.write_aws_config(text);
    }
    if let Some(text) = credentials {
        env.write_aws_credentials(text);
    }
    env
}

/// Both files read in full, every section's properties parsed: the whole file is
/// rejected for a mistake anywhere, as in the SDKs.
fn read_everything(env: &TestEnv) -> Result<AwsFiles, ConfigError> {
    let files = AwsFiles::load_from(&env.aws_config_path(), &env.aws_credentials_path())?;
    for section in files.config.sections().chain(files.credentials.sections()) {
        section.properties()?;
    }
    Ok(files)
}

/// Asserts `message` is grant's one-line `path:line: what` for a line of one of the
/// world's files.
#[track_caller]
fn assert_names_a_line(env: &TestEnv, message: &str) {
    assert!(!message.trim_end().contains('\n'), "one line: {message}");
    let message = message.strip_prefix("grant: ").unwrap_or(message);
    let located = [env.aws_config_path(), env.aws_credentials_path()]
        .into_iter()
        .any(|path| {
            let Some(rest) = message.strip_prefix(&format!("{}:", path.display())) else {
                return false;
            };
            let lines = std::fs::read_to_string(&path).map_or(0, |text| text.lines().count());
            rest.split_once(':')
                .and_then(|(line, _)| line.parse::<usize>().ok())
                .is_some_and(|line| (1..=lines).contains(&line))
        });
    assert!(located, "no path:line of the files in {message:?}");
}

fn values(entries: impl Iterator<Item = (String, String)>) -> BTreeMap<String, String> {
    entries.collect()
}

fn owned((key, value): (&str, &str)) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

fn check_through_the_library(case: &Case) {
    let env = world(case.config.as_deref(), case.credentials.as_deref());
    let read = read_everything(&env);
    let (files, sso_sessions) = match (&case.expected, read) {
        (Expected::Error, Err(error)) => return assert_names_a_line(&env, &error.to_string()),
        (Expected::Error, Ok(_)) => panic!("{}: accepted, the suite says error", case.name),
        (Expected::Parsed { .. }, Err(error)) => panic!("{}: {error}", case.name),
        (
            Expected::Parsed {
                profiles,
                sso_sessions,
            },
            Ok(files),
        ) => {
            let names: BTreeSet<&str> = files.profile_names();
            let expected_names: BTreeSet<&str> = profiles.keys().map(String::as_str).collect();
            assert_eq!(names, expected_names, "{}: profile names", case.name);
            for (name, expected) in profiles {
                let profile = files.profile(name).unwrap().unwrap();
                let got = values(profile.entries().map(owned));
                assert_eq!(&got, expected, "{}: profile {name}", case.name);
            }
            (files, sso_sessions)
        }
    };
    let Some(expected) = sso_sessions else {
        return;
    };
    let names: BTreeSet<&str> = files
        .config
        .sections()
        .filter(|section| section.kind() == SectionKind::SsoSession)
        .map(|section| section.name())
        .collect();
    let expected_names: BTreeSet<&str> = expected.keys().map(String::as_str).collect();
    assert_eq!(names, expected_names, "{}: sso-sessions", case.name);
    for (name, values_expected) in expected {
        let session = files.sso_session(name).unwrap().unwrap();
        let got = values(session.entries().map(owned));
        assert_eq!(&got, values_expected, "{}: sso-session {name}", case.name);
    }
}

#[test]
fn every_suite_case_reads_as_the_suite_says_through_the_library() {
    for case in suite() {
        check_through_the_library(&case);
    }
}

/// The first line of `text` that is a section header, 1-based.
fn first_header_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.starts_with('['))
        .map(|at| at + 1)
}

/// The line number in grant's `path:line:` message.
fn error_line(message: &str) -> usize {
    let after_path = message
        .rsplit_once(".aws/")
        .map_or(message, |(_, rest)| rest);
    after_path
        .split(':')
        .nth(1)
        .and_then(|line| line.parse().ok())
        .unwrap_or_else(|| panic!("no line in {message}"))
}

#[test]
fn grant_profiles_lists_the_suite_profile_names() {
    for case in suite() {
        let env = world(case.config.as_deref(), case.credentials.as_deref());
        let output = env.run(&["profiles"]);
        match &case.expected {
            Expected::Parsed { profiles, .. } => {
                let expected: String = profiles.keys().map(|name| format!("{name}\n")).collect();
                assert_eq!(success(&output), expected, "{}", case.name);
            }
            Expected::Error if output.status.success() => {
                // Only headers are read: the mistake must be inside a section body,
                // which the listing names once on stderr, with its place.
                let error = read_everything(&env).unwrap_err().to_string();
                let note = stderr(&output);
                assert_eq!(note.lines().count(), 1, "{}: {note}", case.name);
                assert!(
                    note.starts_with(&format!("grant: {error}: ")),
                    "{}: {note}",
                    case.name
                );
                let config = case.config.as_deref().unwrap_or_default();
                let body_starts = first_header_line(config).expect("a section");
                assert!(error_line(&error) > body_starts, "{}: {error}", case.name);
            }
            Expected::Error => assert_names_a_line(&env, &failure(&output)),
        }
    }
}

#[test]
fn grant_assume_refuses_the_suite_error_cases_with_path_and_line() {
    let mut refused = 0;
    for case in suite() {
        if !matches!(case.expected, Expected::Error) {
            continue;
        }
        let env = world(case.config.as_deref(), case.credentials.as_deref());
        // Every error case of the suite is in the preamble, a header, or profile foo.
        let output = env.run(&["assume", "-x", "foo", "--shell", "bash"]);
        assert_names_a_line(&env, &failure(&output));
        refused += 1;
    }
    assert_eq!(refused, 10, "the suite's error cases");
}

/// `grant doctor` on each error case of the suite, as the config file and as the
/// credentials file: one error line at the case's last line (where every case puts
/// its mistake) that says the whole file is refused, and exit 1.
#[test]
fn grant_doctor_reports_every_suite_error_case_with_its_line() {
    let mut reported = 0;
    for case in suite() {
        if !matches!(case.expected, Expected::Error) {
            continue;
        }
        let config = case
            .config
            .as_deref()
            .expect("error cases are config files");
        let line = config.lines().count();
        let as_credentials = config.replace("[profile ", "[");
        for (config, credentials) in [(config, ""), ("", as_credentials.as_str())] {
            let env = world(Some(config), Some(credentials));
            let file = if config.is_empty() {
                env.aws_credentials_path()
            } else {
                env.aws_config_path()
            };
            let output = env.run(&["doctor"]);
            assert_eq!(output.status.code(), Some(1), "{}", case.name);
            let report = stdout(&output);
            let place = format!("error: {}:{line}: ", file.display());
            let errors: Vec<&str> = report.lines().filter(|l| l.starts_with(&place)).collect();
            assert_eq!(errors.len(), 1, "{}: {report}", case.name);
            assert!(
                errors[0].contains(" the whole file until it is fixed"),
                "{}: {}",
                case.name,
                errors[0]
            );
            reported += 1;
        }
    }
    assert_eq!(reported, 20, "the suite's error cases, in both files");
}

/// For each error case of the suite, the doctor says the AWS CLI refuses the file
/// exactly when botocore (the AWS CLI's reader) raises on it.
#[test]
fn grant_doctor_says_the_aws_cli_refuses_exactly_when_botocore_does() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    for case in suite() {
        if !matches!(case.expected, Expected::Error) {
            continue;
        }
        let env = world(case.config.as_deref(), None);
        let botocore = std::process::Command::new(&python)
            .arg(python_script("config_sections.py"))
            .env("AWS_CONFIG_FILE", env.aws_config_path())
            .env("AWS_SHARED_CREDENTIALS_FILE", env.aws_credentials_path())
            .output()
            .unwrap();
        let report = stdout(&env.run(&["doctor"]));
        let line = report
            .lines()
            .find(|line| line.contains("refuse"))
            .unwrap_or_else(|| panic!("{}: {report}", case.name));
        let says_cli_refuses = line.contains("the AWS CLI and every AWS SDK refuse");
        assert_eq!(
            says_cli_refuses,
            !botocore.status.success(),
            "{}: {line}; botocore: {}",
            case.name,
            stderr(&botocore)
        );
    }
}

/// The two cases botocore reads (it takes `key : value` and a sub-property with no
/// name) say so, and that every SDK refuses the file.
#[test]
fn grant_doctor_says_which_readers_refuse() {
    for (config, reading) in [
        ("[profile foo]\nkey : value\n", "as 'key : value'"),
        ("[profile foo]\ns3 =\n = value\n", "with an empty name"),
        ("[profile foo]\nbar\n", ""),
    ] {
        let env = world(Some(config), None);
        let report = stdout(&env.run(&["doctor"]));
        let line = report
            .lines()
            .find(|line| line.contains("/.aws/config:"))
            .unwrap_or_else(|| panic!("{config:?}: {report}"));
        if reading.is_empty() {
            assert!(
                line.contains("the AWS CLI and every AWS SDK refuse the whole file"),
                "{line}"
            );
        } else {
            assert!(
                line.contains("every AWS SDK refuses the whole file") && line.contains(reading),
                "{line}"
            );
        }
    }
}

/// The key a line sets, lowercased, when it is an unindented property line.
fn key_of(line: &str) -> Option<String> {
    if line.starts_with([' ', '\t', '[', '#', ';']) {
        return None;
    }
    let (key, _) = line.split_once('=')?;
    Some(key.trim_matches([' ', '\t']).to_ascii_lowercase())
}

/// `text` with the suite's `name` keys renamed to `region` and its `name2` keys to
/// `aws_access_key_id`, everything else byte for byte.
fn as_exported_keys(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let renamed = match key_of(line).as_deref() {
                Some("name") => "region",
                Some("name2") => "aws_access_key_id",
                _ => return line.to_owned(),
            };
            let (_, rest) = line.split_once('=').unwrap();
            format!("{renamed} ={rest}")
        })
        .collect()
}

/// A suite value grant exports as written: one line, not empty (grant exports no
/// empty region), and not one the rename above could have touched.
fn exportable(value: Option<&String>) -> bool {
    value.is_none_or(|value| !value.is_empty() && !value.contains('\n'))
}

/// Each profile of a case turned into a static-keys profile (its `name` is its
/// `region`, its `name2` its access key id), switched to with `grant assume -x`:
/// bash sees the suite's values.
#[test]
fn grant_assume_exports_the_suite_values() {
    if !tool_is_installed("bash", "bash") {
        return;
    }
    let mut checked = 0;
    for case in suite() {
        let Expected::Parsed { profiles, .. } = &case.expected else {
            continue;
        };
        for (name, expected) in profiles {
            let (region, key_id) = (expected.get("name"), expected.get("name2"));
            // grant refuses key ids outside AWS's alphabet (letters and digits).
            let aws_key_id =
                key_id.is_none_or(|key| key.bytes().all(|byte| byte.is_ascii_alphanumeric()));
            if !exportable(region) || !exportable(key_id) || !aws_key_id {
                continue;
            }
            let config = case.config.as_deref().map(as_exported_keys);
            let mut credentials = case
                .credentials
                .as_deref()
                .map(as_exported_keys)
                .unwrap_or_default();
            credentials.push_str(&format!(
                "\n[{name}]\naws_secret_access_key = suite-secret\n"
            ));
            if key_id.is_none() {
                credentials.push_str("aws_access_key_id = SUITEKEY\n");
            }
            let env = world(config.as_deref(), Some(&credentials));
            let code = success(&env.run(&["assume", "-x", name, "--shell", "bash"]));
            let output = std::process::Command::new("bash")
                .env_clear()
                .args(["-c", r#"eval "$1" && env -0"#, "bash", &code])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{}: {}",
                case.name,
                stdout(&output)
            );
            let environment = parse_environment(&output.stdout);
            let variable = |name: &str| {
                environment
                    .get(name)
                    .map(|value| String::from_utf8_lossy(value).into_owned())
            };
            let context = format!("{}: profile {name}", case.name);
            assert_eq!(variable("AWS_REGION").as_ref(), region, "{context}");
            let key_id = key_id.map_or("SUITEKEY", String::as_str);
            assert_eq!(
                variable("AWS_ACCESS_KEY_ID").as_deref(),
                Some(key_id),
                "{context}"
            );
            // Keys are never exported together with AWS_PROFILE; GRANT_PROFILE names it.
            assert_eq!(variable("AWS_PROFILE"), None, "{context}");
            assert_eq!(variable("GRANT_PROFILE").as_deref(), Some(name.as_str()));
            checked += 1;
        }
    }
    assert!(
        checked >= 40,
        "only {checked} profiles of the suite were exported"
    );
}

/// A profile the SDKs ignore for its name is refused where it is named, in one line
/// that says why, and left out of the listing.
#[test]
fn an_ignored_profile_name_is_refused_where_it_is_named() {
    let env = world(
        Some("[profile in valid]\nregion = us-east-1\n[profile ok]\nregion = us-east-1\n"),
        Some("[in valid]\naws_access_key_id = A\naws_secret_access_key = S\n"),
    );
    assert_eq!(success(&env.run(&["profiles"])), "ok\n");
    for args in [
        &["assume", "in valid", "--shell", "bash"][..],
        &["credential-process", "--profile", "in valid"],
    ] {
        let message = failure(&env.run(args));
        assert!(
            message.contains("'in valid' is ignored") && message.contains("_-/.%@:+"),
            "{args:?}: {message}"
        );
    }
}
