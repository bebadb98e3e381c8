//! PowerShell cannot be installed on the test machines, so the PowerShell grant
//! writes is read by an independent parser instead: tree-sitter's PowerShell grammar
//! (`tests/it/python/powershell_reader.py`). The `grant init powershell` snippet and
//! every `assume --shell powershell` script must parse without an error, hold only
//! single-quoted strings, and carry each hostile value back exactly.
//!
//! This checks syntax and quoting; it does not run the code, so the snippet's
//! behaviour at a prompt (the renewal hook, completion) is not verified here.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use grant::testing::shell::Shell;
use serde_json::Value;

use crate::shells::test_values::{hostile_values, random_nasty_values};
use crate::support::{TestEnv, python_script, python_with_module, success};

fn reader() -> Option<std::path::PathBuf> {
    python_with_module("tree_sitter_powershell")
}

/// What the reader makes of `code`.
pub(crate) fn read(python: &Path, code: &str) -> Value {
    let mut child = Command::new(python)
        .arg(python_script("powershell_reader.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(code.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the PowerShell reader failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Parses without an error, and holds no string PowerShell would expand.
#[track_caller]
fn assert_parses_as_data(read: &Value, code: &str) {
    assert_parses(read, code);
    assert_eq!(
        read["interpolated"],
        Value::Array(Vec::new()),
        "PowerShell would expand part of this:\n{code}"
    );
}

#[track_caller]
fn assert_parses(read: &Value, code: &str) {
    assert_eq!(
        read["errors"],
        Value::Array(Vec::new()),
        "PowerShell would not read this as written:\n{code}"
    );
}

fn assignments(read: &Value) -> Vec<(String, String)> {
    read["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().expect("a single-quoted value").to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_reader_notices_broken_and_interpolated_code() {
    let Some(python) = reader() else {
        return;
    };
    for code in [
        "$Env:A = 'unterminated;",
        "$Env:A = \"$(Remove-Item ~/KEEP)\";",
        "$Env:A = 'a'b';",
        "$Env:A = 'a'; touch CANARY; '';",
    ] {
        let read = read(&python, code);
        let parsed_as_one_value = read["errors"].as_array().unwrap().is_empty()
            && read["interpolated"].as_array().unwrap().is_empty()
            && read["assignments"].as_array().unwrap().len() == 1
            && read["statements"].as_array().unwrap().len() <= 2;
        assert!(!parsed_as_one_value, "the reader accepted {code:?}: {read}");
    }
}

#[test]
fn the_init_snippet_parses() {
    let Some(python) = reader() else {
        return;
    };
    let env = TestEnv::new();
    let snippet = success(&env.run(&["init", "powershell"]));
    assert!(snippet.contains("function assume"), "{snippet}");
    assert!(
        snippet.contains("function global:__GrantDirectoryHook"),
        "{snippet}"
    );
    // clap's completer calls `.Where{ ... }`, PowerShell's method call with a script
    // block and no parentheses, which the grammar does not know; `.Where({ ... })`
    // is the same call in the form it reads.
    let where_calls = snippet.matches(".Where{").count();
    assert!(where_calls <= 1, "{where_calls} .Where{{ calls");
    let readable = snippet.replace(
        "$completions.Where{ $_.CompletionText -like \"$wordToComplete*\" }",
        "$completions.Where({ $_.CompletionText -like \"$wordToComplete*\" })",
    );
    assert!(!readable.contains(".Where{"), "clap's completer changed");
    assert_parses(&read(&python, &readable), &readable);
}

#[test]
fn every_hostile_value_reads_back_exactly() {
    let Some(python) = reader() else {
        return;
    };
    let mut values = hostile_values();
    values.extend(random_nasty_values(0x5EED_0003, 300));
    let mut code = String::new();
    for (index, value) in values.iter().enumerate() {
        code.push_str(
            &Shell::PowerShell
                .set_env(&format!("GRANT_T{index}"), value)
                .unwrap(),
        );
        code.push('\n');
        code.push_str(
            &Shell::PowerShell
                .unset_env(&format!("GRANT_U{index}"))
                .unwrap(),
        );
        code.push('\n');
    }
    let read = read(&python, &code);
    assert_parses_as_data(&read, &code);
    let expected: Vec<(String, String)> = values
        .iter()
        .enumerate()
        .map(|(index, value)| (format!("$Env:GRANT_T{index}"), value.clone()))
        .collect();
    assert_eq!(assignments(&read), expected);
    let removed: Vec<String> = (0..values.len())
        .map(|i| format!("Env:GRANT_U{i}"))
        .collect();
    assert_eq!(read["removed"], serde_json::json!(removed));
}

/// Static-key profiles whose region and keys are hostile: what `assume --shell
/// powershell` prints for each reads back as exactly those values.
#[test]
fn assume_scripts_carry_hostile_config_values_as_data() {
    let Some(python) = reader() else {
        return;
    };
    let env = TestEnv::new();
    let values: Vec<String> = hostile_values()
        .into_iter()
        .filter(|value| !value.contains(['\n', '\r']) && value.trim() == value && !value.is_empty())
        .collect();
    let mut config = String::new();
    let mut credentials = String::new();
    for (index, value) in values.iter().enumerate() {
        config.push_str(&format!("[profile h{index}]\nregion = {value}\n"));
        // Keys keep to AWS's alphabets (grant refuses any other credential
        // character); the hostile value rides in the region.
        credentials.push_str(&format!(
            "[h{index}]\naws_access_key_id = AKIAH{index}\naws_secret_access_key = secret{index}\n"
        ));
    }
    env.write_aws_config(&config);
    env.write_aws_credentials(&credentials);
    let mut checked = 0;
    for (index, value) in values.iter().enumerate() {
        let files = grant::testing::config::AwsFiles::load_from(
            &env.aws_config_path(),
            &env.aws_credentials_path(),
        )
        .unwrap();
        let section = files.profile(&format!("h{index}")).unwrap().unwrap();
        if section.get("region") != Some(value.as_str()) {
            continue; // the config reader itself does not keep this value verbatim
        }
        let code = success(&env.run(&["assume", "--shell", "powershell", &format!("h{index}")]));
        let read = read(&python, &code);
        assert_parses_as_data(&read, &code);
        let exported: std::collections::HashMap<String, String> =
            assignments(&read).into_iter().collect();
        assert_eq!(exported["$Env:AWS_REGION"], *value, "{code}");
        assert_eq!(
            exported["$Env:AWS_ACCESS_KEY_ID"],
            format!("AKIAH{index}"),
            "{code}"
        );
        assert_eq!(
            exported["$Env:AWS_SECRET_ACCESS_KEY"],
            format!("secret{index}"),
            "{code}"
        );
        checked += 1;
    }
    assert!(
        checked >= 30,
        "only {checked} hostile values reached assume"
    );
}

/// The directory hook reads the allow list's stamp, whose path (here one full of
/// quotes and PowerShell code) reads back exactly, and checks it before the
/// location: a `grant allow` or `grant deny` anywhere is seen at the next prompt,
/// in the same folder. Checked as text and by the reader; PowerShell is not run.
#[test]
fn the_directory_hook_reads_the_allow_stamp_at_every_prompt() {
    let Some(python) = reader() else {
        return;
    };
    let env = TestEnv::new();
    let state = env.tmp_dir.join("st'ate $(touch CANARY) \u{2019}x");
    let output = env
        .grant()
        .args(["init", "powershell"])
        .env("GRANT_STATE_DIR", &state)
        .output()
        .unwrap();
    let snippet = success(&output);
    let readable = snippet.replace(
        "$completions.Where{ $_.CompletionText -like \"$wordToComplete*\" }",
        "$completions.Where({ $_.CompletionText -like \"$wordToComplete*\" })",
    );
    let read = read(&python, &readable);
    assert_parses(&read, &readable);
    let stamp = state.join("allowed-directories.stamp");
    let assigned = format!(
        "$global:__GrantDirectoryStampFile = {}\n",
        Shell::PowerShell
            .quote(&stamp.display().to_string())
            .unwrap()
    );
    assert!(snippet.contains(&assigned), "{snippet}");
    let strings = read["strings"].as_array().unwrap();
    assert!(
        strings.contains(&Value::String(stamp.display().to_string())),
        "the path reads back exactly: {strings:?}"
    );
    let hook = snippet
        .split("function global:__GrantDirectoryHook {")
        .nth(1)
        .expect("the hook");
    let restamp = hook
        .find("if (__GrantDirectoryRestamp) {")
        .expect("restamp");
    let location = hook.find("if ($location -eq").expect("location check");
    assert!(restamp < location, "the stamp is read before the location");
    assert!(snippet.contains("[System.IO.File]::ReadAllText($global:__GrantDirectoryStampFile)"));
}
