//! `grant console [PROFILE]` and `assume -c PROFILE`: the AWS console, signed in
//! as the profile, in the browser of the settings (one browser session per
//! profile, see `console::launch`), or its sign-in URL on stdout with `--url`.

use anyhow::{Context, bail};

use crate::cli::{ConsoleArgs, ConsoleTarget};
use crate::console::handoff::{self, Handoff};
use crate::console::{self, destination, federation, federation_token, launch};
use crate::credentials::request::{self, SsoFlags};
use crate::partition::Partition;
use crate::secrets::SecretStore;
use crate::settings::Browser;
use crate::shell::shell_word;
use crate::term_text::shown;

/// What a console sign-in needs once the command line is read.
pub(super) struct ConsoleRequest<'a> {
    pub profile: String,
    pub region: Option<String>,
    pub target: &'a ConsoleTarget,
    pub mfa_token: Option<String>,
    /// The roles of `--chain`, unchecked.
    pub chain: &'a [String],
}

pub fn run(args: ConsoleArgs) -> anyhow::Result<()> {
    let profile = match args.profile {
        Some(name) => name,
        None => super::export::profile_from_environment("grant console PROFILE")?,
    };
    open(&ConsoleRequest {
        profile,
        region: args.region,
        target: &args.target,
        mfa_token: args.mfa_token,
        chain: &args.chain,
    })
}

/// Signs in to the console as the profile and opens it, or prints the URL.
pub(super) fn open(request: &ConsoleRequest<'_>) -> anyhow::Result<()> {
    let chain = request::parse_chain(request.chain)?;
    let settings = super::settings()?;
    let profile = request::with_chain(
        request::load_profile(&request.profile, &SsoFlags::default(), settings)?,
        &chain,
    );
    let region = request.region.clone().or_else(|| profile.region.clone());
    let partition = Partition::of_region(region.as_deref());
    let destination = match &request.target.destination {
        Some(url) => destination::explicit(partition, region.as_deref(), url)?,
        None => destination::for_service(
            partition,
            request.target.service.as_deref(),
            region.as_deref(),
        )?,
    };
    let print_only = request.target.url || settings.default_browser() == Browser::Stdout;
    let opener = if print_only {
        None
    } else {
        Some(crate::sso::browser::choose(settings, false).with_context(|| {
            format!(
                "no browser to open the console in (CI, no display or terminal, or DefaultBrowser is CUSTOM without CustomBrowserPath); print the sign-in URL instead: grant console {} --url",
                shell_word(&profile.name)
            )
        })?)
    };
    let base = federation::base_url(partition)?;
    let long_term = federation_token::long_term_key(&profile, || Ok(SecretStore::open(settings)?))?;
    let keys = match long_term {
        Some(key) => {
            let sts_region = region.as_deref().unwrap_or(partition.home_region());
            federation_token::session(&key, &profile.name, sts_region)?
        }
        None => {
            let credentials =
                super::export::profile_credentials(&profile, settings, request.mfa_token.clone())?;
            console::console_credentials(&profile, credentials)?
        }
    };
    let token = federation::signin_token(&base, &keys, &profile.name)
        .with_context(|| format!("profile '{}'", profile.name))?;
    let sign_in_url = federation::login_url(&base, &destination, &token)?;
    let Some(opener) = opener else {
        super::print_lines([sign_in_url])?;
        return Ok(());
    };
    // The browser's command line is readable by every local user: it gets a
    // one-shot loopback URL that redirects to the sign-in URL.
    let relay = Handoff::bind()?;
    let plan = launch::plan(
        launch::isolation(settings),
        &profile.name,
        relay.url(),
        &crate::paths::grant_state_dir(),
    );
    if let Some(dir) = &plan.profile_dir {
        crate::fsutil::create_private_dir(dir)
            .with_context(|| format!("cannot create the browser profile {}", dir.display()))?;
    }
    if !opener.open_console(&plan.options, &plan.target) {
        bail!(
            "cannot start the browser {}; print the sign-in URL instead: grant console {} --url",
            opener.program.display(),
            shell_word(&profile.name)
        );
    }
    relay.give(&sign_in_url, handoff::WAIT).with_context(|| {
        format!(
            "print the sign-in URL instead: grant console {} --url",
            shell_word(&profile.name)
        )
    })?;
    if !crate::env::is_true("GRANT_QUIET") {
        eprintln!(
            "grant: opened the console for {} at {}",
            shown(&shell_word(&profile.name)),
            shown(&destination)
        );
    }
    Ok(())
}
