//! `grant credentials add | list | remove | rotate | import`: IAM users' long-term
//! keys in grant's secret store instead of `~/.aws/credentials`.
//!
//! A stored profile gets two lines in `[profile NAME]` of `~/.aws/config`:
//! `credential_process = grant credential-process --profile NAME`, and the marker
//! `grant_iam_user = true` that makes grant serve it as GetSessionToken sessions of
//! the stored key. Both are set key by key: every other byte of the file stays.
//! `remove` takes out exactly those two lines again (the `credential_process` only
//! while it is grant's), leaving the user's own keys (`region`, `mfa_serial`, ...).

use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::CredentialsCommand;
use crate::config::document::Document;
use crate::config::edit::Edit;
use crate::config::{FileKind, SectionKind};
use crate::credentials::cache;
use crate::credentials::context::FetchContext;
use crate::iam_users::rotate::{self, Rotated};
use crate::iam_users::{self, LongTermKey};
use crate::paths;
use crate::profile::{CredentialSource, IAM_USER_MARKER, IamUser, StaticKeys};
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::term_text::shown;

/// Keys of the credentials file that hold static credentials.
const STATIC_KEYS: [&str; 3] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
];
/// The profile keys that say the profile gets credentials some other way.
const OTHER_SOURCES: [&str; 6] = [
    "role_arn",
    "sso_session",
    "sso_start_url",
    "sso_account_id",
    "granted_sso_start_url",
    "granted_sso_account_id",
];

pub fn run(command: CredentialsCommand) -> anyhow::Result<()> {
    let settings = super::settings()?;
    let store = SecretStore::open(settings)?;
    match command {
        CredentialsCommand::Add { profile, env } => add(&store, &profile, env),
        CredentialsCommand::List => list(&store),
        CredentialsCommand::Remove { profile } => remove(&store, &profile),
        CredentialsCommand::Rotate { profile, mfa_token } => {
            rotate(&store, settings, &profile, mfa_token)
        }
        CredentialsCommand::Import {
            profile,
            remove_plaintext,
        } => import(&store, &profile, remove_plaintext),
    }
}

/// `grant credential-process --profile NAME`: names are checked, so no quoting.
fn process_line(profile: &str) -> String {
    format!("grant credential-process --profile {profile}")
}

fn check_name(profile: &str) -> anyhow::Result<()> {
    if !crate::config::is_valid_name(profile) {
        bail!(
            "profile name '{}' is refused: the AWS SDKs accept only letters, digits and _-/.%@:+ in profile names",
            shown(profile)
        );
    }
    Ok(())
}

fn add(store: &SecretStore, profile: &str, from_env: bool) -> anyhow::Result<()> {
    check_name(profile)?;
    refuse_if_stored(store, profile)?;
    check_config_profile(profile)?;
    let key = if from_env {
        key_from_env(profile)?
    } else {
        key_from_terminal(profile)?
    };
    store_and_point(store, profile, &key)?;
    warn_of_plaintext_keys(profile, false);
    Ok(())
}

fn refuse_if_stored(store: &SecretStore, profile: &str) -> anyhow::Result<()> {
    if let Some(stored) = iam_users::load(store, profile)? {
        let name = shell_word(profile);
        bail!(
            "grant already stores the key {} for profile '{}'; run `grant credentials rotate {name}` for a new one, or `grant credentials remove {name}` first",
            stored.masked_id(),
            shown(profile)
        );
    }
    Ok(())
}

/// Refuses a profile of the config file that gets credentials another way.
fn check_config_profile(profile: &str) -> anyhow::Result<()> {
    let path = paths::aws_config_file();
    let Some(text) = read_optional(&path)? else {
        return Ok(());
    };
    let document = Document::parse(&path, &text)?;
    let Some(entries) = document.section(SectionKind::Profile, profile) else {
        return Ok(());
    };
    let ours = process_line(profile);
    for (key, value) in &entries {
        let foreign_process = key == "credential_process" && *value != ours;
        if foreign_process || OTHER_SOURCES.contains(&key.as_str()) {
            bail!(
                "{}: profile '{}' already gets credentials through {key}; remove that line, or store the key under another profile name",
                path.display(),
                shown(profile)
            );
        }
    }
    Ok(())
}

