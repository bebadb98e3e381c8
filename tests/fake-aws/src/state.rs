//! Everything the fake remembers: settings, directory, clients, grants, tokens, keys,
//! recorded calls and every secret it handed out.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use time::OffsetDateTime;

use crate::directory::Directory;
use crate::faults::Faults;
use crate::ids;

/// Tunables; change them at start with the builder or later with `FakeAws::configure`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Life of GetRoleCredentials keys.
    pub role_credentials_lifetime: Duration,
    /// Life of access tokens from CreateToken (`expiresIn`).
    pub access_token_lifetime: Duration,
    /// Life of client registrations (`clientSecretExpiresAt`).
    pub registration_lifetime: Duration,
    /// Life of device codes (`expiresIn` of StartDeviceAuthorization).
    pub device_code_lifetime: Duration,
    /// `interval` of StartDeviceAuthorization, sent in whole seconds.
    pub device_poll_interval: Duration,
    /// Answer SlowDown to a device-code poll that comes sooner than 80% of the interval
    /// after the previous one.
    pub enforce_poll_interval: bool,
    /// Device codes start approved (no browser needed). `/authorize` always approves.
    pub auto_approve: bool,
    /// Polls of each device code that answer AuthorizationPending before an approved
    /// code yields tokens.
    pub pending_polls: u32,
    /// 1-based poll numbers (per device code) that answer SlowDown.
    pub slow_down_polls: Vec<u32>,
    /// Page size of ListAccounts/ListAccountRoles when `max_result` is absent.
    pub default_page_size: usize,
    /// Session name in the identity of GetRoleCredentials keys.
    pub sso_user: String,
    /// When set, AssumeRole with a SerialNumber needs exactly this TokenCode.
    pub mfa_code: Option<String>,
    /// Replaces fields of StartDeviceAuthorization answers, to send hostile ones.
    pub device_authorization_override: Option<DeviceAuthorizationOverride>,
    /// Seconds the `Date` header of every answer is ahead of the real time (negative:
    /// behind), for clock checks.
    pub clock_skew_seconds: i64,
}

/// What a StartDeviceAuthorization answer says instead of the real values; `None`
/// keeps the real one. The device code still works, so an auto-approved sign-in
/// completes whatever the answer showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceAuthorizationOverride {
    pub verification_uri: Option<String>,
    pub verification_uri_complete: Option<String>,
    pub user_code: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            role_credentials_lifetime: Duration::from_secs(3600),
            access_token_lifetime: Duration::from_secs(8 * 3600),
            registration_lifetime: Duration::from_secs(90 * 24 * 3600),
            device_code_lifetime: Duration::from_secs(600),
            device_poll_interval: Duration::from_secs(1),
            enforce_poll_interval: true,
            auto_approve: true,
            pending_polls: 0,
            slow_down_polls: Vec::new(),
            default_page_size: 20,
            sso_user: "fake-user".to_string(),
            mfa_code: None,
            device_authorization_override: None,
            clock_skew_seconds: 0,
        }
    }
}

/// A registered OIDC client, as RegisterClient returned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRegistration {
    pub client_id: String,
    pub client_secret: String,
    /// Epoch seconds.
    pub issued_at: i64,
    /// Epoch seconds.
    pub expires_at: i64,
    pub scopes: Vec<String>,
}

/// One AssumeRole request that passed signature checks, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssumeRoleCall {
    pub role_arn: String,
    pub role_session_name: String,
    pub source_identity: Option<String>,
    pub external_id: Option<String>,
    pub serial_number: Option<String>,
    pub token_code: Option<String>,
    pub duration_seconds: Option<String>,
    pub caller_access_key_id: String,
    pub caller_arn: String,
}

/// A console sign-in the federation endpoint let through (`Action=login`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsoleLogin {
    /// The console URL it was asked to open.
    pub destination: String,
    /// Whose keys the sign-in token was made from.
    pub arn: String,
    pub access_key_id: String,
}

/// A sign-in token from `Action=getSigninToken`.
#[derive(Debug, Clone)]
pub(crate) struct SigninToken {
    pub access_key_id: String,
    pub arn: String,
    pub expires_at: OffsetDateTime,
}

