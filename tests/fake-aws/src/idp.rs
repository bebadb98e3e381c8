//! A SAML identity provider's AWS app, as a browser sees it, and the AWS sign-in
//! endpoint it posts to (`POST /saml`, where `AWS_ENDPOINT_URL_SIGNIN` points).
//!
//! `GET /idp/app` is the app's sign-in URL: without the IdP's session cookie it
//! answers a login form (`POST /idp/login`, any user, password `correct`), which
//! sets the cookie; with it, the page a real IdP answers: a form that posts a
//! signed-looking `SAMLResponse` (two roles) to `/saml` as soon as it loads.
//! [`IdpMode`] turns the IdP hostile for tests.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use time::OffsetDateTime;

use crate::http::{Reply, Request, Response, find};
use crate::ids;
use crate::state::{State, now};
use crate::sts;

pub const COOKIE: &str = "fake_idp_session";
/// The account of the first role the assertion offers, and of its provider.
pub const ROLES: [(&str, &str); 2] = [
    (
        "arn:aws:iam::111111111111:role/SamlAdmin",
        "arn:aws:iam::111111111111:saml-provider/FakeIdP",
    ),
    (
        "arn:aws:iam::222222222222:role/SamlReadOnly",
        "arn:aws:iam::222222222222:saml-provider/FakeIdP",
    ),
];
const ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

/// How the IdP behaves (the hostile ones for tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdpMode {
    #[default]
    Normal,
    /// The response is posted to `/elsewhere/saml`, not the sign-in endpoint.
    PostElsewhere,
    /// The second role ARN carries a newline and a config section after it.
    NewlineRole,
    /// The page opens `/idp/popup` in a new window and navigates to a custom
    /// scheme before posting as usual.
    OpenOtherUrls,
}

/// One AssumeRoleWithSAML request, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SamlCall {
    pub role_arn: String,
    pub principal_arn: String,
    pub duration_seconds: Option<String>,
    /// Whether the assertion was one this IdP issued and had not expired.
    pub known_assertion: bool,
}

/// An issued assertion: its base64 text, its (role, provider) pairs, its expiry.
type Issued = (String, Vec<(String, String)>, OffsetDateTime);

#[derive(Debug, Default)]
pub(crate) struct Idp {
    pub mode: IdpMode,
    /// The login form fills itself in and submits, as a person at the window would.
    pub person_signs_in: bool,
    /// The roles' partition and the absolute URL the response is posted to, when
    /// not `aws` and `/saml` here.
    pub partition: Option<(String, String)>,
    sessions: Vec<String>,
    /// Issued assertions (base64, as posted) with their roles and expiry.
    assertions: Vec<Issued>,
    pub calls: Vec<SamlCall>,
    /// The paths of every request that reached a page a hostile IdP wanted opened
    /// or posted to (`/idp/popup`, `/elsewhere/saml`).
    pub hostile_hits: Vec<String>,
}

pub(crate) fn route(method: &str, path: &str) -> Option<&'static str> {
    Some(match (method, path) {
        ("GET", "/idp/app") => "IdpApp",
        ("POST", "/idp/login") => "IdpLogin",
        ("POST", "/saml") => "SamlSignin",
        (_, "/elsewhere/saml") | (_, "/idp/popup") => "IdpHostileTarget",
        _ => return None,
    })
}

pub(crate) fn handle(state: &mut State, op: &str, req: &Request) -> Reply {
    match op {
        "IdpApp" => Ok(app(state, req)),
        "IdpLogin" => login(state, req),
        "SamlSignin" => Ok(Response::html(
            200,
            "<!doctype html><title>Amazon Web Services Sign-In</title><p>Select a role</p>",
        )),
        _ => {
            state.idp.hostile_hits.push(req.path.clone());
            Ok(Response::html(200, "<!doctype html><p>captured</p>"))
        }
    }
}

