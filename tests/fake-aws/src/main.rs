//! `fake-aws [--port N] [--accounts N --roles M | --directory FILE] [--manual-approve]`:
//! runs the fake until killed (Ctrl-C).

use std::process::ExitCode;

use fake_aws::{Directory, FakeAws};

const USAGE: &str =
    "usage: fake-aws [--port N] [--accounts N [--roles M] | --directory FILE] [--manual-approve]

  --port N          listen on 127.0.0.1:N (default: a free port)
  --accounts N      generate N accounts (default: two: development and production)
  --roles M         roles per generated account (default 3)
  --directory FILE  serve the accounts of a JSON directory file, exactly as written:
                    {\"accounts\": [{\"id\", \"name\", \"roles\": [...]}]}
  --manual-approve  device codes wait for approval at /device (default: auto-approved)";

struct Options {
    port: u16,
    accounts: Option<usize>,
    roles: usize,
    directory_file: Option<String>,
    manual_approve: bool,
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        port: 0,
        accounts: None,
        roles: 3,
        directory_file: None,
        manual_approve: false,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        if arg == "--directory" {
            options.directory_file = Some(args.next().ok_or("--directory needs a file")?);
            continue;
        }
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value"))
                .and_then(|v| {
                    v.parse::<usize>()
                        .map_err(|_| format!("{name}: not a number: {v}"))
                })
        };
        match arg.as_str() {
            "--port" => {
                options.port = u16::try_from(value("--port")?).map_err(|_| "--port: too large")?
            }
            "--accounts" => options.accounts = Some(value("--accounts")?),
            "--roles" => options.roles = value("--roles")?,
            "--manual-approve" => options.manual_approve = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(options)
}

fn read_directory(file: &str) -> Result<Directory, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    Directory::from_json(&text).map_err(|e| format!("{file}: not a directory file: {e}"))
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("fake-aws: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let directory = match (&options.directory_file, options.accounts) {
        (Some(file), _) => match read_directory(file) {
            Ok(directory) => directory,
            Err(message) => {
                eprintln!("fake-aws: {message}");
                return ExitCode::from(2);
            }
        },
        (None, Some(n)) => Directory::generated(n, options.roles),
        (None, None) => Directory::default(),
    };
    let fake = FakeAws::builder()
        .port(options.port)
        .directory(directory)
        .configure(|s| s.auto_approve = !options.manual_approve)
        .start();
    let fake = match fake {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("fake-aws: cannot listen on 127.0.0.1:{}: {e}", options.port);
            return ExitCode::FAILURE;
        }
    };
    let url = fake.url();
    eprintln!("fake-aws listening on {url} (controls: {url}/_fake)");
    eprintln!(
        "export AWS_ENDPOINT_URL_SSO={url} AWS_ENDPOINT_URL_SSO_OIDC={url} AWS_ENDPOINT_URL_STS={url} AWS_ENDPOINT_URL_IAM={url}"
    );
    loop {
        std::thread::park();
    }
}
