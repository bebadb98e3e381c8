use std::path::{Path, PathBuf};

use super::*;
use crate::config::{ConfigFile, FileKind};

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

fn files_from(config: &str, credentials: &str) -> AwsFiles {
    AwsFiles {
        config: ConfigFile::parse(Path::new("config"), FileKind::Config, config.into()).unwrap(),
        credentials: ConfigFile::parse(
            Path::new("credentials"),
            FileKind::Credentials,
            credentials.into(),
        )
        .unwrap(),
    }
}

fn corpus_files(config: &str) -> AwsFiles {
    AwsFiles::load_from(
        &corpus("config").join(config),
        &corpus("credentials/static-and-session.ini"),
    )
    .unwrap()
}

fn sso(profile: &Profile) -> &SsoRole {
    match &profile.source {
        CredentialSource::Sso(role) => role,
        other => panic!("expected an SSO role, got {other:?}"),
    }
}

fn role(profile: &Profile) -> &AssumeRole {
    match &profile.source {
        CredentialSource::AssumeRole(role) => role,
        other => panic!("expected a role, got {other:?}"),
    }
}

#[test]
fn granted_keys_win_over_the_credential_process_that_calls_grant() {
    let files = corpus_files("seed-granted-credential-process.ini");
    let profile = resolve(&files, "my-profile").unwrap();
    let role = sso(&profile);
    assert_eq!(role.account_id, "123456789012");
    assert_eq!(role.role_name, "AdministratorAccess");
    assert_eq!(role.session.start_url, "https://example.awsapps.com/start");
    assert_eq!(role.session.name, None);
    assert_eq!(profile.region.as_deref(), Some("us-east-1"));
    assert_eq!(
        profile.credential_process.as_deref(),
        Some("granted credential-process --profile my-profile")
    );
    let other = resolve(&files, "my-auto-login").unwrap();
    assert_eq!(
        sso(&other).session.key(),
        role.session.key(),
        "a trailing slash must not make a second session"
    );
}

#[test]
fn granted_registration_scopes_sessions_and_bare_credential_processes() {
    let files = corpus_files("seed-granted-credential-process.ini");
    let example = resolve(&files, "example").unwrap();
    assert_eq!(sso(&example).session.scopes, ["sso:account:access"]);
    assert_eq!(sso(&example).session.region, "ap-southeast-2");
    let two = resolve(&files, "two-scopes").unwrap();
    assert_eq!(
        sso(&two).session.scopes,
        ["sso:account:access", "sso:other:scope"]
    );
    let auto = resolve(&files, "auto-example").unwrap();
    assert_eq!(
        auto.source,
        CredentialSource::Process(
            "granted credential-process --auto-login --profile my-profile".into()
        )
    );
    let through = resolve(&files, "through-a-session").unwrap();
    let role = sso(&through);
    assert_eq!(role.session.name.as_deref(), Some("corp"));
    assert_eq!(role.session.start_url, "https://corp.awsapps.com/start");
    assert_eq!(role.session.scopes, ["sso:account:access"]);
    assert_eq!(
        (role.account_id.as_str(), role.role_name.as_str()),
        ("210987654321", "Deploy")
    );
    assert_eq!(through.region.as_deref(), Some("eu-west-1"));
}

#[test]
fn other_tools_credential_processes_are_sources() {
    for (file, name, command) in [
        (
            "seed-leapp.ini",
            "PROFILE_NAME",
            "leapp session generate SESSION_ID",
        ),
        (
            "seed-weep.ini",
            "consoleme_oss_1",
            "weep credential_process arn:aws:iam::012345678901:role/consoleme_oss_1_test_admin",
        ),
        (
            "seed-weep.ini",
            "test_account_user",
            "weep credential_process test_account_user",
        ),
    ] {
        let profile = resolve(&corpus_files(file), name).unwrap();
        assert_eq!(
            profile.source,
            CredentialSource::Process(command.into()),
            "{file} {name}"
        );
    }
    let leapp = resolve(&corpus_files("seed-leapp.ini"), "PROFILE_NAME").unwrap();
    assert_eq!(leapp.region.as_deref(), Some("REGION"));
}

#[test]
fn plain_sso_keys_win_over_credential_process_of_aws_sso_credential_process() {
    let files = corpus_files("seed-aws-sso-credential-process.ini");
    let profile = resolve(&files, "my-sso-profile").unwrap();
    let role = sso(&profile);
    assert_eq!(
        (role.account_id.as_str(), role.role_name.as_str()),
        ("123456789012", "MyLeastPrivilegeRole")
    );
    assert_eq!(role.session.region, "us-east-2");
    assert!(role.session.scopes.is_empty());
    assert!(profile.credential_process.is_some());
}

