//! A fake of the AWS SSO portal, SSO OIDC, STS and IAM's access-key APIs on plain HTTP,
//! speaking the real wire formats, for grant's tests. Point the SDKs at it with
//! `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_STS` and
//! `AWS_ENDPOINT_URL_IAM` (all = [`FakeAws::url`]).
//!
//! ```no_run
//! let fake = fake_aws::FakeAws::start();
//! let token = fake.mint_access_token(std::time::Duration::from_secs(3600));
//! fake.fail("GetRoleCredentials", 500, Some(1));
//! assert_eq!(fake.count("GetRoleCredentials"), 0);
//! # let _ = token;
//! ```

mod controls;
mod directory;
mod faults;
mod http;
mod iam;
mod idp;
mod ids;
mod oidc;
mod router;
mod signin;
mod sigv4;
mod sso;
mod state;
mod sts;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

pub use directory::{Account, Directory};
pub use idp::{IdpMode, SamlCall};
pub use state::{
    AssumeRoleCall, ClientRegistration, ConsoleLogin, DeviceAuthorizationOverride,
    SessionTokenCall, Settings,
};

use faults::Failure;
use state::{State, lock, user_identity};

/// A running fake; the server stops when this is dropped.
pub struct FakeAws {
    shared: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    url: String,
    port: u16,
}

/// Configures a [`FakeAws`] before it starts.
#[derive(Debug, Clone, Default)]
pub struct FakeAwsBuilder {
    port: u16,
    settings: Settings,
    directory: Directory,
}

impl FakeAwsBuilder {
    /// Listen on this port of 127.0.0.1 (default: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Changes some settings, e.g. `.configure(|s| s.auto_approve = false)`.
    pub fn configure(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        change(&mut self.settings);
        self
    }

    /// Defaults to [`Directory::default`].
    pub fn directory(mut self, directory: Directory) -> Self {
        self.directory = directory;
        self
    }

    pub fn start(self) -> std::io::Result<FakeAws> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))?;
        let port = listener.local_addr()?.port();
        let url = format!("http://127.0.0.1:{port}");
        let shared = Arc::new(Mutex::new(State::new(
            self.settings,
            self.directory,
            url.clone(),
        )));
        let stop = Arc::new(AtomicBool::new(false));
        let handler = {
            let shared = Arc::clone(&shared);
            Arc::new(move |req: &http::Request| router::handle(&shared, req))
        };
        let thread = http::spawn_server(listener, Arc::clone(&stop), handler);
        Ok(FakeAws {
            shared,
            stop,
            thread: Some(thread),
            url,
            port,
        })
    }
}

impl FakeAws {
    /// Starts with the defaults on a free port; panics if it cannot listen.
    pub fn start() -> FakeAws {
        Self::builder()
            .start()
            .expect("fake-aws: cannot listen on 127.0.0.1")
    }

