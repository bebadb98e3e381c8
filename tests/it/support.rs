//! A temporary world for one test: HOME, AWS files, grant's folders, and a `grant`
//! command that sees only them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub struct TestEnv {
    _root: TempDir,
    pub home: PathBuf,
    pub config_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl TestEnv {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temp dir");
        let home = root.path().join("home");
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        Self {
            config_dir: root.path().join("config/grant"),
            state_dir: root.path().join("state/grant"),
            home,
            _root: root,
        }
    }

    pub fn aws_config_path(&self) -> PathBuf {
        self.home.join(".aws/config")
    }

    pub fn aws_credentials_path(&self) -> PathBuf {
        self.home.join(".aws/credentials")
    }

    pub fn write_aws_config(&self, text: &str) {
        std::fs::write(self.aws_config_path(), text).unwrap();
    }

    pub fn write_aws_credentials(&self, text: &str) {
        std::fs::write(self.aws_credentials_path(), text).unwrap();
    }

    /// `grant` with a clean environment pointing only into this test's folders.
    pub fn grant(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_grant"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("GRANT_CONFIG_DIR", &self.config_dir)
            .env("GRANT_STATE_DIR", &self.state_dir)
            .env("AWS_CONFIG_FILE", self.aws_config_path())
            .env("AWS_SHARED_CREDENTIALS_FILE", self.aws_credentials_path())
            .env("CI", "true")
            .current_dir(&self.home);
        command
    }

    /// Runs `grant ARGS...` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.grant().args(args).output().expect("run grant")
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts success and returns stdout.
#[track_caller]
pub fn success(output: &Output) -> String {
    assert!(
        output.status.success(),
        "grant failed ({}): {}",
        output.status,
        stderr(output)
    );
    stdout(output)
}

/// Asserts a failure with a one-line message on stderr and nothing on stdout; returns the line.
#[track_caller]
pub fn failure(output: &Output) -> String {
    assert!(
        !output.status.success(),
        "grant should have failed: {}",
        stdout(output)
    );
    assert!(
        output.stdout.is_empty(),
        "stdout must stay empty on failure"
    );
    let err = stderr(output);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one-line error expected, got: {err}"
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    err.trim_end().to_string()
}

pub fn corpus_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus"))
}
