//! grant's PowerShell run in real PowerShell (`pwsh`): the `init powershell` snippet's
//! `assume` on hostile profiles, its completion, and every hostile value set and read
//! back. `tests/it/powershell.rs` reads the same code with a parser where PowerShell
//! is not installed; these run it. They skip without `pwsh`, except where CI sets
//! `GRANT_TEST_PWSH=required` (the Windows job of the CI workflow).

use std::process::Output;
use std::time::Duration;

use grant::testing::shell::Shell;

use crate::shells::test_values::hostile_values;
use crate::support::{TestEnv, path_with_grant, run_within, stderr, success};

fn pwsh_is_installed() -> bool {
    let installed = std::process::Command::new("pwsh")
        .args(["-NoLogo", "-NoProfile", "-Command", "exit 0"])
        .output()
        .is_ok_and(|output| output.status.success());
    let required = std::env::var("GRANT_TEST_PWSH").is_ok_and(|value| value == "required");
    assert!(
        installed || !required,
        "pwsh is not installed, and GRANT_TEST_PWSH=required"
    );
    if !installed {
        eprintln!("skipped: pwsh not installed");
    }
    installed
}

/// Runs `script` in pwsh, strict, in this test's world with its grant first on PATH.
fn run_pwsh(env: &TestEnv, script: &str) -> Output {
    let file = env.home.join("test.ps1");
    std::fs::write(
        &file,
        format!("Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'\n{script}"),
    )
    .unwrap();
    let mut command = env.consumer("pwsh");
    command
        .args(["-NoLogo", "-NoProfile", "-NonInteractive", "-File"])
        .arg(&file)
        .env("PATH", path_with_grant());
    run_within(&mut command, Duration::from_secs(120))
}

/// Values that can be a profile's region and keys on one config line.
fn one_line_values() -> Vec<String> {
    hostile_values()
        .into_iter()
        .filter(|value| !value.contains(['\n', '\r']) && value.trim() == value && !value.is_empty())
        .collect()
}

#[test]
fn every_hostile_value_set_in_pwsh_reads_back_exactly() {
    if !pwsh_is_installed() {
        return;
    }
    let env = TestEnv::new();
    let values = hostile_values();
    let mut script = String::new();
    for (index, value) in values.iter().enumerate() {
        script.push_str(
            &Shell::PowerShell
                .set_env(&format!("GRANT_T{index}"), value)
                .unwrap(),
        );
        script.push('\n');
    }
    script.push_str(&format!(
        "$values = @(0..{}) | ForEach-Object {{ [Environment]::GetEnvironmentVariable(\"GRANT_T$_\") }}\n\
         ConvertTo-Json -Compress -InputObject @($values)\n",
        values.len() - 1
    ));
    let output = run_pwsh(&env, &script);
    let read: Vec<Option<String>> = serde_json::from_str(success(&output).trim()).unwrap();
    for (value, read) in values.iter().zip(read) {
        // Windows has no empty environment variables: setting one to "" removes it.
        let expected = (!value.is_empty()).then(|| value.clone());
        assert_eq!(read, expected, "{value:?}");
    }
}

#[test]
fn assume_in_pwsh_exports_hostile_profiles_exactly_and_unsets() {
    if !pwsh_is_installed() {
        return;
    }
    let env = TestEnv::new();
    let values = one_line_values();
    let mut config = String::new();
    let mut credentials = String::new();
    for (index, value) in values.iter().enumerate() {
        config.push_str(&format!("[profile h{index}]\nregion = {value}\n"));
        credentials.push_str(&format!(
            "[h{index}]\naws_access_key_id = {value}\naws_secret_access_key = secret {value}\n"
        ));
    }
    env.write_aws_config(&config);
    env.write_aws_credentials(&credentials);
    let files = grant::testing::config::AwsFiles::load_from(
        &env.aws_config_path(),
        &env.aws_credentials_path(),
    )
    .unwrap();
    let kept: Vec<(usize, &String)> = values
        .iter()
        .enumerate()
        .filter(|(index, value)| {
            let section = files.profile(&format!("h{index}")).unwrap().unwrap();
            section.get("region") == Some(value.as_str())
        })
        .collect();
    assert!(
        kept.len() >= 30,
        "only {} hostile values reach assume",
        kept.len()
    );
    let mut script =
        String::from("Invoke-Expression ((grant init powershell) -join \"`n\")\n$seen = @()\n");
    for (index, _) in &kept {
        script.push_str(&format!(
            "assume h{index}\n$seen += ,@($Env:AWS_REGION, $Env:AWS_ACCESS_KEY_ID, $Env:AWS_SECRET_ACCESS_KEY)\n"
        ));
    }
    script.push_str(
        "assume --unset\n$seen += ,@([string]$Env:AWS_PROFILE, [string]$Env:AWS_ACCESS_KEY_ID, 'unset')\n\
         ConvertTo-Json -Compress -Depth 3 -InputObject $seen\n",
    );
    let output = run_pwsh(&env, &script);
    let seen: Vec<Vec<String>> = serde_json::from_str(success(&output).trim()).unwrap();
    assert_eq!(seen.len(), kept.len() + 1, "{}", stderr(&output));
    for ((_, value), row) in kept.iter().zip(&seen) {
        assert_eq!(row[0], **value);
        assert_eq!(row[1], **value);
        assert_eq!(row[2], format!("secret {value}"));
    }
    assert_eq!(seen[kept.len()], ["", "", "unset"]);
}

#[test]
fn pwsh_completes_grant_commands_and_assume_profiles() {
    if !pwsh_is_installed() {
        return;
    }
    let env = TestEnv::new();
    env.write_aws_config(
        "[profile dev-one]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n",
    );
    let script = "Invoke-Expression ((grant init powershell) -join \"`n\")\n\
        $complete = { param($line) (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText }\n\
        ConvertTo-Json -Compress -InputObject @{ grant = @(& $complete 'grant credential-p'); profile = @(& $complete 'grant export --profile dev'); assume = @(& $complete 'assume pr') }\n";
    let output = run_pwsh(&env, script);
    let read: serde_json::Value = serde_json::from_str(success(&output).trim()).unwrap();
    assert_eq!(
        read["grant"],
        serde_json::json!(["credential-process"]),
        "{read}"
    );
    assert_eq!(read["profile"], serde_json::json!(["dev-one"]), "{read}");
    assert_eq!(read["assume"], serde_json::json!(["prod"]), "{read}");
}
