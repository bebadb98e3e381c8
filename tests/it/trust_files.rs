//! grant's own folders and files: core dumps off, folders other users could write to
//! refused, no symlink followed and no FIFO waited on inside them; the user's
//! `~/.aws/config` edited through a symlink; odd inputs at scale (100,000 profiles,
//! a 20,000-character profile name).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use fake_aws::{Directory, FakeAws};

use crate::support::fixtures::{
    self, Forget, START_URL, credential_process, portal_args, sso_profile,
};
use crate::support::{TestEnv, failure, run_within, stderr, stdout, success};

fn signed_in(fake: &FakeAws) -> TestEnv {
    fixtures::signed_in(fake, &sso_profile("dev"), Forget::Counts)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}

/// The credential process a profile of another tool runs inherits grant's core limit:
/// grant started with an unlimited soft limit, and its child sees 0, as does
/// `/proc/PID/limits` of grant itself.

#[test]
fn core_dumps_are_off_for_grant_and_what_it_runs() {
    let env = TestEnv::new();
    let script = env.tmp_dir.join("limits.sh");
    std::fs::write(
        &script,
        "pid=$PPID\n\
         [ \"$(cat /proc/$pid/comm)\" = grant ] || pid=$(awk '/^PPid:/ {print $2}' /proc/$pid/status)\n\
         soft=$(awk '/^Max core file size/ {print $5}' /proc/$pid/limits)\n\
         printf '{\"Version\":1,\"AccessKeyId\":\"AKIDchild%sgrant%s\",\"SecretAccessKey\":\"s\"}' \"$(ulimit -c)\" \"$soft\"\n",
    )
    .unwrap();
    env.written_by_the_test(&script);
    env.write_aws_config(&format!(
        "[profile other]\ncredential_process = sh {}\n",
        script.display()
    ));
    let output = env
        .shell("sh")
        .arg("-c")
        .arg("ulimit -S -c unlimited && echo \"before $(ulimit -S -c)\" >&2 && exec \"$0\" credential-process --profile other --no-cache")
        .arg(env!("CARGO_BIN_EXE_grant"))
        .output()
        .unwrap();
    let before = stderr(&output);
    assert!(
        before.contains("before unlimited"),
        "the test could not raise the core limit, so it would prove nothing: {before}"
    );
    let out: serde_json::Value = serde_json::from_str(&success(&output)).unwrap();
    assert_eq!(out["AccessKeyId"], "AKIDchild0grant0");
}

#[test]
fn a_state_folder_writable_by_the_group_is_refused_before_anything_is_read() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    success(&credential_process(&env, "dev", &[]));
    let before: Vec<PathBuf> = files_in(&env.state_dir);
    std::fs::set_permissions(&env.state_dir, std::fs::Permissions::from_mode(0o770)).unwrap();
    fake.reset_counts();

    let output = credential_process(&env, "dev", &[]);
    let line = failure(&output);
    assert!(stdout(&output).is_empty());
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(
        line.contains(&format!("run `chmod go-w '{}'`", env.state_dir.display())),
        "{line}"
    );
    assert_eq!(
        fake.counts().values().sum::<u64>(),
        0,
        "nothing asked upstream"
    );
    assert_eq!(files_in(&env.state_dir), before, "nothing written");
    std::fs::set_permissions(&env.state_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    success(&credential_process(&env, "dev", &[]));
}

#[test]
fn a_config_folder_writable_by_everyone_is_refused() {
    let env = TestEnv::new();
    env.write_aws_credentials(
        "[static]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = secret\n",
    );
    env.set_setting("DefaultSSORegion", "eu-west-1");
    std::fs::set_permissions(&env.config_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let settings = env.config_dir.join("config.toml");
    let text = std::fs::read_to_string(&settings).unwrap();

    for args in [
        &["credential-process", "--profile", "static"][..],
        &[
            "settings",
            "set",
            "--setting",
            "DefaultSSORegion",
            "--value",
            "us-east-1",
        ][..],
    ] {
        let line = failure(&env.run(args));
        assert_eq!(line.lines().count(), 1, "{line}");
        assert!(
            line.contains("other users can write to it (mode 0777)")
                && line.contains(&format!("chmod go-w '{}'", env.config_dir.display())),
            "{args:?}: {line}"
        );
    }
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), text);
    std::fs::set_permissions(&env.config_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
}

