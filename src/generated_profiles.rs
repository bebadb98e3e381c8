//! Profiles for every account and role of an IAM Identity Center directory: their
//! names, their keys, and how they are merged into the AWS config file.
//!
//! A generated section carries the key `grant_generated_from` (the start URL), so
//! that a later run updates or prunes only its own sections. It is a key, not an
//! inline comment: botocore would read an inline comment as part of a value.

use std::collections::{BTreeSet, HashMap};

use crate::config::document::{Change, Document, EditError};
use crate::config::file::SectionKind;
use crate::sso::accounts::RoleAssignment;
use crate::sso::normalize_start_url;

/// The key that marks a section as generated, and from which directory.
pub const MARKER_KEY: &str = "grant_generated_from";

/// The key that keeps the account's name (Granted's name for it), for the picker and
/// `grant profiles --long`. The SDKs ignore it.
pub const ACCOUNT_NAME_KEY: &str = "granted_sso_account_name";

/// Longer than any account name AWS allows (50).
const ACCOUNT_NAME_LIMIT: usize = 64;

/// What the user asked the generated profiles to look like.
#[derive(Debug, Clone)]
pub struct Options {
    pub start_url: String,
    pub sso_region: String,
    pub scopes: Vec<String>,
    /// Write `[sso-session NAME]` and reference it instead of repeating the start URL.
    pub sso_session: Option<String>,
    /// Serve the profiles through `grant credential-process` (granted_sso_* keys).
    pub credential_process: bool,
    /// `region` of each profile.
    pub profile_region: Option<String>,
    pub template: String,
    pub prefix: String,
}

/// One generated profile: its name and its keys in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedProfile {
    pub name: String,
    pub entries: Vec<(String, String)>,
}

/// What merging did to the file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: Vec<String>,
    /// Names that are the user's own profiles, left as they are.
    pub skipped: Vec<String>,
    pub session_added: bool,
}

impl Summary {
    pub fn changed(&self) -> bool {
        self.added + self.updated > 0 || !self.removed.is_empty() || self.session_added
    }
}

impl Options {
    fn marker(&self) -> &str {
        normalize_start_url(&self.start_url)
    }

    /// The profiles for `roles`, named by the template, each name distinct.
    pub fn profiles(&self, roles: &[RoleAssignment]) -> Vec<GeneratedProfile> {
        distinct_names(self, roles)
            .into_iter()
            .zip(roles)
            .map(|(name, role)| GeneratedProfile {
                entries: self.entries(&name, role),
                name,
            })
            .collect()
    }

    fn entries(&self, name: &str, role: &RoleAssignment) -> Vec<(String, String)> {
        let mut entries: Vec<(String, String)> = Vec::new();
        let mut add = |key: &str, value: &str| entries.push((key.to_owned(), value.to_owned()));
        let prefix = if self.credential_process {
            "granted_sso"
        } else {
            "sso"
        };
        match &self.sso_session {
            Some(session) => add(&format!("{prefix}_session"), session),
            None => {
                add(&format!("{prefix}_start_url"), &self.start_url);
                add(&format!("{prefix}_region"), &self.sso_region);
                // The AWS CLI reads scopes only from [sso-session] sections.
                if self.credential_process && !self.scopes.is_empty() {
                    add("granted_sso_registration_scopes", &self.scopes.join(","));
                }
            }
        }
        add(&format!("{prefix}_account_id"), &role.account_id);
        add(&format!("{prefix}_role_name"), &role.role_name);
        let account_name = account_name_value(&role.account_name);
        if !account_name.is_empty() {
            add(ACCOUNT_NAME_KEY, &account_name);
        }
        if let Some(region) = &self.profile_region {
            add("region", region);
        }
        if self.credential_process {
            // Profile names are sanitised, so the line needs no quoting for shlex or sh.
            add(
                "credential_process",
                &format!("grant credential-process --profile {name}"),
            );
        }
        add(MARKER_KEY, self.marker());
        entries
    }

    fn session_entries(&self) -> Vec<(String, String)> {
        let mut entries = vec![
            ("sso_start_url".to_owned(), self.start_url.clone()),
            ("sso_region".to_owned(), self.sso_region.clone()),
        ];
        if !self.scopes.is_empty() {
            entries.push(("sso_registration_scopes".to_owned(), self.scopes.join(",")));
        }
        entries.push((MARKER_KEY.to_owned(), self.marker().to_owned()));
        entries
    }

