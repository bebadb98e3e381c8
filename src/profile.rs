//! Resolves a profile of the AWS config into the credential source grant must use.
//!
//! Order within one profile, following botocore: a role to assume (`role_arn`), else
//! IAM Identity Center (`granted_sso_*`, then `sso_session`, then legacy `sso_*`),
//! else static keys, else another tool's `credential_process`. A profile marked
//! `grant_iam_user = true` (written by `grant credentials add`) is an IAM user whose
//! keys sit in grant's secret store; the marker wins over everything but `role_arn`.
//! A profile with `grant_saml_url` is a SAML-federated role (grant's own keys, so
//! that the SDKs, which do not know them, read only its `credential_process`); it
//! wins over everything else.

use std::fmt;

pub use crate::config::MAX_CHAIN_DEPTH;
use crate::config::{AwsFiles, ConfigError, Origin, SectionValues};
use crate::role_arn::RoleArn;
use crate::sso::SsoSession;

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("profile '{name}' is not in the AWS config or credentials file{}; run `grant profiles` to list them", did_you_mean(.suggestions))]
    NotFound {
        name: String,
        suggestions: Vec<String>,
    },
    #[error(
        "profile '{0}' is ignored: the AWS SDKs accept only letters, digits and _-/.%@:+ in profile names; rename its section"
    )]
    IgnoredName(String),
    #[error("{origin}: profile '{profile}': {problem}")]
    Invalid {
        origin: String,
        profile: String,
        problem: ProfileProblem,
    },
    #[error("profile '{profile}': {message}: {}", .chain.join(" -> "))]
    Chain {
        profile: String,
        message: &'static str,
        chain: Vec<String>,
    },
}

/// What is wrong with one profile's keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileProblem {
    #[error(
        "no credentials: add granted_sso_* or sso_* keys, grant_saml_url, role_arn, credential_process or aws_access_key_id"
    )]
    NoCredentials,
    #[error("role_arn takes source_profile or credential_source, not both")]
    TwoRoleSources,
    #[error("role_arn needs source_profile or credential_source")]
    NoRoleSource,
    #[error("source_profile names the profile itself, which has no aws_access_key_id")]
    OwnSourceWithoutKeys,
    #[error("source_profile '{0}' does not exist")]
    NoSuchSourceProfile(String),
    #[error("credential_source '{0}' is not Environment, Ec2InstanceMetadata or EcsContainer")]
    UnknownCredentialSource(String),
    #[error("duration_seconds must be a number of seconds from 900 to 43200, not '{0}'")]
    InvalidDuration(String),
    #[error("aws_access_key_id is set but aws_secret_access_key is missing")]
    NoSecretAccessKey,
    #[error("aws_secret_access_key is set but aws_access_key_id is missing")]
    NoAccessKeyId,
    #[error("[sso-session {0}] is not in the config file")]
    NoSuchSsoSession(String),
    #[error("{key} is missing{hint}")]
    MissingKey { key: String, hint: &'static str },
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        names => format!(" (did you mean '{}'?)", names.join("', '")),
    }
}

/// A profile ready to fetch credentials for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// The profile's region, else its source chain's, else the SSO region.
    pub region: Option<String>,
    pub source: CredentialSource,
    /// The profile's own `credential_process` line, if any (assume exports only
    /// `AWS_PROFILE` for such profiles).
    pub credential_process: Option<String>,
    /// `sso_interactive_auth` of the profile, when set.
    pub interactive_auth: Option<bool>,
    /// The roles of `--chain`, in order, already put on top of `source`
    /// (`credentials::request::with_chain`); empty for the profile as written.
    pub chain: Vec<RoleArn>,
}

impl Profile {
    /// The profile's name, then each role of `--chain`: `dev > Admin > Deploy`.
    pub fn label(&self) -> String {
        let mut label = self.name.clone();
        for arn in &self.chain {
            label.push_str(" > ");
            label.push_str(arn.role_name().unwrap_or(arn.as_str()));
        }
        label
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    Sso(SsoRole),
    AssumeRole(Box<AssumeRole>),
    /// Another tool's `credential_process` command line.
    Process(String),
    Static(StaticKeys),
    /// `credential_source` of a role profile.
    Named(NamedSource),
    /// An IAM user whose long-term keys are in grant's secret store.
    IamUser(IamUser),
    /// A role reached through a SAML identity provider.
    Saml(SamlRole),
}

/// The keys of a SAML-federated profile.
pub const SAML_URL_KEY: &str = "grant_saml_url";
pub const SAML_ROLE_KEY: &str = "grant_saml_role_arn";
pub const SAML_PROVIDER_KEY: &str = "grant_saml_provider_arn";

/// A role assumed with a SAML assertion from an identity provider's AWS app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlRole {
    /// The IdP's sign-in URL of its AWS app (`grant_saml_url`).
    pub url: String,
    /// `grant_saml_role_arn`; without it, the one role the assertion offers.
    pub role_arn: Option<String>,
    /// `grant_saml_provider_arn`; without it, the one the assertion pairs the role with.
    pub provider_arn: Option<String>,
    pub duration_seconds: Option<u32>,
}

