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
pub(crate) mod session_name;

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
    /// The person behind the credentials (the user name of the IAM Identity Center
    /// session or of the IAM user), once a role session was named after them: kept
    /// with the credentials so that a renewal asks STS no more than the first fetch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
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

    /// The first value outside AWS's alphabets, by name: key ids are letters and
    /// digits, secrets and session tokens base64 (`+/=`, and `-_` of its URL form),
    /// account ids digits. Values come from servers, other programs and files, and
    /// reach terminals and shells: anything else (an escape sequence, a quote, a
    /// newline) is refused rather than passed on.
    pub fn unexpected_field(&self) -> Option<&'static str> {
        let base64 = |c: char| c.is_ascii_alphanumeric() || "+/=-_".contains(c);
        let fits = |value: &str, allowed: &dyn Fn(char) -> bool| {
            !value.is_empty() && value.len() <= MAX_VALUE_BYTES && value.chars().all(allowed)
        };
        if !fits(&self.access_key_id, &|c| c.is_ascii_alphanumeric()) {
            return Some("AccessKeyId");
        }
        if !fits(&self.secret_access_key, &base64) {
            return Some("SecretAccessKey");
        }
        if let Some(token) = &self.session_token
            && !fits(token, &base64)
        {
            return Some("SessionToken");
        }
        if let Some(account) = &self.account_id
            && !fits(account, &|c| c.is_ascii_digit())
        {
            return Some("AccountId");
        }
        None
    }
}

/// Session tokens run to a few KiB; nothing AWS issues comes near this.
const MAX_VALUE_BYTES: usize = 64 * 1024;

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
    #[test]
    fn values_outside_the_aws_alphabets_are_named() {
        let good = super::Credentials {
            access_key_id: "ASIAEXAMPLE0123".into(),
            secret_access_key: "abc+/=xyz".into(),
            session_token: Some("IQoJb3Jp-_Z2lu=".into()),
            expiration: None,
            account_id: Some("111111111111".into()),
            person: None,
        };
        assert_eq!(good.unexpected_field(), None);
        let mut bad = good.clone();
        bad.secret_access_key = "abc\x1b]0;pwned\x07".into();
        assert_eq!(bad.unexpected_field(), Some("SecretAccessKey"));
        let mut bad = good.clone();
        bad.session_token = Some("a'b".into());
        assert_eq!(bad.unexpected_field(), Some("SessionToken"));
        let mut bad = good.clone();
        bad.access_key_id = "AKIA\n".into();
        assert_eq!(bad.unexpected_field(), Some("AccessKeyId"));
        let mut bad = good;
        bad.account_id = Some(String::new());
        assert_eq!(bad.unexpected_field(), Some("AccountId"));
    }

    use super::*;

    #[test]
    fn process_json_follows_the_contract() {
        let credentials = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "SECRET".into(),
            session_token: Some("TOKEN".into()),
            expiration: Some(1_767_268_800),
            account_id: Some("111111111111".into()),
            person: None,
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
            person: None,
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
