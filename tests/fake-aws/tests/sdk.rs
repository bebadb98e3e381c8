//! The official AWS SDK for Rust clients against the fake: proves the wire formats.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_sso::config::retry::RetryConfig;
use aws_sdk_sso::config::{BehaviorVersion, Region};
use aws_sdk_sso::error::ProvideErrorMetadata;
use aws_sdk_sts::config::Credentials;
use fake_aws::{Directory, FakeAws};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const START_URL: &str = "https://example.awsapps.com/start";

// ---- clients ----

fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(5))
}

fn sso(fake: &FakeAws) -> aws_sdk_sso::Client {
    let config = aws_sdk_sso::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(fake.url())
        .retry_config(retries())
        .build();
    aws_sdk_sso::Client::from_conf(config)
}

fn oidc(fake: &FakeAws) -> aws_sdk_ssooidc::Client {
    let config = aws_sdk_ssooidc::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(fake.url())
        .retry_config(retries())
        .build();
    aws_sdk_ssooidc::Client::from_conf(config)
}

fn sts(fake: &FakeAws, key: &str, secret: &str, token: Option<&str>) -> aws_sdk_sts::Client {
    let credentials = Credentials::new(key, secret, token.map(str::to_string), None, "test");
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(fake.url())
        .credentials_provider(credentials)
        .retry_config(retries())
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ---- raw HTTP, for the browser steps and the control endpoints ----

struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn raw_http(fake: &FakeAws, method: &str, path: &str, body: &str) -> RawResponse {
    let mut stream = TcpStream::connect(("127.0.0.1", fake.port())).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    RawResponse {
        status,
        headers,
        body: body.to_string(),
    }
}

fn query_value(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_pairs(query)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), percent_decode(v)))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: String = bytes.by_ref().take(2).map(char::from).collect();
            out.push(u8::from_str_radix(&hex, 16).unwrap());
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).unwrap()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---- OIDC ----

struct Registered {
    id: String,
    secret: String,
}

async fn register(client: &aws_sdk_ssooidc::Client, scopes: &[&str]) -> Registered {
    let mut request = client
        .register_client()
        .client_name("test")
        .client_type("public");
    for scope in scopes {
        request = request.scopes(*scope);
    }
    let out = request.send().await.unwrap();
    assert!(out.client_secret_expires_at() > out.client_id_issued_at());
    Registered {
        id: out.client_id().unwrap().to_string(),
        secret: out.client_secret().unwrap().to_string(),
    }
}

async fn poll(
    client: &aws_sdk_ssooidc::Client,
    reg: &Registered,
    device_code: &str,
) -> Result<
    aws_sdk_ssooidc::operation::create_token::CreateTokenOutput,
    aws_sdk_ssooidc::operation::create_token::CreateTokenError,
> {
    client
        .create_token()
        .client_id(&reg.id)
        .client_secret(&reg.secret)
        .grant_type(DEVICE_GRANT)
        .device_code(device_code)
        .send()
        .await
        .map_err(|e| e.into_service_error())
}

