//! The names of every entry in the secret store, in one place. Everything derived
//! from an SSO session sits under its key, so that logout can delete it all.
//!
//! - `sso/token/SESSION`: the session's token.
//! - `sso/client/REGION/FLOW/SCOPES/SESSION`: its client registration.
//! - `credentials/SESSION/REQUEST`: credentials obtained with its token, where
//!   REQUEST is `profile/NAME` (plus `#VARIANT`) or `role/ACCOUNT/ROLE`;
//!   `credentials/-/REQUEST` for credentials no session gave.
//! - `credentials-shortcut/REQUEST`: which entry served a request, and the identity
//!   of the AWS files then.
//! - `iam-user/PROFILE`: the long-term access key of an IAM user profile, and
//!   `credentials/-/iam-user/PROFILE` (`#mfa` with an MFA code) its session.

pub const TOKEN_PREFIX: &str = "sso/token/";

pub fn token(session_key: &str) -> String {
    format!("{TOKEN_PREFIX}{session_key}")
}

pub fn client(region: &str, scopes: &[String], session_key: &str, flow: &str) -> String {
    format!(
        "sso/client/{region}/{flow}/{}/{session_key}",
        scopes.join(",")
    )
}

/// Every cached credential sits under this.
pub const CREDENTIALS_PREFIX: &str = "credentials/";

/// The session part of credentials no SSO session gave (role chains on static keys).
pub const NO_SESSION: &str = "-";

/// Cached credentials obtained with this session's token (`None`: no session).
pub fn credentials_prefix(session_key: Option<&str>) -> String {
    format!("{CREDENTIALS_PREFIX}{}/", session_key.unwrap_or(NO_SESSION))
}

/// The request part of a profile's entry; `variant` is empty or `#...`.
pub fn profile_request(name: &str, variant: &str) -> String {
    format!("profile/{name}{variant}")
}

/// The request part of a role named without a profile.
pub fn role_request(account_id: &str, role_name: &str) -> String {
    format!("role/{account_id}/{role_name}")
}

pub const SHORTCUT_PREFIX: &str = "credentials-shortcut/";

/// The shortcut of a request, named as the command line named it.
pub fn shortcut(request: &str) -> String {
    format!("{SHORTCUT_PREFIX}{request}")
}

/// The long-term keys of IAM users (`grant credentials add`) sit under this, outside
/// the cache, so that `grant cache clear --all` never deletes them.
pub const IAM_USER_PREFIX: &str = "iam-user/";

/// The stored access key of the IAM user of profile `profile`.
pub fn iam_user_keys(profile: &str) -> String {
    format!("{IAM_USER_PREFIX}{profile}")
}

/// The request part of the cached GetSessionToken session of that user, apart with
/// and without MFA.
pub fn iam_user_session_request(profile: &str, with_mfa: bool) -> String {
    let variant = if with_mfa { "#mfa" } else { "" };
    format!("iam-user/{profile}{variant}")
}

/// The whole entry name of that session.
pub fn iam_user_session(profile: &str, with_mfa: bool) -> String {
    format!(
        "{}{}",
        credentials_prefix(None),
        iam_user_session_request(profile, with_mfa)
    )
}