/// The key that marks a profile whose IAM user keys grant keeps.
pub const IAM_USER_MARKER: &str = "grant_iam_user";

/// An IAM user profile: served as GetSessionToken credentials of its stored keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamUser {
    /// The profile whose keys are stored (the store's entries are named after it).
    pub profile: String,
    /// The user's MFA device: the code is asked once per session.
    pub mfa_serial: Option<String>,
    /// A command whose stdout is the MFA code (`mfa_process`).
    pub mfa_process: Option<String>,
    /// The session length (`duration_seconds` of the profile).
    pub duration_seconds: Option<u32>,
}

/// A role of an account, reached through an IAM Identity Center session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoRole {
    pub account_id: String,
    pub role_name: String,
    pub session: SsoSession,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: RoleArn,
    /// Where the credentials that call AssumeRole come from.
    pub source: CredentialSource,
    /// The profile that gave `source`, when it came from `source_profile`.
    pub source_profile: Option<String>,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    /// A command whose stdout is the MFA code (`mfa_process`).
    pub mfa_process: Option<String>,
    pub role_session_name: Option<String>,
    /// `source_identity`: set on the AssumeRole, it follows the session through
    /// further chains and into CloudTrail.
    pub source_identity: Option<String>,
    pub duration_seconds: Option<u32>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct StaticKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticKeys")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

/// Values for the IAM Identity Center keys a profile leaves out: the flags,
/// AWS_SSO_* variables and settings that come after the profile in precedence.
#[derive(Debug, Clone, Default)]
pub struct SsoDefaults {
    pub start_url: Option<String>,
    pub region: Option<String>,
    pub account_id: Option<String>,
    pub role_name: Option<String>,
}

/// What resolution reads: the files, and what fills keys a profile leaves out.
struct Resolver<'a> {
    files: &'a AwsFiles,
    defaults: &'a SsoDefaults,
}

/// Resolves profile `name` from `files`.
pub fn resolve(files: &AwsFiles, name: &str) -> Result<Profile, ProfileError> {
    resolve_with(files, name, &SsoDefaults::default())
}

/// Resolves profile `name`; SSO keys it leaves out come from `defaults`.
pub fn resolve_with(
    files: &AwsFiles,
    name: &str,
    defaults: &SsoDefaults,
) -> Result<Profile, ProfileError> {
    let values = find(files, name)?;
    let mut chain = vec![name.to_owned()];
    let resolver = Resolver { files, defaults };
    let source = source_of(&resolver, &values, &mut chain)?;
    let region = region_of(files, &values, &source)?;
    Ok(Profile {
        name: name.to_owned(),
        region,
        credential_process: values.get("credential_process").map(str::to_owned),
        interactive_auth: values
            .get("sso_interactive_auth")
            .map(|value| value.eq_ignore_ascii_case("true")),
        source,
        chain: Vec::new(),
    })
}

fn find<'a>(files: &'a AwsFiles, name: &str) -> Result<SectionValues<'a>, ProfileError> {
    if !crate::config::is_valid_name(name) {
        return Err(ProfileError::IgnoredName(name.to_owned()));
    }
    files.profile(name)?.ok_or_else(|| ProfileError::NotFound {
        name: name.to_owned(),
        suggestions: closest_names(files, name),
    })
}

/// Up to three profile names close to `name` (a typo or two away, or similar), best first.
fn closest_names(files: &AwsFiles, name: &str) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = files
        .profile_names()
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= 2 || strsim::jaro_winkler(name, candidate) > 0.85
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_owned())
        .collect()
}

fn invalid(values: &SectionValues<'_>, key: &str, problem: ProfileProblem) -> ProfileError {
    invalid_at(values.origin_of(key), values.name, problem)
}

fn invalid_at(origin: Origin<'_>, profile: &str, problem: ProfileProblem) -> ProfileError {
    ProfileError::Invalid {
        origin: origin.to_string(),
        profile: profile.to_owned(),
        problem,
    }
}

