//! Outside text (server answers, config values, profile, account and role names) as
//! it may appear on a terminal: whatever a terminal would act on instead of show is
//! written out escaped, so a value can never move the cursor, retitle the window,
//! clear the screen or hide part of a message. And every error as one line.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character (C0 including ESC, DEL, C1 U+0080–U+009F)
/// and every bidirectional-formatting character escaped (`\x1b`, `\u{9b}`), so
/// escape sequences (CSI, OSC, ...) show as text and are never emitted. Other
/// Unicode stays as is.
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if c.is_ascii() {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(out)
}

/// Shorthand for formatting: `format!("{}", Shown(value))`.
pub struct Shown<'a>(pub &'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&shown(self.0))
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Characters that reorder the text around them (the "Trojan Source" set).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// An error and its causes on one line, as every failure of grant is reported.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_and_unicode_are_unchanged_and_not_copied() {
        for text in ["dev-admin", "Zürich 账户 ✓ é", "C:\\Users\\me", ""] {
            assert!(matches!(shown(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn c0_controls_and_del_are_escaped() {
        assert_eq!(shown("a\x07b"), "a\\x07b");
        assert_eq!(shown("a\0b\x08c"), "a\\x00b\\x08c");
        assert_eq!(shown("tab\there\nnext\r"), "tab\\x09here\\x0anext\\x0d");
        assert_eq!(shown("x\x7fy"), "x\\x7fy");
    }

    #[test]
    fn escape_csi_and_osc_sequences_show_as_text() {
        assert_eq!(shown("\x1b[2J"), "\\x1b[2J");
        assert_eq!(shown("\x1b]0;pwned\x07code"), "\\x1b]0;pwned\\x07code");
        assert_eq!(
            shown("\x1b]8;;http://x\x1b\\link"),
            "\\x1b]8;;http://x\\x1b\\link"
        );
    }

    #[test]
    fn c1_controls_are_escaped() {
        assert_eq!(shown("\u{9b}31mred"), "\\u{9b}31mred");
        assert_eq!(shown("\u{80}\u{9d}\u{9f}"), "\\u{80}\\u{9d}\\u{9f}");
        assert_eq!(shown("\u{a0}"), "\u{a0}", "U+00A0 is past the C1 range");
    }

    #[test]
    fn bidi_overrides_are_escaped() {
        assert_eq!(shown("ab\u{202e}cd"), "ab\\u{202e}cd");
        assert_eq!(shown("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn the_display_wrapper_renders_the_same() {
        assert_eq!(format!("[{}]", Shown("a\x1bb")), "[a\\x1bb]");
    }
}