#[test]
fn sso_session_sections_give_url_region_and_scopes() {
    let files = corpus_files("aws-configure-sso.ini");
    let dev = resolve(&files, "dev-admin").unwrap();
    let role = sso(&dev);
    assert_eq!(role.session.name.as_deref(), Some("my-sso"));
    assert_eq!(role.session.key(), "my-sso");
    assert_eq!(
        role.session.start_url,
        "https://my-sso-portal.awsapps.com/start"
    );
    assert_eq!(role.session.scopes, vec!["sso:account:access".to_owned()]);
    assert_eq!(dev.region.as_deref(), Some("us-west-2"));
    let prod = resolve(&files, "prod-readonly").unwrap();
    assert_eq!(
        prod.region.as_deref(),
        Some("us-east-1"),
        "falls back to the SSO region"
    );
}

#[test]
fn role_chains_carry_every_parameter_and_inherit_region() {
    let files = corpus_files("role-chains.ini");
    let hop2 = resolve(&files, "hop2").unwrap();
    let outer = role(&hop2);
    assert_eq!(outer.role_arn, "arn:aws:iam::222222222222:role/Hop2");
    assert_eq!(
        outer.mfa_serial.as_deref(),
        Some("arn:aws:iam::000000000000:mfa/alice")
    );
    assert_eq!(outer.source_profile.as_deref(), Some("hop1"));
    let CredentialSource::AssumeRole(inner) = &outer.source else {
        panic!("hop1 is a role");
    };
    assert_eq!(inner.external_id.as_deref(), Some("tenant-42"));
    assert_eq!(
        inner.role_session_name.as_deref(),
        Some("alice@example.com")
    );
    assert_eq!(inner.duration_seconds, Some(7200));
    assert_eq!(hop2.region.as_deref(), Some("eu-central-1"));

    let instance = resolve(&files, "from-instance").unwrap();
    assert_eq!(
        role(&instance).source,
        CredentialSource::Named(NamedSource::Ec2InstanceMetadata)
    );
    assert_eq!(instance.region.as_deref(), Some("ap-southeast-2"));

    let own = resolve(&files, "self-keys").unwrap();
    let CredentialSource::Static(keys) = &role(&own).source else {
        panic!("self reference uses own keys");
    };
    assert_eq!(keys.access_key_id, "AKIDSELF");
}

#[test]
fn base_profile_without_credentials_in_config_gets_them_from_credentials_file() {
    let files = files_from(
        "[profile temp]\nregion = us-east-1\n",
        "[temp]\naws_access_key_id = A\naws_secret_access_key = S\naws_session_token = T\n",
    );
    let profile = resolve(&files, "temp").unwrap();
    let CredentialSource::Static(keys) = profile.source else {
        panic!()
    };
    assert_eq!(keys.session_token.as_deref(), Some("T"));
    assert!(
        !format!("{keys:?}").contains("\"S\""),
        "Debug must not print secrets"
    );
}

#[test]
fn corpus_profiles_all_resolve_or_fail_with_a_location() {
    for entry in std::fs::read_dir(corpus("config")).unwrap() {
        let path = entry.unwrap().path();
        let files = AwsFiles::load_from(&path, Path::new("/nonexistent")).unwrap();
        for name in files.profile_names() {
            match resolve(&files, name) {
                Ok(profile) => assert_eq!(profile.name, name),
                Err(error) => {
                    let message = error.to_string();
                    assert!(
                        message.contains(&format!("{}:", path.display())),
                        "{message}"
                    );
                }
            }
        }
    }
}

#[test]
fn cycles_and_deep_chains_name_the_chain() {
    let files = files_from(
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
        "",
    );
    let error = resolve(&files, "a").unwrap_err().to_string();
    assert_eq!(
        error,
        "profile 'a': source_profile chain loops: a -> b -> a"
    );

    let mut deep = String::from("[profile p0]\naws_access_key_id = A\naws_secret_access_key = S\n");
    for i in 1..=12 {
        deep.push_str(&format!(
            "[profile p{i}]\nrole_arn = arn:aws:iam::1:role/r{i}\nsource_profile = p{}\n",
            i - 1
        ));
    }
    let files = files_from(&deep, "");
    assert!(resolve(&files, "p10").is_ok(), "ten hops are fine");
    let error = resolve(&files, "p12").unwrap_err().to_string();
    assert!(
        error.starts_with("profile 'p12': source_profile chain is deeper than 10: p12 -> p11 -> "),
        "{error}"
    );
}

