//! Line-level tokenizer for the AWS config and credentials files, following the AWS
//! SDKs' shared profile-file rules: indentation continues the previous property, inline
//! comments need whitespace before `#`/`;` in property lines but not in section headers.
//!
//! Every line keeps its byte range, terminator included, so the editor in
//! `super::document` can write back untouched lines byte for byte.

use std::ops::Range;

/// Whitespace as the SDKs define it: only space and tab.
const WHITESPACE: &[char] = &[' ', '\t'];

/// Trims space and tab, byte-wise (both are ASCII, so any cut is a char boundary).
pub fn trim_whitespace(text: &str) -> &str {
    let bytes = text.as_bytes();
    let is_space = |byte: &u8| *byte == b' ' || *byte == b'\t';
    let start = bytes
        .iter()
        .position(|byte| !is_space(byte))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|byte| !is_space(byte))
        .map_or(start, |at| at + 1);
    &text[start..end]
}
const COMMENT: &[char] = &['#', ';'];

/// One physical line of a file.
#[derive(Debug, Clone, Copy)]
pub struct RawLine<'a> {
    /// 1-based line number.
    pub number: usize,
    /// Byte range in the file, terminator included.
    pub start: usize,
    pub end: usize,
    /// The line without its `\n` or `\r\n`.
    pub text: &'a str,
}

/// Splits `text` into lines, keeping byte offsets.
pub fn raw_lines(text: &str) -> impl Iterator<Item = RawLine<'_>> {
    let mut start = 0;
    let mut number = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let (line, consumed) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(newline) => (&rest[..newline], newline + 1),
            None => (rest, rest.len()),
        };
        number += 1;
        let raw = RawLine {
            number,
            start,
            end: start + consumed,
            text: line.strip_suffix('\r').unwrap_or(line),
        };
        start += consumed;
        Some(raw)
    })
}

/// The line's text without the byte order mark a file may start with; a mark
/// anywhere else is an ordinary character, as in the SDKs.
pub fn without_byte_order_mark<'a>(line: RawLine<'a>) -> &'a str {
    if line.start == 0 {
        line.text.strip_prefix('\u{feff}').unwrap_or(line.text)
    } else {
        line.text
    }
}

/// What a line means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line<'a> {
    Blank,
    Comment,
    /// `[...]`: the text between the brackets, trimmed.
    Header(&'a str),
    /// `key = value`: key as written (not lowercased), value trimmed, inline comment removed.
    Property {
        key: &'a str,
        value: &'a str,
    },
    /// An indented line continuing the previous property, trimmed.
    Continuation(&'a str),
}

/// Classifies one line (without its terminator). The error is a message for `path:line:`.
pub fn classify(line: &str) -> Result<Line<'_>, &'static str> {
    let trimmed = trim_whitespace(line);
    if trimmed.is_empty() {
        return Ok(Line::Blank);
    }
    if trimmed.starts_with(COMMENT) {
        // Indented comments are comments for botocore; the Rust SDK would reject them.
        return Ok(Line::Comment);
    }
    if line.starts_with(WHITESPACE) {
        return Ok(Line::Continuation(trimmed));
    }
    if line.starts_with('[') {
        return header(line).map(Line::Header);
    }
    let (key, value) = property(line)?;
    Ok(Line::Property { key, value })
}

fn header(line: &str) -> Result<&str, &'static str> {
    let line = strip_comment(line, false);
    line.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .map(trim_whitespace)
        .ok_or("a section header must end with ']'")
}

/// Parses `key = value` (also used for the `k = v` lines of a sub-property block).
pub fn property(line: &str) -> Result<(&str, &str), &'static str> {
    let line = strip_comment(line, true);
    let (key, value) = line
        .split_once('=')
        .ok_or("expected 'key = value' (no '=' on this line)")?;
    let key = trim_whitespace(key);
    if key.is_empty() {
        return Err("a property has no name before '='");
    }
    Ok((key, trim_whitespace(value)))
}

/// Removes a trailing comment. In property lines the `#`/`;` must follow whitespace,
/// so `url = https://x/#/y` keeps its value.
fn strip_comment(line: &str, needs_whitespace: bool) -> &str {
    let line = trim_whitespace(line);
    let comment_start = memchr::memchr2_iter(b'#', b';', line.as_bytes()).find(|&at| {
        !needs_whitespace
            || line[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_whitespace)
    });
    match comment_start {
        Some(at) => trim_whitespace(&line[..at]),
        None => line,
    }
}

/// The inside of a plain `[name]` header line (no comment, nothing around the
/// brackets): the common case, recognised without the general classification.
pub fn plain_header(line: &[u8]) -> Option<&[u8]> {
    let inner = line.strip_prefix(b"[")?.strip_suffix(b"]")?;
    memchr::memchr2(b'#', b';', inner)
        .is_none()
        .then_some(inner)
}

/// Byte range of `inner` inside `outer`; `inner` must be a sub-slice of `outer`.
pub fn span_of_bytes(outer: &[u8], inner: &[u8]) -> Range<usize> {
    let start = inner.as_ptr() as usize - outer.as_ptr() as usize;
    start..start + inner.len()
}

/// Byte range of `inner` inside `outer`; `inner` must be a sub-slice of `outer`.
pub fn span_of(outer: &str, inner: &str) -> Range<usize> {
    let start = inner.as_ptr() as usize - outer.as_ptr() as usize;
    start..start + inner.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_offsets_and_terminators() {
        let text = "a\r\nbb\n\nc";
        let lines: Vec<_> = raw_lines(text).collect();
        assert_eq!(lines.len(), 4);
        assert_eq!((lines[0].text, lines[0].start, lines[0].end), ("a", 0, 3));
        assert_eq!((lines[1].text, lines[1].number), ("bb", 2));
        assert_eq!((lines[2].text, lines[2].start, lines[2].end), ("", 6, 7));
        assert_eq!((lines[3].text, lines[3].end), ("c", 8));
        assert_eq!(raw_lines("").count(), 0);
    }

    #[test]
    fn classifies_like_the_sdks() {
        assert_eq!(classify("   "), Ok(Line::Blank));
        assert_eq!(classify("# x"), Ok(Line::Comment));
        assert_eq!(classify("; x"), Ok(Line::Comment));
        assert_eq!(classify("  # indented"), Ok(Line::Comment));
        assert_eq!(classify("[profile a] # c"), Ok(Line::Header("profile a")));
        assert_eq!(classify("[ default ]#c"), Ok(Line::Header("default")));
        assert_eq!(classify("[default]   "), Ok(Line::Header("default")));
        assert!(classify("[default").is_err());
        assert_eq!(
            classify("Region = us-east-1 # comment"),
            Ok(Line::Property {
                key: "Region",
                value: "us-east-1"
            })
        );
        assert_eq!(
            classify("url=https://x/#/start;y"),
            Ok(Line::Property {
                key: "url",
                value: "https://x/#/start;y"
            })
        );
        assert_eq!(
            classify("s3 ="),
            Ok(Line::Property {
                key: "s3",
                value: ""
            })
        );
        assert_eq!(
            classify("k = a = b"),
            Ok(Line::Property {
                key: "k",
                value: "a = b"
            })
        );
        assert_eq!(classify("\tmax = 20"), Ok(Line::Continuation("max = 20")));
        assert!(classify("novalue").is_err());
        assert!(classify("= v").is_err());
    }

    #[test]
    fn span_of_finds_sub_slices() {
        let outer = "hello world";
        assert_eq!(span_of(outer, &outer[6..]), 6..11);
    }
}