fn key_from_env(profile: &str) -> anyhow::Result<LongTermKey> {
    let (Some(id), Some(secret)) = (
        crate::env::value("AWS_ACCESS_KEY_ID"),
        crate::env::value("AWS_SECRET_ACCESS_KEY"),
    ) else {
        bail!(
            "--env: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the IAM user's key for profile '{}'",
            shown(profile)
        );
    };
    if crate::env::value("AWS_SESSION_TOKEN").is_some() {
        bail!(
            "--env: AWS_SESSION_TOKEN is set, so these are temporary keys; store the IAM user's long-term key (unset AWS_SESSION_TOKEN)"
        );
    }
    Ok(LongTermKey::new(&id, &secret)?)
}

fn key_from_terminal(profile: &str) -> anyhow::Result<LongTermKey> {
    let no_terminal = || {
        anyhow::anyhow!(
            "no terminal to ask for the key of profile '{}'; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY and pass --env",
            shown(profile)
        )
    };
    if !crate::terminal::person_can_answer() {
        return Err(no_terminal());
    }
    let id = crate::terminal::ask("Access key id: ").ok_or_else(no_terminal)?;
    let secret = crate::terminal::ask_hidden("Secret access key").ok_or_else(no_terminal)?;
    Ok(LongTermKey::new(&id, &secret)?)
}

/// Stores `key` and writes grant's two lines into the profile.
fn store_and_point(store: &SecretStore, profile: &str, key: &LongTermKey) -> anyhow::Result<()> {
    iam_users::save(store, profile, key)?;
    iam_users::forget_sessions(store, profile)?;
    let path = paths::aws_config_file();
    edit_file(&path, FileKind::Config, |document| {
        let process = process_line(profile);
        document.set_key(
            SectionKind::Profile,
            profile,
            "credential_process",
            &process,
        )?;
        document.set_key(SectionKind::Profile, profile, IAM_USER_MARKER, "true")?;
        Ok(())
    })?;
    eprintln!(
        "grant: stored the key {} of profile '{}' in grant's secret store ({}); [profile {}] of {} runs `{}`",
        key.masked_id(),
        shown(profile),
        store.backend_name(),
        shown(profile),
        path.display(),
        shown(&process_line(profile))
    );
    if store.backend_name() == "kernel-keyring" {
        // Tokens and cached credentials can be fetched again; this key cannot.
        eprintln!(
            "grant: the kernel keyring forgets grant's data key at reboot, and the stored key with it: keep a copy of the secret elsewhere (a password manager), or where a desktop keyring runs set Keyring.Backend to secret-service before adding keys"
        );
    }
    Ok(())
}

/// Edits the AWS file `path` through the one editor of the AWS files (its lock, an
/// atomic write, only when something changed).
fn edit_file(
    path: &Path,
    kind: FileKind,
    change: impl FnOnce(&mut Document) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    Edit::new(path, kind).apply(change)?;
    Ok(())
}

fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The static keys of `[profile]` in the credentials file, if any.
fn plaintext_keys(profile: &str) -> anyhow::Result<Option<Vec<(String, String)>>> {
    let path = paths::aws_credentials_file();
    let Some(text) = read_optional(&path)? else {
        return Ok(None);
    };
    let document = Document::parse_credentials(&path, &text)?;
    Ok(document
        .section(SectionKind::Profile, profile)
        .map(|entries| {
            entries
                .into_iter()
                .filter(|(key, _)| STATIC_KEYS.contains(&key.as_str()))
                .collect::<Vec<_>>()
        })
        .filter(|keys| !keys.is_empty()))
}

/// Static keys of the profile left in the credentials file win over its
/// credential_process in the AWS CLI and SDKs: says so, with what to run.
fn warn_of_plaintext_keys(profile: &str, imported: bool) {
    if !matches!(plaintext_keys(profile), Ok(Some(_))) {
        return;
    }
    let verb = if imported { "stay" } else { "are" };
    eprintln!(
        "grant: the plaintext keys of [{}] {verb} in {}; the AWS CLI and SDKs use static keys in the credentials file before credential_process, so remove them: `grant credentials import {} --remove-plaintext`",
        shown(profile),
        paths::aws_credentials_file().display(),
        shell_word(profile)
    );
}

