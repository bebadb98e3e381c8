//! The AWS CLI v2 / botocore SSO token cache (`~/.aws/sso/cache/<sha1>.json`):
//! grant reads a valid token the AWS CLI left there, and on request writes its own
//! there so the AWS CLI and the SDKs can use it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::token::SsoToken;
use super::{SsoSession, normalize_start_url};
use crate::fsutil;
use crate::paths;

/// The file format, field for field as botocore writes it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CachedToken {
    #[serde(skip_serializing_if = "Option::is_none")]
    start_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    access_token: String,
    expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

pub fn cache_dir() -> PathBuf {
    paths::home_dir().join(".aws").join("sso").join("cache")
}

fn cache_file(cache_key: &str) -> PathBuf {
    cache_dir().join(format!(
        "{}.json",
        hex::encode(Sha1::digest(cache_key.as_bytes()))
    ))
}

/// The names the AWS CLI may have cached this session under: the sso-session name,
/// or the start URL exactly as configured (and its other trailing-slash spelling).
fn cache_keys(session: &SsoSession) -> Vec<String> {
    match &session.name {
        Some(name) => vec![name.clone()],
        None => {
            let bare = normalize_start_url(&session.start_url);
            let other = if session.start_url.ends_with('/') {
                bare.to_owned()
            } else {
                format!("{bare}/")
            };
            vec![session.start_url.clone(), other]
        }
    }
}

/// A token of the AWS CLI's cache for `session`, when one is usable.
pub fn read_token(session: &SsoSession, now: i64) -> Option<SsoToken> {
    cache_keys(session).iter().find_map(|key| {
        let (path, token) = load(session, key)?;
        crate::debug!(
            "AWS CLI cache {} has a token with {}s left",
            path.display(),
            token.expires_at.saturating_sub(now)
        );
        token.is_usable(now).then_some(token)
    })
}

/// The token of the AWS CLI's cache for `session`, expired or not.
pub fn read_any_token(session: &SsoSession) -> Option<SsoToken> {
    cache_keys(session)
        .iter()
        .find_map(|key| load(session, key).map(|(_, token)| token))
}

fn load(session: &SsoSession, cache_key: &str) -> Option<(PathBuf, SsoToken)> {
    let path = cache_file(cache_key);
    let text = std::fs::read_to_string(&path).ok()?;
    let cached: CachedToken = match serde_json::from_str(&text) {
        Ok(cached) => cached,
        Err(error) => {
            crate::debug!("ignoring {}: {error}", path.display());
            return None;
        }
    };
    into_token(session, cached).map(|token| (path, token))
}

fn into_token(session: &SsoSession, cached: CachedToken) -> Option<SsoToken> {
    Some(SsoToken {
        session_key: session.key(),
        session_name: session.name.clone(),
        start_url: cached
            .start_url
            .unwrap_or_else(|| session.start_url.clone()),
        region: cached.region.unwrap_or_else(|| session.region.clone()),
        scopes: session.scopes.clone(),
        access_token: cached.access_token,
        expires_at: parse_time(&cached.expires_at)?,
        refresh_token: cached.refresh_token,
        client_id: cached.client_id,
        client_secret: cached.client_secret,
        registration_expires_at: cached
            .registration_expires_at
            .as_deref()
            .and_then(parse_time),
    })
}

/// Writes `token` where the AWS CLI and botocore look for it (0600, atomically).
pub fn write_token(token: &SsoToken) -> std::io::Result<PathBuf> {
    let cache_key = token
        .session_name
        .clone()
        .unwrap_or_else(|| token.start_url.clone());
    let cached = CachedToken {
        start_url: Some(token.start_url.clone()),
        region: Some(token.region.clone()),
        access_token: token.access_token.clone(),
        expires_at: format_time(token.expires_at),
        client_id: token.client_id.clone(),
        client_secret: token.client_secret.clone(),
        registration_expires_at: token.registration_expires_at.map(format_time),
        refresh_token: token.refresh_token.clone(),
    };
    let path = cache_file(&cache_key);
    let json = serde_json::to_vec_pretty(&cached).map_err(std::io::Error::other)?;
    fsutil::write_atomic(&path, &json, Some(0o600))?;
    Ok(path)
}

/// Deletes the AWS CLI cache file grant would write for `token` (on logout).
pub fn remove_token(token: &SsoToken) {
    let cache_key = token
        .session_name
        .clone()
        .unwrap_or_else(|| token.start_url.clone());
    let _ = std::fs::remove_file(cache_file(&cache_key));
}

/// `%Y-%m-%dT%H:%M:%SZ`, the format botocore writes.
fn format_time(epoch: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|time| time.format(&format).ok())
        .unwrap_or_default()
}

/// RFC 3339, or the `...UTC` suffix older AWS CLI versions wrote.
fn parse_time(text: &str) -> Option<i64> {
    if let Ok(time) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(time.unix_timestamp());
    }
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let bare = text
        .strip_suffix("UTC")
        .or_else(|| text.strip_suffix('Z'))?;
    PrimitiveDateTime::parse(bare, &format)
        .ok()
        .map(|time| time.assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_file_names_match_botocore() {
        let name = cache_file("my-sso");
        assert!(
            name.ends_with("0ad374308c5a4e22f723adf10145eafad7c4031c.json"),
            "{name:?}"
        );
    }

    #[test]
    fn times_round_trip_in_both_spellings() {
        assert_eq!(format_time(1_767_268_800), "2026-01-01T12:00:00Z");
        assert_eq!(parse_time("2026-01-01T12:00:00Z"), Some(1_767_268_800));
        assert_eq!(parse_time("2026-01-01T12:00:00UTC"), Some(1_767_268_800));
        assert_eq!(parse_time("2026-01-01T13:00:00+01:00"), Some(1_767_268_800));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn legacy_sessions_are_looked_up_under_both_slash_spellings() {
        let session = SsoSession {
            name: None,
            start_url: "https://x.awsapps.com/start/".into(),
            region: "us-east-1".into(),
            scopes: vec![],
        };
        assert_eq!(
            cache_keys(&session),
            vec![
                "https://x.awsapps.com/start/".to_owned(),
                "https://x.awsapps.com/start".to_owned()
            ]
        );
    }
}
