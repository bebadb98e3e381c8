//! Checks of what each profile resolves to, and of whose provider the AWS CLI and
//! SDKs pick for it.
//!
//! For one profile botocore tries, in order: a role (`role_arn`, also with
//! `web_identity_token_file`), its own IAM Identity Center provider (`sso_account_id`
//! or `sso_role_name`), static keys of the credentials file, `credential_process`,
//! static keys of the config file. The Go SDK takes static keys from either file
//! first and any `sso_*` key (`sso_session`, `sso_start_url`, ...) before
//! `credential_process`. So grant's `credential_process` runs everywhere only in a
//! profile without `sso_*` keys, `role_arn` or static keys, in either file.

use std::path::Path;

use super::{Finding, Severity};
use crate::config::{AwsFiles, SectionValues};
use crate::credentials::identity;
use crate::profile::{self, CredentialSource, ProfileError, ProfileProblem, SsoDefaults};
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::SsoSession;

/// Keys that make a profile a source of credentials for someone; a profile with
/// none of them (only `region`, say) is left alone.
const CREDENTIAL_KEYS: [&str; 13] = [
    "role_arn",
    crate::profile::SAML_URL_KEY,
    "source_profile",
    "credential_source",
    "credential_process",
    "aws_access_key_id",
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "granted_sso_session",
    "granted_sso_account_id",
    "granted_sso_role_name",
    "web_identity_token_file",
];

/// Keys of the SDKs' own IAM Identity Center provider (one of them is enough for
/// the Go SDK).
const SDK_SSO_KEYS: [&str; 5] = [
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
];

/// Tools whose `credential_process` lines `grant profiles convert` takes over.
const CONVERTIBLE: [&str; 3] = ["granted", "aws-sso-credential-process", "aws-sso-util"];

