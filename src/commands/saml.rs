//! `grant saml login` and `grant saml logout`.

use anyhow::{Context, bail};

use crate::cli::{SamlCommand, SamlProfileArgs};
use crate::config::FileKind;
use crate::config::SectionKind;
use crate::config::edit::Edit;
use crate::credentials::obtain::{self, Obtain};
use crate::profile::{CredentialSource, Profile, SAML_PROVIDER_KEY, SAML_ROLE_KEY, SamlRole};
use crate::saml::{self, OfferedRole};
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::shell_word;
use crate::sso::LoginOptions;
use crate::term_text::shown;

pub fn run(command: SamlCommand) -> anyhow::Result<()> {
    match command {
        SamlCommand::Login(args) => login(&args),
        SamlCommand::Logout(args) => logout(&args),
    }
}

/// The SAML profile at the base of `profile` (itself, or the root of its chain),
/// with its name.
fn saml_base(profile: &Profile) -> anyhow::Result<(String, SamlRole)> {
    let mut name = profile.name.clone();
    let mut source = &profile.source;
    loop {
        match source {
            CredentialSource::Saml(role) => return Ok((name, role.clone())),
            CredentialSource::AssumeRole(role) => {
                if let Some(source_profile) = &role.source_profile {
                    name = source_profile.clone();
                }
                source = &role.source;
            }
            _ => bail!(
                "profile '{}' is not a SAML profile: give it grant_saml_url (its IdP's sign-in URL of the AWS app)",
                shown(&profile.name)
            ),
        }
    }
}

fn login(args: &SamlProfileArgs) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let store = SecretStore::open(&settings)?;
    let selector = format!("--profile {}", shell_word(&args.profile));
    let mut profile = obtain::load_profile(&args.profile, &Default::default())?;
    let (base_name, base) = saml_base(&profile)?;
    if base.role_arn.is_none() && pick_role(&settings, &base_name, &base, &selector, &profile)? {
        profile = obtain::load_profile(&args.profile, &Default::default())?;
    }
    let obtain = Obtain {
        store: &store,
        settings: &settings,
        // A sign-in always renews: whatever is cached is replaced.
        window: i64::MAX,
        use_cache: true,
        login: Some(LoginOptions::default()),
        mfa_token: None,
    };
    let credentials =
        obtain.credentials(&crate::credentials::request::for_profile(&profile, None)?)?;
    eprintln!(
        "grant: signed in at {} for profile '{}'; credentials valid until {}",
        saml::idp_label(&base.url),
        shown(&args.profile),
        credentials
            .expiration
            .map(crate::credentials::format_expiration)
            .unwrap_or_default()
    );
    Ok(())
}

/// Without grant_saml_role_arn: signs in, and when the IdP offers several roles,
/// lets the person pick one on the terminal and writes it into the SAML profile.
/// The response is kept for the fetch that follows, so the IdP is visited once.
fn pick_role(
    settings: &Settings,
    base_name: &str,
    base: &SamlRole,
    selector: &str,
    profile: &Profile,
) -> anyhow::Result<bool> {
    let partition = crate::credentials::fetch::saml_partition_of(base, profile.region.as_deref())?;
    let response = saml::sign_in(&saml::SignIn {
        url: &base.url,
        partition,
        settings,
        may_show_window: crate::terminal::person_can_use_a_browser(),
        login_command: format!("grant saml login {selector}"),
    })?;
    let offered = saml::assertion::offered_roles(&response, partition.name())?;
    saml::keep_for_next_sign_in(&base.url, response);
    if offered.len() < 2 {
        return Ok(false);
    }
    if !crate::terminal::picker_can_show() {
        bail!(
            "the IdP offers several roles ({}); run `grant saml login {selector}` on a terminal to pick one, or set {SAML_ROLE_KEY} in profile '{}'",
            offered
                .iter()
                .map(|role| role.role_arn.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            shown(base_name)
        );
    }
    let chosen = pick(&offered)?;
    write_role(base_name, &chosen)?;
    eprintln!(
        "grant: profile '{}' now uses {}",
        shown(base_name),
        chosen.role_arn
    );
    Ok(true)
}

/// The fuzzy picker `assume` shows, over the offered role ARNs.
fn pick(offered: &[OfferedRole]) -> anyhow::Result<OfferedRole> {
    let items: Vec<&str> = offered.iter().map(|role| role.role_arn.as_str()).collect();
    let choice = dialoguer::FuzzySelect::new()
        .with_prompt("Role")
        .items(&items)
        .default(0)
        .interact_on_opt(&dialoguer::console::Term::stderr())
        .context("cannot show the role picker")?;
    match choice {
        Some(index) => Ok(offered[index].clone()),
        None => bail!("no role chosen"),
    }
}

fn write_role(profile: &str, chosen: &OfferedRole) -> anyhow::Result<()> {
    let path = crate::paths::aws_config_file();
    Edit::new(&path, FileKind::Config).apply(|document| -> anyhow::Result<()> {
        document.set_key(
            SectionKind::Profile,
            profile,
            SAML_ROLE_KEY,
            &chosen.role_arn,
        )?;
        document.set_key(
            SectionKind::Profile,
            profile,
            SAML_PROVIDER_KEY,
            &chosen.provider_arn,
        )?;
        Ok(())
    })?;
    Ok(())
}

fn logout(args: &SamlProfileArgs) -> anyhow::Result<()> {
    let profile = obtain::load_profile(&args.profile, &Default::default())?;
    let (_, base) = saml_base(&profile)?;
    let idp = saml::idp_label(&base.url);
    if saml::forget(&base.url)? {
        eprintln!("grant: forgot the browser profile of {idp}: the next sign-in there asks again");
    } else {
        eprintln!("grant: no browser profile of {idp} to forget");
    }
    Ok(())
}
