//! Config files that grant only reads must come out of any command untouched, and
//! reading never creates files outside grant's state folder (which keeps the list
//! of profile names for completion).

use crate::support::fixtures::START_URL;
use crate::support::{TestEnv, success};

fn tree(root: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            found.push(path.strip_prefix(root).unwrap().display().to_string());
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn read_only_commands_create_and_change_nothing() {
    let env = TestEnv::new();
    let config = std::fs::read_to_string(
        crate::support::corpus_dir().join("config/comments-and-spacing.ini"),
    )
    .unwrap();
    env.write_aws_config(&config);
    let before = tree(env.home.parent().unwrap());
    success(&env.run(&["profiles"]));
    success(&env.run(&["settings", "list"]));
    success(&env.run(&["settings", "get", "DefaultSSORegion"]));
    let outside_state = |paths: Vec<String>| -> Vec<String> {
        paths
            .into_iter()
            .filter(|path| !path.starts_with("state"))
            .collect()
    };
    assert_eq!(
        outside_state(tree(env.home.parent().unwrap())),
        outside_state(before)
    );
    assert_eq!(
        std::fs::read_to_string(env.aws_config_path()).unwrap(),
        config
    );
}

// Bad input: truncated, empty, non-UTF-8 and huge config files, and damaged cache
// files. Each gives a one-line `path:line:` error or counts as a cache miss; none
// panics or hangs. Every run is bounded (a generous kill timeout, not a timing test).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use fake_aws::FakeAws;

use crate::support::{failure, stderr, stdout};

/// Far more than any of these runs needs, even a debug build reading 100 MB on a
/// loaded machine: only a hang reaches it.
const HANG_LIMIT: Duration = Duration::from_secs(300);
const HUGE: usize = 100 * 1024 * 1024;
/// Runs `command` to completion, killing it (and failing the test) if it hangs.
#[track_caller]
fn bounded(mut command: Command) -> Output {
    let what = format!("{command:?}");
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("start grant");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).map(|_| bytes)
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("grant hung and was killed after {HANG_LIMIT:?}: {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap().unwrap(),
        stderr: err.join().unwrap().unwrap(),
    }
}

fn run(env: &TestEnv, args: &[&str]) -> Output {
    let mut command = env.grant();
    command.args(args);
    bounded(command)
}

/// The three commands that read the config, for `profile`.
fn readers(profile: &str) -> [Vec<&str>; 3] {
    [
        vec!["profiles"],
        vec!["credential-process", "--profile", profile],
        vec!["assume", "--shell", "bash", profile],
    ]
}

/// `args` fails with one line that contains `needle`.
#[track_caller]
fn fails_with(env: &TestEnv, args: &[&str], needle: &str) {
    let output = run(env, args);
    let line = failure(&output);
    assert!(
        line.contains(needle),
        "grant {args:?}: {line:?} lacks {needle:?}"
    );
}

/// `args` succeeds without a panic; returns stdout.
#[track_caller]
fn succeeds(env: &TestEnv, args: &[&str]) -> String {
    let output = run(env, args);
    assert!(
        output.status.success(),
        "grant {args:?} failed ({}): {}",
        output.status,
        stderr(&output)
    );
    stdout(&output)
}

const STATIC_PROFILE: &str =
    "[profile keys]\naws_access_key_id = AKIDSTATIC\naws_secret_access_key = static-secret\n";

#[test]
fn empty_config_files_have_no_profiles() {
    let env = TestEnv::new();
    env.write_aws_config("");
    env.write_aws_credentials("");
    assert_eq!(succeeds(&env, &["profiles"]), "");
    for args in &readers("dev")[1..] {
        fails_with(&env, args, "profile 'dev' is not in the AWS config");
    }
    // A file of blank lines and comments is empty too.
    env.write_aws_config("\n\n# nothing\n\r\n   \n");
    assert_eq!(succeeds(&env, &["profiles"]), "");
}

