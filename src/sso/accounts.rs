//! Every account and role a signed-in IAM Identity Center user can reach:
//! ListAccounts, then ListAccountRoles for each account, a few at a time, each
//! paginated, with the SDK's retries (backing off on throttling).

use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::SsoError;

/// ListAccountRoles calls in flight at once: fast, and far below the portal's rate limit.
const PARALLEL_ACCOUNTS: usize = 8;
/// The largest page the portal serves.
const PAGE_SIZE: i32 = 100;
/// Attempts per request: throttling is expected when listing thousands of accounts.
const MAX_ATTEMPTS: u32 = 8;

/// One role in one account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoleAssignment {
    pub account_id: String,
    pub account_name: String,
    pub role_name: String,
}

#[derive(Debug, Clone)]
struct Account {
    id: String,
    name: String,
}

/// Every role of every account, sorted by account then role. `progress` is told
/// `(accounts done, accounts in all)` as the roles come in.
pub async fn list_roles(
    config: &SdkConfig,
    access_token: &str,
    progress: impl Fn(usize, usize),
) -> Result<Vec<RoleAssignment>, SsoError> {
    let client = client(config);
    let accounts = list_accounts(&client, access_token).await?;
    progress(0, accounts.len());
    let permits = Arc::new(Semaphore::new(PARALLEL_ACCOUNTS));
    let mut tasks = JoinSet::new();
    for account in accounts.iter().cloned() {
        let (client, token, permits) = (client.clone(), access_token.to_owned(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            account_roles(&client, &token, account).await
        });
    }
    let mut roles = Vec::new();
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        let account_roles = joined.map_err(|error| service_error("ListAccountRoles", error))??;
        roles.extend(account_roles);
        done += 1;
        progress(done, accounts.len());
    }
    roles.sort();
    Ok(roles)
}

fn client(config: &SdkConfig) -> aws_sdk_sso::Client {
    let retry = RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(10));
    let config = aws_sdk_sso::config::Builder::from(config)
        .retry_config(retry)
        .build();
    aws_sdk_sso::Client::from_conf(config)
}

async fn list_accounts(
    client: &aws_sdk_sso::Client,
    access_token: &str,
) -> Result<Vec<Account>, SsoError> {
    let mut pages = client
        .list_accounts()
        .access_token(access_token)
        .max_results(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut accounts = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|error| sdk_error("ListAccounts", error))?;
        for account in page.account_list.unwrap_or_default() {
            let id = account
                .account_id
                .ok_or(SsoError::Malformed("an account without an id"))?;
            let name = account.account_name.unwrap_or_else(|| id.clone());
            accounts.push(Account { id, name });
        }
    }
    Ok(accounts)
}

async fn account_roles(
    client: &aws_sdk_sso::Client,
    access_token: &str,
    account: Account,
) -> Result<Vec<RoleAssignment>, SsoError> {
    let mut pages = client
        .list_account_roles()
        .access_token(access_token)
        .account_id(&account.id)
        .max_results(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut roles = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|error| sdk_error("ListAccountRoles", error))?;
        for role in page.role_list.unwrap_or_default() {
            let Some(role_name) = role.role_name else {
                continue;
            };
            roles.push(RoleAssignment {
                account_id: account.id.clone(),
                account_name: account.name.clone(),
                role_name,
            });
        }
    }
    Ok(roles)
}

fn sdk_error<E>(
    operation: &str,
    error: aws_sdk_sso::error::SdkError<E, aws_sdk_sso::config::http::HttpResponse>,
) -> SsoError
where
    E: std::error::Error + aws_sdk_sso::error::ProvideErrorMetadata + Send + Sync + 'static,
{
    let unauthorized = error
        .as_service_error()
        .is_some_and(|service| service.code() == Some("UnauthorizedException"));
    if unauthorized {
        return SsoError::TokenRefused {
            operation: operation.to_owned(),
        };
    }
    let message = match crate::aws::describe_error(&error) {
        crate::aws::CallFailure::Throttled => {
            format!("throttled, still after {MAX_ATTEMPTS} attempts; wait a moment and try again")
        }
        failure => failure.line(MAX_ATTEMPTS),
    };
    service_error(operation, message)
}

fn service_error(operation: &str, error: impl std::fmt::Display) -> SsoError {
    SsoError::Service {
        operation: operation.to_owned(),
        message: error.to_string(),
    }
}
