//! `grant export` in every format, each read back by the tool it is for: `env`
//! evaluated by bash for the AWS CLI, `json` as botocore's credential_process, a
//! `credentials` section read by boto3, `dotenv` sourced, `powershell` through the
//! tree-sitter reader; `--to-credentials-file` keeping every other byte of the file,
//! and `assume --env` keeping the other lines of `.env`.

use std::path::Path;
#[cfg(unix)]
use std::process::Output;

use fake_aws::FakeAws;
use serde_json::Value;

use crate::support::fixtures::{
    self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, credential_process, granted_profile, json,
};
use crate::support::{
    TestEnv, failure, python_with_botocore, python_with_module, stderr, stdout, success,
    tool_is_installed,
};

const DEV_ARN_PREFIX: &str =
    "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_";

fn world(fake: &FakeAws) -> TestEnv {
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::None);
    fixtures::signed_in(fake, &dev, Forget::Recordings)
}

fn export(env: &TestEnv, format: &str) -> String {
    success(&env.run(&["export", "--profile", "dev", "--format", format]))
}

/// The keys credential-process serves for dev (the same cache entry).
fn served(env: &TestEnv) -> Value {
    json(&credential_process(env, "dev", &[]))
}

/// boto3's caller identity ARN for `profile`, with `variables` set.
fn boto3_arn(env: &TestEnv, python: &Path, profile: &str, variables: &[(&str, &Path)]) -> String {
    let script = "import boto3, sys\nsts = boto3.Session(profile_name=sys.argv[2]).client('sts', endpoint_url=sys.argv[1], region_name='eu-west-1')\nprint(sts.get_caller_identity()['Arn'])\n";
    let mut command = env.consumer(python);
    command.args(["-c", script, env.endpoint.as_deref().unwrap(), profile]);
    for (name, value) in variables {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "boto3: {}", stderr(&out));
    stdout(&out).trim().to_owned()
}

#[test]
fn env_evaluated_in_bash_signs_the_aws_clis_request() {
    if !tool_is_installed("aws", "awscli") {
        return;
    }
    let fake = FakeAws::start();
    let env = world(&fake);
    let text = export(&env, "env");
    let key = served(&env)["AccessKeyId"].as_str().unwrap().to_owned();
    assert!(
        text.contains(&format!("export AWS_ACCESS_KEY_ID='{key}';")),
        "{text}"
    );
    assert!(text.contains("export AWS_REGION='eu-west-1';"), "{text}");
    let script = r#"eval "$(grant export --profile dev --format env)" && aws sts get-caller-identity --endpoint-url "$1" --output text --query Arn"#;
    let output = env
        .shell("bash")
        .args(["-c", script, "bash", fake.url()])
        .output()
        .unwrap();
    assert!(
        success(&output).starts_with(DEV_ARN_PREFIX),
        "{}",
        stdout(&output)
    );
    assert_eq!(fake.caller_identity_keys(), [key]);
}

#[test]
fn json_is_a_credential_process_botocore_runs() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::start();
    let env = world(&fake);
    let mut config = std::fs::read_to_string(env.aws_config_path()).unwrap();
    config.push_str(&format!(
        "[profile via-json]\ncredential_process = {} export --profile dev --format json\n",
        env!("CARGO_BIN_EXE_grant")
    ));
    env.write_aws_config(&config);
    let exported: Value = serde_json::from_str(&export(&env, "json")).unwrap();
    assert_eq!(exported, served(&env), "the credential_process document");
    assert!(boto3_arn(&env, &python, "via-json", &[]).starts_with(DEV_ARN_PREFIX));
    assert_eq!(
        fake.caller_identity_keys(),
        [exported["AccessKeyId"].as_str().unwrap()]
    );
}

