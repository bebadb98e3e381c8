//! Fetching credentials from each kind of source. Runs only on a cache miss.

use std::time::Duration;

use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_sso::operation::get_role_credentials::GetRoleCredentialsError;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_sdk_sts::operation::assume_role_with_saml::AssumeRoleWithSAMLError;

use super::context::{FetchContext, FetchError, call_error};
use super::{Credentials, iam_user, process, session_name};
use crate::aws;
use crate::lock::Lock;
use crate::partition::Partition;
use crate::profile::{AssumeRole, CredentialSource, NamedSource, SamlRole, SsoRole, StaticKeys};
use crate::saml::{self, OfferedRole, SamlResponse, assertion};
use crate::sso::{SessionTarget, SsoToken};

/// How long a process waits for another one that is signing in or refreshing.
const SESSION_LOCK_TIMEOUT: Duration = Duration::from_secs(10 * 60);
const DEFAULT_ROLE_DURATION: i32 = 3600;

pub async fn fetch(
    context: &FetchContext<'_>,
    source: &CredentialSource,
) -> Result<Credentials, FetchError> {
    let credentials = fetch_from(context, source).await?;
    match credentials.unexpected_field() {
        Some(field) => Err(FetchError::UnexpectedCharacters { field }),
        None => Ok(credentials),
    }
}

async fn fetch_from(
    context: &FetchContext<'_>,
    source: &CredentialSource,
) -> Result<Credentials, FetchError> {
    match source {
        CredentialSource::Sso(role) => sso_role(context, role).await,
        CredentialSource::AssumeRole(role) => {
            // On an IAM user, the role's MFA goes into the user's session (as
            // aws-vault does), so that every role on that user shares one code.
            let (base, session_mfa) = match &role.source {
                CredentialSource::IamUser(user) => {
                    let (serial, process) = match &user.mfa_serial {
                        Some(serial) => (Some(serial.as_str()), user.mfa_process.as_deref()),
                        None => (role.mfa_serial.as_deref(), role.mfa_process.as_deref()),
                    };
                    let mfa = serial.map(|serial| iam_user::Mfa { serial, process });
                    (iam_user::session(context, user, mfa).await?, serial)
                }
                source => (Box::pin(fetch(context, source)).await?, None),
            };
            let role_mfa = role
                .mfa_serial
                .as_deref()
                .filter(|serial| Some(*serial) != session_mfa);
            assume_role(context, role, base, role_mfa).await
        }
        CredentialSource::IamUser(user) => {
            iam_user::session(context, user, iam_user::Mfa::of_user(user)).await
        }
        CredentialSource::Process(command) => {
            process::run(command, &context.process_chain).map_err(FetchError::Process)
        }
        CredentialSource::Static(keys) => Ok(from_static(keys)),
        CredentialSource::Saml(role) => saml_credentials(context, role).await,
        CredentialSource::Named(NamedSource::Environment) => from_environment(),
        CredentialSource::Named(NamedSource::Ec2InstanceMetadata) => {
            let provider =
                aws_config::imds::credentials::ImdsCredentialsProvider::builder().build();
            from_provider("the EC2 instance metadata service", provider).await
        }
        CredentialSource::Named(NamedSource::EcsContainer) => {
            let provider = aws_config::ecs::EcsCredentialsProvider::builder().build();
            from_provider("the ECS container credentials endpoint", provider).await
        }
    }
}

fn from_static(keys: &StaticKeys) -> Credentials {
    Credentials {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: keys.secret_access_key.clone(),
        session_token: keys.session_token.clone(),
        expiration: None,
        account_id: None,
        person: None,
    }
}

fn from_environment() -> Result<Credentials, FetchError> {
    let variable = crate::env::value;
    match (
        variable("AWS_ACCESS_KEY_ID"),
        variable("AWS_SECRET_ACCESS_KEY"),
    ) {
        (Some(access_key_id), Some(secret_access_key)) => Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token: variable("AWS_SESSION_TOKEN"),
            expiration: None,
            account_id: None,
            person: None,
        }),
        _ => Err(FetchError::EnvironmentKeysMissing),
    }
}