    pub fn builder() -> FakeAwsBuilder {
        FakeAwsBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, the endpoint URL for SSO, SSO OIDC and STS alike.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared)
    }

    /// Changes settings while running; affects later requests (device grants keep the
    /// approval they started with).
    pub fn configure(&self, change: impl FnOnce(&mut Settings)) {
        change(&mut self.state().settings);
    }

    pub fn settings(&self) -> Settings {
        self.state().settings.clone()
    }

    // ---- counters and faults ----

    /// Requests received for an operation, faulted ones included (see README for names).
    pub fn count(&self, op: &str) -> u64 {
        self.state().faults.counter(op)
    }

    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.state().faults.counters()
    }

    pub fn reset_counts(&self) {
        self.state().faults.reset_counters();
    }

    /// Answers `op` with `status` and the usual error code for it, for the next `times`
    /// requests (`None` = until [`reset_faults`](Self::reset_faults); `Some(0)` clears).
    pub fn fail(&self, op: &str, status: u16, times: Option<u32>) {
        self.fail_with_code(op, status, None, times);
    }

    /// Like [`fail`](Self::fail) with a chosen error code, e.g. `ThrottlingException`.
    pub fn fail_with_code(&self, op: &str, status: u16, code: Option<&str>, times: Option<u32>) {
        let failure = Failure {
            status,
            code: code.map(str::to_string),
            remaining: times,
            body: None,
        };
        self.state().faults.set_failure(op, failure);
    }

    /// Answers `op` with `status` (200 included) and exactly `body` instead of the
    /// real answer, for the next `times` requests: a truncated or mistyped document,
    /// an HTML error page. The content type is the service's usual one (JSON for the
    /// portal and OIDC, XML for STS), or `text/html` when `body` starts with `<!DOCTYPE`
    /// or `<html`.
    pub fn fail_with_body(&self, op: &str, status: u16, body: &str, times: Option<u32>) {
        let failure = Failure {
            status,
            code: None,
            remaining: times,
            body: Some(body.to_string()),
        };
        self.state().faults.set_failure(op, failure);
    }

    /// Waits this long before answering `op` (zero clears).
    pub fn delay(&self, op: &str, delay: Duration) {
        self.state().faults.set_delay(op, delay);
    }

    /// Clears every failure and delay.
    pub fn reset_faults(&self) {
        self.state().faults.clear();
    }

    /// Clears counters, faults and recorded AssumeRole calls (not tokens or keys).
    pub fn reset(&self) {
        self.state().reset_recordings();
    }

    // ---- OIDC ----

    /// An SSO access token valid for `expires_in` (zero = already expired), as if a
    /// login had happened, so tests can skip the login.
    pub fn mint_access_token(&self, expires_in: Duration) -> String {
        let mut state = self.state();
        let session = state.new_session();
        state.mint_access_token(session, expires_in)
    }

    /// A client registration, as RegisterClient would make it.
    pub fn register_client(&self, scopes: &[&str]) -> ClientRegistration {
        let scopes = scopes.iter().map(|s| s.to_string()).collect();
        self.state().register_client(scopes, Vec::new())
    }

    /// A refresh token for a registered client (`None` if the client is unknown).
    pub fn mint_refresh_token(&self, client_id: &str) -> Option<String> {
        let mut state = self.state();
        state.clients.contains_key(client_id).then(|| {
            let session = state.new_session();
            state.mint_refresh_token(client_id, session)
        })
    }

    /// Makes an access token expired; returns false if it is unknown.
    pub fn expire_access_token(&self, token: &str) -> bool {
        self.state().expire_access_token(token)
    }

    /// Revokes an access or refresh token; returns false if it is unknown.
    pub fn revoke_token(&self, token: &str) -> bool {
        self.state().revoke_token(token)
    }

    /// Makes a client registration expired; returns false if it is unknown.
    pub fn expire_client(&self, client_id: &str) -> bool {
        self.state().expire_client(client_id)
    }

    /// Approves the device grant with this user code (what the browser page does).
    pub fn approve_device(&self, user_code: &str) -> bool {
        self.state().decide_device(user_code, true)
    }

    /// Denies it: the next poll answers AccessDeniedException.
    pub fn deny_device(&self, user_code: &str) -> bool {
        self.state().decide_device(user_code, false)
    }

    /// User code of the latest StartDeviceAuthorization.
    pub fn last_user_code(&self) -> Option<String> {
        self.state().last_user_code.clone()
    }

    // ---- directory ----

    pub fn directory(&self) -> Directory {
        self.state().directory.clone()
    }

    pub fn add_account(&self, account: Account) {
        self.state().directory.add_account(account);
    }

    pub fn remove_account(&self, account_id: &str) -> bool {
        self.state().directory.remove_account(account_id)
    }

    pub fn add_role(&self, account_id: &str, role: &str) -> bool {
        self.state().directory.add_role(account_id, role)
    }

    pub fn remove_role(&self, account_id: &str, role: &str) -> bool {
        self.state().directory.remove_role(account_id, role)
    }

    // ---- STS ----

    /// A long-term key whose identity is `arn:aws:iam::ACCOUNT:user/USER`.
    pub fn register_static_key(
        &self,
        access_key_id: &str,
        secret: &str,
        account: &str,
        user: &str,
    ) {
        self.state()
            .register_static_key(access_key_id, secret, user_identity(account, user));
    }

    /// An IAM user `arn:aws:iam::ACCOUNT:user/USER` with one long-term access key,
    /// returned as (access key id, secret). Unlike [`register_static_key`]'s, the
    /// secret counts among [`issued_secrets`]: it must never be in plaintext where
    /// grant writes.
    ///
    /// [`register_static_key`]: Self::register_static_key
    /// [`issued_secrets`]: Self::issued_secrets
    pub fn create_iam_user(&self, account: &str, user: &str) -> (String, String) {
        self.state().create_user_key(user_identity(account, user))
    }

    /// The access key ids IAM holds for the user, oldest first.
    pub fn access_keys_of(&self, account: &str, user: &str) -> Vec<String> {
        let arn = user_identity(account, user).arn;
        self.state()
            .user_keys
            .get(&arn)
            .map(|keys| keys.iter().map(|key| key.access_key_id.clone()).collect())
            .unwrap_or_default()
    }

    /// The access key id that signed each authenticated IAM request, in order.
    pub fn iam_caller_keys(&self) -> Vec<String> {
        self.state().iam_caller_keys.clone()
    }

    pub fn session_token_calls(&self) -> Vec<SessionTokenCall> {
        self.state().session_token_calls.clone()
    }

    // ---- the SAML IdP ----

    /// The sign-in URL of the fake IdP's AWS app (`grant_saml_url`).
    pub fn idp_app_url(&self) -> String {
        format!("{}/idp/app", self.url)
    }

    pub fn set_idp_mode(&self, mode: IdpMode) {
        self.state().idp.mode = mode;
    }

    /// Whether a person at the browser window fills in the login form and submits
    /// it (a script on the form stands in for them).
    pub fn set_idp_person_signs_in(&self, signs_in: bool) {
        self.state().idp.person_signs_in = signs_in;
    }

    /// The IdP offers roles of `partition` and posts its responses to `endpoint`
    /// (an absolute URL: the real sign-in endpoint, which the browser grant drives
    /// never lets the request reach).
    pub fn set_idp_partition(&self, partition: &str, endpoint: &str) {
        self.state().idp.partition = Some((partition.to_owned(), endpoint.to_owned()));
    }

    /// The IdP forgets every session: the next visit shows the login form.
    pub fn end_idp_sessions(&self) {
        self.state().idp.end_sessions();
    }

    /// The (role, provider) pairs the IdP's assertions offer, as in [`IdpMode::Normal`].
    pub fn idp_roles() -> [(&'static str, &'static str); 2] {
        idp::ROLES
    }

    pub fn saml_calls(&self) -> Vec<SamlCall> {
        self.state().idp.calls.clone()
    }

    /// The paths a hostile IdP's page reached beyond the sign-in endpoint.
    pub fn idp_hostile_hits(&self) -> Vec<String> {
        self.state().idp.hostile_hits.clone()
    }

    pub fn assume_role_calls(&self) -> Vec<AssumeRoleCall> {
        self.state().assume_role_calls.clone()
    }

    /// Every console sign-in the federation endpoint let through, in order.
    pub fn console_logins(&self) -> Vec<ConsoleLogin> {
        self.state().console_logins.clone()
    }

    /// The access key id that signed each successful GetCallerIdentity, in order.
    pub fn caller_identity_keys(&self) -> Vec<String> {
        self.state().caller_identity_keys.clone()
    }

    /// Every temporary access key id GetRoleCredentials or AssumeRole handed out.
    pub fn issued_access_key_ids(&self) -> Vec<String> {
        self.state().issued_access_key_ids.clone()
    }

    /// Every access token, refresh token, client secret, secret access key and session
    /// token handed out so far.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.state().issued_secrets().to_vec()
    }
}

impl Drop for FakeAws {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees `stop`.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
