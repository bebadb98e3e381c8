//! `grant serve --profile P [-- CMD ...]`: P's credentials on a local endpoint of
//! the AWS SDKs' container credentials provider (`crate::serve`), renewed before
//! they expire. With CMD, runs it with the endpoint's two variables and no key
//! variables, and exits with its status; without, prints the variables and
//! serves until interrupted.
//!
//! The credentials come through the same cache and lock as credential-process. The
//! first fetch may sign in (on a terminal only); renewals never do, since the SDK
//! asking would time out long before a person answered: a renewal that needs a
//! sign-in answers with the command to run, and the next request after it works.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context, bail};

use crate::cli::ServeArgs;
use crate::credentials::obtain::{self, Obtain, Request};
use crate::credentials::request::{self, SsoFlags};
use crate::credentials::{Credentials, format_expiration};
use crate::profile::{CredentialSource, Profile};
use crate::secrets::SecretStore;
use crate::serve::{self, Endpoint, Source};
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::{LoginOptions, token};

pub const FULL_URI_VARIABLE: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
pub const TOKEN_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";

/// Removed from CMD's environment: every source an SDK's default chain tries before
/// the container provider (keys, a profile, web identity), and the container
/// variables that would win over the two grant sets (botocore reads
/// RELATIVE_URI before FULL_URI, and a token file before the token).
const REMOVED_FOR_COMMAND: [&str; 15] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    // Left by an `assume -x` of the shell, about keys CMD no longer has.
    "GRANT_EXPIRES",
    "GRANT_EXPORTED",
];

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let endpoint = Endpoint::bind(SocketAddr::new(args.bind, args.port))?;
    let (source, profile) = renewing_source(&args)?;
    let address = endpoint.address()?;
    let url = url_for(address);
    warn_beyond_loopback(address, &url);
    let token = endpoint.token().as_str().to_owned();
    let signals = signals::Signals::catch()?;
    endpoint.spawn(Arc::new(source));

    if args.command.is_empty() {
        print_variables(&url, &token)?;
        eprintln!(
            "grant: serving {} at {url} until interrupted (Ctrl-C); pass the two variables above to the program, without AWS_PROFILE or key variables",
            shell_word(&args.profile)
        );
        signals.wait_for_interrupt();
        return Ok(());
    }
    warn_of_default_profile(&args.profile);
    let region = profile.region.as_deref();
    let code = run_command(&args.command, &url, &token, region, signals)?;
    std::process::exit(code)
}

/// The profile's renewing source, its first credentials fetched before anything
/// is served: a sign-in, when one is needed and a person can answer, happens here.
fn renewing_source(args: &ServeArgs) -> anyhow::Result<(Renewing, Profile)> {
    let settings = Settings::load().context("cannot load grant's settings")?;
    let profile = request::load_profile(&args.profile, &SsoFlags::default(), &settings)?;
    let source = Renewing {
        store: SecretStore::open(&settings)?,
        settings,
        last: Mutex::new(None),
        request: Request::for_profile(&profile),
    };
    let login = obtain::has_terminal().then(|| LoginOptions {
        prompt_on_terminal: true,
        ..LoginOptions::default()
    });
    let first = source.renew(login)?;
    let label = &source.request.label;
    if serve::container_json(&first).is_none() {
        bail!(
            "{label}: long-term keys (no session token or expiration), which the container credentials provider cannot serve; give the profile role_arn or SSO keys, or use assume -x"
        );
    }
    if needs_mfa(&profile.source) {
        eprintln!(
            "grant: {label} needs an MFA code for every new role session: when these credentials run out ({}), serve asks for one on the terminal",
            first.expiration.map(format_expiration).unwrap_or_default()
        );
    }
    Ok((source, profile))
}

/// Credentials with less life than this are renewed before they are served. The
/// SDKs renew theirs from 15 minutes before expiry (botocore; JavaScript 5 minutes,
/// Rust 10 seconds): every answer has more than any of them waits for. Shorter
/// sessions get a window scaled to their life (`cache::renewal_window`).
const WINDOW_SECONDS: i64 = 20 * 60;

/// The profile's credentials, kept between requests with the life they had when
/// obtained, and renewed once inside their renewal window.
struct Renewing {
    request: Request,
    store: SecretStore,
    settings: Settings,
    last: Mutex<Option<(Credentials, Option<i64>)>>,
}

