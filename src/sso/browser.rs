//! Opening the sign-in page: the browser the settings name, else the platform's
//! opener. Where no browser can be opened (no display, no terminal, CI), grant
//! prints the URL and code instead and never waits on a browser.
//!
//! A URL comes from a server, so only [`may_open`] URLs reach a browser: `https://`,
//! or `http://` to this machine. As they start with the scheme, a browser cannot
//! take them for an option.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::settings::{Browser, Settings};

/// A program that opens a URL given as its last argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opener {
    pub program: PathBuf,
    /// Arguments before the URL; they end with `--` for programs that take it.
    pub args: Vec<String>,
}

/// Whether a URL a server sent may be passed to a browser: `https://` with a host,
/// or `http://` to a loopback host (127.0.0.0/8, `[::1]`, `localhost`), with no
/// whitespace or control character anywhere. Anything else (`javascript:`,
/// `file:`, `data:`, `http://` elsewhere, text starting with `-`) is only shown.
pub fn may_open(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let secure = url.starts_with("https://");
    if !secure && !url.starts_with("http://") {
        return false;
    }
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    match parsed.host() {
        Some(_) if secure => true,
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => IpAddr::V4(address).is_loopback(),
        Some(url::Host::Ipv6(address)) => IpAddr::V6(address).is_loopback(),
        None => false,
    }
}

/// The URL scheme of Granted's Firefox container extension, which opens the URL
/// in its `url=` value inside the container named by `name=`.
pub const CONTAINER_SCHEME: &str = "ext+granted-containers:";

/// Whether a console target may be passed to a browser: what [`may_open`] allows,
/// or a container-extension URL with nothing but URL characters in it (its values
/// are percent-encoded, so it holds no space or control character either).
pub fn may_open_console(target: &str) -> bool {
    match target.strip_prefix(CONTAINER_SCHEME) {
        Some(rest) => !rest.is_empty() && rest.chars().all(|c| c.is_ascii_graphic()),
        None => may_open(target),
    }
}

/// Variables holding keys or tokens, never passed on to a browser.
const SECRET_VARIABLES: [&str; 6] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
];

impl Opener {
    fn program(program: PathBuf) -> Self {
        Opener {
            program,
            args: Vec::new(),
        }
    }

    /// Starts the browser without waiting for it; false when it could not start or
    /// `url` is not one [`may_open`] allows.
    pub fn open(&self, url: &str) -> bool {
        if !may_open(url) {
            crate::debug!(
                "not opening {}: not an https URL",
                crate::term_text::shown(url)
            );
            return false;
        }
        self.spawn(&self.args, url)
    }

    /// Starts the browser for a console: `options` go before the `--` that ends a
    /// Chromium-based browser's options, `target` last. False when it could not
    /// start or `target` is not one [`may_open_console`] allows.
    pub fn open_console(&self, options: &[String], target: &str) -> bool {
        if !may_open_console(target) {
            crate::debug!("not opening the console: its URL is not one a browser may get");
            return false;
        }
        self.spawn(&self.console_args(options), target)
    }

    fn console_args(&self, options: &[String]) -> Vec<String> {
        let mut args = self.args.clone();
        let at = match args.last() {
            Some(last) if last == "--" => args.len() - 1,
            _ => args.len(),
        };
        args.splice(at..at, options.iter().cloned());
        args
    }

    fn spawn(&self, args: &[String], target: &str) -> bool {
        let mut command = Command::new(&self.program);
        // A browser outlives grant by hours: it gets no keys grant's caller had.
        for name in SECRET_VARIABLES {
            command.env_remove(name);
        }
        let spawned = command
            .args(args)
            .arg(target)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(_) => true,
            Err(error) => {
                crate::debug!("cannot start {}: {error}", self.program.display());
                false
            }
        }
    }
}

/// The browser to open the sign-in page with, or `None` when the URL and code must
/// be printed instead. An explicit CustomBrowserPath is a program, not a person, so
/// it runs even without a terminal; CI never opens anything.
pub fn choose(settings: &Settings, no_browser: bool) -> Option<Opener> {
    if no_browser || crate::env::is_ci() || settings.default_browser() == Browser::Stdout {
        return None;
    }
    if let Some(path) = settings.custom_browser_path() {
        return Some(Opener::program(path));
    }
    if settings.default_browser() == Browser::Custom || !crate::terminal::person_can_use_a_browser()
    {
        return None;
    }
    named_browser(settings.default_browser()).or_else(platform_opener)
}

