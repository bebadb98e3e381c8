//! Profiles that follow the directory: `.aws-profile`, `grant allow` and `grant deny`,
//! typed into real interactive bash, zsh, fish and tcsh inside tmux, against the fake
//! AWS.
//!
//! Each line is typed, then a line that touches a step file, and the test waits for
//! that file: by then the shell ran the line and its hooks. `grant` on the shells'
//! PATH is a wrapper that logs every call, so the test sees when the hook started
//! grant and when it did not. What the shells print to stderr goes to a file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use fake_aws::FakeAws;
use grant::testing::shell::Shell;

use crate::shells::test_values::{CANARY, KEEP};
use crate::shells::{BASH, FISH, NU, Outputs, RealShell, TCSH, ZSH, init_line, prepare_init};
use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile};
use crate::support::{
    TestEnv, failure, path_with_grant, run_within, stderr, stdout, success, tool_is_installed,
};

/// Profile names that are code in some shell, or drive the terminal.
pub(crate) const HOSTILE_NAMES: [&str; 6] = [
    "$(touch CANARY)",
    "`touch CANARY`",
    "x'; rm -rf ~/KEEP; '",
    "dev; touch CANARY",
    "a\u{1b}]0;owned\u{7}\u{1b}[2Jb",
    "-x",
];

/// Folder names that are code in some shell.
pub(crate) const HOSTILE_FOLDERS: [&str; 7] = [
    "it's $(touch CANARY) `touch CANARY`; x",
    "a;touch CANARY;b",
    "c`touch CANARY`d",
    "e'`touch CANARY`'f",
    "g!1 !! $HOME ${HOME} h",
    "i\"j\\k  l",
    "m*n?[o]",
];

fn world(fake: &FakeAws) -> TestEnv {
    let config = ["dev", "prod", "ops"]
        .map(|name| granted_profile(name, DEV_ACCOUNT, DEV_ROLE, Process::OnPath))
        .concat();
    fixtures::signed_in(fake, &config, Forget::Nothing)
}

/// A signed-in world whose `HOME/proj` names dev and is allowed: the fake (which
/// must live as long as the test), the world, the project and the outputs folder.
fn allowed_dev_project() -> (FakeAws, TestEnv, PathBuf, Outputs) {
    let fake = FakeAws::start();
    let env = world(&fake);
    let proj = project(&env, "proj", "dev\n");
    allow(&env, &proj);
    let outputs = Outputs::new(&env);
    (fake, env, proj, outputs)
}

/// `HOME/name` with a `.aws-profile` holding `contents`, and a `sub/deeper` inside.
fn project(env: &TestEnv, name: &str, contents: &str) -> PathBuf {
    let dir = env.home.join(name);
    std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
    std::fs::write(dir.join(".aws-profile"), contents).unwrap();
    dir
}

fn allow(env: &TestEnv, dir: &Path) -> String {
    stderr(&success_output(
        env.grant().arg("allow").arg(dir).output().unwrap(),
    ))
}

fn success_output(output: Output) -> Output {
    success(&output);
    output
}

/// One interactive shell in its own tmux server (the assume tests use it for
/// nushell, whose line editor wants a terminal).
pub(crate) struct Terminal<'a> {
    env: &'a TestEnv,
    outputs: &'a Outputs,
    socket: String,
    program: &'static str,
    real: &'a RealShell,
    steps: std::cell::Cell<u32>,
}

impl<'a> Terminal<'a> {
    /// `real`, interactive, in `dir`, its stderr into `$OUT/NAME.stderr`, with the
    /// logging `grant` first on its PATH.
    pub(crate) fn start(
        env: &'a TestEnv,
        outputs: &'a Outputs,
        real: &'a RealShell,
        name: &str,
        dir: &Path,
    ) -> Self {
        let stderr = outputs.dir.join(format!("{name}.stderr"));
        Self::launch(env, outputs, real, name, dir, Some(&stderr))
    }

    /// As [`Terminal::start`], with stderr on the screen: nushell's line editor
    /// draws the line and the completion menu there.
    pub(crate) fn start_on_screen(
        env: &'a TestEnv,
        outputs: &'a Outputs,
        real: &'a RealShell,
        name: &str,
        dir: &Path,
    ) -> Self {
        Self::launch(env, outputs, real, name, dir, None)
    }

    fn launch(
        env: &'a TestEnv,
        outputs: &'a Outputs,
        real: &'a RealShell,
        name: &str,
        dir: &Path,
        stderr_file: Option<&Path>,
    ) -> Self {
        let terminal = Terminal {
            env,
            outputs,
            socket: format!(
                "grant-dir-{}-{name}-{}",
                real.shell.name(),
                std::process::id()
            ),
            program: real.program,
            real,
            steps: std::cell::Cell::new(0),
        };
        let mut command = format!("{} {} -i", real.program, real.options.join(" "));
        if let Some(file) = stderr_file {
            command.push_str(&format!(" 2>>'{}'", file.display()));
        }
        let started = terminal.tmux(&[
            "new-session",
            "-d",
            "-x",
            "200",
            "-y",
            "50",
            "-c",
            dir.to_str().unwrap(),
            &command,
        ]);
        assert!(started.status.success(), "tmux: {}", stderr(&started));
        terminal.wait_until_reading();
        terminal
    }

