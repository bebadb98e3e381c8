//! Checks of grant's own state: the secret store answers, the SSO sessions it holds
//! and how long they last, and whether the calling shell loaded `grant init`.

use super::{Finding, Severity};
use crate::secrets::SecretStore;
use crate::settings::Settings;
use crate::shell::{Shell, integration, shell_word};
use crate::sso::token::{self, SsoToken};
use crate::sso::{Sso, SsoSession};

/// Set by the snippets of `grant init` in the shell that sources them.
const SHELL_INTEGRATION_VARIABLE: &str = "GRANT_SHELL_INTEGRATION";

/// `sessions`: the sessions the profiles use, each with a profile that uses it.
pub fn check(settings: &Settings, sessions: &[(String, SsoSession)]) -> Vec<Finding> {
    let mut findings = vec![shell_integration()];
    let store = match SecretStore::open(settings) {
        Ok(store) => store,
        Err(error) => {
            findings.push(store_failed(&error.to_string()));
            return findings;
        }
    };
    match store.keys("") {
        Ok(entries) => findings.push(Finding::new(
            "secret-store",
            Severity::Info,
            format!(
                "the secret store ({}) answers and holds {} entries",
                store.backend_name(),
                entries.len()
            ),
        )),
        Err(error) => {
            findings.push(store_failed(&error.to_string()));
            return findings;
        }
    }
    let sso = Sso::new(&store, settings);
    match sso.stored_tokens() {
        Ok(tokens) => {
            let now = token::now();
            findings.extend(tokens.iter().map(|token| session(token, now)));
            findings.extend(
                sessions
                    .iter()
                    .filter(|(_, used)| !tokens.iter().any(|token| token.session_key == used.key()))
                    .map(|(profile, used)| not_signed_in(profile, used)),
            );
        }
        Err(error) => findings.push(
            Finding::new(
                "sso-session",
                Severity::Error,
                format!("cannot read the stored SSO sessions: {error}"),
            )
            .fix("run: grant sso tokens clear --all, then sign in again"),
        ),
    }
    findings
}

/// A session the config uses that grant holds no token for.
fn not_signed_in(profile: &str, session: &SsoSession) -> Finding {
    let label = session.name.as_deref().unwrap_or(&session.start_url);
    Finding::new(
        "sso-session",
        Severity::Info,
        format!(
            "SSO session {label} ({}), used by profile {profile}, is not signed in",
            session.region
        ),
    )
    .profile(profile)
    .fix(format!(
        "sign in: grant sso login {}",
        super::profile_flag(profile)
    ))
}

fn store_failed(error: &str) -> Finding {
    Finding::new(
        "secret-store",
        Severity::Error,
        format!("the secret store does not answer: {error}"),
    )
    .fix("choose another backend: grant settings set --setting Keyring.Backend --value kernel-keyring (Linux) or auto")
}

/// One stored session: when it ends, and whether grant renews it by itself.
fn session(token: &SsoToken, now: i64) -> Finding {
    let label = token
        .session_name
        .clone()
        .unwrap_or_else(|| token.start_url.clone());
    let login = match &token.session_name {
        Some(name) => format!("grant sso login --sso-session {}", shell_word(name)),
        None => format!(
            "grant sso login --start-url {} --region {}",
            shell_word(&token.start_url),
            shell_word(&token.region)
        ),
    };
    let left = token.seconds_left(now);
    let refreshable = token.can_refresh(now);
    let message = |state: String| format!("SSO session {label} ({}): {state}", token.region);
    if left > 0 {
        let renewal = if refreshable {
            "renewed with its refresh token"
        } else {
            "then a sign-in is needed"
        };
        return Finding::new(
            "sso-session",
            Severity::Info,
            message(format!(
                "valid for {}h{:02}m, {renewal}",
                left / 3600,
                (left % 3600) / 60
            )),
        );
    }
    if refreshable {
        return Finding::new(
            "sso-session",
            Severity::Info,
            message("expired; its refresh token renews it at the next use".to_owned()),
        );
    }
    Finding::new(
        "sso-session",
        Severity::Info,
        message(format!(
            "expired {}h{:02}m ago",
            -left / 3600,
            (-left % 3600) / 60
        )),
    )
    .fix(format!("sign in again: {login}"))
}

/// Whether the shell that runs doctor sourced `grant init` (its snippet exports
/// the variable, so only processes started from that shell see it).
fn shell_integration() -> Finding {
    let loaded = crate::env::value(SHELL_INTEGRATION_VARIABLE);
    if let Some(finding) = loaded.as_deref().and_then(outdated_integration) {
        return finding;
    }
    match loaded {
        Some(shell) => Finding::new(
            "shell-integration",
            Severity::Info,
            format!("the {shell} integration of grant init is loaded: assume works here"),
        ),
        None => Finding::new(
            "shell-integration",
            Severity::Info,
            "this shell has not loaded grant init, so assume is not defined here",
        )
        .fix(integration::how_to_load(integration::login_shell(
            crate::env::os_value("SHELL").as_deref(),
        ))),
    }
}

/// The integration this shell loaded, when its snippets are not what this grant
/// prints (a copy saved before an upgrade, a shell started before it).
fn outdated_integration(name: &str) -> Option<Finding> {
    let shell: Shell = name.parse().ok()?;
    // A grant before the variable set none.
    let loaded = crate::env::value(integration::CODE_VARIABLE).unwrap_or_default();
    if loaded == integration::code_id(shell) {
        return None;
    }
    let fix = match shell {
        Shell::Nu => "save it again: grant init nu | save -f ($nu.user-autoload-dirs | first | path join grant.nu), then open a new shell".to_owned(),
        Shell::Tcsh => "open a new shell; a copy saved with `grant init tcsh > FILE` stays old: save it with grant init tcsh --save FILE, which renews itself".to_owned(),
        shell => format!("open a new shell (or load grant init {shell} again)"),
    };
    Some(
        Finding::new(
            "shell-integration",
            Severity::Warning,
            format!("this shell loaded the {shell} integration of another grant: assume and its hooks may not work"),
        )
        .fix(fix),
    )
}