#[tokio::test]
async fn device_flow_answers_pending_then_slow_down_then_tokens() {
    let fake = FakeAws::builder()
        .configure(|s| {
            s.pending_polls = 1;
            s.slow_down_polls = vec![2];
            s.enforce_poll_interval = false;
        })
        .start()
        .unwrap();
    let client = oidc(&fake);
    let reg = register(&client, &["sso:account:access"]).await;
    let device = client
        .start_device_authorization()
        .client_id(&reg.id)
        .client_secret(&reg.secret)
        .start_url(START_URL)
        .send()
        .await
        .unwrap();
    let user_code = device.user_code().unwrap();
    assert_eq!(device.interval(), 1);
    assert_eq!(device.expires_in(), 600);
    assert_eq!(
        device.verification_uri_complete().unwrap(),
        format!("{}/device?user_code={user_code}", fake.url())
    );
    let code = device.device_code().unwrap();

    assert!(
        poll(&client, &reg, code)
            .await
            .unwrap_err()
            .is_authorization_pending_exception()
    );
    assert!(
        poll(&client, &reg, code)
            .await
            .unwrap_err()
            .is_slow_down_exception()
    );
    let tokens = poll(&client, &reg, code).await.unwrap();
    assert_eq!(tokens.token_type(), Some("Bearer"));
    assert_eq!(tokens.expires_in(), 8 * 3600);
    assert!(tokens.access_token().unwrap().len() >= 40);
    assert!(
        tokens.refresh_token().is_some(),
        "scoped clients get a refresh token"
    );
    let err = poll(&client, &reg, code).await.unwrap_err();
    assert!(
        err.is_invalid_grant_exception(),
        "a device code is redeemed once"
    );

    assert_eq!(fake.count("RegisterClient"), 1);
    assert_eq!(fake.count("StartDeviceAuthorization"), 1);
    assert_eq!(fake.count("CreateToken"), 4);
    assert_eq!(fake.count("CreateToken:device_code"), 4);
    let secrets = fake.issued_secrets();
    for secret in [
        reg.secret.as_str(),
        tokens.access_token().unwrap(),
        tokens.refresh_token().unwrap(),
    ] {
        assert!(secrets.iter().any(|s| s == secret));
    }
}

