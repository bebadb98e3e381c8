//! The network path of the grant that ships (static and non-PIE: the release's
//! musl binary, or glibc's from `cargo build-static`; $GRANT_SHIPPED_BINARY names
//! it, else the test build's grant runs): names are looked up without glibc's NSS, HTTP_PROXY and
//! HTTPS_PROXY carry the calls, NO_PROXY leaves them direct.

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fake_aws::FakeAws;

use crate::support::fixtures::{
    DEV_ACCOUNT, DEV_ROLE, Forget, Process, granted_profile, json, signed_in,
};
use crate::support::{TestEnv, failure, run_within};

const LIMIT: Duration = Duration::from_secs(60);

/// A name no resolver knows (RFC 6761): only a proxy can reach it.
const UNRESOLVABLE: &str = "sso.grant-test.invalid";

fn world(fake: &FakeAws) -> TestEnv {
    signed_in(
        fake,
        &granted_profile("dev", DEV_ACCOUNT, DEV_ROLE, Process::None),
        Forget::Counts,
    )
}

/// `grant credential-process --profile dev` of the shipped binary (a fetch: the
/// world has no cached credentials), its AWS calls sent to `endpoint`.
fn fetch(env: &TestEnv, endpoint: &str) -> Command {
    let mut command = env.shipped_grant();
    command
        .args(["credential-process", "--profile", "dev"])
        .env("GRANT_HTTP_TIMEOUT_SECONDS", "5");
    for name in [
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_ENDPOINT_URL_STS",
    ] {
        command.env(name, endpoint);
    }
    command
}

#[test]
fn the_binary_under_test_is_linked_as_it_ships() {
    let Some(path) = std::env::var_os("GRANT_SHIPPED_BINARY") else {
        eprintln!("skipped: GRANT_SHIPPED_BINARY is not set (packaging/build.sh builds it)");
        return;
    };
    let elf = std::fs::read(path).expect("the shipped binary");
    assert_eq!(&elf[..4], b"\x7fELF");
    let half = |at: usize| usize::from(u16::from_le_bytes([elf[at], elf[at + 1]]));
    assert_eq!(half(16), 2, "ET_EXEC, a position-dependent executable");
    let table = usize::try_from(u64::from_le_bytes(elf[32..40].try_into().unwrap())).unwrap();
    let segments: Vec<u32> = (0..half(56))
        .map(|i| table + i * half(54))
        .map(|at| u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()))
        .collect();
    const PT_DYNAMIC: u32 = 2;
    const PT_INTERP: u32 = 3;
    assert!(
        !segments.contains(&PT_INTERP) && !segments.contains(&PT_DYNAMIC),
        "a static binary has no interpreter and no dynamic section: {segments:?}"
    );
}

/// Whether this machine lets the tests bind-mount over /etc in a private mount
/// namespace (root, as in CI).
fn can_bind_mount() -> bool {
    let probe = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount --bind /etc/hosts /etc/hosts"])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        probe || std::env::var_os("CI").is_none(),
        "CI runs as root and must be able to bind-mount in a mount namespace"
    );
    if !probe {
        eprintln!("skipped: cannot bind-mount in a mount namespace here (needs root)");
    }
    probe
}

