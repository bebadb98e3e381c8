//! The profile picker of `assume`, driven by keys typed into a real terminal (tmux):
//! it finds profiles by account id and account name (kept by `sso populate`), and
//! puts the profiles used last first.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use fake_aws::{Account, Directory, FakeAws};

use crate::support::fixtures::{Forget, populate, signed_in_by_start_url};
use crate::support::{TestEnv, stderr, stdout, success, tool_is_installed};

/// `grant assume` with no profile, alone in its own tmux server.
struct Picker<'a> {
    env: &'a TestEnv,
    socket: String,
    output: PathBuf,
    done: PathBuf,
}

impl<'a> Picker<'a> {
    fn open(env: &'a TestEnv, label: &str) -> Self {
        let picker = Picker {
            env,
            socket: format!("grant-picker-{label}-{}", std::process::id()),
            output: env.tmp_dir.join(format!("{label}.sh")),
            done: env.tmp_dir.join(format!("{label}.done")),
        };
        let command = format!(
            "'{}' assume --shell bash > '{}'; echo $? > '{}'",
            env!("CARGO_BIN_EXE_grant"),
            picker.output.display(),
            picker.done.display()
        );
        let started = picker.tmux(&["new-session", "-d", "-x", "160", "-y", "30", &command]);
        assert!(started.status.success(), "tmux: {}", stderr(&started));
        picker.wait_for_screen(|screen| screen.contains("Profile"));
        picker
    }

    fn tmux(&self, args: &[&str]) -> Output {
        self.env
            .shell("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env("CI", "")
            .env("TERM", "xterm")
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        stdout(&self.tmux(&["capture-pane", "-p"]))
    }

    #[track_caller]
    fn wait_for_screen(&self, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "the picker shows:\n{screen}\n(assume ended: {:?})",
                std::fs::read_to_string(&self.done)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `text`, waits until only `expected` is left on the screen of the
    /// profiles, presses Enter, and returns the shell code assume wrote.
    #[track_caller]
    fn choose(self, text: &str, expected: &str, others: &[&str]) -> String {
        self.tmux(&["send-keys", "-l", text]);
        self.wait_for_screen(|screen| {
            screen.contains(expected) && others.iter().all(|other| !screen.contains(other))
        });
        self.tmux(&["send-keys", "Enter"]);
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.done.exists() {
            assert!(
                Instant::now() < deadline,
                "assume never ended:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::fs::read_to_string(&self.output).unwrap()
    }
}

impl Drop for Picker<'_> {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// Where each of `needles` first shows on `screen`.
fn positions(screen: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|needle| {
            screen
                .find(needle)
                .unwrap_or_else(|| panic!("{needle} is not on the screen:\n{screen}"))
        })
        .collect()
}

fn uses_file(env: &TestEnv) -> PathBuf {
    env.state_dir.join("picker-uses.json")
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Profiles named by role only, so that only the account id or the account name
/// the picker shows can find them.
#[test]
fn the_picker_finds_by_account_id_and_name_and_puts_the_last_used_first() {
    if !tool_is_installed("tmux", "tmux") {
        return;
    }
    let directory = Directory::empty()
        .with_account(Account::new("111111111111", "development", &["Admin"]))
        .with_account(Account::new("222222222222", "production", &["Deploy"]))
        .with_account(Account::new("333333333333", "staging", &["Viewer"]));
    let fake = FakeAws::builder().directory(directory).start().unwrap();
    let env = signed_in_by_start_url(&fake, "", Forget::Nothing);
    success(&populate(&env, &["--profile-template", "{role_name}"]));
    let listing = success(&env.run(&["profiles", "--long"]));
    assert!(
        listing.lines().any(|line| line.starts_with("Deploy")
            && line.contains("222222222222/Deploy")
            && line.ends_with("account production")),
        "{listing}"
    );
    // A damaged uses file is ignored, then replaced.
    std::fs::create_dir_all(&env.state_dir).unwrap();
    std::fs::write(uses_file(&env), "{\"profiles\": [not json").unwrap();
    std::fs::set_permissions(
        uses_file(&env),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();

    let first = Picker::open(&env, "first");
    let screen = first.screen();
    // Nothing used yet: alphabetical, each with its account id, name and role.
    let order = positions(&screen, &["Admin", "Deploy", "Viewer"]);
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{screen}");
    assert!(screen.contains("production"), "{screen}");
    let script = first.choose("2222", "222222222222", &["111111111111", "333333333333"]);
    assert!(
        script.contains("export GRANT_PROFILE='Deploy';"),
        "{script}"
    );

    let second = Picker::open(&env, "second");
    let script = second.choose("staging", "333333333333", &["111111111111", "222222222222"]);
    assert!(
        script.contains("export GRANT_PROFILE='Viewer';"),
        "{script}"
    );

    let third = Picker::open(&env, "third");
    let screen = third.wait_for_screen(|screen| screen.contains("111111111111"));
    let order = positions(&screen, &["333333333333", "222222222222", "111111111111"]);
    assert!(
        order.windows(2).all(|pair| pair[0] < pair[1]),
        "the last two used come first:\n{screen}"
    );
    third.tmux(&["send-keys", "Escape"]);
    drop(third);

    let uses: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(uses_file(&env)).unwrap()).unwrap();
    assert_eq!(uses["profiles"]["Deploy"]["count"], 1, "{uses}");
    assert_eq!(mode(&uses_file(&env)), 0o600);
}

/// Uses counted at once by many `assume`s (a terminal multiplexer restoring its
/// panes, say) are all kept: each reads, counts and writes the file under a lock.
#[test]
fn uses_counted_at_once_are_all_kept() {
    use crate::support::fixtures::{DEV_ACCOUNT, DEV_ROLE, Process, granted_profile};
    const RUNS: usize = 24;
    let fake = FakeAws::start();
    let dev = granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::OnPath);
    let env = crate::support::fixtures::signed_in(&fake, &dev, Forget::Nothing);
    // The first fetches the credentials; the rest are cache hits, fast enough to
    // overlap.
    success(&env.run(&["assume", "--shell", "bash", "dev"]));
    let children: Vec<_> = (1..RUNS)
        .map(|_| {
            env.grant()
                .args(["assume", "--shell", "bash", "dev"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let uses: serde_json::Value =
        serde_json::from_slice(&std::fs::read(uses_file(&env)).unwrap()).unwrap();
    assert_eq!(uses["profiles"]["dev"]["count"], RUNS, "{uses}");
}
