//! Every edit of the AWS config and credentials files goes through one editor, which
//! takes one lock per file: two different commands editing one file at the same
//! moment take turns, and neither loses the other's change.

use std::process::Stdio;
use std::time::Duration;

use fake_aws::FakeAws;

use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile};
use crate::support::{output_within, stderr};

const ACCOUNT: &str = "111111111111";
const ROUNDS: usize = 12;

/// `credentials import --remove-plaintext` (taking alice's keys out of the credentials
/// file) and two `export --to-credentials-file` (each setting a section of it) start
/// together, round after round: every round, both sections are there and alice's keys
/// are gone, with the user's other bytes kept.
#[test]
fn two_commands_editing_the_credentials_file_at_once_lose_nothing() {
    let fake = FakeAws::start();
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::None);
    let config = format!("{dev}\n[profile alice]\nregion = eu-west-1\n");
    let env = fixtures::signed_in(&fake, &config, Forget::Recordings);
    let (id, secret) = fake.create_iam_user(ACCOUNT, "alice");
    let path = env.aws_credentials_path();
    // The file holds alice's plaintext key (the test's input) and the exported keys
    // (the user's explicit choice): the checks below stand in for the secret scan.
    env.written_by_the_test(&path);
    let user_bytes = "# mine\n[other]\nregion = us-east-1\n";
    for round in 0..ROUNDS {
        let first = format!("first{round}");
        let second = format!("second{round}");
        std::fs::write(
            &path,
            format!(
                "{user_bytes}\n[alice]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"
            ),
        )
        .unwrap();
        let spawn = |args: &[&str]| {
            env.grant()
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let children = [
            spawn(&["credentials", "import", "alice", "--remove-plaintext"]),
            spawn(&[
                "export",
                "--profile",
                "dev",
                "--to-credentials-file",
                "--as",
                &first,
            ]),
            spawn(&[
                "export",
                "--profile",
                "dev",
                "--to-credentials-file",
                "--as",
                &second,
            ]),
        ];
        for child in children {
            let output = output_within(child, Duration::from_secs(120));
            assert!(
                output.status.success(),
                "round {round}: {}",
                stderr(&output)
            );
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(user_bytes), "round {round}: {text}");
        assert!(
            !text.contains(&id) && !text.contains(&secret),
            "round {round}: alice's key came back: {text}"
        );
        for name in [&first, &second] {
            assert!(
                text.contains(&format!("[{name}]\naws_access_key_id = ASIA")),
                "round {round}: the section [{name}] was lost: {text}"
            );
        }
    }
}