/// With NSS unusable (an nsswitch.conf whose only hosts source is a module that
/// does not exist, so getaddrinfo and getent fail), a name of /etc/hosts still
/// reaches the fake: grant reads /etc/hosts itself and loads no NSS module, as a
/// static glibc must not.
#[test]
fn a_name_in_etc_hosts_is_found_without_nss() {
    if !can_bind_mount() {
        return;
    }
    let fake = FakeAws::start();
    let env = world(&fake);
    let files = tempfile::tempdir().unwrap();
    let nsswitch = files.path().join("nsswitch.conf");
    let hosts = files.path().join("hosts");
    std::fs::write(&nsswitch, "hosts: grant_test_no_such_module\n").unwrap();
    std::fs::write(&hosts, "127.0.0.1 sso.grant-test.example\n").unwrap();
    let endpoint = format!("http://sso.grant-test.example:{}", fake.port());
    let script = r#"set -e
mount --bind "$NSSWITCH" /etc/nsswitch.conf
mount --bind "$HOSTS" /etc/hosts
if getent hosts sso.grant-test.example >/dev/null 2>&1; then
    echo "NSS still answers: the test proves nothing" >&2
    exit 90
fi
exec "$@"
"#;
    let fetch = fetch(&env, &endpoint);
    let mut command = Command::new("unshare");
    command
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(fetch.get_program())
        .args(fetch.get_args())
        .env_clear()
        .envs(fetch.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("NSSWITCH", &nsswitch)
        .env("HOSTS", &hosts)
        .current_dir(&env.home);
    let out = run_within(&mut command, LIMIT);
    let answer = json(&out);
    assert!(
        answer["AccessKeyId"]
            .as_str()
            .is_some_and(|key| !key.is_empty())
    );
    assert_eq!(fake.count("GetRoleCredentials"), 1, "{:?}", fake.counts());
}

#[test]
fn http_proxy_carries_the_calls() {
    let fake = FakeAws::start();
    let env = world(&fake);
    let proxy = Proxy::start(fake.port());
    let endpoint = format!("http://{UNRESOLVABLE}:{}", fake.port());
    let out = run_within(fetch(&env, &endpoint).env("HTTP_PROXY", proxy.url()), LIMIT);
    json(&out);
    assert_eq!(fake.count("GetRoleCredentials"), 1, "{:?}", fake.counts());
    let seen = proxy.seen();
    assert!(
        seen.iter()
            .any(|line| line.starts_with(&format!("GET {endpoint}/federation/credentials"))),
        "the proxy saw {seen:?}"
    );
}

/// HTTPS calls go through the proxy's CONNECT tunnel, to the name (the proxy looks
/// it up); a proxy that refuses is one line of error.
#[test]
fn https_proxy_is_asked_to_connect() {
    let fake = FakeAws::start();
    let env = world(&fake);
    let proxy = Proxy::start(fake.port());
    let out = run_within(
        fetch(&env, &format!("https://{UNRESOLVABLE}"))
            .env("https_proxy", proxy.url())
            .env("GRANT_HTTP_TIMEOUT_SECONDS", "2"),
        LIMIT,
    );
    let line = failure(&out);
    assert_eq!(line.lines().count(), 1, "{line}");
    let seen = proxy.seen();
    assert!(
        seen.iter()
            .any(|line| line.starts_with(&format!("CONNECT {UNRESOLVABLE}:443 "))),
        "the proxy saw {seen:?}"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 0);
}

#[test]
fn no_proxy_leaves_the_calls_direct() {
    let fake = FakeAws::start();
    let env = world(&fake);
    let proxy = Proxy::start(fake.port());
    let out = run_within(
        fetch(&env, fake.url())
            .env("HTTP_PROXY", proxy.url())
            .env("HTTPS_PROXY", proxy.url())
            .env("NO_PROXY", "localhost,127.0.0.1"),
        LIMIT,
    );
    json(&out);
    assert_eq!(fake.count("GetRoleCredentials"), 1, "{:?}", fake.counts());
    assert_eq!(proxy.seen(), Vec::<String>::new());
}

/// A forward proxy on this machine: it records the first line of each connection,
/// refuses CONNECT (502), and relays everything else to the fake at `upstream`.
struct Proxy {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let record = Arc::clone(&record);
                std::thread::spawn(move || relay(client, upstream, &record));
            }
        });
        Proxy { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn relay(mut client: TcpStream, upstream: u16, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    seen.lock().unwrap().push(line.trim_end().to_owned());
    if line.starts_with("CONNECT ") {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    }
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let _ = server.write_all(line.as_bytes());
    let _ = server.write_all(reader.buffer());
    let (mut answers, mut back) = (server.try_clone().unwrap(), client);
    let backwards = std::thread::spawn(move || {
        let _ = std::io::copy(&mut answers, &mut back);
        let _ = back.shutdown(Shutdown::Write);
    });
    let mut rest = reader.into_inner();
    let _ = std::io::copy(&mut rest, &mut server);
    let _ = server.shutdown(Shutdown::Write);
    let _ = backwards.join();
}
