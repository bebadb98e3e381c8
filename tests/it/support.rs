//! A temporary world for one test: HOME, AWS files, grant's folders, and a `grant`
//! command that sees only them.

use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use tempfile::TempDir;

pub mod fixtures;

pub struct TestEnv {
    _root: TempDir,
    pub home: PathBuf,
    pub config_dir: PathBuf,
    pub state_dir: PathBuf,
    /// TMPDIR of every grant this test runs.
    pub tmp_dir: PathBuf,
    /// The fake AWS every grant of this test talks to, when set.
    pub endpoint: Option<String>,
    /// Set by [`TestEnv::allow_plaintext_token_export`].
    token_export_allowed: Cell<bool>,
    /// Paths given to [`TestEnv::written_by_the_test`].
    test_paths: RefCell<Vec<PathBuf>>,
    /// The fake of [`TestEnv::with_fake`], asked for its secrets at the end even when
    /// the test pointed `endpoint` elsewhere.
    fake_url: Option<String>,
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
            token_export_allowed: Cell::new(false),
            test_paths: RefCell::new(Vec::new()),
            fake_url: None,
            _root: root,
        }
    }

    /// A world whose grant talks to `fake`.
    pub fn with_fake(fake: &fake_aws::FakeAws) -> Self {
        let mut env = Self::new();
        env.endpoint = Some(fake.url().to_owned());
        env.fake_url = Some(fake.url().to_owned());
        env
    }

    /// For a test that exports its SSO token to the AWS CLI cache on purpose
    /// (`--export-sso-token`, the `ExportSSOToken` setting): the end-of-test scan then
    /// skips HOME/.aws/sso/cache, and only it.
    pub fn allow_plaintext_token_export(&self) {
        self.token_export_allowed.set(true);
    }

    /// `path` (a file, or a folder and all under it) is the test's own input or output
    /// (a file it wrote in grant's folders, what a shell script recorded), not grant's:
    /// the end-of-test checks leave it out.
    pub fn written_by_the_test(&self, path: &Path) {
        self.test_paths.borrow_mut().push(path.to_path_buf());
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
        self.grant_binary(Path::new(env!("CARGO_BIN_EXE_grant")))
    }

    /// [`TestEnv::grant`] of the binary that ships ([`shipped_binary`]).
    pub fn shipped_grant(&self) -> Command {
        self.grant_binary(&shipped_binary())
    }

    /// [`TestEnv::grant`] of another copy of grant.
    pub fn grant_binary(&self, binary: &Path) -> Command {
        let mut command = Command::new(binary);
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
            .env("GRANT_KEYRING_BACKEND", NATIVE_KEYRING_BACKEND)
            .env("CI", "true");
        if let Some(url) = &self.endpoint {
            for name in [
                "AWS_ENDPOINT_URL_SSO",
                "AWS_ENDPOINT_URL_SSO_OIDC",
                "AWS_ENDPOINT_URL_STS",
                "AWS_ENDPOINT_URL_IAM",
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
    /// Checks what the test left behind (see [`TestEnv::leftover_problems`]), then
    /// removes this test's data key from the kernel keyring (its files go with the temp
    /// dir).
    fn drop(&mut self) {
        let problems = if std::thread::panicking() {
            Vec::new()
        } else {
            self.leftover_problems()
        };
        let store = grant::testing::secrets::SecretStore::open_with(
            grant::testing::secrets::KeyringBackend::KernelKeyring,
            &self.state_dir,
        );
        if let Ok(store) = store {
            let _ = store.destroy();
        }
        if !problems.is_empty() {
            panic!(
                "security check after the test:\n  {}",
                problems.join("\n  ")
            );
        }
    }
}

impl TestEnv {
    /// What every test flow must leave behind: no secret the fake issued in plaintext
    /// in any file under HOME, the config and state folders and TMPDIR (except the AWS
    /// CLI cache when the test allowed the export); grant's files 0600 and folders 0700
    /// in the config and state folders, and the AWS CLI cache files 0600.
    fn leftover_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let test_paths = self.test_paths.borrow();
        let files: Vec<(PathBuf, bool)> = files_under(&self.written_folders())
            .into_iter()
            .filter(|(path, _)| !test_paths.iter().any(|own| path.starts_with(own)))
            .collect();
        if let Some(url) = self.fake_url.as_ref().or(self.endpoint.as_ref()) {
            match issued_secrets(url) {
                Ok(secrets) => {
                    let cli_cache = self.home.join(".aws/sso/cache");
                    for path in files.iter().filter(|(_, is_dir)| !is_dir) {
                        let path = &path.0;
                        if self.token_export_allowed.get() && path.starts_with(&cli_cache) {
                            continue;
                        }
                        let Ok(bytes) = std::fs::read(path) else {
                            continue;
                        };
                        let text = String::from_utf8_lossy(&bytes);
                        if let Some(secret) = secrets.iter().find(|s| text.contains(s.as_str())) {
                            problems.push(format!(
                                "a secret of the fake ({}...) is in plaintext in {}",
                                secret.chars().take(6).collect::<String>(),
                                path.display()
                            ));
                        }
                    }
                }
                Err(error) => problems.push(format!(
                    "cannot list the fake's secrets at {url} (drop the FakeAws after the TestEnv): {error}"
                )),
            }
        }
        problems.extend(self.mode_problems(&files));
        problems
    }

    /// Windows has no permission bits; its ACLs are not checked here.
    #[cfg(not(unix))]
    fn mode_problems(&self, _files: &[(PathBuf, bool)]) -> Vec<String> {
        Vec::new()
    }

    #[cfg(unix)]
    fn mode_problems(&self, files: &[(PathBuf, bool)]) -> Vec<String> {
        use std::os::unix::fs::PermissionsExt;
        let cli_cache = self.home.join(".aws/sso/cache");
        let mut problems = Vec::new();
        for (path, is_dir) in files {
            let grants = path.starts_with(&self.config_dir) || path.starts_with(&self.state_dir);
            let exported = !is_dir && path.starts_with(&cli_cache);
            if !grants && !exported {
                continue;
            }
            let Ok(meta) = std::fs::symlink_metadata(path) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o7777;
            let wanted = if *is_dir { 0o700 } else { 0o600 };
            if mode != wanted {
                problems.push(format!(
                    "{} is mode {mode:04o}, not {wanted:04o}",
                    path.display()
                ));
            }
        }
        problems
    }
}

/// Every file and folder under `folders` (the folders themselves included, when they
/// exist), with whether it is a folder. Symbolic links are not followed.
fn files_under(folders: &[PathBuf]) -> Vec<(PathBuf, bool)> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = folders.to_vec();
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.filter_map(|entry| entry.ok()).map(|e| e.path()));
            }
            found.push((path, true));
        } else if meta.is_file() {
            found.push((path, false));
        }
    }
    found
}

