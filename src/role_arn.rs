//! IAM role ARNs, `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`: the one place that
//! takes them apart. A profile's `role_arn` is kept as written (STS judges it); what
//! the user names on the command line must be a role ARN.

use std::fmt;

/// A role ARN as the profile or the user wrote it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RoleArn(String);

impl RoleArn {
    /// The text as written, unchecked: a profile's `role_arn`.
    pub fn new(text: impl Into<String>) -> RoleArn {
        RoleArn(text.into())
    }

    /// `text` when it is an IAM role ARN: a partition of `[a-z0-9-]`, a 12-digit
    /// account, and a path and name in IAM's alphabet (`[\w+=,.@-]`, the name up to
    /// 64 characters). Anything else (a terminal escape, a space, a quote) is refused.
    pub fn parse(text: &str) -> Option<RoleArn> {
        let arn = RoleArn::new(text);
        let parts: Vec<&str> = text.strip_prefix("arn:")?.splitn(5, ':').collect();
        let [partition, "iam", "", _account, resource] = parts.as_slice() else {
            return None;
        };
        let valid_partition = !partition.is_empty()
            && partition
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let valid_account = arn.account_id().is_some_and(|account| {
            account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
        });
        let iam_alphabet = |b: u8| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b);
        let valid_path = resource.len() <= 512
            && resource.starts_with("role/")
            && resource.bytes().all(|b| b == b'/' || iam_alphabet(b));
        let valid = valid_partition
            && valid_account
            && valid_path
            && arn
                .role_name()
                .is_some_and(|name| !name.is_empty() && name.len() <= 64);
        valid.then_some(arn)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The account, the fifth field (`None` when empty or missing).
    pub fn account_id(&self) -> Option<&str> {
        self.0
            .split(':')
            .nth(4)
            .filter(|account| !account.is_empty())
    }

    /// The role's name: what follows the last `/` (its path left out).
    pub fn role_name(&self) -> Option<&str> {
        self.0.rsplit_once('/').map(|(_, name)| name)
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// As the string it is: a source's debug text names its cache entry, which must not
/// change with the type.
impl fmt::Debug for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl PartialEq<&str> for RoleArn {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_role_arns() {
        let arn = RoleArn::new("arn:aws:iam::123456789012:role/team/Admin");
        assert_eq!(arn.account_id(), Some("123456789012"));
        assert_eq!(arn.role_name(), Some("Admin"));
        assert_eq!(
            format!("{arn:?}"),
            "\"arn:aws:iam::123456789012:role/team/Admin\""
        );
        let odd = RoleArn::new("arn");
        assert_eq!((odd.account_id(), odd.role_name()), (None, None));
    }

    #[test]
    fn only_role_arns_parse() {
        for good in [
            "arn:aws:iam::123456789012:role/Admin",
            "arn:aws:iam::123456789012:role/team/Admin",
            "arn:aws-us-gov:iam::123456789012:role/A",
        ] {
            assert!(RoleArn::parse(good).is_some(), "{good}");
        }
        for bad in [
            "arn:aws:iam::123456789012:user/Bob",
            "arn:aws:iam::12345:role/Admin",
            "arn:aws:sts::123456789012:role/Admin",
            "arn:aws:iam::123456789012:role/",
            "123456789012/Admin",
            "consoleme_oss_2_test_admin",
            "arn:aws:iam::123456789012:role/Admin\u{1b}[31m",
            "arn:aws:iam::123456789012:role/Ad min",
            "arn:aws:iam::123456789012:role/Admin'; rm -rf ~",
            "arn:AWS:iam::123456789012:role/Admin",
            "arn::iam::123456789012:role/Admin",
            "arn:aws:iam::123456789012:role/team\n/Admin",
        ] {
            assert!(RoleArn::parse(bad).is_none(), "{bad}");
        }
    }
}
