//! The token lifecycle of one IAM Identity Center session: a stored token while it
//! is fresh, a refresh when it nears expiry, the AWS CLI's token when it has one,
//! and a sign-in only when the caller allows it.

use std::future::Future;
use std::time::Duration;

use aws_sdk_ssooidc::Client as OidcClient;

use super::SsoSession;
use super::browser::{self, Opener};
use super::cli_cache;
use super::loopback::{self, Callback, Pkce};
use super::oidc::{self, Flow, Grant};
use super::prompt::Waiting;
use super::token::{self, ClientRegistration, SsoToken};
use super::{EndReason, SsoError};
use crate::aws;
use crate::secrets::SecretStore;
use crate::secrets::keys;
use crate::settings::Settings;
use crate::term_text::shown;

/// Longest wait for the browser redirect of the authorization-code grant.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// A session and how the user names it, for messages that say what to run.
#[derive(Debug, Clone)]
pub struct SessionTarget {
    pub session: SsoSession,
    /// The command that signs this session in, e.g. `grant sso login --profile dev`.
    pub login_command: String,
}

impl SessionTarget {
    pub fn new(session: SsoSession, selector: &str) -> Self {
        SessionTarget {
            login_command: format!("grant sso login {selector}"),
            session,
        }
    }

    pub fn label(&self) -> String {
        self.session.key()
    }
}

/// Where [`Sso::token_and_origin`] found the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// grant's stored token, still good.
    Stored,
    /// The stored token, just renewed with its refresh token.
    Refreshed,
    /// A token the AWS CLI left in its cache.
    AwsCli,
    /// A new sign-in.
    SignedIn,
}

#[derive(Debug, Clone, Default)]
pub struct LoginOptions {
    pub no_browser: bool,
    pub use_device_code: bool,
    /// Also write the token to the AWS CLI cache.
    pub export: bool,
    /// Show the URL and code on /dev/tty rather than stderr (credential-process).
    pub prompt_on_terminal: bool,
}

pub struct Sso<'a> {
    store: &'a SecretStore,
    settings: &'a Settings,
}

impl<'a> Sso<'a> {
    pub fn new(store: &'a SecretStore, settings: &'a Settings) -> Self {
        Sso { store, settings }
    }

    /// The token stored for `session_key`; needs no runtime.
    pub fn stored_token(&self, session_key: &str) -> Result<Option<SsoToken>, SsoError> {
        Ok(self.store.get_json(&keys::token(session_key))?)
    }

    /// Every stored token, by session key.
    pub fn stored_tokens(&self) -> Result<Vec<SsoToken>, SsoError> {
        let mut tokens = Vec::new();
        for key in self.store.keys(keys::TOKEN_PREFIX)? {
            if let Some(token) = self.store.get_json::<SsoToken>(&key)? {
                tokens.push(token);
            }
        }
        Ok(tokens)
    }

    fn save_token(&self, token: &SsoToken, export: bool) -> Result<(), SsoError> {
        self.store
            .put_json(&keys::token(&token.session_key), token)?;
        if export || self.settings.export_sso_token() {
            let path = cli_cache::write_token(token)?;
            crate::debug!("exported the token to {}", path.display());
        }
        Ok(())
    }

    /// A usable token for `target`: the stored one while fresh, else refreshed, else the
    /// AWS CLI's, else a sign-in when `login` allows one.
    pub async fn token(
        &self,
        target: &SessionTarget,
        login: Option<&LoginOptions>,
    ) -> Result<SsoToken, SsoError> {
        self.token_and_origin(target, login)
            .await
            .map(|(token, _)| token)
    }

