//! SAML federation through any identity provider: a Chromium-family browser that
//! grant drives (`devtools`) opens the IdP's AWS app in a browser profile of grant's
//! own per IdP, and grant takes the SAML response the IdP posts to the AWS sign-in
//! endpoint (`capture`) without letting the browser submit it. `assertion` reads and
//! checks the roles it offers; STS AssumeRoleWithSAML is `credentials::fetch`'s.
//!
//! With the IdP's session still valid, this runs headless: no window, no prompt.
//! A window opens only when a person must sign in and can (a terminal and a display,
//! not CI); otherwise grant fails at once with the command to run.

pub mod assertion;
mod capture;
mod devtools;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use sha2::{Digest, Sha256};

pub use assertion::{AssertionError, OfferedRole, SamlResponse};

use crate::lock::{Lock, LockError};
use crate::partition::Partition;
use crate::settings::{Browser, Settings};

/// The folder of grant's state that holds one browser profile per IdP.
pub const BROWSER_PROFILES_DIR: &str = "saml-browsers";
/// How long a person has to sign in in the window.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// How long a headless renewal may take, redirects and all.
const HEADLESS_TIMEOUT: Duration = Duration::from_secs(45);

#[derive(Debug, thiserror::Error)]
pub enum SamlError {
    #[error(
        "grant_saml_url must be an https:// URL (or http:// to this machine), not {}",
        crate::term_text::shown(.0)
    )]
    BadUrl(String),
    #[error(
        "no Chrome, Chromium, Edge or Brave found to sign in at the IdP; install one, or set CustomBrowserPath to one (grant settings set CustomBrowserPath PATH)"
    )]
    NoBrowser,
    #[error("the IdP session of {idp} needs a sign-in; run: {command}")]
    SignInNeeded { idp: String, command: String },
    #[error("the sign-in window closed before the IdP sent a SAML response to AWS; run: {command}")]
    WindowClosed { command: String },
    #[error(
        "no SAML response reached {endpoint} within {} minutes; run: {command}",
        .waited.as_secs() / 60
    )]
    TimedOut {
        endpoint: String,
        waited: Duration,
        command: String,
    },
    #[error("the browser posted to {endpoint} without a SAMLResponse form value")]
    NoSamlResponse { endpoint: String },
    #[error("driving the browser: {0}")]
    DevTools(#[from] devtools::DevToolsError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("cannot create the browser profile folder {}: {source}", .path.display())]
    ProfileDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What a sign-in needs.
pub struct SignIn<'a> {
    /// The IdP's sign-in URL of its AWS app (`grant_saml_url`).
    pub url: &'a str,
    /// The partition of the roles: its sign-in endpoint is the only place a SAML
    /// response is taken from.
    pub partition: Partition,
    pub settings: &'a Settings,
    /// A window may open for a person to sign in.
    pub may_show_window: bool,
    /// The command that signs in, for messages: `grant saml login --profile dev`.
    pub login_command: String,
}

/// A response this process already captured (by `grant saml login` before it
/// picked a role), kept for the fetch that follows, never written anywhere.
static CAPTURED: Mutex<Option<(String, SamlResponse)>> = Mutex::new(None);

/// Keeps `response` for the next [`sign_in`] to the same URL in this process.
pub fn keep_for_next_sign_in(url: &str, response: SamlResponse) {
    if let Ok(mut kept) = CAPTURED.lock() {
        *kept = Some((url.to_owned(), response));
    }
}

/// A fresh SAML response from the IdP at `request.url`: headless while the IdP's
/// session lasts, else in a window when one may open, else an error with the
/// command to run.
pub fn sign_in(request: &SignIn<'_>) -> Result<SamlResponse, SamlError> {
    if !crate::sso::browser::may_open(request.url) {
        return Err(SamlError::BadUrl(request.url.to_owned()));
    }
    if let Ok(mut kept) = CAPTURED.lock()
        && kept.as_ref().is_some_and(|(url, _)| url == request.url)
        && let Some((_, response)) = kept.take()
    {
        return Ok(response);
    }
    let endpoint = capture::Endpoint::for_partition(request.partition);
    let profile_dir = browser_profile_dir(&crate::paths::grant_state_dir(), request.url);
    let idp = idp_label(request.url);
    let sign_in_needed = || SamlError::SignInNeeded {
        idp: idp.clone(),
        command: request.login_command.clone(),
    };
    let signed_in_before = profile_dir.is_dir();
    if !signed_in_before && !request.may_show_window {
        return Err(sign_in_needed());
    }
    let browser = find_browser(request.settings).ok_or(SamlError::NoBrowser)?;
    // One browser per profile folder at a time: a second Chromium on the same
    // folder would hand its work to the first and exit.
    let _lock = Lock::acquire(
        &format!("saml-browser:{}", profile_name(request.url)),
        &format!("the browser profile of {idp}"),
        SIGN_IN_TIMEOUT + HEADLESS_TIMEOUT,
    )?;
    crate::fsutil::create_private_dir(&profile_dir).map_err(|source| SamlError::ProfileDir {
        path: profile_dir.clone(),
        source,
    })?;
    let run = |headless: bool, timeout: Duration| {
        capture::run(&capture::Run {
            browser: &browser,
            profile_dir: &profile_dir,
            url: request.url,
            endpoint: &endpoint,
            headless,
            timeout,
        })
    };
    if signed_in_before {
        crate::debug!("SAML: renewing headless at {idp}");
        if let capture::Outcome::Response(response) = run(true, HEADLESS_TIMEOUT)? {
            return Ok(response);
        }
        crate::debug!("SAML: the IdP shows a page that waits for a person");
    }
    if !request.may_show_window {
        return Err(sign_in_needed());
    }
    eprintln!("grant: sign in at {idp} in the browser window grant opened");
    match run(false, SIGN_IN_TIMEOUT)? {
        capture::Outcome::Response(response) => Ok(response),
        capture::Outcome::Closed => Err(SamlError::WindowClosed {
            command: request.login_command.clone(),
        }),
        capture::Outcome::WaitsForPerson | capture::Outcome::TimedOut => Err(SamlError::TimedOut {
            endpoint: endpoint.to_string(),
            waited: SIGN_IN_TIMEOUT,
            command: request.login_command.clone(),
        }),
    }
}

