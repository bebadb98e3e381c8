//! The credentials `grant serve` answers with: fetched through grant's cache and
//! lock, kept between requests, renewed before they run out; never a sign-in after
//! the first fetch (the SDK asking would time out long before a person answered).

use std::sync::{Mutex, PoisonError};

use anyhow::bail;

use crate::cli::ServeArgs;
use crate::credentials::obtain::{self, Obtain, Request};
use crate::credentials::request::{self, SsoFlags};
use crate::credentials::{Credentials, format_expiration};
use crate::profile::{CredentialSource, Profile};
use crate::secrets::SecretStore;
use crate::serve::{self, Source};
use crate::settings::Settings;
use crate::sso::{LoginOptions, token};

/// The profile's renewing source, its first credentials fetched before anything
/// is served: a sign-in, when one is needed and a person can answer, happens here.
pub(super) fn renewing_source(args: &ServeArgs) -> anyhow::Result<(Renewing, Profile)> {
    let chain = request::parse_chain(&args.chain)?;
    let settings = super::super::settings()?;
    let profile = request::with_chain(
        request::load_profile(&args.profile, &SsoFlags::default(), settings)?,
        &chain,
    );
    let source = Renewing {
        store: SecretStore::open(settings)?,
        settings,
        last: Mutex::new(None),
        request: request::for_profile(&profile, None)?,
    };
    let login = obtain::has_terminal().then(|| LoginOptions {
        prompt_on_terminal: true,
        ..LoginOptions::default()
    });
    let first = source.renew(login)?;
    let label = &source.request.label;
    if serve::container_json(&first).is_none() {
        bail!(
            "{label}: long-term keys (no session token or expiration), which the container credentials provider cannot serve; give the profile role_arn or SSO keys, or use assume -x"
        );
    }
    if needs_mfa(&profile.source) {
        let asks = if settings.mfa_yubikey() {
            "serve reads one from the YubiKey (ykman)"
        } else {
            "serve asks for one on the terminal"
        };
        eprintln!(
            "grant: {label} needs an MFA code for every new role session: when these credentials run out ({}), {asks}",
            first.expiration.map(format_expiration).unwrap_or_default()
        );
    }
    Ok((source, profile))
}

/// Credentials with less life than this are renewed before they are served. The
/// SDKs renew theirs from 15 minutes before expiry (botocore; JavaScript 5 minutes,
/// Rust 10 seconds): every answer has more than any of them waits for. Shorter
/// sessions get a window scaled to their life (`cache::renewal_window`).
const WINDOW_SECONDS: i64 = 20 * 60;

/// The profile's credentials, kept between requests with the life they had when
/// obtained, and renewed once inside their renewal window.
pub(super) struct Renewing {
    request: Request,
    store: SecretStore,
    settings: &'static Settings,
    last: Mutex<Option<(Credentials, Option<i64>)>>,
}

impl Renewing {
    /// Through grant's cache, which another grant may have renewed already.
    fn renew(&self, login: Option<LoginOptions>) -> anyhow::Result<Credentials> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let credentials = self.fetch(login)?;
        *last = Some(Self::kept(&credentials));
        Ok(credentials)
    }

    /// The credentials with their life left now: a cache hit may be part-used, so
    /// this can be less than their whole life, which only keeps the window smaller.
    fn kept(credentials: &Credentials) -> (Credentials, Option<i64>) {
        (credentials.clone(), credentials.seconds_left(token::now()))
    }

    fn fetch(&self, login: Option<LoginOptions>) -> anyhow::Result<Credentials> {
        let obtain = Obtain {
            store: &self.store,
            settings: self.settings,
            window: WINDOW_SECONDS,
            use_cache: true,
            login,
            mfa_token: None,
        };
        obtain.credentials(&self.request)
    }
}

impl Source for Renewing {
    /// The lock is held while renewing: the requests behind a renewal get what it
    /// fetched.
    fn current(&self) -> anyhow::Result<Credentials> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((credentials, life)) = last.as_ref()
            && credentials.seconds_left(token::now()).is_some_and(|left| {
                left > crate::credentials::cache::renewal_window(WINDOW_SECONDS, *life)
            })
        {
            return Ok(credentials.clone());
        }
        let credentials = self.fetch(None)?;
        *last = Some(Self::kept(&credentials));
        Ok(credentials)
    }
}

/// Whether the role, or one it is assumed from, asks for an MFA code.
fn needs_mfa(source: &CredentialSource) -> bool {
    source.chain().any(
        |source| matches!(source, CredentialSource::AssumeRole(role) if role.mfa_serial.is_some() && role.mfa_process.is_none()),
    )
}