/// Credentials from one of the SDK's own providers (instance or container roles).
async fn from_provider(
    source: &'static str,
    provider: impl ProvideCredentials,
) -> Result<Credentials, FetchError> {
    let credentials =
        provider
            .provide_credentials()
            .await
            .map_err(|error| FetchError::Provider {
                operation: source,
                detail: aws_sdk_sts::error::DisplayErrorContext(&error).to_string(),
            })?;
    let expiration = credentials
        .expiry()
        .and_then(|expiry| expiry.duration_since(std::time::UNIX_EPOCH).ok())
        .and_then(|since| i64::try_from(since.as_secs()).ok());
    Ok(Credentials {
        access_key_id: credentials.access_key_id().to_owned(),
        secret_access_key: credentials.secret_access_key().to_owned(),
        session_token: credentials.session_token().map(str::to_owned),
        expiration,
        account_id: None,
        person: None,
    })
}

async fn sso_role(context: &FetchContext<'_>, role: &SsoRole) -> Result<Credentials, FetchError> {
    let target = SessionTarget::new(role.session.clone(), &context.login_selector);
    let session_key = role.session.key();
    // One refresh or sign-in per session, however many processes need it.
    let session_lock = || {
        Lock::acquire(
            &format!("sso-session:{session_key}"),
            &format!("the SSO session '{session_key}'"),
            SESSION_LOCK_TIMEOUT,
        )
    };
    let token = {
        let _lock = session_lock()?;
        context.sso.token(&target, context.login.as_ref()).await?
    };
    let refused = match role_credentials(role, &token).await {
        Err(RoleCallError::Unauthorized) => token,
        Err(RoleCallError::Failed(error)) => return Err(error),
        Ok(credentials) => return Ok(credentials),
    };
    let refused_token = |token: &SsoToken| -> Result<FetchError, FetchError> {
        context.sso.forget(token)?;
        Ok(FetchError::TokenRefused {
            session: target.label(),
            command: target.login_command.clone(),
        })
    };
    if refused.refresh_token.is_none() {
        return Err(refused_token(&refused)?);
    }
    // A token refused before its time (signed out elsewhere, revoked) may still have
    // a good refresh token: renew once and try again before asking for a sign-in.
    crate::debug!("session {session_key}: GetRoleCredentials refused the token; refreshing it");
    let fresh = {
        let _lock = session_lock()?;
        context.sso.refresh_refused(&target, &refused).await?
    };
    match role_credentials(role, &fresh).await {
        Err(RoleCallError::Unauthorized) => Err(refused_token(&fresh)?),
        Err(RoleCallError::Failed(error)) => Err(error),
        Ok(credentials) => Ok(credentials),
    }
}

/// How a GetRoleCredentials call failed: a refused token can be renewed.
enum RoleCallError {
    Unauthorized,
    Failed(FetchError),
}

impl From<FetchError> for RoleCallError {
    fn from(error: FetchError) -> Self {
        RoleCallError::Failed(error)
    }
}

async fn role_credentials(role: &SsoRole, token: &SsoToken) -> Result<Credentials, RoleCallError> {
    let config = aws::sdk_config(&role.session.region).await;
    crate::debug!(
        "GetRoleCredentials for {}/{} in {}",
        role.account_id,
        role.role_name,
        role.session.region
    );
    let result = aws::sso_portal(&config)
        .get_role_credentials()
        .account_id(&role.account_id)
        .role_name(&role.role_name)
        .access_token(&token.access_token)
        .send()
        .await;
    let output = match result {
        Ok(output) => output,
        Err(error) => {
            let no_access = || {
                RoleCallError::Failed(FetchError::NoSsoAccess {
                    role: role.role_name.clone(),
                    account: role.account_id.clone(),
                })
            };
            return Err(match error.as_service_error() {
                Some(GetRoleCredentialsError::UnauthorizedException(_)) => {
                    RoleCallError::Unauthorized
                }
                Some(GetRoleCredentialsError::ResourceNotFoundException(_)) => no_access(),
                _ if error
                    .raw_response()
                    .is_some_and(|raw| raw.status().as_u16() == 403) =>
                {
                    no_access()
                }
                _ => call_error(
                    "IAM Identity Center",
                    "GetRoleCredentials",
                    aws::describe_error(&error),
                )
                .into(),
            });
        }
    };
    let credentials = output
        .role_credentials
        .ok_or(FetchError::NoCredentialsInAnswer {
            operation: "IAM Identity Center GetRoleCredentials",
        })?;
    let missing = || FetchError::IncompleteCredentials {
        operation: "IAM Identity Center GetRoleCredentials",
    };
    if credentials.expiration <= 0 {
        return Err(missing().into());
    }
    Ok(Credentials {
        access_key_id: credentials.access_key_id.ok_or_else(missing)?,
        secret_access_key: credentials.secret_access_key.ok_or_else(missing)?,
        session_token: credentials.session_token,
        expiration: Some(credentials.expiration / 1000),
        account_id: Some(role.account_id.clone()),
        person: None,
    })
}

