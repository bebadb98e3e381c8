//! The AWS partitions, from the partition data the AWS SDK for Rust resolves its
//! endpoints with (`partitions.json`, the SDK's own file, kept equal to the one in
//! `aws-sdk-sts` by a test): a region belongs to the partition that lists it, else
//! to the one whose region pattern it matches, else to `aws`, as the SDK decides.
//! From a partition come its console sign-in (federation) endpoint and its console
//! host: `signin.` and `console.` on `amazonaws-SUFFIX.TLD` (`aws-us-gov`:
//! `amazonaws-us-gov.com`, `aws-eusc`: `amazonaws-eusc.eu`), the top-level domain
//! being the last label of the partition's DNS suffix; only the two partitions older
//! than that naming, `aws` and `aws-cn`, have hosts of their own. A partition added
//! to the SDK's data is therefore known without a change here.

use std::sync::LazyLock;

use serde::Deserialize;

/// The SDK's partition data, as `aws-sdk-sts` embeds it.
const PARTITIONS_JSON: &str = include_str!("partitions.json");

#[derive(Debug, Deserialize)]
struct PartitionsFile {
    partitions: Vec<PartitionData>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartitionData {
    id: String,
    outputs: Outputs,
    region_regex: String,
    regions: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Outputs {
    dns_suffix: String,
    implicit_global_region: String,
}

struct Known {
    data: PartitionData,
    pattern: Option<regex_lite::Regex>,
}

static PARTITIONS: LazyLock<Vec<Known>> = LazyLock::new(|| {
    #[expect(
        clippy::expect_used,
        reason = "the file is compiled in; a unit test parses it"
    )]
    let file: PartitionsFile =
        serde_json::from_str(PARTITIONS_JSON).expect("partitions.json is valid");
    file.partitions
        .into_iter()
        .map(|data| Known {
            pattern: regex_lite::Regex::new(&data.region_regex).ok(),
            data,
        })
        .collect()
});

/// A partition of the SDK's data.
#[derive(Clone, Copy)]
pub struct Partition {
    known: &'static Known,
}

impl std::fmt::Debug for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq for Partition {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Partition {}

impl Partition {
    /// The partition of `region`, as the SDK resolves it; none, or one no pattern
    /// matches, is `aws`.
    pub fn of_region(region: Option<&str>) -> Partition {
        let partitions = &*PARTITIONS;
        let listed = region.and_then(|region| {
            partitions
                .iter()
                .find(|known| known.data.regions.contains_key(region))
                .or_else(|| {
                    partitions.iter().find(|known| {
                        known
                            .pattern
                            .as_ref()
                            .is_some_and(|pattern| pattern.is_match(region))
                    })
                })
        });
        let known = listed
            .or_else(|| partitions.iter().find(|known| known.data.id == "aws"))
            .unwrap_or(&partitions[0]);
        Partition { known }
    }

    /// A partition by its name (`aws`, `aws-eusc`), if the SDK knows it.
    pub fn named(name: &str) -> Option<Partition> {
        PARTITIONS
            .iter()
            .find(|known| known.data.id == name)
            .map(|known| Partition { known })
    }

    /// `aws`, `aws-cn`, `aws-us-gov`, `aws-eusc`: as ARNs spell it.
    pub fn name(self) -> &'static str {
        &self.known.data.id
    }

    /// The domain the partition's sign-in and console hosts are under.
    fn web_domain(self) -> String {
        match self.name() {
            "aws" => "aws.amazon.com".to_owned(),
            "aws-cn" => "amazonaws.cn".to_owned(),
            name => {
                let suffix = name.strip_prefix("aws-").unwrap_or(name);
                let dns = &self.known.data.outputs.dns_suffix;
                let tld = dns.rsplit('.').next().unwrap_or(dns);
                format!("amazonaws-{suffix}.{tld}")
            }
        }
    }

    /// The sign-in host: `signin.aws.amazon.com`.
    pub fn signin_host(self) -> String {
        format!("signin.{}", self.web_domain())
    }

    /// The base URL of the federation endpoint (`/federation` goes after it).
    pub fn signin_base_url(self) -> String {
        format!("https://{}", self.signin_host())
    }

    /// The console's host without a region: `console.aws.amazon.com`.
    pub fn console_host(self) -> String {
        format!("console.{}", self.web_domain())
    }

