//! AWS credentials: what `credential-process` prints, where it caches them, and how
//! each kind of source produces them.

pub(crate) mod cache;
pub(crate) mod context;
pub(crate) mod fetch;
pub(crate) mod iam_user;
pub(crate) mod identity;
pub(crate) mod obtain;
pub(crate) mod process;
pub(crate) mod request;

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A set of credentials; `expiration` is `None` for long-term keys.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// Epoch seconds.
    pub expiration: Option<i64>,
    pub account_id: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

/// The Version 1 document of the credential_process contract, as the AWS CLI and
/// SDKs read it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessOutput<'a> {
    version: u8,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
}

impl Credentials {
    /// The JSON a credential_process prints: `Expiration` in RFC 3339 UTC with `Z`.
    pub fn to_process_json(&self) -> String {
        let output = ProcessOutput {
            version: 1,
            access_key_id: &self.access_key_id,
            secret_access_key: &self.secret_access_key,
            session_token: self.session_token.as_deref(),
            expiration: self.expiration.map(format_expiration),
            account_id: self.account_id.as_deref(),
        };
        #[expect(clippy::expect_used, reason = "a struct of strings always serializes")]
        serde_json::to_string(&output).expect("plain strings serialize")
    }

    pub fn seconds_left(&self, now: i64) -> Option<i64> {
        self.expiration.map(|expiration| expiration - now)
    }
}

/// `2026-01-01T12:00:00Z`.
pub fn format_expiration(epoch: i64) -> String {
    OffsetDateTime::from_unix_timestamp(epoch)
        .ok()
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_default()
}

pub fn parse_expiration(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(|time| time.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_json_follows_the_contract() {
        let credentials = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "SECRET".into(),
            session_token: Some("TOKEN".into()),
            expiration: Some(1_767_268_800),
            account_id: Some("111111111111".into()),
        };
        let json: serde_json::Value = serde_json::from_str(&credentials.to_process_json()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "Version": 1,
                "AccessKeyId": "ASIAEXAMPLE",
                "SecretAccessKey": "SECRET",
                "SessionToken": "TOKEN",
                "Expiration": "2026-01-01T12:00:00Z",
                "AccountId": "111111111111"
            })
        );
        assert!(!format!("{credentials:?}").contains("SECRET"));
        let long_term = Credentials {
            session_token: None,
            expiration: None,
            account_id: None,
            ..credentials
        };
        let json: serde_json::Value = serde_json::from_str(&long_term.to_process_json()).unwrap();
        assert_eq!(json.as_object().unwrap().len(), 3);
        assert_eq!(
            parse_expiration("2026-01-01T12:00:00Z"),
            Some(1_767_268_800)
        );
    }
}