/// AssumeRole signed with `base`; `mfa_serial` is the device whose code this call
/// must carry (none when the session below was already authenticated with it).
async fn assume_role(
    context: &FetchContext<'_>,
    role: &AssumeRole,
    base: Credentials,
    mfa_serial: Option<&str>,
) -> Result<Credentials, FetchError> {
    let keys = StaticKeys {
        access_key_id: base.access_key_id,
        secret_access_key: base.secret_access_key,
        session_token: base.session_token,
    };
    let region = context.region.as_deref().unwrap_or("us-east-1");
    let sts = aws::sts(&aws::sdk_config(region).await, &keys);
    let person = match base.person.or_else(|| context.person.clone()) {
        Some(person) => Some(person),
        None if needs_person(context, role) => caller_person(&sts).await,
        None => None,
    };
    let settings = context.settings;
    let session_name = session_name::session_name(
        role.role_session_name.as_deref(),
        settings.role_session_name(),
        person.as_deref(),
        &context.profile_name,
        crate::sso::token::now(),
    );
    let source_identity = match source_identity(role)? {
        Some(value) => Some(value),
        None => settings.source_identity().and_then(|template| {
            let user = person.as_deref().unwrap_or("grant");
            session_name::render(template, user, &context.profile_name)
        }),
    };
    let mut request = sts
        .assume_role()
        .role_arn(role.role_arn.as_str())
        .role_session_name(session_name)
        .duration_seconds(
            role.duration_seconds
                .map_or(DEFAULT_ROLE_DURATION, |seconds| seconds as i32),
        )
        .set_external_id(role.external_id.clone())
        .set_source_identity(source_identity);
    if let Some(serial) = mfa_serial {
        request = request.serial_number(serial).token_code(mfa_code(
            context,
            serial,
            role.mfa_process.as_deref(),
        )?);
    }
    crate::debug!("AssumeRole {} in {region}", role.role_arn);
    let output = request.send().await.map_err(|error| {
        let failure = aws::describe_error(&error);
        let service_error = error.as_service_error();
        let curable = matches!(
            service_error,
            Some(
                AssumeRoleError::RegionDisabledException(_)
                    | AssumeRoleError::ExpiredTokenException(_)
            )
        );
        let refused = refusal(&failure, service_error, curable);
        match refused {
            Some(message) => FetchError::AssumeRoleRefused {
                role_arn: role.role_arn.to_string(),
                message: message.to_owned(),
            },
            None => call_error("STS", "AssumeRole", failure),
        }
    })?;
    let credentials = output
        .credentials
        .ok_or(FetchError::NoCredentialsInAnswer {
            operation: "STS AssumeRole",
        })?;
    if credentials.expiration.secs() <= 0 || credentials.access_key_id.is_empty() {
        return Err(FetchError::IncompleteCredentials {
            operation: "STS AssumeRole",
        });
    }
    Ok(Credentials {
        access_key_id: credentials.access_key_id,
        secret_access_key: credentials.secret_access_key,
        session_token: Some(credentials.session_token),
        expiration: Some(credentials.expiration.secs()),
        account_id: role.role_arn.account_id().map(str::to_owned),
        person,
    })
}

