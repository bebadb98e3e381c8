//! The shell layer as a user meets it: completion loaded on the first Tab in a new
//! bash, zsh and fish (typed into tmux), the variables `assume` gives prompts in both
//! modes, and the prompt recipes of docs/prompt.md, run as written, starting no process.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fake_aws::FakeAws;
use grant::testing::shell::Shell;

use crate::shells::{
    BASH, FISH, Outputs, RealShell, TCSH, ZSH, init_line, run_script, script_succeeded,
};
use crate::support::fixtures::{self, DEV_ACCOUNT, DEV_ROLE, Forget, Process};
use crate::support::{TestEnv, failure, stderr, stdout, success, tool_is_installed};

/// A real shell on a tmux terminal of its own, typed into and read back.
struct Terminal<'a> {
    env: &'a TestEnv,
    socket: String,
}

impl<'a> Terminal<'a> {
    /// `real` started interactively without its startup files, in a tmux server of
    /// its own; `None` (skipped, or failed under CI) when the shell or tmux is missing.
    fn start(env: &'a TestEnv, real: &RealShell) -> Option<Self> {
        if !real.is_installed() || !tool_is_installed("tmux", "tmux") {
            return None;
        }
        static SESSIONS: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "grant-shell-layer-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::Relaxed)
        );
        let terminal = Terminal { env, socket };
        let mut command = vec!["new-session", "-d", "-x", "160", "-y", "50", real.program];
        command.extend_from_slice(real.options);
        if real.shell == Shell::Bash {
            command.push("-i");
        }
        let started = terminal.tmux(&command);
        assert!(started.status.success(), "tmux: {}", stderr(&started));
        Some(terminal)
    }

    fn tmux(&self, args: &[&str]) -> Output {
        self.env
            .shell("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env("TERM", "xterm")
            .env("PS1", "$ ")
            .output()
            .unwrap()
    }

    /// Types `keys` (tmux key names such as `Tab` and `Enter` included).
    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        let sent = self.tmux(&args);
        assert!(sent.status.success(), "tmux: {}", stderr(&sent));
    }

    /// Types `line` and Enter.
    fn run(&self, line: &str) {
        self.send(&["-l", line]);
        self.send(&["Enter"]);
    }

    fn screen(&self) -> String {
        stdout(&self.tmux(&["capture-pane", "-p"]))
    }

    /// The screen once it shows `text`; fails after 20 seconds without it.
    #[track_caller]
    fn shows(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} never showed:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `line`, which must print `marker` built from parts (`$m` is set to
    /// `MARK`), so that the screen shows it only once the line ran, never as typed.
    fn run_and_wait(&self, real: &RealShell, line: &str, marker: &str) -> String {
        let set = match real.shell {
            Shell::Fish => "set m MARK;",
            _ => "m=MARK;",
        };
        self.run(&format!("{set} {line}"));
        self.shows(marker)
    }
}

impl Drop for Terminal<'_> {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

const PROFILES: &str =
    "[profile dev]\nregion = a\n[profile dev-eu]\nregion = b\n[profile prod]\nregion = c\n";

/// Code that prints `LAZY-MARK` while grant's completion is not loaded, and
/// `LOADED-MARK` once it is.
fn completion_state(real: &RealShell) -> &'static str {
    match real.shell {
        Shell::Bash => {
            r#"if declare -F _grant >/dev/null; then echo "LOADED-$m"; else echo "LAZY-$m"; fi"#
        }
        Shell::Zsh => {
            r#"if (( $+functions[_grant_commands] )); then echo "LOADED-$m"; else echo "LAZY-$m"; fi"#
        }
        Shell::Fish => {
            r#"if functions -q __fish_grant_global_optspecs; echo "LOADED-$m"; else; echo "LAZY-$m"; end"#
        }
        Shell::PowerShell | Shell::Nu | Shell::Tcsh => unreachable!("loaded at start"),
    }
}

