//! The environment-variable protocol of assume: what it sets and unsets in the
//! shell, `GRANT_EXPORTED` (what the last assume set, so that the next removes
//! exactly that, and only names from [`ALL_VARIABLES`]), and the `GRANT_*` variables
//! prompts and the shell hook read.

use crate::credentials::{Credentials, format_expiration};
use crate::env;
use crate::shell::{EnvChange, Shell};

use super::Plan;

/// The variables that carry keys; they beat AWS_PROFILE in every SDK, so an
/// AWS_PROFILE-only assume removes them.
pub(super) const KEY_VARIABLES: [&str; 5] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
];
/// Every variable assume may set, for `--unset`, and the only names it ever
/// unsets from GRANT_EXPORTED.
pub(super) const ALL_VARIABLES: [&str; 17] = [
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCOUNT_ID",
    PROFILE_VARIABLE,
    REGION_VARIABLE,
    EXPIRES_VARIABLE,
    SSO_EXPIRES_VARIABLE,
    DURATION_VARIABLE,
    CHAIN_VARIABLE,
    LABEL_VARIABLE,
    EXPORTED_VARIABLE,
];
pub(super) const PROFILE_VARIABLE: &str = "GRANT_PROFILE";
/// The region assume exported, empty when none: for prompts.
pub(super) const REGION_VARIABLE: &str = "GRANT_REGION";
/// When the SSO sign-in behind an AWS_PROFILE-only assume ends, in epoch seconds:
/// for prompts.
pub(super) const SSO_EXPIRES_VARIABLE: &str = "GRANT_SSO_EXPIRES";
/// When the exported keys expire, in epoch seconds: the hook's signal.
pub(super) const EXPIRES_VARIABLE: &str = "GRANT_EXPIRES";
/// The `-d` of the assume, so that the hook renews with the same.
pub(super) const DURATION_VARIABLE: &str = "GRANT_DURATION";
/// The role ARNs of `--chain`, separated by spaces, so that the hook renews with them.
pub(super) const CHAIN_VARIABLE: &str = "GRANT_CHAIN";
/// With `--chain`, what a prompt shows: `profile > role > role`.
pub(super) const LABEL_VARIABLE: &str = "GRANT_LABEL";
/// The names the last assume set, separated by spaces.
pub(super) const EXPORTED_VARIABLE: &str = "GRANT_EXPORTED";
/// What to unset and set: first what the previous assume set and, for an
/// AWS_PROFILE-only assume, any keys in the environment; with keys, any
/// AWS_PROFILE, even the user's own, which would otherwise compete with them.
pub(super) fn env_change(
    plan: &Plan,
    credentials: &Credentials,
    sign_in_ends: Option<i64>,
) -> EnvChange {
    let mut set: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, value: &str| set.push((name.to_owned(), value.to_owned()));
    if !plan.export_keys {
        add("AWS_PROFILE", &plan.profile.name);
    }
    if let Some(region) = &plan.region {
        add("AWS_REGION", region);
        add("AWS_DEFAULT_REGION", region);
    }
    add(REGION_VARIABLE, plan.region.as_deref().unwrap_or_default());
    if let Some(ends) = sign_in_ends {
        add(SSO_EXPIRES_VARIABLE, &ends.to_string());
    }
    if plan.export_keys {
        add("AWS_ACCESS_KEY_ID", &credentials.access_key_id);
        add("AWS_SECRET_ACCESS_KEY", &credentials.secret_access_key);
        if let Some(token) = &credentials.session_token {
            add("AWS_SESSION_TOKEN", token);
        }
        if let Some(expiration) = credentials.expiration {
            add("AWS_CREDENTIAL_EXPIRATION", &format_expiration(expiration));
            add("AWS_SESSION_EXPIRATION", &format_expiration(expiration));
            if plan.hook {
                add(EXPIRES_VARIABLE, &expiration.to_string());
            }
        }
        if let Some(account) = &credentials.account_id {
            add("AWS_ACCOUNT_ID", account);
        }
    }
    add(PROFILE_VARIABLE, &plan.profile.name);
    if let Some(seconds) = plan.duration {
        add(DURATION_VARIABLE, &seconds.to_string());
    }
    if !plan.profile.chain.is_empty() {
        let arns: Vec<&str> = plan.profile.chain.iter().map(|arn| arn.as_str()).collect();
        add(CHAIN_VARIABLE, &arns.join(" "));
        add(LABEL_VARIABLE, &plan.profile.label());
    }
    let mut names: Vec<&str> = set.iter().map(|(name, _)| name.as_str()).collect();
    names.push(EXPORTED_VARIABLE);
    let exported = names.join(" ");
    let mut to_remove = previously_exported();
    to_remove.extend(KEY_VARIABLES.map(str::to_owned));
    to_remove.push(EXPIRES_VARIABLE.to_owned());
    to_remove.push(SSO_EXPIRES_VARIABLE.to_owned());
    to_remove.push("AWS_PROFILE".to_owned());
    let unset = present(
        to_remove
            .into_iter()
            .filter(|name| !names.contains(&name.as_str())),
    );
    set.push((EXPORTED_VARIABLE.to_owned(), exported));
    EnvChange { unset, set }
}

/// The names in GRANT_EXPORTED that assume itself may set: the variable is the
/// user's to edit, and `GRANT_EXPORTED=PATH` must not unset PATH.
pub(super) fn previously_exported() -> Vec<String> {
    names_assume_sets(&env::value(EXPORTED_VARIABLE).unwrap_or_default())
}

pub(super) fn names_assume_sets(list: &str) -> Vec<String> {
    list.split_whitespace()
        .filter(|name| ALL_VARIABLES.contains(name))
        .map(str::to_owned)
        .collect()
}

/// The names that are set in this environment, once each: fish's `set -e` of a
/// variable that is not set fails.
pub(super) fn present(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut present: Vec<String> = Vec::new();
    for name in names {
        if env::os_value(&name).is_some() && !present.contains(&name) {
            present.push(name);
        }
    }
    present
}

pub(super) fn unset_everything() -> EnvChange {
    let mut names = previously_exported();
    names.extend(ALL_VARIABLES.map(str::to_owned));
    EnvChange {
        unset: present(names),
        set: Vec::new(),
    }
}

pub(super) fn emit(shell: Shell, change: &EnvChange) -> anyhow::Result<()> {
    let script = shell.script(change)?;
    super::super::print_lines([script.trim_end()])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_assume_sets_are_taken_from_grant_exported() {
        assert_eq!(
            names_assume_sets("PATH HOME AWS_PROFILE GRANT_PROFILE;rm AWS_REGION"),
            ["AWS_PROFILE", "AWS_REGION"]
        );
        assert!(names_assume_sets("PATH:HOME LD_PRELOAD").is_empty());
    }
}
