//! The entry file format and the data key.
//!
//! A file is `MAGIC || VERSION || nonce (24 bytes) || XChaCha20-Poly1305 ciphertext`.
//! The plaintext is `entry key length (u16, big endian) || entry key || value`, so the
//! store can list its entries by decrypting them. The associated data is
//! `MAGIC || VERSION || file stem`, the stem being a hash of the entry key: a file
//! copied or renamed to another entry's name fails authentication.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 4] = b"GSEC";
const VERSION: u8 = 1;
const HEADER_LEN: usize = MAGIC.len() + 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
pub const KEY_LEN: usize = 32;
/// Longest entry key, so that its length fits the u16 prefix with room to spare.
pub const MAX_ENTRY_KEY_LEN: usize = 1024;

/// The one random key that seals every entry file of a store.
pub struct DataKey([u8; KEY_LEN]);

impl DataKey {
    pub fn generate() -> Result<DataKey, getrandom::Error> {
        let mut bytes = [0u8; KEY_LEN];
        getrandom::fill(&mut bytes)?;
        Ok(DataKey(bytes))
    }

    /// `None` when `bytes` has the wrong length (a damaged key holder entry).
    pub fn from_slice(bytes: &[u8]) -> Option<DataKey> {
        bytes.try_into().ok().map(DataKey)
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// Why sealing failed; never carries secret bytes.
#[derive(Debug)]
pub enum SealError {
    Random(getrandom::Error),
    Cipher,
}

/// Why a file did not open; shown in the debug log only.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenError {
    TooShort,
    UnknownFormat,
    /// Wrong data key, damaged bytes, or a file that belongs to another entry.
    Undecryptable,
    WrongEntry,
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            OpenError::TooShort => "file is too short",
            OpenError::UnknownFormat => "unknown file format",
            OpenError::Undecryptable => "does not decrypt with the current data key",
            OpenError::WrongEntry => "holds another entry",
        })
    }
}

/// The file name of an entry: it must not reveal the entry key.
pub fn file_stem(entry_key: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"grant secret entry\0")
        .chain_update(entry_key.as_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

fn header() -> [u8; HEADER_LEN] {
    let mut header = [0u8; HEADER_LEN];
    header[..MAGIC.len()].copy_from_slice(MAGIC);
    header[MAGIC.len()] = VERSION;
    header
}

fn associated_data(stem: &str) -> Vec<u8> {
    [&header()[..], stem.as_bytes()].concat()
}

/// Encrypts `value` for `entry_key`. The caller checked the entry key's length.
pub fn seal(key: &DataKey, entry_key: &str, value: &[u8]) -> Result<Vec<u8>, SealError> {
    let key_len = u16::try_from(entry_key.len()).map_err(|_| SealError::Cipher)?;
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(SealError::Random)?;
    let plaintext = [&key_len.to_be_bytes()[..], entry_key.as_bytes(), value].concat();
    let aad = associated_data(&file_stem(entry_key));
    let ciphertext = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Cipher)?;
    Ok([&header()[..], &nonce, &ciphertext].concat())
}

/// Decrypts the value of `entry_key` from a file written by [`seal`].
pub fn open(key: &DataKey, entry_key: &str, file: &[u8]) -> Result<Vec<u8>, OpenError> {
    let (inner_key, value) = open_stem(key, &file_stem(entry_key), file)?;
    if inner_key != entry_key {
        return Err(OpenError::WrongEntry);
    }
    Ok(value)
}

/// Decrypts the file named `stem`: the entry key it holds and its value.
pub fn open_stem(key: &DataKey, stem: &str, file: &[u8]) -> Result<(String, Vec<u8>), OpenError> {
    let (head, ciphertext) = split(file)?;
    let nonce = XNonce::from_slice(&head[HEADER_LEN..]);
    let aad = associated_data(stem);
    let plaintext = key
        .cipher()
        .decrypt(
            nonce,
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| OpenError::Undecryptable)?;
    let (entry_key, value) = parse_plaintext(plaintext)?;
    if file_stem(&entry_key) != stem {
        return Err(OpenError::WrongEntry);
    }
    Ok((entry_key, value))
}

fn split(file: &[u8]) -> Result<(&[u8], &[u8]), OpenError> {
    if file.len() < HEADER_LEN + NONCE_LEN + TAG_LEN {
        return Err(OpenError::TooShort);
    }
    if file[..HEADER_LEN] != header() {
        return Err(OpenError::UnknownFormat);
    }
    Ok(file.split_at(HEADER_LEN + NONCE_LEN))
}

fn parse_plaintext(mut plaintext: Vec<u8>) -> Result<(String, Vec<u8>), OpenError> {
    let key_len = match plaintext.get(..2) {
        Some(&[high, low]) => usize::from(u16::from_be_bytes([high, low])),
        _ => return Err(OpenError::WrongEntry),
    };
    let entry_key = plaintext
        .get(2..2 + key_len)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .ok_or(OpenError::WrongEntry)?
        .to_owned();
    plaintext.drain(..2 + key_len);
    Ok((entry_key, plaintext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::generate().unwrap()
    }

    #[test]
    fn sealed_values_open_with_the_same_key_and_entry_only() {
        let (one, two) = (key(), key());
        let sealed = seal(&one, "entry", b"value").unwrap();
        assert_eq!(open(&one, "entry", &sealed).unwrap(), b"value");
        assert_eq!(open(&two, "entry", &sealed), Err(OpenError::Undecryptable));
        assert_eq!(open(&one, "other", &sealed), Err(OpenError::Undecryptable));
        let stem = file_stem("entry");
        assert_eq!(open_stem(&one, &stem, &sealed).unwrap().0, "entry");
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let key = key();
        assert_ne!(
            seal(&key, "e", b"v").unwrap(),
            seal(&key, "e", b"v").unwrap()
        );
    }

    #[test]
    fn headers_are_checked() {
        let key = key();
        let mut sealed = seal(&key, "e", b"v").unwrap();
        assert_eq!(open(&key, "e", &sealed[..20]), Err(OpenError::TooShort));
        sealed[0] = b'X';
        assert_eq!(open(&key, "e", &sealed), Err(OpenError::UnknownFormat));
    }

    #[test]
    fn file_stems_are_fixed_length_hex_and_hide_the_name() {
        let stem = file_stem("sso/https://example.com");
        assert_eq!(stem.len(), 32);
        assert!(stem.bytes().all(|byte| byte.is_ascii_hexdigit()));
        assert_ne!(stem, file_stem("sso/https://example.co"));
    }

    #[test]
    fn data_keys_need_exactly_32_bytes() {
        assert!(DataKey::from_slice(&[0; 31]).is_none());
        assert!(DataKey::from_slice(&[0; 32]).is_some());
    }
}
