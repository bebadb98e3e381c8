//! What a role session grant starts is called, and the SourceIdentity it carries:
//! the profile's `role_session_name`, else the `RoleSessionName` setting (a
//! template of `{user}` and `{profile}`), else the person's user name (as STS shows
//! it in the caller's ARN), else `grant-<time>`. Every name is cleaned to what STS
//! accepts, so that no outside text reaches a request as it came.

/// The longest role session name and source identity STS accepts.
const MAX_NAME: usize = 64;
/// The shortest.
const MIN_NAME: usize = 2;

/// The person in a caller ARN: the IAM user's name (`arn:aws:iam::1:user/path/NAME`)
/// or the session of an assumed role, which for an IAM Identity Center role is the
/// user name (`arn:aws:sts::1:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com`).
pub fn person_of_arn(arn: &str) -> Option<String> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let name = match resource.split_once('/')? {
        ("user", path_and_name) => path_and_name.rsplit('/').next()?,
        ("assumed-role", role_and_session) => role_and_session.split_once('/')?.1,
        _ => return None,
    };
    clean(name)
}

/// `text` in STS's alphabet (`[\w+=,.@-]`, other characters as `-`), at most 64
/// characters; `None` when fewer than 2 remain.
pub fn clean(text: &str) -> Option<String> {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(MAX_NAME)
        .collect();
    (cleaned.len() >= MIN_NAME).then_some(cleaned)
}

/// A template of the settings with `{user}` and `{profile}` filled in, cleaned.
pub fn render(template: &str, user: &str, profile: &str) -> Option<String> {
    clean(
        &template
            .replace("{user}", user)
            .replace("{profile}", profile),
    )
}

/// The name of a new role session: the profile's, else the setting's template,
/// else the person, else `grant-<now>`.
pub fn session_name(
    profile_key: Option<&str>,
    template: Option<&str>,
    person: Option<&str>,
    profile: &str,
    now: i64,
) -> String {
    let fallback = format!("grant-{now}");
    let user = person.unwrap_or(&fallback);
    profile_key
        .map(str::to_owned)
        .or_else(|| template.and_then(|template| render(template, user, profile)))
        .unwrap_or_else(|| user.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_in_caller_arns() {
        assert_eq!(
            person_of_arn(
                "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/Alice.Smith@example.com"
            )
            .as_deref(),
            Some("Alice.Smith@example.com")
        );
        assert_eq!(
            person_of_arn("arn:aws:iam::111111111111:user/team/bob").as_deref(),
            Some("bob")
        );
        assert_eq!(person_of_arn("arn:aws:iam::111111111111:root"), None);
        assert_eq!(person_of_arn("arn:aws:iam::111111111111:role/R"), None);
    }

    #[test]
    fn names_are_cleaned_to_what_sts_accepts() {
        assert_eq!(
            clean("Alice Smith\u{1b}[31m").as_deref(),
            Some("Alice-Smith--31m")
        );
        assert_eq!(clean(&"a".repeat(100)).map(|name| name.len()), Some(64));
        assert_eq!(clean("é"), None, "one character is too short");
        assert_eq!(
            render("{user}-{profile}", "alice@example.com", "dev/x").as_deref(),
            Some("alice@example.com-dev-x")
        );
    }

    #[test]
    fn precedence_of_session_names() {
        let name = |key, template, person| session_name(key, template, person, "dev", 7);
        assert_eq!(name(Some("own"), Some("{user}"), Some("alice")), "own");
        assert_eq!(
            name(None, Some("{user}-{profile}"), Some("alice")),
            "alice-dev"
        );
        assert_eq!(name(None, None, Some("alice")), "alice");
        assert_eq!(name(None, None, None), "grant-7");
        assert_eq!(name(None, Some("{user}-{profile}"), None), "grant-7-dev");
    }
}