#[test]
fn a_credentials_section_is_read_by_boto3() {
    let Some(python) = python_with_botocore() else {
        return;
    };
    let fake = FakeAws::start();
    let env = world(&fake);
    let section = export(&env, "credentials");
    let keys = served(&env);
    assert_eq!(
        section,
        format!(
            "[dev]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
            keys["AccessKeyId"].as_str().unwrap(),
            keys["SecretAccessKey"].as_str().unwrap(),
            keys["SessionToken"].as_str().unwrap()
        )
    );
    let file = env.home.join("exported-credentials");
    std::fs::write(&file, &section).unwrap();
    env.written_by_the_test(&file);
    let arn = boto3_arn(
        &env,
        &python,
        "dev",
        &[("AWS_SHARED_CREDENTIALS_FILE", &file)],
    );
    assert!(arn.starts_with(DEV_ARN_PREFIX), "{arn}");
}

#[test]
fn dotenv_lines_read_back_in_a_shell() {
    let fake = FakeAws::start();
    let env = world(&fake);
    let text = export(&env, "dotenv");
    let keys = served(&env);
    for line in text.lines() {
        let (name, value) = line.split_once('=').unwrap();
        assert!(
            name.starts_with("AWS_") && !value.starts_with('\''),
            "{line}"
        );
    }
    let file = env.home.join("project.env");
    std::fs::write(&file, &text).unwrap();
    env.written_by_the_test(&file);
    let output = env
        .shell("bash")
        .args([
            "-c",
            "set -a; . ./project.env; printf '%s\\n' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"$AWS_CREDENTIAL_EXPIRATION\" \"$AWS_REGION\"",
        ])
        .output()
        .unwrap();
    let values: Vec<String> = success(&output).lines().map(str::to_owned).collect();
    assert_eq!(
        values,
        [
            keys["AccessKeyId"].as_str().unwrap(),
            keys["SecretAccessKey"].as_str().unwrap(),
            keys["SessionToken"].as_str().unwrap(),
            keys["Expiration"].as_str().unwrap(),
            "eu-west-1",
        ]
    );
}

#[test]
fn powershell_lines_parse_as_data_with_the_keys() {
    let Some(python) = python_with_module("tree_sitter_powershell") else {
        return;
    };
    let fake = FakeAws::start();
    let env = world(&fake);
    let code = export(&env, "powershell");
    let read = crate::powershell::read(&python, &code);
    assert_eq!(read["errors"], serde_json::json!([]), "{code}");
    assert_eq!(read["interpolated"], serde_json::json!([]), "{code}");
    let keys = served(&env);
    assert_eq!(
        read["assignments"],
        serde_json::json!([
            ["$Env:AWS_ACCESS_KEY_ID", keys["AccessKeyId"]],
            ["$Env:AWS_SECRET_ACCESS_KEY", keys["SecretAccessKey"]],
            ["$Env:AWS_SESSION_TOKEN", keys["SessionToken"]],
            ["$Env:AWS_CREDENTIAL_EXPIRATION", keys["Expiration"]],
            ["$Env:AWS_REGION", "eu-west-1"],
            ["$Env:AWS_DEFAULT_REGION", "eu-west-1"],
        ])
    );
}

#[cfg(unix)]
#[test]
fn to_credentials_file_keeps_every_other_byte() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeAws::start();
    let env = world(&fake);
    let original = "# my keys\r\n[default]\r\naws_access_key_id = AKIAMINE\r\n\r\n;; a note\r\n[exported]\r\naws_access_key_id = OLD\r\naws_secret_access_key = OLD\r\n# after\r\n[other]\r\nregion=eu-west-1";
    let path = env.aws_credentials_path();
    std::fs::write(&path, original).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    env.written_by_the_test(&path);
    let output = env.run(&[
        "export",
        "--profile",
        "dev",
        "--to-credentials-file",
        "--as",
        "exported",
    ]);
    success(&output);
    assert!(
        stderr(&output).contains("in plaintext to [exported]"),
        "{}",
        stderr(&output)
    );
    let keys = served(&env);
    let section = format!(
        "[exported]\r\naws_access_key_id = {}\r\naws_secret_access_key = {}\r\naws_session_token = {}\r\n",
        keys["AccessKeyId"].as_str().unwrap(),
        keys["SecretAccessKey"].as_str().unwrap(),
        keys["SessionToken"].as_str().unwrap()
    );
    let expected = original.replace(
        "[exported]\r\naws_access_key_id = OLD\r\naws_secret_access_key = OLD\r\n",
        &section,
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the file keeps its mode");

    // A new section goes at the end; the rest stays as it was.
    success(&env.run(&["export", "--profile", "dev", "--to-credentials-file"]));
    let after = std::fs::read_to_string(&path).unwrap();
    let added = after.strip_prefix(expected.as_str()).unwrap();
    assert!(
        added.starts_with("\r\n\r\n[dev]\r\naws_access_key_id = "),
        "{added:?}"
    );

    if let Some(python) = python_with_botocore() {
        let arn = boto3_arn(&env, &python, "exported", &[]);
        assert!(arn.starts_with(DEV_ARN_PREFIX), "{arn}");
    }
}

