//! Which credentials the AWS CLI and SDKs take for a profile named by AWS_PROFILE,
//! where that differs from what grant would serve.
//!
//! botocore (and the other SDKs) try, for one profile of the merged files: a role
//! (`role_arn`, with or without `web_identity_token_file`), their own IAM Identity
//! Center provider (`sso_account_id` or `sso_role_name`), static keys of that
//! profile in the shared credentials file, then `credential_process`, then static
//! keys in the config file. So keys left in the credentials file beat grant's
//! `credential_process` for a profile that only grant's `granted_sso_*` keys make
//! an SSO profile.

use std::path::{Path, PathBuf};

use crate::config::{AwsFiles, ConfigError};

/// Static keys in the credentials file that the SDKs use before the profile's
/// `credential_process`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticKeysFirst {
    pub profile: String,
    pub access_key_id: String,
    pub credentials_file: PathBuf,
    pub config_file: PathBuf,
}

impl StaticKeysFirst {
    /// One line (without the `grant: ` prefix) that says so and what to do.
    pub fn warning(&self) -> String {
        let profile = crate::shell::shell_word(&self.profile);
        format!(
            "profile {profile} has static keys ({}) in {}, which the AWS CLI and SDKs use before the credential_process in {}; remove them from that file, or export grant's keys with: assume -x {profile}",
            self.access_key_id,
            self.credentials_file.display(),
            self.config_file.display()
        )
    }
}

/// The static keys that shadow profile `name`'s `credential_process`, if any.
pub fn static_keys_before_process(
    files: &AwsFiles,
    name: &str,
) -> Result<Option<StaticKeysFirst>, ConfigError> {
    let Some(values) = files.profile(name)? else {
        return Ok(None);
    };
    if !values.contains("credential_process") {
        return Ok(None);
    }
    let ahead_of_static_keys = ["role_arn", "sso_account_id", "sso_role_name"];
    if ahead_of_static_keys.iter().any(|key| values.contains(key)) {
        return Ok(None);
    }
    let Some(access_key_id) = values.get("aws_access_key_id") else {
        return Ok(None);
    };
    let key_file = values.origin_of("aws_access_key_id").path;
    if !is_credentials_file(files, key_file) {
        return Ok(None);
    }
    Ok(Some(StaticKeysFirst {
        profile: name.to_owned(),
        access_key_id: access_key_id.to_owned(),
        credentials_file: key_file.to_owned(),
        config_file: values.origin_of("credential_process").path.to_owned(),
    }))
}

/// The file that sets profile `name`'s `aws_access_key_id`, if any.
pub fn static_keys_file(files: &AwsFiles, name: &str) -> Result<Option<PathBuf>, ConfigError> {
    Ok(files.profile(name)?.and_then(|values| {
        values
            .contains("aws_access_key_id")
            .then(|| values.origin_of("aws_access_key_id").path.to_owned())
    }))
}

fn is_credentials_file(files: &AwsFiles, path: &Path) -> bool {
    files.credentials.path() == path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(config: &str, credentials: &str) -> (tempfile::TempDir, AwsFiles) {
        let dir = tempfile::tempdir().unwrap();
        let (config_path, credentials_path) =
            (dir.path().join("config"), dir.path().join("credentials"));
        std::fs::write(&config_path, config).unwrap();
        std::fs::write(&credentials_path, credentials).unwrap();
        let files = AwsFiles::load_from(&config_path, &credentials_path).unwrap();
        (dir, files)
    }

    const GRANTED: &str = "[profile dev]\ngranted_sso_start_url = https://x/start\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = 111111111111\ngranted_sso_role_name = Admin\ncredential_process = grant credential-process --profile dev\n";
    const KEYS: &str = "[dev]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s\n";

    #[test]
    fn keys_in_the_credentials_file_beat_the_credential_process() {
        let (dir, files) = files(GRANTED, KEYS);
        let found = static_keys_before_process(&files, "dev").unwrap().unwrap();
        assert_eq!(found.access_key_id, "AKIASTATIC");
        assert_eq!(found.credentials_file, dir.path().join("credentials"));
        assert_eq!(found.config_file, dir.path().join("config"));
        let line = found.warning();
        assert!(
            line.contains(&dir.path().join("credentials").display().to_string())
                && line.contains(&dir.path().join("config").display().to_string())
                && line.contains("assume -x dev"),
            "{line}"
        );
    }

    #[test]
    fn what_comes_before_the_credentials_file_or_after_the_process_does_not() {
        let cases = [
            // No keys at all.
            (GRANTED.to_owned(), String::new()),
            // Keys of another profile.
            (GRANTED.to_owned(), KEYS.replace("[dev]", "[other]")),
            // Keys in the config file come after credential_process.
            (
                format!("{GRANTED}aws_access_key_id = AKIA\naws_secret_access_key = s\n"),
                String::new(),
            ),
            // A role and the SDKs' own SSO provider come first.
            (
                format!("{GRANTED}role_arn = arn:aws:iam::1:role/R\nsource_profile = x\n"),
                KEYS.to_owned(),
            ),
            (format!("{GRANTED}sso_account_id = 1\n"), KEYS.to_owned()),
            (format!("{GRANTED}sso_role_name = R\n"), KEYS.to_owned()),
            // Without a credential_process there is nothing to shadow.
            (
                GRANTED.replace("credential_process", "# credential_process"),
                KEYS.to_owned(),
            ),
        ];
        for (config, credentials) in cases {
            let (_dir, files) = files(&config, &credentials);
            assert_eq!(
                static_keys_before_process(&files, "dev").unwrap(),
                None,
                "{config}\n--\n{credentials}"
            );
        }
    }
}
