//! IAM Identity Center OIDC calls: client registration, the device-code grant, the
//! authorization-code grant with PKCE, and refresh.

use std::time::Duration;

use aws_sdk_ssooidc::Client;
use aws_sdk_ssooidc::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ssooidc::operation::create_token::CreateTokenError;
use aws_sdk_ssooidc::operation::start_device_authorization::StartDeviceAuthorizationError;

use super::SsoSession;
use super::token::{self, ClientRegistration, SsoToken};
use super::{EndReason, SsoError};

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The redirect URI registered for the loopback flow; the port is added per sign-in.
pub const REGISTERED_REDIRECT_URI: &str = "http://127.0.0.1/oauth/callback";
/// SlowDown asks the client to poll this much less often.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    AuthorizationCode,
    DeviceCode,
}

impl Flow {
    pub fn name(self) -> &'static str {
        match self {
            Flow::AuthorizationCode => "authorization-code",
            Flow::DeviceCode => "device-code",
        }
    }
}

/// What CreateToken gave.
pub struct Grant {
    pub access_token: String,
    pub expires_in: i64,
    pub refresh_token: Option<String>,
}

pub struct DeviceAuthorization {
    device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
}

fn service_error<E>(operation: &str, error: SdkError<E>) -> SsoError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    SsoError::Service {
        operation: operation.to_owned(),
        message: crate::aws::describe_error(&error).to_string(),
    }
}

pub async fn register_client(
    client: &Client,
    session: &SsoSession,
    flow: Flow,
) -> Result<ClientRegistration, SsoError> {
    let mut request = client
        .register_client()
        .client_name(format!("grant-{}", token::now()))
        .client_type("public")
        .set_scopes((!session.scopes.is_empty()).then(|| session.scopes.clone()));
    if flow == Flow::AuthorizationCode {
        request = request
            .grant_types("authorization_code")
            .grant_types("refresh_token")
            .redirect_uris(REGISTERED_REDIRECT_URI)
            .issuer_url(&session.start_url);
    }
    let output = request
        .send()
        .await
        .map_err(|error| service_error("RegisterClient", error))?;
    let missing = || SsoError::Malformed("RegisterClient returned no client id or secret");
    Ok(ClientRegistration {
        client_id: output.client_id.ok_or_else(missing)?,
        client_secret: output.client_secret.ok_or_else(missing)?,
        expires_at: output.client_secret_expires_at,
        scopes: session.scopes.clone(),
    })
}

pub async fn start_device_authorization(
    client: &Client,
    registration: &ClientRegistration,
    start_url: &str,
) -> Result<DeviceAuthorization, SsoError> {
    let output = client
        .start_device_authorization()
        .client_id(&registration.client_id)
        .client_secret(&registration.client_secret)
        .start_url(start_url)
        .send()
        .await
        .map_err(|error| match error.as_service_error() {
            Some(StartDeviceAuthorizationError::InvalidClientException(_)) => {
                SsoError::ClientRefused
            }
            _ => service_error("StartDeviceAuthorization", error),
        })?;
    let missing =
        || SsoError::Malformed("StartDeviceAuthorization returned no device or user code");
    Ok(DeviceAuthorization {
        device_code: output.device_code.ok_or_else(missing)?,
        user_code: output.user_code.ok_or_else(missing)?,
        verification_uri: output.verification_uri.ok_or_else(missing)?,
        verification_uri_complete: output.verification_uri_complete,
        expires_in: Duration::from_secs(u64::try_from(output.expires_in).unwrap_or(600)),
        interval: Duration::from_secs(u64::try_from(output.interval).unwrap_or(5).max(1)),
    })
}

