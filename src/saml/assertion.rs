//! The SAML response a browser posted: the base64 text kept as the secret it is,
//! and the roles its assertion offers (the `https://aws.amazon.com/SAML/Attributes/Role`
//! attribute, each value a role ARN and a SAML provider ARN joined by a comma),
//! each checked before any of them is used.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const ROLE_ATTRIBUTE: &str = "https://aws.amazon.com/SAML/Attributes/Role";
/// Larger responses are refused (real ones are a few tens of kilobytes).
const MAX_RESPONSE: usize = 1 << 20;

/// The `SAMLResponse` form value, base64 as posted. Never printed or logged.
#[derive(Clone, PartialEq, Eq)]
pub struct SamlResponse(String);

impl fmt::Debug for SamlResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SamlResponse(<redacted>)")
    }
}

impl SamlResponse {
    pub fn new(base64: String) -> SamlResponse {
        SamlResponse(base64)
    }

    /// The text STS takes as `SAMLAssertion`.
    pub fn as_base64(&self) -> &str {
        &self.0
    }
}

/// A role the assertion offers, with the provider that vouches for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedRole {
    pub role_arn: String,
    pub provider_arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssertionError {
    #[error("the SAML response is not base64")]
    NotBase64,
    #[error("the SAML response is larger than 1 MiB")]
    TooLarge,
    #[error("the SAML response is not XML grant accepts ({0})")]
    NotXml(String),
    #[error("the SAML assertion offers no AWS role")]
    NoRoles,
    #[error(
        "the SAML assertion offers a role that is not a role ARN and a SAML provider ARN of partition {partition}: {}",
        crate::term_text::shown(.value)
    )]
    InvalidRole { value: String, partition: String },
}

/// The roles of `response`, all of them valid ARNs of `partition`, else an error.
pub fn offered_roles(
    response: &SamlResponse,
    partition: &str,
) -> Result<Vec<OfferedRole>, AssertionError> {
    if response.0.len() > MAX_RESPONSE * 4 / 3 + 4 {
        return Err(AssertionError::TooLarge);
    }
    let compact: String = response.0.split_ascii_whitespace().collect();
    let bytes = STANDARD
        .decode(compact)
        .map_err(|_| AssertionError::NotBase64)?;
    let xml = String::from_utf8(bytes).map_err(|_| AssertionError::NotXml("not UTF-8".into()))?;
    let values = role_values(&xml)?;
    if values.is_empty() {
        return Err(AssertionError::NoRoles);
    }
    values
        .into_iter()
        .map(|value| {
            parse_role(&value, partition).ok_or_else(|| AssertionError::InvalidRole {
                value,
                partition: partition.to_owned(),
            })
        })
        .collect()
}

