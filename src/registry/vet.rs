//! Data, never code: which keys a registry may bring. A shared repository is read by
//! every member's SDKs, so anything that would run a program, read a file of the
//! member's machine, use the machine's own credentials or send requests elsewhere is
//! refused unless the member allowed that key (or that exact command) for that
//! registry. Keys are judged by an allow-list: a key grant does not know is refused.

/// Profile keys that only describe where credentials and requests go within AWS.
const PROFILE_DATA: &[&str] = &[
    "region",
    "output",
    "role_arn",
    "source_profile",
    "role_session_name",
    "duration_seconds",
    "external_id",
    "mfa_serial",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "sso_registration_scopes",
    "granted_sso_start_url",
    "granted_sso_region",
    "granted_sso_account_id",
    "granted_sso_role_name",
    "granted_sso_registration_scopes",
    "granted_sso_account_name",
    "common_fate_generated_from",
    "retry_mode",
    "max_attempts",
    "sts_regional_endpoints",
    "use_fips_endpoint",
    "use_dualstack_endpoint",
    "defaults_mode",
    "parameter_validation",
    "cli_timestamp_format",
];

const SSO_SESSION_DATA: &[&str] = &["sso_start_url", "sso_region", "sso_registration_scopes"];

/// The pseudo-key a member allows to let a registry write `[default]`.
pub const DEFAULT_PROFILE: &str = "[default]";

/// What a registry's `key = value` becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    /// grant's (or Granted's) own `credential_process`: rewritten to the member's
    /// `grant credential-process --profile NAME`.
    GrantsOwnProcess,
    Refuse(&'static str),
}

/// A key or exact value the member allowed for one registry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Allowance {
    pub key: String,
    /// `None`: any value of the key (never for keys that name a command).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// Keys whose value is a command line: only an exact value can be allowed.
pub fn names_a_command(key: &str) -> bool {
    matches!(key, "credential_process" | "mfa_process" | "cli_pager")
}

/// The verdict on `key = value` in a profile (`in_sso_session` for an sso-session).
pub fn judge(key: &str, value: &str, in_sso_session: bool, allowed: &[Allowance]) -> Verdict {
    if value.chars().any(char::is_control) {
        return Verdict::Refuse("its value holds a control character or a line break");
    }
    let data = if in_sso_session {
        SSO_SESSION_DATA
    } else {
        PROFILE_DATA
    };
    if data.contains(&key) {
        return Verdict::Keep;
    }
    if key == "credential_process" && !in_sso_session && is_grants_own(value) {
        return Verdict::GrantsOwnProcess;
    }
    if is_allowed(key, Some(value), allowed) {
        return Verdict::Keep;
    }
    Verdict::Refuse(why_refused(key))
}

pub fn is_allowed(key: &str, value: Option<&str>, allowed: &[Allowance]) -> bool {
    allowed.iter().any(|allowance| {
        allowance.key == key
            && match (&allowance.value, value) {
                (Some(exact), Some(value)) => exact == value,
                (None, _) => !names_a_command(key),
                (Some(_), None) => false,
            }
    })
}

fn why_refused(key: &str) -> &'static str {
    match key {
        "credential_process" | "mfa_process" | "cli_pager" => "it runs a program",
        "ca_bundle" | "web_identity_token_file" => "it reads a file of this machine",
        "credential_source" => "it uses this machine's own credentials",
        key if key.contains("endpoint") => "it sends requests to another address",
        _ => "it is not a key grant takes from a registry",
    }
}

/// `grant credential-process …` or Granted's `granted credential-process …`: the
/// registry names the credential helper, not a program of its choosing.
fn is_grants_own(command: &str) -> bool {
    let Some(words) = shlex::split(command) else {
        return false;
    };
    let program = words
        .first()
        .map(|word| word.rsplit('/').next().unwrap_or(word));
    matches!(program, Some("grant" | "granted"))
        && words.get(1).map(String::as_str) == Some("credential-process")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_files_and_other_addresses_are_refused_and_data_kept() {
        assert_eq!(judge("region", "eu-west-1", false, &[]), Verdict::Keep);
        assert_eq!(
            judge("sso_start_url", "https://x", true, &[]),
            Verdict::Keep
        );
        for (key, value) in [
            ("credential_process", "sh -c 'touch /tmp/x'"),
            ("mfa_process", "ykman oath accounts code"),
            ("ca_bundle", "/etc/ssl/evil.pem"),
            ("web_identity_token_file", "/home/me/.ssh/id_rsa"),
            ("credential_source", "Environment"),
            ("endpoint_url", "https://attacker.example"),
            ("cli_pager", "sh"),
            ("role_arn", "arn:aws:iam::1:role/x\u{1b}[2J"),
        ] {
            assert!(
                matches!(judge(key, value, false, &[]), Verdict::Refuse(_)),
                "{key}"
            );
        }
        assert!(matches!(
            judge("role_arn", "x", true, &[]),
            Verdict::Refuse(_)
        ));
    }

    #[test]
    fn grants_own_credential_process_is_recognised_only_as_itself() {
        for own in [
            "grant credential-process --profile x",
            "granted credential-process --profile x",
            "/usr/local/bin/granted credential-process --profile x --url u",
        ] {
            assert_eq!(
                judge("credential_process", own, false, &[]),
                Verdict::GrantsOwnProcess,
                "{own}"
            );
        }
        for other in [
            "grantx credential-process",
            "grant export",
            "sh -c 'grant credential-process'",
        ] {
            assert!(matches!(
                judge("credential_process", other, false, &[]),
                Verdict::Refuse(_)
            ));
        }
    }

    #[test]
    fn an_allowance_takes_a_key_or_an_exact_command() {
        let any_bundle = Allowance {
            key: "ca_bundle".into(),
            value: None,
        };
        assert_eq!(
            judge(
                "ca_bundle",
                "/x.pem",
                false,
                std::slice::from_ref(&any_bundle)
            ),
            Verdict::Keep
        );
        let any_process = Allowance {
            key: "credential_process".into(),
            value: None,
        };
        assert!(matches!(
            judge("credential_process", "tool", false, &[any_process]),
            Verdict::Refuse(_)
        ));
        let exact = Allowance {
            key: "credential_process".into(),
            value: Some("tool --json".into()),
        };
        let allowed = [exact];
        assert_eq!(
            judge("credential_process", "tool --json", false, &allowed),
            Verdict::Keep
        );
        assert!(matches!(
            judge("credential_process", "tool --json; rm", false, &allowed),
            Verdict::Refuse(_)
        ));
    }
}