fn source_of(
    resolver: &Resolver<'_>,
    values: &SectionValues<'_>,
    chain: &mut Vec<String>,
) -> Result<CredentialSource, ProfileError> {
    if let Some(url) = values.get(SAML_URL_KEY) {
        return Ok(CredentialSource::Saml(SamlRole {
            url: url.to_owned(),
            role_arn: values.get(SAML_ROLE_KEY).map(str::to_owned),
            provider_arn: values.get(SAML_PROVIDER_KEY).map(str::to_owned),
            duration_seconds: duration_seconds(values)?,
        }));
    }
    if values.contains("role_arn") {
        return assume_role(resolver, values, chain)
            .map(|role| CredentialSource::AssumeRole(Box::new(role)));
    }
    if values
        .get(IAM_USER_MARKER)
        .is_some_and(|value| value.eq_ignore_ascii_case("true"))
    {
        return Ok(CredentialSource::IamUser(IamUser {
            profile: values.name.to_owned(),
            mfa_serial: values.get("mfa_serial").map(str::to_owned),
            mfa_process: values.get("mfa_process").map(str::to_owned),
            duration_seconds: duration_seconds(values)?,
        }));
    }
    if let Some(role) = sso_role(resolver, values)? {
        return Ok(CredentialSource::Sso(role));
    }
    if let Some(keys) = static_keys(values)? {
        return Ok(CredentialSource::Static(keys));
    }
    if let Some(command) = values.get("credential_process") {
        return Ok(CredentialSource::Process(command.to_owned()));
    }
    Err(invalid_at(
        values.origin,
        values.name,
        ProfileProblem::NoCredentials,
    ))
}

fn assume_role(
    resolver: &Resolver<'_>,
    values: &SectionValues<'_>,
    chain: &mut Vec<String>,
) -> Result<AssumeRole, ProfileError> {
    let role_arn = RoleArn::new(values.get("role_arn").unwrap_or_default());
    let (source, source_profile) = match (
        values.get("source_profile"),
        values.get("credential_source"),
    ) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                values,
                "credential_source",
                ProfileProblem::TwoRoleSources,
            ));
        }
        (None, None) => {
            return Err(invalid(values, "role_arn", ProfileProblem::NoRoleSource));
        }
        (None, Some(named)) => (named_source(values, named)?, None),
        (Some(source_name), None) => (
            source_profile(resolver, values, source_name, chain)?,
            Some(source_name.to_owned()),
        ),
    };
    Ok(AssumeRole {
        role_arn,
        source,
        source_profile,
        external_id: values.get("external_id").map(str::to_owned),
        mfa_serial: values.get("mfa_serial").map(str::to_owned),
        mfa_process: values.get("mfa_process").map(str::to_owned),
        role_session_name: values.get("role_session_name").map(str::to_owned),
        source_identity: values.get("source_identity").map(str::to_owned),
        duration_seconds: duration_seconds(values)?,
    })
}

/// The credentials of `source_profile`. A profile naming itself uses its own static
/// keys, as botocore allows; any other repetition is a cycle.
fn source_profile(
    resolver: &Resolver<'_>,
    values: &SectionValues<'_>,
    source_name: &str,
    chain: &mut Vec<String>,
) -> Result<CredentialSource, ProfileError> {
    let profile = chain[0].clone();
    if source_name == values.name {
        return static_keys(values)?
            .map(CredentialSource::Static)
            .ok_or_else(|| {
                invalid(
                    values,
                    "source_profile",
                    ProfileProblem::OwnSourceWithoutKeys,
                )
            });
    }
    chain.push(source_name.to_owned());
    if chain[..chain.len() - 1]
        .iter()
        .any(|seen| seen == source_name)
    {
        return Err(ProfileError::Chain {
            profile,
            message: "source_profile chain loops",
            chain: chain.clone(),
        });
    }
    if chain.len() > MAX_CHAIN_DEPTH + 1 {
        return Err(ProfileError::Chain {
            profile,
            message: "source_profile chain is deeper than 10",
            chain: chain.clone(),
        });
    }
    let source_values = resolver.files.profile(source_name)?.ok_or_else(|| {
        invalid(
            values,
            "source_profile",
            ProfileProblem::NoSuchSourceProfile(source_name.to_owned()),
        )
    })?;
    source_of(resolver, &source_values, chain)
}

