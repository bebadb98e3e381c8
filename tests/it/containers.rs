//! grant where no keyring answers, as in a Docker container, a devcontainer or a CI
//! runner: every grant runs under a seccomp filter that makes `add_key`, `keyctl` and
//! `request_key` fail with EPERM (what Docker's default profile does), with
//! `Keyring.Backend` auto and no Secret Service. The data key then lives in grant's
//! secret agent, started on demand; each test has its own runtime folder, and its
//! agent is killed when the test ends.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fake_aws::FakeAws;

use crate::support::fixtures::{DEV_ACCOUNT, DEV_ROLE, Process, granted_profile};
use crate::support::{TestEnv, failure, run_within, stderr, stdout, success, tool_is_installed};

/// A test world whose grant runs as in a container (see the module doc).
struct Container {
    env: TestEnv,
    launcher: PathBuf,
    /// XDG_RUNTIME_DIR of every grant of this test.
    runtime_dir: PathBuf,
    backend: &'static str,
}

impl Container {
    /// `None` (the test is skipped, saying so) where no C compiler builds the launcher.
    fn new(fake: &FakeAws) -> Option<Container> {
        let launcher = deny_keyctl()?;
        let env = TestEnv::with_fake(fake);
        let runtime_dir = env.home.parent().unwrap().join("run");
        std::fs::create_dir(&runtime_dir).unwrap();
        std::fs::set_permissions(&runtime_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        env.write_aws_config(&granted_profile(
            "dev",
            DEV_ACCOUNT,
            DEV_ROLE,
            Process::OnPath,
        ));
        Some(Container {
            env,
            launcher,
            runtime_dir,
            backend: "auto",
        })
    }

    fn agent_dir(&self) -> PathBuf {
        self.runtime_dir.join("grant")
    }

    fn socket(&self) -> PathBuf {
        self.agent_dir().join("agent.sock")
    }

    /// `grant ARGS...` under the filter, with the test world's environment.
    fn grant(&self, args: &[&str]) -> Command {
        let base = self.env.grant();
        let mut command = Command::new(&self.launcher);
        command.arg(base.get_program()).args(args).env_clear();
        for (name, value) in base.get_envs() {
            if let Some(value) = value {
                command.env(name, value);
            }
        }
        command
            .env("GRANT_KEYRING_BACKEND", self.backend)
            .env("XDG_RUNTIME_DIR", &self.runtime_dir)
            .current_dir(&self.env.home);
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        run_within(&mut self.grant(args), Duration::from_secs(60))
    }

    fn login(&self) -> Output {
        self.run(&["sso", "login", "--profile", "dev", "--use-device-code"])
    }

    fn credential_process(&self) -> serde_json::Value {
        let output = self.run(&["credential-process", "--profile", "dev"]);
        serde_json::from_str(&success(&output)).expect("credential JSON on stdout")
    }

    /// The agents serving this test's folders, by pid.
    fn agents(&self) -> Vec<u32> {
        let root = self.env.home.parent().unwrap();
        agents_under(root)
    }
}

impl Drop for Container {
    /// Kills this test's agents before the test world is checked and removed.
    fn drop(&mut self) {
        for pid in self.agents() {
            kill(pid);
        }
    }
}

/// Processes running `grant __secret-agent` for a folder under `root`.
fn agents_under(root: &Path) -> Vec<u32> {
    let root = root.to_string_lossy().into_owned();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|name| name.parse().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let words: Vec<String> = cmdline
            .split(|byte| *byte == 0)
            .map(|word| String::from_utf8_lossy(word).into_owned())
            .collect();
        let is_agent = words.iter().any(|word| word == "__secret-agent");
        if is_agent && words.iter().any(|word| word.starts_with(&root)) && is_alive(pid) {
            pids.push(pid);
        }
    }
    pids
}

/// Running, not a zombie waiting for its parent.
fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let (_, after_name) = stat.rsplit_once(')')?;
            after_name
                .split_whitespace()
                .next()
                .map(|state| state != "Z")
        })
        .unwrap_or(false)
}

fn kill(pid: u32) {
    let pid = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw);
    if let Some(pid) = pid {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
    }
}

