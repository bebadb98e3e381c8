//! The AWS partitions a console sign-in can reach, each with its own federation
//! endpoint and console host, chosen by region: `cn-*` is aws-cn, `us-gov-*`
//! aws-us-gov, every other region (and none) the standard partition.

/// A partition with a public console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    Aws,
    China,
    GovCloud,
}

impl Partition {
    pub fn of_region(region: Option<&str>) -> Partition {
        match region {
            Some(region) if region.starts_with("cn-") => Partition::China,
            Some(region) if region.starts_with("us-gov-") => Partition::GovCloud,
            _ => Partition::Aws,
        }
    }

    /// `aws`, `aws-cn`, `aws-us-gov`: as ARNs spell it.
    pub fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::China => "aws-cn",
            Partition::GovCloud => "aws-us-gov",
        }
    }

    /// The base URL of the federation endpoint (`/federation` goes after it).
    pub fn signin_base_url(self) -> &'static str {
        match self {
            Partition::Aws => "https://signin.aws.amazon.com",
            Partition::China => "https://signin.amazonaws.cn",
            Partition::GovCloud => "https://signin.amazonaws-us-gov.com",
        }
    }

    /// The console's host without a region: `console.aws.amazon.com`.
    pub fn console_host(self) -> &'static str {
        match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::China => "console.amazonaws.cn",
            Partition::GovCloud => "console.amazonaws-us-gov.com",
        }
    }

    /// The region whose console is the partition's plain host.
    pub fn home_region(self) -> &'static str {
        match self {
            Partition::Aws => "us-east-1",
            Partition::China => "cn-north-1",
            Partition::GovCloud => "us-gov-west-1",
        }
    }

    /// The console host for `region`: `eu-west-1.console.aws.amazon.com`, or the
    /// plain host for the partition's home region and for none.
    pub fn regional_console_host(self, region: Option<&str>) -> String {
        match region {
            Some(region) if region != self.home_region() => {
                format!("{region}.{}", self.console_host())
            }
            _ => self.console_host().to_owned(),
        }
    }

    /// Whether `host` is this partition's console: its host or a subdomain of it.
    pub fn is_console_host(self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        let console = self.console_host();
        host == console
            || host
                .strip_suffix(console)
                .is_some_and(|prefix| prefix.ends_with('.') && prefix.len() > 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_choose_their_partition() {
        assert_eq!(Partition::of_region(Some("cn-north-1")), Partition::China);
        assert_eq!(
            Partition::of_region(Some("cn-northwest-1")),
            Partition::China
        );
        assert_eq!(
            Partition::of_region(Some("us-gov-west-1")),
            Partition::GovCloud
        );
        assert_eq!(Partition::of_region(Some("eu-west-1")), Partition::Aws);
        assert_eq!(Partition::of_region(None), Partition::Aws);
    }

    #[test]
    fn each_partition_signs_in_at_its_own_endpoint() {
        assert_eq!(
            Partition::Aws.signin_base_url(),
            "https://signin.aws.amazon.com"
        );
        assert_eq!(
            Partition::China.signin_base_url(),
            "https://signin.amazonaws.cn"
        );
        assert_eq!(
            Partition::GovCloud.signin_base_url(),
            "https://signin.amazonaws-us-gov.com"
        );
    }

    #[test]
    fn console_hosts_per_region() {
        let aws = Partition::Aws;
        assert_eq!(
            aws.regional_console_host(Some("eu-west-1")),
            "eu-west-1.console.aws.amazon.com"
        );
        assert_eq!(
            aws.regional_console_host(Some("us-east-1")),
            "console.aws.amazon.com"
        );
        assert_eq!(
            Partition::China.regional_console_host(Some("cn-northwest-1")),
            "cn-northwest-1.console.amazonaws.cn"
        );
        assert_eq!(
            Partition::GovCloud.regional_console_host(Some("us-gov-west-1")),
            "console.amazonaws-us-gov.com"
        );
    }

    #[test]
    fn only_the_partitions_own_console_hosts() {
        let aws = Partition::Aws;
        assert!(aws.is_console_host("console.aws.amazon.com"));
        assert!(aws.is_console_host("eu-west-1.console.aws.amazon.com"));
        assert!(aws.is_console_host("S3.Console.AWS.Amazon.com"));
        assert!(!aws.is_console_host("evilconsole.aws.amazon.com"));
        assert!(!aws.is_console_host(".console.aws.amazon.com"));
        assert!(!aws.is_console_host("console.aws.amazon.com.evil.example"));
        assert!(!aws.is_console_host("console.amazonaws.cn"));
        assert!(Partition::China.is_console_host("console.amazonaws.cn"));
    }
}