    /// The region whose console is the partition's plain host (and where its
    /// global services sign): the SDK's `implicitGlobalRegion`, but for `aws-cn`,
    /// whose console grant has always opened plain for cn-north-1.
    pub fn home_region(self) -> &'static str {
        match self.name() {
            "aws-cn" => "cn-north-1",
            _ => &self.known.data.outputs.implicit_global_region,
        }
    }

    /// The console host for `region`: `eu-west-1.console.aws.amazon.com`, or the
    /// plain host for the partition's home region and for none.
    pub fn regional_console_host(self, region: Option<&str>) -> String {
        match region {
            Some(region) if region != self.home_region() => {
                format!("{region}.{}", self.console_host())
            }
            _ => self.console_host(),
        }
    }

    /// Whether `host` is this partition's console: its host or a subdomain of it.
    pub fn is_console_host(self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let console = self.console_host();
        host == console
            || host
                .strip_suffix(&console)
                .is_some_and(|prefix| prefix.ends_with('.') && prefix.len() > 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Partition {
        Partition::named(name).unwrap()
    }

    #[test]
    fn regions_choose_their_partition_as_the_sdk_does() {
        let of = |region| Partition::of_region(Some(region)).name();
        assert_eq!(of("cn-north-1"), "aws-cn");
        assert_eq!(of("cn-northwest-1"), "aws-cn");
        assert_eq!(of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(of("eu-west-1"), "aws");
        assert_eq!(of("eusc-de-east-1"), "aws-eusc");
        // A region the data does not list yet, by its partition's pattern.
        assert_eq!(of("eusc-de-west-9"), "aws-eusc");
        assert_eq!(of("us-isob-east-1"), "aws-iso-b");
        assert_eq!(of("not-a-region"), "aws");
        assert_eq!(Partition::of_region(None).name(), "aws");
    }

    #[test]
    fn each_partition_signs_in_at_its_own_endpoint() {
        assert_eq!(
            named("aws").signin_base_url(),
            "https://signin.aws.amazon.com"
        );
        assert_eq!(
            named("aws-cn").signin_base_url(),
            "https://signin.amazonaws.cn"
        );
        assert_eq!(
            named("aws-us-gov").signin_base_url(),
            "https://signin.amazonaws-us-gov.com"
        );
        assert_eq!(
            named("aws-eusc").signin_base_url(),
            "https://signin.amazonaws-eusc.eu"
        );
    }

    #[test]
    fn console_hosts_per_region() {
        let aws = named("aws");
        assert_eq!(
            aws.regional_console_host(Some("eu-west-1")),
            "eu-west-1.console.aws.amazon.com"
        );
        assert_eq!(
            aws.regional_console_host(Some("us-east-1")),
            "console.aws.amazon.com"
        );
        assert_eq!(
            named("aws-cn").regional_console_host(Some("cn-northwest-1")),
            "cn-northwest-1.console.amazonaws.cn"
        );
        assert_eq!(
            named("aws-cn").regional_console_host(Some("cn-north-1")),
            "console.amazonaws.cn"
        );
        assert_eq!(
            named("aws-us-gov").regional_console_host(Some("us-gov-west-1")),
            "console.amazonaws-us-gov.com"
        );
        assert_eq!(
            named("aws-eusc").regional_console_host(Some("eusc-de-east-1")),
            "console.amazonaws-eusc.eu"
        );
    }

    #[test]
    fn only_the_partitions_own_console_hosts() {
        let aws = named("aws");
        assert!(aws.is_console_host("console.aws.amazon.com"));
        assert!(aws.is_console_host("eu-west-1.console.aws.amazon.com"));
        assert!(aws.is_console_host("S3.Console.AWS.Amazon.com"));
        assert!(!aws.is_console_host("evilconsole.aws.amazon.com"));
        assert!(!aws.is_console_host(".console.aws.amazon.com"));
        assert!(!aws.is_console_host("console.aws.amazon.com.evil.example"));
        assert!(!aws.is_console_host("console.amazonaws.cn"));
        assert!(named("aws-cn").is_console_host("console.amazonaws.cn"));
        assert!(named("aws-eusc").is_console_host("console.amazonaws-eusc.eu"));
        assert!(!named("aws-eusc").is_console_host("console.aws.amazon.com"));
    }

    #[test]
    fn every_partition_of_the_data_has_a_pattern_and_a_home_region() {
        for known in PARTITIONS.iter() {
            assert!(known.pattern.is_some(), "{}", known.data.id);
            let partition = Partition { known };
            assert_eq!(
                Partition::of_region(Some(partition.home_region())),
                partition
            );
        }
        assert!(PARTITIONS.len() >= 4);
    }

    /// The data is the SDK's: equal to what `aws-sdk-sts` (the version in
    /// Cargo.lock) embeds. `GRANT_WRITE_PARTITIONS=1` rewrites the copy after an
    /// SDK update.
    #[test]
    fn the_partition_data_is_the_sdks() {
        let Some(embedded) = sdk_partitions() else {
            assert!(
                !crate::env::is_ci(),
                "the aws-sdk-sts source was not found to compare partitions.json with"
            );
            return;
        };
        let ours: serde_json::Value = serde_json::from_str(PARTITIONS_JSON).unwrap();
        if crate::env::os_value("GRANT_WRITE_PARTITIONS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/partition/partitions.json");
            let text = serde_json::to_string_pretty(&embedded).unwrap() + "\n";
            std::fs::write(path, text).unwrap();
            return;
        }
        assert_eq!(
            ours, embedded,
            "partitions.json differs from the SDK's: GRANT_WRITE_PARTITIONS=1 cargo test --lib partition"
        );
    }

    /// The partition JSON in the source of the locked `aws-sdk-sts`.
    fn sdk_partitions() -> Option<serde_json::Value> {
        let cargo = crate::env::value("CARGO").unwrap_or_else(|| "cargo".into());
        let output = std::process::Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--offline",
                "--manifest-path",
            ])
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .output()
            .ok()?;
        let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
        let manifest = metadata["packages"]
            .as_array()?
            .iter()
            .find(|package| package["name"] == "aws-sdk-sts")?["manifest_path"]
            .as_str()?
            .to_owned();
        let source = std::path::Path::new(&manifest)
            .parent()?
            .join("src/endpoint_lib.rs");
        let text = std::fs::read_to_string(source).ok()?;
        let start = text.find("new_from_json(b\"")? + "new_from_json(b\"".len();
        let end = start + text[start..].find("\")")?;
        let json = unescape_rust_bytes(&text[start..end]);
        serde_json::from_str(&json).ok()
    }

    /// The text of a Rust byte-string literal's body (`\"` and `\\` only).
    fn unescape_rust_bytes(literal: &str) -> String {
        let mut out = String::with_capacity(literal.len());
        let mut chars = literal.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