    /// Nushell's line editor drops what was typed before it started, and loses the
    /// Enter of a line typed while a command or hook runs: a marker line is typed
    /// again (the line cleared first) until the shell runs it.
    fn wait_until_reading(&self) {
        if self.real.shell != Shell::Nu {
            return;
        }
        let step = self.steps.get() + 1;
        self.steps.set(step);
        let marker = self
            .outputs
            .dir
            .join(format!("{}-ready-{step}", self.socket));
        let deadline = Instant::now() + Duration::from_secs(30);
        while !marker.exists() {
            assert!(
                Instant::now() < deadline,
                "{}: never read a line:\n{}",
                self.program,
                stdout(&self.tmux(&["capture-pane", "-p"]))
            );
            self.tmux(&["send-keys", "C-u"]);
            self.tmux(&["send-keys", "-l", &self.real.touch(&marker)]);
            self.tmux(&["send-keys", "Enter"]);
            let typed = Instant::now();
            while !marker.exists() && typed.elapsed() < Duration::from_secs(2) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    fn tmux(&self, args: &[&str]) -> Output {
        self.env
            .shell("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env("PATH", wrapped_path(self.env, self.outputs))
            .env("OUT", &self.outputs.dir)
            .env("TERM", "xterm")
            .env("PS1", "$ ")
            .output()
            .unwrap()
    }

    /// Types `line`, and waits until the shell ran it and its hooks.
    #[track_caller]
    pub(crate) fn type_line(&self, line: &str) {
        self.tmux(&["send-keys", "-l", line]);
        self.enter();
    }

    /// Types `text` without Enter, then presses `keys` (tmux's names: Tab, C-c).
    pub(crate) fn type_keys(&self, text: &str, keys: &[&str]) {
        if !text.is_empty() {
            self.tmux(&["send-keys", "-l", text]);
        }
        for key in keys {
            self.tmux(&["send-keys", key]);
        }
    }

    /// The screen, once it shows `text` (a failure after 15 seconds).
    #[track_caller]
    pub(crate) fn screen_shows(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = stdout(&self.tmux(&["capture-pane", "-p"]));
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{}: {text:?} never showed:\n{screen}",
                self.program
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The title the shell's output gave the terminal (an escape sequence sets it).
    pub(crate) fn title(&self) -> String {
        stdout(&self.tmux(&["display-message", "-p", "#{pane_title}"]))
    }

    /// Presses Enter on the line as it stands, and waits until the shell ran it and
    /// its hooks.
    #[track_caller]
    pub(crate) fn enter(&self) {
        if self.real.shell == Shell::Nu {
            self.tmux(&["send-keys", "Enter"]);
            self.wait_until_reading();
            return;
        }
        let step = self.steps.get() + 1;
        self.steps.set(step);
        let marker = self
            .outputs
            .dir
            .join(format!("{}-step-{step}", self.socket));
        self.tmux(&["send-keys", "Enter"]);
        self.tmux(&["send-keys", "-l", &self.real.touch(&marker)]);
        self.tmux(&["send-keys", "Enter"]);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !marker.exists() {
            if Instant::now() > deadline {
                let screen = stdout(&self.tmux(&["capture-pane", "-p"]));
                panic!("{}: the line never finished:\n{screen}", self.program);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The environment after `line`, recorded as `$OUT/label`.
    #[track_caller]
    fn environment_after(&self, line: &str, label: &str) -> HashMap<String, String> {
        self.type_line(line);
        self.record(label)
    }

    /// The value of a nushell `expression`, as text, recorded as `$OUT/label`.
    #[track_caller]
    fn nu_value(&self, expression: &str, label: &str) -> String {
        self.type_line(&format!(
            "{expression} | into string | save -f $\"($env.OUT)/{label}\""
        ));
        self.outputs.text(label)
    }

    #[track_caller]
    pub(crate) fn record(&self, label: &str) -> HashMap<String, String> {
        self.type_line(&self.real.record_environment(label));
        self.outputs.environment(label)
    }
}

impl Drop for Terminal<'_> {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// The shells' PATH: a `grant` that logs its arguments to `$OUT/calls`, then the
/// one under test.
fn wrapped_path(env: &TestEnv, outputs: &Outputs) -> std::ffi::OsString {
    let dir = env.tmp_dir.join("wrapper");
    let wrapper = dir.join("grant");
    if !wrapper.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        env.written_by_the_test(&dir);
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}/calls'\nexec '{}' \"$@\"\n",
                outputs.dir.display(),
                env!("CARGO_BIN_EXE_grant")
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut path = dir.into_os_string();
    path.push(":");
    path.push(path_with_grant());
    path
}

/// How many times the shells ran `grant directory-profile`.
fn hook_calls(outputs: &Outputs) -> usize {
    std::fs::read_to_string(outputs.dir.join("calls"))
        .unwrap_or_default()
        .lines()
        .filter(|line| line.starts_with("directory-profile "))
        .count()
}

fn profile_of(environment: &HashMap<String, String>) -> (Option<&str>, Option<&str>) {
    (
        environment.get("GRANT_PROFILE").map(String::as_str),
        environment.get("AWS_PROFILE").map(String::as_str),
    )
}

pub(crate) fn is_available(real: &RealShell) -> bool {
    real.is_installed() && tool_is_installed("tmux", "tmux")
}

/// Enter, go deeper, type assume by hand, leave; a file not allowed, changed, denied.
fn follows_the_directory(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let fake = FakeAws::start();
    let env = world(&fake);
    let outputs = Outputs::new(&env);
    let proj = project(&env, "proj", "  dev \nanything else is ignored\n");
    let unallowed = project(&env, "unallowed", "ops\n");
    allow(&env, &proj);
    prepare_init(&env, real);
    let shell = Terminal::start(&env, &outputs, real, "main", &env.home);
    let said = |text: &str| outputs.text("main.stderr").matches(text).count();

    shell.type_line(&init_line(real));
    let before = shell.environment_after("assume prod", "before");
    assert_eq!(profile_of(&before), (Some("prod"), Some("prod")));
    assert_eq!(hook_calls(&outputs), 0, "no .aws-profile above HOME");

    let entered = shell.environment_after("cd proj", "entered");
    assert_eq!(
        profile_of(&entered),
        (Some("dev"), Some("dev")),
        "{}",
        real.program
    );
    let calls = hook_calls(&outputs);
    assert_eq!(calls, 1);
    let deeper = shell.environment_after("cd sub/deeper", "deeper");
    assert_eq!(profile_of(&deeper), (Some("dev"), Some("dev")));
    shell.type_line("cd ..");
    assert_eq!(hook_calls(&outputs), calls, "the same tree starts no grant");

    let by_hand = shell.environment_after("assume ops", "by-hand");
    assert_eq!(profile_of(&by_hand), (Some("ops"), Some("ops")));
    let kept = shell.environment_after("cd ../sub/deeper", "kept");
    assert_eq!(
        profile_of(&kept),
        (Some("ops"), Some("ops")),
        "assume typed in the tree wins"
    );
    let left = shell.environment_after("cd ~", "left");
    assert_eq!(
        profile_of(&left),
        (Some("prod"), Some("prod")),
        "the state before the tree"
    );

    let refused = shell.environment_after("cd ~/unallowed/sub", "refused");
    assert_eq!(profile_of(&refused), (Some("prod"), Some("prod")));
    shell.type_line("cd ~");
    shell.type_line("cd ~/unallowed");
    assert_eq!(
        said("is not allowed to switch"),
        1,
        "said once per directory"
    );
    let command = format!("run: grant allow {}", unallowed.display());
    assert_eq!(said(&command), 1, "{}", outputs.text("main.stderr"));
    shell.type_line("cd ~");

    shell.type_line(&match real.shell {
        Shell::Nu => "'ops' | save -f ~/proj/.aws-profile".to_owned(),
        _ => "printf 'ops\\n' > ~/proj/.aws-profile".to_owned(),
    });
    let changed = shell.environment_after("cd ~/proj", "changed");
    assert_eq!(
        profile_of(&changed),
        (Some("prod"), Some("prod")),
        "changed: refused"
    );
    assert_eq!(said("changed since it was allowed"), 1);
    shell.type_line("cd ~");
    shell.type_line("grant allow ~/proj");
    let again = shell.environment_after("cd ~/proj/sub", "allowed-again");
    assert_eq!(profile_of(&again), (Some("ops"), Some("ops")));
    shell.type_line("cd ~");

    shell.type_line("grant deny proj");
    let denied = shell.environment_after("cd ~/proj", "denied");
    assert_eq!(
        profile_of(&denied),
        (Some("prod"), Some("prod")),
        "denied: refused"
    );
    shell.type_line("cd ~");
    shell.type_line("grant allow proj");

    // Nothing assumed before the tree: leaving it unsets what it set.
    shell.type_line("assume --unset");
    let entered = shell.environment_after("cd ~/proj", "entered-from-nothing");
    assert_eq!(profile_of(&entered), (Some("ops"), Some("ops")));
    let left = shell.environment_after("cd ~", "left-to-nothing");
    assert_eq!(profile_of(&left), (None, None));
    assert!(!left.contains_key("GRANT_EXPORTED"));

    // A shell that starts inside the tree takes its profile when the integration loads.
    let fresh = Terminal::start(&env, &outputs, real, "fresh", &proj.join("sub"));
    fresh.type_line(&init_line(real));
    let started_inside = fresh.record("started-inside");
    assert_eq!(profile_of(&started_inside), (Some("ops"), Some("ops")));
    let left = fresh.environment_after("cd ~", "fresh-left");
    assert_eq!(profile_of(&left), (None, None));
}

#[test]
fn bash_profiles_follow_the_directory() {
    follows_the_directory(&BASH);
}

#[test]
fn zsh_profiles_follow_the_directory() {
    follows_the_directory(&ZSH);
}

#[test]
fn fish_profiles_follow_the_directory() {
    follows_the_directory(&FISH);
}

#[test]
fn tcsh_profiles_follow_the_directory() {
    follows_the_directory(&TCSH);
}

#[test]
fn nu_profiles_follow_the_directory() {
    follows_the_directory(&NU);
}

/// AutoAssumeDirectory=false: `grant init` leaves the hook out, and a shell that
/// loaded it before the change switches nothing.
fn the_setting_turns_it_off(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let (_fake, env, _proj, outputs) = allowed_dev_project();
    prepare_init(&env, real);
    let before = Terminal::start(&env, &outputs, real, "loaded-before", &env.home);
    before.type_line(&init_line(real));
    env.set_setting("AutoAssumeDirectory", "false");
    let entered = before.environment_after("cd proj", "loaded-before");
    assert_eq!(profile_of(&entered), (None, None), "{}", real.program);

    let init = success(&env.run(&["init", real.shell.name()]));
    assert!(!init.contains("grant directory-profile"), "{init}");
    assert!(init.contains("assume"), "the rest of the integration stays");
    assert!(init.contains("assume --reassume"), "the renewal hook stays");
    let calls = hook_calls(&outputs);
    prepare_init(&env, real);
    let after = Terminal::start(&env, &outputs, real, "loaded-after", &env.home);
    after.type_line(&init_line(real));
    let entered = after.environment_after("cd proj/sub", "loaded-after");
    assert_eq!(profile_of(&entered), (None, None));
    assert_eq!(hook_calls(&outputs), calls, "no hook, no grant");
}

#[test]
fn bash_auto_assume_directory_false_turns_it_off() {
    the_setting_turns_it_off(&BASH);
}

#[test]
fn zsh_auto_assume_directory_false_turns_it_off() {
    the_setting_turns_it_off(&ZSH);
}

#[test]
fn fish_auto_assume_directory_false_turns_it_off() {
    the_setting_turns_it_off(&FISH);
}

#[test]
fn tcsh_auto_assume_directory_false_turns_it_off() {
    the_setting_turns_it_off(&TCSH);
}

#[test]
fn nu_auto_assume_directory_false_turns_it_off() {
    the_setting_turns_it_off(&NU);
}

/// tcsh keeps the precmd and cwdcmd the user had (read through a backquote only
/// when `which` finds one), and the integration loaded twice adds its hooks once.
#[test]
fn tcsh_keeps_the_users_hooks_and_adds_its_own_once() {
    if !is_available(&TCSH) {
        return;
    }
    let (_fake, env, _proj, outputs) = allowed_dev_project();
    let shell = Terminal::start(&env, &outputs, &TCSH, "hooks", &env.home);
    shell.type_line(r#"alias precmd 'echo prompt >> "$OUT/user-precmd"'"#);
    shell.type_line(r#"alias cwdcmd 'echo cwd >> "$OUT/user-cwdcmd"'"#);
    shell.type_line(&init_line(&TCSH));
    shell.type_line(&init_line(&TCSH));
    shell.type_line(r#"alias precmd > "$OUT/precmd"; alias cwdcmd > "$OUT/cwdcmd""#);
    let precmd = outputs.text("precmd");
    assert_eq!(precmd.matches("__grant_precmd").count(), 1, "{precmd}");
    assert!(precmd.contains("user-precmd"), "{precmd}");
    let cwdcmd = outputs.text("cwdcmd");
    assert_eq!(
        cwdcmd.matches("__grant_directory_hook").count(),
        1,
        "{cwdcmd}"
    );
    assert!(cwdcmd.contains("user-cwdcmd"), "{cwdcmd}");
    let entered = shell.environment_after("cd proj", "entered");
    assert_eq!(profile_of(&entered), (Some("dev"), Some("dev")));
    assert_eq!(hook_calls(&outputs), 1, "one hook, not two");
    assert!(outputs.text("user-cwdcmd").lines().count() >= 1);
    assert!(outputs.text("user-precmd").lines().count() >= 3);
}

/// Allowed files whose names are code, terminal sequences or flags; a symlink, a
/// FIFO and a huge file. Nothing runs, nothing switches, and no shell waits.
fn hostile_files_never_run(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let fake = FakeAws::start();
    let env = world(&fake);
    let outputs = Outputs::new(&env);
    std::fs::write(env.home.join(KEEP), "keep").unwrap();
    env.written_by_the_test(&env.home.join(KEEP));
    let mut dirs = Vec::new();
    for (index, name) in HOSTILE_NAMES.iter().enumerate() {
        let dir = project(&env, &format!("hostile{index}"), &format!("{name}\n"));
        allow(&env, &dir);
        dirs.push(dir);
    }
    let first_line_empty = project(&env, "empty-first-line", "\ntouch CANARY\n");
    allow(&env, &first_line_empty);
    dirs.push(first_line_empty);
    let odd = odd_files(&env);
    prepare_init(&env, real);
    let shell = Terminal::start(&env, &outputs, real, "hostile", &env.home);
    shell.type_line(&init_line(real));
    shell.type_line("assume prod");
    for dir in dirs.iter().chain(&odd) {
        let entered = shell.environment_after(&format!("cd '{}'", dir.display()), "hostile");
        assert_eq!(
            profile_of(&entered),
            (Some("prod"), Some("prod")),
            "{}: {}",
            real.program,
            dir.display()
        );
        shell.type_line("cd ~");
        assert!(
            !dir.join(CANARY).exists(),
            "{}: a profile name ran",
            dir.display()
        );
        assert!(!env.home.join(CANARY).exists());
    }
    assert!(env.home.join(KEEP).exists(), "a profile name ran");

    // A directory whose name is code (in some shell: csh's `!` history, `$`,
    // backquotes, quotes, `;`) is a path to grant, and its file still works.
    for name in HOSTILE_FOLDERS {
        let named = project(&env, name, "dev\n");
        allow(&env, &named);
        let path = real
            .shell
            .quote(named.join("sub").to_str().unwrap())
            .unwrap();
        let entered = shell.environment_after(&format!("cd {path}"), "hostile-folder");
        assert_eq!(
            profile_of(&entered),
            (Some("dev"), Some("dev")),
            "{}: {name}",
            real.program
        );
        let left = shell.environment_after("cd ~", "hostile-folder-left");
        assert_eq!(profile_of(&left), (Some("prod"), Some("prod")), "{name}");
        assert!(
            !named.join("sub").join(CANARY).exists() && !env.home.join(CANARY).exists(),
            "{}: {name} ran",
            real.program
        );
    }

    let told = outputs.text("hostile.stderr");
    assert!(told.contains("\\x1b]0;owned"), "shown escaped: {told}");
    assert!(!told.contains("\u{1b}]0;owned"), "never raw");
}

#[test]
fn bash_hostile_files_never_run() {
    hostile_files_never_run(&BASH);
}

#[test]
fn zsh_hostile_files_never_run() {
    hostile_files_never_run(&ZSH);
}

#[test]
fn fish_hostile_files_never_run() {
    hostile_files_never_run(&FISH);
}

#[test]
fn tcsh_hostile_files_never_run() {
    hostile_files_never_run(&TCSH);
}

#[test]
fn nu_hostile_files_never_run() {
    hostile_files_never_run(&NU);
}

/// Folders whose `.aws-profile` is a symlink to an allowed file, a FIFO, a file over
/// the size limit: `grant allow` refuses each in one line, without waiting.
fn odd_files(env: &TestEnv) -> Vec<PathBuf> {
    let target = project(env, "target", "dev\n");
    allow(env, &target);
    let link = env.home.join("link");
    std::fs::create_dir_all(&link).unwrap();
    std::os::unix::fs::symlink(target.join(".aws-profile"), link.join(".aws-profile")).unwrap();
    let fifo = env.home.join("fifo");
    std::fs::create_dir_all(&fifo).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(fifo.join(".aws-profile"))
        .status()
        .unwrap();
    assert!(made.success());
    let huge = project(env, "huge", &format!("dev\n{}", "#".repeat(1 << 20)));
    for (dir, reason) in [
        (&link, "is a symbolic link"),
        (&fifo, "is not a plain file"),
        (&huge, "is larger than 4096 bytes"),
    ] {
        let refused = failure(&env.grant().arg("allow").arg(dir).output().unwrap());
        assert!(refused.contains(reason), "{refused}");
        assert_eq!(refused.lines().count(), 1, "{refused}");
    }
    vec![link, fifo, huge]
}

/// What the hook's call says about a hostile name: one line, escaped, no code out.
#[test]
fn the_hook_call_refuses_a_name_that_is_no_profile_in_one_escaped_line() {
    let fake = FakeAws::start();
    let env = world(&fake);
    for name in HOSTILE_NAMES {
        let dir = project(&env, "named", &format!("{name}\nmore\n"));
        allow(&env, &dir);
        let output = env
            .grant()
            .args(["directory-profile", "--shell", "bash", "--"])
            .arg(dir.join(".aws-profile"))
            .output()
            .unwrap();
        assert_eq!(stdout(&output), "", "no shell code for {name:?}");
        let said = failure(&output);
        assert_eq!(said.lines().count(), 1, "{said}");
        assert!(said.contains("which is not in"), "{said}");
        assert!(!said.contains('\u{1b}'), "{said:?}");
    }
}

/// `grant allow` alone takes the nearest `.aws-profile` above the current directory,
/// and the shell's `$PWD` spelling of it (through a symlinked folder) is the same entry.
#[test]
fn allow_without_a_directory_takes_the_nearest_file() {
    let env = TestEnv::new();
    env.write_aws_config("[profile dev]\nregion = eu-west-1\n");
    let proj = project(&env, "proj", "dev\n");
    let said = stderr(&success_output(
        env.grant()
            .arg("allow")
            .current_dir(proj.join("sub/deeper"))
            .output()
            .unwrap(),
    ));
    assert!(said.contains("allowed"), "{said}");
    assert!(
        said.contains(&proj.join(".aws-profile").display().to_string()),
        "{said}"
    );
    let link = env.home.join("link");
    std::os::unix::fs::symlink(&proj, &link).unwrap();
    let denied = stderr(&success_output(
        env.grant()
            .arg("deny")
            .arg(link.join("sub/.."))
            .output()
            .unwrap(),
    ));
    assert!(denied.contains("denied"), "{denied}");
    let nothing = env
        .grant()
        .arg("allow")
        .current_dir(&env.home)
        .output()
        .unwrap();
    let said = failure(&nothing);
    assert!(said.contains("grant allow DIR"), "{said}");
    let no_file = failure(
        &env.grant()
            .arg("allow")
            .arg(proj.join("sub"))
            .output()
            .unwrap(),
    );
    assert!(
        no_file.contains("write the profile's name into it first"),
        "{no_file}"
    );
    let list = std::fs::read_to_string(env.state_dir.join("allowed-directories.json")).unwrap();
    assert!(!list.contains("proj"), "denied through the link: {list}");

    let gone = project(&env, "gone", "dev\n");
    allow(&env, &gone);
    let recorded = gone.canonicalize().unwrap().join(".aws-profile");
    std::fs::remove_dir_all(&gone).unwrap();
    let denied = stderr(&success_output(
        env.grant().arg("deny").arg(&gone).output().unwrap(),
    ));
    assert!(
        denied.contains("denied"),
        "a removed folder can be denied: {denied}"
    );
    let list = std::fs::read_to_string(env.state_dir.join("allowed-directories.json")).unwrap();
    assert!(!list.contains(recorded.to_str().unwrap()), "{list}");
}

/// Shells that are not installed still get their snippet checked for the names a
/// subshell could see: the hook's state is never exported.
#[test]
fn the_hook_state_is_not_exported() {
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let env = TestEnv::new();
        let init = success(&env.run(&["init", shell.name()]));
        assert!(init.contains("command grant directory-profile"), "{shell}");
        for line in init
            .lines()
            .filter(|line| line.contains("__grant_directory"))
        {
            assert!(
                !line.contains("export") && !line.contains("-gx"),
                "{shell}: {line}"
            );
        }
    }
}

/// The bash hook passes shellcheck, as the rest of the bash integration does.
#[test]
fn the_bash_hook_passes_shellcheck() {
    if !tool_is_installed("shellcheck", "shellcheck") {
        return;
    }
    let snippet = Path::new(env!("CARGO_MANIFEST_DIR")).join("shell/directory.bash");
    let output = std::process::Command::new("shellcheck")
        .args(["--shell=bash", "--severity=style"])
        .arg(snippet)
        .output()
        .unwrap();
    assert!(output.status.success(), "shellcheck: {}", stdout(&output));
}

/// `grant allow` and `grant deny` take effect at the next prompt: in the shell that
/// ran them without leaving the folder, and in another shell sitting in the tree.
/// Prompts with nothing changed start no grant.
fn allow_takes_effect_at_the_next_prompt(real: &RealShell) {
    if !is_available(real) {
        return;
    }
    let fake = FakeAws::start();
    let env = world(&fake);
    let outputs = Outputs::new(&env);
    let proj = project(&env, "proj", "dev\n");
    prepare_init(&env, real);
    let here = Terminal::start(&env, &outputs, real, "here", &env.home);
    here.type_line(&init_line(real));
    here.type_line("assume prod");
    let refused = here.environment_after("cd proj", "here-refused");
    assert_eq!(profile_of(&refused), (Some("prod"), Some("prod")));
    let other = Terminal::start(&env, &outputs, real, "other", &proj.join("sub"));
    other.type_line(&init_line(real));
    let other_refused = other.record("other-refused");
    assert_eq!(profile_of(&other_refused), (None, None), "{}", real.program);

    let calls = hook_calls(&outputs);
    here.type_line(":");
    other.type_line(":");
    assert_eq!(
        hook_calls(&outputs),
        calls,
        "unchanged prompts start no grant"
    );

    let allowed = here.environment_after("grant allow", "here-allowed");
    assert_eq!(
        profile_of(&allowed),
        (Some("dev"), Some("dev")),
        "{}: the shell that ran grant allow",
        real.program
    );
    other.type_line(":");
    let other_allowed = other.record("other-allowed");
    assert_eq!(
        profile_of(&other_allowed),
        (Some("dev"), Some("dev")),
        "{}: another shell in the tree",
        real.program
    );
    let calls = hook_calls(&outputs);
    here.type_line(":");
    other.type_line(":");
    assert_eq!(hook_calls(&outputs), calls, "seen once per change");

    let denied = here.environment_after(&format!("grant deny {}", proj.display()), "here-denied");
    assert_eq!(
        profile_of(&denied),
        (Some("prod"), Some("prod")),
        "{}: back to the state before the tree",
        real.program
    );
    other.type_line(":");
    let other_denied = other.record("other-denied");
    assert_eq!(profile_of(&other_denied), (None, None));
}

#[test]
fn bash_allow_takes_effect_at_the_next_prompt() {
    allow_takes_effect_at_the_next_prompt(&BASH);
}

#[test]
fn zsh_allow_takes_effect_at_the_next_prompt() {
    allow_takes_effect_at_the_next_prompt(&ZSH);
}

#[test]
fn fish_allow_takes_effect_at_the_next_prompt() {
    allow_takes_effect_at_the_next_prompt(&FISH);
}

#[test]
fn tcsh_allow_takes_effect_at_the_next_prompt() {
    allow_takes_effect_at_the_next_prompt(&TCSH);
}

#[test]
fn nu_allow_takes_effect_at_the_next_prompt() {
    allow_takes_effect_at_the_next_prompt(&NU);
}

/// Nushell parses a hook given as a string each time it runs, and keeps the
/// definitions in it: the code that enters or leaves a tree is defined (parsed) only
/// once a walk finds another nearest file. Prompts and `cd`s outside a tree parse
/// the short walk alone.
#[test]
fn nu_parses_the_tree_code_only_when_the_nearest_file_changes() {
    if !is_available(&NU) {
        return;
    }
    let (_fake, env, proj, outputs) = allowed_dev_project();
    prepare_init(&env, &NU);
    std::fs::create_dir_all(env.home.join("elsewhere/deep")).unwrap();
    let shell = Terminal::start(&env, &outputs, &NU, "tree-code", &env.home);
    shell.type_line(&init_line(&NU));
    let defined = |label: &str| {
        shell.nu_value(
            "scope commands | where name == __grant_directory_enter | length",
            label,
        )
    };
    assert_eq!(defined("first-prompt"), "0");
    shell.type_line("cd elsewhere/deep");
    shell.type_line("cd ~");
    assert_eq!(defined("outside"), "0");

    let inside = shell.environment_after(&format!("cd {}", proj.join("sub").display()), "inside");
    assert_eq!(inside.get("AWS_PROFILE").map(String::as_str), Some("dev"));
    assert_eq!(defined("in-the-tree"), "1");
}

/// Nushell shows the last command's status in its prompt: grant's hooks, reading an
/// allow list that does not exist yet, walking up, and refusing a tree that is not
/// allowed, leave it at 0.
#[test]
fn nu_hooks_leave_the_last_status_alone() {
    if !is_available(&NU) {
        return;
    }
    let fake = FakeAws::start();
    let env = world(&fake);
    let outputs = Outputs::new(&env);
    prepare_init(&env, &NU);
    std::fs::create_dir_all(env.home.join("elsewhere")).unwrap();
    project(&env, "unallowed", "dev\n");
    let shell = Terminal::start(&env, &outputs, &NU, "last-status", &env.home);
    shell.type_line(&init_line(&NU));
    let status = |label: &str| shell.nu_value("$env.LAST_EXIT_CODE", label);
    assert_eq!(status("after-prompts"), "0");
    shell.type_line("cd elsewhere");
    assert_eq!(status("after-a-walk"), "0");
    shell.type_line("cd ~/unallowed");
    assert_eq!(status("after-a-refusal"), "0");
    assert!(
        outputs
            .text("last-status.stderr")
            .contains("is not allowed to switch")
    );
}

/// A folder whose name holds a newline: the walk up ends (fish once spun at 100%
/// CPU there, at start and on `cd`) and finds the file of that folder, name intact.
#[test]
fn fish_walks_up_a_folder_with_a_newline_in_its_name() {
    if !tool_is_installed("fish", "fish") {
        return;
    }
    let env = TestEnv::new();
    let odd = env.home.join("proj\nect");
    std::fs::create_dir_all(odd.join("deep/er")).unwrap();
    std::fs::write(odd.join(".aws-profile"), "dev\n").unwrap();
    let script = "grant init fish | source\ncd er\nprintf '%s' $__grant_directory_found\n";
    let output = run_within(
        env.shell("fish")
            .args(["--no-config", "-c", script])
            .current_dir(odd.join("deep")),
        Duration::from_secs(30),
    );
    let found = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        found,
        odd.join(".aws-profile").to_string_lossy(),
        "{}",
        stderr(&output)
    );
}

/// tcsh's first prompt (`__grant_precmd` here) starts no process outside a tree:
/// where `grant init` saw no `.aws-profile` above, it set the allow list's stamp as
/// tcsh itself reads it, and the prompt reads nothing more; a copy saved elsewhere
/// reads the stamp and looks with its one test, without grant. Inside a tree the
/// first prompt walks and switches.
#[test]
fn tcsh_first_prompt_starts_grant_only_inside_a_tree() {
    if !is_available(&TCSH) {
        return;
    }
    let (_fake, env, proj, outputs) = allowed_dev_project();
    let eval_init = "eval \"`grant init tcsh`\"";

    let at_home = tcsh_start_and_first_prompt(&env, &outputs, &env.home, eval_init);
    let [preset, read, file]: [&str; 3] = lines_of(&at_home);
    assert_eq!(preset, read, "grant init's stamp is what tcsh reads");
    assert_eq!(file, "");
    assert_eq!(calls_after_init(&outputs), Vec::<String>::new());

    let saved = env.tmp_dir.join("grant.tcsh");
    let init = success_output(
        env.grant()
            .args(["init", "tcsh"])
            .current_dir(&proj)
            .output()
            .unwrap(),
    );
    std::fs::write(&saved, &init.stdout).unwrap();
    let source_saved = format!("source '{}'", saved.display());
    let elsewhere = tcsh_start_and_first_prompt(&env, &outputs, &env.home, &source_saved);
    let [preset, read, file]: [&str; 3] = lines_of(&elsewhere);
    assert_eq!(
        preset, "-2--2",
        "a saved copy sourced elsewhere has not read the stamp"
    );
    assert_eq!(read, at_home.lines().nth(1).unwrap(), "{elsewhere}");
    assert_eq!(file, "");
    assert_eq!(calls_after_init(&outputs), Vec::<String>::new());

    let inside = tcsh_start_and_first_prompt(&env, &outputs, &proj.join("sub"), eval_init);
    let [_, _, file]: [&str; 3] = lines_of(&inside);
    assert_eq!(file, proj.join(".aws-profile").to_string_lossy());
    assert_eq!(
        hook_calls(&outputs),
        1,
        "the walk found the file and asked grant"
    );
}

/// tcsh's hook looks for a file in the folder and eleven above with one test, and
/// walks from deeper folders: a file at the edge of the test and one further up
/// are both found.
#[test]
fn tcsh_finds_the_file_from_deep_folders() {
    if !is_available(&TCSH) {
        return;
    }
    let (_fake, env, proj, outputs) = allowed_dev_project();
    let parts = proj.components().count();
    for depth in [12_usize, 13, 20] {
        let Some(below) = depth.checked_sub(parts).filter(|below| *below > 0) else {
            continue;
        };
        let dir = (0..below).fold(proj.clone(), |dir, step| dir.join(format!("d{step}")));
        std::fs::create_dir_all(&dir).unwrap();
        let after = tcsh_start_and_first_prompt(&env, &outputs, &dir, "eval \"`grant init tcsh`\"");
        let [_, _, file]: [&str; 3] = lines_of(&after);
        assert_eq!(
            file,
            proj.join(".aws-profile").to_string_lossy(),
            "{depth} parts deep"
        );
    }
}

/// What a tcsh started in `dir` knows after `init` and its first prompt
/// (`__grant_precmd`), a line each: the stamp before the prompt ("M-I"), the stamp
/// as tcsh reads it, and the nearest `.aws-profile` the hook found. The record of
/// grant's calls starts empty.
fn tcsh_start_and_first_prompt(env: &TestEnv, outputs: &Outputs, dir: &Path, init: &str) -> String {
    let _ = std::fs::remove_file(outputs.dir.join("calls"));
    let script = format!(
        r#"{init}
printf '%s\n' "$__grant_directory_stamp_m-$__grant_directory_stamp_i"
@ m = -M "$__grant_directory_stamp_file"
@ i = -I "$__grant_directory_stamp_file"
printf '%s\n' "$m-$i"
__grant_precmd
printf '%s\n' "$__grant_directory_file""#
    );
    let mut command = env.shell("tcsh");
    command
        .env("PATH", wrapped_path(env, outputs))
        .env("PWD", dir)
        .current_dir(dir)
        .args(["-f", "-c", &script]);
    let output = run_within(&mut command, Duration::from_secs(30));
    assert!(output.status.success(), "{}", stderr(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn lines_of<const N: usize>(text: &str) -> [&str; N] {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .try_into()
        .unwrap_or_else(|lines| panic!("expected {N} lines: {lines:?}"))
}

/// The calls of grant the wrapper recorded, but `grant init`'s own.
fn calls_after_init(outputs: &Outputs) -> Vec<String> {
    std::fs::read_to_string(outputs.dir.join("calls"))
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.starts_with("init "))
        .map(str::to_owned)
        .collect()
}

/// `grant init tcsh` writes the folder it runs in into tcsh code: a folder whose
/// name is code stays data, and the first prompt there reads no stamp and starts
/// nothing.
#[test]
fn tcsh_init_keeps_a_hostile_start_folder_as_data() {
    if !is_available(&TCSH) {
        return;
    }
    let (_fake, env, _proj, outputs) = allowed_dev_project();
    for name in HOSTILE_FOLDERS {
        let dir = env.home.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let after = tcsh_start_and_first_prompt(&env, &outputs, &dir, "eval \"`grant init tcsh`\"");
        let [preset, read, file]: [&str; 3] = lines_of(&after);
        assert_eq!(
            preset, read,
            "{name:?}: the start skipped its walk: {after}"
        );
        assert_eq!(file, "", "{name:?}");
        assert_eq!(calls_after_init(&outputs), Vec::<String>::new(), "{name:?}");
        assert!(!dir.join("CANARY").exists(), "{name:?} ran code");
        assert!(!env.home.join("CANARY").exists(), "{name:?} ran code");
    }
}

/// A folder with a line break in its name: tcsh's hook tests it without an error
/// (in "...", tcsh would stop at the line break), and starts nothing there.
#[test]
fn tcsh_enters_a_folder_with_a_line_break_quietly() {
    if !is_available(&TCSH) {
        return;
    }
    let (_fake, env, _proj, outputs) = allowed_dev_project();
    let dir = env.home.join("line\nbreak");
    std::fs::create_dir_all(&dir).unwrap();
    let script = "eval \"`grant init tcsh`\"\ncd line?break\n__grant_precmd\nprintf 'entered %s\\n' \"$__grant_directory_file\"";
    let _ = std::fs::remove_file(outputs.dir.join("calls"));
    let output = run_within(
        env.shell("tcsh")
            .env("PATH", wrapped_path(&env, &outputs))
            .current_dir(&env.home)
            .args(["-f", "-c", script]),
        Duration::from_secs(30),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "entered \n");
    assert_eq!(stderr(&output), "");
    assert_eq!(calls_after_init(&outputs), Vec::<String>::new());
}