/// Whether naming this role session asks who the person is: the profile names
/// neither the session nor the source identity itself.
fn needs_person(context: &FetchContext<'_>, role: &AssumeRole) -> bool {
    let template_uses_user =
        |template: Option<&str>| template.is_none_or(|template| template.contains("{user}"));
    (role.role_session_name.is_none() && template_uses_user(context.settings.role_session_name()))
        || (role.source_identity.is_none()
            && context
                .settings
                .source_identity()
                .is_some_and(|template| template.contains("{user}")))
}

/// The person the credentials of `sts` belong to, from GetCallerIdentity; `None`
/// (and a session named otherwise) when STS does not say.
async fn caller_person(sts: &aws_sdk_sts::Client) -> Option<String> {
    match sts.get_caller_identity().send().await {
        Ok(output) => output.arn().and_then(session_name::person_of_arn),
        Err(error) => {
            crate::debug!(
                "GetCallerIdentity failed ({}): the role session gets no person's name",
                aws::describe_error(&error)
            );
            None
        }
    }
}

/// The profile's `source_identity`, refused in one line unless it is what STS
/// accepts (2 to 64 characters of `[\w+=,.@-]`), so that a hostile value is never sent.
fn source_identity(role: &AssumeRole) -> Result<Option<String>, FetchError> {
    let Some(value) = &role.source_identity else {
        return Ok(None);
    };
    let valid = (2..=64).contains(&value.chars().count())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if valid {
        Ok(Some(value.clone()))
    } else {
        Err(FetchError::BadSourceIdentity {
            value: crate::term_text::shown(value).into_owned(),
        })
    }
}

/// The MFA code of a role: `--mfa-token`, else its program, else asked (never on stdout).
fn mfa_code(
    context: &FetchContext<'_>,
    serial: &str,
    process: Option<&str>,
) -> Result<String, FetchError> {
    let request = crate::mfa::MfaRequest {
        serial,
        needed_by: "the role",
        process,
        ykman: context.ykman,
    };
    Ok(crate::mfa::code(context.mfa_token.as_deref(), &request)?)
}

// ---- SAML-federated roles: a SAML response from the IdP (`crate::saml`, headless
// while the IdP session lasts), the role it offers that the profile names, then
// STS AssumeRoleWithSAML (unsigned, as the API is).

pub(crate) async fn saml_credentials(
    context: &FetchContext<'_>,
    role: &SamlRole,
) -> Result<Credentials, FetchError> {
    let partition = saml_partition_of(role, context.region.as_deref())?;
    let response = saml_response(context, role, partition)?;
    let offered = assertion::offered_roles(&response, partition.name())?;
    let chosen = choose_saml_role(role, &offered, &context.login_selector)?;
    assume_role_with_saml(context, role, partition, &chosen, &response).await
}

/// A SAML response for `role`'s IdP.
fn saml_response(
    context: &FetchContext<'_>,
    role: &SamlRole,
    partition: Partition,
) -> Result<SamlResponse, FetchError> {
    Ok(saml::sign_in(&saml::SignIn {
        url: &role.url,
        partition,
        settings: context.settings,
        may_show_window: context.login.is_some() && crate::terminal::person_can_use_a_browser(),
        login_command: format!("grant saml login {}", context.login_selector),
    })?)
}

/// The partition of the profile's role ARN (one the SDK's partition data knows),
/// else of its region.
pub fn saml_partition_of(role: &SamlRole, region: Option<&str>) -> Result<Partition, FetchError> {
    let Some(arn) = &role.role_arn else {
        return Ok(Partition::of_region(region));
    };
    assertion::partition_of(arn)
        .and_then(Partition::named)
        .filter(|partition| assertion::is_role_arn(arn, partition.name()))
        .ok_or_else(|| FetchError::SamlRoleArn(arn.clone()))
}