fn named_source(values: &SectionValues<'_>, name: &str) -> Result<CredentialSource, ProfileError> {
    let named = match name {
        "Environment" => NamedSource::Environment,
        "Ec2InstanceMetadata" => NamedSource::Ec2InstanceMetadata,
        "EcsContainer" => NamedSource::EcsContainer,
        other => {
            return Err(invalid(
                values,
                "credential_source",
                ProfileProblem::UnknownCredentialSource(other.to_owned()),
            ));
        }
    };
    Ok(CredentialSource::Named(named))
}

fn duration_seconds(values: &SectionValues<'_>) -> Result<Option<u32>, ProfileError> {
    let Some(text) = values.get("duration_seconds") else {
        return Ok(None);
    };
    match text.parse::<u32>() {
        Ok(seconds) if (900..=43_200).contains(&seconds) => Ok(Some(seconds)),
        _ => Err(invalid(
            values,
            "duration_seconds",
            ProfileProblem::InvalidDuration(text.to_owned()),
        )),
    }
}

fn static_keys(values: &SectionValues<'_>) -> Result<Option<StaticKeys>, ProfileError> {
    let access_key = values.get("aws_access_key_id");
    let secret_key = values.get("aws_secret_access_key");
    match (access_key, secret_key) {
        (None, None) => Ok(None),
        (Some(access_key_id), Some(secret_access_key)) => Ok(Some(StaticKeys {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: secret_access_key.to_owned(),
            session_token: values.get("aws_session_token").map(str::to_owned),
        })),
        (Some(_), None) => Err(invalid(
            values,
            "aws_access_key_id",
            ProfileProblem::NoSecretAccessKey,
        )),
        (None, Some(_)) => Err(invalid(
            values,
            "aws_secret_access_key",
            ProfileProblem::NoAccessKeyId,
        )),
    }
}

/// Keys an SSO role can come from, in order of precedence.
struct SsoKeys {
    start_url: &'static str,
    region: &'static str,
    account_id: &'static str,
    role_name: &'static str,
    scopes: &'static str,
}

const GRANTED_SSO_KEYS: SsoKeys = SsoKeys {
    start_url: "granted_sso_start_url",
    region: "granted_sso_region",
    account_id: "granted_sso_account_id",
    role_name: "granted_sso_role_name",
    scopes: "granted_sso_registration_scopes",
};

const PLAIN_SSO_KEYS: SsoKeys = SsoKeys {
    start_url: "sso_start_url",
    region: "sso_region",
    account_id: "sso_account_id",
    role_name: "sso_role_name",
    scopes: "sso_registration_scopes",
};

/// The session of `[sso-session name]`, for commands that name a session directly.
pub fn sso_session_section(files: &AwsFiles, name: &str) -> Result<SsoSession, ProfileError> {
    let values = files
        .sso_session(name)?
        .ok_or_else(|| ProfileError::NotFound {
            name: format!("sso-session {name}"),
            suggestions: Vec::new(),
        })?;
    let required = |key: &str| {
        values
            .get(key)
            .map(str::to_owned)
            .ok_or_else(|| invalid_at(values.origin, name, missing_key(key, "")))
    };
    Ok(SsoSession {
        name: Some(name.to_owned()),
        start_url: required(PLAIN_SSO_KEYS.start_url)?,
        region: required(PLAIN_SSO_KEYS.region)?,
        scopes: scope_list(values.get(PLAIN_SSO_KEYS.scopes)),
    })
}

fn missing_key(key: &str, hint: &'static str) -> ProfileProblem {
    ProfileProblem::MissingKey {
        key: key.to_owned(),
        hint,
    }
}

/// The IAM Identity Center session at the root of a credential source, if any.
pub fn sso_session_of(source: &CredentialSource) -> Option<&SsoSession> {
    match source.base() {
        CredentialSource::Sso(role) => Some(&role.session),
        _ => None,
    }
}

impl CredentialSource {
    /// This source, then each one its role is assumed from, down to the base of the
    /// chain: the one walk of role chains.
    pub fn chain(&self) -> Chain<'_> {
        Chain { next: Some(self) }
    }

    /// The source at the base of the chain (itself when it is no role).
    pub fn base(&self) -> &CredentialSource {
        self.chain().last().unwrap_or(self)
    }
}

/// The sources of a role chain, outermost first; see [`CredentialSource::chain`].
pub struct Chain<'a> {
    next: Option<&'a CredentialSource>,
}

impl<'a> Iterator for Chain<'a> {
    type Item = &'a CredentialSource;