impl Renewing {
    /// Through grant's cache, which another grant may have renewed already.
    fn renew(&self, login: Option<LoginOptions>) -> anyhow::Result<Credentials> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let credentials = self.fetch(login)?;
        *last = Some(Self::kept(&credentials));
        Ok(credentials)
    }

    /// The credentials with their life left now: a cache hit may be part-used, so
    /// this can be less than their whole life, which only keeps the window smaller.
    fn kept(credentials: &Credentials) -> (Credentials, Option<i64>) {
        (credentials.clone(), credentials.seconds_left(token::now()))
    }

    fn fetch(&self, login: Option<LoginOptions>) -> anyhow::Result<Credentials> {
        let obtain = Obtain {
            store: &self.store,
            settings: &self.settings,
            window: WINDOW_SECONDS,
            use_cache: true,
            login,
            mfa_token: None,
        };
        obtain.credentials(&self.request)
    }
}

impl Source for Renewing {
    /// The lock is held while renewing: the requests behind a renewal get what it
    /// fetched.
    fn current(&self) -> anyhow::Result<Credentials> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((credentials, life)) = last.as_ref()
            && credentials.seconds_left(token::now()).is_some_and(|left| {
                left > crate::credentials::cache::renewal_window(WINDOW_SECONDS, *life)
            })
        {
            return Ok(credentials.clone());
        }
        let credentials = self.fetch(None)?;
        *last = Some(Self::kept(&credentials));
        Ok(credentials)
    }
}

/// The URL a program on this machine uses: an address of every interface is
/// reached through loopback.
fn url_for(address: SocketAddr) -> String {
    let host = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!(
        "http://{}{}",
        SocketAddr::new(host, address.port()),
        serve::PATH
    )
}

/// Says who else can reach an endpoint bound beyond loopback, and what the SDKs
/// accept over plain http.
fn warn_beyond_loopback(address: SocketAddr, url: &str) {
    let ip = address.ip();
    if ip.is_loopback() {
        return;
    }
    let rules = "the AWS SDKs fetch credentials over plain http only from 127.0.0.0/8, [::1], 169.254.170.2, 169.254.170.23 and [fd00:ec2::23] (https from any host)";
    if ip.is_unspecified() {
        eprintln!(
            "grant: listening on every interface at port {}: programs on this machine use {url}; {rules}, so a container must reach this port as one of those (see docs/serve-containers.md)",
            address.port()
        );
    } else if serve::sdks_accept_http_from(ip) {
        eprintln!(
            "grant: listening on {address}, beyond loopback: a container whose traffic to {ip} reaches this machine uses {url}"
        );
    } else {
        eprintln!(
            "grant: listening on {address}, beyond loopback; {rules}, so a program must reach this endpoint as one of those, not as {url} (see docs/serve-containers.md)"
        );
    }
}

/// Whether the role, or one it is assumed from, asks for an MFA code.
fn needs_mfa(source: &CredentialSource) -> bool {
    match source {
        CredentialSource::AssumeRole(role) => {
            (role.mfa_serial.is_some() && role.mfa_process.is_none()) || needs_mfa(&role.source)
        }
        _ => false,
    }
}