#[tokio::test]
async fn device_flow_enforces_interval_approval_denial_and_expiry() {
    let fake = FakeAws::builder()
        .configure(|s| s.auto_approve = false)
        .start()
        .unwrap();
    let client = oidc(&fake);
    let reg = register(&client, &[]).await;
    let start = || {
        client
            .start_device_authorization()
            .client_id(&reg.id)
            .client_secret(&reg.secret)
            .start_url(START_URL)
            .send()
    };

    let device = start().await.unwrap();
    let code = device.device_code().unwrap();
    assert!(
        poll(&client, &reg, code)
            .await
            .unwrap_err()
            .is_authorization_pending_exception()
    );
    assert!(
        poll(&client, &reg, code)
            .await
            .unwrap_err()
            .is_slow_down_exception(),
        "polled sooner than the interval"
    );
    // The "browser" approves through the verification URI.
    let page_path = device
        .verification_uri_complete()
        .unwrap()
        .strip_prefix(fake.url())
        .unwrap()
        .to_string();
    assert_eq!(raw_http(&fake, "GET", &page_path, "").status, 200);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let tokens = poll(&client, &reg, code).await.unwrap();
    assert!(
        tokens.refresh_token().is_none(),
        "no scopes, no refresh token"
    );

    let denied = start().await.unwrap();
    assert!(fake.deny_device(denied.user_code().unwrap()));
    let err = poll(&client, &reg, denied.device_code().unwrap())
        .await
        .unwrap_err();
    assert!(err.is_access_denied_exception());

    fake.configure(|s| s.device_code_lifetime = Duration::from_secs(1));
    let expiring = start().await.unwrap();
    assert_eq!(expiring.expires_in(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let err = poll(&client, &reg, expiring.device_code().unwrap())
        .await
        .unwrap_err();
    assert!(err.is_expired_token_exception(), "{err:?}");
}

#[tokio::test]
async fn oidc_errors_come_out_as_typed_variants() {
    let fake = FakeAws::start();
    let client = oidc(&fake);
    let reg = register(&client, &[]).await;

    let unknown = Registered {
        id: "nope".into(),
        secret: "nope".into(),
    };
    let err = poll(&client, &unknown, "x").await.unwrap_err();
    assert!(err.is_invalid_client_exception(), "{err:?}");
    let err = poll(&client, &reg, "no-such-device-code")
        .await
        .unwrap_err();
    assert!(err.is_invalid_grant_exception(), "{err:?}");
    let err = client
        .create_token()
        .client_id(&reg.id)
        .client_secret(&reg.secret)
        .grant_type(DEVICE_GRANT)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_request_exception(), "{err:?}");
    assert!(fake.expire_client(&reg.id));
    let err = poll(&client, &reg, "x").await.unwrap_err();
    assert!(err.is_invalid_client_exception(), "{err:?}");

    fake.fail("CreateToken", 500, None);
    let err = poll(&client, &reg, "x").await.unwrap_err();
    assert!(err.is_internal_server_exception(), "{err:?}");
    assert_eq!(
        fake.count("CreateToken"),
        4 + 3,
        "three attempts at the 500"
    );
}

#[tokio::test]
async fn authorization_code_with_pkce_and_refresh_rotation() {
    let fake = FakeAws::start();
    let client = oidc(&fake);
    let out = client
        .register_client()
        .client_name("test")
        .client_type("public")
        .scopes("sso:account:access")
        .grant_types("authorization_code")
        .grant_types("refresh_token")
        .redirect_uris("http://127.0.0.1/oauth/callback")
        .issuer_url(START_URL)
        .send()
        .await
        .unwrap();
    let reg = Registered {
        id: out.client_id().unwrap().to_string(),
        secret: out.client_secret().unwrap().to_string(),
    };
    let verifier = "a".repeat(20) + &"B-._~9".repeat(8);
    let challenge = "fDwnU-NL1dIN9bIy6axPDGYYk1B7EibytnkCsM-fEEY"; // S256 of `verifier`
    let redirect = "http://127.0.0.1:54321/oauth/callback";
    let authorize = |state: &str| {
        let path = format!(
            "/authorize?response_type=code&client_id={}&redirect_uri={}&state={state}\
             &code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge={challenge}",
            reg.id,
            encode(redirect)
        );
        let response = raw_http(&fake, "GET", &path, "");
        assert_eq!(response.status, 302, "{}", response.body);
        let location = response.header("Location").unwrap().to_string();
        assert!(location.starts_with(redirect), "{location}");
        assert_eq!(query_value(&location, "state").as_deref(), Some(state));
        query_value(&location, "code").unwrap()
    };
    let redeem = |code: String, verifier: String, redirect: &str| {
        client
            .create_token()
            .client_id(&reg.id)
            .client_secret(&reg.secret)
            .grant_type("authorization_code")
            .code(code)
            .redirect_uri(redirect)
            .code_verifier(verifier)
            .send()
    };

    let code = authorize("state-1");
    let err = redeem(code, "wrong".repeat(10), redirect)
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_grant_exception());
    let code = authorize("state-2");
    let err = redeem(code, verifier.clone(), "http://127.0.0.1:1/other")
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_grant_exception());
    let code = authorize("state-3");
    let tokens = redeem(code.clone(), verifier.clone(), redirect)
        .await
        .unwrap();
    let err = redeem(code, verifier.clone(), redirect).await.unwrap_err();
    assert!(
        err.into_service_error().is_invalid_grant_exception(),
        "codes are single-use"
    );

    let bad = raw_http(
        &fake,
        "GET",
        "/authorize?client_id=unknown&redirect_uri=x",
        "",
    );
    assert_eq!(bad.status, 400);

    let refresh = |token: &str| {
        client
            .create_token()
            .client_id(&reg.id)
            .client_secret(&reg.secret)
            .grant_type("refresh_token")
            .refresh_token(token)
            .send()
    };
    let first_refresh = tokens.refresh_token().unwrap();
    let rotated = refresh(first_refresh).await.unwrap();
    assert_ne!(rotated.access_token(), tokens.access_token());
    assert_ne!(rotated.refresh_token(), tokens.refresh_token());
    let err = refresh(first_refresh)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        err.is_invalid_grant_exception(),
        "the old refresh token is revoked"
    );
    refresh(rotated.refresh_token().unwrap()).await.unwrap();
    assert_eq!(fake.count("Authorize"), 4);
    assert_eq!(fake.count("CreateToken:authorization_code"), 4);
    assert_eq!(fake.count("CreateToken:refresh_token"), 3);
}

// ---- SSO portal ----