/// One GetSessionToken request that passed signature checks, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionTokenCall {
    pub caller_access_key_id: String,
    pub serial_number: Option<String>,
    pub token_code: Option<String>,
    pub duration_seconds: Option<String>,
}

/// A long-term access key of an IAM user, as IAM lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UserAccessKey {
    pub access_key_id: String,
    pub created_at: OffsetDateTime,
}

/// Keys handed out by GetRoleCredentials or AssumeRole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssuedKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    pub arn: String,
    pub user_id: String,
    pub account: String,
}

#[derive(Debug, Clone)]
pub(crate) struct AccessKey {
    pub secret: String,
    pub session_token: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
    pub identity: Identity,
}

#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub secret: String,
    pub scopes: Vec<String>,
    pub redirect_uris: Vec<String>,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub(crate) struct DeviceGrant {
    pub client_id: String,
    pub user_code: String,
    pub expires_at: OffsetDateTime,
    pub approved: bool,
    pub denied: bool,
    pub polls: u32,
    pub pending_answers: u32,
    pub last_poll: Option<Instant>,
}

#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: String,
    pub expires_at: OffsetDateTime,
}

/// A sign-in session; logout ends every token that belongs to it.
type SessionId = u64;

#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub session: SessionId,
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshToken {
    pub client_id: String,
    pub session: SessionId,
}

/// Tokens from a successful CreateToken.
pub(crate) struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: u64,
}

pub(crate) struct State {
    pub settings: Settings,
    pub base_url: String,
    pub directory: Directory,
    pub faults: Faults,
    pub clients: HashMap<String, Client>,
    /// By device code.
    pub devices: HashMap<String, DeviceGrant>,
    pub auth_codes: HashMap<String, AuthCode>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub keys: HashMap<String, AccessKey>,
    pub assume_role_calls: Vec<AssumeRoleCall>,
    pub session_token_calls: Vec<SessionTokenCall>,
    /// The access key id that signed each IAM request that passed signature checks.
    pub iam_caller_keys: Vec<String>,
    /// The long-term keys of each IAM user, by user ARN, oldest first.
    pub user_keys: HashMap<String, Vec<UserAccessKey>>,
    /// The access key id that signed each GetCallerIdentity, in order.
    pub caller_identity_keys: Vec<String>,
    /// Every temporary access key id handed out, in order.
    pub issued_access_key_ids: Vec<String>,
    pub last_user_code: Option<String>,
    pub signin_tokens: HashMap<String, SigninToken>,
    pub console_logins: Vec<ConsoleLogin>,
    pub idp: crate::idp::Idp,
    issued_secrets: Vec<String>,
    next_session: SessionId,
}

pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// `now() + lifetime`, with absurd lifetimes (from a test's settings) capped at a
/// century instead of overflowing.
pub(crate) fn expiry(lifetime: Duration) -> OffsetDateTime {
    now() + lifetime.min(Duration::from_secs(100 * 365 * 24 * 3600))
}

impl State {
    pub fn new(settings: Settings, directory: Directory, base_url: String) -> Self {
        State {
            settings,
            base_url,
            directory,
            faults: Faults::default(),
            clients: HashMap::new(),
            devices: HashMap::new(),
            auth_codes: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            keys: HashMap::new(),
            assume_role_calls: Vec::new(),
            session_token_calls: Vec::new(),
            iam_caller_keys: Vec::new(),
            user_keys: HashMap::new(),
            caller_identity_keys: Vec::new(),
            issued_access_key_ids: Vec::new(),
            last_user_code: None,
            signin_tokens: HashMap::new(),
            console_logins: Vec::new(),
            idp: Default::default(),
            issued_secrets: Vec::new(),
            next_session: 1,
        }
    }

    pub fn issued_secrets(&self) -> &[String] {
        &self.issued_secrets
    }

    /// Counts `secret` among the issued secrets, which must never be on disk in plaintext.
    pub fn remember_secret(&mut self, secret: &str) {
        self.remember(secret);
    }

    fn remember(&mut self, secret: &str) {
        self.issued_secrets.push(secret.to_string());
    }