/// The offered role the profile names (with its provider, if it names one), else
/// the only one offered; several and none named is an error that lists them.
fn choose_saml_role(
    role: &SamlRole,
    offered: &[OfferedRole],
    login_selector: &str,
) -> Result<OfferedRole, FetchError> {
    let wanted = |candidate: &&OfferedRole| {
        role.role_arn
            .as_ref()
            .is_none_or(|arn| *arn == candidate.role_arn)
            && role
                .provider_arn
                .as_ref()
                .is_none_or(|arn| *arn == candidate.provider_arn)
    };
    let matching: Vec<&OfferedRole> = offered.iter().filter(wanted).collect();
    let list = || {
        offered
            .iter()
            .map(|role| role.role_arn.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match matching[..] {
        [one] => Ok(one.clone()),
        [] => Err(FetchError::SamlRoleNotOffered {
            role: role.role_arn.clone().unwrap_or_default(),
            offered: list(),
        }),
        _ => Err(FetchError::SamlRoleToPick {
            offered: list(),
            command: format!("grant saml login {login_selector}"),
        }),
    }
}

async fn assume_role_with_saml(
    context: &FetchContext<'_>,
    role: &SamlRole,
    partition: Partition,
    chosen: &OfferedRole,
    response: &SamlResponse,
) -> Result<Credentials, FetchError> {
    let region = context.region.as_deref().unwrap_or(partition.home_region());
    let sts = aws::sts_unsigned(&aws::sdk_config(region).await);
    crate::debug!("AssumeRoleWithSAML {} in {region}", chosen.role_arn);
    let output = sts
        .assume_role_with_saml()
        .role_arn(&chosen.role_arn)
        .principal_arn(&chosen.provider_arn)
        .saml_assertion(response.as_base64())
        .set_duration_seconds(role.duration_seconds.map(|seconds| seconds as i32))
        .send()
        .await
        .map_err(|error| {
            let failure = aws::describe_error(&error);
            let service_error = error.as_service_error();
            let curable = matches!(
                service_error,
                Some(AssumeRoleWithSAMLError::RegionDisabledException(_))
            );
            let refused = refusal(&failure, service_error, curable);
            match refused {
                Some(message) => FetchError::AssumeRoleRefused {
                    role_arn: chosen.role_arn.clone(),
                    message: format!("AssumeRoleWithSAML: {}", crate::term_text::shown(message)),
                },
                None => call_error("STS", "AssumeRoleWithSAML", failure),
            }
        })?;
    let operation = "STS AssumeRoleWithSAML";
    let credentials = output
        .credentials
        .ok_or(FetchError::NoCredentialsInAnswer { operation })?;
    if credentials.expiration.secs() <= 0 || credentials.access_key_id.is_empty() {
        return Err(FetchError::IncompleteCredentials { operation });
    }
    Ok(Credentials {
        access_key_id: credentials.access_key_id,
        secret_access_key: credentials.secret_access_key,
        session_token: Some(credentials.session_token),
        expiration: Some(credentials.expiration.secs()),
        account_id: chosen.role_arn.split(':').nth(4).map(str::to_owned),
        person: None,
    })
}

/// What STS said when it refused a role: a 4xx with a service error, unless that
/// error is one another region or a fresh session may cure (`curable`).
fn refusal<'a, E: aws_sdk_sts::error::ProvideErrorMetadata>(
    failure: &aws::CallFailure,
    service_error: Option<&'a E>,
    curable: bool,
) -> Option<&'a str> {
    match (failure, service_error) {
        (aws::CallFailure::Status { status, .. }, Some(service_error))
            if !curable && (400..500).contains(status) =>
        {
            service_error.message().or(Some("access denied"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_sts::error::ErrorMetadata;

    use super::*;

    fn status(status: u16) -> aws::CallFailure {
        aws::CallFailure::Status {
            status,
            code: Some("AccessDenied".into()),
            text: String::new(),
        }
    }

    #[test]
    fn only_an_incurable_4xx_of_sts_is_a_refusal() {
        let said =
            AssumeRoleError::generic(ErrorMetadata::builder().message("not allowed").build());
        let silent = AssumeRoleError::generic(ErrorMetadata::builder().build());
        assert_eq!(
            refusal(&status(403), Some(&said), false),
            Some("not allowed")
        );
        assert_eq!(
            refusal(&status(403), Some(&silent), false),
            Some("access denied")
        );
        assert_eq!(refusal(&status(403), Some(&said), true), None, "curable");
        assert_eq!(refusal(&status(500), Some(&said), false), None);
        assert_eq!(refusal::<AssumeRoleError>(&status(403), None, false), None);
        assert_eq!(
            refusal(&aws::CallFailure::Throttled, Some(&said), false),
            None
        );
    }
}