    /// Adds or updates `profiles` in `document` (and the sso-session section), and
    /// with `prune` removes the sections this directory generated before that are
    /// not among them. The user's own sections are never changed.
    pub fn merge(
        &self,
        document: &mut Document,
        profiles: &[GeneratedProfile],
        prune: bool,
    ) -> Result<Summary, EditError> {
        let mut summary = Summary::default();
        if let Some(session) = &self.sso_session
            && document.section(SectionKind::SsoSession, session).is_none()
        {
            upsert(
                document,
                SectionKind::SsoSession,
                session,
                &self.session_entries(),
            )?;
            summary.session_added = true;
        }
        for profile in profiles {
            match document.section(SectionKind::Profile, &profile.name) {
                Some(existing) if !self.is_ours(&existing) => {
                    summary.skipped.push(profile.name.clone());
                    continue;
                }
                _ => {}
            }
            match upsert(
                document,
                SectionKind::Profile,
                &profile.name,
                &profile.entries,
            )? {
                Change::Added => summary.added += 1,
                Change::Updated => summary.updated += 1,
                Change::Unchanged => summary.unchanged += 1,
            }
        }
        if prune {
            let wanted: BTreeSet<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
            let stale: Vec<String> = document
                .section_names(SectionKind::Profile)
                .into_iter()
                .filter(|name| !wanted.contains(name))
                .filter(|name| {
                    document
                        .section(SectionKind::Profile, name)
                        .is_some_and(|entries| self.is_ours(&entries))
                })
                .map(str::to_owned)
                .collect();
            for name in stale {
                document.remove_section(SectionKind::Profile, &name);
                summary.removed.push(name);
            }
        }
        Ok(summary)
    }

    fn is_ours(&self, entries: &[(String, String)]) -> bool {
        entries
            .iter()
            .any(|(key, value)| key == MARKER_KEY && normalize_start_url(value) == self.marker())
    }
}

fn upsert(
    document: &mut Document,
    kind: SectionKind,
    name: &str,
    entries: &[(String, String)],
) -> Result<Change, EditError> {
    let borrowed: Vec<(&str, &str)> = entries
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    document.upsert_section(kind, name, &borrowed)
}

/// A role the directory listed that cannot become a profile, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRole {
    pub role: RoleAssignment,
    pub reason: &'static str,
}

/// Splits what the directory listed into roles that can be written as they are and
/// roles that cannot. Account ids and role names are written into the config as
/// values, so they must be what AWS itself allows: a newline in a role name would
/// otherwise start a section of the server's choosing. Account names only shape
/// profile names, which are sanitised.
pub fn writable_roles(roles: Vec<RoleAssignment>) -> (Vec<RoleAssignment>, Vec<RejectedRole>) {
    let mut writable = Vec::with_capacity(roles.len());
    let mut rejected = Vec::new();
    for role in roles {
        match check_role(&role) {
            Ok(()) => writable.push(role),
            Err(reason) => rejected.push(RejectedRole { role, reason }),
        }
    }
    (writable, rejected)
}

fn check_role(role: &RoleAssignment) -> Result<(), &'static str> {
    if !is_account_id(&role.account_id) {
        return Err("its account id is not 12 digits");
    }
    if !is_role_name(&role.role_name) {
        return Err(
            "its role name is not 1-64 of the characters IAM allows (letters, digits, _+=,.@-)",
        );
    }
    Ok(())
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// IAM's role-name pattern, `[\w+=,.@-]{1,64}`.
pub fn is_role_name(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// The account name as a config value: one line of printable ASCII (what AWS allows
/// in account names) without `#` or `;`, which some parsers take for a comment, so
/// a name from the server cannot add a line, a key or a section of its choosing.
fn account_name_value(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| {
            if c.is_control() || c == ' ' {
                ' '
            } else if c.is_ascii_graphic() && c != '#' && c != ';' {
                c
            } else {
                '_'
            }
        })
        .take(ACCOUNT_NAME_LIMIT)
        .collect();
    kept.trim().to_owned()
}

/// The template's name for each role; where two roles would share a name (two
/// accounts called the same), the account id is added to tell them apart.
fn distinct_names(options: &Options, roles: &[RoleAssignment]) -> Vec<String> {
    let plain: Vec<String> = roles
        .iter()
        .map(|role| render(options, role, &role.account_name))
        .collect();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for name in &plain {
        *uses.entry(name.as_str()).or_default() += 1;
    }
    roles
        .iter()
        .zip(&plain)
        .map(|(role, name)| {
            if uses[name.as_str()] == 1 {
                return name.clone();
            }
            let with_id = render(
                options,
                role,
                &format!("{}-{}", role.account_name, role.account_id),
            );
            if with_id == *name {
                sanitize(&format!("{name}-{}", role.account_id))
            } else {
                with_id
            }
        })
        .collect()
}