#[test]
fn truncated_config_files_name_the_line() {
    let env = TestEnv::new();
    let path = env.aws_config_path().display().to_string();
    let seed = std::fs::read_to_string(
        crate::support::corpus_dir().join("config/seed-granted-credential-process.ini"),
    )
    .unwrap();
    let lines: Vec<&str> = seed.lines().collect();
    let header = lines
        .iter()
        .rposition(|line| line.starts_with("[profile "))
        .expect("the seed has profiles");
    let name = lines[header]
        .strip_prefix("[profile ")
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap();

    // Cut inside the last header: its ']' is lost.
    let mut text = lines[..header].join("\n");
    text.push_str(&format!("\n[profile {name}"));
    env.write_aws_config(&text);
    let line = header + 1;
    for args in readers(name) {
        fails_with(
            &env,
            &args,
            &format!("{path}:{line}: a section header must end with ']'"),
        );
    }

    // Cut inside a key of that profile: the line has no '='. Listing names reads
    // only headers, so it still works.
    let mut text = lines[..=header].join("\n");
    text.push_str("\ngranted_sso_acc");
    env.write_aws_config(&text);
    assert!(
        succeeds(&env, &["profiles"])
            .lines()
            .any(|listed| listed == name)
    );
    let line = header + 2;
    for args in &readers(name)[1..] {
        fails_with(
            &env,
            args,
            &format!("{path}:{line}: expected 'key = value' (no '=' on this line)"),
        );
    }

    // Cut inside a credentials file.
    env.write_aws_config("");
    env.write_aws_credentials("[keys]\naws_access_key_id = AKID\n[ot");
    let path = env.aws_credentials_path().display().to_string();
    fails_with(
        &env,
        &["profiles"],
        &format!("{path}:3: a section header must end with ']'"),
    );
}

#[test]
fn non_utf8_config_files_name_the_line() {
    let env = TestEnv::new();
    let config = env.aws_config_path();
    let path = config.display().to_string();
    let not_utf8 = format!("{path}:4: the file is not valid UTF-8");

    // In a value: listing names does not read it; using the profile does.
    let mut bytes = b"[profile ok]\nregion = eu-west-1\n[profile bad]\nregion = ".to_vec();
    bytes.extend_from_slice(b"eu-caf\xe9\n");
    std::fs::write(&config, &bytes).unwrap();
    assert_eq!(succeeds(&env, &["profiles"]), "bad\nok\n");
    for args in &readers("bad")[1..] {
        fails_with(&env, args, &not_utf8);
    }

    // In a header: listing names refuses it. (Reading one profile skips headers
    // that cannot name it, so the others are not asked.)
    std::fs::write(
        &config,
        b"[profile ok]\nregion = eu-west-1\n\n[profile caf\xe9]\n",
    )
    .unwrap();
    fails_with(&env, &["profiles"], &not_utf8);
    // In a Latin-1 comment before any section: every reader refuses.
    std::fs::write(&config, b"# r\xe9gion\n[profile ok]\n").unwrap();
    for args in readers("ok") {
        fails_with(
            &env,
            &args,
            &format!("{path}:1: the file is not valid UTF-8"),
        );
    }

    // UTF-16, as some editors save it.
    let utf16: Vec<u8> = "\u{feff}[profile ok]\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(&config, utf16).unwrap();
    for args in readers("ok") {
        fails_with(
            &env,
            &args,
            &format!("{path}:1: the file is not valid UTF-8"),
        );
    }

    // In the credentials file.
    std::fs::write(&config, "").unwrap();
    let credentials = env.aws_credentials_path();
    std::fs::write(
        &credentials,
        b"[keys]\naws_access_key_id = AKID\xff\naws_secret_access_key = s\n",
    )
    .unwrap();
    let needle = format!("{}:2: the file is not valid UTF-8", credentials.display());
    for args in &readers("keys")[1..] {
        fails_with(&env, args, &needle);
    }
}

/// 100 MB of config, built in the test's temp dir: `profiles` of each section
/// followed by a long comment block, then a profile with static keys.
fn huge_config(sections: usize) -> String {
    let comment = format!("# {}\n", "x".repeat(97));
    let block = comment.repeat(HUGE / sections / comment.len());
    let mut text = String::with_capacity(HUGE + 4096);
    for index in 0..sections {
        text.push_str(&format!("[profile p{index:05}]\nregion = eu-west-1\n"));
        text.push_str(&block);
    }
    text.push_str(STATIC_PROFILE);
    assert!(text.len() >= HUGE, "{}", text.len());
    text
}