/// Polls CreateToken until the user approves, at the given interval (5 s more after
/// each SlowDown), and gives up when the device code expires.
pub async fn poll_device_token(
    client: &Client,
    registration: &ClientRegistration,
    authorization: &DeviceAuthorization,
    mut on_wait: impl FnMut(Duration),
) -> Result<Grant, SsoError> {
    let deadline = tokio::time::Instant::now() + authorization.expires_in;
    let mut interval = authorization.interval;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return Err(SsoError::DeviceCodeExpired);
        }
        on_wait(left);
        tokio::time::sleep(interval.min(left)).await;
        let result = client
            .create_token()
            .client_id(&registration.client_id)
            .client_secret(&registration.client_secret)
            .grant_type(DEVICE_CODE_GRANT)
            .device_code(&authorization.device_code)
            .send()
            .await;
        match result {
            Ok(output) => return grant_from(output),
            Err(error) => match error.as_service_error() {
                Some(CreateTokenError::AuthorizationPendingException(_)) => {}
                Some(CreateTokenError::SlowDownException(_)) => {
                    interval += SLOW_DOWN_STEP;
                    crate::debug!("SlowDown: polling every {}s", interval.as_secs());
                }
                Some(CreateTokenError::ExpiredTokenException(_)) => {
                    return Err(SsoError::DeviceCodeExpired);
                }
                Some(CreateTokenError::AccessDeniedException(_)) => {
                    return Err(SsoError::AccessDenied);
                }
                Some(CreateTokenError::InvalidClientException(_)) => {
                    return Err(SsoError::ClientRefused);
                }
                _ => return Err(service_error("CreateToken", error)),
            },
        }
    }
}

pub async fn redeem_authorization_code(
    client: &Client,
    registration: &ClientRegistration,
    code: &str,
    redirect_uri: &str,
    code_verifier: &str,
) -> Result<Grant, SsoError> {
    let output = client
        .create_token()
        .client_id(&registration.client_id)
        .client_secret(&registration.client_secret)
        .grant_type("authorization_code")
        .code(code)
        .redirect_uri(redirect_uri)
        .code_verifier(code_verifier)
        .send()
        .await
        .map_err(|error| match error.as_service_error() {
            Some(CreateTokenError::InvalidClientException(_)) => SsoError::ClientRefused,
            Some(CreateTokenError::InvalidGrantException(_)) => SsoError::CodeRefused,
            _ => service_error("CreateToken", error),
        })?;
    grant_from(output)
}

/// Exchanges the refresh token for a new access token (and a rotated refresh token).
/// A revoked refresh token or an expired registration ends the session.
pub async fn refresh(client: &Client, token: &SsoToken) -> Result<Grant, SsoError> {
    let (Some(refresh_token), Some(client_id), Some(client_secret)) =
        (&token.refresh_token, &token.client_id, &token.client_secret)
    else {
        return Err(SsoError::SessionEnded(EndReason::RefreshTokenRefused));
    };
    let result = client
        .create_token()
        .client_id(client_id)
        .client_secret(client_secret)
        .grant_type("refresh_token")
        .refresh_token(refresh_token)
        .send()
        .await;
    match result {
        Ok(output) => grant_from(output),
        Err(error) => match error.as_service_error() {
            Some(CreateTokenError::InvalidClientException(_)) => {
                Err(SsoError::SessionEnded(EndReason::RegistrationExpired))
            }
            Some(
                CreateTokenError::InvalidGrantException(_)
                | CreateTokenError::ExpiredTokenException(_)
                | CreateTokenError::AccessDeniedException(_),
            ) => Err(SsoError::SessionEnded(EndReason::RefreshTokenRefused)),
            _ => Err(service_error("CreateToken", error)),
        },
    }
}

fn grant_from(
    output: aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
) -> Result<Grant, SsoError> {
    Ok(Grant {
        access_token: output
            .access_token
            .ok_or(SsoError::Malformed("CreateToken returned no access token"))?,
        expires_in: i64::from(output.expires_in),
        refresh_token: output.refresh_token,
    })
}

/// Where the OIDC service is: the standard endpoint overrides, else AWS.
pub fn oidc_endpoint(region: &str) -> String {
    crate::env::endpoint_override("AWS_ENDPOINT_URL_SSO_OIDC")
        .map(|(url, _)| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| format!("https://oidc.{region}.amazonaws.com"))
}

/// The browser URL of the authorization-code grant (the parameter is literally `scopes`).
pub fn authorize_url(
    endpoint: &str,
    registration: &ClientRegistration,
    redirect_uri: &str,
    state: &str,
    code_challenge: &str,
) -> Result<String, SsoError> {
    let mut url = url::Url::parse(&format!("{endpoint}/authorize")).map_err(|_| {
        SsoError::InvalidOidcEndpoint {
            endpoint: endpoint.to_owned(),
        }
    })?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &registration.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state)
        .append_pair("code_challenge_method", "S256")
        .append_pair("scopes", &registration.scopes.join(" "))
        .append_pair("code_challenge", code_challenge);
    Ok(url.into())
}
