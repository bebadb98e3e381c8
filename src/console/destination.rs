//! Where the console opens: a service by its short name (`-s s3`), in a region
//! (`-r`), or an explicit console URL (`--destination`), checked to be `https` on
//! a console host of the profile's partition.

use crate::partition::Partition;

/// A console service: its path under the console host, and whether it is global
/// (its page takes no region).
struct Service {
    names: &'static [&'static str],
    path: &'static str,
    fragment: Option<&'static str>,
    global: bool,
}

const fn regional(names: &'static [&'static str], path: &'static str) -> Service {
    Service {
        names,
        path,
        fragment: None,
        global: false,
    }
}

const fn global(names: &'static [&'static str], path: &'static str) -> Service {
    Service {
        names,
        path,
        fragment: None,
        global: true,
    }
}

/// The short names `-s` takes, as Granted has them (its aliases included).
const SERVICES: &[Service] = &[
    regional(&["console", "home"], "console"),
    regional(&["acm"], "acm"),
    regional(&["apigateway", "apigw"], "apigateway"),
    regional(&["athena"], "athena"),
    regional(&["backup"], "backup"),
    regional(&["bedrock"], "bedrock"),
    global(&["billing"], "billing"),
    global(&["cloudfront", "cf"], "cloudfront/v4"),
    regional(&["cloudformation", "cfn"], "cloudformation"),
    regional(&["cloudtrail", "ct"], "cloudtrail"),
    regional(&["cloudwatch", "cw"], "cloudwatch"),
    regional(&["codepipeline"], "codepipeline"),
    regional(&["config"], "config"),
    regional(&["dynamodb", "ddb"], "dynamodbv2"),
    regional(&["ec2"], "ec2"),
    regional(&["ecr"], "ecr"),
    regional(&["ecs"], "ecs"),
    regional(&["eks"], "eks"),
    regional(&["elasticbeanstalk", "eb"], "elasticbeanstalk"),
    regional(&["eventbridge", "events"], "events"),
    regional(&["glue"], "glue"),
    regional(&["guardduty", "gd"], "guardduty"),
    global(&["iam"], "iam"),
    regional(&["kinesis"], "kinesis"),
    regional(&["kms"], "kms"),
    regional(&["lambda", "l"], "lambda"),
    Service {
        names: &["logs", "cloudwatchlogs"],
        path: "cloudwatch",
        fragment: Some("logsV2:log-groups"),
        global: false,
    },
    global(&["organizations", "orgs"], "organizations/v2"),
    regional(&["rds"], "rds"),
    regional(&["redshift"], "redshiftv2"),
    global(&["route53", "r53"], "route53/v2"),
    regional(&["s3"], "s3"),
    regional(&["sagemaker"], "sagemaker"),
    regional(&["secretsmanager", "sm", "scrm"], "secretsmanager"),
    regional(&["securityhub"], "securityhub"),
    regional(&["ses"], "ses"),
    regional(&["sns"], "sns"),
    regional(&["sqs"], "sqs/v3"),
    regional(&["ssm", "systems-manager"], "systems-manager"),
    regional(&["param", "parameters"], "systems-manager/parameters"),
    regional(&["sso", "singlesignon"], "singlesignon"),
    regional(&["stepfunctions", "sfn", "states"], "states"),
    global(&["trustedadvisor", "tra"], "trustedadvisor"),
    regional(&["vpc"], "vpcconsole"),
    regional(&["waf", "wafv2"], "wafv2"),
];

/// Why a destination cannot be opened: one line with what to do instead.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    #[error("unknown console service '{0}'; -s takes a short name such as {list}, or give --destination URL", list = some_service_names())]
    UnknownService(String),
    #[error("'{0}' is not an AWS region such as eu-west-1 (give the console's region with -r)")]
    BadRegion(String),
    #[error(
        "--destination must be an https:// URL of the AWS console, such as https://{host}/s3/home, without spaces or control characters; got '{got}'"
    )]
    NotAConsoleUrl { got: String, host: String },
    #[error(
        "--destination must be on the console of the {partition} partition ({host} or a subdomain of it), as the region {region} is; got the host '{got}'"
    )]
    OtherHost {
        got: String,
        host: String,
        partition: &'static str,
        region: String,
    },
}

fn some_service_names() -> String {
    let mut names: Vec<&str> = SERVICES.iter().map(|service| service.names[0]).collect();
    names.sort_unstable();
    names.join(", ")
}

/// The console URL for service `name` (none: the console's home) in `region`.
pub fn for_service(
    partition: Partition,
    name: Option<&str>,
    region: Option<&str>,
) -> Result<String, DestinationError> {
    let name = name.unwrap_or("console");
    let service = SERVICES
        .iter()
        .find(|service| service.names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .ok_or_else(|| DestinationError::UnknownService(name.to_owned()))?;
    if let Some(region) = region {
        check_region(region)?;
    }
    let region = region.filter(|_| !service.global);
    let host = partition.regional_console_host(region);
    let mut url = format!("https://{host}/{}/home", service.path);
    if let Some(region) = region {
        url.push_str(&format!("?region={region}"));
    }
    if let Some(fragment) = service.fragment {
        url.push('#');
        url.push_str(fragment);
    }
    Ok(url)
}

/// A region goes into a host name: only `[a-z0-9-]`, as every AWS region is.
pub fn check_region(region: &str) -> Result<(), DestinationError> {
    let valid = !region.is_empty()
        && region.len() <= 32
        && !region.starts_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(DestinationError::BadRegion(
            crate::term_text::shown(region).to_string(),
        ))
    }
}

