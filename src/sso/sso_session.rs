//! What identifies an IAM Identity Center sign-in: the `[sso-session]` name or the
//! start URL, with its region and scopes.

/// An IAM Identity Center sign-in: one token serves every role reached through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSession {
    /// The `[sso-session NAME]` name; `None` for legacy profiles that give the start URL.
    pub name: Option<String>,
    pub start_url: String,
    pub region: String,
    /// Registration scopes; with scopes the service issues refresh tokens.
    pub scopes: Vec<String>,
}

impl SsoSession {
    /// The key its token is stored under: the sso-session name, else the start URL
    /// without trailing slashes (so `.../start` and `.../start/` are one session).
    pub fn key(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => normalize_start_url(&self.start_url).to_owned(),
        }
    }
}

/// A start URL as one session: trimmed, without trailing slashes.
pub fn normalize_start_url(url: &str) -> &str {
    url.trim().trim_end_matches('/')
}