    /// Like [`Sso::token`], also saying where the token came from.
    pub async fn token_and_origin(
        &self,
        target: &SessionTarget,
        login: Option<&LoginOptions>,
    ) -> Result<(SsoToken, Origin), SsoError> {
        let now = token::now();
        let key = target.session.key();
        let stored = self.stored_token(&key)?;
        let mut ended = None;
        match stored {
            Some(token) if token.is_fresh(now) => {
                crate::debug!(
                    "session {key}: stored token has {}s left",
                    token.seconds_left(now)
                );
                return Ok((token, Origin::Stored));
            }
            Some(token) if token.can_refresh(now) => match self.refresh(&token).await {
                Ok(fresh) => return Ok((fresh, Origin::Refreshed)),
                Err(SsoError::SessionEnded(reason)) => ended = Some(reason),
                Err(error) if token.is_usable(now) => {
                    crate::debug!("session {key}: refresh failed ({error}); the token still works");
                    return Ok((token, Origin::Stored));
                }
                Err(error) => return Err(error),
            },
            Some(token) if token.is_usable(now) => {
                crate::debug!(
                    "session {key}: stored token has {}s left and cannot be refreshed",
                    token.seconds_left(now)
                );
                return Ok((token, Origin::Stored));
            }
            _ => {}
        }
        if let Some(token) = cli_cache::read_token(&target.session, now) {
            crate::debug!("session {key}: using the AWS CLI's token");
            return Ok((token, Origin::AwsCli));
        }
        match (login, ended) {
            (Some(options), _) => Ok((self.login(target, options).await?, Origin::SignedIn)),
            (None, Some(reason)) => Err(SsoError::SignInAgain {
                session: target.label(),
                reason,
                command: target.login_command.clone(),
            }),
            (None, None) => Err(SsoError::SignInRequired {
                session: target.label(),
                command: target.login_command.clone(),
            }),
        }
    }

    /// Refreshes the stored token of `target` now; never signs in.
    pub async fn refresh_target(&self, target: &SessionTarget) -> Result<SsoToken, SsoError> {
        let now = token::now();
        let Some(stored) = self.stored_token(&target.session.key())? else {
            return Err(SsoError::SignInRequired {
                session: target.label(),
                command: target.login_command.clone(),
            });
        };
        let sign_in_again = |reason| SsoError::SignInAgain {
            session: target.label(),
            reason,
            command: target.login_command.clone(),
        };
        if stored.refresh_token.is_none() {
            return Err(SsoError::NotRefreshable {
                session: target.label(),
                command: target.login_command.clone(),
            });
        }
        if !stored.can_refresh(now) {
            return Err(sign_in_again(EndReason::RegistrationExpired));
        }
        self.refresh(&stored).await.map_err(|error| match error {
            SsoError::SessionEnded(reason) => sign_in_again(reason),
            other => other,
        })
    }

    /// A fresh token after AWS refused `refused` (its access token) before it expired.
    /// Another process may have renewed it meanwhile; else its refresh token is used.
    /// Only what is proven invalid is deleted: a refused refresh token drops the
    /// token, a failed call (network, 5xx) keeps it.
    pub async fn refresh_refused(
        &self,
        target: &SessionTarget,
        refused: &SsoToken,
    ) -> Result<SsoToken, SsoError> {
        let now = token::now();
        let stored = self.stored_token(&refused.session_key)?;
        if let Some(stored) = stored
            .filter(|stored| stored.access_token != refused.access_token && stored.is_usable(now))
        {
            crate::debug!(
                "session {}: already renewed by another process",
                stored.session_key
            );
            return Ok(stored);
        }
        let ended = |reason| SsoError::SignInAgain {
            session: target.label(),
            reason,
            command: target.login_command.clone(),
        };
        if !refused.can_refresh(now) {
            self.forget(refused)?;
            return Err(ended(EndReason::RegistrationExpired));
        }
        match self.refresh(refused).await {
            Ok(fresh) => Ok(fresh),
            Err(SsoError::SessionEnded(reason)) => {
                self.forget(refused)?;
                Err(ended(reason))
            }
            Err(error) => Err(error),
        }
    }

    /// CreateToken with the refresh token; the rotated token replaces the stored one.
    async fn refresh(&self, stored: &SsoToken) -> Result<SsoToken, SsoError> {
        crate::debug!("session {}: refreshing the token", stored.session_key);
        let config = aws::sdk_config(&stored.region).await;
        let grant = match oidc::refresh(&aws::sso_oidc(&config), stored).await {
            Ok(grant) => grant,
            Err(SsoError::SessionEnded(EndReason::RegistrationExpired)) => {
                // The next sign-in must register again rather than reuse it.
                crate::debug!(
                    "session {}: the client registration expired; forgetting it",
                    stored.session_key
                );
                let session = session_of(stored);
                for flow in [Flow::AuthorizationCode, Flow::DeviceCode] {
                    self.store.delete(&client_key(&session, flow.name()))?;
                }
                return Err(SsoError::SessionEnded(EndReason::RegistrationExpired));
            }
            Err(error) => return Err(error),
        };
        let refreshed = SsoToken {
            access_token: grant.access_token,
            expires_at: token::now() + grant.expires_in,
            refresh_token: grant.refresh_token.or_else(|| stored.refresh_token.clone()),
            ..stored.clone()
        };
        self.save_token(&refreshed, false)?;
        Ok(refreshed)
    }