#[tokio::test]
async fn get_role_credentials_and_its_errors() {
    let fake = FakeAws::start();
    let client = sso(&fake);
    let get = |token: String, account: &str, role: &str| {
        client
            .get_role_credentials()
            .access_token(token)
            .account_id(account)
            .role_name(role)
            .send()
    };
    let token = fake.mint_access_token(Duration::from_secs(3600));
    let before = now_ms();
    let out = get(token.clone(), "111111111111", "ReadOnly")
        .await
        .unwrap();
    let creds = out.role_credentials().unwrap();
    let expiration = creds.expiration();
    assert!(
        expiration >= before + 3_599_000 && expiration <= now_ms() + 3_600_000,
        "expiration is epoch milliseconds one hour ahead: {expiration}"
    );
    assert!(creds.access_key_id().unwrap().starts_with("ASIA"));
    let secrets = fake.issued_secrets();
    assert!(
        secrets
            .iter()
            .any(|s| Some(s.as_str()) == creds.secret_access_key())
    );
    assert!(
        secrets
            .iter()
            .any(|s| Some(s.as_str()) == creds.session_token())
    );

    let err = get(token.clone(), "222222222222", "AdministratorAccess")
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
    assert_eq!(err.code(), Some("ForbiddenException"));

    let err = get("unknown".into(), "111111111111", "ReadOnly")
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_unauthorized_exception());
    let expired = fake.mint_access_token(Duration::ZERO);
    let err = get(expired, "111111111111", "ReadOnly").await.unwrap_err();
    assert!(err.into_service_error().is_unauthorized_exception());

    assert!(fake.remove_role("111111111111", "ReadOnly"));
    let err = get(token.clone(), "111111111111", "ReadOnly")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ForbiddenException"));

    client.logout().access_token(&token).send().await.unwrap();
    let err = get(token.clone(), "111111111111", "AdministratorAccess")
        .await
        .unwrap_err();
    assert!(
        err.into_service_error().is_unauthorized_exception(),
        "logout revokes"
    );
    assert_eq!(fake.count("GetRoleCredentials"), 6);
    assert_eq!(fake.count("Logout"), 1);
}

#[tokio::test]
async fn paginators_see_every_account_and_role() {
    let fake = FakeAws::builder()
        .directory(Directory::generated(1000, 3))
        .start()
        .unwrap();
    let client = sso(&fake);
    let token = fake.mint_access_token(Duration::from_secs(3600));
    let accounts: Vec<_> = client
        .list_accounts()
        .access_token(&token)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let ids: HashSet<_> = accounts.iter().map(|a| a.account_id().unwrap()).collect();
    assert_eq!(ids.len(), 1000);
    assert_eq!(accounts[0].account_name(), Some("account-0001"));
    assert_eq!(
        accounts[0].email_address(),
        Some("aws+account-0001@example.com")
    );
    assert_eq!(fake.count("ListAccounts"), 50, "default page size 20");

    let pages = client
        .list_accounts()
        .access_token(&token)
        .max_results(100)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(pages.len(), 10);
    assert!(pages.last().unwrap().next_token().is_none());

    let roles: Vec<_> = client
        .list_account_roles()
        .access_token(&token)
        .account_id("100000000007")
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let names: Vec<_> = roles.iter().map(|r| r.role_name().unwrap()).collect();
    assert_eq!(
        names,
        ["AdministratorAccess", "ReadOnly", "PowerUserAccess"]
    );
    assert!(roles.iter().all(|r| r.account_id() == Some("100000000007")));
    assert_eq!(fake.count("ListAccountRoles"), 2);

    let err = client
        .list_accounts()
        .access_token("bad")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_unauthorized_exception());
}

// ---- STS ----

