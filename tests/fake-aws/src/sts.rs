//! STS (query protocol: form-encoded `POST /`, XML answers), SigV4-authenticated.

use std::time::Duration;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::http::{Reply, Request, Response, find};
use crate::ids;
use crate::sigv4;
use crate::state::{AssumeRoleCall, Identity, SessionTokenCall, State, now};

const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
const DEFAULT_DURATION: u64 = 3600;

/// Query string and form body parameters together (either may carry them).
pub(crate) fn params(req: &Request) -> Vec<(String, String)> {
    let mut all = req.query.clone();
    if req.method == "POST" {
        all.extend(req.form());
    }
    all
}

pub(crate) fn action(req: &Request) -> Option<String> {
    find(&params(req), "Action").map(str::to_string)
}

/// `ErrorResponse/Error/{Type,Code,Message}` plus a RequestId.
pub(crate) fn error(status: u16, code: &str, message: &str) -> Response {
    let kind = if status >= 500 { "Receiver" } else { "Sender" };
    Response::xml(
        status,
        format!(
            "<ErrorResponse xmlns=\"{NAMESPACE}\">\n  <Error>\n    <Type>{kind}</Type>\n    \
             <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  \
             <RequestId>{}</RequestId>\n</ErrorResponse>\n",
            escape(code),
            escape(message),
            ids::request_id()
        ),
    )
}

pub(crate) fn success(action: &str, result: &str) -> Response {
    Response::xml(
        200,
        format!(
            "<{action}Response xmlns=\"{NAMESPACE}\">\n  <{action}Result>\n{result}  \
             </{action}Result>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  \
             </ResponseMetadata>\n</{action}Response>\n",
            ids::request_id()
        ),
    )
}