#[test]
fn hostile_section_names_never_reach_the_file() {
    let fake = FakeAws::start();
    let env = world(&fake);
    let path = env.aws_credentials_path();
    std::fs::write(&path, "[default]\naws_access_key_id = AKIAMINE\n").unwrap();
    for name in [
        "x]\n[default",
        "a b",
        "profile x",
        "x\u{1b}]0;t\u{7}",
        "[x]",
        "é",
    ] {
        let message = failure(&env.run(&[
            "export",
            "--profile",
            "dev",
            "--to-credentials-file",
            "--as",
            name,
        ]));
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
        assert!(!message.contains('\u{1b}'), "{message}");
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[default]\naws_access_key_id = AKIAMINE\n"
    );
}

#[cfg(unix)]
#[test]
fn assume_env_writes_dot_env_keeping_the_other_lines() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeAws::start();
    let env = world(&fake);
    let project = env.home.join("project");
    std::fs::create_dir(&project).unwrap();
    let dotenv = project.join(".env");
    std::fs::write(&dotenv, "# app\nDATABASE_URL=postgres://db/app\nAWS_ACCESS_KEY_ID=OLD\nexport AWS_REGION=us-east-1\nAWS_PROFILE=mine\n").unwrap();
    env.written_by_the_test(&project);
    let script = "eval \"$(grant init bash)\"\ncd project && assume -e dev\necho \"status=$? key=${AWS_ACCESS_KEY_ID-unset}\"\n";
    let output = env.shell("bash").args(["-c", script]).output().unwrap();
    assert!(
        success(&output).contains("status=0 key=unset"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("in plaintext to .env"),
        "{}",
        stderr(&output)
    );
    let keys = served(&env);
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        format!(
            "# app\nDATABASE_URL=postgres://db/app\nAWS_PROFILE=mine\nAWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={}\nAWS_SESSION_TOKEN={}\nAWS_CREDENTIAL_EXPIRATION={}\nAWS_REGION=eu-west-1\nAWS_DEFAULT_REGION=eu-west-1\n",
            keys["AccessKeyId"].as_str().unwrap(),
            keys["SecretAccessKey"].as_str().unwrap(),
            keys["SessionToken"].as_str().unwrap(),
            keys["Expiration"].as_str().unwrap()
        )
    );
    let mode = std::fs::metadata(&dotenv).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[cfg(unix)]
#[test]
fn assume_env_refuses_a_symlinked_dot_env() {
    let fake = FakeAws::start();
    let env = world(&fake);
    let project = env.home.join("project");
    std::fs::create_dir(&project).unwrap();
    let target = env.home.join("elsewhere");
    std::fs::write(&target, "KEEP=1\n").unwrap();
    std::os::unix::fs::symlink(&target, project.join(".env")).unwrap();
    let output: Output = env
        .grant()
        .current_dir(&project)
        .args(["assume", "--shell", "bash", "--env", "dev"])
        .output()
        .unwrap();
    let message = failure(&output);
    assert!(message.contains("refusing to write .env"), "{message}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "KEEP=1\n");
    assert!(
        std::fs::symlink_metadata(project.join(".env"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}