async fn role_keys(fake: &FakeAws, account: &str, role: &str) -> (String, String, String) {
    let token = fake.mint_access_token(Duration::from_secs(3600));
    let out = sso(fake)
        .get_role_credentials()
        .access_token(token)
        .account_id(account)
        .role_name(role)
        .send()
        .await
        .unwrap();
    let c = out.role_credentials().unwrap();
    (
        c.access_key_id().unwrap().to_string(),
        c.secret_access_key().unwrap().to_string(),
        c.session_token().unwrap().to_string(),
    )
}

#[tokio::test]
async fn assume_role_chain_with_identities() {
    let fake = FakeAws::start();
    let (key, secret, token) = role_keys(&fake, "111111111111", "AdministratorAccess").await;
    let client = sts(&fake, &key, &secret, Some(&token));
    let me = client.get_caller_identity().send().await.unwrap();
    let arn = me.arn().unwrap();
    let role = arn
        .strip_prefix("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_")
        .and_then(|rest| rest.strip_suffix("/fake-user"))
        .unwrap_or_else(|| panic!("an IAM Identity Center role session's ARN: {arn}"));
    assert!(
        role.len() == 16 && role.bytes().all(|b| b.is_ascii_hexdigit()),
        "{arn}"
    );
    assert_eq!(me.account(), Some("111111111111"));

    let before = SystemTime::now();
    let out = client
        .assume_role()
        .role_arn("arn:aws:iam::333333333333:role/path/Deploy")
        .role_session_name("me@example.com")
        .duration_seconds(900)
        .external_id("ext-123")
        .serial_number("arn:aws:iam::111111111111:mfa/me")
        .token_code("123456")
        .send()
        .await
        .unwrap();
    let creds = out.credentials().unwrap();
    let expires = SystemTime::try_from(*creds.expiration()).unwrap();
    let life = expires.duration_since(before).unwrap();
    assert!(
        life > Duration::from_secs(895) && life <= Duration::from_secs(901),
        "{life:?}"
    );
    let user = out.assumed_role_user().unwrap();
    assert_eq!(
        user.arn(),
        "arn:aws:sts::333333333333:assumed-role/Deploy/me@example.com"
    );
    assert!(user.assumed_role_id().starts_with("AROA"));
    assert!(user.assumed_role_id().ends_with(":me@example.com"));

    let calls = fake.assume_role_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].role_session_name, "me@example.com");
    assert_eq!(calls[0].external_id.as_deref(), Some("ext-123"));
    assert_eq!(
        calls[0].serial_number.as_deref(),
        Some("arn:aws:iam::111111111111:mfa/me")
    );
    assert_eq!(calls[0].token_code.as_deref(), Some("123456"));
    assert_eq!(calls[0].duration_seconds.as_deref(), Some("900"));
    assert_eq!(calls[0].caller_access_key_id, key);

    let chained = sts(
        &fake,
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token()),
    );
    let me = chained.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(user.arn()));
    assert_eq!(me.user_id(), Some(user.assumed_role_id()));

    fake.register_static_key(
        "AKIAEXAMPLESTATIC01",
        "static-secret",
        "444444444444",
        "alice",
    );
    let static_client = sts(&fake, "AKIAEXAMPLESTATIC01", "static-secret", None);
    let me = static_client.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::444444444444:user/alice"));
    assert!(me.user_id().unwrap().starts_with("AIDA"));
    assert_eq!(fake.count("AssumeRole"), 1);
    assert_eq!(fake.count("GetCallerIdentity"), 3);
}

