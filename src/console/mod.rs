//! The AWS console, signed in as a profile: credentials become a sign-in URL
//! through the federation endpoint (`federation`), which opens the console at a
//! destination (`destination`, by service short name or explicit URL) of the
//! profile's partition (`partition`), in a browser that keeps each profile apart
//! (`launch`).
//!
//! The sign-in token and the URL that carries it are secrets: they are never
//! logged, never written to disk and never on a command line (`handoff` gives them
//! to the browser); `--url` prints the URL on stdout only.

pub mod destination;
pub mod federation;
pub mod federation_token;
pub mod handoff;
pub mod launch;

use crate::credentials::Credentials;
use crate::profile::Profile;

/// The temporary keys a console sign-in takes: AWS federation accepts only keys
/// with a session token.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKeys")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// The session keys for a console sign-in as `profile`, from the credentials grant
/// obtained for it (as credential-process does). IAM users' long-term keys never
/// come here: `federation_token` makes their session.
pub fn console_credentials(
    profile: &Profile,
    credentials: Credentials,
) -> anyhow::Result<SessionKeys> {
    let Some(session_token) = credentials.session_token else {
        anyhow::bail!(
            "profile '{}': its credentials have no session token, and a console sign-in needs temporary keys; use an IAM Identity Center role, a role_arn profile or an IAM user profile for the console",
            profile.name
        );
    };
    Ok(SessionKeys {
        access_key_id: credentials.access_key_id,
        secret_access_key: credentials.secret_access_key,
        session_token,
    })
}
