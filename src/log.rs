//! The debug log: decisions (cache hits, endpoints, lock waits), never secrets.
//! Off by default; `--debug`, `GRANT_DEBUG=true` or `AWS_SSO_CREDENTIAL_PROCESS_DEBUG=true`
//! turn it on. Lines go to stderr and, for credential-process, to a file in the
//! state folder (the AWS CLI hides a credential process's stderr).

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);
static LOG_FILE: Mutex<Option<File>> = Mutex::new(None);

/// Turns the log on for `--debug`, or when the environment asks for it; with
/// `file_name`, lines are also appended to that file of the state folder (0600).
pub fn init(debug_flag: bool, file_name: Option<&str>) {
    let from_env = ["GRANT_DEBUG", "AWS_SSO_CREDENTIAL_PROCESS_DEBUG"]
        .iter()
        .any(|name| crate::env::is_true(name));
    let enabled = debug_flag || from_env;
    ENABLED.store(enabled, Ordering::Relaxed);
    if let (true, Some(name)) = (enabled, file_name) {
        *LOG_FILE.lock().unwrap_or_else(|error| error.into_inner()) = open_log_file(name);
    }
}

fn open_log_file(name: &str) -> Option<File> {
    let dir = crate::paths::grant_state_dir();
    crate::fsutil::check_trusted_dir(&dir).ok()?;
    crate::fsutil::create_private_dir(&dir).ok()?;
    let path = dir.join(name);
    crate::fsutil::remove_unless_plain_file(&path).ok()?;
    crate::fsutil::private_file_options()
        .create(true)
        .append(true)
        .open(path)
        .ok()
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Writes one line; callers pass only non-secret facts.
pub fn write(args: fmt::Arguments<'_>) {
    if !enabled() {
        return;
    }
    let message = args.to_string();
    let line = format!(
        "grant[debug] {}: {}\n",
        std::process::id(),
        crate::term_text::shown(&message)
    );
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    if let Some(file) = LOG_FILE
        .lock()
        .unwrap_or_else(|error| error.into_inner())
        .as_mut()
    {
        let _ = file.write_all(line.as_bytes());
    }
}

/// `debug!("cache miss for {profile}")`: a line of the debug log, when it is on.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => {
        $crate::log::write(format_args!($($arg)*))
    };
}