/// Kills the agent and waits until it is gone (the socket file stays behind).
fn kill_and_wait(pid: u32) {
    kill(pid);
    let started = Instant::now();
    while is_alive(pid) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "agent {pid} does not die"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The pid of the process listening on `socket`.
fn listener_pid(socket: &Path) -> u32 {
    let stream = UnixStream::connect(socket).unwrap();
    let peer = rustix::net::sockopt::socket_peercred(&stream).unwrap();
    u32::try_from(peer.pid.as_raw_nonzero().get()).unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

/// The launcher, compiled once per test run from `support/deny_keyctl.c` (so never
/// stale); `None` where there is no C compiler (never under CI).
fn deny_keyctl() -> Option<PathBuf> {
    static LAUNCHER: OnceLock<Option<PathBuf>> = OnceLock::new();
    LAUNCHER
        .get_or_init(|| {
            if !tool_is_installed("cc", "gcc") {
                return None;
            }
            let source =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/deny_keyctl.c");
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
            let built = dir.join(format!("deny-keyctl.{}", std::process::id()));
            let output = Command::new("cc")
                .args(["-Wall", "-Werror", "-O2", "-o"])
                .arg(&built)
                .arg(&source)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "cc deny_keyctl.c: {}",
                stderr(&output)
            );
            let launcher = dir.join("deny-keyctl");
            std::fs::rename(&built, &launcher).unwrap();
            Some(launcher)
        })
        .clone()
}

fn is_root() -> bool {
    let root = rustix::process::geteuid().is_root();
    assert!(
        root || std::env::var_os("CI").is_none(),
        "CI runs the tests as root, which these checks need"
    );
    if !root {
        eprintln!("skipped: changing a file's owner needs root");
    }
    root
}

/// The whole flow: sign-in, two credential-process runs with one upstream request,
/// `assume -x`, a refresh of the token, all through one agent and one data key.
#[test]
fn sign_in_cache_assume_and_refresh_work_without_a_keyring() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    let login = run_within(
        container
            .grant(&["sso", "login", "--profile", "dev", "--use-device-code"])
            .env("GRANT_DEBUG", "true"),
        Duration::from_secs(60),
    );
    let log = stderr(&login);
    assert!(login.status.success(), "{log}");
    assert!(
        log.contains(&fake.last_user_code().unwrap()),
        "device sign-in: {log}"
    );
    assert!(log.contains("agent: created a new data key"), "{log}");
    assert!(
        log.contains("keyctl is not permitted"),
        "the filter refused the kernel keyring: {log}"
    );
    let agents = container.agents();
    assert_eq!(agents.len(), 1, "one agent: {agents:?}");
    let secrets = container.env.state_dir.join("secrets");
    assert!(std::fs::read_dir(secrets.join("agent")).unwrap().count() > 0);
    assert!(!secrets.join("kernel-keyring").exists());

    fake.reset_counts();
    let first = container.credential_process();
    let second = container.credential_process();
    assert_eq!(first["AccessKeyId"], second["AccessKeyId"]);
    assert_eq!(
        fake.count("GetRoleCredentials"),
        1,
        "the second run is a cache hit"
    );

    let code = success(&container.run(&["assume", "--shell", "bash", "-x", "dev"]));
    let key_id = first["AccessKeyId"].as_str().unwrap();
    assert!(
        code.contains(&format!("export AWS_ACCESS_KEY_ID='{key_id}'")),
        "{code}"
    );
    assert_eq!(
        fake.count("GetRoleCredentials"),
        1,
        "assume reads the same cache"
    );
    assert!(code.contains("export AWS_SESSION_TOKEN='"), "{code}");

    fake.reset_counts();
    success(&container.run(&["sso", "refresh", "--profile", "dev"]));
    assert_eq!(fake.count("CreateToken:refresh_token"), 1);
    fake.reset_counts();
    success(&container.run(&["cache", "clear", "--all"]));
    container.credential_process();
    assert_eq!(
        fake.count("GetRoleCredentials"),
        1,
        "new credentials with the refreshed token"
    );

    let again = run_within(
        container
            .grant(&["credential-process", "--profile", "dev"])
            .env("GRANT_DEBUG", "true"),
        Duration::from_secs(60),
    );
    let log = stderr(&again);
    assert!(again.status.success(), "{log}");
    assert!(!log.contains("created a new data key"), "{log}");
    assert_eq!(
        container.agents(),
        agents,
        "every process used the first agent"
    );
    drop(container);
}

