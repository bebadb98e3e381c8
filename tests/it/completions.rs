//! `grant init` and `grant completions`: the snippets pass their shells' syntax
//! checks, the committed `completions/` files match the CLI, and profile names
//! complete in real bash, zsh, fish and nushell without running as code.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use grant::testing::shell::Shell;

#[cfg(unix)]
use crate::directory_profiles::{HOSTILE_FOLDERS, Terminal, is_available};
use crate::shells::test_values::CANARY;
#[cfg(unix)]
use crate::shells::test_values::KEEP;
use crate::shells::{BASH, FISH, Outputs, RealShell, ZSH, init_line, run_script, script_succeeded};
#[cfg(unix)]
use crate::shells::{NU, prepare_init};
use crate::support::{TestEnv, failure, stderr, stdout, success, tool_is_installed};

#[test]
fn init_names_the_supported_shells_for_an_unknown_one() {
    let env = TestEnv::new();
    let line = failure(&env.run(&["init", "csh"]));
    assert!(line.contains("bash, zsh, fish, powershell"), "{line}");
    assert!(line.contains("nu") && line.contains("tcsh"), "{line}");
}

/// Each snippet passes its shell's own syntax check, and shellcheck for bash.
#[test]
fn every_snippet_passes_its_shells_syntax_check() {
    let env = TestEnv::new();
    let checks: [(&RealShell, &[&str]); 3] = [
        (&BASH, &["-n"]),
        (&ZSH, &["-n"]),
        (&FISH, &["--no-execute"]),
    ];
    for (real, check) in checks {
        if !real.is_installed() {
            continue;
        }
        let script = env.tmp_dir.join(format!("init.{}", real.program));
        let init = success(&env.run(&["init", real.program]));
        assert!(init.contains("assume"), "{init}");
        std::fs::write(&script, init).unwrap();
        let output = Command::new(real.program)
            .args(check)
            .arg(&script)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{} rejects its snippet: {}",
            real.program,
            stderr(&output)
        );
    }
    if tool_is_installed("shellcheck", "shellcheck") {
        let snippets = ["shell/grant.bash", "shell/complete.bash"]
            .map(|file| Path::new(env!("CARGO_MANIFEST_DIR")).join(file));
        let output = Command::new("shellcheck")
            .args(["--shell=bash", "--severity=style"])
            .args(snippets)
            .output()
            .unwrap();
        assert!(output.status.success(), "shellcheck: {}", stdout(&output));
    }
}

/// The files under completions/ are what `grant completions` prints today. After a
/// CLI change, regenerate them with GRANT_WRITE_COMPLETIONS=1 cargo test completions.
#[test]
fn committed_completions_match_the_cli() {
    let env = TestEnv::new();
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for shell in Shell::ALL {
        let generated = success(&env.run(&["completions", shell.name()]));
        let path = folder.join(grant::testing::shell::completion_file_name(shell));
        if std::env::var_os("GRANT_WRITE_COMPLETIONS").is_some() {
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date: run GRANT_WRITE_COMPLETIONS=1 cargo test committed_completions",
            path.display()
        );
    }
}

const COMPLETION_PROFILES: &str = "[profile dev]\nregion = a\n[profile dev-eu]\nregion = b\n[profile team:ops]\nregion = c\n[profile $(touch CANARY)]\nregion = d\n[profile prod]\nregion = e\n";

