//! What a fetch may use beyond calling AWS, and how a fetch fails: shared by every
//! kind of source (`fetch`, `iam_user`), so it sits below them.

use crate::aws;
use crate::lock::LockError;
use crate::sso::{LoginOptions, Sso, SsoError};

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Sso(#[from] SsoError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(
        "IAM Identity Center refused the token of the SSO session '{session}'; sign in again: {command}"
    )]
    TokenRefused { session: String, command: String },
    #[error("no access to the role {role} in account {account} through IAM Identity Center")]
    NoSsoAccess { role: String, account: String },
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
    #[error(
        "STS refused GetSessionToken for the IAM user of profile '{profile}' (key {key}): {message}; check the MFA code, or store a working key with `grant credentials add`"
    )]
    SessionTokenRefused {
        profile: String,
        key: String,
        message: String,
    },
    #[error(
        "source_identity '{value}' is not 2 to 64 of the characters A-Z a-z 0-9 _ + = , . @ - that STS accepts; fix it in the profile"
    )]
    BadSourceIdentity { value: String },
    #[error(
        "the credentials' {field} holds characters AWS never issues (escape sequences, quotes or spaces, say): refused; check the profile's source of credentials"
    )]
    UnexpectedCharacters { field: &'static str },
    #[error(transparent)]
    Saml(#[from] crate::saml::SamlError),
    #[error(transparent)]
    SamlAssertion(#[from] crate::saml::AssertionError),
    #[error("grant_saml_role_arn is not a role ARN: {}", crate::term_text::shown(.0))]
    SamlRoleArn(String),
    #[error("the IdP does not offer the role {role} to you; it offers: {offered}")]
    SamlRoleNotOffered { role: String, offered: String },
    #[error(
        "the IdP offers several roles ({offered}); pick one with `{command}` (or set grant_saml_role_arn)"
    )]
    SamlRoleToPick { offered: String, command: String },
    #[error("STS refused AssumeRole of {role_arn}: {message}")]
    AssumeRoleRefused { role_arn: String, message: String },
    #[error(
        "{service} throttled {operation} (still throttling after {} attempts); wait a minute and try again",
        aws::MAX_ATTEMPTS
    )]
    Throttled {
        service: &'static str,
        operation: &'static str,
    },
    #[error("{}", call_message(service, operation, failure))]
    Call {
        service: &'static str,
        operation: &'static str,
        failure: aws::CallFailure,
    },
    /// An SDK provider's own error, in its words.
    #[error("{operation} failed: {detail}")]
    Provider {
        operation: &'static str,
        detail: String,
    },
    #[error("{operation} failed: no credentials in the answer; try again in a moment")]
    NoCredentialsInAnswer { operation: &'static str },
    #[error("{operation} failed: incomplete credentials in the answer; try again in a moment")]
    IncompleteCredentials { operation: &'static str },
    #[error(transparent)]
    Process(#[from] super::process::ProcessError),
    #[error(
        "credential_source = Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"
    )]
    EnvironmentKeysMissing,
    #[error(transparent)]
    Mfa(#[from] crate::mfa::MfaError),
    #[error(
        "profile '{profile}' is an IAM user profile (grant_iam_user) but grant's store has no key for it; run `grant credentials add {}`",
        crate::shell::shell_word(.profile)
    )]
    NoStoredIamKey { profile: String },
}

/// `IAM Identity Center GetRoleCredentials failed: HTTP 500 ...; try again in a moment`.
fn call_message(service: &str, operation: &str, failure: &aws::CallFailure) -> String {
    let operation = format!("{service} {operation}");
    match failure {
        aws::CallFailure::TimedOut(_) => format!(
            "{operation} did not answer: {failure}; check the network (and any proxy), then try again"
        ),
        aws::CallFailure::Unreachable(_) => format!(
            "{operation} failed: {failure}; check the network (and any proxy), then try again"
        ),
        _ => format!("{operation} failed: {failure}; try again in a moment"),
    }
}

/// A failed call as a [`FetchError`]: throttling apart, the rest as it came.
pub(super) fn call_error(
    service: &'static str,
    operation: &'static str,
    failure: aws::CallFailure,
) -> FetchError {
    match failure {
        aws::CallFailure::Throttled => FetchError::Throttled { service, operation },
        failure => FetchError::Call {
            service,
            operation,
            failure,
        },
    }
}

/// What a fetch may do beyond calling AWS.
pub struct FetchContext<'a> {
    /// Where IAM user keys and sessions are kept.
    pub store: &'a crate::secrets::SecretStore,
    /// What a `credential_process` run from here gets as GRANT_PROCESS_CHAIN.
    pub process_chain: String,
    pub sso: &'a Sso<'a>,
    /// A sign-in is allowed (and how) when this is set.
    pub login: Option<LoginOptions>,
    /// How the user names the request in `grant sso login ...`, e.g. `--profile dev`.
    pub login_selector: String,
    pub mfa_token: Option<String>,
    /// Ask a YubiKey for MFA codes (the `MFA.YubiKey` setting).
    pub ykman: bool,
    /// The region for STS; None uses us-east-1.
    pub region: Option<String>,
    /// Which browser a SAML sign-in drives; the templates of session names.
    pub settings: &'a crate::settings::Settings,
    /// The `{profile}` of the RoleSessionName and SourceIdentity templates.
    pub profile_name: String,
    /// The person behind the credentials, when a cache entry being renewed knows
    /// them already (no GetCallerIdentity then).
    pub person: Option<String>,
}