#[test]
fn the_agents_folder_and_socket_are_private() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    success(&container.login());
    assert_eq!(mode(&container.agent_dir()), 0o700);
    let socket = container.socket();
    assert!(
        std::fs::symlink_metadata(&socket)
            .unwrap()
            .file_type()
            .is_socket()
    );
    assert_eq!(mode(&socket), 0o600);
    assert_eq!(
        std::fs::symlink_metadata(&socket).unwrap().uid(),
        rustix::process::geteuid().as_raw()
    );
    let agent = container.agents()[0];
    assert_eq!(listener_pid(&socket), agent);
    let status = std::fs::read_to_string(format!("/proc/{agent}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        field("Seccomp:"),
        "2",
        "the agent runs under the container's filter too"
    );
    let stat = std::fs::read_to_string(format!("/proc/{agent}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    assert_eq!(
        fields[3],
        agent.to_string(),
        "the agent leads a session of its own"
    );
    assert_eq!(fields[4], "0", "the agent has no terminal");
    for fd in 0..3 {
        let target = std::fs::read_link(format!("/proc/{agent}/fd/{fd}")).unwrap();
        assert_eq!(target, Path::new("/dev/null"), "fd {fd} of the agent");
    }
    let limits = std::fs::read_to_string(format!("/proc/{agent}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|line| line.starts_with("Max core file size"))
        .unwrap();
    assert_eq!(
        core.split_whitespace().nth(4),
        Some("0"),
        "no core dumps: {core}"
    );
}

/// Only the agent's own user gets an answer: another user's process that reaches
/// the socket (its folder opened up on purpose here) is hung up on.
#[test]
fn another_users_process_gets_nothing_from_the_agent() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    if !is_root() || !tool_is_installed("python3", "python3") {
        return;
    }
    success(&container.login());
    let open = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    open(container.env.home.parent().unwrap(), 0o711);
    open(&container.runtime_dir, 0o711);
    open(&container.agent_dir(), 0o711);
    open(&container.socket(), 0o666);
    // A get for an id, framed as the agent reads it; prints how many bytes came back
    // (a hang-up, with the request unread, may also reset the connection).
    let script = "import socket, sys\n\
        s = socket.socket(socket.AF_UNIX)\n\
        s.connect(sys.argv[1])\n\
        try:\n\
        \x20   s.sendall(b'\\x00\\x00\\x00\\x03Gab')\n\
        \x20   print(len(s.recv(64)))\n\
        except (ConnectionResetError, BrokenPipeError):\n\
        \x20   print(0)\n";
    let asked = |uid: u32| {
        let output = Command::new("python3")
            .args(["-c", script])
            .arg(container.socket())
            .uid(uid)
            .gid(uid)
            .output()
            .unwrap();
        success(&output).trim().to_owned()
    };
    assert_eq!(asked(65534), "0", "another user's process is hung up on");
    assert_eq!(
        asked(0),
        "5",
        "the same user's gets an answer (no key for 'ab')"
    );
    open(&container.socket(), 0o600);
    open(&container.agent_dir(), 0o700);
    open(&container.runtime_dir, 0o700);
    open(container.env.home.parent().unwrap(), 0o700);
}

/// An agent that died leaves its socket behind: the next sign-in starts a new agent
/// there. What the old one's key sealed reads as missing, with a line saying why.
#[test]
fn after_the_agent_died_grant_says_so_and_signs_in_again() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    success(&container.login());
    container.credential_process();
    let old = container.agents();
    assert_eq!(old.len(), 1);
    kill_and_wait(old[0]);
    assert!(container.socket().exists(), "the dead agent's socket stays");

    let output = container.run(&["credential-process", "--profile", "dev"]);
    let message = stderr(&output);
    assert!(!output.status.success(), "{message}");
    assert!(stdout(&output).is_empty());
    assert!(!message.contains("panicked"), "{message}");
    assert!(
        message.contains("the secret agent that held grant's data key has stopped"),
        "{message}"
    );
    assert!(
        message.contains("grant sso login --profile dev"),
        "{message}"
    );
    assert!(container.agents().is_empty(), "a read starts no agent");

    success(&container.login());
    let new = container.agents();
    assert_eq!(new.len(), 1);
    assert_ne!(new, old);
    assert_eq!(listener_pid(&container.socket()), new[0]);
    fake.reset_counts();
    assert!(container.credential_process()["AccessKeyId"].is_string());
    assert_eq!(
        fake.count("GetRoleCredentials"),
        1,
        "the credentials cached under the old key were not served"
    );
}

/// A socket left by something that is not listening any more is replaced.
#[test]
fn a_planted_stale_socket_is_replaced() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    std::fs::create_dir(container.agent_dir()).unwrap();
    std::fs::set_permissions(
        container.agent_dir(),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    drop(UnixListener::bind(container.socket()).unwrap());
    success(&container.login());
    assert_eq!(listener_pid(&container.socket()), container.agents()[0]);
}

/// What grant must not use: the error is one line, names the path and the way out,
/// and never sends the user to a backend that fails here too.
fn assert_refused(output: &Output, what: &[&str]) {
    let line = failure(output);
    for part in what {
        assert!(line.contains(part), "{part:?} in: {line}");
    }
    assert!(!line.contains("secret-service"), "{line}");
    assert!(!line.contains("to kernel-keyring"), "{line}");
}

#[test]
fn a_symlink_at_the_socket_or_folder_is_refused() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    std::fs::create_dir(container.agent_dir()).unwrap();
    std::fs::set_permissions(
        container.agent_dir(),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    let elsewhere = container.env.tmp_dir.join("elsewhere.sock");
    std::os::unix::fs::symlink(&elsewhere, container.socket()).unwrap();
    let socket = container.socket().display().to_string();
    assert_refused(
        &container.login(),
        &[
            "refusing to use the secret agent's socket",
            &socket,
            "symbolic link",
        ],
    );
    assert!(
        !elsewhere.exists(),
        "nothing was made where the link points"
    );
    assert!(container.agents().is_empty());

    std::fs::remove_file(container.socket()).unwrap();
    std::fs::remove_dir(container.agent_dir()).unwrap();
    let real = container.env.tmp_dir.join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink(&real, container.agent_dir()).unwrap();
    assert_refused(
        &container.login(),
        &[
            "refusing to use the secret agent's folder",
            "symbolic link",
            "XDG_RUNTIME_DIR",
        ],
    );
    assert!(container.agents().is_empty());
}

#[test]
fn a_socket_or_folder_of_another_user_is_refused() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    if !is_root() {
        return;
    }
    let nobody = Some(65534);
    std::fs::create_dir(container.agent_dir()).unwrap();
    std::fs::set_permissions(
        container.agent_dir(),
        std::fs::Permissions::from_mode(0o700),
    )
    .unwrap();
    let planted = UnixListener::bind(container.socket()).unwrap();
    std::os::unix::fs::chown(container.socket(), nobody, None).unwrap();
    assert_refused(
        &container.login(),
        &[
            "refusing to use the secret agent's socket",
            "belongs to user id 65534",
        ],
    );
    drop(planted);

    std::fs::remove_file(container.socket()).unwrap();
    std::os::unix::fs::chown(container.agent_dir(), nobody, None).unwrap();
    assert_refused(
        &container.login(),
        &[
            "refusing to use the secret agent's folder",
            "belongs to user id 65534",
        ],
    );
    assert!(container.agents().is_empty());
}