/// Symlinks planted at the log file, the lock files and an entry file, each pointing
/// at a file outside: the outside file is untouched, and grant still serves the
/// profile, replacing the planted entry.
#[test]
fn symlinks_in_the_state_folder_are_never_followed() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let first = success(&env.run(&["credential-process", "--profile", "dev", "--debug"]));
    let outside = env.tmp_dir.join("outside");
    std::fs::write(&outside, "precious\n").unwrap();
    env.written_by_the_test(&outside);

    let log = env.state_dir.join("credential-process.log");
    assert!(log.is_file(), "the debug log is where the test expects it");
    let locks = files_in(&env.state_dir.join("locks"));
    assert!(!locks.is_empty(), "the first run took a lock");
    let entries = files_in(
        &env.state_dir
            .join("secrets")
            .join(crate::support::NATIVE_KEYRING_BACKEND),
    );
    let entries: Vec<PathBuf> = entries
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "secret"))
        .collect();
    assert!(
        entries.len() >= 2,
        "a token and cached credentials: {entries:?}"
    );
    for planted in [&log].into_iter().chain(&locks).chain(&entries) {
        std::fs::remove_file(planted).unwrap();
        std::os::unix::fs::symlink(&outside, planted).unwrap();
    }

    let output = env.run(&["credential-process", "--profile", "dev", "--debug"]);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious\n");
    // The token entry is among the planted ones: read as damaged, it is missing, and
    // without it grant cannot sign in (CI, no browser): it says so.
    assert!(!output.status.success());
    let messages = stderr(&output);
    assert!(
        messages.contains("a symbolic link; treating it as damaged"),
        "{messages}"
    );
    let last = messages.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("grant: ") && last.contains("grant sso login"),
        "{messages}"
    );
    // The second run stops at the missing token, so it takes only some of the locks
    // the first took (which ones depends on their hashed names): those are replaced.
    assert!(
        locks.iter().any(|lock| !is_symlink(lock)),
        "no planted lock was replaced: {locks:?}"
    );
    assert!(!is_symlink(&log), "the planted log was replaced");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("treating it as damaged"), "{logged}");
    for planted in &entries {
        assert!(
            is_symlink(planted) || !planted.exists(),
            "{}",
            planted.display()
        );
    }
    success(&env.run(&["sso", "login", "--profile", "dev"]));
    let again = success(&env.run(&["credential-process", "--profile", "dev"]));
    assert_ne!(again, first, "fresh credentials after the planted entries");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious\n");
    for planted in &entries {
        assert!(!is_symlink(planted), "{} was replaced", planted.display());
    }
}

/// A FIFO at every entry path: a read would block forever; grant treats the entries
/// as damaged instead, and replaces them.
#[test]
fn a_fifo_at_an_entry_path_is_damaged_not_waited_on() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    success(&credential_process(&env, "dev", &[]));
    let dir = env
        .state_dir
        .join("secrets")
        .join(crate::support::NATIVE_KEYRING_BACKEND);
    let entries: Vec<PathBuf> = files_in(&dir)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "secret"))
        .collect();
    assert!(!entries.is_empty());
    for entry in &entries {
        std::fs::remove_file(entry).unwrap();
        assert!(
            Command::new("mkfifo")
                .arg(entry)
                .status()
                .unwrap()
                .success()
        );
    }
    let output = run_within(
        env.grant().args(["credential-process", "--profile", "dev"]),
        Duration::from_secs(60),
    );
    let line = failure(&output);
    assert!(
        line.contains("grant sso login"),
        "the token is gone: {line}"
    );
    let output = run_within(
        env.grant().args(["sso", "login", "--profile", "dev"]),
        Duration::from_secs(60),
    );
    success(&output);
    success(&credential_process(&env, "dev", &[]));
    for entry in &entries {
        let kind = std::fs::symlink_metadata(entry).map(|meta| meta.file_type());
        assert!(
            kind.is_err() || kind.unwrap().is_file(),
            "{}",
            entry.display()
        );
    }
}