    pub fn register_client(
        &mut self,
        scopes: Vec<String>,
        redirect_uris: Vec<String>,
    ) -> ClientRegistration {
        let issued_at = now();
        let expires_at = expiry(self.settings.registration_lifetime);
        let registration = ClientRegistration {
            client_id: ids::client_id(),
            client_secret: ids::client_secret(),
            issued_at: issued_at.unix_timestamp(),
            expires_at: expires_at.unix_timestamp(),
            scopes: scopes.clone(),
        };
        self.remember(&registration.client_secret);
        self.clients.insert(
            registration.client_id.clone(),
            Client {
                secret: registration.client_secret.clone(),
                scopes,
                redirect_uris,
                expires_at,
            },
        );
        registration
    }

    /// The client, if it exists, the secret matches and the registration is current.
    pub fn authenticated_client(&self, client_id: &str, secret: &str) -> Option<&Client> {
        self.clients
            .get(client_id)
            .filter(|c| c.secret == secret && c.expires_at > now())
    }

    pub fn new_session(&mut self) -> SessionId {
        let id = self.next_session;
        self.next_session += 1;
        id
    }

    pub fn mint_access_token(&mut self, session: SessionId, lifetime: Duration) -> String {
        let token = ids::access_token();
        self.remember(&token);
        self.access_tokens.insert(
            token.clone(),
            AccessToken {
                session,
                expires_at: expiry(lifetime),
            },
        );
        token
    }

    pub fn mint_refresh_token(&mut self, client_id: &str, session: SessionId) -> String {
        let token = ids::refresh_token();
        self.remember(&token);
        self.refresh_tokens.insert(
            token.clone(),
            RefreshToken {
                client_id: client_id.to_string(),
                session,
            },
        );
        token
    }

    /// Access token (plus a refresh token when the client registered scopes) for a
    /// successful CreateToken.
    pub fn issue_tokens(&mut self, client_id: &str, session: SessionId) -> Tokens {
        let lifetime = self.settings.access_token_lifetime;
        let access_token = self.mint_access_token(session, lifetime);
        let wants_refresh = self
            .clients
            .get(client_id)
            .is_some_and(|c| !c.scopes.is_empty());
        let refresh_token = wants_refresh.then(|| self.mint_refresh_token(client_id, session));
        Tokens {
            access_token,
            refresh_token,
            expires_in: lifetime.as_secs(),
        }
    }

    pub fn valid_access_token(&self, token: &str) -> Option<&AccessToken> {
        self.access_tokens
            .get(token)
            .filter(|t| t.expires_at > now())
    }

    /// Ends the sign-in session of `access_token`: all its access and refresh tokens.
    pub fn logout(&mut self, access_token: &str) -> bool {
        let Some(session) = self.access_tokens.get(access_token).map(|t| t.session) else {
            return false;
        };
        self.access_tokens.retain(|_, t| t.session != session);
        self.refresh_tokens.retain(|_, t| t.session != session);
        true
    }

    pub fn expire_access_token(&mut self, token: &str) -> bool {
        match self.access_tokens.get_mut(token) {
            Some(t) => {
                t.expires_at = now() - Duration::from_secs(1);
                true
            }
            None => false,
        }
    }

    /// Revokes an access or a refresh token.
    pub fn revoke_token(&mut self, token: &str) -> bool {
        self.access_tokens.remove(token).is_some() || self.refresh_tokens.remove(token).is_some()
    }

    pub fn expire_client(&mut self, client_id: &str) -> bool {
        match self.clients.get_mut(client_id) {
            Some(c) => {
                c.expires_at = now() - Duration::from_secs(1);
                true
            }
            None => false,
        }
    }

    /// A new long-term key of the IAM user `identity`, its secret remembered among
    /// the issued secrets (it must never be in plaintext where grant writes).
    pub fn create_user_key(&mut self, identity: Identity) -> (String, String) {
        let access_key_id = ids::long_term_access_key_id();
        let secret = ids::secret_access_key();
        self.remember(&secret);
        self.user_keys
            .entry(identity.arn.clone())
            .or_default()
            .push(UserAccessKey {
                access_key_id: access_key_id.clone(),
                created_at: now(),
            });
        self.register_static_key(&access_key_id, &secret, identity);
        (access_key_id, secret)
    }

