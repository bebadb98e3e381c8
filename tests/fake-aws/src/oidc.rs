//! SSO OIDC (REST-JSON): client registration, device and authorization-code grants,
//! refresh, plus the two browser pages (`/authorize`, `/device`).

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::http::{Reply, Request, Response};
use crate::ids;
use crate::state::{AuthCode, State, Tokens, now};

pub(crate) const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const AUTH_CODE_LIFETIME: Duration = Duration::from_secs(300);

/// An OIDC error: the OAuth body `{"error","error_description"}`, and the exception
/// name in `x-amzn-errortype`, which is what the SDKs map to a typed error.
pub(crate) fn error(status: u16, code: &str, description: &str) -> Response {
    Response::json(
        status,
        &json!({ "error": oauth_error(code), "error_description": description }),
    )
    .with_header("x-amzn-errortype", code)
}

fn oauth_error(code: &str) -> String {
    let known = match code {
        "AuthorizationPendingException" => "authorization_pending",
        "SlowDownException" => "slow_down",
        "ExpiredTokenException" => "expired_token",
        "InvalidGrantException" => "invalid_grant",
        "AccessDeniedException" => "access_denied",
        "InvalidClientException" => "invalid_client",
        "InvalidRequestException" => "invalid_request",
        "InternalServerException" => "server_error",
        "UnsupportedGrantTypeException" => "unsupported_grant_type",
        "InvalidClientMetadataException" => "invalid_client_metadata",
        _ => "",
    };
    if known.is_empty() {
        code.trim_end_matches("Exception").to_ascii_lowercase()
    } else {
        known.to_string()
    }
}

fn invalid_request(description: &str) -> Response {
    error(400, "InvalidRequestException", description)
}

fn invalid_grant(description: &str) -> Response {
    error(400, "InvalidGrantException", description)
}

fn invalid_client() -> Response {
    error(
        401,
        "InvalidClientException",
        "Client authentication failed: unknown client, wrong secret or expired registration",
    )
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, Response> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| invalid_request(&format!("{name} is required")))
}