/// A new shell with the integration loaded as the README says (zsh after compinit),
/// its completion not yet loaded.
fn new_shell<'a>(env: &'a TestEnv, real: &RealShell) -> Option<Terminal<'a>> {
    let terminal = Terminal::start(env, real)?;
    let mut init = init_line(real);
    if real.shell == Shell::Zsh {
        init = format!("autoload -Uz compinit && compinit -u -D; {init}");
    }
    terminal.run_and_wait(real, &format!("{init}; echo \"READY-$m\""), "READY-MARK");
    terminal.run_and_wait(real, completion_state(real), "LAZY-MARK");
    terminal.send(&["C-l"]);
    Some(terminal)
}

/// In a new shell, the first Tab completes: a subcommand of grant, a profile after
/// `--profile`, a profile after `assume`. The completion is loaded by that Tab.
fn first_tab_completes(real: &RealShell) {
    let cases: [(&str, &str, &str); 3] = [
        (
            "grant credential-",
            "grant credential-process",
            "grant credential-process",
        ),
        (
            "grant credential-process --profile p",
            "--profile prod",
            "prod",
        ),
        ("assume de", "assume dev", "dev-eu"),
    ];
    for (typed, completed, listed) in cases {
        // A new world and a new shell for each: every case is a first Tab.
        let env = TestEnv::new();
        env.write_aws_config(PROFILES);
        let Some(terminal) = new_shell(&env, real) else {
            return;
        };
        terminal.send(&["-l", typed]);
        terminal.send(&["Tab"]);
        terminal.shows(completed);
        if listed != completed {
            // bash lists the candidates at the third Tab, zsh and fish at the second.
            terminal.send(&["Tab", "Tab"]);
            terminal.shows(listed);
        }
        terminal.send(&["C-c"]);
        terminal.run_and_wait(real, completion_state(real), "LOADED-MARK");
    }
}

#[test]
fn bash_completes_on_the_first_tab() {
    first_tab_completes(&BASH);
}

#[test]
fn zsh_completes_on_the_first_tab() {
    first_tab_completes(&ZSH);
}

#[test]
fn fish_completes_on_the_first_tab() {
    first_tab_completes(&FISH);
}

/// The fake's sign-ins: an access token of 2 hours, a registration of 5 hours.
const TOKEN_SECONDS: i64 = 2 * 3600;
const REGISTRATION_SECONDS: i64 = 5 * 3600;

fn fake() -> FakeAws {
    FakeAws::builder()
        .configure(|settings| {
            settings.access_token_lifetime = Duration::from_secs(TOKEN_SECONDS as u64);
            settings.registration_lifetime = Duration::from_secs(REGISTRATION_SECONDS as u64);
        })
        .start()
        .unwrap()
}

/// `dev`: refreshable (registration scopes). `legacy`: the same role through another
/// portal without scopes, so its token cannot be refreshed. `keys`: static keys
/// without a region.
fn profiles() -> String {
    let dev = fixtures::granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::OnPath);
    format!(
        "{dev}[profile legacy]\ngranted_sso_start_url = {LEGACY_START_URL}\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = {DEV_ACCOUNT}\ngranted_sso_role_name = {DEV_ROLE}\nregion = eu-west-1\ncredential_process = grant credential-process --profile legacy\n\n[profile keys]\n"
    )
}

const LEGACY_START_URL: &str = "https://legacy-org.awsapps.com/start";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Signs in to `dev` and `legacy`; returns the world and the moments before and
/// after the sign-ins, which bracket when the fake's tokens and registrations end.
fn signed_in(fake: &FakeAws) -> (TestEnv, i64, i64) {
    let before = now();
    let env = fixtures::signed_in(fake, &profiles(), Forget::Nothing);
    success(&env.run(&["sso", "login", "--profile", "legacy"]));
    let after = now();
    env.write_aws_credentials(
        "[keys]\naws_access_key_id = AKIAKEYSEXAMPLE\naws_secret_access_key = keys-secret\n",
    );
    (env, before, after)
}