fn render(options: &Options, role: &RoleAssignment, account_name: &str) -> String {
    let name = options
        .template
        .replace("{account_name}", account_name)
        .replace("{account_id}", &role.account_id)
        .replace("{role_name}", &role.role_name);
    sanitize(&format!("{}{name}", options.prefix))
}

/// A profile name every AWS SDK accepts, `[A-Za-z0-9_\-/.%@:+]+`: anything else
/// (spaces, brackets, quotes) becomes `-`, without runs of `-` or a `-` at either
/// end of a `/`-separated part.
pub fn sanitize(name: &str) -> String {
    let parts: Vec<String> = name
        .split('/')
        .map(sanitize_part)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        "profile".to_owned()
    } else {
        parts.join("/")
    }
}

fn sanitize_part(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        let kept = c.is_ascii_alphanumeric() || "_-.%@:+".contains(c);
        let c = if kept { c } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_owned()
}

/// The variables a template may use, for help texts and errors.
pub const TEMPLATE_VARIABLES: &str = "{account_name}, {account_id}, {role_name}";

/// Why a profile-name template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("the template '{0}' has a '{{' without '}}'")]
    Unclosed(String),
    #[error("the template '{template}' uses {variable}; it may use {TEMPLATE_VARIABLES}")]
    UnknownVariable { template: String, variable: String },
    #[error("the template '{0}' must contain {{role_name}}, or roles of one account share a name")]
    NoRoleName(String),
}

