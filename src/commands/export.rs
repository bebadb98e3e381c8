//! `grant export --profile P --format F`: a profile's credentials on stdout in the
//! format another tool reads. Writing them to a file is the user's explicit choice:
//! `--to-credentials-file [--as NAME]` sets one section of the AWS credentials file
//! (every other byte kept), and `assume --env` the `AWS_*` lines of `./.env` (every
//! other line kept); both say on stderr that the file now holds live keys.

use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::{ExportArgs, ExportFormat};
use crate::config::FileKind;
use crate::config::edit::Edit;
use crate::credentials::obtain::{self, Obtain};
use crate::credentials::request::{self, SsoFlags};
use crate::credentials::{Credentials, format_expiration};
use crate::export;
use crate::profile::Profile;
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::{Shell, shell_word};
use crate::sso::LoginOptions;
use crate::term_text::shown;

/// Cached credentials with less life are renewed, as credential-process does.
const WINDOW_SECONDS: i64 = 15 * 60;
/// A `.env` larger than this is not one to edit.
const MAX_DOTENV_BYTES: u64 = 1024 * 1024;

pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let name = match args.profile {
        Some(name) => name,
        None => profile_from_environment("grant export --profile PROFILE")?,
    };
    let chain = request::parse_chain(&args.chain)?;
    let settings = super::settings()?;
    let profile = request::with_chain(
        request::load_profile(&name, &SsoFlags::default(), settings)?,
        &chain,
    );
    let credentials = profile_credentials(&profile, settings, args.mfa_token)?;
    if args.to_credentials_file {
        let section = args.section.as_deref().unwrap_or(&profile.name);
        return write_credentials_section(section, &credentials);
    }
    let region = profile.region.as_deref();
    let variables = export::variables(&credentials, region);
    let text = match args.format {
        ExportFormat::Env => export::shell_lines(Shell::Bash, &variables)?,
        ExportFormat::Powershell => export::shell_lines(Shell::PowerShell, &variables)?,
        ExportFormat::Dotenv => export::dotenv_lines(&variables)?,
        ExportFormat::Json => credentials.to_process_json(),
        ExportFormat::Credentials => export::credentials_section(&profile.name, &credentials)?,
    };
    super::print_lines([text.trim_end()])?;
    Ok(())
}

/// The profile named by GRANT_PROFILE (what `assume` set), else AWS_PROFILE.
pub(super) fn profile_from_environment(usage: &str) -> anyhow::Result<String> {
    crate::env::value("GRANT_PROFILE")
        .or_else(|| crate::env::value("AWS_PROFILE"))
        .with_context(|| {
            format!("give a profile: {usage} (or assume one first; grant profiles lists them)")
        })
}

/// The profile's credentials through the same cache as credential-process,
/// signing in on the terminal when one is there.
pub(super) fn profile_credentials(
    profile: &Profile,
    settings: &Settings,
    mfa_token: Option<String>,
) -> anyhow::Result<Credentials> {
    let store = SecretStore::open(settings)?;
    let obtain = Obtain {
        store: &store,
        settings,
        window: WINDOW_SECONDS,
        use_cache: true,
        login: obtain::has_terminal().then(|| LoginOptions {
            prompt_on_terminal: true,
            ..LoginOptions::default()
        }),
        mfa_token,
    };
    obtain.credentials(&request::for_profile(profile, None)?)
}

/// ` until 10:52 UTC`, or nothing for long-term keys.
fn until(credentials: &Credentials) -> String {
    credentials
        .expiration
        .map(|expiration| {
            let time = format_expiration(expiration);
            format!(" until {} UTC", time.get(11..16).unwrap_or(&time))
        })
        .unwrap_or_default()
}

/// Sets section `[name]` of the AWS credentials file to the keys, through the one
/// editor of the AWS files: keeping every other byte and the file's mode (0600 when new).
fn write_credentials_section(name: &str, credentials: &Credentials) -> anyhow::Result<()> {
    let path = crate::paths::aws_credentials_file();
    Edit::new(&path, FileKind::Credentials)
        .apply(|document| export::upsert_credentials_section(document, name, credentials))?;
    eprintln!(
        "grant: wrote live keys{} in plaintext to [{}] of {}; the AWS CLI and SDKs use them before any credential_process of that profile: remove the section when you are done",
        until(credentials),
        shown(name),
        shown(&path.display().to_string())
    );
    Ok(())
}

/// `assume --env`: the profile's `AWS_*` lines in `./.env`, replacing the ones there
/// and keeping every other line. A symlink or anything but a plain file at `.env`
/// is refused; the file is replaced atomically with mode 0600.
pub(super) fn write_dotenv(
    profile: &Profile,
    region: Option<&str>,
    credentials: &Credentials,
) -> anyhow::Result<()> {
    let path = Path::new(".env");
    let existing = match crate::fsutil::read_own_file(path, MAX_DOTENV_BYTES) {
        Ok(bytes) => bytes.unwrap_or_default(),
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => bail!(
            "refusing to write .env in this folder: it is {error}; remove it or write the keys elsewhere with grant export --format dotenv"
        ),
        Err(error) => return Err(error).context("cannot read .env"),
    };
    let existing = String::from_utf8(existing).map_err(|_| {
        anyhow::anyhow!("refusing to edit .env in this folder: it is not UTF-8 text")
    })?;
    let text = export::merge_dotenv(&existing, &export::variables(credentials, region))?;
    crate::fsutil::write_atomic(path, text.as_bytes(), Some(0o600))
        .context("cannot write .env in this folder")?;
    eprintln!(
        "grant: wrote live keys of {}{} in plaintext to .env in this folder (mode 0600); keep it out of version control and delete it when you are done",
        shown(&shell_word(&profile.name)),
        until(credentials)
    );
    Ok(())
}
