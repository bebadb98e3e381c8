//! SSO tokens and OIDC client registrations as grant keeps them in the secret store.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::SsoSession;

/// Tokens with less than this left are refreshed when they can be.
pub const REFRESH_WINDOW_SECS: i64 = 15 * 60;
/// Registrations with less than this left are replaced, as the AWS CLI does.
pub const REGISTRATION_WINDOW_SECS: i64 = 15 * 60;
/// A token that cannot be refreshed is used until this close to its expiry.
pub const EXPIRY_MARGIN_SECS: i64 = 60;

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The access token of one IAM Identity Center session.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SsoToken {
    pub session_key: String,
    pub session_name: Option<String>,
    pub start_url: String,
    pub region: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    pub access_token: String,
    /// Epoch seconds.
    pub expires_at: i64,
    pub refresh_token: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub registration_expires_at: Option<i64>,
}

impl fmt::Debug for SsoToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoToken")
            .field("session_key", &self.session_key)
            .field("start_url", &self.start_url)
            .field("region", &self.region)
            .field("expires_at", &self.expires_at)
            .field("refreshable", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

impl SsoToken {
    pub fn seconds_left(&self, now: i64) -> i64 {
        self.expires_at - now
    }

    /// Still good enough to hand out: not expired, with a small margin.
    pub fn is_usable(&self, now: i64) -> bool {
        self.seconds_left(now) > EXPIRY_MARGIN_SECS
    }

    /// Fresh enough that no refresh is worth doing.
    pub fn is_fresh(&self, now: i64) -> bool {
        self.seconds_left(now) > REFRESH_WINDOW_SECS
    }

    /// Has what a refresh needs: a refresh token and a registration still valid.
    pub fn can_refresh(&self, now: i64) -> bool {
        self.refresh_token.is_some()
            && self.client_id.is_some()
            && self.client_secret.is_some()
            && self
                .registration_expires_at
                .is_some_and(|expiry| expiry > now)
    }
}

/// An OIDC client registration (RegisterClient), reused until it nears expiry.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ClientRegistration {
    pub client_id: String,
    pub client_secret: String,
    /// Epoch seconds.
    pub expires_at: i64,
    pub scopes: Vec<String>,
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("client_id", &self.client_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl ClientRegistration {
    pub fn is_usable(&self, now: i64) -> bool {
        self.expires_at - now > REGISTRATION_WINDOW_SECS
    }
}

/// Builds the stored token for `session` from what CreateToken returned.
pub fn from_grant(
    session: &SsoSession,
    registration: &ClientRegistration,
    access_token: String,
    expires_in: i64,
    refresh_token: Option<String>,
) -> SsoToken {
    SsoToken {
        session_key: session.key(),
        session_name: session.name.clone(),
        start_url: session.start_url.clone(),
        region: session.region.clone(),
        scopes: session.scopes.clone(),
        access_token,
        expires_at: now() + expires_in,
        refresh_token,
        client_id: Some(registration.client_id.clone()),
        client_secret: Some(registration.client_secret.clone()),
        registration_expires_at: Some(registration.expires_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires_in: i64) -> SsoToken {
        SsoToken {
            session_key: "corp".into(),
            session_name: Some("corp".into()),
            start_url: "https://x/start".into(),
            region: "us-east-1".into(),
            scopes: vec![],
            access_token: "SECRET-ACCESS".into(),
            expires_at: now() + expires_in,
            refresh_token: Some("SECRET-REFRESH".into()),
            client_id: Some("id".into()),
            client_secret: Some("SECRET-CLIENT".into()),
            registration_expires_at: Some(now() + 3600),
        }
    }

    #[test]
    fn freshness_windows() {
        let now = now();
        assert!(token(3600).is_fresh(now));
        assert!(!token(600).is_fresh(now) && token(600).is_usable(now));
        assert!(!token(30).is_usable(now));
        assert!(token(600).can_refresh(now));
        let mut expired_registration = token(600);
        expired_registration.registration_expires_at = Some(now - 1);
        assert!(!expired_registration.can_refresh(now));
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let text = format!("{:?}", token(10));
        assert!(!text.contains("SECRET"), "{text}");
    }
}
