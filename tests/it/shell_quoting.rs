//! `grant::shell` statements run in real bash, zsh, fish, nushell and tcsh: every
//! hostile and random value must come back byte for byte, and the code hidden in them
//! must never run. Nushell reads a NUON record (what its `assume` reads) rather than
//! statements; tcsh refuses values with a line break, which its `eval` would turn into
//! a space, or outside ASCII, which it misreads in the C locale.
//!
//! A shell that is not installed is skipped locally and fails the test under CI.
//! PowerShell cannot be installed here; its quoting is checked in `src/shell/tests.rs`.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use grant::testing::shell::{EnvChange, Shell, ShellError};
use tempfile::TempDir;

use crate::shells::test_values::{CANARY, KEEP, hostile_values, random_nasty_values};
use crate::shells::{
    BASH, FISH, LOCALES, NU, RealShell, TCSH, ZSH, ZSH_RC_QUOTES, parse_environment,
    split_nul_terminated,
};

/// A temporary HOME holding `KEEP`, and an empty working folder where `CANARY` would
/// appear: code escaping from a value shows as a change to either.
struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("home")).unwrap();
        fs::write(root.path().join("home").join(KEEP), "").unwrap();
        fs::create_dir(root.path().join("work")).unwrap();
        Self { root }
    }

    fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    fn work(&self) -> PathBuf {
        self.root.path().join("work")
    }

    /// Runs `code` with $SCRIPT naming a file that holds `statements`, one a line, and
    /// asserts that it succeeded quietly and changed nothing in the sandbox.
    fn run(&self, real: &RealShell, locale: &str, statements: &[String], code: &str) -> Output {
        let output = self.run_unchecked(real, locale, statements, code);
        assert_eq!(
            self.changes(),
            Vec::<String>::new(),
            "code hidden in a value ran in {} ({locale})",
            real.program
        );
        assert!(
            output.status.success() && output.stderr.is_empty(),
            "{} ({locale}) failed ({}): {}",
            real.program,
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn run_unchecked(
        &self,
        real: &RealShell,
        locale: &str,
        statements: &[String],
        code: &str,
    ) -> Output {
        let script = self.root.path().join("script");
        fs::write(&script, statements.join("\n") + "\n").unwrap();
        let home = self.home();
        Command::new(real.program)
            .args(real.options)
            .arg("-c")
            .arg(code)
            .current_dir(self.work())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("LC_ALL", locale)
            .env("SCRIPT", &script)
            .env("INHERITED", "from the parent")
            .output()
            .unwrap()
    }

    /// What code run in the sandbox did: files created in the working folder, and
    /// `~/KEEP` deleted.
    fn changes(&self) -> Vec<String> {
        let mut changes: Vec<String> = fs::read_dir(self.work())
            .unwrap()
            .map(|entry| format!("created {}", entry.unwrap().file_name().display()))
            .collect();
        if !self.home().join(KEEP).exists() {
            changes.push(format!("deleted ~/{KEEP}"));
        }
        changes
    }
}

/// The values every shell must carry: the hostile ones, then a few hundred random ones.
fn test_values(real: &RealShell) -> Vec<String> {
    let mut values = hostile_values();
    values.extend(random_nasty_values(0x5EED_0002, 300));
    assert!(values.iter().any(|value| value.contains(CANARY)));
    values.retain(|value| carries(real.shell, value));
    values
}

/// Whether `shell`'s `assume` can set `value`: tcsh takes neither a line break nor
/// a character outside ASCII.
fn carries(shell: Shell, value: &str) -> bool {
    shell != Shell::Tcsh || (value.is_ascii() && !value.contains(['\n', '\r']))
}

/// A distinct variable name per value. Every fourth ends in `PATH`: fish splits such
/// variables on `:` and must join them back.
fn variable_name(index: usize) -> String {
    if index % 4 == 3 {
        format!("GRANT_TEST_{index}_PATH")
    } else {
        format!("GRANT_TEST_{index}")
    }
}

fn set_statements(shell: Shell, values: &[String]) -> Vec<String> {
    if shell == Shell::Nu {
        return vec![change_script(shell, values, Vec::new())];
    }
    values
        .iter()
        .enumerate()
        .map(|(index, value)| shell.set_env(&variable_name(index), value).unwrap())
        .collect()
}

/// What `assume` gives the shell to set `values` and remove `unset`: nushell's record.
fn change_script(shell: Shell, values: &[String], unset: Vec<String>) -> String {
    let set = values
        .iter()
        .enumerate()
        .map(|(index, value)| (variable_name(index), value.clone()))
        .collect();
    shell.script(&EnvChange { unset, set }).unwrap()
}

/// `printf '%s\0' "$A" "$B" ...`, which reads the same in bash, zsh, fish and tcsh;
/// nushell takes `$env.A`.
fn print_variables(shell: Shell, count: usize) -> String {
    let arguments: Vec<String> = (0..count)
        .map(|index| {
            let name = variable_name(index);
            match shell {
                Shell::Nu => format!("$env.{name}"),
                _ => format!(r#""${name}""#),
            }
        })
        .collect();
    let printf = if shell == Shell::Nu {
        "^printf"
    } else {
        "printf"
    };
    format!(r"{printf} '%s\0' {}", arguments.join(" "))
}

#[track_caller]
fn assert_same_values(real: &RealShell, locale: &str, expected: &[String], actual: &[&[u8]]) {
    assert_eq!(actual.len(), expected.len(), "{} ({locale})", real.program);
    for (index, (value, got)) in expected.iter().zip(actual).enumerate() {
        assert!(
            value.as_bytes() == *got,
            "{} ({locale}) changed value {index}: {value:?} came back as {:?}",
            real.program,
            String::from_utf8_lossy(got)
        );
    }
}

/// Each value set by `set_env` reads back byte for byte inside the shell.
fn check_values_read_back(real: &RealShell) {
    if !real.is_installed() {
        return;
    }
    let values = test_values(real);
    let statements = set_statements(real.shell, &values);
    let code = format!(
        "{}\n{}",
        real.load_script(),
        print_variables(real.shell, values.len())
    );
    for locale in LOCALES {
        let output = Sandbox::new().run(real, locale, &statements, &code);
        let printed = split_nul_terminated(&output.stdout);
        assert_same_values(real, locale, &values, &printed);
    }
}

/// Programs the shell starts see every variable `set_env` set, byte for byte, and
/// none that `unset_env` removed, including one the shell inherited.
fn check_environment_of_children(real: &RealShell) {
    if !real.is_installed() {
        return;
    }
    let mut values = hostile_values();
    values.retain(|value| carries(real.shell, value));
    let mut statements = set_statements(real.shell, &values);
    let removed: Vec<String> = (0..values.len()).step_by(2).map(variable_name).collect();
    let mut unset: Vec<String> = removed.clone();
    unset.push("INHERITED".to_owned());
    if real.shell == Shell::Nu {
        // One record sets everything, then the next removes: two assumes in a row.
        statements.push(format!("\0{}", change_script(real.shell, &[], unset)));
    } else {
        for name in &unset {
            statements.push(real.shell.unset_env(name).unwrap());
        }
    }
    let env = if real.shell == Shell::Nu {
        "^env -0"
    } else {
        "env -0"
    };
    let code = format!("{}\n{env}", real.load_script());
    for locale in LOCALES {
        let output = Sandbox::new().run(real, locale, &statements, &code);
        let environment = parse_environment(&output.stdout);
        assert!(!environment.contains_key("INHERITED"), "{}", real.program);
        for (index, value) in values.iter().enumerate() {
            let name = variable_name(index);
            let expected = (index % 2 == 1).then_some(value.as_bytes());
            assert!(
                environment.get(&name).map(Vec::as_slice) == expected,
                "{} ({locale}): {name} should be {:?}, is {:?}",
                real.program,
                expected.map(String::from_utf8_lossy),
                environment
                    .get(&name)
                    .map(|got| String::from_utf8_lossy(got))
            );
        }
    }
}

#[test]
fn bash_reads_back_every_value() {
    check_values_read_back(&BASH);
}

#[test]
fn zsh_reads_back_every_value() {
    check_values_read_back(&ZSH);
}

#[test]
fn zsh_with_rc_quotes_reads_back_every_value() {
    check_values_read_back(&ZSH_RC_QUOTES);
}

#[test]
fn fish_reads_back_every_value() {
    check_values_read_back(&FISH);
}

#[test]
fn nu_reads_back_every_value() {
    check_values_read_back(&NU);
}

#[test]
fn tcsh_reads_back_every_value() {
    check_values_read_back(&TCSH);
}

#[test]
fn nu_exports_and_unsets_for_child_processes() {
    check_environment_of_children(&NU);
}

#[test]
fn tcsh_exports_and_unsets_for_child_processes() {
    check_environment_of_children(&TCSH);
}

/// A value tcsh's `assume` cannot carry is refused, never written in a form that
/// reads back as something else: a line break, or a character outside ASCII, whose
/// bytes tcsh in the C locale reads with the top bit cleared (U+BB5F6 holds 0xA7,
/// which it took for `'`).
#[test]
fn tcsh_refuses_line_breaks_and_non_ascii() {
    for value in [
        "a\nb",
        "\n",
        "a\r\nb",
        "\rtouch CANARY",
        "\u{bb5f6}; touch CANARY",
        "é",
    ] {
        assert_eq!(
            Shell::Tcsh.set_env("AWS_REGION", value),
            Err(ShellError::NotForTcsh)
        );
    }
    let change = EnvChange {
        unset: Vec::new(),
        set: vec![("AWS_SESSION_TOKEN".to_owned(), "x\ny".to_owned())],
    };
    assert_eq!(Shell::Tcsh.script(&change), Err(ShellError::NotForTcsh));
}

#[test]
fn bash_exports_and_unsets_for_child_processes() {
    check_environment_of_children(&BASH);
}

#[test]
fn zsh_exports_and_unsets_for_child_processes() {
    check_environment_of_children(&ZSH);
}

#[test]
fn fish_exports_and_unsets_for_child_processes() {
    check_environment_of_children(&FISH);
}

/// Typed or pasted into an interactive bash or zsh, where `!` starts a history
/// expansion outside single quotes, the statements still carry every value. The last
/// value printed, `!?probe?`, proves that history expansion was on. Values with control
/// characters are left out: the line editor acts on them before any quoting applies.
#[test]
fn interactive_history_expansion_leaves_values_alone() {
    for real in [&BASH, &ZSH] {
        if !real.is_installed() {
            continue;
        }
        let values: Vec<String> = hostile_values()
            .into_iter()
            .filter(|value| !value.chars().any(char::is_control))
            .collect();
        let mut input = vec!["true probe".to_owned()];
        input.extend(set_statements(real.shell, &values));
        input.push(format!(
            "{} \"!?probe?\"",
            print_variables(real.shell, values.len())
        ));
        let sandbox = Sandbox::new();
        let output = run_interactive(real, &sandbox, &input);
        assert_eq!(sandbox.changes(), Vec::<String>::new(), "{}", real.program);
        let mut printed = split_nul_terminated(&output.stdout);
        assert_eq!(printed.pop(), Some(&b"true probe"[..]), "{}", real.program);
        assert_same_values(real, "C.UTF-8, interactive", &values, &printed);
    }
}

/// Runs `input` as if typed into an interactive shell.
fn run_interactive(real: &RealShell, sandbox: &Sandbox, input: &[String]) -> Output {
    let mut child = Command::new(real.program)
        .args(real.options)
        .arg("-i")
        .current_dir(sandbox.work())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sandbox.home())
        .env("LC_ALL", "C.UTF-8")
        .env("PS1", "")
        .env("PS2", "")
        .env("HISTSIZE", "1000")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all((input.join("\n") + "\n").as_bytes())
        .unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// The sandbox notices code that runs, so the checks above can fail.
#[test]
fn the_sandbox_notices_code_that_runs() {
    if !BASH.is_installed() {
        return;
    }
    let sandbox = Sandbox::new();
    let unquoted = [format!("touch {CANARY}"), format!("rm ~/{KEEP}")];
    sandbox.run_unchecked(&BASH, "C", &unquoted, &BASH.load_script());
    assert_eq!(
        sandbox.changes(),
        [format!("created {CANARY}"), format!("deleted ~/{KEEP}")]
    );
}

/// Characters that mean something to some shell or terminal, to mix into the
/// generated strings more often than chance would.
const SPECIAL: &[char] = &[
    '\'', '"', '\\', '`', '$', '!', '^', ';', '&', '|', '<', '>', '*', '?', '[', ']', '{', '}',
    '(', ')', '~', '#', '%', '=', ':', ',', ' ', '\t', '\n', '\r', '\u{1b}', '\u{7f}', '\u{85}',
    '\u{a0}', '\u{2018}', '\u{2019}', '\u{201a}', '\u{201b}', '\u{201c}', '\u{201d}', '\u{2028}',
    '\u{feff}', '\u{fffd}', 'é', 'ß', '日', '🦀',
];

/// Any character but NUL, with control characters, quotes, backslashes, curly
/// quotes and non-ASCII well represented.
fn nasty_char() -> impl proptest::strategy::Strategy<Value = char> {
    use proptest::prelude::*;
    prop_oneof![
        3 => any::<char>().prop_filter("no NUL", |c| *c != '\0'),
        2 => (1u8..0x20).prop_map(char::from),
        4 => proptest::sample::select(SPECIAL),
        2 => proptest::char::range(' ', '~'),
    ]
}

/// Many strings per case, so that one shell run checks a whole batch.
fn batches() -> impl proptest::strategy::Strategy<Value = Vec<String>> {
    use proptest::prelude::*;
    let value = proptest::collection::vec(nasty_char(), 0..24)
        .prop_map(|chars| chars.into_iter().collect::<String>());
    proptest::collection::vec(value, 1..200)
}

/// Property: any NUL-free string set with `set_env` reads back byte for byte in
/// bash, zsh (with and without RC_QUOTES) and fish, in a UTF-8 and the C locale,
/// and runs nothing. A failure is shrunk to the smallest batch that still fails.
#[test]
fn generated_strings_read_back_in_every_shell() {
    generated_strings_read_back(&[&BASH, &ZSH, &ZSH_RC_QUOTES, &FISH]);
}

/// The same property for nushell's quoting, through the record its `assume` reads.
#[test]
fn generated_strings_read_back_in_nu() {
    generated_strings_read_back(&[&NU]);
}

/// The same property for tcsh's quoting, of strings without a line break.
#[test]
fn generated_strings_read_back_in_tcsh() {
    generated_strings_read_back(&[&TCSH]);
}

fn generated_strings_read_back(shells: &[&RealShell]) {
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    let shells: Vec<&RealShell> = shells
        .iter()
        .copied()
        .filter(|real| real.is_installed())
        .collect();
    if shells.is_empty() {
        return;
    }
    let config = Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    };
    let result = TestRunner::new(config).run(&batches(), |mut values| {
        for real in &shells {
            // tcsh's share of each generated string: its ASCII, without line breaks.
            if real.shell == Shell::Tcsh {
                for value in &mut values {
                    value.retain(|c| carries(Shell::Tcsh, c.encode_utf8(&mut [0; 4])));
                }
            }
            let statements = set_statements(real.shell, &values);
            let code = format!(
                "{}\n{}",
                real.load_script(),
                print_variables(real.shell, values.len())
            );
            for locale in LOCALES {
                let sandbox = Sandbox::new();
                let output = sandbox.run_unchecked(real, locale, &statements, &code);
                let changes = sandbox.changes();
                if !changes.is_empty() {
                    return Err(TestCaseError::fail(format!(
                        "code hidden in a value ran in {} ({locale}): {changes:?}",
                        real.program
                    )));
                }
                let printed = split_nul_terminated(&output.stdout);
                let failed = !output.status.success()
                    || !output.stderr.is_empty()
                    || printed.len() != values.len();
                if failed {
                    return Err(TestCaseError::fail(format!(
                        "{} ({locale}) failed ({}): {}",
                        real.program,
                        output.status,
                        String::from_utf8_lossy(&output.stderr)
                    )));
                }
                for (index, (value, got)) in values.iter().zip(&printed).enumerate() {
                    if value.as_bytes() != *got {
                        return Err(TestCaseError::fail(format!(
                            "{} ({locale}) changed value {index}: {value:?} came back as {:?}",
                            real.program,
                            String::from_utf8_lossy(got)
                        )));
                    }
                }
            }
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
