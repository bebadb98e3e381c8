//! The environment as grant reads it, in one place: a variable's value (unset and
//! empty are the same), "set and true", CI, and the standard endpoint overrides.
//! Reading it anywhere else is a clippy error (`disallowed-methods` in clippy.toml).

/// A variable's value; unset and empty are the same.
#[allow(
    clippy::disallowed_methods,
    reason = "the one place that reads the environment"
)]
pub fn value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// A variable as the OS holds it (a path need not be UTF-8); set but empty is `Some`.
#[allow(
    clippy::disallowed_methods,
    reason = "the one place that reads the environment"
)]
pub fn os_value(name: impl AsRef<std::ffi::OsStr>) -> Option<std::ffi::OsString> {
    std::env::var_os(name)
}

/// `true`/`1` are true and `false`/`0` false, in any case; anything else is neither.
pub fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("true") || text == "1" {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") || text == "0" {
        Some(false)
    } else {
        None
    }
}

/// Whether the variable is set to a true value (`true`, `1`).
pub fn is_true(name: &str) -> bool {
    value(name).and_then(|text| parse_bool(&text)) == Some(true)
}

/// The variable as a yes or no: `None` when unset, `Some(true)` only for a true value.
pub fn flag(name: &str) -> Option<bool> {
    value(name).map(|text| parse_bool(&text) == Some(true))
}

/// Whether this runs in CI, where nobody answers: `CI` set to anything but false.
/// (CI systems set `CI=true`, `CI=1` or `CI=yes`.)
pub fn is_ci() -> bool {
    value("CI").is_some_and(|text| parse_bool(&text) != Some(false))
}

/// The endpoint of a service from the standard overrides: `service_variable` (such
/// as `AWS_ENDPOINT_URL_SSO_OIDC`), else `AWS_ENDPOINT_URL`, unless
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true. Returns the URL and the variable
/// it came from; `None`: the service's own endpoint.
pub fn endpoint_override(service_variable: &str) -> Option<(String, &str)> {
    if is_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") {
        return None;
    }
    [service_variable, "AWS_ENDPOINT_URL"]
        .into_iter()
        .find_map(|name| value(name).map(|url| (url, name)))
}

/// Whether a graphical session could show a browser (always, off Linux).
pub fn has_display() -> bool {
    !cfg!(target_os = "linux")
        || ["DISPLAY", "WAYLAND_DISPLAY", "WSL_DISTRO_NAME"]
            .iter()
            .any(|name| value(name).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn true_and_false_values() {
        for (text, expected) in [
            ("true", Some(true)),
            ("TRUE", Some(true)),
            ("1", Some(true)),
            (" true ", Some(true)),
            ("false", Some(false)),
            ("False", Some(false)),
            ("0", Some(false)),
            ("yes", None),
            ("", None),
            ("2", None),
        ] {
            assert_eq!(parse_bool(text), expected, "{text:?}");
        }
    }
}