/// `GET URL/_fake/issued-secrets` with a plain HTTP/1.0 request (no client library).
fn issued_secrets(url: &str) -> std::io::Result<Vec<String>> {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET /_fake/issued-secrets HTTP/1.0\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no HTTP header"))?;
    if !head.starts_with("HTTP/1.") || head.split(' ').nth(1) != Some("200") {
        return Err(std::io::Error::other(format!(
            "unexpected answer: {}",
            head.lines().next().unwrap_or("")
        )));
    }
    serde_json::from_str(body).map_err(std::io::Error::other)
}

/// Whether `program` runs (`program --version`, or `-V` as tmux has it). A missing
/// tool skips the test locally, saying so, and fails it under CI, which must
/// install `package`.
pub fn tool_is_installed(program: &str, package: &str) -> bool {
    let answers = |flag: &str| {
        Command::new(program)
            .arg(flag)
            .output()
            .is_ok_and(|output| output.status.success())
    };
    let installed = answers("--version") || answers("-V");
    assert!(
        installed || std::env::var_os("CI").is_none() || absent_by_name(program),
        "{program} is not installed, and CI must have it (apt-get install {package})"
    );
    if !installed {
        eprintln!("skipped: {program} not installed (apt-get install {package})");
    }
    installed
}

/// The grant binary as the release ships it (static, non-PIE: packaging/build.sh's
/// musl binary), given by $GRANT_SHIPPED_BINARY (.ci/run builds it and sets it);
/// without it, the test binary's own grant.
pub fn shipped_binary() -> PathBuf {
    std::env::var_os("GRANT_SHIPPED_BINARY")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_grant")), PathBuf::from)
}

/// Whether CI named `program` in `GRANT_TEST_ABSENT_TOOLS` (comma-separated): a tool
/// this OS does not have (tmux, fish and keyctl on Windows), whose tests skip there.
fn absent_by_name(program: &str) -> bool {
    std::env::var("GRANT_TEST_ABSENT_TOOLS")
        .is_ok_and(|names| names.split(',').any(|name| name.trim() == program))
}

/// The secret store every test's grant uses: the OS's own (the CI workflow gives
/// macOS a temporary keychain; Windows runners have a Credential Manager), and on
/// Linux the kernel keyring, which needs no desktop session.
pub const NATIVE_KEYRING_BACKEND: &str = if cfg!(target_os = "macos") {
    "keychain"
} else if cfg!(windows) {
    "windows-credential-manager"
} else {
    "kernel-keyring"
};