    /// Deletes a long-term key of the user `user_arn`; false when it has no such key.
    pub fn delete_user_key(&mut self, user_arn: &str, access_key_id: &str) -> bool {
        let Some(keys) = self.user_keys.get_mut(user_arn) else {
            return false;
        };
        let before = keys.len();
        keys.retain(|key| key.access_key_id != access_key_id);
        let deleted = keys.len() < before;
        if deleted {
            self.keys.remove(access_key_id);
        }
        deleted
    }

    pub fn issue_keys(&mut self, identity: Identity, lifetime: Duration) -> IssuedKeys {
        let keys = IssuedKeys {
            access_key_id: ids::temporary_access_key_id(),
            secret_access_key: ids::secret_access_key(),
            session_token: ids::session_token(),
            expires_at: expiry(lifetime),
        };
        self.remember(&keys.secret_access_key);
        self.remember(&keys.session_token);
        self.issued_access_key_ids.push(keys.access_key_id.clone());
        self.keys.insert(
            keys.access_key_id.clone(),
            AccessKey {
                secret: keys.secret_access_key.clone(),
                session_token: Some(keys.session_token.clone()),
                expires_at: Some(keys.expires_at),
                identity,
            },
        );
        keys
    }

    pub fn add_signin_token(&mut self, token: &str, entry: SigninToken) {
        self.remember(token);
        self.signin_tokens.insert(token.to_string(), entry);
    }

    pub fn register_static_key(&mut self, access_key_id: &str, secret: &str, identity: Identity) {
        self.keys.insert(
            access_key_id.to_string(),
            AccessKey {
                secret: secret.to_string(),
                session_token: None,
                expires_at: None,
                identity,
            },
        );
    }

    /// Starts a device grant and returns (device code, user code).
    pub fn start_device_grant(&mut self, client_id: &str) -> (String, String) {
        let device_code = ids::device_code();
        let user_code = ids::user_code();
        self.devices.insert(
            device_code.clone(),
            DeviceGrant {
                client_id: client_id.to_string(),
                user_code: user_code.clone(),
                expires_at: expiry(self.settings.device_code_lifetime),
                approved: self.settings.auto_approve,
                denied: false,
                polls: 0,
                pending_answers: 0,
                last_poll: None,
            },
        );
        self.last_user_code = Some(user_code.clone());
        (device_code, user_code)
    }

    /// Approves (or denies) the device grant with this user code.
    pub fn decide_device(&mut self, user_code: &str, approve: bool) -> bool {
        let wanted = user_code.trim().to_ascii_uppercase();
        match self.devices.values_mut().find(|d| d.user_code == wanted) {
            Some(grant) => {
                grant.approved = approve;
                grant.denied = !approve;
                true
            }
            None => false,
        }
    }

    pub fn reset_recordings(&mut self) {
        self.faults.reset_counters();
        self.faults.clear();
        self.assume_role_calls.clear();
        self.session_token_calls.clear();
        self.iam_caller_keys.clear();
        self.caller_identity_keys.clear();
        self.console_logins.clear();
    }
}

/// As AWS names an IAM Identity Center role session: the role IAM Identity Center
/// made for the permission set (`AWSReservedSSO_NAME_` and 16 hex digits), and the
/// user name as the session name.
pub(crate) fn sso_identity(account: &str, role: &str, user: &str) -> Identity {
    let suffix = &ids::stable_unique_id("", &format!("sso/{account}/{role}"))[..16];
    let suffix: String = suffix
        .chars()
        .map(|c| char::from_digit(c as u32 % 16, 16).unwrap_or('0'))
        .collect();
    Identity {
        arn: format!("arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_{suffix}/{user}"),
        user_id: format!(
            "{}:{user}",
            ids::stable_unique_id("AROA", &format!("{account}/{role}"))
        ),
        account: account.to_string(),
    }
}

pub(crate) fn user_identity(account: &str, user: &str) -> Identity {
    Identity {
        arn: format!("arn:aws:iam::{account}:user/{user}"),
        user_id: ids::stable_unique_id("AIDA", &format!("{account}/{user}")),
        account: account.to_string(),
    }
}

/// Locks the state; a handler that panicked while holding the lock left it usable.
pub(crate) fn lock(shared: &Mutex<State>) -> MutexGuard<'_, State> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
