//! The AWS federation endpoint (`/federation`), as the console sign-in uses it:
//! `Action=getSigninToken&Session={"sessionId","sessionKey","sessionToken"}` answers
//! `{"SigninToken"}` for temporary keys this fake issued and that have not expired;
//! `Action=login&SigninToken=...&Destination=...` with a valid token answers an
//! HTML page and records the login. Anything else is a 400, as AWS answers.

use std::time::Duration;

use crate::http::{Reply, Request, Response};
use crate::ids;
use crate::state::{ConsoleLogin, SigninToken, State, expiry, now};

/// How long a sign-in token can be used, as at AWS.
const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The operation a `/federation` request is counted under.
pub(crate) fn action(req: &Request) -> String {
    match req.query_param("Action") {
        Some("getSigninToken") => "GetSigninToken".to_string(),
        Some("login") => "ConsoleLogin".to_string(),
        _ => "FederationUnknownAction".to_string(),
    }
}

fn refuse(message: &str) -> Response {
    Response::text(400, &format!("fake-aws federation: {message}"))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Session {
    session_id: String,
    session_key: String,
    session_token: String,
}

pub(crate) fn get_signin_token(state: &mut State, req: &Request) -> Reply {
    let session = req
        .query_param("Session")
        .ok_or_else(|| refuse("Session is missing"))?;
    let session: Session =
        serde_json::from_str(session).map_err(|_| refuse("Session is not the JSON expected"))?;
    if req.query_param("SessionDuration").is_some() {
        // AWS refuses SessionDuration for role credentials obtained by chaining; the
        // fake refuses it for every session, as grant never needs to send it.
        return Err(refuse(
            "SessionDuration is not allowed for these credentials",
        ));
    }
    let key = state
        .keys
        .get(&session.session_id)
        .ok_or_else(|| refuse("unknown sessionId"))?;
    let valid = key.secret == session.session_key
        && key.session_token.as_deref() == Some(session.session_token.as_str())
        && key.expires_at.is_some_and(|at| at > now());
    if !valid {
        return Err(refuse("the session keys are wrong, long-term or expired"));
    }
    // As AWS: only AssumeRole and GetFederationToken sessions sign in; an IAM
    // user's GetSessionToken session (still the user's own ARN) does not.
    if key.identity.arn.contains(":user/") {
        return Err(refuse(
            "GetSessionToken credentials cannot sign in; use GetFederationToken",
        ));
    }
    let token = ids::signin_token();
    let entry = SigninToken {
        access_key_id: session.session_id.clone(),
        arn: key.identity.arn.clone(),
        expires_at: expiry(TOKEN_LIFETIME),
    };
    state.add_signin_token(&token, entry);
    Ok(Response::json(
        200,
        &serde_json::json!({ "SigninToken": token }),
    ))
}

pub(crate) fn login(state: &mut State, req: &Request) -> Reply {
    let token = req
        .query_param("SigninToken")
        .ok_or_else(|| refuse("SigninToken is missing"))?;
    let destination = req
        .query_param("Destination")
        .ok_or_else(|| refuse("Destination is missing"))?;
    let entry = state
        .signin_tokens
        .get(token)
        .filter(|entry| entry.expires_at > now())
        .cloned()
        .ok_or_else(|| refuse("the SigninToken is unknown or expired"))?;
    state.console_logins.push(ConsoleLogin {
        destination: destination.to_string(),
        arn: entry.arn.clone(),
        access_key_id: entry.access_key_id,
    });
    Ok(Response::html(
        200,
        &format!(
            "<!DOCTYPE html><html><head><title>fake console</title></head><body><h1 id=\"signed-in\">Signed in to the fake AWS console</h1><p id=\"arn\">{}</p><p id=\"destination\">{}</p></body></html>",
            escape(&entry.arn),
            escape(destination)
        ),
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
