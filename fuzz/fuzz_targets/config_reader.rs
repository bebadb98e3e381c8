//! Arbitrary bytes as an AWS config or credentials file, through every reader grant
//! has: the in-memory parser, the streamed reader (64 KiB blocks), the header-only
//! name listing, the hinted one-profile reader, and profile resolution. None may
//! panic, and the streamed readers must agree with the in-memory parser.
//!
//! Each input is read as a config file, as a credentials file, and once more after a
//! comment line that makes the streamed reader's first 64 KiB block end inside the
//! input (at a byte chosen from its contents), so block boundaries get fuzzed too.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use grant::testing::config::{AwsFiles, ConfigFile, FileKind, SectionKind};
use libfuzzer_sys::fuzz_target;

const BLOCK: usize = 64 * 1024;
/// Profiles resolved per input, so that inputs of many headers stay fast.
const MAX_PROFILES: usize = 32;

struct Paths {
    config: PathBuf,
    credentials: PathBuf,
}

/// One folder per fuzzing process, named by the environment for `AwsFiles::load`.
fn paths() -> &'static Paths {
    static PATHS: OnceLock<Paths> = OnceLock::new();
    PATHS.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("grant-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let paths = Paths {
            config: dir.join("config"),
            credentials: dir.join("credentials"),
        };
        // SAFETY: set once, before anything reads the environment in this process.
        unsafe {
            std::env::set_var("AWS_CONFIG_FILE", &paths.config);
            std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &paths.credentials);
            std::env::set_var("HOME", &dir);
        }
        paths
    })
}

/// What a reader made of a file, comparable between readers.
fn summary(file: &ConfigFile) -> Vec<(SectionKind, String, usize, Result<String, String>)> {
    file.sections()
        .map(|section| {
            let properties = section
                .properties()
                .map(|properties| format!("{properties:?}"))
                .map_err(|error| error.to_string());
            (
                section.kind(),
                section.name().to_owned(),
                section.origin().line,
                properties,
            )
        })
        .collect()
}

fn check_one_file(path: &Path, kind: FileKind, bytes: &[u8]) {
    let streamed = ConfigFile::read(path, kind);
    let text = std::str::from_utf8(bytes);
    let Ok(text) = text else {
        assert!(streamed.is_err(), "a file that is not UTF-8 was accepted");
        return;
    };
    let parsed = ConfigFile::parse(path, kind, text.to_owned());
    match (&streamed, &parsed) {
        (Ok(streamed), Ok(parsed)) => assert_eq!(summary(streamed), summary(parsed)),
        (Err(streamed), Err(parsed)) => assert_eq!(streamed.to_string(), parsed.to_string()),
        _ => panic!(
            "streamed read {:?} but parse {:?}",
            streamed.as_ref().map(drop).map_err(ToString::to_string),
            parsed.as_ref().map(drop).map_err(ToString::to_string)
        ),
    }
    // Errors are one line that starts with `path:line:` or `cannot read`.
    if let Err(error) = &streamed {
        let message = error.to_string();
        assert!(!message.contains('\n'), "{message:?}");
    }
}

/// `payload` after a comment line that fills the first read block up to its byte `cut`.
fn across_a_block_boundary(payload: &[u8]) -> Vec<u8> {
    let sum = payload.iter().map(|&byte| usize::from(byte)).sum::<usize>();
    let cut = sum % (payload.len() + 1);
    let mut bytes = Vec::with_capacity(BLOCK + payload.len());
    bytes.push(b'#');
    bytes.resize(BLOCK - cut - 1, b'x');
    bytes.push(b'\n');
    bytes.extend_from_slice(payload);
    bytes
}

fuzz_target!(|data: &[u8]| {
    let paths = paths();
    std::fs::write(&paths.credentials, data).unwrap();
    check_one_file(&paths.credentials, FileKind::Credentials, data);
    std::fs::remove_file(&paths.credentials).unwrap();
    if data.len() < BLOCK / 2 {
        let padded = across_a_block_boundary(data);
        std::fs::write(&paths.config, &padded).unwrap();
        check_one_file(&paths.config, FileKind::Config, &padded);
    }
    std::fs::write(&paths.config, data).unwrap();
    check_one_file(&paths.config, FileKind::Config, data);

    let Ok(files) = AwsFiles::load() else {
        return;
    };
    // Listing reads only headers; it must see the same names as a full read.
    let listed = AwsFiles::list_profile_names().expect("the full read succeeded");
    let names: Vec<&str> = files.profile_names().into_iter().collect();
    assert_eq!(listed.iter().collect::<Vec<_>>(), names);

    for name in names.iter().take(MAX_PROFILES) {
        let full = grant::testing::profile::resolve(&files, name);
        // The hinted read of one profile and its chain resolves the same way.
        // (It parses the properties of the chain's profiles, so it may fail where
        // the full read, which parses none, did not; resolving then fails too.)
        let from_hinted = AwsFiles::load_for_profile(name)
            .map_err(grant::testing::profile::ProfileError::from)
            .and_then(|hinted| grant::testing::profile::resolve(&hinted, name));
        match (&full, &from_hinted) {
            (Ok(full), Ok(hinted)) => assert_eq!(full, hinted),
            (Err(_), Err(_)) => {}
            _ => panic!(
                "profile {name:?}: full read {:?}, hinted read {:?}",
                full.as_ref().map_err(ToString::to_string),
                from_hinted.as_ref().map_err(ToString::to_string)
            ),
        }
    }
    for section in files.config.sections() {
        if section.kind() == SectionKind::SsoSession {
            let _ = grant::testing::profile::sso_session_section(&files, section.name());
        }
    }
});