fn import(store: &SecretStore, profile: &str, remove_plaintext: bool) -> anyhow::Result<()> {
    check_name(profile)?;
    let path = paths::aws_credentials_file();
    let entries = plaintext_keys(profile)?.unwrap_or_default();
    let value = |name: &str| {
        entries
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    if value("aws_session_token").is_some() {
        bail!(
            "{}: [{}] holds temporary keys (aws_session_token); only an IAM user's long-term key can be stored",
            path.display(),
            shown(profile)
        );
    }
    let stored = iam_users::load(store, profile)?;
    let key = match (value("aws_access_key_id"), value("aws_secret_access_key")) {
        (Some(id), Some(secret)) => LongTermKey::new(id, secret)
            .with_context(|| format!("{}: [{}]", path.display(), shown(profile)))?,
        // Imported before, plaintext already gone: nothing left to do.
        (None, None) if stored.is_some() => {
            eprintln!(
                "grant: profile '{}' is already in grant's store, and {} holds no keys for it",
                shown(profile),
                path.display()
            );
            return Ok(());
        }
        _ => bail!(
            "{}: [{}] has no aws_access_key_id and aws_secret_access_key to import; add the key with `grant credentials add {}`",
            path.display(),
            shown(profile),
            shell_word(profile)
        ),
    };
    if stored.as_ref().is_some_and(|stored| *stored != key) {
        refuse_if_stored(store, profile)?;
    }
    check_config_profile(profile)?;
    store_and_point(store, profile, &key)?;
    if !remove_plaintext {
        warn_of_plaintext_keys(profile, true);
        return Ok(());
    }
    edit_file(&path, FileKind::Credentials, |document| {
        document.remove_keys(SectionKind::Profile, profile, &STATIC_KEYS);
        Ok(())
    })?;
    eprintln!(
        "grant: removed the keys of [{}] from {}",
        shown(profile),
        path.display()
    );
    Ok(())
}

fn list(store: &SecretStore) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for profile in iam_users::stored_profiles(store)? {
        if let Some(key) = iam_users::load(store, &profile)? {
            rows.push((shown(&profile).into_owned(), key.masked_id()));
        }
    }
    if rows.is_empty() {
        eprintln!("grant: no IAM user keys stored; add one with `grant credentials add PROFILE`");
        return Ok(());
    }
    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    super::print_lines(
        rows.iter()
            .map(|(name, key)| format!("{name:width$}  {key}")),
    )?;
    Ok(())
}

fn remove(store: &SecretStore, profile: &str) -> anyhow::Result<()> {
    check_name(profile)?;
    let stored = iam_users::load(store, profile)?;
    iam_users::delete(store, profile)?;
    cache::clear(store, Some(profile))?;
    let path = paths::aws_config_file();
    let mut lines_removed = 0;
    edit_file(&path, FileKind::Config, |document| {
        let ours = process_line(profile);
        let is_ours = document
            .section(SectionKind::Profile, profile)
            .is_some_and(|entries| {
                entries
                    .iter()
                    .any(|(key, value)| key == "credential_process" && *value == ours)
            });
        let mut keys = vec![IAM_USER_MARKER];
        if is_ours {
            keys.push("credential_process");
        }
        lines_removed = document.remove_keys(SectionKind::Profile, profile, &keys);
        Ok(())
    })?;
    let Some(stored) = stored else {
        if lines_removed > 0 {
            eprintln!(
                "grant: grant stored no key for profile '{}'; removed its grant lines from {}",
                shown(profile),
                path.display()
            );
            return Ok(());
        }
        bail!(
            "grant stores no key for profile '{}'; `grant credentials list` shows the stored ones",
            shown(profile)
        );
    };
    eprintln!(
        "grant: deleted the key {} of profile '{}' and its cached sessions, and grant's lines in {}; the key itself still exists in IAM: deactivate or delete it there if you no longer need it",
        stored.masked_id(),
        shown(profile),
        path.display()
    );
    Ok(())
}