#[test]
fn huge_config_files_are_read_to_the_end() {
    let env = TestEnv::new();
    env.write_aws_config(&huge_config(2000));
    let names = succeeds(&env, &["profiles"]);
    assert_eq!(names.lines().count(), 2001);
    assert_eq!(names.lines().last(), Some("p01999"));
    assert!(names.lines().any(|name| name == "keys"));
    let json: serde_json::Value = serde_json::from_str(&succeeds(
        &env,
        &["credential-process", "--profile", "keys"],
    ))
    .unwrap();
    assert_eq!(json["AccessKeyId"], "AKIDSTATIC");
    let code = succeeds(&env, &["assume", "--shell", "bash", "keys"]);
    assert!(code.contains("GRANT_PROFILE='keys'"), "{code}");
    fails_with(
        &env,
        &["credential-process", "--profile", "missing"],
        "profile 'missing' is not in the AWS config",
    );
}

#[test]
fn huge_lines_are_read_or_refused_with_the_line() {
    let env = TestEnv::new();
    let path = env.aws_config_path().display().to_string();
    // One 100 MB value without a line break.
    let mut text = String::with_capacity(HUGE + 64);
    text.push_str("[profile long]\nregion = ");
    text.extend(std::iter::repeat_n('x', HUGE));
    env.write_aws_config(&text);
    assert_eq!(succeeds(&env, &["profiles"]), "long\n");
    for args in &readers("long")[1..] {
        fails_with(&env, args, "no credentials");
    }
    // 100 MB of one line that is no section header.
    let text = "x".repeat(HUGE);
    env.write_aws_config(&text);
    for args in readers("long") {
        fails_with(&env, &args, &format!("{path}:1: expected "));
    }
    // 100 MB of one header that never ends.
    let text = format!("[profile {}", "y".repeat(HUGE));
    env.write_aws_config(&text);
    fails_with(
        &env,
        &["profiles"],
        &format!("{path}:1: a section header must end with ']'"),
    );
}

/// An empty profile name once made the one-profile reader index past its buffer.
#[test]
fn an_empty_profile_name_is_a_clear_error() {
    let env = TestEnv::new();
    env.write_aws_config(&format!(
        "[profile a]\nsource_profile =\nrole_arn = arn:aws:iam::123456789012:role/R\n[profile b]\nk = v\n{STATIC_PROFILE}"
    ));
    fails_with(&env, &["credential-process", "--profile", ""], "");
    fails_with(
        &env,
        &["credential-process", "--profile", "a"],
        "profile 'a'",
    );
    fails_with(&env, &["assume", "--shell", "bash", "a"], "profile 'a'");
}

// Cache files.

/// A profile with granted_sso_* keys, signed in against `fake`.
fn signed_in(fake: &FakeAws) -> TestEnv {
    let env = TestEnv::with_fake(fake);
    env.write_aws_config(&format!(
        "[profile dev]\ngranted_sso_start_url = {START_URL}\ngranted_sso_region = eu-west-1\ngranted_sso_account_id = 111111111111\ngranted_sso_role_name = AdministratorAccess\nregion = eu-west-1\n"
    ));
    let output = run(&env, &["sso", "login", "--profile", "dev"]);
    assert!(output.status.success(), "sign-in: {}", stderr(&output));
    fake.reset_counts();
    env
}

/// The encrypted entry files of the secret store.
fn secret_files(env: &TestEnv) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![env.state_dir.join("secrets")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.map(|entry| entry.unwrap().path()) {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "secret") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Ways a file gets damaged: cut short, overwritten, emptied, or grown huge.
#[derive(Debug, Clone, Copy)]
enum Damage {
    Truncated,
    RandomBytes,
    Empty,
    Huge,
}

const DAMAGES: [Damage; 4] = [
    Damage::Truncated,
    Damage::RandomBytes,
    Damage::Empty,
    Damage::Huge,
];

fn random_bytes(count: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; count];
    getrandom::fill(&mut bytes).unwrap();
    bytes
}

/// Writes a file as the AWS CLI does, readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .unwrap();
}

fn damage(path: &Path, how: Damage) {
    let bytes = std::fs::read(path).unwrap();
    let damaged = match how {
        Damage::Truncated => bytes[..bytes.len() / 2].to_vec(),
        Damage::RandomBytes => random_bytes(bytes.len().max(64)),
        Damage::Empty => Vec::new(),
        Damage::Huge => {
            let mut huge = bytes.clone();
            huge.extend(std::iter::repeat_n(0xA5, HUGE));
            huge
        }
    };
    std::fs::write(path, damaged).unwrap();
}