/// An explicit `--destination`, kept as given once it is an `https` URL on a
/// console host of `partition` (the profile's region decides which).
pub fn explicit(
    partition: Partition,
    region: Option<&str>,
    url: &str,
) -> Result<String, DestinationError> {
    let not_a_console_url = || DestinationError::NotAConsoleUrl {
        got: crate::term_text::shown(url).to_string(),
        host: partition.console_host(),
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || !url.starts_with("https://") {
        return Err(not_a_console_url());
    }
    let parsed = url::Url::parse(url).map_err(|_| not_a_console_url())?;
    let Some(url::Host::Domain(host)) = parsed.host() else {
        return Err(not_a_console_url());
    };
    if !parsed.username().is_empty() || parsed.password().is_some() || parsed.port().is_some() {
        return Err(not_a_console_url());
    }
    if !partition.is_console_host(host) {
        return Err(DestinationError::OtherHost {
            got: crate::term_text::shown(host).to_string(),
            host: partition.console_host(),
            partition: partition.name(),
            region: region.unwrap_or("(none)").to_owned(),
        });
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_open_in_the_region() {
        let url =
            |name, region| for_service(Partition::named("aws").unwrap(), name, region).unwrap();
        assert_eq!(
            url(Some("s3"), Some("eu-west-1")),
            "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
        );
        assert_eq!(
            url(None, Some("eu-west-1")),
            "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            url(Some("cloudwatch"), Some("us-east-1")),
            "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1"
        );
        assert_eq!(
            url(Some("logs"), Some("eu-west-1")),
            "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups"
        );
        assert_eq!(
            url(Some("DDB"), Some("eu-west-1")),
            "https://eu-west-1.console.aws.amazon.com/dynamodbv2/home?region=eu-west-1"
        );
        assert_eq!(
            url(Some("s3"), None),
            "https://console.aws.amazon.com/s3/home"
        );
    }

    #[test]
    fn global_services_take_no_region() {
        assert_eq!(
            for_service(
                Partition::named("aws").unwrap(),
                Some("iam"),
                Some("eu-west-1")
            )
            .unwrap(),
            "https://console.aws.amazon.com/iam/home"
        );
        assert_eq!(
            for_service(
                Partition::named("aws").unwrap(),
                Some("route53"),
                Some("eu-west-1")
            )
            .unwrap(),
            "https://console.aws.amazon.com/route53/v2/home"
        );
    }

    #[test]
    fn partitions_have_their_own_console() {
        assert_eq!(
            for_service(
                Partition::named("aws-cn").unwrap(),
                Some("ec2"),
                Some("cn-northwest-1")
            )
            .unwrap(),
            "https://cn-northwest-1.console.amazonaws.cn/ec2/home?region=cn-northwest-1"
        );
        assert_eq!(
            for_service(
                Partition::of_region(Some("eusc-de-east-1")),
                Some("s3"),
                Some("eusc-de-east-1")
            )
            .unwrap(),
            "https://console.amazonaws-eusc.eu/s3/home?region=eusc-de-east-1"
        );
        assert_eq!(
            for_service(
                Partition::named("aws-us-gov").unwrap(),
                Some("s3"),
                Some("us-gov-west-1")
            )
            .unwrap(),
            "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1"
        );
    }

    #[test]
    fn regions_that_are_not_host_labels_are_refused() {
        for bad in [
            "evil.example/",
            "eu-west-1.evil",
            "EU-WEST-1",
            "",
            "a b",
            "-x",
        ] {
            assert!(
                matches!(
                    for_service(Partition::named("aws").unwrap(), Some("s3"), Some(bad)),
                    Err(DestinationError::BadRegion(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_services_name_some_known_ones() {
        let error = for_service(Partition::named("aws").unwrap(), Some("nope"), None).unwrap_err();
        let line = error.to_string();
        assert!(line.contains("'nope'") && line.contains("s3") && line.contains("lambda"));
        assert!(!line.contains('\n'));
    }

    #[test]
    fn every_short_name_is_unique() {
        let mut names: Vec<&str> = SERVICES
            .iter()
            .flat_map(|s| s.names.iter().copied())
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn explicit_destinations_must_be_the_partitions_console() {
        let aws = Partition::named("aws").unwrap();
        let ok = "https://eu-west-1.console.aws.amazon.com/s3/buckets?region=eu-west-1";
        assert_eq!(explicit(aws, Some("eu-west-1"), ok).unwrap(), ok);
        for bad in [
            "http://console.aws.amazon.com/",
            "https://evil.example/console.aws.amazon.com",
            "https://console.aws.amazon.com.evil.example/",
            "https://user@console.aws.amazon.com/",
            "https://console.aws.amazon.com:8443/",
            "https://console.aws.amazon.com/a b",
            "javascript:alert(1)",
            "--user-data-dir=/tmp https://console.aws.amazon.com/",
            "https://console.aws.amazon.com/\n",
        ] {
            assert!(explicit(aws, None, bad).is_err(), "{bad}");
        }
        assert!(matches!(
            explicit(
                Partition::named("aws-cn").unwrap(),
                Some("cn-north-1"),
                "https://console.aws.amazon.com/"
            ),
            Err(DestinationError::OtherHost { .. })
        ));
    }
}