    fn next(&mut self) -> Option<Self::Item> {
        let current = self.next?;
        self.next = match current {
            CredentialSource::AssumeRole(role) => Some(&role.source),
            _ => None,
        };
        Some(current)
    }
}

fn scope_list(list: Option<&str>) -> Vec<String> {
    list.map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|scope| !scope.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn sso_role(
    resolver: &Resolver<'_>,
    values: &SectionValues<'_>,
) -> Result<Option<SsoRole>, ProfileError> {
    let files = resolver.files;
    let defaults = resolver.defaults;
    let uses_granted_keys = [
        GRANTED_SSO_KEYS.start_url,
        GRANTED_SSO_KEYS.account_id,
        GRANTED_SSO_KEYS.role_name,
    ]
    .iter()
    .any(|key| values.contains(key));
    if uses_granted_keys {
        // granted_sso_session: an [sso-session] section, out of the AWS CLI's sight.
        let session = session_section(files, values, "granted_sso_session")?;
        return sso_role_from_keys(values, &GRANTED_SSO_KEYS, session.as_ref(), defaults).map(Some);
    }
    if let Some(session) = session_section(files, values, "sso_session")? {
        return sso_role_from_keys(values, &PLAIN_SSO_KEYS, Some(&session), defaults).map(Some);
    }
    let uses_plain_keys = [
        PLAIN_SSO_KEYS.start_url,
        PLAIN_SSO_KEYS.account_id,
        PLAIN_SSO_KEYS.role_name,
    ]
    .iter()
    .any(|key| values.contains(key));
    if uses_plain_keys {
        return sso_role_from_keys(values, &PLAIN_SSO_KEYS, None, defaults).map(Some);
    }
    Ok(None)
}

/// The `[sso-session NAME]` that the profile's `key` names, if it names one.
fn session_section<'a>(
    files: &'a AwsFiles,
    values: &SectionValues<'_>,
    key: &str,
) -> Result<Option<SectionValues<'a>>, ProfileError> {
    let Some(session_name) = values.get(key) else {
        return Ok(None);
    };
    files.sso_session(session_name)?.map(Some).ok_or_else(|| {
        invalid(
            values,
            key,
            ProfileProblem::NoSuchSsoSession(session_name.to_owned()),
        )
    })
}

/// Builds the role from the profile's keys; with an sso-session, the start URL,
/// region and scopes come from that section instead. A key left out takes its
/// value from `defaults`, else it is an error that says how to give it.
fn sso_role_from_keys(
    values: &SectionValues<'_>,
    keys: &SsoKeys,
    session: Option<&SectionValues<'_>>,
    defaults: &SsoDefaults,
) -> Result<SsoRole, ProfileError> {
    let session_values = session.unwrap_or(values);
    let (session_keys, name) = match session {
        Some(section) => (&PLAIN_SSO_KEYS, Some(section.name.to_owned())),
        None => (keys, None),
    };
    let required =
        |source: &SectionValues<'_>, key: &str, default: &Option<String>, hint: &'static str| {
            source
                .get(key)
                .map(str::to_owned)
                .or_else(|| default.clone())
                .ok_or_else(|| invalid_at(source.origin, values.name, missing_key(key, hint)))
        };
    let scopes = scope_list(session_values.get(session_keys.scopes));
    Ok(SsoRole {
        account_id: required(values, keys.account_id, &defaults.account_id, "")?,
        role_name: required(values, keys.role_name, &defaults.role_name, "")?,
        session: SsoSession {
            name,
            start_url: required(
                session_values,
                session_keys.start_url,
                &defaults.start_url,
                " (or set DefaultSSOStartURL)",
            )?,
            region: required(
                session_values,
                session_keys.region,
                &defaults.region,
                " (or set DefaultSSORegion)",
            )?,
            scopes,
        },
    })
}

fn region_of(
    files: &AwsFiles,
    values: &SectionValues<'_>,
    source: &CredentialSource,
) -> Result<Option<String>, ProfileError> {
    if let Some(region) = values.get("region") {
        return Ok(Some(region.to_owned()));
    }
    for current in source.chain() {
        match current {
            CredentialSource::AssumeRole(role) => {
                let source_region = match &role.source_profile {
                    Some(name) => files
                        .profile(name)?
                        .and_then(|v| v.get("region").map(str::to_owned)),
                    None => None,
                };
                if source_region.is_some() {
                    return Ok(source_region);
                }
            }
            CredentialSource::Sso(role) => return Ok(Some(role.session.region.clone())),
            _ => return Ok(None),
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
