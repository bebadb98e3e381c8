//! Random identifiers and secrets. Secrets carry a recognisable prefix and 40+ random
//! characters, so tests can grep files for them without false hits.

use sha2::{Digest, Sha256};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// User codes avoid letters people confuse (I/O) like the real service does.
const USER_CODE: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut buf = vec![0u8; len];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    buf.iter()
        .map(|b| alphabet[*b as usize % alphabet.len()] as char)
        .collect()
}

pub(crate) fn access_token() -> String {
    format!("aoa{}", random_from(ALNUM, 100))
}

pub(crate) fn refresh_token() -> String {
    format!("aor{}", random_from(ALNUM, 100))
}

pub(crate) fn client_id() -> String {
    random_from(ALNUM, 22)
}

pub(crate) fn client_secret() -> String {
    format!("eyJraWQiOiJmYWtl{}", random_from(ALNUM, 120))
}

pub(crate) fn device_code() -> String {
    random_from(ALNUM, 64)
}

pub(crate) fn user_code() -> String {
    format!(
        "{}-{}",
        random_from(USER_CODE, 4),
        random_from(USER_CODE, 4)
    )
}

pub(crate) fn auth_code() -> String {
    random_from(ALNUM, 48)
}

pub(crate) fn temporary_access_key_id() -> String {
    format!("ASIA{}", random_from(UPPER_DIGITS, 16))
}

pub(crate) fn long_term_access_key_id() -> String {
    format!("AKIA{}", random_from(UPPER_DIGITS, 16))
}

pub(crate) fn secret_access_key() -> String {
    random_from(ALNUM, 40)
}

pub(crate) fn session_token() -> String {
    format!("IQoJb3JpZ2luX2Vj{}", random_from(ALNUM, 240))
}

pub(crate) fn request_id() -> String {
    let hex = random_from(b"0123456789abcdef", 32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A stable IAM-style unique id (`AROA...`, `AIDA...`) derived from a name, so the same
/// role or user always gets the same id.
pub(crate) fn stable_unique_id(prefix: &str, name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let tail: String = digest
        .iter()
        .take(17)
        .map(|b| UPPER_DIGITS[*b as usize % UPPER_DIGITS.len()] as char)
        .collect();
    format!("{prefix}{tail}")
}

pub(crate) fn signin_token() -> String {
    format!("fst{}", random_from(ALNUM, 120))
}