fn named_browser(browser: Browser) -> Option<Opener> {
    let candidates: &[&str] = match browser {
        Browser::Chrome => &["google-chrome", "google-chrome-stable", "chrome"],
        Browser::Chromium => &["chromium", "chromium-browser"],
        Browser::Firefox => &["firefox"],
        Browser::Edge => &["microsoft-edge", "msedge"],
        Browser::Brave => &["brave-browser", "brave"],
        Browser::Safari => {
            return cfg!(target_os = "macos").then(|| Opener {
                program: PathBuf::from("open"),
                args: vec!["-a".into(), "Safari".into()],
            });
        }
        Browser::Default | Browser::Stdout | Browser::Custom => &[],
    };
    let opener = candidates
        .iter()
        .find_map(|name| which::which(name).ok())
        .map(Opener::program);
    // Chromium-based browsers read `--` as the end of their options.
    let ends_options = matches!(
        browser,
        Browser::Chrome | Browser::Chromium | Browser::Edge | Browser::Brave
    );
    opener.map(|mut opener| {
        if ends_options {
            opener.args.push("--".into());
        }
        opener
    })
}

fn platform_opener() -> Option<Opener> {
    let candidates: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["explorer"]
    } else {
        &["wslview", "xdg-open"]
    };
    candidates
        .iter()
        .find_map(|name| which::which(name).ok())
        .map(Opener::program)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_urls_may_be_opened() {
        assert!(may_open(
            "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH"
        ));
        assert!(may_open("https://example.com"));
    }

    #[test]
    fn http_only_to_loopback_hosts() {
        assert!(may_open("http://127.0.0.1:5555/device?user_code=X"));
        assert!(may_open("http://127.10.0.3/"));
        assert!(may_open("http://[::1]:8080/authorize"));
        assert!(may_open("http://localhost:9/"));
        assert!(!may_open("http://evil.example/"));
        assert!(!may_open("http://128.0.0.1/"));
        assert!(!may_open("http://localhost.evil.example/"));
        assert!(!may_open("http://localhost@evil.example/"));
        assert!(!may_open("http://[::2]/"));
    }

    #[test]
    fn other_schemes_are_never_opened() {
        for url in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "HTTPS://example.com",
            "ftp://example.com/",
            "example.com",
            "",
        ] {
            assert!(!may_open(url), "{url}");
        }
    }

    #[test]
    fn text_that_looks_like_an_option_is_never_opened() {
        assert!(!may_open("--user-data-dir=/tmp/x https://example.com"));
        assert!(!may_open("-https://example.com"));
    }

    #[test]
    fn whitespace_or_control_characters_inside_are_refused() {
        for url in [
            "https://example.com/a b",
            " https://example.com/",
            "https://example.com/\n",
            "https://example.com/\t",
            "https://exa\x1bmple.com/",
            "https://example.com/\u{9b}31m",
            "https://example.com/\u{a0}",
        ] {
            assert!(!may_open(url), "{url:?}");
        }
    }

    #[test]
    fn console_targets_are_urls_or_container_urls() {
        assert!(may_open_console(
            "https://signin.aws.amazon.com/federation?x=1"
        ));
        assert!(may_open_console(
            "ext+granted-containers:name=dev&url=https%3A%2F%2Fx"
        ));
        assert!(!may_open_console("ext+granted-containers:name=a b&url=x"));
        assert!(!may_open_console("ext+granted-containers:"));
        assert!(!may_open_console("ext+other:url=x"));
        assert!(!may_open_console("--user-data-dir=/tmp"));
    }

    #[test]
    fn console_options_go_before_the_end_of_options() {
        let chromium = Opener {
            program: PathBuf::from("chromium"),
            args: vec!["--".into()],
        };
        assert_eq!(
            chromium.console_args(&["--user-data-dir=/p".into()]),
            ["--user-data-dir=/p", "--"]
        );
        let open = Opener {
            program: PathBuf::from("open"),
            args: vec!["-a".into(), "Safari".into()],
        };
        assert_eq!(open.console_args(&["--x".into()]), ["-a", "Safari", "--x"]);
        assert!(!chromium.open_console(&[], "javascript:alert(1)"));
    }

    #[test]
    fn a_refused_url_is_not_passed_to_the_program() {
        let opener = Opener::program(PathBuf::from("/bin/true"));
        assert!(!opener.open("javascript:alert(1)"));
        assert!(opener.open("https://example.com/"));
    }
}
