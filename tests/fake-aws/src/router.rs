//! Maps method + path to an operation, applies counters and fault switches, then hands
//! the request to its service module.

use std::sync::Mutex;

use crate::controls;
use crate::faults::Failure;
use crate::http::{Request, Response};
use crate::state::{State, lock};
use crate::{iam, idp, oidc, signin, sso, sts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Portal,
    Oidc,
    Sts,
    /// IAM's access-key actions, on the same `POST /` as STS.
    Iam,
    /// Pages a browser opens (`/authorize`, `/device`).
    Browser,
    /// The console's federation endpoint (`/federation`).
    Signin,
    /// The fake SAML IdP's pages and the SAML sign-in endpoint (`/idp/*`, `/saml`).
    Idp,
}

struct Route {
    service: Service,
    op: String,
    /// `CreateToken:<grant>` for CreateToken: counted and faultable on its own.
    detailed_op: Option<String>,
}

impl Route {
    /// Most specific name first.
    fn names(&self) -> Vec<&str> {
        self.detailed_op
            .iter()
            .map(String::as_str)
            .chain([self.op.as_str()])
            .collect()
    }
}

fn route(req: &Request) -> Option<Route> {
    use Service::*;
    let (service, op) = match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/federation/credentials") => (Portal, "GetRoleCredentials".to_string()),
        ("GET", "/assignment/accounts") => (Portal, "ListAccounts".to_string()),
        ("GET", "/assignment/roles") => (Portal, "ListAccountRoles".to_string()),
        ("POST", "/logout") => (Portal, "Logout".to_string()),
        ("POST", "/client/register") => (Oidc, "RegisterClient".to_string()),
        ("POST", "/device_authorization") => (Oidc, "StartDeviceAuthorization".to_string()),
        ("POST", "/token") => (Oidc, "CreateToken".to_string()),
        ("GET", "/authorize") => (Browser, "Authorize".to_string()),
        ("GET", "/device") => (Browser, "ApproveDevice".to_string()),
        ("GET", "/federation") => (Signin, signin::action(req)),
        (method, path) if idp::route(method, path).is_some() => (
            Idp,
            idp::route(method, path).unwrap_or_default().to_string(),
        ),
        ("GET" | "POST", "/") => {
            let op = sts::action(req).unwrap_or_else(|| "MissingAction".to_string());
            let service = if iam::ACTIONS.contains(&op.as_str()) {
                Iam
            } else {
                Sts
            };
            (service, op)
        }
        _ => return None,
    };
    let detailed_op = (op == "CreateToken")
        .then(|| oidc::grant_label(req).map(|grant| format!("CreateToken:{grant}")))
        .flatten();
    Some(Route {
        service,
        op,
        detailed_op,
    })
}

pub(crate) fn handle(shared: &Mutex<State>, req: &Request) -> Response {
    let skew = lock(shared).settings.clock_skew_seconds;
    answer(shared, req).with_header("Date", &http_date(skew))
}

/// The time `skew` seconds from now as an HTTP `Date` (IMF-fixdate), as AWS sends it.
fn http_date(skew: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    (time::OffsetDateTime::now_utc() + time::Duration::seconds(skew))
        .format(format)
        .unwrap_or_default()
}

fn answer(shared: &Mutex<State>, req: &Request) -> Response {
    if req.path == "/_fake" || req.path.starts_with("/_fake/") {
        return controls::handle(shared, req);
    }
    if req.method == "GET" && req.path == "/" && req.raw_query.is_empty() {
        return controls::index();
    }
    let Some(route) = route(req) else {
        lock(shared).faults.count("Unknown");
        return Response::text(
            404,
            &format!("fake-aws: no route for {} {}", req.method, req.path),
        );
    };
    let names = route.names();
    let (delay, failure) = {
        let mut state = lock(shared);
        for name in &names {
            state.faults.count(name);
        }
        (
            state.faults.delay(&names),
            state.faults.take_failure(&names),
        )
    };
    if let Some(delay) = delay {
        std::thread::sleep(delay);
    }
    if let Some(failure) = failure {
        return fault_response(route.service, &failure);
    }
    let mut state = lock(shared);
    dispatch(&route, &mut state, req).unwrap_or_else(|error| error)
}

