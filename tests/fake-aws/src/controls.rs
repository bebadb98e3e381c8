//! `/_fake/...`: the test controls over HTTP (JSON in, JSON out) for shells, Python
//! tests and humans. Mirrors the Rust API of `FakeAws`.

use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::directory::Account;
use crate::faults::Failure;
use crate::http::{Reply, Request, Response};
use crate::state::{Settings, State, lock, user_identity};

const HELP: &str = "fake-aws: a fake of the AWS SSO portal, SSO OIDC and STS.

Point the SDKs here with AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC and
AWS_ENDPOINT_URL_STS set to this base URL. Browser pages: /device, /authorize.

Controls (JSON bodies):
  GET  /_fake/counts                 request counters by operation
  POST /_fake/fail                   {\"op\",\"status\",\"times\"?,\"code\"?,\"body\"?}
  POST /_fake/delay                  {\"op\",\"ms\"}
  POST /_fake/reset-faults
  POST /_fake/reset                  counters, faults and recorded calls
  GET  /_fake/settings               current settings (durations in seconds)
  POST /_fake/settings               any subset of the settings fields
  POST /_fake/mint-token             {\"expires_in\"?} -> {\"accessToken\"}
  POST /_fake/register-client        {\"scopes\"?} -> {\"clientId\",\"clientSecret\",...}
  POST /_fake/mint-refresh-token     {\"client_id\"} -> {\"refreshToken\"}
  POST /_fake/expire-token           {\"token\"}
  POST /_fake/revoke-token           {\"token\"}
  POST /_fake/approve                {\"user_code\"?} (default: the latest one)
  POST /_fake/deny                   {\"user_code\"?}
  POST /_fake/static-key             {\"access_key_id\",\"secret_access_key\",\"account\",\"user\"}
  GET  /_fake/directory
  POST /_fake/add-account            {\"id\",\"name\",\"roles\"}
  POST /_fake/remove-role            {\"account_id\",\"role_name\"}
  GET  /_fake/assume-role-calls
  GET  /_fake/console-logins
  GET  /_fake/issued-secrets
";

pub(crate) fn index() -> Response {
    Response::text(200, HELP)
}

pub(crate) fn handle(shared: &Mutex<State>, req: &Request) -> Response {
    let mut state = lock(shared);
    let path = req.path.trim_end_matches('/');
    let reply = match (req.method.as_str(), path) {
        ("GET", "/_fake") => Ok(index()),
        ("GET", "/_fake/counts") => Ok(ok(json!(state.faults.counters()))),
        ("POST", "/_fake/fail") => fail(&mut state, req),
        ("POST", "/_fake/delay") => delay(&mut state, req),
        ("POST", "/_fake/reset-faults") => {
            state.faults.clear();
            Ok(done())
        }
        ("POST", "/_fake/reset") => {
            state.reset_recordings();
            Ok(done())
        }
        ("GET", "/_fake/settings") => Ok(ok(settings_json(&state.settings))),
        ("POST", "/_fake/settings") => update_settings(&mut state, req),
        ("POST", "/_fake/mint-token") => mint_token(&mut state, req),
        ("POST", "/_fake/register-client") => register_client(&mut state, req),
        ("POST", "/_fake/mint-refresh-token") => mint_refresh_token(&mut state, req),
        ("POST", "/_fake/expire-token") => {
            token_action(req).map(|t| found(state.expire_access_token(&t)))
        }
        ("POST", "/_fake/revoke-token") => token_action(req).map(|t| found(state.revoke_token(&t))),
        ("POST", "/_fake/approve") => decide_device(&mut state, req, true),
        ("POST", "/_fake/deny") => decide_device(&mut state, req, false),
        ("POST", "/_fake/static-key") => static_key(&mut state, req),
        ("GET", "/_fake/directory") => Ok(ok(json!(state.directory))),
        ("POST", "/_fake/add-account") => add_account(&mut state, req),
        ("POST", "/_fake/remove-role") => remove_role(&mut state, req),
        ("GET", "/_fake/assume-role-calls") => Ok(ok(json!(state.assume_role_calls))),
        ("GET", "/_fake/console-logins") => Ok(ok(json!(state.console_logins))),
        ("GET", "/_fake/issued-secrets") => Ok(ok(json!(state.issued_secrets()))),
        _ => Err(bad(404, "unknown control; GET /_fake lists them")),
    };
    reply.unwrap_or_else(|e| e)
}

fn ok(value: Value) -> Response {
    Response::json(200, &value)
}

fn done() -> Response {
    ok(json!({ "ok": true }))
}

fn found(hit: bool) -> Response {
    if hit { done() } else { bad(404, "not found") }
}

fn bad(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

fn body<T: DeserializeOwned>(req: &Request) -> Result<T, Response> {
    req.json().map_err(|e| bad(400, &e))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailInput {
    op: String,
    status: u16,
    times: Option<u32>,
    code: Option<String>,
    body: Option<String>,
}

fn fail(state: &mut State, req: &Request) -> Reply {
    let input: FailInput = body(req)?;
    let failure = Failure {
        status: input.status,
        code: input.code,
        remaining: input.times,
        body: input.body,
    };
    state.faults.set_failure(&input.op, failure);
    Ok(done())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DelayInput {
    op: String,
    ms: u64,
}

fn delay(state: &mut State, req: &Request) -> Reply {
    let input: DelayInput = body(req)?;
    state
        .faults
        .set_delay(&input.op, Duration::from_millis(input.ms));
    Ok(done())
}

fn settings_json(s: &Settings) -> Value {
    json!({
        "role_credentials_lifetime": s.role_credentials_lifetime.as_secs(),
        "access_token_lifetime": s.access_token_lifetime.as_secs(),
        "registration_lifetime": s.registration_lifetime.as_secs(),
        "device_code_lifetime": s.device_code_lifetime.as_secs(),
        "device_poll_interval": s.device_poll_interval.as_secs(),
        "enforce_poll_interval": s.enforce_poll_interval,
        "auto_approve": s.auto_approve,
        "pending_polls": s.pending_polls,
        "slow_down_polls": s.slow_down_polls,
        "default_page_size": s.default_page_size,
        "sso_user": s.sso_user,
        "mfa_code": s.mfa_code,
    })
}

/// Settings fields as in [`settings_json`]; durations in seconds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsPatch {
    role_credentials_lifetime: Option<u64>,
    access_token_lifetime: Option<u64>,
    registration_lifetime: Option<u64>,
    device_code_lifetime: Option<u64>,
    device_poll_interval: Option<u64>,
    enforce_poll_interval: Option<bool>,
    auto_approve: Option<bool>,
    pending_polls: Option<u32>,
    slow_down_polls: Option<Vec<u32>>,
    default_page_size: Option<usize>,
    sso_user: Option<String>,
    /// `""` clears it.
    mfa_code: Option<String>,
}

fn update_settings(state: &mut State, req: &Request) -> Reply {
    let patch: SettingsPatch = body(req)?;
    let s = &mut state.settings;
    let secs = Duration::from_secs;
    if let Some(v) = patch.role_credentials_lifetime {
        s.role_credentials_lifetime = secs(v);
    }
    if let Some(v) = patch.access_token_lifetime {
        s.access_token_lifetime = secs(v);
    }
    if let Some(v) = patch.registration_lifetime {
        s.registration_lifetime = secs(v);
    }
    if let Some(v) = patch.device_code_lifetime {
        s.device_code_lifetime = secs(v);
    }
    if let Some(v) = patch.device_poll_interval {
        s.device_poll_interval = secs(v);
    }
    s.enforce_poll_interval = patch
        .enforce_poll_interval
        .unwrap_or(s.enforce_poll_interval);
    s.auto_approve = patch.auto_approve.unwrap_or(s.auto_approve);
    s.pending_polls = patch.pending_polls.unwrap_or(s.pending_polls);
    if let Some(v) = patch.slow_down_polls {
        s.slow_down_polls = v;
    }
    s.default_page_size = patch.default_page_size.unwrap_or(s.default_page_size);
    if let Some(v) = patch.sso_user {
        s.sso_user = v;
    }
    if let Some(v) = patch.mfa_code {
        s.mfa_code = (!v.is_empty()).then_some(v);
    }
    Ok(ok(settings_json(s)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MintTokenInput {
    /// Seconds; default: the access token lifetime setting.
    expires_in: Option<u64>,
}

fn mint_token(state: &mut State, req: &Request) -> Reply {
    let input: MintTokenInput = body(req)?;
    let lifetime = input
        .expires_in
        .map_or(state.settings.access_token_lifetime, Duration::from_secs);
    let session = state.new_session();
    let token = state.mint_access_token(session, lifetime);
    Ok(ok(
        json!({ "accessToken": token, "expiresIn": lifetime.as_secs() }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterClientInput {
    #[serde(default)]
    scopes: Vec<String>,
}

fn register_client(state: &mut State, req: &Request) -> Reply {
    let input: RegisterClientInput = body(req)?;
    let registration = state.register_client(input.scopes, Vec::new());
    Ok(ok(json!({
        "clientId": registration.client_id,
        "clientSecret": registration.client_secret,
        "clientIdIssuedAt": registration.issued_at,
        "clientSecretExpiresAt": registration.expires_at,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientInput {
    client_id: String,
}

fn mint_refresh_token(state: &mut State, req: &Request) -> Reply {
    let input: ClientInput = body(req)?;
    if !state.clients.contains_key(&input.client_id) {
        return Err(bad(404, "unknown client_id"));
    }
    let session = state.new_session();
    let token = state.mint_refresh_token(&input.client_id, session);
    Ok(ok(json!({ "refreshToken": token })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenInput {
    token: String,
}

fn token_action(req: &Request) -> Result<String, Response> {
    body::<TokenInput>(req).map(|input| input.token)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceInput {
    user_code: Option<String>,
}

fn decide_device(state: &mut State, req: &Request, approve: bool) -> Reply {
    let input: DeviceInput = body(req)?;
    let user_code = input
        .user_code
        .or_else(|| state.last_user_code.clone())
        .ok_or_else(|| bad(404, "no device authorization has started"))?;
    if state.decide_device(&user_code, approve) {
        Ok(ok(json!({ "userCode": user_code, "approved": approve })))
    } else {
        Err(bad(404, "unknown user code"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaticKeyInput {
    access_key_id: String,
    secret_access_key: String,
    account: String,
    user: String,
}

fn static_key(state: &mut State, req: &Request) -> Reply {
    let input: StaticKeyInput = body(req)?;
    let identity = user_identity(&input.account, &input.user);
    state.register_static_key(&input.access_key_id, &input.secret_access_key, identity);
    Ok(done())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountInput {
    id: String,
    name: String,
    #[serde(default)]
    roles: Vec<String>,
    email: Option<String>,
}

fn add_account(state: &mut State, req: &Request) -> Reply {
    let input: AccountInput = body(req)?;
    let roles: Vec<&str> = input.roles.iter().map(String::as_str).collect();
    let mut account = Account::new(&input.id, &input.name, &roles);
    if let Some(email) = input.email {
        account.email = email;
    }
    state.directory.add_account(account);
    Ok(done())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleInput {
    account_id: String,
    role_name: String,
}

fn remove_role(state: &mut State, req: &Request) -> Reply {
    let input: RoleInput = body(req)?;
    Ok(found(
        state
            .directory
            .remove_role(&input.account_id, &input.role_name),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Directory;

    fn state() -> Mutex<State> {
        Mutex::new(State::new(
            Settings::default(),
            Directory::default(),
            "http://127.0.0.1:1".into(),
        ))
    }

    fn call(shared: &Mutex<State>, method: &str, path: &str, body: &str) -> (u16, Value) {
        let req = Request::new(method, path, vec![], body.as_bytes().to_vec());
        let response = handle(shared, &req);
        let value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        (response.status, value)
    }

    #[test]
    fn bad_json_is_a_400() {
        let shared = state();
        let (status, body) = call(&shared, "POST", "/_fake/fail", "{not json");
        assert_eq!(status, 400);
        assert!(body["error"].as_str().unwrap().contains("invalid JSON"));
        let (status, _) = call(&shared, "POST", "/_fake/fail", r#"{"op":"X"}"#);
        assert_eq!(status, 400);
    }

    #[test]
    fn a_fault_can_answer_with_a_raw_body() {
        let shared = state();
        let (status, _) = call(
            &shared,
            "POST",
            "/_fake/fail",
            r#"{"op":"ListAccounts","status":200,"times":1,"body":"{\"accountList\": [tru"}"#,
        );
        assert_eq!(status, 200);
        let req = Request::new("GET", "/assignment/accounts", vec![], vec![]);
        let response = crate::router::handle(&shared, &req);
        assert_eq!(response.status, 200);
        assert_eq!(response.body, br#"{"accountList": [tru"#);
        let response = crate::router::handle(&shared, &req);
        assert_ne!(response.body, br#"{"accountList": [tru"#, "only once");
    }

    #[test]
    fn settings_can_be_patched() {
        let shared = state();
        let (status, body) = call(
            &shared,
            "POST",
            "/_fake/settings",
            r#"{"auto_approve":false,"device_poll_interval":3,"mfa_code":"123456"}"#,
        );
        assert_eq!(status, 200);
        assert_eq!(body["auto_approve"], json!(false));
        let settings = lock(&shared).settings.clone();
        assert_eq!(settings.device_poll_interval, Duration::from_secs(3));
        assert_eq!(settings.mfa_code.as_deref(), Some("123456"));
        let (status, _) = call(&shared, "POST", "/_fake/settings", r#"{"nope":1}"#);
        assert_eq!(status, 400);
    }

    #[test]
    fn minted_tokens_are_listed_as_secrets() {
        let shared = state();
        let (status, body) = call(&shared, "POST", "/_fake/mint-token", "");
        assert_eq!(status, 200);
        let (_, secrets) = call(&shared, "GET", "/_fake/issued-secrets", "");
        assert_eq!(secrets, json!([body["accessToken"]]));
    }
}
