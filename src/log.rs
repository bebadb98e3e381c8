//! The debug log: decisions (cache hits, endpoints, lock waits), never secrets.
//! Off by default; `--debug`, `GRANT_DEBUG=true` or `AWS_SSO_CREDENTIAL_PROCESS_DEBUG=true`
//! turn it on, and lines go to stderr.

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns the log on for `--debug`, or when the environment asks for it.
pub fn init(debug_flag: bool) {
    let from_env = ["GRANT_DEBUG", "AWS_SSO_CREDENTIAL_PROCESS_DEBUG"]
        .iter()
        .any(|name| {
            std::env::var(name)
                .is_ok_and(|value| value.eq_ignore_ascii_case("true") || value == "1")
        });
    ENABLED.store(debug_flag || from_env, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Writes one line; callers pass only non-secret facts.
pub fn write(args: fmt::Arguments<'_>) {
    if enabled() {
        let _ = writeln!(std::io::stderr().lock(), "grant[debug]: {args}");
    }
}

/// `debug!("cache miss for {profile}")`: a line of the debug log, when it is on.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => {
        $crate::log::write(format_args!($($arg)*))
    };
}