#[track_caller]
fn assert_epoch_within(value: &str, from: i64, to: i64, what: &str) {
    let value: i64 = value
        .parse()
        .unwrap_or_else(|_| panic!("{what}: {value:?}"));
    assert!(
        (from..=to).contains(&value),
        "{what}: {value} not in {from}..={to}"
    );
}

/// What assume tells a prompt, in both modes, and what `--unset` clears.
fn prompt_variables(real: &RealShell) {
    if !real.is_installed() {
        return;
    }
    let fake = fake();
    let (env, before, after) = signed_in(&fake);
    let outputs = Outputs::new(&env);
    let lines = [
        init_line(real),
        r#"assume dev; env -0 > "$OUT/dev""#.to_owned(),
        r#"assume legacy; env -0 > "$OUT/legacy""#.to_owned(),
        r#"assume -x dev; env -0 > "$OUT/keys""#.to_owned(),
        r#"assume -r us-west-2 dev; env -0 > "$OUT/region""#.to_owned(),
        r#"assume keys; env -0 > "$OUT/no-region""#.to_owned(),
        r#"assume dev; assume --unset; env -0 > "$OUT/unset""#.to_owned(),
    ];
    let output = run_script(&env, real, &outputs, &lines);
    script_succeeded(real, &output);

    let dev = outputs.environment("dev");
    assert_eq!(dev["GRANT_PROFILE"], "dev");
    assert_eq!(dev["GRANT_REGION"], "eu-west-1");
    // Refreshable: the sign-in lasts as long as the client registration.
    let registration = (before + REGISTRATION_SECONDS, after + REGISTRATION_SECONDS);
    assert_epoch_within(
        &dev["GRANT_SSO_EXPIRES"],
        registration.0,
        registration.1,
        "dev",
    );
    assert!(
        !dev.contains_key("GRANT_EXPIRES"),
        "no keys, no GRANT_EXPIRES"
    );

    let legacy = outputs.environment("legacy");
    let token = (before + TOKEN_SECONDS, after + TOKEN_SECONDS);
    assert_epoch_within(&legacy["GRANT_SSO_EXPIRES"], token.0, token.1, "legacy");

    let keys = outputs.environment("keys");
    assert_eq!(keys["GRANT_REGION"], "eu-west-1");
    let expiration = grant::testing::parse_expiration(&keys["AWS_CREDENTIAL_EXPIRATION"])
        .expect("RFC 3339 expiration");
    assert_eq!(keys["GRANT_EXPIRES"], expiration.to_string());
    assert!(
        !keys.contains_key("GRANT_SSO_EXPIRES"),
        "the keys' expiry is what matters with -x"
    );

    let region = outputs.environment("region");
    assert_eq!(region["GRANT_REGION"], "us-west-2");
    assert_eq!(region["AWS_REGION"], "us-west-2");

    let no_region = outputs.environment("no-region");
    assert_eq!(no_region["GRANT_PROFILE"], "keys");
    assert_eq!(no_region["GRANT_REGION"], "", "set, and empty");
    assert!(!no_region.contains_key("GRANT_SSO_EXPIRES"), "static keys");

    let unset = outputs.environment("unset");
    for name in [
        "GRANT_PROFILE",
        "GRANT_REGION",
        "GRANT_EXPIRES",
        "GRANT_SSO_EXPIRES",
        "GRANT_EXPORTED",
        "AWS_PROFILE",
    ] {
        assert!(!unset.contains_key(name), "--unset left {name}");
    }
    drop(env);
}

#[test]
fn bash_prompt_variables() {
    prompt_variables(&BASH);
}

#[test]
fn zsh_prompt_variables() {
    prompt_variables(&ZSH);
}

#[test]
fn fish_prompt_variables() {
    prompt_variables(&FISH);
}