/// Escapes element text (quotes need no escaping outside attributes).
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub(crate) fn iso8601(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

pub(crate) fn handle(state: &mut State, req: &Request) -> Reply {
    let params = params(req);
    if find(&params, "Action") == Some("AssumeRoleWithSAML") {
        return crate::idp::assume_role_with_saml(state, &params);
    }
    let (caller_key, caller) = authenticate(state, req, "sts", error)?;
    match find(&params, "Action").unwrap_or_default() {
        "AssumeRole" => assume_role(state, &params, &caller_key, &caller),
        "GetSessionToken" => get_session_token(state, &params, &caller_key, &caller),
        "GetFederationToken" => get_federation_token(state, &params, &caller_key, &caller),
        "GetCallerIdentity" => {
            state.caller_identity_keys.push(caller_key);
            Ok(get_caller_identity(&caller))
        }
        "" => Err(error(400, "MissingAction", "Missing Action")),
        other => Err(error(
            400,
            "InvalidAction",
            &format!("Could not find operation {other} for version 2011-06-15"),
        )),
    }
}

/// The access key id and identity of the key that signed the request for `service`
/// (`sts`, `iam`); `error` writes the service's error answers.
pub(crate) fn authenticate(
    state: &State,
    req: &Request,
    service: &str,
    error: fn(u16, &str, &str) -> Response,
) -> Result<(String, Identity), Response> {
    let header = req.header("authorization").ok_or_else(|| {
        error(
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        )
    })?;
    let auth = sigv4::parse_authorization(header).ok_or_else(|| {
        error(
            400,
            "IncompleteSignature",
            &format!("Authorization header is not a valid AWS4-HMAC-SHA256 header: {header}"),
        )
    })?;
    let invalid_token = || {
        error(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )
    };
    let key = state
        .keys
        .get(&auth.access_key_id)
        .ok_or_else(invalid_token)?;
    if key.session_token.as_deref() != req.header("x-amz-security-token") {
        return Err(invalid_token());
    }
    if auth.service != service {
        return Err(error(
            403,
            "SignatureDoesNotMatch",
            &format!("Credential should be scoped to correct service: '{service}'."),
        ));
    }
    sigv4::verify(req, &auth, &key.secret)
        .map_err(|message| error(403, "SignatureDoesNotMatch", &message))?;
    if key.expires_at.is_some_and(|t| t <= now()) {
        return Err(error(
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
        ));
    }
    Ok((auth.access_key_id, key.identity.clone()))
}

fn get_caller_identity(caller: &Identity) -> Response {
    success(
        "GetCallerIdentity",
        &format!(
            "    <Arn>{}</Arn>\n    <UserId>{}</UserId>\n    <Account>{}</Account>\n",
            escape(&caller.arn),
            escape(&caller.user_id),
            escape(&caller.account)
        ),
    )
}

fn assume_role(
    state: &mut State,
    params: &[(String, String)],
    caller_key: &str,
    caller: &Identity,
) -> Reply {
    let param = |name| find(params, name).map(str::to_string);
    let call = AssumeRoleCall {
        role_arn: param("RoleArn").unwrap_or_default(),
        role_session_name: param("RoleSessionName").unwrap_or_default(),
        source_identity: param("SourceIdentity"),
        external_id: param("ExternalId"),
        serial_number: param("SerialNumber"),
        token_code: param("TokenCode"),
        duration_seconds: param("DurationSeconds"),
        caller_access_key_id: caller_key.to_string(),
        caller_arn: caller.arn.clone(),
    };
    state.assume_role_calls.push(call);
    let (role, session, duration) = validate_assume_role(params)?;
    check_mfa(state, params)?;
    let identity = Identity {
        arn: format!(
            "arn:{}:sts::{}:assumed-role/{}/{session}",
            role.partition, role.account, role.name
        ),
        user_id: format!("{}:{session}", ids::stable_unique_id("AROA", role.arn)),
        account: role.account.to_string(),
    };
    let keys = state.issue_keys(identity.clone(), Duration::from_secs(duration));
    Ok(success(
        "AssumeRole",
        &format!(
            "    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      \
             <Arn>{}</Arn>\n    </AssumedRoleUser>\n    <Credentials>\n      \
             <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      \
             <SessionToken>{}</SessionToken>\n      <Expiration>{}</Expiration>\n    \
             </Credentials>\n",
            escape(&identity.user_id),
            escape(&identity.arn),
            keys.access_key_id,
            keys.secret_access_key,
            keys.session_token,
            iso8601(keys.expires_at)
        ),
    ))
}

/// Whether the caller signed with a long-term key (an IAM user's), as
/// GetSessionToken and GetFederationToken require.
fn require_long_term_key(state: &State, caller_key: &str, action: &str) -> Result<(), Response> {
    let temporary = state
        .keys
        .get(caller_key)
        .is_some_and(|key| key.session_token.is_some());
    if temporary {
        return Err(error(
            403,
            "AccessDenied",
            &format!("Cannot call {action} with session credentials"),
        ));
    }
    Ok(())
}

/// A duration parameter within `range`, else `default`; a ValidationError otherwise.
fn duration_param(
    params: &[(String, String)],
    range: std::ops::RangeInclusive<u64>,
    default: u64,
) -> Result<u64, Response> {
    let Some(raw) = find(params, "DurationSeconds") else {
        return Ok(default);
    };
    match raw.parse::<u64>() {
        Ok(seconds) if range.contains(&seconds) => Ok(seconds),
        _ => Err(error(
            400,
            "ValidationError",
            &format!(
                "1 validation error detected: Value '{raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between {} and {}",
                range.start(),
                range.end()
            ),
        )),
    }
}

pub(crate) fn credentials_xml(keys: &crate::state::IssuedKeys) -> String {
    format!(
        "    <Credentials>\n      <AccessKeyId>{}</AccessKeyId>\n      \
         <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      \
         <Expiration>{}</Expiration>\n    </Credentials>\n",
        keys.access_key_id,
        keys.secret_access_key,
        keys.session_token,
        iso8601(keys.expires_at)
    )
}

/// Session credentials of the calling IAM user; with a SerialNumber, the MFA code
/// is checked as for AssumeRole.
fn get_session_token(
    state: &mut State,
    params: &[(String, String)],
    caller_key: &str,
    caller: &Identity,
) -> Reply {
    let param = |name| find(params, name).map(str::to_string);
    state.session_token_calls.push(SessionTokenCall {
        caller_access_key_id: caller_key.to_string(),
        serial_number: param("SerialNumber"),
        token_code: param("TokenCode"),
        duration_seconds: param("DurationSeconds"),
    });
    require_long_term_key(state, caller_key, "GetSessionToken")?;
    let duration = duration_param(params, 900..=129_600, 43_200)?;
    if find(params, "SerialNumber").is_some() && find(params, "TokenCode").is_none() {
        return Err(error(
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed, unable to validate MFA code.",
        ));
    }
    check_mfa(state, params)?;
    let keys = state.issue_keys(caller.clone(), Duration::from_secs(duration));
    Ok(success("GetSessionToken", &credentials_xml(&keys)))
}

/// Credentials of a federated user named `Name`, for the calling IAM user.
fn get_federation_token(
    state: &mut State,
    params: &[(String, String)],
    caller_key: &str,
    caller: &Identity,
) -> Reply {
    require_long_term_key(state, caller_key, "GetFederationToken")?;
    let name = find(params, "Name").unwrap_or_default().to_string();
    let valid_name = (2..=32).contains(&name.chars().count()) && name.chars().all(is_name_char);
    if !valid_name {
        return Err(error(
            400,
            "ValidationError",
            &format!(
                "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]{{2,32}}"
            ),
        ));
    }
    let duration = duration_param(params, 900..=129_600, 43_200)?;
    let identity = Identity {
        arn: format!("arn:aws:sts::{}:federated-user/{name}", caller.account),
        user_id: format!("{}:{name}", caller.account),
        account: caller.account.clone(),
    };
    let keys = state.issue_keys(identity.clone(), Duration::from_secs(duration));
    Ok(success(
        "GetFederationToken",
        &format!(
            "{}    <FederatedUser>\n      <FederatedUserId>{}</FederatedUserId>\n      \
             <Arn>{}</Arn>\n    </FederatedUser>\n",
            credentials_xml(&keys),
            escape(&identity.user_id),
            escape(&identity.arn)
        ),
    ))
}

struct RoleArn<'a> {
    arn: &'a str,
    partition: &'a str,
    account: &'a str,
    name: &'a str,
}