    /// Signs in with the browser (authorization code + PKCE) or the device code, and
    /// stores the token. Ctrl-C cancels.
    pub async fn login(
        &self,
        target: &SessionTarget,
        options: &LoginOptions,
    ) -> Result<SsoToken, SsoError> {
        let session = &target.session;
        let opener = browser::choose(self.settings, options.no_browser);
        let flow = match (&opener, options.use_device_code) {
            (Some(_), false) => Flow::AuthorizationCode,
            _ => Flow::DeviceCode,
        };
        crate::debug!(
            "session {}: signing in with the {} flow",
            session.key(),
            flow.name()
        );
        let config = aws::sdk_config(&session.region).await;
        let client = aws::sso_oidc(&config);
        let mut registration = self.registration(&client, session, flow).await?;
        let sign_in = |registration: ClientRegistration| {
            let (client, opener) = (&client, &opener);
            async move {
                let grant = cancellable(async {
                    match (flow, opener) {
                        (Flow::AuthorizationCode, Some(opener)) => {
                            browser_sign_in(client, &registration, session, opener, options).await
                        }
                        _ => {
                            device_sign_in(client, &registration, session, opener.as_ref(), options)
                                .await
                        }
                    }
                })
                .await;
                (grant, registration)
            }
        };
        let (mut grant, used) = sign_in(registration).await;
        registration = used;
        if matches!(grant, Err(SsoError::ClientRefused)) {
            // Deleted or expired at the service: register anew, once.
            crate::debug!(
                "client {} refused: registering again",
                registration.client_id
            );
            self.store.delete(&client_key(session, flow.name()))?;
            let fresh = self.registration(&client, session, flow).await?;
            (grant, registration) = sign_in(fresh).await;
        }
        let grant = grant?;
        let token = token::from_grant(
            session,
            &registration,
            grant.access_token,
            grant.expires_in,
            grant.refresh_token,
        );
        self.save_token(&token, options.export)?;
        Ok(token)
    }

    /// The stored client registration while it is valid, else a new one.
    async fn registration(
        &self,
        client: &OidcClient,
        session: &SsoSession,
        flow: Flow,
    ) -> Result<ClientRegistration, SsoError> {
        let key = client_key(session, flow.name());
        let stored = self.store.get_json::<ClientRegistration>(&key)?;
        if let Some(registration) = stored.filter(|r| r.is_usable(token::now())) {
            crate::debug!("reusing client registration {}", registration.client_id);
            return Ok(registration);
        }
        let registration = oidc::register_client(client, session, flow).await?;
        self.store.put_json(&key, &registration)?;
        Ok(registration)
    }

    /// Signs out at the portal (best effort) and deletes the token, the credentials
    /// cached with it, and the copy exported to the AWS CLI cache.
    pub async fn logout(&self, token: &SsoToken) -> Result<(), SsoError> {
        let config = aws::sdk_config(&token.region).await;
        let result = aws::sso_portal(&config)
            .logout()
            .access_token(&token.access_token)
            .send()
            .await;
        if let Err(error) = result {
            let reason = aws_sdk_sso::error::DisplayErrorContext(&error).to_string();
            eprintln!(
                "grant: the portal did not confirm the sign-out of {} ({}); the local tokens are deleted anyway",
                shown(&token.session_key),
                shown(&reason)
            );
        }
        self.forget(token)
    }

    /// Deletes what grant keeps for `token`'s session, without calling AWS.
    pub fn forget(&self, token: &SsoToken) -> Result<(), SsoError> {
        self.store.delete(&keys::token(&token.session_key))?;
        self.forget_credentials(&token.session_key)?;
        let cached = cli_cache::read_any_token(&session_of(token));
        if cached.is_some_and(|cached| cached.access_token == token.access_token) {
            cli_cache::remove_token(token);
        }
        Ok(())
    }
}