/// Forgets the IdP session of `url`: removes grant's browser profile for that IdP.
/// Returns whether there was one.
pub fn forget(url: &str) -> Result<bool, SamlError> {
    let dir = browser_profile_dir(&crate::paths::grant_state_dir(), url);
    let _lock = Lock::acquire(
        &format!("saml-browser:{}", profile_name(url)),
        &format!("the browser profile of {}", idp_label(url)),
        Duration::from_secs(30),
    )?;
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(SamlError::ProfileDir { path: dir, source }),
    }
}

/// Whether grant keeps a browser profile (an IdP session, maybe) for `url`.
pub fn has_browser_profile(url: &str) -> bool {
    browser_profile_dir(&crate::paths::grant_state_dir(), url).is_dir()
}

/// The IdP as shown in messages: the host of its URL.
pub fn idp_label(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|parsed| parsed.host_str().map(str::to_owned))
        .unwrap_or_else(|| crate::term_text::shown(url).into_owned())
}

/// `STATE/saml-browsers/NAME`, one per IdP (the scheme, host and port of its URL).
pub fn browser_profile_dir(state_dir: &Path, url: &str) -> PathBuf {
    state_dir.join(BROWSER_PROFILES_DIR).join(profile_name(url))
}

/// The host in `[a-z0-9.-]` (for people looking at the folder) and a hash of the
/// origin: no part of a hostile URL becomes a path component as it stands.
fn profile_name(url: &str) -> String {
    let origin = url::Url::parse(url)
        .map(|parsed| parsed.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_owned());
    let readable: String = idp_label(url)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .take(60)
        .collect::<String>()
        .to_ascii_lowercase();
    let digest = hex::encode(&Sha256::digest(origin.as_bytes())[..6]);
    format!("{}-{digest}", readable.trim_start_matches('.'))
}

/// The Chromium-family browser to drive: CustomBrowserPath, else the one
/// DefaultBrowser names, else the first of Chrome, Chromium, Edge and Brave found.
pub fn find_browser(settings: &Settings) -> Option<PathBuf> {
    if let Some(path) = settings.custom_browser_path() {
        return Some(path);
    }
    let named: &[&str] = match settings.default_browser() {
        Browser::Chrome => &["google-chrome", "google-chrome-stable", "chrome"],
        Browser::Chromium => &["chromium", "chromium-browser"],
        Browser::Edge => &["microsoft-edge", "msedge"],
        Browser::Brave => &["brave-browser", "brave"],
        _ => &[],
    };
    const ANY: &[&str] = &[
        "google-chrome",
        "google-chrome-stable",
        "chromium",
        "chromium-browser",
        "microsoft-edge",
        "brave-browser",
    ];
    const MAC_APPS: &[&str] = &[
        "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
        "/Applications/Chromium.app/Contents/MacOS/Chromium",
        "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
        "/Applications/Brave Browser.app/Contents/MacOS/Brave Browser",
    ];
    named
        .iter()
        .chain(ANY)
        .find_map(|name| which::which(name).ok())
        .or_else(|| {
            cfg!(target_os = "macos")
                .then(|| {
                    MAC_APPS
                        .iter()
                        .map(PathBuf::from)
                        .find(|path| path.exists())
                })
                .flatten()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_folders_are_per_idp_origin_and_safe() {
        let state = Path::new("/state");
        let okta = browser_profile_dir(state, "https://acme.okta.com/home/amazon_aws/0oa/272");
        let okta_other_app =
            browser_profile_dir(state, "https://acme.okta.com/home/amazon_aws/0ob/1");
        assert_eq!(okta, okta_other_app);
        assert!(
            okta.to_string_lossy()
                .starts_with("/state/saml-browsers/acme.okta.com-")
        );
        let hostile = browser_profile_dir(state, "https://../../etc/");
        assert_eq!(hostile.parent(), Some(Path::new("/state/saml-browsers")));
        assert_ne!(
            browser_profile_dir(state, "http://127.0.0.1:1/idp"),
            browser_profile_dir(state, "http://127.0.0.1:2/idp")
        );
    }
}
