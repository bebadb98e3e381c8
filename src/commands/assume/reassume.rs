//! The shell hook's renewal: `assume --reassume`, run when exported keys near their
//! end, renews them from the cache or a refresh and never signs in.

use crate::credentials::request::{self, SsoFlags};
use crate::env;
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::{EnvChange, Shell, shell_word};
use crate::term_text::shown;

use super::confirm::{is_quiet, until};
use super::variables::{
    CHAIN_VARIABLE, DURATION_VARIABLE, EXPIRES_VARIABLE, PROFILE_VARIABLE, emit, env_change,
    present, previously_exported,
};
use super::{Plan, credentials};

/// The shell hook's call: renew the keys of the assumed profile from the cache or
/// a refresh, never signing in. Whatever happens, the hook must not try again at
/// every prompt, so a failure says so on one line and ends the hook's watch.
pub(super) fn reassume(shell: Shell, settings: &Settings) -> anyhow::Result<()> {
    let stop_watching = EnvChange {
        unset: present([EXPIRES_VARIABLE.to_owned()]),
        set: Vec::new(),
    };
    let Some(name) = env::value(PROFILE_VARIABLE) else {
        return emit(shell, &stop_watching);
    };
    if !settings.auto_reassume() {
        return emit(shell, &stop_watching);
    }
    let refused = |why: &str, error: &anyhow::Error| {
        eprintln!(
            "grant: cannot renew the keys of {}{why} ({}); run: assume -x {}",
            shown(&shell_word(&name)),
            shown(&crate::term_text::one_line(error)),
            shown(&shell_word(&name))
        );
        emit(shell, &stop_watching)
    };
    // A profile gone from the config, a GRANT_CHAIN changed by hand or a secret store
    // that does not open is no matter of a sign-in.
    let plan = match planned(&name, settings) {
        Ok(plan) => plan,
        Err(error) => return refused("", &error),
    };
    let store = match SecretStore::open(settings) {
        Ok(store) => store,
        Err(error) => return refused("", &error.into()),
    };
    match credentials(&plan, settings, &store, None, None) {
        Ok(credentials) => {
            emit(shell, &env_change(&plan, &credentials, None))?;
            if !is_quiet() {
                eprintln!(
                    "grant: renewed the keys of {},{}",
                    shown(&shell_word(&name)),
                    until(&credentials)
                );
            }
            Ok(())
        }
        Err(error) => refused(" without a sign-in", &error),
    }
}

fn planned(name: &str, settings: &Settings) -> anyhow::Result<Plan> {
    let chain: Vec<String> = env::value(CHAIN_VARIABLE)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let profile = request::with_chain(
        request::load_profile(name, &SsoFlags::default(), settings)?,
        &request::parse_chain(&chain)?,
    );
    let region_was_exported = previously_exported().iter().any(|n| n == "AWS_REGION");
    Ok(Plan {
        region: env::value("AWS_REGION")
            .filter(|_| region_was_exported)
            .or_else(|| profile.region.clone()),
        duration: env::value(DURATION_VARIABLE).and_then(|text| text.parse().ok()),
        export_keys: true,
        hook: true,
        profile,
    })
}