fn credential_json(env: &TestEnv, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["credential-process", "--profile", "dev"];
    args.extend_from_slice(extra);
    serde_json::from_str(&succeeds(env, &args)).expect("credential JSON")
}

#[test]
fn damaged_cached_credentials_are_a_cache_miss() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let before = secret_files(&env);
    let first = credential_json(&env, &[]);
    let cached: Vec<PathBuf> = secret_files(&env)
        .into_iter()
        .filter(|path| !before.contains(path))
        .collect();
    assert!(
        !cached.is_empty(),
        "the credentials were cached in a new entry"
    );
    let mut previous = first["AccessKeyId"].clone();
    for how in DAMAGES {
        for path in &cached {
            damage(path, how);
        }
        fake.reset_counts();
        let renewed = credential_json(&env, &[]);
        assert_eq!(fake.count("GetRoleCredentials"), 1, "{how:?}: a miss");
        assert_ne!(renewed["AccessKeyId"], previous, "{how:?}");
        previous = renewed["AccessKeyId"].clone();
        // The entry written after the miss serves the next call.
        fake.reset_counts();
        assert_eq!(
            credential_json(&env, &[])["AccessKeyId"],
            previous,
            "{how:?}"
        );
        assert_eq!(fake.count("GetRoleCredentials"), 0, "{how:?}: a hit");
    }
    // assume -x reads the same cache.
    for path in &cached {
        damage(path, Damage::RandomBytes);
    }
    let code = succeeds(&env, &["assume", "--shell", "bash", "-x", "dev"]);
    assert!(code.contains("AWS_ACCESS_KEY_ID="), "{code}");
}

#[test]
fn a_damaged_token_asks_for_a_sign_in_again() {
    let fake = FakeAws::start();
    for how in DAMAGES {
        let env = signed_in(&fake);
        let token_files = secret_files(&env);
        assert!(!token_files.is_empty(), "the sign-in stored a token");
        for path in &token_files {
            damage(path, how);
        }
        for args in [
            vec!["credential-process", "--profile", "dev"],
            vec!["assume", "--shell", "bash", "-x", "dev"],
        ] {
            fails_with(&env, &args, "grant sso login");
        }
        let output = run(&env, &["sso", "login", "--profile", "dev"]);
        assert!(output.status.success(), "{how:?}: {}", stderr(&output));
        assert!(credential_json(&env, &[])["AccessKeyId"].is_string());
    }
}

#[test]
fn damaged_caches_of_profile_names_and_aws_cli_tokens_are_misses() {
    let fake = FakeAws::start();
    let env = signed_in(&fake);
    let names = succeeds(&env, &["profiles"]);
    assert_eq!(names, "dev\n");
    let saved = env.state_dir.join("profile-names");
    assert!(saved.is_file(), "profiles keeps the names");
    for how in DAMAGES {
        damage(&saved, how);
        assert_eq!(succeeds(&env, &["profiles"]), names, "{how:?}");
    }
    std::fs::write(&saved, b"\xff\xfe\n\x00garbage\n").unwrap();
    assert_eq!(succeeds(&env, &["profiles"]), names);

    // The AWS CLI's token cache, under both names it may use for this start URL.
    let cli_cache = env.home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cli_cache).unwrap();
    let cli_files: Vec<PathBuf> = [START_URL.to_owned(), format!("{START_URL}/")]
        .iter()
        .map(|key| {
            use sha1::Digest;
            cli_cache.join(format!("{}.json", hex::encode(sha1::Sha1::digest(key))))
        })
        .collect();
    let contents: [&[u8]; 4] = [
        b"",
        b"{\"accessToken\": \"tru",
        b"\xff\xfe{}",
        b"{\"accessToken\": 5, \"expiresAt\": []}",
    ];
    for content in contents {
        for file in &cli_files {
            write_private(file, content);
        }
        assert!(credential_json(&env, &["--no-cache"])["AccessKeyId"].is_string());
    }
    for file in &cli_files {
        write_private(file, &random_bytes(HUGE));
    }
    assert!(credential_json(&env, &["--no-cache"])["AccessKeyId"].is_string());
}
