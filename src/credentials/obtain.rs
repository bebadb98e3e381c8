//! One request's credentials, as `credential-process` and `assume` both get them:
//! from the cache while they have more than the window of life left, else fetched
//! under a cross-process lock, so that many processes started at once make one
//! upstream request, and cached again.

use std::time::Duration;

use anyhow::Context;

use super::Credentials;
use super::cache::CacheSlot;
use super::context::FetchContext;
use super::fetch;
use crate::config::AwsFiles;
use crate::lock::{Lock, LockError};
use crate::profile::{self, CredentialSource, Profile, ProfileError, SsoDefaults};
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::SsoSession;
use crate::sso::{LoginOptions, Sso, token};

/// Cached credentials whose renewal failed are still served while they have more
/// than this much life left; never once they expire, nor just before (a client may
/// use them for a while, and the clocks of this machine and AWS may differ a bit).
const STALE_MARGIN_SECS: i64 = 60;

/// A second process waits this long for the first one's fetch (which may include a
/// browser sign-in) before giving up.
const FETCH_LOCK_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// What to fetch, worked out from the flags, environment, profile and settings.
pub struct Request {
    /// Shown in messages, e.g. `profile 'dev'`.
    pub label: String,
    /// How `grant sso login` names the request, e.g. `--profile dev`.
    pub login_selector: String,
    pub source: CredentialSource,
    pub region: Option<String>,
    pub interactive_auth: Option<bool>,
    pub cache: CacheSlot,
    /// The `{profile}` of session-name templates: the profile, or the role's name.
    pub profile_name: String,
}

impl Request {
    /// The request for a resolved profile, cached under `variant` (empty, or e.g. a
    /// role session length that `assume -d` asked for). Every request for the same
    /// profile with the same definition shares one cache entry, whichever command
    /// made it. Commands build requests through `request::for_profile`.
    pub(super) fn for_profile_variant(profile: &Profile, variant: &str) -> Request {
        let name = &profile.name;
        let session = profile::sso_session_of(&profile.source).map(SsoSession::key);
        let definition = format!("{:?}|{:?}", profile.source, profile.region);
        let shown = profile.label();
        Request {
            label: format!("profile '{shown}'"),
            login_selector: format!("--profile {}", shell_word(name)),
            cache: CacheSlot::new(
                session.as_deref(),
                &crate::secrets::keys::profile_request(name, variant),
                &definition,
            ),
            source: profile.source.clone(),
            region: profile.region.clone(),
            interactive_auth: profile.interactive_auth,
            profile_name: name.clone(),
        }
    }

    /// Static keys are never cached: they are in the AWS files already.
    pub fn is_cacheable(&self) -> bool {
        !matches!(self.source, CredentialSource::Static(_))
    }
}

/// Resolves profile `name`, reading only its sections, SSO keys it leaves out taken
/// from `defaults`; on a miss the whole files are read to suggest the closest names.
pub fn load_profile(name: &str, defaults: &SsoDefaults) -> anyhow::Result<Profile> {
    let files = AwsFiles::load_for_profile(name)?;
    Ok(match profile::resolve_with(&files, name, defaults) {
        Err(ProfileError::NotFound { .. }) => {
            profile::resolve_with(&AwsFiles::load()?, name, defaults)?
        }
        other => other?,
    })
}

/// How to get credentials beyond the request itself.
pub struct Obtain<'a> {
    pub store: &'a SecretStore,
    pub settings: &'a Settings,
    /// Cached credentials with this many seconds of life or less are renewed.
    pub window: i64,
    /// False: neither read nor write the cache.
    pub use_cache: bool,
    /// A sign-in is allowed (and how) when this is set.
    pub login: Option<LoginOptions>,
    pub mfa_token: Option<String>,
}

