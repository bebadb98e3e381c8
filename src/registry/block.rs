//! The managed blocks of `~/.aws/config`: the profiles a registry brings sit between
//! a begin and an end comment line that name the registry, so that a sync replaces
//! exactly its own lines and `remove` deletes exactly them. The SDKs read comments as
//! nothing; every byte outside the blocks is the user's and is never touched.

use std::ops::Range;

const BEGIN: &str = "# grant registry begin: ";
const END: &str = "# grant registry end: ";

/// One registry's block, as found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub registry: String,
    /// The commit the block was written from, as its begin line says.
    pub commit: String,
    /// The bytes of the block, its begin and end lines included.
    pub bytes: Range<usize>,
    /// The 1-based lines of its begin and end comments.
    pub lines: Range<usize>,
}

/// A block without its end line, or a registry with two blocks: grant will not
/// guess which lines are its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error(
        "line {line} begins the block of registry {registry} but no line `{END}{registry}` ends it; restore that line or delete the block by hand"
    )]
    Unterminated { registry: String, line: usize },
    #[error("registry {registry} has two blocks (lines {first} and {second}); delete one by hand")]
    Twice {
        registry: String,
        first: usize,
        second: usize,
    },
}

/// Every registry block of `text`, in file order.
pub fn find_blocks(text: &str) -> Result<Vec<Block>, BlockError> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Option<(String, String, usize, usize)> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(rest) = content.strip_prefix(BEGIN) {
            if let Some((registry, _, begun, _)) = open {
                return Err(BlockError::Unterminated {
                    registry,
                    line: begun,
                });
            }
            let mut words = rest.split_whitespace();
            let registry = words.next().unwrap_or_default().to_owned();
            let commit = words
                .find_map(|word| word.strip_prefix("commit="))
                .unwrap_or_default()
                .to_owned();
            if let Some(earlier) = blocks.iter().find(|block| block.registry == registry) {
                return Err(BlockError::Twice {
                    registry,
                    first: earlier.lines.start,
                    second: number,
                });
            }
            open = Some((registry, commit, number, offset));
        } else if let Some(rest) = content.strip_prefix(END)
            && let Some((registry, commit, begun, start)) = open.take()
        {
            if rest.trim() != registry {
                return Err(BlockError::Unterminated {
                    registry,
                    line: begun,
                });
            }
            blocks.push(Block {
                registry,
                commit,
                bytes: start..offset + line.len(),
                lines: begun..number,
            });
        }
        offset += line.len();
    }
    match open {
        Some((registry, _, line, _)) => Err(BlockError::Unterminated { registry, line }),
        None => Ok(blocks),
    }
}

/// The text of a block holding `sections` (already rendered config text).
pub fn render_block(registry: &str, commit: &str, sections: &str, newline: &str) -> String {
    let mut block = format!("{BEGIN}{registry} commit={commit}{newline}");
    block.push_str(&format!(
        "# Written by grant from a shared registry: `grant registry sync {registry}` rewrites these lines, `grant registry remove {registry}` deletes them.{newline}"
    ));
    for line in sections.lines() {
        block.push_str(line);
        block.push_str(newline);
    }
    block.push_str(&format!("{END}{registry}{newline}"));
    block
}

/// `text` with the block of `registry` replaced by `block` (appended at the end when
/// it had none), or removed when `block` is `None`.
pub fn with_block(text: &str, registry: &str, block: Option<&str>) -> Result<String, BlockError> {
    let blocks = find_blocks(text)?;
    let existing = blocks.iter().find(|found| found.registry == registry);
    Ok(match (existing, block) {
        (Some(found), Some(block)) => {
            format!(
                "{}{block}{}",
                &text[..found.bytes.start],
                &text[found.bytes.end..]
            )
        }
        (Some(found), None) => {
            format!("{}{}", &text[..found.bytes.start], &text[found.bytes.end..])
        }
        (None, Some(block)) => {
            let mut out = text.to_owned();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(newline_of(text));
            }
            out.push_str(block);
            out
        }
        (None, None) => text.to_owned(),
    })
}

/// The line ending the file uses (a block written into it uses the same).
pub fn newline_of(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// `text` without the block Granted's registry of the same name wrote
/// (`[granted_registry_start NAME]` to `[granted_registry_end NAME]`), which grant's
/// block replaces when a member moves from Granted.
pub fn without_granted_block(text: &str, registry: &str) -> String {
    let start_header = format!("[granted_registry_start {registry}]");
    let end_header = format!("[granted_registry_end {registry}]");
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim();
        if content == start_header && start.is_none() {
            start = Some(offset);
        } else if content == end_header
            && let Some(begun) = start
        {
            let end = offset + line.len();
            return format!("{}{}", &text[..begun], &text[end..]);
        }
        offset += line.len();
    }
    text.to_owned()
}

/// The registry whose block holds 1-based `line`, if any.
pub fn registry_at(blocks: &[Block], line: usize) -> Option<&str> {
    blocks
        .iter()
        .find(|block| block.lines.start < line && line < block.lines.end)
        .map(|block| block.registry.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_replaced_in_place_and_every_other_byte_stays() {
        let user = "# mine\n[profile a]\nregion = x\n\n";
        let tail = "\n[profile z] # after\nregion = y";
        let first = render_block("team", "abc", "[profile t]\nregion = 1\n", "\n");
        let text = format!("{user}{first}{tail}");
        let second = render_block("team", "def", "[profile u]\nregion = 2\n", "\n");
        let edited = with_block(&text, "team", Some(&second)).unwrap();
        assert_eq!(edited, format!("{user}{second}{tail}"));
        let removed = with_block(&edited, "team", None).unwrap();
        assert_eq!(removed, format!("{user}{tail}"));
    }

    #[test]
    fn a_new_block_goes_at_the_end_after_a_newline() {
        let block = render_block("team", "abc", "[profile t]\r\nregion = 1\r\n", "\r\n");
        let edited = with_block("[profile a]\r\nregion = x", "team", Some(&block)).unwrap();
        assert!(edited.starts_with("[profile a]\r\nregion = x\r\n# grant registry begin: team"));
        let blocks = find_blocks(&edited).unwrap();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].commit, "abc");
        assert_eq!(registry_at(&blocks, 5), Some("team"));
        assert_eq!(registry_at(&blocks, 1), None);
    }

    #[test]
    fn grants_block_takes_the_place_of_granteds_of_the_same_name() {
        let text = "[profile mine]\n[granted_registry_start team]\n[profile t]\n[granted_registry_end team]\n[profile after]\n";
        assert_eq!(
            without_granted_block(text, "team"),
            "[profile mine]\n[profile after]\n"
        );
        assert_eq!(without_granted_block(text, "other"), text);
    }

    #[test]
    fn a_block_without_its_end_or_written_twice_is_refused() {
        let open = "# grant registry begin: team commit=a\n[profile t]\n";
        assert!(matches!(
            find_blocks(open),
            Err(BlockError::Unterminated { line: 1, .. })
        ));
        let one = render_block("team", "a", "", "\n");
        assert!(matches!(
            find_blocks(&format!("{one}{one}")),
            Err(BlockError::Twice { .. })
        ));
        let crossed = "# grant registry begin: a commit=1\n# grant registry end: b\n";
        assert!(find_blocks(crossed).is_err());
    }
}