#[test]
fn mistakes_point_at_file_and_line() {
    let cases = [
        (
            "[profile r]\nrole_arn = arn\n",
            "config:2: profile 'r': role_arn needs source_profile or credential_source",
        ),
        (
            "[profile r]\nrole_arn = arn\nsource_profile = x\ncredential_source = Environment\n",
            "config:4: profile 'r': role_arn takes source_profile or credential_source, not both",
        ),
        (
            "[profile r]\nrole_arn = arn\nsource_profile = gone\n",
            "config:3: profile 'r': source_profile 'gone' does not exist",
        ),
        (
            "[profile r]\nrole_arn = arn\ncredential_source = Laptop\n",
            "config:3: profile 'r': credential_source 'Laptop' is not Environment, Ec2InstanceMetadata or EcsContainer",
        ),
        (
            "[profile r]\nrole_arn = arn\ncredential_source = Environment\nduration_seconds = 60\n",
            "config:4: profile 'r': duration_seconds must be a number of seconds from 900 to 43200, not '60'",
        ),
        (
            "[profile s]\ngranted_sso_start_url = https://x\ngranted_sso_region = us-east-1\ngranted_sso_account_id = 1\n",
            "config:1: profile 's': granted_sso_role_name is missing",
        ),
        (
            "[profile s]\nsso_session = nope\n",
            "config:2: profile 's': [sso-session nope] is not in the config file",
        ),
        (
            "[profile s]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n[sso-session corp]\nsso_region = us-east-1\n",
            "config:5: profile 's': sso_start_url is missing (or set DefaultSSOStartURL)",
        ),
        (
            "[profile k]\naws_access_key_id = A\n",
            "config:2: profile 'k': aws_access_key_id is set but aws_secret_access_key is missing",
        ),
        (
            "[profile e]\nregion = us-east-1\n",
            "config:1: profile 'e': no credentials: add granted_sso_* or sso_* keys, grant_saml_url, role_arn, credential_process or aws_access_key_id",
        ),
    ];
    for (config, expected) in cases {
        let error = resolve(
            &files_from(config, ""),
            config.split(['[', ' ', ']']).nth(2).unwrap(),
        )
        .unwrap_err();
        assert_eq!(error.to_string(), expected);
    }
}

#[test]
fn unknown_profiles_suggest_close_names() {
    let files = files_from(
        "[profile production]\nregion = x\n[profile prod-eu]\nregion = y\n[profile dev]\nregion = z\n",
        "",
    );
    let error = resolve(&files, "prodution").unwrap_err().to_string();
    assert!(error.starts_with("profile 'prodution' is not in the AWS config or credentials file (did you mean 'production'"), "{error}");
    assert!(error.ends_with("run `grant profiles` to list them"));
    let error = resolve(&files, "zzz").unwrap_err().to_string();
    assert!(!error.contains("did you mean"), "{error}");
}

#[test]
fn interactive_auth_flag_is_read() {
    let files = files_from(
        "[profile p]\ncredential_process = x\nsso_interactive_auth = TRUE\n",
        "",
    );
    assert_eq!(resolve(&files, "p").unwrap().interactive_auth, Some(true));
}

#[test]
fn the_iam_user_marker_makes_a_profile_a_stored_iam_user() {
    let files = files_from(
        "[profile alice]\ngrant_iam_user = true\nmfa_serial = arn:aws:iam::1:mfa/alice\nduration_seconds = 7200\ncredential_process = grant credential-process --profile alice\naws_access_key_id = AKIAIGNORED000000000\naws_secret_access_key = ignored\n\n[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = alice\n\n[profile off]\ngrant_iam_user = false\ncredential_process = other-tool\n",
        "",
    );
    let user = IamUser {
        profile: "alice".into(),
        mfa_serial: Some("arn:aws:iam::1:mfa/alice".into()),
        mfa_process: None,
        duration_seconds: Some(7200),
    };
    let alice = resolve(&files, "alice").unwrap();
    assert_eq!(alice.source, CredentialSource::IamUser(user.clone()));
    assert_eq!(
        role(&resolve(&files, "admin").unwrap()).source,
        CredentialSource::IamUser(user)
    );
    assert_eq!(
        resolve(&files, "off").unwrap().source,
        CredentialSource::Process("other-tool".into())
    );
}

#[test]
fn saml_profiles_and_role_chains_on_them() {
    let files = files_from(
        "[profile idp]\ngrant_saml_url = https://acme.okta.com/home/amazon_aws/0oa/272\n\
         grant_saml_role_arn = arn:aws:iam::111111111111:role/Admin\nduration_seconds = 7200\n\
         credential_process = grant credential-process --profile idp\n\
         [profile on-top]\nrole_arn = arn:aws:iam::333333333333:role/Deploy\nsource_profile = idp\n",
        "",
    );
    let saml = resolve(&files, "idp").unwrap();
    assert_eq!(
        saml.source,
        CredentialSource::Saml(SamlRole {
            url: "https://acme.okta.com/home/amazon_aws/0oa/272".into(),
            role_arn: Some("arn:aws:iam::111111111111:role/Admin".into()),
            provider_arn: None,
            duration_seconds: Some(7200),
        })
    );
    let chained = resolve(&files, "on-top").unwrap();
    assert!(matches!(role(&chained).source, CredentialSource::Saml(_)));
    let bad = files_from(
        "[profile b]\ngrant_saml_url = https://x\nduration_seconds = 5\n",
        "",
    );
    assert!(resolve(&bad, "b").is_err());
}