#[test]
fn bash_completes_profile_names() {
    if !BASH.is_installed() {
        return;
    }
    let env = TestEnv::new();
    env.write_aws_config(COMPLETION_PROFILES);
    let outputs = Outputs::new(&env);
    // What bash sets before it calls a completion function.
    let complete = |label: &str, function: &str, line: &str, words: &str| {
        format!(
            r#"COMP_LINE={line}; COMP_POINT=${{#COMP_LINE}}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); COMPREPLY=(); {function} "${{COMP_WORDS[0]}}" "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"; printf '%s\0' "${{COMPREPLY[@]}}" > "$OUT/{label}""#
        )
    };
    let lines = [
        init_line(&BASH),
        r#"complete -p assume grant > "$OUT/loaders""#.to_owned(),
        // The first completion goes through the loader, as bash's first Tab does.
        complete(
            "assume-dev",
            "__grant_load_completion",
            "'assume de'",
            "assume de",
        ),
        complete(
            "assume-all",
            "__grant_complete_assume",
            "'assume '",
            "assume ''",
        ),
        complete(
            "assume-colon",
            "__grant_complete_assume",
            "'assume team:o'",
            "assume team : o",
        ),
        complete(
            "grant-profile",
            "__grant_complete",
            "'grant credential-process --profile p'",
            "grant credential-process --profile p",
        ),
        // `--reassume`, the hook's own option, is hidden.
        complete(
            "grant-assume-options",
            "__grant_complete",
            "'grant assume --re'",
            "grant assume --re",
        ),
    ];
    let mut lines = lines.to_vec();
    lines.insert(
        3,
        r#"complete -p assume grant > "$OUT/registered""#.to_owned(),
    );
    let output = run_script(&env, &BASH, &outputs, &lines);
    script_succeeded(&BASH, &output);
    let loaders = outputs.text("loaders");
    assert!(
        loaders.contains("-F __grant_load_completion assume")
            && loaders.contains("-F __grant_load_completion grant"),
        "{loaders}"
    );
    let registered = outputs.text("registered");
    assert!(
        registered.contains("-F __grant_complete_assume assume"),
        "{registered}"
    );
    assert!(registered.contains("-F __grant_complete") && registered.contains(" grant"));
    let words = |label: &str| -> Vec<String> {
        outputs
            .text(label)
            .split_terminator('\0')
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(words("assume-dev"), ["dev", "dev-eu"]);
    // `$(touch CANARY)` is outside the SDKs' name set: the reader ignores it.
    assert_eq!(words("assume-all"), ["dev", "dev-eu", "prod", "team:ops"]);
    assert_eq!(
        words("assume-colon"),
        ["ops"],
        "trimmed at the colon, as bash splits there"
    );
    assert_eq!(words("grant-profile"), ["prod"]);
    assert_eq!(words("grant-assume-options"), ["--region"]);
    assert!(
        !env.home.join(CANARY).exists(),
        "a profile name ran as code"
    );
}

#[test]
fn fish_completes_profile_names() {
    if !FISH.is_installed() {
        return;
    }
    let env = TestEnv::new();
    env.write_aws_config(COMPLETION_PROFILES);
    let outputs = Outputs::new(&env);
    let lines = [
        init_line(&FISH),
        r#"complete -C 'assume ' > "$OUT/assume""#.to_owned(),
        r#"complete -C 'assume de' > "$OUT/assume-dev""#.to_owned(),
        r#"complete -C 'grant credential-process --profile ' > "$OUT/grant""#.to_owned(),
        r#"complete -C 'grant assume --re' > "$OUT/grant-assume-options""#.to_owned(),
    ];
    let output = run_script(&env, &FISH, &outputs, &lines);
    script_succeeded(&FISH, &output);
    let candidates = |label: &str| -> Vec<String> {
        outputs
            .text(label)
            .lines()
            .map(|line| line.split('\t').next().unwrap().to_owned())
            .collect()
    };
    // `$(touch CANARY)` is outside the SDKs' name set: the reader ignores it.
    let all = ["dev", "dev-eu", "prod", "team:ops"];
    let assume = candidates("assume");
    assert!(!assume.iter().any(|c| c.contains("CANARY")), "{assume:?}");
    for name in all {
        assert!(assume.iter().any(|c| c == name), "{name} in {assume:?}");
    }
    assert_eq!(candidates("assume-dev"), ["dev", "dev-eu"]);
    let grant = candidates("grant");
    for name in all {
        assert!(grant.iter().any(|c| c == name), "{name} in {grant:?}");
    }
    // `--reassume`, the hook's own option, is hidden.
    assert_eq!(candidates("grant-assume-options"), ["--region"]);
    assert!(
        !env.home.join(CANARY).exists(),
        "a profile name ran as code"
    );
}

/// zsh's completion needs its line editor, so it is typed into a real zsh inside
/// tmux, whose screen is read back until the candidates show.
#[test]
fn zsh_completes_profile_names() {
    if !ZSH.is_installed() || !tool_is_installed("tmux", "tmux") {
        return;
    }
    let env = TestEnv::new();
    env.write_aws_config(COMPLETION_PROFILES);
    let socket = format!("grant-test-{}", std::process::id());
    let tmux = |args: &[&str]| {
        env.shell("tmux")
            .arg("-L")
            .arg(&socket)
            .args(args)
            .env("TERM", "xterm")
            .output()
            .unwrap()
    };
    let started = tmux(&["new-session", "-d", "-x", "150", "-y", "40", "zsh", "-f"]);
    assert!(started.status.success(), "tmux: {}", stderr(&started));
    let screen_shows = |text: &str| {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = stdout(&tmux(&["capture-pane", "-p"]));
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} never showed:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    tmux(&[
        "send-keys",
        r#"autoload -Uz compinit && compinit -u -D; eval "$(grant init zsh)"; echo READY"#,
        "Enter",
    ]);
    screen_shows("\nREADY");
    tmux(&["send-keys", "assume de", "Tab"]);
    screen_shows("assume dev");
    tmux(&["send-keys", "Tab"]);
    screen_shows("dev-eu");
    tmux(&[
        "send-keys",
        "C-u",
        "grant credential-process --profile p",
        "Tab",
    ]);
    screen_shows("--profile prod");
    tmux(&["kill-server"]);
    assert!(
        !env.home.join(CANARY).exists(),
        "a profile name ran as code"
    );
}

/// Profile names the AWS files may hold that are code in some shell or drive the
/// terminal (a `;` would end the header): outside the SDKs' name set, so never
/// offered.
#[cfg(unix)]
const HOSTILE_PROFILES: &str = "[profile `touch CANARY`]\nregion = f\n[profile x' rm -rf ~/KEEP 'y]\nregion = g\n[profile a\u{1b}[2J\u{1b}[31mb]\nregion = h\n";

/// Nushell's completion asks grant on each Tab (`@complete`, `grant __complete`):
/// typed into a real nushell inside tmux, with what the README has it load.
#[cfg(unix)]
#[test]
fn nu_completes_commands_and_profile_names() {
    if !is_available(&NU) {
        return;
    }
    let env = TestEnv::new();
    env.write_aws_config(&format!("{COMPLETION_PROFILES}{HOSTILE_PROFILES}"));
    std::fs::write(env.home.join(KEEP), "").unwrap();
    env.written_by_the_test(&env.home.join(KEEP));
    let outputs = Outputs::new(&env);
    prepare_init(&env, &NU);
    let shell = Terminal::start_on_screen(&env, &outputs, &NU, "complete", &env.home);
    shell.type_line(&init_line(&NU));
    let next = |text: &str, shows: &str| {
        shell.type_keys("", &["C-c"]);
        shell.type_keys("", &["C-l"]);
        shell.type_keys(text, &["Tab"]);
        shell.screen_shows(shows)
    };
    let commands = next("grant ", "uninstall");
    for command in ["credential-process", "console", "profiles", "registry"] {
        assert!(commands.contains(command), "{command}:\n{commands}");
    }
    assert!(!commands.contains("__complete"), "{commands}");
    next("grant cons", "grant console ");
    shell.type_keys("d", &["Tab"]);
    shell.screen_shows("dev-eu");
    next("grant credential-process --profile p", "--profile prod ");
    next("grant export --fo", "--format ");
    let assume = next("assume ", "team:ops");
    for name in ["dev", "dev-eu", "prod"] {
        assert!(assume.contains(name), "{name}:\n{assume}");
    }
    assert!(
        !assume.contains("touch") && !assume.contains("KEEP") && !assume.contains("[2J"),
        "{assume}"
    );
    next("assume te", "assume team:ops ");
    // Taken and run: the profile reaches grant as it was offered.
    shell.enter();
    let calls = outputs.text("calls");
    assert!(
        calls
            .lines()
            .any(|line| line == "assume --shell nu team:ops"),
        "{calls}"
    );
    assert!(
        !env.home.join(CANARY).exists(),
        "a profile name ran as code"
    );
    assert!(env.home.join(KEEP).exists(), "a profile name ran as code");
}

/// Paths complete too (`grant allow DIR`), and a file name is not a word of
/// nushell's: the one taken reaches grant whole, and none runs as code. One holding
/// a terminal escape or a line break is not offered.
#[cfg(unix)]
#[test]
fn nu_completion_keeps_hostile_file_names_data() {
    if !is_available(&NU) {
        return;
    }
    let env = TestEnv::new();
    let outputs = Outputs::new(&env);
    let folders: Vec<String> = HOSTILE_FOLDERS
        .iter()
        .enumerate()
        .map(|(index, name)| format!("{index}{name}"))
        .collect();
    let unshowable = ["8esc\u{1b}]2;owned\u{7}", "9line\nbreak"];
    for name in folders.iter().map(String::as_str).chain(unshowable) {
        std::fs::create_dir(env.home.join(name)).unwrap();
        env.written_by_the_test(&env.home.join(name));
    }
    prepare_init(&env, &NU);
    let shell = Terminal::start_on_screen(&env, &outputs, &NU, "paths", &env.home);
    shell.type_line(&init_line(&NU));
    for (index, name) in folders.iter().enumerate() {
        shell.type_keys("", &["C-c"]);
        shell.type_keys("", &["C-l"]);
        shell.type_keys(&format!("grant allow {index}"), &["Tab"]);
        // Ours is a raw string; now and then (under load) nushell 0.115 drops the
        // completer's answer and completes the file itself, quoted its own way:
        // either way the name must reach grant whole.
        let shown = &name[..name.len().min(6)];
        let screen = shell.screen_shows(shown);
        assert!(
            ["r#'", "\"", "'", "`"]
                .iter()
                .any(|quote| screen.contains(&format!("grant allow {quote}{shown}"))),
            "{screen}"
        );
        shell.enter();
        let calls = outputs.text("calls");
        assert!(
            calls.lines().any(|line| line == format!("allow {name}/")),
            "{name:?} did not reach grant whole:\n{calls}"
        );
    }
    for index in [8, 9] {
        shell.type_keys("", &["C-c"]);
        shell.type_keys(&format!("grant allow {index}"), &["Tab"]);
        std::thread::sleep(Duration::from_secs(1));
        let screen = shell.screen_shows(&format!("grant allow {index}"));
        assert!(
            !screen.contains("esc") && !screen.contains("line"),
            "{screen}"
        );
    }
    assert!(!shell.title().contains("owned"), "{}", shell.title());
    assert!(!env.home.join(CANARY).exists(), "a file name ran as code");
}