impl Obtain<'_> {
    pub fn credentials(&self, request: &Request) -> anyhow::Result<Credentials> {
        let cacheable = self.use_cache && request.is_cacheable();
        let mut cached = None;
        if cacheable {
            match self.cached_entry(request)? {
                Cached::Fresh(credentials) => return Ok(credentials),
                Cached::Renew(old) => cached = old,
            }
        }
        // Before the lock: a loop would wait on the lock its own caller holds.
        let process_chain = process_chain(request)?;
        let _lock = if cacheable {
            let lock = Lock::acquire(&request.cache.key, &request.label, FETCH_LOCK_TIMEOUT)
                .map_err(|error| loop_or(request, error))?;
            // Whoever held the lock may have just fetched what we need.
            match self.cached_entry(request)? {
                Cached::Fresh(credentials) => return Ok(credentials),
                Cached::Renew(old) => cached = old,
            }
            Some(lock)
        } else {
            None
        };
        let person = cached.as_ref().and_then(|old| old.person.clone());
        let credentials = match self.fetch(request, process_chain, person) {
            Ok(credentials) => credentials,
            Err(error) => return Self::still_valid(request, cached, error),
        };
        if cacheable && credentials.expiration.is_some() {
            request.cache.put(self.store, &credentials)?;
            crate::debug!(
                "{}: cached until {:?}",
                request.cache.key,
                credentials.expiration
            );
        }
        Ok(credentials)
    }

    /// Fetches from the source; credentials that arrive already expired (a clock
    /// set wrong, here or there) are an error, not something to hand out.
    fn fetch(
        &self,
        request: &Request,
        process_chain: String,
        person: Option<String>,
    ) -> anyhow::Result<Credentials> {
        let sso = Sso::new(self.store, self.settings);
        let context = FetchContext {
            store: self.store,
            process_chain,
            sso: &sso,
            login: self.login.clone(),
            login_selector: request.login_selector.clone(),
            mfa_token: self.mfa_token.clone(),
            ykman: self.settings.mfa_yubikey(),
            region: request.region.clone(),
            settings: self.settings,
            profile_name: request.profile_name.clone(),
            person,
        };
        let credentials = crate::aws::runtime()?
            .block_on(fetch::fetch(&context, &request.source))
            .with_context(|| request.label.clone())?;
        let now = token::now();
        if let Some(expiration) = credentials.expiration
            && expiration <= now
        {
            anyhow::bail!(
                "{}: the credentials received already expired at {} by this machine's clock (now {}); check that the clock is right, then try again",
                request.label,
                super::format_expiration(expiration),
                super::format_expiration(now)
            );
        }
        Ok(credentials)
    }

    /// After a failed renewal: the cached credentials while they are still valid
    /// (with a margin), else the error. The cache entry is left as it was.
    fn still_valid(
        request: &Request,
        cached: Option<Credentials>,
        error: anyhow::Error,
    ) -> anyhow::Result<Credentials> {
        let key = &request.cache.key;
        let Some(credentials) = cached else {
            return Err(error);
        };
        match credentials.seconds_left(token::now()) {
            Some(left) if left > STALE_MARGIN_SECS => {
                crate::debug!(
                    "{key}: renewal failed ({}); serving the cached credentials, still valid for {left}s",
                    crate::term_text::one_line(&error)
                );
                Ok(credentials)
            }
            left => {
                crate::debug!(
                    "{key}: renewal failed and the cached credentials have {left:?}s left: not served"
                );
                Err(error)
            }
        }
    }

    fn cached_entry(&self, request: &Request) -> anyhow::Result<Cached> {
        let key = &request.cache.key;
        let Some(entry) = request.cache.get_entry(self.store)? else {
            crate::debug!("{key}: cache miss");
            return Ok(Cached::Renew(None));
        };
        match entry.fresh_for(token::now(), self.window) {
            Ok(left) => {
                crate::debug!("{key}: cache hit, {left}s left");
                Ok(Cached::Fresh(entry.credentials))
            }
            Err(left) => {
                crate::debug!(
                    "{key}: cache entry has {left:?}s left, inside the renewal window ({}s at most): renewing",
                    self.window
                );
                Ok(Cached::Renew(Some(entry.credentials)))
            }
        }
    }
}

/// What the cache holds for a request.
enum Cached {
    /// Served as it is.
    Fresh(Credentials),
    /// To be renewed; the old entry, if any, is the fallback should renewal fail.
    Renew(Option<Credentials>),
}

/// The chain to hand to a `credential_process` this request runs, or an error
/// when the request is already in it. The chain lists the requests waiting, each in
/// a grant up the process tree, for the `credential_process` they run: a profile
/// whose `credential_process` runs grant for that same profile would otherwise
/// call itself until a lock times out.
fn process_chain(request: &Request) -> anyhow::Result<String> {
    let chain = crate::env::value(super::process::PROCESS_CHAIN_VARIABLE).unwrap_or_default();
    let key = &request.cache.key;
    if chain.split('\n').any(|waiting| waiting == key) {
        anyhow::bail!(
            "{}: its credential_process runs grant for the same request again (a loop); give the profile granted_sso_* keys, role_arn or static keys instead",
            request.label
        );
    }
    Ok(if chain.is_empty() {
        key.clone()
    } else {
        format!("{chain}\n{key}")
    })
}

/// A lock held by a grant up this process tree is a loop that lost
/// GRANT_PROCESS_CHAIN on the way (`env -u`, a wrapper that clears the
/// environment): named with the command that closes it.
fn loop_or(request: &Request, error: LockError) -> anyhow::Error {
    let LockError::HeldByAncestor { pid, command, .. } = &error else {
        return error.into();
    };
    let through = match process_command(&request.source) {
        Some(line) => format!("its credential_process `{line}`"),
        None => "a credential_process on the way".to_owned(),
    };
    anyhow::anyhow!(
        "{}: {through} runs grant for the same request again (a loop: process {pid}, `{command}`, is fetching it and started this one); give the profile granted_sso_* keys, role_arn or static keys instead",
        request.label
    )
}

/// The `credential_process` a source runs, itself or at the base of its role chain.
fn process_command(source: &CredentialSource) -> Option<&str> {
    match source.base() {
        CredentialSource::Process(command) => Some(command),
        _ => None,
    }
}

/// Whether a person could answer a sign-in or an MFA prompt.
pub fn has_terminal() -> bool {
    crate::terminal::person_can_answer()
}
