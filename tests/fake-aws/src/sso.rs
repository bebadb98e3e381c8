//! The SSO portal API (REST-JSON, bearer token in `x-amz-sso_bearer_token`).

use serde_json::json;

use crate::http::{Reply, Request, Response};
use crate::state::{State, sso_identity};

const BEARER: &str = "x-amz-sso_bearer_token";
const MAX_PAGE: usize = 100;

/// A REST-JSON error: the SDKs read the type from `x-amzn-errortype`, falling back to
/// `__type` in the body.
pub(crate) fn error(status: u16, code: &str, message: &str) -> Response {
    Response::json(status, &json!({ "__type": code, "message": message }))
        .with_header("x-amzn-errortype", code)
}

fn unauthorized() -> Response {
    error(
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    )
}

fn invalid_request(message: &str) -> Response {
    error(400, "InvalidRequestException", message)
}

fn require_token(state: &State, req: &Request) -> Result<(), Response> {
    let token = req.header(BEARER).ok_or_else(unauthorized)?;
    state
        .valid_access_token(token)
        .map(|_| ())
        .ok_or_else(unauthorized)
}

fn required_param<'a>(req: &'a Request, name: &str) -> Result<&'a str, Response> {
    req.query_param(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid_request(&format!("Missing required parameter {name}")))
}

pub(crate) fn get_role_credentials(state: &mut State, req: &Request) -> Reply {
    require_token(state, req)?;
    let role = required_param(req, "role_name")?;
    let account = required_param(req, "account_id")?;
    if !state.directory.has_role(account, role) {
        return Err(error(403, "ForbiddenException", "No access"));
    }
    let identity = sso_identity(account, role, &state.settings.sso_user);
    let lifetime = state.settings.role_credentials_lifetime;
    let keys = state.issue_keys(identity, lifetime);
    let expiration_ms = keys.expires_at.unix_timestamp_nanos() / 1_000_000;
    Ok(Response::json(
        200,
        &json!({
            "roleCredentials": {
                "accessKeyId": keys.access_key_id,
                "secretAccessKey": keys.secret_access_key,
                "sessionToken": keys.session_token,
                "expiration": expiration_ms as i64,
            }
        }),
    ))
}

pub(crate) fn list_accounts(state: &State, req: &Request) -> Reply {
    require_token(state, req)?;
    let accounts: Vec<_> = state
        .directory
        .accounts()
        .iter()
        .map(|a| json!({ "accountId": a.id, "accountName": a.name, "emailAddress": a.email }))
        .collect();
    let (page, next) = paginate(&accounts, req, state.settings.default_page_size)?;
    Ok(page_response("accountList", page, next))
}

/// An account outside the directory has no roles: an empty list, as for any account
/// the user cannot reach.
pub(crate) fn list_account_roles(state: &State, req: &Request) -> Reply {
    require_token(state, req)?;
    let account_id = required_param(req, "account_id")?;
    let roles: Vec<_> = state
        .directory
        .account(account_id)
        .map(|a| a.roles.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|role| json!({ "roleName": role, "accountId": account_id }))
        .collect();
    let (page, next) = paginate(&roles, req, state.settings.default_page_size)?;
    Ok(page_response("roleList", page, next))
}

pub(crate) fn logout(state: &mut State, req: &Request) -> Reply {
    match req.header(BEARER) {
        Some(token) if state.logout(token) => Ok(Response::json(200, &json!({}))),
        _ => Err(unauthorized()),
    }
}

fn page_response(list_name: &str, page: &[serde_json::Value], next: Option<String>) -> Response {
    let mut body = json!({ list_name: page });
    if let Some(next) = next {
        body["nextToken"] = json!(next);
    }
    Response::json(200, &body)
}

/// Offset pagination; the next token is an opaque-looking encoding of the offset.
fn paginate<'a, T>(
    items: &'a [T],
    req: &Request,
    default_size: usize,
) -> Result<(&'a [T], Option<String>), Response> {
    let size = match req.query_param("max_result").filter(|v| !v.is_empty()) {
        None => default_size.clamp(1, MAX_PAGE),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| invalid_request("max_result must be between 1 and 100"))?,
    };
    let start = match req.query_param("next_token").filter(|v| !v.is_empty()) {
        None => 0,
        Some(token) => decode_next_token(token)
            .filter(|n| *n <= items.len())
            .ok_or_else(|| invalid_request("Invalid next token"))?,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| encode_next_token(end));
    Ok((&items[start..end], next))
}

fn encode_next_token(offset: usize) -> String {
    format!("fakeNext{offset:08}")
}

fn decode_next_token(token: &str) -> Option<usize> {
    token.strip_prefix("fakeNext")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str) -> Request {
        Request::new("GET", &format!("/x?{query}"), vec![], vec![])
    }

    #[test]
    fn pages_cover_every_item_once() {
        let items: Vec<u32> = (0..45).collect();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let query = match &token {
                Some(t) => format!("max_result=20&next_token={t}"),
                None => "max_result=20".to_string(),
            };
            let (page, next) = paginate(&items, &request(&query), 20).unwrap();
            seen.extend_from_slice(page);
            match next {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, items);
    }

    #[test]
    fn bad_page_parameters_are_rejected() {
        let items = [1, 2, 3];
        for query in [
            "max_result=0",
            "max_result=101",
            "max_result=x",
            "next_token=zz",
        ] {
            let err = paginate(&items, &request(query), 20).unwrap_err();
            assert_eq!(err.status, 400, "{query}");
        }
    }
}