/// The recipe of docs/prompt.md for `real`: the fenced block that starts with its rc file.
fn readme_recipe(real: &RealShell) -> String {
    let first_line = match real.shell {
        Shell::Bash => "# ~/.bashrc, after eval \"$(grant init bash)\"",
        Shell::Zsh => "# ~/.zshrc, after eval \"$(grant init zsh)\"",
        Shell::Fish => "# ~/.config/fish/config.fish, after grant init fish | source",
        Shell::PowerShell | Shell::Nu | Shell::Tcsh => unreachable!("no recipe"),
    };
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/prompt.md"))
            .unwrap();
    let start = readme
        .find(&format!("\n{first_line}"))
        .unwrap_or_else(|| panic!("docs/prompt.md has no recipe starting {first_line:?}"));
    let block = &readme[start + 1..];
    block[..block.find("\n```").unwrap()].to_owned()
}

/// A folder holding only `grant`: a shim that records each call in `log`, then runs
/// the grant under test. With it alone on PATH, a prompt that ran any program would
/// fail to, and one that ran grant would leave a line.
fn recording_grant(env: &TestEnv) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = env.tmp_dir.join("shim");
    std::fs::create_dir_all(&dir).unwrap();
    let log = env.tmp_dir.join("grant-calls");
    let shim = dir.join("grant");
    std::fs::write(
        &shim,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            env!("CARGO_BIN_EXE_grant")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();
    env.written_by_the_test(&log);
    (dir, log)
}

/// The minutes the last `[PROFILE REGION NNm]` on `screen` shows.
fn shown_minutes(screen: &str, prefix: &str) -> i64 {
    let at = screen
        .rfind(prefix)
        .unwrap_or_else(|| panic!("no {prefix:?} on\n{screen}"));
    let rest = &screen[at + prefix.len()..];
    let end = rest
        .find("m]")
        .unwrap_or_else(|| panic!("no minutes after {prefix:?} on\n{screen}"));
    rest[..end]
        .parse()
        .unwrap_or_else(|_| panic!("{:?} are not minutes", &rest[..end]))
}

/// The value of `name` in the shell, read back through the screen.
fn shell_value(terminal: &Terminal, real: &RealShell, name: &str) -> i64 {
    let marker = format!("{name}-MARK=");
    let screen = terminal.run_and_wait(real, &format!("echo \"{name}-$m=${name}=\""), &marker);
    let at = screen.rfind(&marker).unwrap() + marker.len();
    let rest = &screen[at..];
    rest[..rest.find('=').unwrap()].parse().unwrap()
}

/// After `assume` in each mode, the prompt of docs/prompt.md shows the profile, the region
/// and the minutes left, and no prompt runs grant or any other program.
fn readme_prompt_shows_profile_and_minutes(real: &RealShell) {
    if !real.is_installed() || !tool_is_installed("tmux", "tmux") {
        return;
    }
    let fake = fake();
    let (env, _, _) = signed_in(&fake);
    let recipe = env.tmp_dir.join("prompt-recipe");
    std::fs::write(&recipe, readme_recipe(real)).unwrap();
    let (shim_dir, log) = recording_grant(&env);
    let Some(terminal) = Terminal::start(&env, real) else {
        return;
    };
    let path_line = match real.shell {
        Shell::Fish => format!("set -gx PATH '{}'", shim_dir.display()),
        _ => format!("PATH='{}'", shim_dir.display()),
    };
    let setup = format!(
        "{}; source '{}'; {path_line}; echo \"READY-$m\"",
        init_line(real),
        recipe.display()
    );
    terminal.run_and_wait(real, &setup, "READY-MARK");
    let modes = [
        ("assume dev", "GRANT_SSO_EXPIRES"),
        ("assume -x dev", "GRANT_EXPIRES"),
    ];
    for (assume, variable) in modes {
        let before = now();
        terminal.run(assume);
        for _ in 0..3 {
            terminal.send(&["Enter"]);
        }
        let marker = format!("{variable}-PROMPTS-MARK");
        let screen =
            terminal.run_and_wait(real, &format!("echo \"{variable}-PROMPTS-$m\""), &marker);
        let after = now();
        // The prompt the echo was typed at, after the three empty ones.
        let shown = shown_minutes(&screen[..screen.rfind(&marker).unwrap()], "[dev eu-west-1 ");
        let expires = shell_value(&terminal, real, variable);
        let (fewest, most) = ((expires - after) / 60, (expires - before + 59) / 60);
        assert!(
            (fewest..=most).contains(&shown),
            "{assume}: the prompt shows {shown} min, {variable} leaves {fewest} to {most}:\n{screen}"
        );
        assert!(
            !screen.contains("not found") && !screen.contains("Unknown command"),
            "the prompt ran a program:\n{screen}"
        );
    }
    let calls = std::fs::read_to_string(&log).unwrap();
    // fish's autosuggestions complete what is typed, so typing `assume` loads the
    // completion, once.
    let calls = calls.replacen("completions fish\n", "", 1);
    let shell = real.shell.name();
    assert_eq!(
        calls,
        format!("assume --shell {shell} dev\nassume --shell {shell} -x dev\n"),
        "grant ran only for the two assumes, never for a prompt"
    );
    drop(terminal);
}

