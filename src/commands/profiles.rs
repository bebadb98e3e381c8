//! `grant profiles`: profile names for people and for shell completion.
//!
//! Completion runs this on every Tab, so the sorted names are kept in the state
//! folder under the identity of the AWS files, and read again only when the files
//! change. Profile names are not secret: they are plaintext in ~/.aws/config.

use std::io::{self, Write};
use std::path::Path;

use crate::cli::ProfilesArgs;
use crate::config::{self, AwsFiles, FileKind};
use crate::profile::{self, CredentialSource, NamedSource};
use crate::term_text::shown;
use crate::{fsutil, paths};

const NAMES_FILE: &str = "profile-names";
/// Far more than the names of 100,000 profiles.
const SAVED_NAMES_LIMIT: u64 = 256 << 20;
/// Part of the saved list's identity: a list saved before the reader skipped names
/// the SDKs ignore is read again.
const NAMES_FORMAT: &str = "profile-names sdk-name-set syntax-note";

pub fn run(args: &ProfilesArgs) -> anyhow::Result<()> {
    if args.long {
        return long_listing();
    }
    let (note, names) = listing()?;
    if !note.is_empty() {
        eprintln!("grant: {}", shown(&note));
    }
    match io::stdout().lock().write_all(names.as_bytes()) {
        Err(error) if !super::reader_went_away(&error) => Err(error.into()),
        _ => Ok(()),
    }
}

/// The names, one a line, for completion.
pub fn names() -> anyhow::Result<String> {
    Ok(listing()?.1)
}

/// The note on the files' syntax and the names, one a line: those saved for the
/// files as they are, else read and saved.
fn listing() -> anyhow::Result<(String, String)> {
    let aws_files = [paths::aws_config_file(), paths::aws_credentials_file()];
    let identity = fsutil::files_identity(&[&aws_files[0], &aws_files[1]], NAMES_FORMAT);
    let state_dir = paths::grant_state_dir();
    fsutil::check_trusted_dir(&state_dir)?;
    let saved = state_dir.join(NAMES_FILE);
    Ok(match saved_names(&saved, &identity) {
        Some(saved) => saved,
        None => {
            let names: String = AwsFiles::list_profile_names()?
                .iter()
                .flat_map(|name| [name, "\n"])
                .collect();
            let note = syntax_note();
            let contents = format!("{identity}\n{note}\n{names}");
            if let Err(error) = fsutil::write_atomic(&saved, contents.as_bytes(), None) {
                crate::debug!(
                    "cannot keep the profile names in {}: {error}",
                    saved.display()
                );
            }
            (note, names)
        }
    })
}

/// The note and the names saved for files whose identity is `identity`.
fn saved_names(path: &Path, identity: &str) -> Option<(String, String)> {
    let bytes = fsutil::read_own_file(path, SAVED_NAMES_LIMIT).ok()??;
    let text = String::from_utf8(bytes).ok()?;
    let (saved_identity, rest) = text.split_once('\n')?;
    let (note, names) = rest.split_once('\n')?;
    (saved_identity == identity).then(|| (note.to_owned(), names.to_owned()))
}

/// One line about the first mistake that makes the AWS CLI and the SDKs refuse a
/// file (the listing goes on: completion uses it), or nothing.
fn syntax_note() -> String {
    let files = [
        (paths::aws_config_file(), FileKind::Config),
        (paths::aws_credentials_file(), FileKind::Credentials),
    ];
    files
        .iter()
        .find_map(|(path, kind)| config::syntax_errors(path, *kind).into_iter().next())
        .map(|error| {
            let line = format!(
                "{error}: the AWS CLI and the AWS SDKs refuse the whole file until it is fixed (grant doctor lists every such line)"
            );
            line.replace('\n', " ")
        })
        .unwrap_or_default()
}

/// Each profile and where its credentials come from, in two columns.
fn long_listing() -> anyhow::Result<()> {
    let files = AwsFiles::load()?;
    let note = syntax_note();
    if !note.is_empty() {
        eprintln!("grant: {}", shown(&note));
    }
    let from_registry = registry_of_profiles();
    let rows: Vec<(String, String)> = files
        .profile_names()
        .into_iter()
        .map(|name| {
            let mut source = match profile::resolve(&files, name) {
                Ok(profile) => describe(&profile.source),
                Err(error) => format!("error: {error}"),
            };
            if let Some(account) = account_name(&files, name) {
                source.push_str(&format!(" account {account}"));
            }
            if let Some(registry) = from_registry.get(name) {
                source.push_str(&format!(" (registry {registry})"));
            }
            (shown(name).into_owned(), shown(&source).into_owned())
        })
        .collect();
    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    super::print_lines(
        rows.iter()
            .map(|(name, source)| format!("{name:width$}  {source}")),
    )?;
    Ok(())
}

/// The account name `sso populate` kept in the profile.
fn account_name(files: &AwsFiles, name: &str) -> Option<String> {
    let values = files.profile(name).ok()??;
    let account = values.get(crate::generated_profiles::ACCOUNT_NAME_KEY)?;
    (!account.is_empty()).then(|| account.to_owned())
}

/// The profiles of the AWS config that a registry's block holds, by name.
fn registry_of_profiles() -> std::collections::HashMap<String, String> {
    let path = crate::paths::aws_config_file();
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Default::default();
    };
    crate::registry::owners(&path, &text)
        .unwrap_or_default()
        .into_iter()
        .filter(|((kind, _), _)| *kind == crate::config::file::SectionKind::Profile)
        .filter_map(|((_, name), owner)| Some((name, owner?)))
        .collect()
}

fn describe(source: &CredentialSource) -> String {
    match source {
        CredentialSource::Sso(role) => format!(
            "sso {}/{} ({}, {})",
            role.account_id,
            role.role_name,
            role.session
                .name
                .as_deref()
                .unwrap_or(&role.session.start_url),
            role.session.region
        ),
        CredentialSource::AssumeRole(role) => {
            let via = match (&role.source_profile, &role.source) {
                (Some(profile), _) => format!("profile {profile}"),
                (None, CredentialSource::Named(named)) => named_source(*named).to_owned(),
                (None, other) => describe(other),
            };
            format!("role {} via {via}", role.role_arn)
        }
        CredentialSource::Process(command) => format!("process {command}"),
        CredentialSource::Static(_) => "static keys".to_owned(),
        CredentialSource::Named(named) => named_source(*named).to_owned(),
        CredentialSource::IamUser(_) => "iam-user (grant store)".to_owned(),
        CredentialSource::Saml(role) => format!(
            "saml {} via {}{}",
            role.role_arn.as_deref().unwrap_or("(role not chosen)"),
            crate::saml::idp_label(&role.url),
            if crate::saml::has_browser_profile(&role.url) {
                ""
            } else {
                " (not signed in)"
            }
        ),
    }
}

fn named_source(source: NamedSource) -> &'static str {
    match source {
        NamedSource::Environment => "the environment",
        NamedSource::Ec2InstanceMetadata => "EC2 instance metadata",
        NamedSource::EcsContainer => "the ECS container role",
    }
}