/// A runtime folder that is not the user's is not used: the agent goes to a folder
/// of its own in TMPDIR instead.
#[test]
fn without_a_usable_runtime_folder_the_agent_lives_in_the_state_folder() {
    let fake = FakeAws::start();
    let Some(mut container) = Container::new(&fake) else {
        return;
    };
    std::fs::set_permissions(
        &container.runtime_dir,
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    success(&container.login());
    let uid = rustix::process::geteuid().as_raw();
    assert!(!container.env.tmp_dir.join(format!("grant-{uid}")).exists());
    let dir = container.env.state_dir.join("agent");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(listener_pid(&dir.join("agent.sock")), container.agents()[0]);
    assert!(!container.agent_dir().exists());
    container.backend = "agent";
    assert!(container.credential_process()["AccessKeyId"].is_string());
}

/// The filter works: the kernel keyring chosen on purpose fails under it, in one
/// line whose hint leads to the agent, never back to a keyring that fails too.
#[test]
fn the_kernel_keyring_fails_under_the_filter_and_the_hint_leads_to_the_agent() {
    let fake = FakeAws::start();
    let Some(mut container) = Container::new(&fake) else {
        return;
    };
    container.backend = "kernel-keyring";
    let output = container.login();
    assert_refused(
        &output,
        &["(kernel-keyring)", "keyctl is not permitted", "to agent"],
    );
    assert!(container.agents().is_empty());
    container.backend = "agent";
    success(&container.login());
    assert_eq!(container.agents().len(), 1);
}

/// The agent is a test's to kill: once the world is dropped, nothing of it runs.
#[test]
fn no_agent_outlives_its_test() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    success(&container.login());
    let root = container.env.home.parent().unwrap().to_path_buf();
    let agents = container.agents();
    assert_eq!(agents.len(), 1);
    drop(container);
    let started = Instant::now();
    while !agents_under(&root).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the agent still runs"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Grant processes of several state folders that all start at once, with no agent
/// yet: one agent starts, and every store gets its key from it.
#[test]
fn processes_racing_to_start_the_agent_start_one() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    let states: Vec<PathBuf> = (0..4)
        .map(|index| container.env.tmp_dir.join(format!("state-{index}")))
        .collect();
    let children: Vec<_> = states
        .iter()
        .map(|state| {
            container
                .grant(&["sso", "login", "--profile", "dev", "--use-device-code"])
                .env("GRANT_STATE_DIR", state)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        success(&crate::support::output_within(
            child,
            Duration::from_secs(120),
        ));
    }
    let agents = container.agents();
    assert_eq!(agents.len(), 1, "one agent for all: {agents:?}");
    for state in &states {
        let output = run_within(
            container
                .grant(&["credential-process", "--profile", "dev"])
                .env("GRANT_STATE_DIR", state),
            Duration::from_secs(60),
        );
        assert!(success(&output).contains("AccessKeyId"));
    }
    assert_eq!(
        fake.count("StartDeviceAuthorization"),
        4,
        "no store lost its sign-in"
    );
    assert_eq!(container.agents(), agents);
}

/// Without XDG_RUNTIME_DIR, another user creating `grant-UID` in the temporary folder
/// first (here a symbolic link; a folder of theirs is the same) once made every
/// sign-in fail. The agent lives in grant's own state folder instead.
#[test]
fn a_squatted_temporary_folder_does_not_block_the_agent() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    let me = rustix::process::geteuid().as_raw();
    let elsewhere = container.env.tmp_dir.join("attacker");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(
        &elsewhere,
        container.env.tmp_dir.join(format!("grant-{me}")),
    )
    .unwrap();
    let mut login = container.grant(&["sso", "login", "--profile", "dev", "--use-device-code"]);
    login
        .env_remove("XDG_RUNTIME_DIR")
        .env("TMPDIR", &container.env.tmp_dir);
    success(&run_within(&mut login, Duration::from_secs(60)));
    let socket = container.env.state_dir.join("agent").join("agent.sock");
    assert!(
        std::fs::symlink_metadata(&socket)
            .unwrap()
            .file_type()
            .is_socket()
    );
    assert_eq!(mode(&container.env.state_dir.join("agent")), 0o700);
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

/// A script that hands grant a pipe on fd 3 and waits for its end gets it when grant
/// exits: the agent grant started on the way holds none of its caller's descriptors.
#[test]
fn the_agent_keeps_none_of_its_callers_descriptors() {
    let fake = FakeAws::start();
    let Some(container) = Container::new(&fake) else {
        return;
    };
    let login = container.grant(&["sso", "login", "--profile", "dev", "--use-device-code"]);
    let mut script = Command::new("sh");
    script
        .args(["-c", r#""$@" 3>&1 >/dev/null 2>&1"#, "sh"])
        .arg(login.get_program())
        .args(login.get_args())
        .env_clear()
        .envs(
            login
                .get_envs()
                .filter_map(|(name, value)| Some((name, value?))),
        )
        .current_dir(&container.env.home)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped());
    let mut child = script.spawn().unwrap();
    let mut pipe = child.stdout.take().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "the sign-in failed: {status}");
    let agents = container.agents();
    assert_eq!(agents.len(), 1, "the sign-in started an agent: {agents:?}");

    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = sender.send(std::io::Read::read_to_end(&mut pipe, &mut rest));
    });
    let end = receiver.recv_timeout(Duration::from_secs(10));
    assert!(
        matches!(end, Ok(Ok(0))),
        "no end of the pipe while agent {} runs: {end:?}",
        agents[0]
    );
    let pipes: Vec<PathBuf> = std::fs::read_dir(format!("/proc/{}/fd", agents[0]))
        .unwrap()
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("pipe:"))
        .collect();
    assert!(pipes.is_empty(), "the agent holds pipes: {pipes:?}");
}
