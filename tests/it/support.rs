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
    /// TMPDIR of every grant this test runs.
    pub tmp_dir: PathBuf,
    /// The fake AWS every grant of this test talks to, when set.
    pub endpoint: Option<String>,
}

impl TestEnv {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("temp dir");
        let home = root.path().join("home");
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        let tmp_dir = root.path().join("tmp");
        std::fs::create_dir_all(&tmp_dir).unwrap();
        Self {
            config_dir: root.path().join("config/grant"),
            state_dir: root.path().join("state/grant"),
            home,
            tmp_dir,
            endpoint: None,
            _root: root,
        }
    }

    /// A world whose grant talks to `fake`.
    pub fn with_fake(fake: &fake_aws::FakeAws) -> Self {
        let mut env = Self::new();
        env.endpoint = Some(fake.url().to_owned());
        env
    }

    /// The folders a test's secrets could leak into.
    pub fn written_folders(&self) -> Vec<PathBuf> {
        vec![
            self.home.clone(),
            self.config_dir.clone(),
            self.state_dir.clone(),
            self.tmp_dir.clone(),
        ]
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
            .env("TMPDIR", &self.tmp_dir)
            .current_dir(&self.home);
        self.share_world(&mut command);
        command
    }

    /// `grant settings set --setting NAME --value VALUE`, which must succeed.
    pub fn set_setting(&self, name: &str, value: &str) {
        success(&self.run(&["settings", "set", "--setting", name, "--value", value]));
    }

    /// Another program (botocore, the AWS CLI) seeing the same files, grant folders,
    /// secret store and fake AWS as this test's grant.
    pub fn consumer(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY");
        self.share_world(&mut command);
        command
    }

    /// A shell in this test's world, with a clean environment, whose PATH finds this
    /// test's grant first (the `assume` function runs `command grant`).
    pub fn shell(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", path_with_grant())
            .env("TMPDIR", &self.tmp_dir)
            .env("LC_ALL", "C.UTF-8")
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .current_dir(&self.home);
        self.share_world(&mut command);
        command
    }

    /// The variables that put a process in this test's world.
    fn share_world(&self, command: &mut Command) {
        command
            .env("HOME", &self.home)
            .env("GRANT_CONFIG_DIR", &self.config_dir)
            .env("GRANT_STATE_DIR", &self.state_dir)
            .env("AWS_CONFIG_FILE", self.aws_config_path())
            .env("AWS_SHARED_CREDENTIALS_FILE", self.aws_credentials_path())
            .env("GRANT_KEYRING_BACKEND", "kernel-keyring")
            .env("CI", "true");
        if let Some(url) = &self.endpoint {
            for name in [
                "AWS_ENDPOINT_URL_SSO",
                "AWS_ENDPOINT_URL_SSO_OIDC",
                "AWS_ENDPOINT_URL_STS",
            ] {
                command.env(name, url);
            }
        }
    }

    /// Runs `grant ARGS...` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.grant().args(args).output().expect("run grant")
    }
}

impl Drop for TestEnv {
    /// Removes this test's data key from the kernel keyring (its files go with the temp dir).
    fn drop(&mut self) {
        let store = grant::secrets::SecretStore::open_with(
            grant::settings::KeyringBackend::KernelKeyring,
            &self.state_dir,
        );
        if let Ok(store) = store {
            let _ = store.destroy();
        }
    }
}

/// PATH with this test's grant first, for what runs `grant` by name (`assume`,
/// generated `credential_process = grant ...` lines).
pub fn path_with_grant() -> std::ffi::OsString {
    let grant_dir = Path::new(env!("CARGO_BIN_EXE_grant")).parent().unwrap();
    let mut path = std::ffi::OsString::from(grant_dir);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    path
}

/// Fails when any of `secrets` appears in a file under `folders`.
#[track_caller]
pub fn assert_no_secret_in_files(folders: &[PathBuf], secrets: &[String]) {
    assert!(
        !secrets.is_empty(),
        "the fake issued no secrets to look for"
    );
    let mut stack: Vec<PathBuf> = folders.to_vec();
    let mut scanned = 0;
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(
                std::fs::read_dir(&path)
                    .unwrap()
                    .map(|entry| entry.unwrap().path()),
            );
        } else if let Ok(bytes) = std::fs::read(&path) {
            scanned += 1;
            let text = String::from_utf8_lossy(&bytes);
            for secret in secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "a secret of the fake is in plaintext in {}",
                    path.display()
                );
            }
        }
    }
    assert!(scanned > 0, "no file was scanned");
}

/// A Python with botocore: $GRANT_TEST_PYTHON (CI's venv), else python3 when it has
/// botocore. Without one the test is skipped locally and fails under CI.
pub fn python_with_botocore() -> Option<PathBuf> {
    let candidates = std::env::var_os("GRANT_TEST_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("python3")]);
    for python in candidates {
        let ok = Command::new(&python)
            .args(["-c", "import botocore"])
            .output()
            .is_ok_and(|output| output.status.success());
        if ok {
            return Some(python);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide botocore (GRANT_TEST_PYTHON)"
    );
    eprintln!("skipped: no Python with botocore (pip install botocore, or set GRANT_TEST_PYTHON)");
    None
}

pub fn python_script(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/python")).join(name)
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