/// `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`
fn parse_role_arn(arn: &str) -> Option<RoleArn<'_>> {
    let mut parts = arn.splitn(6, ':');
    let (prefix, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
    let valid = prefix == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name.chars().all(is_name_char);
    valid.then_some(RoleArn {
        arn,
        partition,
        account,
        name,
    })
}

/// `[\w+=,.@-]`
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// Returns the role, the session name and the duration in seconds, or a
/// ValidationError listing every problem the way AWS words them.
fn validate_assume_role(params: &[(String, String)]) -> Result<(RoleArn<'_>, &str, u64), Response> {
    let mut problems = Vec::new();
    let violation = |value: &str, member: &str, constraint: &str| {
        format!(
            "Value '{value}' at '{member}' failed to satisfy constraint: Member must {constraint}"
        )
    };
    let null = |member: &str| {
        format!("Value null at '{member}' failed to satisfy constraint: Member must not be null")
    };

    let role_arn = find(params, "RoleArn");
    let role = role_arn.and_then(parse_role_arn);
    match role_arn {
        None => problems.push(null("roleArn")),
        Some(arn) if role.is_none() => {
            problems.push(violation(arn, "roleArn", "be a valid IAM role ARN"))
        }
        Some(_) => {}
    }

    let session = find(params, "RoleSessionName");
    match session {
        None => problems.push(null("roleSessionName")),
        Some(s) if s.chars().count() < 2 => problems.push(violation(
            s,
            "roleSessionName",
            "have length greater than or equal to 2",
        )),
        Some(s) if s.chars().count() > 64 => problems.push(violation(
            s,
            "roleSessionName",
            "have length less than or equal to 64",
        )),
        Some(s) if !s.chars().all(is_name_char) => problems.push(violation(
            s,
            "roleSessionName",
            r"satisfy regular expression pattern: [\w+=,.@-]*",
        )),
        Some(_) => {}
    }

    // SourceIdentity: as RoleSessionName, 2-64 characters of [\w+=,.@-].
    match find(params, "SourceIdentity") {
        Some(s) if !(2..=64).contains(&s.chars().count()) || !s.chars().all(is_name_char) => {
            problems.push(violation(
                s,
                "sourceIdentity",
                r"satisfy regular expression pattern: [\w+=,.@-]*",
            ))
        }
        _ => {}
    }

    let duration = match find(params, "DurationSeconds") {
        None => DEFAULT_DURATION,
        Some(raw) => match raw.parse::<u64>() {
            Ok(d) if d < 900 => {
                problems.push(violation(
                    raw,
                    "durationSeconds",
                    "have value greater than or equal to 900",
                ));
                0
            }
            Ok(d) if d > 43200 => {
                problems.push(violation(
                    raw,
                    "durationSeconds",
                    "have value less than or equal to 43200",
                ));
                0
            }
            Ok(d) => d,
            Err(_) => {
                problems.push(violation(raw, "durationSeconds", "be an integer"));
                0
            }
        },
    };

    if let Some(code) = find(params, "TokenCode") {
        if code.len() != 6 {
            problems.push(violation(code, "tokenCode", "have length equal to 6"));
        } else if !code.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(violation(
                code,
                "tokenCode",
                r"satisfy regular expression pattern: [\d]*",
            ));
        }
    }

    match (role, session) {
        (Some(role), Some(session)) if problems.is_empty() => Ok((role, session, duration)),
        _ => {
            let plural = if problems.len() == 1 { "" } else { "s" };
            let message = format!(
                "{} validation error{plural} detected: {}",
                problems.len(),
                problems.join("; ")
            );
            Err(error(400, "ValidationError", &message))
        }
    }
}