/// `script` (util-linux, Debian's bsdutils), which gives a command a pseudo-terminal.
pub fn script_is_installed() -> bool {
    tool_is_installed("script", "bsdutils")
}

/// PATH with this test's grant first, for what runs `grant` by name (`assume`,
/// generated `credential_process = grant ...` lines).
pub fn path_with_grant() -> std::ffi::OsString {
    let grant_dir = Path::new(env!("CARGO_BIN_EXE_grant")).parent().unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let folders = std::iter::once(grant_dir.to_path_buf()).chain(std::env::split_paths(&path));
    // `:` between folders on Unix, `;` on Windows.
    std::env::join_paths(folders).unwrap()
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

/// Runs `command` to its end (stdin empty, output captured): see [`output_within`].
#[track_caller]
pub fn run_within(command: &mut Command, limit: Duration) -> Output {
    let child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the command");
    output_within(child, limit)
}

/// The child's output, read while it runs so that a long listing cannot fill the
/// pipe. A child still running after `limit` is a hang, not a slow machine (the
/// limits are generous): it is killed and the test fails with what it wrote.
#[track_caller]
pub fn output_within(child: std::process::Child, limit: Duration) -> Output {
    let pid = child.id().to_string();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait_with_output()));
    match receiver.recv_timeout(limit) {
        Ok(output) => output.expect("wait for the command"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid]).status();
            let stderr = receiver
                .recv()
                .ok()
                .and_then(Result::ok)
                .map(|output| String::from_utf8_lossy(&output.stderr).into_owned())
                .unwrap_or_default();
            panic!("still running after {limit:?}, killed: {stderr}");
        }
    }
}

/// A Python with botocore: $GRANT_TEST_PYTHON (CI's venv), else python3 when it has
/// botocore. Without one the test is skipped locally and fails under CI.
pub fn python_with_botocore() -> Option<PathBuf> {
    python_with_module("botocore")
}

/// A Python that can import `module` (a package of tests/requirements.txt):
/// $GRANT_TEST_PYTHON (CI's venv), else python3. Without one the test is skipped
/// locally and fails under CI.
pub fn python_with_module(module: &str) -> Option<PathBuf> {
    let candidates = std::env::var_os("GRANT_TEST_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("python3")]);
    for python in candidates {
        let ok = Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|output| output.status.success());
        if ok {
            return Some(python);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide the Python module {module} (GRANT_TEST_PYTHON)"
    );
    eprintln!(
        "skipped: no Python with {module} (pip install -r tests/requirements.txt, or set GRANT_TEST_PYTHON)"
    );
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

/// The end-of-test checks themselves: each must catch what it is for.
mod end_of_test_checks {
    use super::TestEnv;
    use fake_aws::FakeAws;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    #[test]
    #[should_panic(expected = "is in plaintext in")]
    fn a_secret_of_the_fake_in_a_file_fails_the_test() {
        let fake = FakeAws::start();
        let env = TestEnv::with_fake(&fake);
        let token = fake.mint_access_token(Duration::from_secs(600));
        std::fs::write(env.tmp_dir.join("leak"), format!("x{token}x")).unwrap();
    }

    #[cfg(unix)]
    #[test]
    #[should_panic(expected = "is mode 0644, not 0600")]
    fn a_readable_file_in_the_state_folder_fails_the_test() {
        let env = TestEnv::new();
        std::fs::create_dir_all(&env.state_dir).unwrap();
        std::fs::set_permissions(&env.state_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let file = env.state_dir.join("cache.json");
        std::fs::write(&file, "{}").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    #[should_panic(expected = "is mode 0755, not 0700")]
    fn an_open_folder_in_the_config_folder_fails_the_test() {
        let env = TestEnv::new();
        std::fs::create_dir_all(&env.config_dir).unwrap();
        std::fs::set_permissions(&env.config_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn an_allowed_export_may_hold_the_token_in_the_aws_cli_cache_only() {
        let fake = FakeAws::start();
        let env = TestEnv::with_fake(&fake);
        env.allow_plaintext_token_export();
        let token = fake.mint_access_token(Duration::from_secs(600));
        let cache = env.home.join(".aws/sso/cache");
        std::fs::create_dir_all(&cache).unwrap();
        let file = cache.join("0123.json");
        std::fs::write(&file, format!("{{\"accessToken\":\"{token}\"}}")).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let copy = env.home.join("copy");
        std::fs::write(&copy, &token).unwrap();
        let problems = env.leftover_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains(&*copy.to_string_lossy()),
            "{problems:?}"
        );
        std::fs::remove_file(&copy).unwrap();
        // An exported file must still be 0600.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let problems = env.leftover_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("is mode 0644, not 0600"),
            "{problems:?}"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}