impl Sso<'_> {
    /// Deletes the role credentials cached with `session_key`'s tokens; returns how many.
    pub fn forget_credentials(&self, session_key: &str) -> Result<usize, SsoError> {
        Ok(self
            .store
            .delete_prefix(&keys::credentials_prefix(Some(session_key)))?)
    }

    /// Deletes the role credentials cached for every SSO session (not those of
    /// profiles without one); returns how many.
    pub fn forget_all_session_credentials(&self) -> Result<usize, SsoError> {
        let unsso = keys::credentials_prefix(None);
        let mut deleted = 0;
        for key in self.store.keys(keys::CREDENTIALS_PREFIX)? {
            if !key.starts_with(&unsso) && self.store.delete(&key)? {
                deleted += 1;
            }
        }
        Ok(deleted)
    }
}

/// Where `session`'s client registration for `flow` is stored.
fn client_key(session: &SsoSession, flow: &str) -> String {
    keys::client(&session.region, &session.scopes, &session.key(), flow)
}

/// The session a stored token belongs to.
fn session_of(token: &SsoToken) -> SsoSession {
    SsoSession {
        name: token.session_name.clone(),
        start_url: token.start_url.clone(),
        region: token.region.clone(),
        scopes: token.scopes.clone(),
    }
}

/// Runs `future` until it ends or the user presses Ctrl-C.
async fn cancellable<T>(future: impl Future<Output = Result<T, SsoError>>) -> Result<T, SsoError> {
    tokio::select! {
        result = future => result,
        _ = tokio::signal::ctrl_c() => Err(SsoError::Cancelled),
    }
}

async fn browser_sign_in(
    client: &OidcClient,
    registration: &ClientRegistration,
    session: &SsoSession,
    opener: &Opener,
    options: &LoginOptions,
) -> Result<Grant, SsoError> {
    let pkce = Pkce::new()?;
    let state = loopback::random_text(32)?;
    let mut callback = Callback::bind().await?;
    let url = oidc::authorize_url(
        &oidc::oidc_endpoint(&session.region),
        registration,
        &callback.redirect_uri,
        &state,
        &pkce.challenge,
    )?;
    if !opener.open(&url) {
        eprintln!("grant: the browser did not start; using a sign-in code instead");
        return device_sign_in(client, registration, session, None, options).await;
    }
    let waiting = Waiting::start(
        &format!(
            "Signing in to {} in your browser; if it did not open",
            session.start_url
        ),
        &url,
        None,
        options.prompt_on_terminal,
    );
    let deadline = tokio::time::Instant::now() + BROWSER_TIMEOUT;
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    // Whoever learns `state` (it is in the browser's command line) can send the
    // listener a code of their own: one IAM Identity Center refuses is dropped and
    // the wait goes on for the browser's.
    loop {
        let code = {
            let redirect = callback.wait_for_code(&state);
            tokio::pin!(redirect);
            loop {
                tokio::select! {
                    result = &mut redirect => break result?,
                    _ = ticker.tick() => {
                        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                        if left.is_zero() {
                            return Err(SsoError::TimedOut);
                        }
                        waiting.time_left(left);
                    }
                }
            }
        };
        let redeemed = oidc::redeem_authorization_code(
            client,
            registration,
            &code,
            &callback.redirect_uri,
            &pkce.verifier,
        )
        .await;
        match redeemed {
            Err(SsoError::CodeRefused) => {
                crate::debug!(
                    "IAM Identity Center refused a code the sign-in listener got: still waiting for the browser's"
                );
            }
            result => {
                drop(waiting);
                return result;
            }
        }
    }
}

async fn device_sign_in(
    client: &OidcClient,
    registration: &ClientRegistration,
    session: &SsoSession,
    opener: Option<&Opener>,
    options: &LoginOptions,
) -> Result<Grant, SsoError> {
    let authorization =
        oidc::start_device_authorization(client, registration, &session.start_url).await?;
    let url = authorization
        .verification_uri_complete
        .clone()
        .unwrap_or_else(|| authorization.verification_uri.clone());
    let refused = match opener {
        Some(_) if !browser::may_open(&url) => true,
        Some(opener) => {
            opener.open(&url);
            false
        }
        None => false,
    };
    let what = if refused {
        format!(
            "grant did not open the sign-in page: IAM Identity Center sent a URL that is not https (check it before you visit it). To sign in to {}",
            session.start_url
        )
    } else {
        format!("To sign in to {}", session.start_url)
    };
    let waiting = Waiting::start(
        &what,
        &url,
        Some(&authorization.user_code),
        options.prompt_on_terminal,
    );
    oidc::poll_device_token(client, registration, &authorization, |left| {
        waiting.time_left(left)
    })
    .await
}