/// Keys of a profile with which the SDKs get credentials themselves.
const SDK_CREDENTIAL_KEYS: [&str; 6] = [
    "aws_access_key_id",
    "role_arn",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

/// Every SDK's default chain reads the profile `default` before the container
/// provider: when it has credentials, CMD may sign with those instead.
fn warn_of_default_profile(serving: &str) {
    if serving == "default" {
        return;
    }
    let Ok(files) = crate::config::AwsFiles::load_for_profile("default") else {
        return;
    };
    let Ok(Some(values)) = files.profile("default") else {
        return;
    };
    if let Some(key) = SDK_CREDENTIAL_KEYS.iter().find(|key| values.contains(key)) {
        eprintln!(
            "grant: the profile 'default' has {key}, and the AWS SDKs try it before the container endpoint: the command may use the default profile's credentials instead of {}",
            shell_word(serving)
        );
    }
}

/// The two variables as shell code on stdout.
fn print_variables(url: &str, token: &str) -> anyhow::Result<()> {
    super::print_lines([
        format!("export {FULL_URI_VARIABLE}={}", shell_word(url)),
        format!("export {TOKEN_VARIABLE}={}", shell_word(token)),
    ])?;
    Ok(())
}

/// Runs CMD with the endpoint's variables in place of any credentials, and returns
/// its exit code (128 + the signal that ended it, as shells report it).
fn run_command(
    command_line: &[String],
    url: &str,
    token: &str,
    region: Option<&str>,
    signals: signals::Signals,
) -> anyhow::Result<i32> {
    let Some((program, arguments)) = command_line.split_first() else {
        bail!("serve needs a command after --, e.g. grant serve --profile dev -- python app.py");
    };
    let mut command = std::process::Command::new(program);
    command.args(arguments);
    for name in REMOVED_FOR_COMMAND {
        command.env_remove(name);
    }
    command
        .env(FULL_URI_VARIABLE, url)
        .env(TOKEN_VARIABLE, token);
    if let Some(region) = region {
        command
            .env("AWS_REGION", region)
            .env("AWS_DEFAULT_REGION", region);
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot run {}", shell_word(program)))?;
    signals.forward_to(child.id());
    let status = child
        .wait()
        .with_context(|| format!("cannot wait for {}", shell_word(program)))?;
    Ok(exit_code(status))
}

#[cfg(unix)]
fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

#[cfg(not(unix))]
fn exit_code(status: std::process::ExitStatus) -> i32 {
    status.code().unwrap_or(1)
}

/// Signals grant takes while it serves, installed before CMD starts so that none
/// is missed. SIGINT and SIGQUIT come from the terminal to CMD as well (one process
/// group): grant outlives them to pass on CMD's status, and does not send a second
/// copy. SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 are sent to grant alone (a
/// supervisor, `kill`): they are forwarded.
#[cfg(unix)]
mod signals {
    use tokio::runtime::Runtime;
    use tokio::signal::unix::{Signal, SignalKind, signal};

    pub struct Signals {
        runtime: Runtime,
        interrupt: Signal,
        quit: Signal,
        terminate: Signal,
        hangup: Signal,
        user1: Signal,
        user2: Signal,
    }

    impl Signals {
        pub fn catch() -> anyhow::Result<Signals> {
            let runtime = crate::aws::runtime()?;
            let _context = runtime.enter();
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt())?,
                quit: signal(SignalKind::quit())?,
                terminate: signal(SignalKind::terminate())?,
                hangup: signal(SignalKind::hangup())?,
                user1: signal(SignalKind::user_defined1())?,
                user2: signal(SignalKind::user_defined2())?,
                runtime,
            })
        }

        /// Until SIGINT, SIGTERM or SIGHUP.
        pub fn wait_for_interrupt(mut self) {
            self.runtime.block_on(async {
                tokio::select! {
                    _ = self.interrupt.recv() => {}
                    _ = self.terminate.recv() => {}
                    _ = self.hangup.recv() => {}
                }
            });
        }

        /// Forwards, in a thread of its own, until the process ends.
        pub fn forward_to(mut self, pid: u32) {
            use rustix::process::{Pid, Signal as Number, kill_process};
            let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
                return;
            };
            std::thread::spawn(move || {
                self.runtime.block_on(async {
                    loop {
                        let number = tokio::select! {
                            _ = self.terminate.recv() => Number::TERM,
                            _ = self.hangup.recv() => Number::HUP,
                            _ = self.user1.recv() => Number::USR1,
                            _ = self.user2.recv() => Number::USR2,
                            _ = self.interrupt.recv() => continue,
                            _ = self.quit.recv() => continue,
                        };
                        let _ = kill_process(pid, number);
                    }
                });
            });
        }
    }
}

#[cfg(not(unix))]
mod signals {
    pub struct Signals {
        runtime: tokio::runtime::Runtime,
    }

    impl Signals {
        pub fn catch() -> anyhow::Result<Signals> {
            Ok(Signals {
                runtime: crate::aws::runtime()?,
            })
        }

        pub fn wait_for_interrupt(self) {
            let _ = self.runtime.block_on(tokio::signal::ctrl_c());
        }

        /// Ctrl-C reaches the command from the console; grant only waits for it.
        pub fn forward_to(self, _pid: u32) {
            std::thread::spawn(move || {
                loop {
                    let _ = self.runtime.block_on(tokio::signal::ctrl_c());
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_address_a_local_program_reaches() {
        let url = |text: &str| url_for(text.parse().unwrap());
        assert_eq!(url("127.0.0.1:8080"), "http://127.0.0.1:8080/");
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080/");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080/");
        assert_eq!(url("[fd00:ec2::23]:80"), "http://[fd00:ec2::23]:80/");
        assert_eq!(url("172.17.0.1:9"), "http://172.17.0.1:9/");
    }
}
