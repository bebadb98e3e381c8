//! Opening the sign-in page: the browser the settings name, else the platform's
//! opener. Where no browser can be opened (no display, no terminal, CI), grant
//! prints the URL and code instead and never waits on a browser.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::settings::{Browser, Settings};

/// A program that opens a URL given as its last argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opener {
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl Opener {
    fn program(program: PathBuf) -> Self {
        Opener {
            program,
            args: Vec::new(),
        }
    }

    /// Starts the browser without waiting for it; false when it could not start.
    pub fn open(&self, url: &str) -> bool {
        let spawned = Command::new(&self.program)
            .args(&self.args)
            .arg(url)
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

pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false" && value != "0")
}

/// Whether a person could see a browser and come back: a terminal and, on Linux, a display.
fn is_interactive_desktop() -> bool {
    let has_terminal = std::io::stderr().is_terminal() || std::fs::File::open("/dev/tty").is_ok();
    let has_display = !cfg!(target_os = "linux")
        || ["DISPLAY", "WAYLAND_DISPLAY", "WSL_DISTRO_NAME"]
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
    has_terminal && has_display
}

/// The browser to open the sign-in page with, or `None` when the URL and code must
/// be printed instead. An explicit CustomBrowserPath is a program, not a person, so
/// it runs even without a terminal; CI never opens anything.
pub fn choose(settings: &Settings, no_browser: bool) -> Option<Opener> {
    if no_browser || is_ci() || settings.default_browser() == Browser::Stdout {
        return None;
    }
    if let Some(path) = settings.custom_browser_path() {
        return Some(Opener::program(path));
    }
    if settings.default_browser() == Browser::Custom || !is_interactive_desktop() {
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
    candidates
        .iter()
        .find_map(|name| which::which(name).ok())
        .map(Opener::program)
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