fn rotate(
    store: &SecretStore,
    settings: &Settings,
    profile: &str,
    mfa_token: Option<String>,
) -> anyhow::Result<()> {
    check_name(profile)?;
    let Some(old) = iam_users::load(store, profile)? else {
        bail!(
            "grant stores no key for profile '{}'; add one with `grant credentials add {}`",
            shown(profile),
            shell_word(profile)
        );
    };
    let (region, mfa_user) = rotation_profile(profile);
    let context = || format!("rotate the key of profile '{}'", shown(profile));
    let runtime = crate::aws::runtime()?;
    let signer = match &mfa_user {
        // IAM takes session credentials only when they carry MFA; a policy that
        // demands MFA for iam:CreateAccessKey needs them.
        Some(user) => runtime
            .block_on(mfa_session(store, settings, user, &region, mfa_token))
            .with_context(context)?,
        None => old.signing_keys(),
    };
    let rotated = runtime
        .block_on(rotate::rotate(store, profile, &old, &signer, &region))
        .with_context(context)?;
    cache::clear(store, Some(profile))?;
    report_rotation(profile, &old, rotated)
}

/// The region for STS (the profile's, else us-east-1), and the IAM user when the
/// profile names an MFA device.
fn rotation_profile(profile: &str) -> (String, Option<IamUser>) {
    let resolved =
        crate::credentials::obtain::load_profile(profile, &crate::profile::SsoDefaults::default())
            .ok();
    let region = resolved
        .as_ref()
        .and_then(|resolved| resolved.region.clone())
        .unwrap_or_else(|| "us-east-1".to_owned());
    let mfa_user = resolved.and_then(|resolved| match resolved.source {
        CredentialSource::IamUser(user) if user.mfa_serial.is_some() => Some(user),
        _ => None,
    });
    (region, mfa_user)
}

/// One line on stderr for a full rotation; an error naming the old key (in full:
/// deleting it takes its id) when it still exists.
fn report_rotation(profile: &str, old: &LongTermKey, rotated: Rotated) -> anyhow::Result<()> {
    let delete_old = format!(
        "`aws iam delete-access-key --access-key-id {}` (as that user or an administrator), or in the IAM console",
        old.access_key_id
    );
    match rotated {
        Rotated::Done { new_key } => {
            eprintln!(
                "grant: profile '{}' now uses the new key {} (stored, and accepted by STS); the old key {} is deleted in IAM",
                shown(profile),
                new_key.masked_id(),
                old.masked_id()
            );
            Ok(())
        }
        Rotated::OldKeyRemains { new_key, failure } => bail!(
            "profile '{}' now uses the new key {} (stored and working), but deleting the old key {} in IAM failed ({failure}): it still exists; delete it with {delete_old}",
            shown(profile),
            new_key.masked_id(),
            old.access_key_id
        ),
        Rotated::NotConfirmed { new_key, failure } => bail!(
            "profile '{}': IAM created the new key {} and grant stored it, but STS did not accept it yet ({failure}); the old key {} still exists: check `aws sts get-caller-identity --profile {}` in a minute, then delete the old key with {delete_old}",
            shown(profile),
            new_key.masked_id(),
            old.access_key_id,
            shell_word(profile)
        ),
    }
}

/// An MFA session of the user's stored key (the cached one while it lasts), as
/// signing keys.
async fn mfa_session(
    store: &SecretStore,
    settings: &Settings,
    user: &IamUser,
    region: &str,
    mfa_token: Option<String>,
) -> anyhow::Result<StaticKeys> {
    let sso = crate::sso::Sso::new(store, settings);
    let context = FetchContext {
        store,
        process_chain: String::new(),
        sso: &sso,
        login: None,
        login_selector: format!("--profile {}", shell_word(&user.profile)),
        mfa_token,
        ykman: settings.mfa_yubikey(),
        region: Some(region.to_owned()),
        settings,
        profile_name: user.profile.clone(),
        person: None,
    };
    let session = crate::credentials::iam_user::session(
        &context,
        user,
        crate::credentials::iam_user::Mfa::of_user(user),
    )
    .await?;
    Ok(StaticKeys {
        access_key_id: session.access_key_id,
        secret_access_key: session.secret_access_key,
        session_token: session.session_token,
    })
}
