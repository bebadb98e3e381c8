//! Where files live: the AWS config files and grant's own folders.
//! Every function reads the environment at call time, so tests can move HOME.

use std::env;
use std::path::{Path, PathBuf};

/// The user's home folder: `$HOME`, else what the OS says.
pub fn home_dir() -> PathBuf {
    match env::var_os("HOME") {
        Some(home) if !home.is_empty() => PathBuf::from(home),
        _ => env::home_dir().unwrap_or_else(|| PathBuf::from("/")),
    }
}

/// Expands a leading `~` or `~/` the way the AWS SDKs do.
pub fn expand_tilde(path: &str) -> PathBuf {
    if path == "~" {
        home_dir()
    } else if let Some(rest) = path.strip_prefix("~/") {
        home_dir().join(rest)
    } else {
        PathBuf::from(path)
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    env::var(name)
        .ok()
        .filter(|value| !value.is_empty())
        .map(|value| expand_tilde(&value))
}

/// `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub fn aws_config_file() -> PathBuf {
    env_path("AWS_CONFIG_FILE").unwrap_or_else(|| home_dir().join(".aws").join("config"))
}

/// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub fn aws_credentials_file() -> PathBuf {
    env_path("AWS_SHARED_CREDENTIALS_FILE")
        .unwrap_or_else(|| home_dir().join(".aws").join("credentials"))
}

/// A folder variable's value when it is an absolute path (after `~`): a relative
/// one would name a folder of whatever directory grant runs in, a cloned
/// repository's say, and its settings or shell files would be that repository's.
/// Ignored like an unset one, as the XDG specification asks of `XDG_*`.
fn absolute_env_path(name: &str) -> Option<PathBuf> {
    env_path(name).filter(|path| path.is_absolute())
}

fn xdg_dir(variable: &str, fallback: &Path) -> PathBuf {
    absolute_env_path(variable)
        .unwrap_or_else(|| home_dir().join(fallback))
        .join("grant")
}

/// grant's settings folder: `$GRANT_CONFIG_DIR`, else `$XDG_CONFIG_HOME/grant`,
/// else `~/.config/grant` (relative values are ignored).
pub fn grant_config_dir() -> PathBuf {
    absolute_env_path("GRANT_CONFIG_DIR")
        .unwrap_or_else(|| xdg_dir("XDG_CONFIG_HOME", Path::new(".config")))
}

/// grant's state folder (locks, logs, encrypted caches): `$GRANT_STATE_DIR`, else
/// `$XDG_STATE_HOME/grant`, else `~/.local/state/grant` (relative values are
/// ignored).
pub fn grant_state_dir() -> PathBuf {
    absolute_env_path("GRANT_STATE_DIR")
        .unwrap_or_else(|| xdg_dir("XDG_STATE_HOME", Path::new(".local/state")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expansion_only_touches_a_leading_tilde() {
        let home = home_dir();
        assert_eq!(expand_tilde("~"), home);
        assert_eq!(expand_tilde("~/x/y"), home.join("x/y"));
        assert_eq!(expand_tilde("/a/~/b"), PathBuf::from("/a/~/b"));
        assert_eq!(expand_tilde("~other/x"), PathBuf::from("~other/x"));
    }

    /// The AWS SDKs' file-location suite (`tests/data/file-location-tests.json`), its
    /// Linux cases (grant does not run on Windows). Its `profile` field is left out:
    /// grant is always told which profile to use. Each case runs in a child process,
    /// as it needs its own environment.
    #[test]
    fn file_location_suite_linux_cases() {
        const CHILD: &str = "GRANT_TEST_FILE_LOCATION_CHILD";
        if std::env::var_os(CHILD).is_some() {
            println!("config={}", aws_config_file().display());
            println!("credentials={}", aws_credentials_file().display());
            return;
        }
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/file-location-tests.json");
        let suite: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut checked = 0;
        for case in suite["tests"].as_array().unwrap() {
            if case["platform"] != "linux" {
                continue;
            }
            let mut child = std::process::Command::new(std::env::current_exe().unwrap());
            child
                .args(["--exact", "paths::tests::file_location_suite_linux_cases"])
                .args(["--nocapture", "--test-threads=1"])
                .env_clear()
                .env(CHILD, "1");
            for (name, value) in case["environment"].as_object().unwrap() {
                child.env(name, value.as_str().unwrap());
            }
            let output = child.output().unwrap();
            assert!(output.status.success(), "{case}");
            let stdout = String::from_utf8(output.stdout).unwrap();
            let expected = format!(
                "config={}\ncredentials={}\n",
                case["configLocation"].as_str().unwrap(),
                case["credentialsLocation"].as_str().unwrap()
            );
            assert!(stdout.contains(&expected), "{}: {stdout}", case["name"]);
            checked += 1;
        }
        assert_eq!(checked, 4, "the suite's Linux cases");
    }
}