fn session_cookie(req: &Request) -> Option<&str> {
    req.header("cookie")?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

fn app(state: &mut State, req: &Request) -> Response {
    let signed_in =
        session_cookie(req).is_some_and(|value| state.idp.sessions.iter().any(|s| s == value));
    if signed_in {
        post_page(state)
    } else {
        let person = if state.idp.person_signs_in {
            PERSON
        } else {
            ""
        };
        Response::html(200, &format!("{LOGIN_FORM}{person}"))
    }
}

const PERSON: &str = "<script>setTimeout(function () {\
document.getElementById('username').value = 'alice';\
document.getElementById('password').value = 'correct';\
document.getElementById('login').submit(); }, 300);</script>";

const LOGIN_FORM: &str = "<!doctype html><html><head><title>Fake IdP sign-in</title></head><body>\
<form id=\"login\" method=\"post\" action=\"/idp/login\">\
<input id=\"username\" name=\"username\"><input id=\"password\" name=\"password\" type=\"password\">\
<button id=\"signin\" type=\"submit\">Sign in</button></form></body></html>";

fn login(state: &mut State, req: &Request) -> Reply {
    let form = req.form();
    let user = find(&form, "username").unwrap_or_default().to_string();
    if user.is_empty() || find(&form, "password") != Some("correct") {
        return Ok(Response::html(401, LOGIN_FORM));
    }
    let session = format!("idps{}", ids::secret_access_key());
    state.idp.sessions.push(session.clone());
    Ok(post_page(state).with_header(
        "Set-Cookie",
        &format!("{COOKIE}={session}; Path=/; HttpOnly; Max-Age=3600"),
    ))
}

/// The auto-submitting form of a signed-in IdP, with a fresh assertion.
fn post_page(state: &mut State) -> Response {
    let mode = state.idp.mode;
    let mut roles: Vec<(String, String)> = ROLES
        .iter()
        .map(|(role, provider)| (role.to_string(), provider.to_string()))
        .collect();
    if mode == IdpMode::NewlineRole {
        roles[1].0 = "arn:aws:iam::222222222222:role/Evil\n[profile injected]".to_string();
    }
    if let Some((partition, _)) = &state.idp.partition {
        for (role, provider) in &mut roles {
            for arn in [role, provider] {
                *arn = arn.replacen("arn:aws:", &format!("arn:{partition}:"), 1);
            }
        }
    }
    let response = STANDARD.encode(saml_response(&roles));
    state.remember_secret(&response);
    state
        .idp
        .assertions
        .push((response.clone(), roles, now() + ASSERTION_LIFETIME));
    let action = match (mode, &state.idp.partition) {
        (IdpMode::PostElsewhere, _) => "/elsewhere/saml",
        (_, Some((_, endpoint))) => endpoint.as_str(),
        _ => "/saml",
    };
    let before = match mode {
        IdpMode::OpenOtherUrls => {
            "window.open('/idp/popup', '_blank');\
             try { window.location.href = 'x-grant-test-scheme://run'; } catch (e) {}\
             var a = document.createElement('a'); a.href = '/idp/popup?clicked'; a.target = '_blank';\
             document.body.appendChild(a); a.click();"
        }
        _ => "",
    };
    Response::html(
        200,
        &format!(
            "<!doctype html><html><body><form id=\"saml\" method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"SAMLResponse\" value=\"{response}\">\
             <input type=\"hidden\" name=\"RelayState\" value=\"\"></form>\
             <script>{before}document.getElementById('saml').submit();</script></body></html>"
        ),
    )
}

fn saml_response(roles: &[(String, String)]) -> String {
    let issued = sts::iso8601(now());
    let until = sts::iso8601(now() + ASSERTION_LIFETIME);
    let values: String = roles
        .iter()
        .map(|(role, provider)| {
            format!(
                "<saml:AttributeValue>{},{}</saml:AttributeValue>",
                sts::escape(role),
                sts::escape(provider)
            )
        })
        .collect();
    format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_{id}\" Version=\"2.0\" IssueInstant=\"{issued}\" Destination=\"https://signin.aws.amazon.com/saml\">\
<saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">http://fake-idp.example</saml:Issuer>\
<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>\
<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_a{id}\" Version=\"2.0\" IssueInstant=\"{issued}\">\
<saml:Issuer>http://fake-idp.example</saml:Issuer>\
<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignatureValue>{signature}</ds:SignatureValue></ds:Signature>\
<saml:Subject><saml:NameID>alice@example.com</saml:NameID></saml:Subject>\
<saml:Conditions NotBefore=\"{issued}\" NotOnOrAfter=\"{until}\"><saml:AudienceRestriction><saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
<saml:AttributeStatement>\
<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/Role\">{values}</saml:Attribute>\
<saml:Attribute Name=\"https://aws.amazon.com/SAML/Attributes/RoleSessionName\"><saml:AttributeValue>alice@example.com</saml:AttributeValue></saml:Attribute>\
</saml:AttributeStatement></saml:Assertion></samlp:Response>",
        id = ids::request_id(),
        signature = ids::secret_access_key(),
    )
}