/// The text of every `AttributeValue` of the Role attribute. Entity references
/// are not expanded: a role value holding one is refused as it stands.
fn role_values(xml: &str) -> Result<Vec<String>, AssertionError> {
    use xmlparser::{ElementEnd, Token};
    let not_xml = |error: &dyn fmt::Display| AssertionError::NotXml(error.to_string());
    let mut values = Vec::new();
    let (mut in_attribute_tag, mut in_role, mut value) = (false, false, None::<String>);
    for token in xmlparser::Tokenizer::from(xml) {
        match token.map_err(|error| not_xml(&error))? {
            Token::DtdStart { .. } | Token::EmptyDtd { .. } | Token::EntityDeclaration { .. } => {
                return Err(not_xml(&"a document type declaration"));
            }
            Token::ElementStart { local, .. } => {
                in_attribute_tag = local.as_str() == "Attribute";
                if in_role && local.as_str() == "AttributeValue" {
                    value = Some(String::new());
                }
            }
            Token::Attribute {
                local, value: text, ..
            } if in_attribute_tag && local.as_str() == "Name" => {
                in_role = text.as_str() == ROLE_ATTRIBUTE;
            }
            Token::Text { text } | Token::Cdata { text, .. } => {
                if let Some(value) = value.as_mut() {
                    value.push_str(text.as_str());
                }
            }
            Token::ElementEnd { end, .. } => {
                in_attribute_tag = false;
                match end {
                    ElementEnd::Close(_, local) if local.as_str() == "AttributeValue" => {
                        values.extend(value.take());
                    }
                    ElementEnd::Empty => values.extend(value.take()),
                    ElementEnd::Close(_, local) if local.as_str() == "Attribute" => {
                        in_role = false;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(values)
}

/// `ROLE,PROVIDER` (either order, as AWS accepts). Role names may hold commas, so
/// the two ARNs are split where the second `arn:` begins.
fn parse_role(value: &str, partition: &str) -> Option<OfferedRole> {
    let split = value
        .match_indices(",arn:")
        .map(|(at, _)| at)
        .collect::<Vec<_>>();
    let [at] = split[..] else {
        return None;
    };
    let (first, second) = (&value[..at], &value[at + 1..]);
    let (role_arn, provider_arn) = if is_role_arn(first, partition) {
        (first, second)
    } else {
        (second, first)
    };
    (is_role_arn(role_arn, partition) && is_provider_arn(provider_arn, partition)).then(|| {
        OfferedRole {
            role_arn: role_arn.to_owned(),
            provider_arn: provider_arn.to_owned(),
        }
    })
}

/// `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME` with IAM's characters only.
pub fn is_role_arn(arn: &str, partition: &str) -> bool {
    iam_resource(arn, partition, "role/").is_some_and(|rest| {
        rest.len() <= 512
            && !rest.starts_with('/')
            && !rest.ends_with('/')
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
    })
}

/// `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`.
pub fn is_provider_arn(arn: &str, partition: &str) -> bool {
    iam_resource(arn, partition, "saml-provider/").is_some_and(|name| {
        !name.is_empty()
            && name.len() <= 128
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    })
}

/// What follows `arn:PARTITION:iam::ACCOUNT:KIND`, when the ARN starts so.
fn iam_resource<'a>(arn: &'a str, partition: &str, kind: &str) -> Option<&'a str> {
    let rest = arn.strip_prefix("arn:")?.strip_prefix(partition)?;
    let rest = rest.strip_prefix(":iam::")?;
    let (account, rest) = rest.split_at_checked(12)?;
    if !account.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    rest.strip_prefix(':')?
        .strip_prefix(kind)
        .filter(|r| !r.is_empty())
}

/// The partition an ARN names (`aws`, `aws-cn`, `aws-us-gov`).
pub fn partition_of(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:")?.split(':').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(values: &[&str]) -> SamlResponse {
        let values: String = values
            .iter()
            .map(|v| format!("<saml:AttributeValue>{v}</saml:AttributeValue>"))
            .collect();
        let xml = format!(
            "<samlp:Response xmlns:samlp=\"p\" xmlns:saml=\"a\"><saml:Assertion><saml:AttributeStatement>\
             <saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/RoleSessionName\"><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute>\
             <saml:Attribute Name=\"{ROLE_ATTRIBUTE}\">{values}</saml:Attribute>\
             </saml:AttributeStatement></saml:Assertion></samlp:Response>"
        );
        SamlResponse::new(STANDARD.encode(xml))
    }

    const ROLE: &str = "arn:aws:iam::111111111111:role/Admin";
    const PROVIDER: &str = "arn:aws:iam::111111111111:saml-provider/Okta";

    #[test]
    fn roles_in_either_order() {
        let roles = offered_roles(
            &response(&[&format!("{ROLE},{PROVIDER}"), &format!("{PROVIDER},{ROLE}")]),
            "aws",
        )
        .unwrap();
        assert_eq!(roles.len(), 2);
        assert!(
            roles
                .iter()
                .all(|r| r.role_arn == ROLE && r.provider_arn == PROVIDER)
        );
    }

    #[test]
    fn role_names_with_commas_and_paths() {
        let role = "arn:aws:iam::111111111111:role/team/a,b";
        let roles = offered_roles(&response(&[&format!("{role},{PROVIDER}")]), "aws").unwrap();
        assert_eq!(roles[0].role_arn, role);
    }

    #[test]
    fn hostile_values_refuse_the_whole_assertion() {
        for bad in [
            format!("{ROLE}\n[profile x],{PROVIDER}"),
            format!("{ROLE},{PROVIDER}\u{1b}[2J"),
            format!("arn:aws-cn:iam::111111111111:role/A,{PROVIDER}"),
            ROLE.to_string(),
            format!("{ROLE},{PROVIDER},{PROVIDER}"),
            "arn:aws:iam::11111111111:role/A,arn:aws:iam::11111111111:saml-provider/B".into(),
            format!("{ROLE}&amp;x,{PROVIDER}"),
        ] {
            let good = format!("{ROLE},{PROVIDER}");
            let error = offered_roles(&response(&[&good, &bad]), "aws").unwrap_err();
            assert!(
                matches!(
                    error,
                    AssertionError::InvalidRole { .. } | AssertionError::NotXml(_)
                ),
                "{bad:?}: {error}"
            );
            assert!(!error.to_string().contains('\n') && !error.to_string().contains('\u{1b}'));
        }
    }

    #[test]
    fn other_partitions_are_checked_against_their_own() {
        let role = "arn:aws-us-gov:iam::111111111111:role/A";
        let provider = "arn:aws-us-gov:iam::111111111111:saml-provider/P";
        let ok = response(&[&format!("{role},{provider}")]);
        assert!(offered_roles(&ok, "aws-us-gov").is_ok());
        assert!(offered_roles(&ok, "aws").is_err());
    }

    #[test]
    fn not_base64_no_roles_and_doctypes() {
        assert_eq!(
            offered_roles(&SamlResponse::new("%%%".into()), "aws"),
            Err(AssertionError::NotBase64)
        );
        assert_eq!(
            offered_roles(&response(&[]), "aws"),
            Err(AssertionError::NoRoles)
        );
        let doctype = STANDARD.encode("<!DOCTYPE x [<!ENTITY e \"arn\">]><x/>");
        assert!(matches!(
            offered_roles(&SamlResponse::new(doctype), "aws"),
            Err(AssertionError::NotXml(_))
        ));
    }

    #[test]
    fn the_response_never_shows_in_debug() {
        assert_eq!(format!("{:?}", response(&[])), "SamlResponse(<redacted>)");
    }
}
