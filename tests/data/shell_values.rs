//! Hostile values for the quoting tests, shared by the unit tests in `src/shell` and the
//! real-shell tests in `tests/it` (both include this file by path).
//!
//! Code hidden in these values only ever touches `CANARY` (in the current folder) or
//! `~/KEEP`, so that a quoting bug shows up as a file appearing or vanishing.

/// The file that code escaping from a value creates in the current folder.
pub const CANARY: &str = "CANARY";

/// The file in HOME that code escaping from a value deletes.
pub const KEEP: &str = "KEEP";

/// Values that break naive quoting in at least one shell.
pub fn hostile_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        "plain",
        "'",
        "''",
        "'''",
        "\"",
        "$(touch CANARY)",
        "\"$(touch CANARY)\"",
        "'$(touch CANARY)'",
        "`touch CANARY`",
        "; touch CANARY",
        "x'; touch CANARY; '",
        "x'; rm -rf ~/KEEP; '",
        "x\\'; touch CANARY; echo \\'",
        "x\\\\'; touch CANARY; '",
        "(touch CANARY)",
        "{touch,CANARY}",
        "| touch CANARY",
        "& touch CANARY &",
        "\ntouch CANARY\n",
        "\rtouch CANARY",
        "'\ntouch CANARY\n'",
        "\\",
        "\\\\",
        "\\'",
        "\\\\'",
        "trailing backslash\\",
        "\\\n",
        "a\nb",
        "\n",
        "\n\n",
        "a\r\nb",
        "\t",
        "tab\tand space ",
        " leading and trailing spaces ",
        "!",
        "!!",
        "!$",
        "!-1",
        "^a^b",
        "%",
        "%s%n%d",
        "*",
        "?",
        "[a-z]*",
        "~",
        "~root",
        "~/x",
        "$HOME",
        "${HOME}",
        "${x}",
        "${x:-$(touch CANARY)}",
        "$((1+1))",
        "$'\\x41'",
        "$\"x\"",
        "\\$HOME",
        "#not a comment",
        "a=b",
        "-e",
        "--",
        "‘", // U+2018
        "’", // U+2019
        "‚", // U+201A
        "‛", // U+201B
        "“”„",
        "‘’‚‛''",
        "x‘; touch CANARY; ‘",
        "x’’; touch CANARY; ’",
        "🦀 émoji ünïcödé 日本語",
        "\u{200B}\u{FEFF}\u{2028}\u{2029}\u{00A0}",
        "\u{1}\u{2}\u{7}\u{8}\u{1B}[31m\u{1F}\u{7F}",
        "\u{80}\u{85}\u{9B}\u{9F}",
        "\u{FDD0}\u{FDEF}\u{F600}\u{F6FF}\u{FFFD}\u{FFFF}\u{10FFFF}",
        "\u{1B}]0;title\u{7}",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    values.push("'".repeat(20_000));
    values.push("x'; touch CANARY; '\\\n‘’".repeat(1_000));
    values.push((1..=0x7F).map(char::from).collect());
    values
}

/// `count` strings drawn from a nasty alphabet, the same ones for the same seed.
pub fn random_nasty_values(seed: u64, count: usize) -> Vec<String> {
    let mut random = XorShift::new(seed);
    (0..count)
        .map(|_| random_nasty_value(&mut random))
        .collect()
}

/// Pieces that quoting gets wrong when it overlooks them: quotes of every kind, escapes,
/// expansions, line breaks, control characters, fish's private-use and reserved
/// characters, and characters of two, three and four bytes.
const NASTY_PIECES: &[&str] = &[
    "'",
    "''",
    "'\\''",
    "\"",
    "\\",
    "\\\\",
    "\\'",
    "$",
    "$(",
    ")",
    "`",
    "${",
    "}",
    "!",
    "!!",
    ";",
    "&",
    "|",
    "<",
    ">",
    "(",
    "*",
    "?",
    "[",
    "]",
    "~",
    "#",
    "%",
    "^",
    "=",
    " ",
    "\t",
    "\n",
    "\r",
    "\u{1}",
    "\u{1B}",
    "\u{7F}",
    "\u{85}",
    "\u{A0}",
    "‘",
    "’",
    "‚",
    "‛",
    "“",
    "”",
    "a",
    "Z",
    "0",
    "_",
    "-",
    "é",
    "日",
    "🦀",
    "\u{FDD0}",
    "\u{F600}",
    "\u{FEFF}",
    "\u{2028}",
    "\u{10FFFF}",
    "touch CANARY",
];

fn random_nasty_value(random: &mut XorShift) -> String {
    let piece_count = random.below(24);
    (0..piece_count)
        .map(|_| NASTY_PIECES[random.below(NASTY_PIECES.len())])
        .collect()
}

/// xorshift64*: enough randomness for test inputs, and reproducible.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        // The state must never be zero.
        Self(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }
}