#[tokio::test]
async fn sts_rejects_bad_input_and_bad_signatures() {
    let fake = FakeAws::start();
    fake.register_static_key("AKIAEXAMPLESTATIC02", "right-secret", "444444444444", "bob");
    let client = sts(&fake, "AKIAEXAMPLESTATIC02", "right-secret", None);
    let assume = |client: &aws_sdk_sts::Client, session: &str, duration: i32| {
        client
            .assume_role()
            .role_arn("arn:aws:iam::333333333333:role/Deploy")
            .role_session_name(session)
            .duration_seconds(duration)
            .send()
    };

    let err = assume(&client, "has space", 3600).await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
    assert_eq!(
        err.message(),
        Some(
            "1 validation error detected: Value 'has space' at 'roleSessionName' failed to \
             satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        )
    );
    let err = assume(&client, "ok", 43201).await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));
    assert!(
        err.message()
            .unwrap()
            .contains("less than or equal to 43200")
    );

    let unknown = sts(&fake, "AKIAUNKNOWNKEY000000", "whatever", None);
    let err = unknown.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);

    let wrong_secret = sts(&fake, "AKIAEXAMPLESTATIC02", "wrong-secret", None);
    let err = assume(&wrong_secret, "ok", 3600).await.unwrap_err();
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));

    let (key, secret, _token) = role_keys(&fake, "111111111111", "ReadOnly").await;
    let without_token = sts(&fake, &key, &secret, None);
    let err = without_token
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("InvalidClientTokenId"),
        "session token required"
    );

    assert_eq!(
        fake.assume_role_calls().len(),
        2,
        "only authenticated calls are recorded"
    );
}

// ---- faults and controls ----

#[tokio::test]
async fn faults_are_seen_by_the_sdk_after_its_retries() {
    let fake = FakeAws::start();
    let client = sso(&fake);
    let token = fake.mint_access_token(Duration::from_secs(3600));
    let get = || {
        client
            .get_role_credentials()
            .access_token(&token)
            .account_id("111111111111")
            .role_name("ReadOnly")
            .send()
    };

    fake.fail("GetRoleCredentials", 500, None);
    let err = get().await.unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);
    assert_eq!(
        fake.count("GetRoleCredentials"),
        3,
        "every attempt is counted"
    );

    fake.reset_faults();
    fake.fail("GetRoleCredentials", 429, None);
    let err = get().await.unwrap_err();
    assert_eq!(err.code(), Some("TooManyRequestsException"));
    assert!(err.into_service_error().is_too_many_requests_exception());
    assert_eq!(
        fake.count("GetRoleCredentials"),
        6,
        "throttling is retried too"
    );

    fake.fail("GetRoleCredentials", 429, Some(2));
    get().await.unwrap();
    assert_eq!(
        fake.count("GetRoleCredentials"),
        9,
        "third attempt succeeds"
    );

    fake.fail("GetRoleCredentials", 401, Some(1));
    let err = get().await.unwrap_err();
    assert!(err.into_service_error().is_unauthorized_exception());
    assert_eq!(fake.count("GetRoleCredentials"), 10, "401 is not retried");

    let (key, secret, session) = role_keys(&fake, "111111111111", "ReadOnly").await;
    let sts = sts(&fake, &key, &secret, Some(&session));
    fake.fail("AssumeRole", 500, None);
    let err = sts
        .assume_role()
        .role_arn("arn:aws:iam::333333333333:role/Deploy")
        .role_session_name("s1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InternalFailure"));
    assert_eq!(fake.count("AssumeRole"), 3);
    fake.fail_with_code("GetCallerIdentity", 400, Some("Throttling"), Some(1));
    sts.get_caller_identity().send().await.unwrap();
    assert_eq!(
        fake.count("GetCallerIdentity"),
        2,
        "a chosen throttling code is retried"
    );
}

#[tokio::test]
async fn delays_are_served_concurrently() {
    let fake = FakeAws::start();
    let client = sso(&fake);
    let token = fake.mint_access_token(Duration::from_secs(3600));
    fake.delay("ListAccounts", Duration::from_millis(800));
    let list = || client.list_accounts().access_token(&token).send();
    let started = Instant::now();
    let (a, b) = tokio::join!(list(), list());
    let elapsed = started.elapsed();
    a.unwrap();
    b.unwrap();
    assert!(elapsed >= Duration::from_millis(800), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(1500),
        "served in parallel: {elapsed:?}"
    );
}