fn dispatch(route: &Route, state: &mut State, req: &Request) -> Result<Response, Response> {
    match route.op.as_str() {
        "GetRoleCredentials" => sso::get_role_credentials(state, req),
        "ListAccounts" => sso::list_accounts(state, req),
        "ListAccountRoles" => sso::list_account_roles(state, req),
        "Logout" => sso::logout(state, req),
        "RegisterClient" => oidc::register_client(state, req),
        "StartDeviceAuthorization" => oidc::start_device_authorization(state, req),
        "CreateToken" => oidc::create_token(state, req),
        "Authorize" => oidc::authorize(state, req),
        "ApproveDevice" => oidc::device_page(state, req),
        "GetSigninToken" => signin::get_signin_token(state, req),
        "ConsoleLogin" => signin::login(state, req),
        "FederationUnknownAction" => {
            Err(Response::text(400, "fake-aws federation: unknown Action"))
        }
        _ if route.service == Service::Iam => iam::handle(state, req),
        op if route.service == Service::Idp => idp::handle(state, op, req),
        _ => sts::handle(state, req),
    }
}

const FAULT_MESSAGE: &str = "fake-aws: injected fault";

fn fault_response(service: Service, failure: &Failure) -> Response {
    if let Some(body) = &failure.body {
        let start = body
            .trim_start()
            .get(..9)
            .unwrap_or("")
            .to_ascii_lowercase();
        let content_type = if start.starts_with("<!doctype") || start.starts_with("<html") {
            "text/html; charset=utf-8"
        } else {
            match service {
                Service::Sts | Service::Iam => "text/xml",
                Service::Browser | Service::Signin | Service::Idp => "text/plain; charset=utf-8",
                Service::Portal | Service::Oidc => "application/json",
            }
        };
        return Response::new(failure.status, content_type, body.as_bytes().to_vec());
    }
    let code = failure
        .code
        .clone()
        .unwrap_or_else(|| default_code(service, failure.status).to_string());
    match service {
        Service::Portal => sso::error(failure.status, &code, FAULT_MESSAGE),
        Service::Oidc => oidc::error(failure.status, &code, FAULT_MESSAGE),
        Service::Sts => sts::error(failure.status, &code, FAULT_MESSAGE),
        Service::Iam => iam::error(failure.status, &code, FAULT_MESSAGE),
        Service::Browser | Service::Signin | Service::Idp => {
            Response::text(failure.status, &format!("{code}: {FAULT_MESSAGE}"))
        }
    }
}

/// The error code each service normally sends with a status.
fn default_code(service: Service, status: u16) -> &'static str {
    use Service::*;
    match (service, status) {
        (Sts | Iam, 400) => "ValidationError",
        (Sts | Iam, 401 | 403) => "AccessDenied",
        (Sts | Iam, 429) => "Throttling",
        (Sts, 500) => "InternalFailure",
        (Iam, 500) => "ServiceFailure",
        (Sts | Iam, 503) => "ServiceUnavailable",
        (Oidc, 401) => "InvalidClientException",
        (Oidc, 403) => "AccessDeniedException",
        (Oidc, 429) => "ThrottlingException",
        (_, 400) => "InvalidRequestException",
        (_, 401) => "UnauthorizedException",
        (_, 403) => "ForbiddenException",
        (_, 404) => "ResourceNotFoundException",
        (_, 429) => "TooManyRequestsException",
        (_, 500) => "InternalServerException",
        (_, 503) => "ServiceUnavailableException",
        _ => "FakeAwsInjectedFault",
    }
}