fn parse_json<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T, Response> {
    req.json().map_err(|e| invalid_request(&e))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterClientInput {
    client_name: Option<String>,
    client_type: Option<String>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<String>>,
}

pub(crate) fn register_client(state: &mut State, req: &Request) -> Reply {
    let input: RegisterClientInput = parse_json(req)?;
    required(&input.client_name, "clientName")?;
    if required(&input.client_type, "clientType")? != "public" {
        return Err(error(
            400,
            "InvalidClientMetadataException",
            "clientType must be public",
        ));
    }
    let registration = state.register_client(
        input.scopes.unwrap_or_default(),
        input.redirect_uris.unwrap_or_default(),
    );
    Ok(Response::json(
        200,
        &json!({
            "clientId": registration.client_id,
            "clientSecret": registration.client_secret,
            "clientIdIssuedAt": registration.issued_at,
            "clientSecretExpiresAt": registration.expires_at,
        }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartDeviceAuthorizationInput {
    client_id: Option<String>,
    client_secret: Option<String>,
    start_url: Option<String>,
}

pub(crate) fn start_device_authorization(state: &mut State, req: &Request) -> Reply {
    let input: StartDeviceAuthorizationInput = parse_json(req)?;
    let client_id = required(&input.client_id, "clientId")?;
    let secret = required(&input.client_secret, "clientSecret")?;
    required(&input.start_url, "startUrl")?;
    state
        .authenticated_client(client_id, secret)
        .ok_or_else(invalid_client)?;
    let (device_code, user_code) = state.start_device_grant(client_id);
    let verification_uri = format!("{}/device", state.base_url);
    let verification_uri_complete = format!("{verification_uri}?user_code={user_code}");
    let replaced = state
        .settings
        .device_authorization_override
        .clone()
        .unwrap_or_default();
    Ok(Response::json(
        200,
        &json!({
            "deviceCode": device_code,
            "userCode": replaced.user_code.unwrap_or(user_code),
            "verificationUri": replaced.verification_uri.unwrap_or(verification_uri),
            "verificationUriComplete": replaced
                .verification_uri_complete
                .unwrap_or(verification_uri_complete),
            "expiresIn": state.settings.device_code_lifetime.as_secs(),
            "interval": state.settings.device_poll_interval.as_secs(),
        }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTokenInput {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    device_code: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

/// Short grant name used in counter and fault names (`CreateToken:<grant>`).
pub(crate) fn grant_label(req: &Request) -> Option<String> {
    let grant = req
        .json::<CreateTokenInput>()
        .ok()?
        .grant_type
        .filter(|g| !g.is_empty())?;
    Some(match grant.as_str() {
        DEVICE_GRANT => "device_code".to_string(),
        _ => grant,
    })
}

pub(crate) fn create_token(state: &mut State, req: &Request) -> Reply {
    let input: CreateTokenInput = parse_json(req)?;
    let client_id = required(&input.client_id, "clientId")?;
    let secret = required(&input.client_secret, "clientSecret")?;
    let grant_type = required(&input.grant_type, "grantType")?;
    state
        .authenticated_client(client_id, secret)
        .ok_or_else(invalid_client)?;
    let tokens = match grant_type {
        DEVICE_GRANT => device_code_grant(state, client_id, &input)?,
        "authorization_code" => authorization_code_grant(state, client_id, &input)?,
        "refresh_token" => refresh_token_grant(state, client_id, &input)?,
        other => {
            return Err(error(
                400,
                "UnsupportedGrantTypeException",
                &format!("Unsupported grant type {other}"),
            ));
        }
    };
    let mut body = json!({
        "accessToken": tokens.access_token,
        "tokenType": "Bearer",
        "expiresIn": tokens.expires_in,
    });
    if let Some(refresh) = tokens.refresh_token {
        body["refreshToken"] = json!(refresh);
    }
    Ok(Response::json(200, &body))
}

fn device_code_grant(
    state: &mut State,
    client_id: &str,
    input: &CreateTokenInput,
) -> Result<Tokens, Response> {
    let device_code = required(&input.device_code, "deviceCode")?;
    let settings = state.settings.clone();
    let grant = state
        .devices
        .get_mut(device_code)
        .filter(|g| g.client_id == client_id)
        .ok_or_else(|| invalid_grant("Invalid device code provided"))?;
    if grant.expires_at <= now() {
        return Err(error(
            400,
            "ExpiredTokenException",
            "Device code has expired",
        ));
    }
    grant.polls += 1;
    let too_soon = grant.last_poll.is_some_and(|last| {
        settings.enforce_poll_interval
            && last.elapsed() < settings.device_poll_interval - settings.device_poll_interval / 5
    });
    grant.last_poll = Some(Instant::now());
    if too_soon || settings.slow_down_polls.contains(&grant.polls) {
        return Err(error(
            400,
            "SlowDownException",
            "Client is polling too fast",
        ));
    }
    if grant.denied {
        return Err(error(
            400,
            "AccessDeniedException",
            "The user denied the authorization request",
        ));
    }
    if !grant.approved || grant.pending_answers < settings.pending_polls {
        grant.pending_answers += 1;
        return Err(error(
            400,
            "AuthorizationPendingException",
            "Authorization is still pending",
        ));
    }
    state.devices.remove(device_code);
    let session = state.new_session();
    Ok(state.issue_tokens(client_id, session))
}

fn authorization_code_grant(
    state: &mut State,
    client_id: &str,
    input: &CreateTokenInput,
) -> Result<Tokens, Response> {
    let code = required(&input.code, "code")?;
    let redirect_uri = required(&input.redirect_uri, "redirectUri")?;
    let verifier = required(&input.code_verifier, "codeVerifier")?;
    // Codes are single-use: a failed redemption burns the code too.
    let grant = state
        .auth_codes
        .remove(code)
        .filter(|g| g.client_id == client_id && g.expires_at > now())
        .ok_or_else(|| invalid_grant("Invalid authorization code provided"))?;
    if grant.redirect_uri != redirect_uri {
        return Err(invalid_grant(
            "redirectUri does not match the authorization request",
        ));
    }
    if pkce_challenge(verifier) != grant.challenge {
        return Err(invalid_grant(
            "Code verifier does not match the code challenge",
        ));
    }
    let session = state.new_session();
    Ok(state.issue_tokens(client_id, session))
}

fn refresh_token_grant(
    state: &mut State,
    client_id: &str,
    input: &CreateTokenInput,
) -> Result<Tokens, Response> {
    let token = required(&input.refresh_token, "refreshToken")?;
    let session = state
        .refresh_tokens
        .get(token)
        .filter(|t| t.client_id == client_id)
        .map(|t| t.session)
        .ok_or_else(|| invalid_grant("Invalid refresh token provided"))?;
    state.refresh_tokens.remove(token);
    Ok(state.issue_tokens(client_id, session))
}

/// S256: base64url without padding of SHA-256 of the verifier.
pub(crate) fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `GET /authorize`: approves at once and redirects to the loopback `redirect_uri`
/// with `code` and `state`. Problems with the client or redirect URI cannot be sent
/// back to the app, so they get a 400 page, as a real authorization server does.
pub(crate) fn authorize(state: &mut State, req: &Request) -> Reply {
    let param = |name| req.query_param(name).unwrap_or_default();
    let client_id = param("client_id");
    let redirect_uri = param("redirect_uri");
    let client = state
        .clients
        .get(client_id)
        .filter(|c| c.expires_at > now())
        .ok_or_else(|| Response::text(400, "Unknown or expired client_id"))?;
    let path = loopback_path(redirect_uri)
        .ok_or_else(|| Response::text(400, "redirect_uri must be http://127.0.0.1:<port>/..."))?;
    let registered = client.redirect_uris.is_empty()
        || client
            .redirect_uris
            .iter()
            .any(|uri| loopback_path(uri) == Some(path));
    if !registered {
        return Err(Response::text(400, "redirect_uri was not registered"));
    }
    let client_state = req.query_param("state");
    if param("response_type") != "code" {
        return Ok(redirect_with(
            redirect_uri,
            &[("error", "unsupported_response_type")],
            client_state,
        ));
    }
    let challenge = param("code_challenge");
    if param("code_challenge_method") != "S256" || challenge.is_empty() {
        return Ok(redirect_with(
            redirect_uri,
            &[("error", "invalid_request")],
            client_state,
        ));
    }
    let code = ids::auth_code();
    state.auth_codes.insert(
        code.clone(),
        AuthCode {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            challenge: challenge.to_string(),
            expires_at: now() + AUTH_CODE_LIFETIME,
        },
    );
    Ok(redirect_with(
        redirect_uri,
        &[("code", &code)],
        client_state,
    ))
}

fn redirect_with(uri: &str, params: &[(&str, &str)], client_state: Option<&str>) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(params);
    if let Some(s) = client_state {
        query.append_pair("state", s);
    }
    let separator = if uri.contains('?') { '&' } else { '?' };
    Response::redirect(&format!("{uri}{separator}{}", query.finish()))
}

/// The path of an `http://` loopback URI (any port), or `None` if it is not one.
fn loopback_path(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("http://")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = match authority.find(']') {
        Some(end) => (&authority[..=end], authority[end + 1..].strip_prefix(':')),
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
    let path = path.split(['?', '#']).next().unwrap_or_default();
    (matches!(host, "127.0.0.1" | "localhost" | "[::1]") && port_ok).then_some(path)
}

/// `GET /device?user_code=..[&action=deny]`: the "browser" step of the device flow.
pub(crate) fn device_page(state: &mut State, req: &Request) -> Reply {
    let Some(user_code) = req.query_param("user_code").filter(|c| !c.is_empty()) else {
        return Ok(Response::html(
            200,
            "<!doctype html><title>fake-aws device login</title>\
             <form method=get action=/device><label>User code \
             <input name=user_code autofocus></label> <button>Approve</button></form>",
        ));
    };
    let approve = req.query_param("action") != Some("deny");
    if !state.decide_device(user_code, approve) {
        return Err(Response::html(404, "<p>Unknown user code.</p>"));
    }
    let verdict = if approve { "approved" } else { "denied" };
    Ok(Response::html(
        200,
        &format!("<p>Request {verdict}. You can close this window.</p>"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_is_unpadded_base64url_of_sha256() {
        // Computed independently with Python's hashlib and base64.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mJ92K9yBSRGe2UxpNLdYs1UWkx8AAw"),
            "8UZdpVWDTeorXHXKTJuRjm9_MmCU3YIiK_-nRbMXn6I"
        );
    }

    #[test]
    fn loopback_uris() {
        assert_eq!(
            loopback_path("http://127.0.0.1:5555/oauth/callback"),
            Some("/oauth/callback")
        );
        assert_eq!(
            loopback_path("http://127.0.0.1/oauth/callback"),
            Some("/oauth/callback")
        );
        assert_eq!(loopback_path("http://[::1]:80/cb?x=1"), Some("/cb"));
        assert_eq!(loopback_path("https://127.0.0.1:5555/cb"), None);
        assert_eq!(loopback_path("http://evil.example:5555/cb"), None);
        assert_eq!(loopback_path("http://127.0.0.1:99999/cb"), None);
    }

    #[test]
    fn oauth_error_names() {
        assert_eq!(
            oauth_error("AuthorizationPendingException"),
            "authorization_pending"
        );
        assert_eq!(oauth_error("TooManyRequestsException"), "toomanyrequests");
    }
}