#[tokio::test]
async fn http_controls_mirror_the_rust_api() {
    let fake = FakeAws::start();
    let response = raw_http(
        &fake,
        "POST",
        "/_fake/fail",
        r#"{"op":"ListAccounts","status":403,"times":1}"#,
    );
    assert_eq!(response.status, 200, "{}", response.body);
    let minted = raw_http(&fake, "POST", "/_fake/mint-token", r#"{"expires_in":600}"#);
    let token: serde_json::Value = serde_json::from_str(&minted.body).unwrap();
    let token = token["accessToken"].as_str().unwrap().to_string();

    let client = sso(&fake);
    let err = client
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ForbiddenException"));
    client
        .list_accounts()
        .access_token(&token)
        .send()
        .await
        .unwrap();

    let counts = raw_http(&fake, "GET", "/_fake/counts", "");
    let counts: serde_json::Value = serde_json::from_str(&counts.body).unwrap();
    assert_eq!(counts["ListAccounts"], 2);

    let approve = raw_http(&fake, "POST", "/_fake/approve", "{}");
    assert_eq!(approve.status, 404, "no device authorization yet");
    let bad = raw_http(&fake, "POST", "/_fake/delay", "not json");
    assert_eq!(bad.status, 400);
    assert_eq!(raw_http(&fake, "POST", "/_fake/reset", "").status, 200);
    assert_eq!(fake.count("ListAccounts"), 0);
    assert_eq!(raw_http(&fake, "GET", "/_fake", "").status, 200);
    assert_eq!(raw_http(&fake, "GET", "/nowhere", "").status, 404);
}

#[test]
fn sts_refuses_an_unsigned_request() {
    let fake = FakeAws::start();
    let response = raw_http(
        &fake,
        "POST",
        "/",
        "Action=GetCallerIdentity&Version=2011-06-15",
    );
    assert_eq!(response.status, 403, "{}", response.body);
    assert!(
        response
            .body
            .contains("<Code>MissingAuthenticationToken</Code>"),
        "{}",
        response.body
    );
    assert_eq!(fake.count("GetCallerIdentity"), 1);
}

#[tokio::test]
async fn iam_users_get_session_and_federation_tokens() {
    let fake = FakeAws::builder()
        .configure(|settings| settings.mfa_code = Some("123456".into()))
        .start()
        .unwrap();
    let (key, secret) = fake.create_iam_user("111111111111", "alice");
    assert!(key.starts_with("AKIA"));
    assert!(fake.issued_secrets().contains(&secret));
    assert_eq!(
        fake.access_keys_of("111111111111", "alice"),
        vec![key.clone()]
    );
    let user = sts(&fake, &key, &secret, None);

    let session = user
        .get_session_token()
        .serial_number("arn:aws:iam::111111111111:mfa/alice")
        .token_code("123456")
        .duration_seconds(900)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let calls = fake.session_token_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].caller_access_key_id, key);
    assert_eq!(calls[0].duration_seconds.as_deref(), Some("900"));
    let left = session.expiration.secs() * 1000 - now_ms();
    assert!((800_000..=900_000).contains(&left), "{left}");
    let as_session = sts(
        &fake,
        &session.access_key_id,
        &session.secret_access_key,
        Some(&session.session_token),
    );
    let identity = as_session.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.arn(), Some("arn:aws:iam::111111111111:user/alice"));

    let wrong = user
        .get_session_token()
        .serial_number("arn:aws:iam::111111111111:mfa/alice")
        .token_code("000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Some("AccessDenied"));
    let from_session = as_session.get_session_token().send().await.unwrap_err();
    assert_eq!(
        from_session.code(),
        Some("AccessDenied"),
        "needs a long-term key"
    );

    let federated = user
        .get_federation_token()
        .name("console")
        .send()
        .await
        .unwrap();
    assert_eq!(
        federated.federated_user.unwrap().arn,
        "arn:aws:sts::111111111111:federated-user/console"
    );
    assert!(
        federated
            .credentials
            .unwrap()
            .session_token
            .starts_with("IQoJ")
    );
    let refused = user
        .get_federation_token()
        .name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("ValidationError"));
}
