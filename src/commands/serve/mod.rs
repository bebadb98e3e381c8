//! `grant serve --profile P [-- CMD ...]`: P's credentials on a local endpoint of
//! the AWS SDKs' container credentials provider (`crate::serve`), renewed before
//! they expire. With CMD, runs it with the endpoint's two variables and no key
//! variables, and exits with its status; without, prints the variables and
//! serves until interrupted.
//!
//! The credentials come through the same cache and lock as credential-process. The
//! first fetch may sign in (on a terminal only); renewals never do, since the SDK
//! asking would time out long before a person answered: a renewal that needs a
//! sign-in answers with the command to run, and the next request after it works.

mod renewing;
mod warnings;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use crate::child::{self, Signals};
use crate::cli::ServeArgs;
use crate::serve::{self, Endpoint, Protocol};
use crate::shell::{EnvChange, shell_word};

pub const FULL_URI_VARIABLE: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
pub const TOKEN_VARIABLE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
pub const IMDS_VARIABLE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

/// Also removed with `--imds`: the container endpoint comes before IMDS in every
/// SDK's chain, and these would turn IMDS off or send it elsewhere.
const REMOVED_FOR_IMDS: [&str; 4] = [
    FULL_URI_VARIABLE,
    TOKEN_VARIABLE,
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
];

/// Removed from CMD's environment: every source an SDK's default chain tries before
/// the container provider (keys, a profile, web identity), and the container
/// variables that would win over the two grant sets (botocore reads
/// RELATIVE_URI before FULL_URI, and a token file before the token).
const REMOVED_FOR_COMMAND: [&str; 15] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    // Left by an `assume -x` of the shell, about keys CMD no longer has.
    "GRANT_EXPIRES",
    "GRANT_EXPORTED",
];

use renewing::renewing_source;
use warnings::{warn_beyond_loopback, warn_of_default_profile};

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let protocol = if args.imds {
        if !args.bind.is_loopback() {
            anyhow::bail!(
                "--imds listens on loopback only (its token request takes no secret): drop --bind or give 127.0.0.1"
            );
        }
        Protocol::Imds
    } else {
        Protocol::Container
    };
    let endpoint = Endpoint::bind(SocketAddr::new(args.bind, args.port), protocol)?;
    let (source, profile) = renewing_source(&args)?;
    let address = endpoint.address()?;
    let token = endpoint.token().as_str().to_owned();
    let variables = match protocol {
        Protocol::Container => {
            let url = url_for(address);
            warn_beyond_loopback(address, &url);
            vec![
                (FULL_URI_VARIABLE.to_owned(), url),
                (TOKEN_VARIABLE.to_owned(), token),
            ]
        }
        // The secret is the first segment of every path: only the program given
        // the variable can reach the credentials.
        Protocol::Imds => vec![(
            IMDS_VARIABLE.to_owned(),
            format!("{}{token}/", url_for(address)),
        )],
    };
    let signals = Signals::catch()?;
    endpoint.spawn(Arc::new(source));

    if args.command.is_empty() {
        print_variables(&variables)?;
        eprintln!(
            "grant: serving {} on {address} until interrupted (Ctrl-C); pass the variables above to the program, without AWS_PROFILE or key variables",
            shell_word(&args.profile)
        );
        signals.wait_for_interrupt();
        return Ok(());
    }
    warn_of_default_profile(&args.profile);
    let region = profile.region.as_deref();
    let code = run_command(&args.command, variables, protocol, region, signals)?;
    std::process::exit(code)
}

/// Runs CMD with the endpoint's variables in place of any credentials, and returns
/// its exit code.
fn run_command(
    command_line: &[String],
    variables: Vec<(String, String)>,
    protocol: Protocol,
    region: Option<&str>,
    signals: Signals,
) -> anyhow::Result<i32> {
    let imds_only: &[&str] = match protocol {
        Protocol::Imds => &REMOVED_FOR_IMDS,
        Protocol::Container => &[],
    };
    let mut change = EnvChange {
        unset: REMOVED_FOR_COMMAND
            .iter()
            .chain(imds_only)
            .map(|name| (*name).to_owned())
            .collect(),
        set: variables,
    };
    if let Some(region) = region {
        change
            .set
            .push(("AWS_REGION".to_owned(), region.to_owned()));
        change
            .set
            .push(("AWS_DEFAULT_REGION".to_owned(), region.to_owned()));
    }
    let command = child::command(
        command_line,
        &change,
        "serve needs a command after --, e.g. grant serve --profile dev -- python app.py",
    )?;
    child::run_forwarding(command, signals)
}

/// The URL a program on this machine uses: an address of every interface is
/// reached through loopback.
fn url_for(address: SocketAddr) -> String {
    let host = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!(
        "http://{}{}",
        SocketAddr::new(host, address.port()),
        serve::PATH
    )
}

/// The endpoint's variables as shell code on stdout.
fn print_variables(variables: &[(String, String)]) -> anyhow::Result<()> {
    super::print_lines(
        variables
            .iter()
            .map(|(name, value)| format!("export {name}={}", shell_word(value))),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_address_a_local_program_reaches() {
        let url = |text: &str| url_for(text.parse().unwrap());
        assert_eq!(url("127.0.0.1:8080"), "http://127.0.0.1:8080/");
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080/");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080/");
        assert_eq!(url("[fd00:ec2::23]:80"), "http://[fd00:ec2::23]:80/");
        assert_eq!(url("172.17.0.1:9"), "http://172.17.0.1:9/");
    }
}
