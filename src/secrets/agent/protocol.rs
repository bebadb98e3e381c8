//! The agent's wire format: one request and one answer per connection, each a frame
//! `length (u32, big endian) || body`.
//!
//! Requests: `G id` (the key of store `id`), `P key id` (store `key` for `id` unless
//! it has one), `R id` (forget it). Answers: `K key` (the key the agent now holds for
//! `id`), `N` (none), `D` (done). Ids are store ids (hex); keys are 32 bytes.

use std::io::{self, Read, Write};

use crate::secrets::crypto::{DataKey, KEY_LEN};

/// Longest id the agent accepts; store ids are 16 hex digits.
pub const MAX_ID_LEN: usize = 64;
/// No valid frame is longer: an op, a key and an id.
const MAX_FRAME_LEN: usize = 1 + KEY_LEN + MAX_ID_LEN;

#[derive(Debug)]
pub enum Request {
    Get(String),
    PutIfAbsent(String, DataKey),
    Remove(String),
}

#[derive(Debug)]
pub enum Answer {
    Key(DataKey),
    NoKey,
    Done,
}

pub fn write_request(stream: &mut impl Write, request: &Request) -> io::Result<()> {
    let body = match request {
        Request::Get(id) => [b"G".as_slice(), id.as_bytes()].concat(),
        Request::PutIfAbsent(id, key) => [b"P".as_slice(), key.as_bytes(), id.as_bytes()].concat(),
        Request::Remove(id) => [b"R".as_slice(), id.as_bytes()].concat(),
    };
    write_frame(stream, &body)
}

pub fn read_request(stream: &mut impl Read) -> io::Result<Request> {
    let body = read_frame(stream)?;
    let (op, rest) = body
        .split_first()
        .ok_or_else(|| invalid("an empty request"))?;
    match op {
        b'G' => Ok(Request::Get(parse_id(rest)?)),
        b'R' => Ok(Request::Remove(parse_id(rest)?)),
        b'P' if rest.len() > KEY_LEN => {
            let (key, id) = rest.split_at(KEY_LEN);
            let key = DataKey::from_slice(key).ok_or_else(|| invalid("a malformed key"))?;
            Ok(Request::PutIfAbsent(parse_id(id)?, key))
        }
        _ => Err(invalid("an unknown request")),
    }
}

pub fn write_answer(stream: &mut impl Write, answer: &Answer) -> io::Result<()> {
    match answer {
        Answer::Key(key) => write_frame(stream, &[b"K".as_slice(), key.as_bytes()].concat()),
        Answer::NoKey => write_frame(stream, b"N"),
        Answer::Done => write_frame(stream, b"D"),
    }
}

pub fn read_answer(stream: &mut impl Read) -> io::Result<Answer> {
    let body = read_frame(stream)?;
    match body.split_first() {
        Some((b'K', key)) => DataKey::from_slice(key)
            .map(Answer::Key)
            .ok_or_else(|| invalid("a malformed key")),
        Some((b'N', [])) => Ok(Answer::NoKey),
        Some((b'D', [])) => Ok(Answer::Done),
        _ => Err(invalid("an unknown answer")),
    }
}

/// Whether `id` is one the agent keeps: 1 to `MAX_ID_LEN` letters, digits, `-` or `_`.
pub fn is_valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

fn parse_id(bytes: &[u8]) -> io::Result<String> {
    std::str::from_utf8(bytes)
        .ok()
        .filter(|id| is_valid_id(id))
        .map(str::to_owned)
        .ok_or_else(|| invalid("a malformed store id"))
}

fn write_frame(stream: &mut impl Write, body: &[u8]) -> io::Result<()> {
    let length = u32::try_from(body.len()).map_err(|_| invalid("an oversized frame"))?;
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(body);
    stream.write_all(&frame)?;
    stream.flush()
}

fn read_frame(stream: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut length = [0u8; 4];
    stream.read_exact(&mut length)?;
    let length = usize::try_from(u32::from_be_bytes(length)).unwrap_or(usize::MAX);
    if length > MAX_FRAME_LEN {
        return Err(invalid("an oversized frame"));
    }
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok(body)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{what} from the other end"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> DataKey {
        DataKey::from_slice(&[byte; KEY_LEN]).unwrap()
    }

    fn round_trip(request: &Request) -> Request {
        let mut wire = Vec::new();
        write_request(&mut wire, request).unwrap();
        read_request(&mut wire.as_slice()).unwrap()
    }

    #[test]
    fn requests_and_answers_round_trip() {
        assert!(
            matches!(round_trip(&Request::Get("ab12".into())), Request::Get(id) if id == "ab12")
        );
        assert!(
            matches!(round_trip(&Request::Remove("x-y_z".into())), Request::Remove(id) if id == "x-y_z")
        );
        match round_trip(&Request::PutIfAbsent("ab12".into(), key(7))) {
            Request::PutIfAbsent(id, put) => {
                assert_eq!(id, "ab12");
                assert_eq!(put.as_bytes(), &[7; KEY_LEN]);
            }
            other => panic!("{other:?}"),
        }
        for answer in [Answer::Key(key(9)), Answer::NoKey, Answer::Done] {
            let mut wire = Vec::new();
            write_answer(&mut wire, &answer).unwrap();
            let read = read_answer(&mut wire.as_slice()).unwrap();
            assert_eq!(format!("{read:?}"), format!("{answer:?}"));
        }
        let mut wire = Vec::new();
        write_answer(&mut wire, &Answer::Key(key(9))).unwrap();
        match read_answer(&mut wire.as_slice()).unwrap() {
            Answer::Key(read) => assert_eq!(read.as_bytes(), &[9; KEY_LEN]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_frames_are_refused_without_reading_them_whole() {
        let refused = |wire: &[u8]| read_request(&mut &wire[..]).unwrap_err().kind();
        assert_eq!(refused(&u32::MAX.to_be_bytes()), io::ErrorKind::InvalidData);
        assert_eq!(refused(&[0, 0, 0, 0]), io::ErrorKind::InvalidData);
        assert_eq!(
            refused(&[0, 0, 0, 2, b'X', b'a']),
            io::ErrorKind::InvalidData
        );
        assert_eq!(
            refused(&[0, 0, 0, 2, b'G', b'/']),
            io::ErrorKind::InvalidData
        );
        assert_eq!(refused(&[0, 0, 0, 1, b'G']), io::ErrorKind::InvalidData);
        let short_put = [&[0, 0, 0, 3][..], b"Pab"].concat();
        assert_eq!(refused(&short_put), io::ErrorKind::InvalidData);
        assert_eq!(refused(&[0, 0, 0, 5, b'G']), io::ErrorKind::UnexpectedEof);
        let long_id = "a".repeat(MAX_ID_LEN + 1);
        let mut wire = Vec::new();
        write_request(&mut wire, &Request::Get(long_id)).unwrap();
        assert_eq!(refused(&wire), io::ErrorKind::InvalidData);
    }
}