#[test]
fn bash_readme_prompt_shows_profile_and_minutes() {
    readme_prompt_shows_profile_and_minutes(&BASH);
}

#[test]
fn zsh_readme_prompt_shows_profile_and_minutes() {
    readme_prompt_shows_profile_and_minutes(&ZSH);
}

#[test]
fn fish_readme_prompt_shows_profile_and_minutes() {
    readme_prompt_shows_profile_and_minutes(&FISH);
}

/// fish's loaders are grant's own files: one replaced by other code, or by a
/// symlink to it, is written again, and the link's target is left alone.
#[test]
fn fish_init_rewrites_its_completion_loaders() {
    let env = TestEnv::new();
    success(&env.run(&["init", "fish"]));
    let folder = env.state_dir.join("fish-completions");
    let loader = std::fs::read_to_string(folder.join("grant.fish")).unwrap();
    assert!(
        loader.contains("command grant completions fish | source"),
        "{loader}"
    );
    let elsewhere = env.tmp_dir.join("elsewhere.fish");
    std::fs::write(&elsewhere, "echo planted\n").unwrap();
    env.written_by_the_test(&elsewhere);
    std::fs::write(folder.join("grant.fish"), "echo planted\n").unwrap();
    std::fs::remove_file(folder.join("assume.fish")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, folder.join("assume.fish")).unwrap();
    let init = success(&env.run(&["init", "fish"]));
    assert!(init.contains("set -gp fish_complete_path"), "{init}");
    for command in ["grant", "assume"] {
        let path = folder.join(format!("{command}.fish"));
        assert!(!path.is_symlink(), "{command}.fish is still a link");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), loader);
    }
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap(),
        "echo planted\n"
    );
}

/// Where the loaders cannot be written (a state folder others may write to),
/// `grant init fish` sources the completion at start instead.
#[test]
fn fish_init_without_its_loaders_sources_the_completion() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let shared = env.tmp_dir.join("shared-state");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let output = env
        .grant()
        .args(["init", "fish"])
        .env("GRANT_STATE_DIR", &shared)
        .output()
        .unwrap();
    let init = success(&output);
    assert!(
        init.contains("command grant completions fish | source"),
        "{init}"
    );
    assert!(!init.contains("fish_complete_path"), "{init}");
    assert!(!shared.join("fish-completions").exists());
}

