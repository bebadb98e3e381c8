//! IAM Identity Center (AWS SSO): sign-in flows, the token lifecycle, and the AWS
//! CLI token cache.

pub(crate) mod accounts;
pub(crate) mod browser;
pub(crate) mod cli_cache;
mod loopback;
pub(crate) mod oidc;
mod prompt;
mod session;
mod sso_session;
pub(crate) mod token;

pub use session::{LoginOptions, Origin, SessionTarget, Sso};
pub use sso_session::{SsoSession, normalize_start_url};
pub use token::SsoToken;

use crate::secrets::SecretError;

/// Why a session can no longer be refreshed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// InvalidGrant and the like: revoked, rotated away or expired.
    RefreshTokenRefused,
    /// The OIDC client registration behind the token expired (InvalidClient).
    RegistrationExpired,
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EndReason::RefreshTokenRefused => "its refresh token is no longer accepted",
            EndReason::RegistrationExpired => "its client registration has expired",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// CreateToken refused an authorization code (not the browser's, or used).
    #[error("IAM Identity Center refused the sign-in code; sign in again")]
    CodeRefused,
    #[error("the OIDC endpoint '{endpoint}' is not a valid URL (check AWS_ENDPOINT_URL_SSO_OIDC)")]
    InvalidOidcEndpoint { endpoint: String },
    #[error("no valid sign-in for the SSO session '{session}'; run: {command}")]
    SignInRequired { session: String, command: String },
    #[error("the SSO session '{session}' has ended ({reason}); sign in again: {command}")]
    SignInAgain {
        session: String,
        reason: EndReason,
        command: String,
    },
    #[error(
        "the SSO session '{session}' cannot be refreshed: it has no refresh token (sessions without registration scopes such as sso:account:access get none); sign in again: {command}"
    )]
    NotRefreshable { session: String, command: String },
    /// The refresh token or the client registration was refused.
    #[error("the SSO session has ended ({0})")]
    SessionEnded(EndReason),
    #[error("the sign-in code expired before it was approved; run the command again")]
    DeviceCodeExpired,
    /// IAM Identity Center no longer knows the stored client registration.
    #[error("IAM Identity Center refused grant's client registration; run the command again")]
    ClientRefused,
    #[error("the sign-in was denied in the browser")]
    AccessDenied,
    #[error("the browser returned '{0}' instead of a sign-in")]
    BrowserRefused(String),
    #[error("the sign-in timed out; run the command again")]
    TimedOut,
    #[error("sign-in cancelled")]
    Cancelled,
    #[error("IAM Identity Center answered without what grant needs: {0}")]
    Malformed(&'static str),
    /// The access token was refused before its time; a refresh token may renew it.
    #[error(
        "IAM Identity Center {operation} failed: the token was refused (signed out or expired); sign in again"
    )]
    TokenRefused { operation: String },
    #[error("IAM Identity Center {operation} failed: {message}")]
    Service { operation: String, message: String },
    #[error(transparent)]
    Store(#[from] SecretError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