fn check_mfa(state: &State, params: &[(String, String)]) -> Result<(), Response> {
    if find(params, "SerialNumber").is_none() {
        return Ok(());
    }
    let denied = |message: &str| error(403, "AccessDenied", message);
    let code = find(params, "TokenCode")
        .ok_or_else(|| denied("MultiFactorAuthentication failed, unable to validate MFA code."))?;
    match &state.settings.mfa_code {
        Some(expected) if expected != code => Err(denied(
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn message(response: &Response) -> String {
        String::from_utf8_lossy(&response.body).into_owned()
    }

    #[test]
    fn role_arns() {
        let role = parse_role_arn("arn:aws:iam::123456789012:role/path/to/Admin").unwrap();
        assert_eq!((role.account, role.name), ("123456789012", "Admin"));
        assert!(parse_role_arn("arn:aws:iam::123:role/Admin").is_none());
        assert!(parse_role_arn("arn:aws:iam::123456789012:user/Admin").is_none());
        assert!(parse_role_arn("nonsense").is_none());
    }

    #[test]
    fn validation_errors_are_counted_and_worded_like_aws() {
        let params = pairs(&[
            ("RoleArn", "arn:aws:iam::123456789012:role/Admin"),
            ("RoleSessionName", "bad name"),
            ("DurationSeconds", "60"),
        ]);
        let err = validate_assume_role(&params).err().unwrap();
        assert_eq!(err.status, 400);
        let body = message(&err);
        assert!(body.contains("<Code>ValidationError</Code>"), "{body}");
        assert!(
            body.contains("2 validation errors detected: Value 'bad name' at 'roleSessionName'"),
            "{body}"
        );
        assert!(body.contains("greater than or equal to 900"), "{body}");
    }

    #[test]
    fn defaults_apply() {
        let params = pairs(&[
            ("RoleArn", "arn:aws:iam::123456789012:role/Admin"),
            ("RoleSessionName", "me@example.com"),
        ]);
        let (_, session, duration) = validate_assume_role(&params).ok().unwrap();
        assert_eq!((session, duration), ("me@example.com", 3600));
    }
}