/// STS AssumeRoleWithSAML: unsigned; the assertion must be one this IdP issued,
/// unexpired, offering the role with that provider.
pub(crate) fn assume_role_with_saml(state: &mut State, params: &[(String, String)]) -> Reply {
    let param = |name| find(params, name).unwrap_or_default().to_string();
    let (role_arn, principal_arn, assertion) = (
        param("RoleArn"),
        param("PrincipalArn"),
        param("SAMLAssertion"),
    );
    let issued = state
        .idp
        .assertions
        .iter()
        .find(|(text, _, expires)| *text == assertion && *expires > now())
        .map(|(_, roles, _)| roles.clone());
    state.idp.calls.push(SamlCall {
        role_arn: role_arn.clone(),
        principal_arn: principal_arn.clone(),
        duration_seconds: find(params, "DurationSeconds").map(str::to_string),
        known_assertion: issued.is_some(),
    });
    let Some(roles) = issued else {
        return Err(sts::error(
            400,
            "InvalidIdentityToken",
            "Invalid SAML response or the assertion expired",
        ));
    };
    if !roles
        .iter()
        .any(|(r, p)| *r == role_arn && *p == principal_arn)
    {
        return Err(sts::error(
            403,
            "AccessDenied",
            "Not authorized to perform sts:AssumeRoleWithSAML",
        ));
    }
    let duration = match find(params, "DurationSeconds") {
        None => 3600,
        Some(raw) => match raw.parse::<u64>() {
            Ok(seconds) if (900..=43_200).contains(&seconds) => seconds,
            _ => {
                return Err(sts::error(
                    400,
                    "ValidationError",
                    "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint",
                ));
            }
        },
    };
    let mut parts = role_arn.split(':');
    let partition = parts.nth(1).unwrap_or_default().to_string();
    let account = parts.nth(2).unwrap_or_default().to_string();
    let name = role_arn.rsplit('/').next().unwrap_or_default().to_string();
    let identity = crate::state::Identity {
        arn: format!("arn:{partition}:sts::{account}:assumed-role/{name}/alice@example.com"),
        user_id: format!(
            "{}:alice@example.com",
            ids::stable_unique_id("AROA", &role_arn)
        ),
        account,
    };
    let keys = state.issue_keys(identity.clone(), Duration::from_secs(duration));
    Ok(sts::success(
        "AssumeRoleWithSAML",
        &format!(
            "    <AssumedRoleUser>\n      <AssumedRoleId>{}</AssumedRoleId>\n      <Arn>{}</Arn>\n    \
             </AssumedRoleUser>\n{}    <Subject>alice@example.com</Subject>\n    \
             <SubjectType>persistent</SubjectType>\n    <Issuer>http://fake-idp.example</Issuer>\n    \
             <Audience>https://signin.aws.amazon.com/saml</Audience>\n    \
             <NameQualifier>fakeidpqualifier</NameQualifier>\n",
            sts::escape(&identity.user_id),
            sts::escape(&identity.arn),
            sts::credentials_xml(&keys),
        ),
    ))
}

impl Idp {
    pub fn end_sessions(&mut self) {
        self.sessions.clear();
    }
}