/// `grant init tcsh --save FILE`, in a folder whose name is code: a tcsh that
/// sources FILE starts no grant. Once the binary that wrote it changes (its
/// modification time), the next start saves a new copy, once, and loads it; a copy
/// that still does not match loads without renewing again.
#[test]
fn tcsh_saved_copy_renews_itself_once_when_grant_changes() {
    if !TCSH.is_installed() {
        return;
    }
    let env = TestEnv::new();
    let bin = env.tmp_dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let real = bin.join("grant-real");
    std::fs::copy(env!("CARGO_BIN_EXE_grant"), &real).unwrap();
    let calls = env.tmp_dir.join("calls");
    let keep_changing = env.tmp_dir.join("keep-changing");
    let wrapper = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{calls}'\n'{real}' \"$@\"\nstatus=$?\n\
         [ -e '{marker}' ] && touch -d 2019-01-01 '{real}'\nexit $status\n",
        calls = calls.display(),
        real = real.display(),
        marker = keep_changing.display()
    );
    std::fs::write(bin.join("grant"), wrapper).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("grant"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        crate::support::path_with_grant().to_string_lossy()
    );
    let folder = env.home.join("it's $(touch CANARY) `touch CANARY`; !x");
    let file = folder.join("grant.tcsh");

    let saved = output_once_not_busy(
        env.shell(real.to_str().unwrap())
            .args(["init", "tcsh", "--save"])
            .arg(&file),
    );
    let source_line = success(&saved);
    assert!(
        source_line.starts_with("source '") && source_line.lines().count() == 1,
        "{source_line}"
    );
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let set_age = |time: u64| {
        let binary = std::fs::File::open(&real).unwrap();
        binary
            .set_modified(std::time::UNIX_EPOCH + Duration::from_secs(time))
            .unwrap();
    };
    let start = || {
        let _ = std::fs::remove_file(&calls);
        let script = format!(
            "{source_line}which assume >& /dev/null\nprintf '%s|%s|%s\\n' $status \"$?__grant_renewing\" \"$GRANT_SHELL_INTEGRATION\"\n"
        );
        let output = env
            .shell("tcsh")
            .env("PATH", &path)
            .current_dir(&env.home)
            .args(["-f", "-c", &script])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let recorded = std::fs::read_to_string(&calls).unwrap_or_default();
        (stdout(&output), recorded)
    };
    let loaded = "0|0|tcsh\n";
    let renewal = format!("init tcsh --save {}\n", file.display());

    assert_eq!(
        start(),
        (loaded.to_owned(), String::new()),
        "a current copy starts nothing"
    );
    set_age(1_577_836_800);
    assert_eq!(
        start(),
        (loaded.to_owned(), renewal.clone()),
        "a changed grant saves a new copy"
    );
    let copy = std::fs::read_to_string(&file).unwrap();
    assert!(copy.contains(" == 1577836800 "), "{copy}");
    assert_eq!(
        start(),
        (loaded.to_owned(), String::new()),
        "the new copy is current"
    );

    std::fs::write(&keep_changing, "").unwrap();
    set_age(1_600_000_000);
    assert_eq!(
        start(),
        (loaded.to_owned(), renewal.clone()),
        "renewed once, then loaded"
    );
    assert_eq!(
        start(),
        (loaded.to_owned(), renewal),
        "each start tries once"
    );
    assert!(!folder.join("CANARY").exists() && !env.home.join("CANARY").exists());
}

/// `command`'s output, once the binary just copied can run: a child another test
/// forked while the copy was open for writing holds it until that child's exec.
fn output_once_not_busy(command: &mut std::process::Command) -> Output {
    for _ in 0..100 {
        match command.output() {
            Err(error) if error.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(Duration::from_millis(20));
            }
            output => return output.unwrap(),
        }
    }
    panic!("{command:?} stayed busy");
}

/// `--save` is for tcsh; a folder others can write to, and a path tcsh cannot be
/// given, are refused with nothing written.
#[test]
fn init_save_refuses_other_shells_shared_folders_and_paths_tcsh_cannot_carry() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let refused = |shell: &str, file: &Path, why: &str| {
        let output = env
            .grant()
            .args(["init", shell, "--save"])
            .arg(file)
            .output()
            .unwrap();
        let error = failure(&output);
        assert!(error.contains(why) && error.lines().count() == 1, "{error}");
        assert!(!file.exists());
    };
    refused(
        "bash",
        &env.tmp_dir.join("grant.bash"),
        "--save is for tcsh",
    );
    let shared = env.tmp_dir.join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    refused(
        "tcsh",
        &shared.join("grant.tcsh"),
        "other users can write to it",
    );
    let folder = env.tmp_dir.join("line\nbreak");
    refused(
        "tcsh",
        &folder.join("grant.tcsh"),
        "cannot be given to tcsh",
    );
    assert!(!folder.exists());
}
