//! The session of an IAM user whose key grant keeps (`grant credentials add`): STS
//! GetSessionToken signed with the stored long-term key, with the MFA code when the
//! profile (or the role on top, as aws-vault does) names an `mfa_serial`. The session
//! is cached in the store on its own, under a lock, so that every role chain on top
//! of the user reuses it: one MFA code per session, however many profiles and
//! processes ask.

use std::time::Duration;

use aws_sdk_sts::operation::get_session_token::GetSessionTokenError;

use super::Credentials;
use super::cache::CacheSlot;
use super::context::{FetchContext, FetchError, call_error};
use crate::aws;
use crate::iam_users::{self, LongTermKey};
use crate::lock::Lock;
use crate::mfa;
use crate::profile::IamUser;
use crate::secrets::keys;

/// A cached session with less life than this is renewed before it is used to
/// assume a role or handed out.
const REUSE_MARGIN_SECS: i64 = 5 * 60;
/// The session length unless the profile sets `duration_seconds` (as aws-vault).
const DEFAULT_SESSION_SECONDS: i32 = 3600;
/// How long a process waits for another one that is asking for the MFA code.
const SESSION_LOCK_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The MFA device a session is authenticated with, and the program that gives
/// its codes (`mfa_process`), if any.
#[derive(Debug, Clone, Copy)]
pub struct Mfa<'a> {
    pub serial: &'a str,
    pub process: Option<&'a str>,
}

impl<'a> Mfa<'a> {
    /// The user's own device, when the profile names one.
    pub fn of_user(user: &'a IamUser) -> Option<Mfa<'a>> {
        Some(Mfa {
            serial: user.mfa_serial.as_deref()?,
            process: user.mfa_process.as_deref(),
        })
    }
}

/// The user's session, authenticated with `mfa` when given.
pub async fn session(
    context: &FetchContext<'_>,
    user: &IamUser,
    mfa: Option<Mfa<'_>>,
) -> Result<Credentials, FetchError> {
    let mfa_serial = mfa.map(|mfa| mfa.serial);
    let profile = &user.profile;
    let key =
        iam_users::load(context.store, profile)?.ok_or_else(|| FetchError::NoStoredIamKey {
            profile: profile.clone(),
        })?;
    let duration = user
        .duration_seconds
        .map_or(DEFAULT_SESSION_SECONDS, |seconds| seconds as i32);
    let slot = CacheSlot::new(
        None,
        &keys::iam_user_session_request(profile, mfa_serial.is_some()),
        &format!("{}|{mfa_serial:?}|{duration}", key.access_key_id),
    );
    let _lock = Lock::acquire(
        &format!("iam-user-session:{profile}"),
        &format!("the IAM user session of profile '{profile}'"),
        SESSION_LOCK_TIMEOUT,
    )?;
    if let Some(cached) = slot.get(context.store)? {
        let left = cached.seconds_left(crate::sso::token::now()).unwrap_or(0);
        if left > REUSE_MARGIN_SECS {
            crate::debug!("{}: IAM user session cached, {left}s left", slot.key);
            return Ok(cached);
        }
    }
    let code = match mfa {
        Some(Mfa { serial, process }) => Some(
            mfa::code(
                context.mfa_token.as_deref(),
                &mfa::MfaRequest {
                    serial,
                    needed_by: &format!("the IAM user of profile '{profile}'"),
                    process,
                    ykman: context.ykman,
                },
            )
            .map_err(FetchError::Mfa)?,
        ),
        None => None,
    };
    let credentials = get_session_token(context, profile, &key, mfa_serial, code, duration).await?;
    slot.put(context.store, &credentials)?;
    Ok(credentials)
}

async fn get_session_token(
    context: &FetchContext<'_>,
    profile: &str,
    key: &LongTermKey,
    mfa_serial: Option<&str>,
    code: Option<String>,
    duration: i32,
) -> Result<Credentials, FetchError> {
    let region = context.region.as_deref().unwrap_or("us-east-1");
    let sts = aws::sts(&aws::sdk_config(region).await, &key.signing_keys());
    crate::debug!(
        "GetSessionToken for profile '{profile}' with key {}{}",
        key.masked_id(),
        if mfa_serial.is_some() {
            " and an MFA code"
        } else {
            ""
        }
    );
    let output = sts
        .get_session_token()
        .duration_seconds(duration)
        .set_serial_number(mfa_serial.map(str::to_owned))
        .set_token_code(code)
        .send()
        .await
        .map_err(|error| refused_or_failed(profile, key, &error))?;
    let incomplete = || FetchError::IncompleteCredentials {
        operation: "STS GetSessionToken",
    };
    let credentials = output.credentials.ok_or_else(incomplete)?;
    if credentials.expiration.secs() <= 0 || credentials.access_key_id.is_empty() {
        return Err(incomplete());
    }
    Ok(Credentials {
        access_key_id: credentials.access_key_id,
        secret_access_key: credentials.secret_access_key,
        session_token: Some(credentials.session_token),
        expiration: Some(credentials.expiration.secs()),
        account_id: None,
        person: None,
    })
}

/// A refusal (a wrong MFA code, a deleted key) as what to do; the rest as it came.
fn refused_or_failed(
    profile: &str,
    key: &LongTermKey,
    error: &aws_sdk_sts::error::SdkError<
        GetSessionTokenError,
        aws_sdk_sts::config::http::HttpResponse,
    >,
) -> FetchError {
    let failure = aws::describe_error(error);
    let refused = matches!(
        &failure,
        aws::CallFailure::Status { status, .. } if (400..500).contains(status) && *status != 429
    );
    if !refused {
        return call_error("STS", "GetSessionToken", failure);
    }
    let message = error
        .as_service_error()
        .and_then(aws_sdk_sts::error::ProvideErrorMetadata::message)
        .unwrap_or("access denied");
    FetchError::SessionTokenRefused {
        profile: profile.to_owned(),
        key: key.masked_id(),
        message: crate::term_text::shown(message).into_owned(),
    }
}
