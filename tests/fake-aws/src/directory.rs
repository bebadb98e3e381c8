//! The accounts and roles the fake SSO user can reach.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
    pub roles: Vec<String>,
}

impl Account {
    /// An account whose email is derived from its name.
    pub fn new(id: &str, name: &str, roles: &[&str]) -> Self {
        Account {
            id: id.to_string(),
            name: name.to_string(),
            email: format!("aws+{name}@example.com"),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }
}

/// Accounts in the order ListAccounts returns them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    accounts: Vec<Account>,
}

/// Role names given to generated accounts, in order; more roles get `RoleN`.
const GENERATED_ROLES: [&str; 3] = ["AdministratorAccess", "ReadOnly", "PowerUserAccess"];

impl Default for Directory {
    /// 111111111111 "development" (AdministratorAccess, ReadOnly) and
    /// 222222222222 "production" (ReadOnly).
    fn default() -> Self {
        Directory::empty()
            .with_account(Account::new(
                "111111111111",
                "development",
                &["AdministratorAccess", "ReadOnly"],
            ))
            .with_account(Account::new("222222222222", "production", &["ReadOnly"]))
    }
}

impl Directory {
    /// A directory file: `{"accounts": [{"id", "name", "email"?, "roles": [...]}]}`.
    /// Names and ids are served exactly as written, hostile ones included.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn empty() -> Self {
        Directory {
            accounts: Vec::new(),
        }
    }

    /// `accounts` accounts numbered from 100000000001 and named `account-0001`...,
    /// each with `roles_per_account` roles: AdministratorAccess, ReadOnly,
    /// PowerUserAccess, then Role4, Role5...
    pub fn generated(accounts: usize, roles_per_account: usize) -> Self {
        let roles: Vec<String> = (0..roles_per_account)
            .map(|i| {
                GENERATED_ROLES
                    .get(i)
                    .map_or_else(|| format!("Role{}", i + 1), |r| r.to_string())
            })
            .collect();
        let accounts = (1..=accounts)
            .map(|i| Account {
                id: format!("{:012}", 100_000_000_000u64 + i as u64),
                name: format!("account-{i:04}"),
                email: format!("aws+account-{i:04}@example.com"),
                roles: roles.clone(),
            })
            .collect();
        Directory { accounts }
    }

    /// Adds the account, or replaces the one with the same id.
    pub fn with_account(mut self, account: Account) -> Self {
        self.add_account(account);
        self
    }

    pub fn add_account(&mut self, account: Account) {
        match self.accounts.iter_mut().find(|a| a.id == account.id) {
            Some(existing) => *existing = account,
            None => self.accounts.push(account),
        }
    }

    pub fn remove_account(&mut self, account_id: &str) -> bool {
        let before = self.accounts.len();
        self.accounts.retain(|a| a.id != account_id);
        self.accounts.len() != before
    }

    pub fn add_role(&mut self, account_id: &str, role: &str) -> bool {
        match self.accounts.iter_mut().find(|a| a.id == account_id) {
            Some(account) if !account.roles.iter().any(|r| r == role) => {
                account.roles.push(role.to_string());
                true
            }
            _ => false,
        }
    }

    pub fn remove_role(&mut self, account_id: &str, role: &str) -> bool {
        let Some(account) = self.accounts.iter_mut().find(|a| a.id == account_id) else {
            return false;
        };
        let before = account.roles.len();
        account.roles.retain(|r| r != role);
        account.roles.len() != before
    }

    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    pub fn account(&self, account_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == account_id)
    }

    pub fn has_role(&self, account_id: &str, role: &str) -> bool {
        self.account(account_id)
            .is_some_and(|a| a.roles.iter().any(|r| r == role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_directory_has_distinct_twelve_digit_ids() {
        let dir = Directory::generated(1000, 4);
        assert_eq!(dir.accounts().len(), 1000);
        assert!(dir.accounts().iter().all(|a| a.id.len() == 12));
        assert_eq!(dir.accounts()[0].id, "100000000001");
        assert_eq!(
            dir.accounts()[0].roles,
            [
                "AdministratorAccess",
                "ReadOnly",
                "PowerUserAccess",
                "Role4"
            ]
        );
    }

    #[test]
    fn a_directory_file_is_served_as_written() {
        let text = r#"{"accounts": [{"id": "1\n2", "name": "a\u001b]0;x\u0007", "roles": ["r\r\n[default]"]}]}"#;
        let dir = Directory::from_json(text).unwrap();
        assert_eq!(dir.accounts()[0].id, "1\n2");
        assert_eq!(dir.accounts()[0].name, "a\u{1b}]0;x\u{7}");
        assert_eq!(dir.accounts()[0].roles, ["r\r\n[default]"]);
        assert!(Directory::from_json("{}").is_err());
    }

    #[test]
    fn roles_can_be_removed_and_added() {
        let mut dir = Directory::default();
        assert!(dir.remove_role("111111111111", "ReadOnly"));
        assert!(!dir.has_role("111111111111", "ReadOnly"));
        assert!(!dir.remove_role("111111111111", "ReadOnly"));
        assert!(dir.add_role("111111111111", "ReadOnly"));
        assert!(dir.has_role("111111111111", "ReadOnly"));
    }
}
