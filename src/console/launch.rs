//! Opening the console so that each AWS profile keeps its own browser session,
//! side by side: Firefox through the URL scheme of Granted's container extension
//! (`ext+granted-containers:`), Chromium-based browsers with a browser profile of
//! their own per AWS profile (`--user-data-dir` under grant's state folder). The
//! setting `ConsoleBrowserIsolation` chooses; `auto` follows `DefaultBrowser`.
//!
//! A profile name only ever becomes a percent-encoded query value or a folder
//! name of `[A-Za-z0-9_-]` and a hash, never a path component or an option.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::settings::{Browser, ConsoleIsolation, Settings};

/// The folder of grant's state that holds one browser profile per AWS profile.
pub const BROWSER_PROFILES_DIR: &str = "browser-profiles";

/// How a console opens: the browser's options, then the URL it is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub options: Vec<String>,
    pub target: String,
    /// The browser profile folder to create (0700) before the browser starts.
    pub profile_dir: Option<PathBuf>,
}

/// The isolation in force: `auto` is the containers for Firefox, a browser profile
/// per AWS profile for Chrome, Chromium, Edge and Brave, else none.
pub fn isolation(settings: &Settings) -> ConsoleIsolation {
    match settings.console_browser_isolation() {
        ConsoleIsolation::Auto => match settings.default_browser() {
            Browser::Firefox => ConsoleIsolation::FirefoxContainers,
            Browser::Chrome | Browser::Chromium | Browser::Edge | Browser::Brave => {
                ConsoleIsolation::ChromiumProfiles
            }
            _ => ConsoleIsolation::Off,
        },
        chosen => chosen,
    }
}

/// What to run for `sign_in_url` as `profile`, under `isolation`; browser profiles
/// live under `state_dir`.
pub fn plan(
    isolation: ConsoleIsolation,
    profile: &str,
    sign_in_url: &str,
    state_dir: &Path,
) -> Launch {
    match isolation {
        ConsoleIsolation::FirefoxContainers => Launch {
            options: Vec::new(),
            target: container_url(profile, sign_in_url),
            profile_dir: None,
        },
        ConsoleIsolation::ChromiumProfiles => {
            let dir = state_dir
                .join(BROWSER_PROFILES_DIR)
                .join(browser_profile_name(profile));
            Launch {
                options: vec![
                    format!("--user-data-dir={}", dir.display()),
                    "--no-first-run".to_owned(),
                    "--no-default-browser-check".to_owned(),
                ],
                target: sign_in_url.to_owned(),
                profile_dir: Some(dir),
            }
        }
        ConsoleIsolation::Auto | ConsoleIsolation::Off => Launch {
            options: Vec::new(),
            target: sign_in_url.to_owned(),
            profile_dir: None,
        },
    }
}

/// Granted's container extension URL: the container named after the profile,
/// the URL inside it, both percent-encoded.
pub fn container_url(profile: &str, sign_in_url: &str) -> String {
    let encoded: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("name", profile)
        .append_pair("url", sign_in_url)
        .finish();
    format!("{}{encoded}", crate::sso::browser::CONTAINER_SCHEME)
}

/// `dev-3f2a...`: the profile's letters, digits, `_` and `-` (others become `_`,
/// at most 40), then 16 hex digits of its SHA-256, so that `a/b` and `a_b` differ.
pub fn browser_profile_name(profile: &str) -> String {
    let readable: String = profile
        .chars()
        .take(40)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let digest = Sha256::digest(profile.as_bytes());
    format!("{readable}-{}", &hex::encode(digest)[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_name_the_profile_and_carry_the_url_encoded() {
        let target = container_url(
            "dev&url=x",
            "https://signin.aws.amazon.com/federation?a=1&b=2",
        );
        assert_eq!(
            target,
            "ext+granted-containers:name=dev%26url%3Dx&url=https%3A%2F%2Fsignin.aws.amazon.com%2Ffederation%3Fa%3D1%26b%3D2"
        );
        assert!(crate::sso::browser::may_open_console(&target));
    }

    #[test]
    fn browser_profile_names_are_safe_folder_names() {
        for hostile in [
            "../../etc",
            "--disable-web-security",
            "a/b",
            "x\ny",
            "",
            "é",
        ] {
            let name = browser_profile_name(hostile);
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                "{name}"
            );
            assert!(!name.contains(".."));
            assert_eq!(Path::new(&name).components().count(), 1);
        }
        assert_ne!(browser_profile_name("a/b"), browser_profile_name("a_b"));
        assert!(browser_profile_name("dev").starts_with("dev-"));
        assert!(browser_profile_name(&"x".repeat(500)).len() < 60);
    }

    #[test]
    fn chromium_profiles_live_under_the_state_folder() {
        let launch = plan(
            ConsoleIsolation::ChromiumProfiles,
            "../x",
            "https://signin.aws.amazon.com/federation?Action=login",
            Path::new("/state"),
        );
        let dir = launch.profile_dir.unwrap();
        assert_eq!(dir.parent().unwrap(), Path::new("/state/browser-profiles"));
        assert_eq!(
            launch.options[0],
            format!("--user-data-dir={}", dir.display())
        );
        assert_eq!(
            launch.target,
            "https://signin.aws.amazon.com/federation?Action=login"
        );
    }
}