/// `~/.aws/config` kept in a dotfiles folder: populate replaces the link's target
/// (mode kept), the link stays, no temp file is left in either folder, and the
/// backup sits next to the link.
#[test]
fn populate_writes_through_a_symlinked_config() {
    let fake = FakeAws::builder()
        .directory(Directory::generated(3, 2))
        .start()
        .unwrap();
    let env = TestEnv::with_fake(&fake);
    let dotfiles = env.home.join("dotfiles");
    std::fs::create_dir(&dotfiles).unwrap();
    let target = dotfiles.join("aws-config");
    std::fs::write(&target, "[default]\nregion = us-east-1\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = env.aws_config_path();
    std::os::unix::fs::symlink("../dotfiles/aws-config", &link).unwrap();
    success(&env.run(&portal_args("login", &[])));

    success(&env.run(&portal_args("populate", &[])));
    assert!(is_symlink(&link), "the link is still a link");
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(
        text.starts_with("[default]\nregion = us-east-1\n"),
        "{text}"
    );
    assert_eq!(text.matches("[profile ").count(), 6, "{text}");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(
        files_in(&dotfiles),
        vec![target.clone()],
        "no stray temp file"
    );
    let aws = files_in(&env.home.join(".aws"));
    let names: Vec<String> = aws
        .iter()
        .filter(|path| path.is_file() || is_symlink(path))
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["config", "config.grant-backup"], "{aws:?}");
    assert_eq!(
        std::fs::read_to_string(env.home.join(".aws/config.grant-backup")).unwrap(),
        "[default]\nregion = us-east-1\n"
    );
}

/// `profiles --long` over 100,000 profiles is complete and correct (its speed is
/// measured by bench/, not here; the timeout only catches a quadratic listing).
#[test]
fn a_hundred_thousand_profiles_list_long_completely() {
    let env = TestEnv::new();
    let mut config = String::with_capacity(100_000 * 120);
    for index in 0..100_000 {
        config.push_str(&format!(
            "[profile p{index:06}]\nsso_session = org\nsso_account_id = {:012}\nsso_role_name = R\n",
            index
        ));
    }
    config.push_str(&format!(
        "[sso-session org]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n"
    ));
    env.write_aws_config(&config);
    let output = run_within(
        env.grant().args(["profiles", "--long"]),
        Duration::from_secs(300),
    );
    let text = success(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 100_000);
    for (index, line) in [0, 4_242, 99_999].map(|index| (index, lines[index])) {
        assert_eq!(
            line,
            format!("p{index:06}  sso {index:012}/R (org, eu-west-1)")
        );
    }
}

/// A profile name of 20,000 characters: served, cached, and served again from the
/// cache with one upstream request in all.
#[test]
fn a_twenty_thousand_character_profile_name_is_cached() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let name = "n".repeat(19_990) + "-very-long";
    env.write_aws_config(&(sso_profile("dev") + &sso_profile(&name)));
    let first = success(&credential_process(&env, &name, &[]));
    let second = success(&credential_process(&env, &name, &[]));
    assert_eq!(first, second);
    assert_eq!(fake.count("GetRoleCredentials"), 1);
    let other = success(&credential_process(&env, "dev", &[]));
    assert_ne!(other, first, "the long name's entry is its own");

    // Clearing the long profile's cache finds its entry, and only its.
    let fetched = fake.count("GetRoleCredentials");
    let cleared = stderr(&env.run(&["cache", "clear", "--profile", &name]));
    assert!(
        cleared.contains("deleted 1 cached credentials"),
        "{cleared}"
    );
    success(&credential_process(&env, &name, &[]));
    assert_eq!(
        fake.count("GetRoleCredentials"),
        fetched + 1,
        "fetched again after the clear"
    );
    assert_eq!(success(&credential_process(&env, "dev", &[])), other);
}

/// A symlink planted at fish's clock would have `grant init fish` date another file
/// at the epoch: the link is replaced by the clock instead.
#[test]
fn a_symlink_at_fishs_clock_is_replaced_not_followed() {
    let env = TestEnv::new();
    std::fs::create_dir_all(&env.state_dir).unwrap();
    std::fs::set_permissions(&env.state_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let outside = env.tmp_dir.join("outside");
    std::fs::write(&outside, "precious\n").unwrap();
    env.written_by_the_test(&outside);
    let modified = std::fs::metadata(&outside).unwrap().modified().unwrap();
    let clock = env.state_dir.join("clock");
    std::os::unix::fs::symlink(&outside, &clock).unwrap();

    let script = success(&env.run(&["init", "fish"]));
    assert!(script.contains("__grant_clock"), "{script}");
    assert_eq!(
        std::fs::metadata(&outside).unwrap().modified().unwrap(),
        modified
    );
    assert!(!is_symlink(&clock));
    let dated = std::fs::metadata(&clock).unwrap().modified().unwrap();
    assert_eq!(dated, std::time::UNIX_EPOCH);
}