pub fn check(files: &AwsFiles, settings: &Settings, only: Option<&str>) -> Vec<Finding> {
    let names: Vec<String> = match only {
        Some(name) => chain_of(files, name),
        None => files
            .profile_names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    if let Some(name) = only
        && !matches!(files.profile(name), Ok(Some(_)))
    {
        return vec![
            Finding::new(
                "profile",
                Severity::Error,
                format!("profile {name} is in neither the config nor the credentials file"),
            )
            .profile(name)
            .fix("run `grant profiles` to list them"),
        ];
    }
    let defaults = defaults(settings);
    let mut findings = Vec::new();
    for name in &names {
        let Ok(Some(values)) = files.profile(name) else {
            continue;
        };
        if !CREDENTIAL_KEYS.iter().any(|key| values.contains(key)) {
            continue;
        }
        findings.extend(providers_before_process(files, &values));
        if let Some(line) = values.get("credential_process") {
            findings.extend(process_program(files, &values, line));
        }
        match profile::resolve_with(files, name, &defaults) {
            Err(error) => findings.push(unresolved(&values, error)),
            Ok(resolved) => {
                if let CredentialSource::Saml(role) = &resolved.source {
                    findings.extend(super::saml::check(name, role, settings));
                }
            }
        }
    }
    findings
}

/// The IAM Identity Center sessions the profiles (of `only`'s chain, or all) use,
/// each once, with the first profile that uses it.
pub fn sso_sessions(
    files: &AwsFiles,
    settings: &Settings,
    only: Option<&str>,
) -> Vec<(String, SsoSession)> {
    let names: Vec<String> = match only {
        Some(name) => chain_of(files, name),
        None => files
            .profile_names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    let defaults = defaults(settings);
    let mut sessions: Vec<(String, SsoSession)> = Vec::new();
    for name in &names {
        let Ok(resolved) = profile::resolve_with(files, name, &defaults) else {
            continue;
        };
        if let Some(session) = profile::sso_session_of(&resolved.source)
            && !sessions
                .iter()
                .any(|(_, known)| known.key() == session.key())
        {
            sessions.push((name.clone(), session.clone()));
        }
    }
    sessions
}

fn defaults(settings: &Settings) -> SsoDefaults {
    let start_and_region = settings.start_url_and_region(None, None);
    SsoDefaults {
        start_url: start_and_region.map(|(url, _)| url.to_owned()),
        region: start_and_region.map(|(_, region)| region.to_owned()),
        ..SsoDefaults::default()
    }
}

/// `name` and the profiles its `source_profile` chain names (loops stop).
fn chain_of(files: &AwsFiles, name: &str) -> Vec<String> {
    let mut chain = vec![name.to_owned()];
    while chain.len() <= crate::config::MAX_CHAIN_DEPTH + 1 {
        let Some(last) = chain.last() else { break };
        let next = files
            .profile(last)
            .ok()
            .flatten()
            .and_then(|values| values.get("source_profile").map(str::to_owned));
        match next {
            Some(next) if !chain.contains(&next) => chain.push(next),
            _ => break,
        }
    }
    chain
}

/// Providers the AWS CLI or an SDK uses before the profile's `credential_process`.
fn providers_before_process(files: &AwsFiles, values: &SectionValues<'_>) -> Vec<Finding> {
    let name = values.name;
    if !values.contains("credential_process") {
        return Vec::new();
    }
    let word = shell_word(name);
    let mut findings = Vec::new();
    // A role comes first for everyone, grant included: the line never runs.
    if let Some(key) = ["role_arn", "web_identity_token_file"]
        .into_iter()
        .find(|key| values.contains(key))
    {
        let origin = values.origin_of("credential_process");
        findings.push(
            Finding::new(
                "role-beside-process",
                Severity::Warning,
                format!(
                    "profile {name} has {key}, so the AWS CLI, the SDKs and grant assume that role and never run its credential_process"
                ),
            )
            .profile(name)
            .at(origin.path, origin.line)
            .fix(format!(
                "remove the credential_process of profile {word}, or move it to the profile that source_profile names"
            )),
        );
    }
    let sso_keys: Vec<&str> = SDK_SSO_KEYS
        .into_iter()
        .filter(|key| values.contains(key))
        .collect();
    if let Some(first) = sso_keys.first() {
        let origin = values.origin_of(first);
        findings.push(
            Finding::new(
                "sso-keys-beside-process",
                Severity::Error,
                format!(
                    "profile {name} has {} beside its credential_process: the AWS CLI and SDKs sign in with those keys themselves and never run the credential_process",
                    sso_keys.join(", ")
                ),
            )
            .profile(name)
            .at(origin.path, origin.line)
            .fix(super::convert_command(name)),
        );
    }
    if let Ok(Some(first)) = identity::static_keys_before_process(files, name) {
        let origin = values.origin_of("aws_access_key_id");
        findings.push(
            Finding::new("static-keys-first", Severity::Error, first.warning())
                .profile(name)
                .at(origin.path, origin.line),
        );
    } else if values.contains("aws_access_key_id")
        && values.origin_of("aws_access_key_id").path == files.config.path()
    {
        let origin = values.origin_of("aws_access_key_id");
        findings.push(
            Finding::new(
                "static-keys-beside-process",
                Severity::Error,
                format!(
                    "profile {name} has static keys beside its credential_process: botocore runs the process, the Go SDK and others take the keys"
                ),
            )
            .profile(name)
            .at(origin.path, origin.line)
            .fix(format!(
                "remove aws_access_key_id and aws_secret_access_key from profile {word}"
            )),
        );
    }
    findings
}

/// The program a `credential_process` runs: grant on PATH, a tool grant replaces,
/// or another that must at least be found.
fn process_program(files: &AwsFiles, values: &SectionValues<'_>, line: &str) -> Vec<Finding> {
    let name = values.name;
    let origin = values.origin_of("credential_process");
    let finding = |check, severity, message: String| {
        Finding::new(check, severity, message)
            .profile(name)
            .at(origin.path, origin.line)
    };
    let Some(words) = shlex::split(line).filter(|words| !words.is_empty()) else {
        return vec![
            finding(
                "credential-process",
                Severity::Error,
                format!("the credential_process of profile {name} does not split into words (an unclosed quote?)"),
            )
            .fix("fix its quoting"),
        ];
    };
    let program = &words[0];
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let found = which::which(program).is_ok();
    if base == "grant" {
        let mut findings = Vec::new();
        if !found {
            findings.push(
                finding(
                    "credential-process",
                    Severity::Error,
                    format!("profile {name} runs {program}, which is not on PATH: the AWS CLI and SDKs cannot start it"),
                )
                .fix("put grant on PATH (cargo install puts it in ~/.cargo/bin) or write its full path"),
            );
        }
        findings.extend(named_profile_missing(files, name, &words, &finding));
        return findings;
    }
    if CONVERTIBLE.contains(&base) {
        return vec![
            finding(
                "other-tool",
                Severity::Warning,
                format!("profile {name} runs {base} in its credential_process, not grant"),
            )
            .fix(super::convert_command(name)),
        ];
    }
    if !found {
        return vec![finding(
            "credential-process",
            Severity::Error,
            format!("profile {name} runs {program}, which is not on PATH: the AWS CLI and SDKs cannot start it"),
        )
        .fix("install it, or write its full path")];
    }
    vec![finding(
        "other-tool",
        Severity::Info,
        format!("profile {name} is served by {base}, not by grant"),
    )]
}

/// `grant credential-process --profile OTHER` where OTHER does not exist.
fn named_profile_missing(
    files: &AwsFiles,
    name: &str,
    words: &[String],
    finding: &dyn Fn(&'static str, Severity, String) -> Finding,
) -> Option<Finding> {
    let position = words.iter().position(|word| word == "--profile");
    let named = match position {
        Some(at) => words.get(at + 1).cloned(),
        None => words
            .iter()
            .find_map(|word| word.strip_prefix("--profile=").map(str::to_owned)),
    }?;
    if named == name || matches!(files.profile(&named), Ok(Some(_))) {
        return None;
    }
    Some(
        finding(
            "credential-process",
            Severity::Error,
            format!("the credential_process of profile {name} asks grant for profile {named}, which does not exist"),
        )
        .fix(format!(
            "write --profile {} in that line",
            shell_word(name)
        )),
    )
}

/// A profile grant cannot resolve: a chain that ends nowhere or loops, or a
/// mistake in its keys.
fn unresolved(values: &SectionValues<'_>, error: ProfileError) -> Finding {
    let name = values.name;
    let origin = values.origin_of("source_profile");
    let (check, fix) = match &error {
        ProfileError::Chain { .. } => (
            "role-chain",
            format!("change the source_profile of profile {}", shell_word(name)),
        ),
        ProfileError::NotFound { .. } => (
            "role-chain",
            format!(
                "add that profile, or change the source_profile of profile {}",
                shell_word(name)
            ),
        ),
        ProfileError::Invalid {
            problem: ProfileProblem::NoSuchSourceProfile(_) | ProfileProblem::OwnSourceWithoutKeys,
            ..
        } => (
            "role-chain",
            format!("fix the source_profile of profile {}", shell_word(name)),
        ),
        _ => ("profile", "fix that key".to_owned()),
    };
    let message = match &error {
        ProfileError::NotFound { name: missing, .. } => {
            format!("profile {name}: its source_profile {missing} is in neither file")
        }
        ProfileError::Invalid {
            profile, problem, ..
        } => format!("profile {profile}: {problem}"),
        other => other.to_string(),
    };
    let place = match &error {
        ProfileError::Invalid { origin, .. } => parse_origin(origin),
        _ => None,
    };
    let finding = Finding::new(check, Severity::Error, message)
        .profile(name)
        .fix(fix);
    match place {
        Some((path, line)) => finding.at(Path::new(&path), line),
        None => finding.at(origin.path, origin.line),
    }
}

/// `PATH:LINE` as `Origin` shows it.
fn parse_origin(origin: &str) -> Option<(String, usize)> {
    let (path, line) = origin.rsplit_once(':')?;
    Some((path.to_owned(), line.parse().ok()?))
}