/// Checks that the template names each role distinctly enough to be useful.
pub fn check_template(template: &str) -> Result<(), TemplateError> {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| TemplateError::Unclosed(template.to_owned()))?;
        let variable = &rest[start..start + end + 1];
        if !TEMPLATE_VARIABLES.contains(variable) {
            return Err(TemplateError::UnknownVariable {
                template: template.to_owned(),
                variable: variable.to_owned(),
            });
        }
        rest = &rest[start + end + 1..];
    }
    if !template.contains("{role_name}") {
        return Err(TemplateError::NoRoleName(template.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn role(account_id: &str, account_name: &str, role_name: &str) -> RoleAssignment {
        RoleAssignment {
            account_id: account_id.into(),
            account_name: account_name.into(),
            role_name: role_name.into(),
        }
    }

    fn options() -> Options {
        Options {
            start_url: "https://corp.awsapps.com/start/".into(),
            sso_region: "eu-west-1".into(),
            scopes: vec!["sso:account:access".into()],
            sso_session: None,
            credential_process: true,
            profile_region: Some("us-east-1".into()),
            template: crate::cli::DEFAULT_PROFILE_TEMPLATE.into(),
            prefix: String::new(),
        }
    }

    fn names(profiles: &[GeneratedProfile]) -> Vec<&str> {
        profiles.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn names_follow_the_template_sanitised_and_distinct() {
        let roles = [
            role("111111111111", "My Team (dev)", "Admin"),
            role("222222222222", "shared", "ReadOnly"),
            role("333333333333", "shared", "ReadOnly"),
            role("444444444444", "ünïcode", "x"),
        ];
        let profiles = options().profiles(&roles);
        assert_eq!(
            names(&profiles),
            [
                "My-Team-dev/Admin",
                "shared-222222222222/ReadOnly",
                "shared-333333333333/ReadOnly",
                "n-code/x"
            ]
        );
        let mut by_id = options();
        by_id.template = "{role_name}".into();
        by_id.prefix = "corp-".into();
        assert_eq!(
            names(&by_id.profiles(&roles[1..3])),
            ["corp-ReadOnly-222222222222", "corp-ReadOnly-333333333333"]
        );
    }

    #[test]
    fn templates_are_checked() {
        assert!(check_template(crate::cli::DEFAULT_PROFILE_TEMPLATE).is_ok());
        assert!(check_template("{account_id}-{role_name}").is_ok());
        assert!(
            check_template("{account}/{role_name}")
                .unwrap_err()
                .to_string()
                .contains("{account}")
        );
        assert!(
            check_template("{account_name}")
                .unwrap_err()
                .to_string()
                .contains("{role_name}")
        );
        assert_eq!(
            check_template("{role_name"),
            Err(TemplateError::Unclosed("{role_name".into()))
        );
    }

    #[test]
    fn credential_process_profiles_use_granted_keys_and_a_marker() {
        let profile = &options().profiles(&[role("111111111111", "dev", "Admin")])[0];
        let keys: Vec<&str> = profile.entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "granted_sso_start_url",
                "granted_sso_region",
                "granted_sso_registration_scopes",
                "granted_sso_account_id",
                "granted_sso_role_name",
                ACCOUNT_NAME_KEY,
                "region",
                "credential_process",
                MARKER_KEY
            ]
        );
        assert!(profile.entries.contains(&(
            "credential_process".into(),
            "grant credential-process --profile dev/Admin".into()
        )));
        let mut plain = options();
        plain.credential_process = false;
        plain.sso_session = Some("corp".into());
        let profile = &plain.profiles(&[role("111111111111", "dev", "Admin")])[0];
        let keys: Vec<&str> = profile.entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "sso_session",
                "sso_account_id",
                "sso_role_name",
                ACCOUNT_NAME_KEY,
                "region",
                MARKER_KEY
            ]
        );
    }

    #[test]
    fn account_names_from_the_server_stay_one_harmless_value() {
        assert_eq!(account_name_value("  Prod (EU) & co  "), "Prod (EU) & co");
        assert_eq!(
            account_name_value("x\n[profile evil]\r\ncredential_process = sh # ;"),
            "x [profile evil]  credential_process = sh _ _"
        );
        assert_eq!(account_name_value("\u{1b}]0;title\u{7}"), "]0_title");
        assert_eq!(
            account_name_value(&"n".repeat(200)).len(),
            ACCOUNT_NAME_LIMIT
        );
        let profile = &options().profiles(&[role("111111111111", "\n\t", "Admin")])[0];
        assert!(
            profile
                .entries
                .iter()
                .all(|(key, _)| key != ACCOUNT_NAME_KEY),
            "{profile:?}"
        );
    }

    #[test]
    fn merging_twice_changes_nothing_and_prune_spares_the_users_profiles() {
        let user = "# mine\n[profile mine]\nregion = x\n\n[profile dev/Admin]\nregion = mine\n";
        let mut document = Document::parse(Path::new("config"), user).unwrap();
        let roles = [
            role("111111111111", "dev", "Admin"),
            role("111111111111", "dev", "ReadOnly"),
        ];
        let options = options();
        let profiles = options.profiles(&roles);
        let first = options.merge(&mut document, &profiles, false).unwrap();
        assert_eq!(
            (first.added, first.skipped.clone()),
            (1, vec!["dev/Admin".to_owned()])
        );
        let once = document.render();
        assert!(once.starts_with(user));
        let second = options.merge(&mut document, &profiles, true).unwrap();
        assert!(!second.changed(), "{second:?}");
        assert_eq!(document.render(), once);
        let pruned = options.merge(&mut document, &profiles[..1], true).unwrap();
        assert_eq!(pruned.removed, ["dev/ReadOnly"]);
        assert_eq!(
            document.render(),
            user,
            "the user's file is back, byte for byte"
        );
    }

    #[test]
    fn an_sso_session_section_is_written_once() {
        let mut options = options();
        options.sso_session = Some("corp".into());
        let mut document = Document::parse(Path::new("config"), "").unwrap();
        let profiles = options.profiles(&[role("111111111111", "dev", "Admin")]);
        assert!(
            options
                .merge(&mut document, &profiles, false)
                .unwrap()
                .session_added
        );
        let text = document.render();
        assert!(text.starts_with("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start/\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n"), "{text}");
        assert!(
            !options
                .merge(&mut document, &profiles, false)
                .unwrap()
                .changed()
        );
    }

    #[test]
    fn only_ids_and_role_names_aws_allows_are_written() {
        let roles = vec![
            role("111111111111", "a\n[default]", "Admin+=,.@-_9"),
            role("11111111111", "short id", "Admin"),
            role("1111111111111", "long id", "Admin"),
            role("11111111111x", "letter", "Admin"),
            role(
                "111111111111",
                "newline",
                "Admin\n[default]\ncredential_process = id",
            ),
            role("111111111111", "empty", ""),
            role("111111111111", "long", &"r".repeat(65)),
            role("111111111111", "space", "Read Only"),
            role("111111111111", "unicode", "Rôle"),
            role("111111111111", "longest", &"r".repeat(64)),
        ];
        let (writable, rejected) = writable_roles(roles);
        let accepted: Vec<&str> = writable.iter().map(|r| r.account_name.as_str()).collect();
        assert_eq!(accepted, ["a\n[default]", "longest"]);
        let reasons: Vec<(&str, &str)> = rejected
            .iter()
            .map(|r| (r.role.account_name.as_str(), &r.reason[..10]))
            .collect();
        assert_eq!(
            reasons,
            [
                ("short id", "its accoun"),
                ("long id", "its accoun"),
                ("letter", "its accoun"),
                ("newline", "its role n"),
                ("empty", "its role n"),
                ("long", "its role n"),
                ("space", "its role n"),
                ("unicode", "its role n"),
            ]
        );
        let profiles = options().profiles(&writable);
        let longest = format!("longest/{}", "r".repeat(64));
        assert_eq!(
            names(&profiles),
            ["a-default/Admin+-.@-_9", longest.as_str()]
        );
    }
}
