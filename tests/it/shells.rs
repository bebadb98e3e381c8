//! The real shells the tests run grant's code in, and how to read what they did.
//!
//! A shell that is not installed is skipped locally and fails the test under CI.

#[path = "../data/shell_values.rs"]
pub mod test_values;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::LazyLock;

use grant::testing::shell::Shell;

use crate::support::{TestEnv, stderr};

/// How to run code in one real shell without the user's startup files.
pub struct RealShell {
    pub shell: Shell,
    pub program: &'static str,
    pub options: &'static [&'static str],
    pub package: &'static str,
}

pub const BASH: RealShell = RealShell {
    shell: Shell::Bash,
    program: "bash",
    options: &["--norc", "--noprofile"],
    package: "bash",
};

pub const ZSH: RealShell = RealShell {
    shell: Shell::Zsh,
    program: "zsh",
    options: &["-f"],
    package: "zsh",
};

/// With RC_QUOTES, zsh reads `''` inside single quotes as one `'`.
pub const ZSH_RC_QUOTES: RealShell = RealShell {
    options: &["-f", "-o", "rcquotes"],
    ..ZSH
};

pub const FISH: RealShell = RealShell {
    shell: Shell::Fish,
    program: "fish",
    options: &["--no-config"],
    package: "fish",
};

/// Nushell as `tests/tools/install-nushell.sh` installs it (from its official npm
/// package, as `.ci/run` does), else a `nu` on PATH.
pub static NU: LazyLock<RealShell> = LazyLock::new(|| {
    let installed = concat!(env!("CARGO_MANIFEST_DIR"), "/target/tools/bin/nu");
    RealShell {
        shell: Shell::Nu,
        program: if std::path::Path::new(installed).exists() {
            installed
        } else {
            "nu"
        },
        options: &["--no-config-file"],
        package: "nushell (tests/tools/install-nushell.sh)",
    }
});

pub const TCSH: RealShell = RealShell {
    shell: Shell::Tcsh,
    program: "tcsh",
    options: &["-f"],
    package: "tcsh",
};

/// Shells read bytes differently under a UTF-8 locale and the C locale.
pub const LOCALES: [&str; 2] = ["C.UTF-8", "C"];

impl RealShell {
    /// Whether the shell can run; false (after saying so) when it is missing, except
    /// under CI, where a missing shell is a failure.
    pub fn is_installed(&self) -> bool {
        crate::support::tool_is_installed(self.program, self.package)
    }

    /// Code that runs the statements in the file named by $SCRIPT, the way `assume`
    /// runs grant's output: nushell's applies each record as `assume` in
    /// `shell/grant.nu` does, tcsh's evaluates a command substitution as its alias
    /// does.
    pub fn load_script(&self) -> String {
        match self.shell {
            Shell::Fish => "cat $SCRIPT | source".to_owned(),
            // Records separated by NUL, which no record holds, are assumes in a row.
            Shell::Nu => format!(
                "source '{}/shell/grant.nu'\nfor record in (open --raw $env.SCRIPT | split row (char nul)) {{ let change = ($record | from nuon); hide-env --ignore-errors ...$change.unset; load-env $change.set }}",
                env!("CARGO_MANIFEST_DIR")
            ),
            Shell::Tcsh => r#"eval "`cat $SCRIPT:q`""#.to_owned(),
            _ => r#"eval "$(cat "$SCRIPT")""#.to_owned(),
        }
    }

    /// A command line that writes `env -0` to `$OUT/label`.
    pub fn record_environment(&self, label: &str) -> String {
        match self.shell {
            Shell::Nu => format!("^env -0 | save -f $\"($env.OUT)/{label}\""),
            _ => format!("env -0 > \"$OUT/{label}\""),
        }
    }

    /// A command line that creates the (empty) file `path`.
    #[cfg(unix)]
    pub fn touch(&self, path: &std::path::Path) -> String {
        let path = self.shell.quote(path.to_str().unwrap()).unwrap();
        match self.shell {
            Shell::Nu => format!("'' | save -f {path}"),
            _ => format!("echo > {path}"),
        }
    }
}

pub fn split_nul_terminated(bytes: &[u8]) -> Vec<&[u8]> {
    let body = bytes.strip_suffix(b"\0").unwrap_or(bytes);
    body.split(|&byte| byte == 0).collect()
}

/// The environment `env -0` printed.
pub fn parse_environment(bytes: &[u8]) -> HashMap<String, Vec<u8>> {
    split_nul_terminated(bytes)
        .into_iter()
        .filter_map(|entry| {
            let equals = entry.iter().position(|&byte| byte == b'=')?;
            let name = String::from_utf8_lossy(&entry[..equals]).into_owned();
            Some((name, entry[equals + 1..].to_vec()))
        })
        .collect()
}

/// The line that loads the integration, as the README tells users to write it.
/// Nushell reads the files it sources when it parses a line, before running any:
/// [`prepare_init`] saves `grant init nu` first, as the README's lines in config.nu
/// do, and the line sources it.
pub fn init_line(real: &RealShell) -> String {
    match real.shell {
        Shell::Fish => "grant init fish | source".to_owned(),
        Shell::Tcsh => r#"eval "`grant init tcsh`""#.to_owned(),
        Shell::Nu => "source ~/.grant.nu".to_owned(),
        shell => format!(r#"eval "$(grant init {shell})""#),
    }
}

/// For nushell, runs `grant init nu` in `env`'s world and saves it where
/// [`init_line`] sources it; nothing for the other shells.
pub fn prepare_init(env: &TestEnv, real: &RealShell) {
    if real.shell != Shell::Nu {
        return;
    }
    let init = crate::support::success(&env.run(&["init", "nu"]));
    let path = env.home.join(".grant.nu");
    std::fs::write(&path, init).unwrap();
    env.written_by_the_test(&path);
}

/// Where a script writes what it saw: `env -0 > "$OUT/NAME"` in every shell.
pub struct Outputs {
    pub dir: PathBuf,
}

impl Outputs {
    pub fn new(env: &TestEnv) -> Self {
        let dir = env.tmp_dir.join("out");
        std::fs::create_dir_all(&dir).unwrap();
        env.written_by_the_test(&dir);
        Outputs { dir }
    }

    #[track_caller]
    pub fn environment(&self, name: &str) -> HashMap<String, String> {
        let bytes = std::fs::read(self.dir.join(name))
            .unwrap_or_else(|_| panic!("the script did not record '{name}'"));
        parse_environment(&bytes)
            .into_iter()
            .map(|(name, value)| (name, String::from_utf8(value).unwrap()))
            .collect()
    }

    #[track_caller]
    pub fn text(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name))
            .unwrap_or_else(|_| panic!("the script did not record '{name}'"))
    }
}

pub fn shell_command(env: &TestEnv, real: &RealShell, outputs: &Outputs) -> Command {
    let mut command = env.shell(real.program);
    command.args(real.options).env("OUT", &outputs.dir);
    command
}

/// Runs `lines` as a script file in `real`, non-interactively.
pub fn run_script(env: &TestEnv, real: &RealShell, outputs: &Outputs, lines: &[String]) -> Output {
    let script = env.tmp_dir.join(format!("script.{}", real.shell.name()));
    std::fs::write(&script, lines.join("\n") + "\n").unwrap();
    shell_command(env, real, outputs)
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn script_succeeded(real: &RealShell, output: &Output) {
    assert!(
        output.status.success(),
        "{} failed ({}): {}",
        real.program,
        output.status,
        stderr(output)
    );
}
