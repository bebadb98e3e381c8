//! One AWS config or credentials file, indexed by section.
//!
//! Loading only finds the section headers (one pass over line starts); the
//! properties of a section are parsed when asked for. Listing 10,000 profiles or
//! reading one profile therefore never parses the other 9,999.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::ConfigError;
use super::lexer::{self, Line, RawLine};

/// Which of the two shared files this is; they name sections differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `~/.aws/config`: `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`.
    Config,
    /// `~/.aws/credentials`: every section is a profile, `[NAME]`.
    Credentials,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionKind {
    Profile,
    SsoSession,
    Services,
    /// A section the SDKs ignore, e.g. `[foo]` without `profile ` in the config file.
    Ignored,
}

#[derive(Debug, Clone)]
struct SectionSpan {
    kind: SectionKind,
    /// The section's name (`prod` for `[profile prod]`), as a range of the text.
    name: Range<usize>,
    header_line: usize,
    /// `[default]` of the config file, which any `[profile default]` overrides.
    unprefixed_default: bool,
    /// The lines after the header up to the next header.
    body: Range<usize>,
}

/// Positions in `ConfigFile::sections` of the sections of each kind and name.
type SectionIndex = HashMap<(SectionKind, Box<str>), Vec<usize>>;

#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
    kind: FileKind,
    text: String,
    sections: Vec<SectionSpan>,
    /// The sections of each kind and name, built on the first look-up by name, so
    /// that resolving every profile of a 100,000-profile file stays linear.
    by_name: OnceLock<SectionIndex>,
}

/// A `key = value` of a section, with its sub-properties when the value is a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// Lowercased, as the SDKs compare keys.
    pub key: String,
    /// Continuation lines are joined with `\n`, as the SDKs do.
    pub value: String,
    pub sub_properties: Vec<(String, String)>,
    pub line: usize,
}

/// A place in a file, shown as `path:line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    pub path: &'a Path,
    pub line: usize,
}

impl fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

impl ConfigFile {
    /// Reads and indexes `path`; a missing file is an empty one.
    pub fn read(path: &Path, kind: FileKind) -> Result<Self, ConfigError> {
        Self::read_sections(path, kind, |_, _| true)
    }

    /// Reads only the sections `wanted` accepts (it sees every header, so it can also
    /// just collect names). The file is streamed in 64 KiB blocks: a config of 10,000
    /// profiles costs one pass and no large buffer, which matters on the paths that
    /// run on every Tab and every AWS call.
    pub fn read_sections(
        path: &Path,
        kind: FileKind,
        wanted: impl FnMut(SectionKind, &str) -> bool,
    ) -> Result<Self, ConfigError> {
        Self::read_hinted(path, kind, &[], wanted)
    }

    /// Like `read_sections`, but a header line containing none of `hints` (when
    /// given) is skipped without being parsed: finding one profile among 10,000
    /// then costs a substring search per header. Malformed headers of skipped
    /// sections go unnoticed, as they do not matter to the caller.
    pub fn read_hinted(
        path: &Path,
        kind: FileKind,
        hints: &[&str],
        mut wanted: impl FnMut(SectionKind, &str) -> bool,
    ) -> Result<Self, ConfigError> {
        let read_error = |source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut collector = Collector::new(path, kind, &mut wanted);
        // An empty hint is in every header: the same as no hints at all.
        let hints = if hints.contains(&"") { &[] } else { hints };
        collector.hints = hints
            .iter()
            .map(|hint| memchr::memmem::Finder::new(hint.as_bytes()).into_owned())
            .collect();
        let mut file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(collector.finish()),
            Err(error) => return Err(read_error(error)),
        };
        let mut block = vec![0u8; 64 * 1024];
        let mut partial_line: Vec<u8> = Vec::new();
        loop {
            let read = match file.read(&mut block) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(read_error(error)),
            };
            let chunk = &block[..read];
            let Some(last_newline) = memchr::memrchr(b'\n', chunk) else {
                partial_line.extend_from_slice(chunk);
                continue;
            };
            let mut complete = &chunk[..=last_newline];
            if !partial_line.is_empty() {
                // Finish the line cut by the previous block, then take the rest as is.
                let end_of_line = memchr::memchr(b'\n', complete).map_or(0, |at| at + 1);
                partial_line.extend_from_slice(&complete[..end_of_line]);
                collector.feed(&partial_line)?;
                partial_line.clear();
                complete = &complete[end_of_line..];
            }
            collector.feed(complete)?;
            partial_line.extend_from_slice(&chunk[last_newline + 1..]);
        }
        collector.feed(&partial_line)?;
        Ok(collector.finish())
    }

    /// Indexes `text` as the contents of `path`.
    pub fn parse(path: &Path, kind: FileKind, text: String) -> Result<Self, ConfigError> {
        let mut keep_all = |_: SectionKind, _: &str| true;
        let mut collector = Collector::new(path, kind, &mut keep_all);
        collector.feed(text.as_bytes())?;
        Ok(collector.finish())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn kind(&self) -> FileKind {
        self.kind
    }

    fn syntax_error(&self, line: usize, message: impl Into<String>) -> ConfigError {
        syntax_error(&self.path, line, message)
    }
}

fn syntax_error(path: &Path, line: usize, message: impl Into<String>) -> ConfigError {
    ConfigError::Syntax {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Splits a header's text into the kind of section and its name. A name outside
/// the SDKs' set makes the section `Ignored`, properties and all.
fn section_name(file_kind: FileKind, header: &str) -> (SectionKind, &str) {
    let (kind, name) = match file_kind {
        FileKind::Credentials => (SectionKind::Profile, header),
        FileKind::Config if header == "default" => (SectionKind::Profile, header),
        FileKind::Config => {
            let split = memchr::memchr2(b' ', b'\t', header.as_bytes())
                .map(|at| (&header[..at], &header[at + 1..]));
            match split {
                Some(("profile", name)) => (SectionKind::Profile, name),
                Some(("sso-session", name)) => (SectionKind::SsoSession, name),
                Some(("services", name)) => (SectionKind::Services, name),
                _ => (SectionKind::Ignored, header),
            }
        }
    };
    let name = lexer::trim_whitespace(name);
    if is_valid_name(name) {
        (kind, name)
    } else {
        (SectionKind::Ignored, name)
    }
}

impl ConfigFile {
    /// Every section, in file order.
    pub fn sections(&self) -> impl Iterator<Item = Section<'_>> {
        self.sections
            .iter()
            .map(|span| Section { file: self, span })
    }

    /// Every section of `kind` named `name`, in file order (duplicates merge later).
    pub fn sections_named<'s, 'n>(
        &'s self,
        kind: SectionKind,
        name: &'n str,
    ) -> impl Iterator<Item = Section<'s>> + use<'s, 'n> {
        self.by_name()
            .get(&(kind, Box::from(name)))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&index| Section {
                file: self,
                span: &self.sections[index],
            })
    }

    fn by_name(&self) -> &SectionIndex {
        self.by_name.get_or_init(|| {
            let mut index: HashMap<_, Vec<usize>> = HashMap::with_capacity(self.sections.len());
            for (position, section) in self.sections().enumerate() {
                index
                    .entry((section.kind(), Box::from(section.name())))
                    .or_default()
                    .push(position);
            }
            index
        })
    }
}

/// Builds a `ConfigFile` from complete lines, fed in order, keeping the preamble and
/// the wanted sections.
struct Collector<'w> {
    path: PathBuf,
    kind: FileKind,
    wanted: &'w mut dyn FnMut(SectionKind, &str) -> bool,
    /// When not empty, only header lines containing one of these are parsed.
    hints: Vec<memchr::memmem::Finder<'static>>,
    /// Per hint, its next occurrence in the region being fed (`usize::MAX`: none).
    next_hints: Vec<Option<usize>>,
    text: String,
    sections: Vec<SectionSpan>,
    /// Lines before the region being fed.
    lines: usize,
    /// How far into the region `lines` has counted.
    counted_to: usize,
    at_file_start: bool,
    in_preamble: bool,
    keeping: bool,
}

impl<'w> Collector<'w> {
    fn new(
        path: &Path,
        kind: FileKind,
        wanted: &'w mut dyn FnMut(SectionKind, &str) -> bool,
    ) -> Self {
        Collector {
            path: path.to_path_buf(),
            kind,
            wanted,
            hints: Vec::new(),
            next_hints: Vec::new(),
            text: String::new(),
            sections: Vec::new(),
            lines: 0,
            counted_to: 0,
            at_file_start: true,
            in_preamble: true,
            keeping: false,
        }
    }

    /// Takes whole lines (the last one may lack its newline at the end of the file).
    /// Lines are counted lazily, once per byte, and only where a number is needed.
    fn feed(&mut self, region: &[u8]) -> Result<(), ConfigError> {
        self.counted_to = 0;
        // None: not searched yet in this region.
        self.next_hints = vec![None; self.hints.len()];
        let first_line_start = if self.at_file_start && region.starts_with("\u{feff}".as_bytes()) {
            3
        } else {
            0
        };
        self.at_file_start &= region.is_empty();
        let mut position = 0;
        while let Some(start) = self.next_header(region, position, first_line_start) {
            self.take_lines(region, position..start)?;
            let end =
                memchr::memchr(b'\n', &region[start..]).map_or(region.len(), |i| start + i + 1);
            if self.is_hinted_away(&region[start..end]) {
                self.close_section();
                self.in_preamble = false;
                self.keeping = false;
            } else {
                self.header(region, start..end)?;
            }
            position = end;
        }
        self.take_lines(region, position..region.len())?;
        self.count_lines(region, region.len());
        self.counted_to = 0;
        Ok(())
    }

    /// The next line at or after `from` that starts with `[`. While skipping
    /// unwanted sections with hints, it jumps from hint to hint instead of visiting
    /// every header.
    fn next_header(
        &mut self,
        region: &[u8],
        from: usize,
        first_line_start: usize,
    ) -> Option<usize> {
        let is_line_start =
            |at: usize| at == first_line_start || (at > 0 && region[at - 1] == b'\n');
        let skipping = !self.keeping && !self.in_preamble && !self.hints.is_empty();
        if !skipping {
            return memchr::memchr_iter(b'[', &region[from..])
                .map(|at| from + at)
                .find(|&at| is_line_start(at));
        }
        let mut search_from = from;
        loop {
            let hint_at = self.next_hint(region, search_from)?;
            let line_start = memchr::memrchr(b'\n', &region[..hint_at]).map_or(0, |at| at + 1);
            let line_start = line_start.max(first_line_start.min(hint_at));
            let at_header = region.get(line_start) == Some(&b'[');
            if line_start >= from && at_header && is_line_start(line_start) {
                return Some(line_start);
            }
            search_from = hint_at + 1;
        }
    }

    /// The first hint occurrence at or after `from`. Each hint's next occurrence is
    /// remembered, so the region is searched once per hint, not once per match.
    fn next_hint(&mut self, region: &[u8], from: usize) -> Option<usize> {
        let rest = region.get(from..)?;
        for (hint, next) in self.hints.iter().zip(self.next_hints.iter_mut()) {
            if next.is_none_or(|at| at < from) {
                *next = hint.find(rest).map(|at| from + at).or(Some(usize::MAX));
            }
        }
        self.next_hints
            .iter()
            .flatten()
            .copied()
            .min()
            .filter(|&at| at != usize::MAX)
    }

    fn is_hinted_away(&self, line: &[u8]) -> bool {
        !self.hints.is_empty() && !self.hints.iter().any(|hint| hint.find(line).is_some())
    }

    /// Advances the line count to `offset` of `region`; returns the lines before it.
    fn count_lines(&mut self, region: &[u8], offset: usize) -> usize {
        if offset > self.counted_to {
            self.lines += memchr::memchr_iter(b'\n', &region[self.counted_to..offset]).count();
            self.counted_to = offset;
        }
        self.lines
    }

    fn utf8<'b>(
        &mut self,
        region: &'b [u8],
        span: std::ops::Range<usize>,
    ) -> Result<&'b str, ConfigError> {
        std::str::from_utf8(&region[span.clone()]).map_err(|error| {
            let line = self.count_lines(region, span.start + error.valid_up_to()) + 1;
            syntax_error(&self.path, line, "the file is not valid UTF-8")
        })
    }

    /// Lines that are not headers: checked in the preamble, kept in wanted sections,
    /// skipped otherwise.
    fn take_lines(
        &mut self,
        region: &[u8],
        span: std::ops::Range<usize>,
    ) -> Result<(), ConfigError> {
        if self.in_preamble {
            let text = self.utf8(region, span.clone())?;
            let before = self.count_lines(region, span.start);
            for line in lexer::raw_lines(text) {
                let number = before + line.number;
                let line_text = if number == 1 {
                    line.text.strip_prefix('\u{feff}').unwrap_or(line.text)
                } else {
                    line.text
                };
                match lexer::classify(line_text) {
                    Ok(Line::Blank | Line::Comment) => {}
                    Ok(_) => {
                        return Err(syntax_error(
                            &self.path,
                            number,
                            "expected a section header such as [profile NAME] before this line",
                        ));
                    }
                    Err(message) => return Err(syntax_error(&self.path, number, message)),
                }
            }
            self.text.push_str(text);
        } else if self.keeping {
            let text = self.utf8(region, span)?;
            self.text.push_str(text);
        }
        Ok(())
    }

    fn header(&mut self, region: &[u8], span: std::ops::Range<usize>) -> Result<(), ConfigError> {
        let start = span.start;
        let line = &region[span.clone()];
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
        let name = match lexer::plain_header(line) {
            Some(inner) => {
                let inner_start = lexer::span_of_bytes(region, inner).start;
                lexer::trim_whitespace(self.utf8(region, inner_start..inner_start + inner.len())?)
            }
            None => {
                let line_start = lexer::span_of_bytes(region, line).start;
                let line = self.utf8(region, line_start..line_start + line.len())?;
                match lexer::classify(line) {
                    Ok(Line::Header(name)) => name,
                    Err(message) => {
                        let number = self.count_lines(region, start) + 1;
                        return Err(syntax_error(&self.path, number, message));
                    }
                    Ok(_) => unreachable!("a line starting with '[' is a header"),
                }
            }
        };
        let header_text = name;
        let (kind, name) = section_name(self.kind, name);
        self.close_section();
        self.in_preamble = false;
        self.keeping = (self.wanted)(kind, name);
        if self.keeping {
            let header_line = self.count_lines(region, start) + 1;
            let raw = self.utf8(region, span)?;
            let offset = self.text.len() + lexer::span_of(raw, name).start;
            self.text.push_str(raw);
            let unprefixed_default = self.kind == FileKind::Config
                && kind == SectionKind::Profile
                && std::ptr::eq(name.as_ptr(), header_text.as_ptr());
            self.sections.push(SectionSpan {
                kind,
                name: offset..offset + name.len(),
                header_line,
                unprefixed_default,
                body: self.text.len()..self.text.len(),
            });
        }
        Ok(())
    }

    fn close_section(&mut self) {
        if let Some(section) = self.sections.last_mut().filter(|_| self.keeping) {
            section.body.end = self.text.len();
        }
    }

    fn finish(mut self) -> ConfigFile {
        self.close_section();
        ConfigFile {
            path: self.path,
            kind: self.kind,
            text: self.text,
            sections: self.sections,
            by_name: OnceLock::new(),
        }
    }
}

/// Whether `name` is a name the AWS SDKs accept for a profile, an sso-session or a
/// property: `[A-Za-z0-9_\-/.%@:+]+`. The SDKs ignore sections and properties named
/// otherwise (with a warning), and so does grant.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"_-/.%@:+".contains(&byte))
}

/// A section of a file, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub struct Section<'a> {
    file: &'a ConfigFile,
    span: &'a SectionSpan,
}

impl<'a> Section<'a> {
    pub fn kind(&self) -> SectionKind {
        self.span.kind
    }

    pub fn name(&self) -> &'a str {
        &self.file.text[self.span.name.clone()]
    }

    pub fn origin(&self) -> Origin<'a> {
        Origin {
            path: &self.file.path,
            line: self.span.header_line,
        }
    }

    /// `[default]` of the config file (not `[profile default]`), which the SDKs
    /// ignore wherever a `[profile default]` exists.
    pub fn is_unprefixed_default(&self) -> bool {
        self.span.unprefixed_default
    }

    pub fn path(&self) -> &'a Path {
        &self.file.path
    }

    /// Parses the section's properties.
    pub fn properties(&self) -> Result<Vec<Property>, ConfigError> {
        let body = &self.file.text[self.span.body.clone()];
        let header_line = self.span.header_line;
        let mut properties: Vec<Property> = Vec::new();
        for raw in lexer::raw_lines(body) {
            let line = RawLine {
                number: header_line + raw.number,
                ..raw
            };
            let error = |message: &str| self.file.syntax_error(line.number, message);
            match lexer::classify(line.text).map_err(error)? {
                Line::Blank | Line::Comment => {}
                Line::Header(_) => unreachable!("headers end the body"),
                Line::Property { key, value } => properties.push(Property {
                    key: key.to_ascii_lowercase(),
                    value: value.to_owned(),
                    sub_properties: Vec::new(),
                    line: line.number,
                }),
                Line::Continuation(text) => {
                    let Some(property) = properties.last_mut() else {
                        return Err(error("an indented line must continue a property above it"));
                    };
                    continue_property(property, text).map_err(error)?;
                }
            }
        }
        Ok(properties)
    }
}

/// Adds an indented line to `property`: a `k = v` sub-property when the property's
/// own value is empty (an `s3 =` block), else more text for its value.
fn continue_property(property: &mut Property, text: &str) -> Result<(), &'static str> {
    if property.value.is_empty() || !property.sub_properties.is_empty() {
        let (key, value) = lexer::property(text)?;
        property
            .sub_properties
            .push((key.to_ascii_lowercase(), value.to_owned()));
    }
    if !property.value.is_empty() || !property.sub_properties.is_empty() {
        property.value.push('\n');
    }
    property.value.push_str(text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: FileKind, text: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::parse(Path::new("/home/u/.aws/config"), kind, text.to_owned())
    }

    fn names(file: &ConfigFile) -> Vec<(SectionKind, &str)> {
        file.sections().map(|s| (s.kind(), s.name())).collect()
    }

    #[test]
    fn names_sections_of_the_config_file() {
        let file = parse(
            FileKind::Config,
            "# top\n[default]\n[profile  dev ]\n[sso-session corp]\n[services local]\n[plain]\n[profile]\n[profile default]\n",
        )
        .unwrap();
        assert_eq!(
            names(&file),
            vec![
                (SectionKind::Profile, "default"),
                (SectionKind::Profile, "dev"),
                (SectionKind::SsoSession, "corp"),
                (SectionKind::Services, "local"),
                (SectionKind::Ignored, "plain"),
                (SectionKind::Ignored, "profile"),
                (SectionKind::Profile, "default"),
            ]
        );
    }

    #[test]
    fn credentials_sections_are_profiles_as_written_when_the_name_is_valid() {
        let file = parse(FileKind::Credentials, "[prod]\n[profile x]\n[a!b]\n").unwrap();
        // `profile x` is not a valid name, so the SDKs (and grant) ignore it.
        assert_eq!(
            names(&file),
            vec![
                (SectionKind::Profile, "prod"),
                (SectionKind::Ignored, "profile x"),
                (SectionKind::Ignored, "a!b")
            ]
        );
    }

    #[test]
    fn properties_follow_sdk_rules() {
        let text = "[profile a]\nRegion = us-west-2 # inline\n; comment\ns3 =\n  max_concurrent_requests = 20\n\tsignature_version=s3v4\nlong = first\n  second\n";
        let file = parse(FileKind::Config, text).unwrap();
        let properties = file.sections().next().unwrap().properties().unwrap();
        assert_eq!(properties[0].key, "region");
        assert_eq!(properties[0].value, "us-west-2");
        assert_eq!(properties[0].line, 2);
        assert_eq!(properties[1].key, "s3");
        assert_eq!(
            properties[1].sub_properties,
            vec![
                ("max_concurrent_requests".to_owned(), "20".to_owned()),
                ("signature_version".to_owned(), "s3v4".to_owned())
            ]
        );
        assert_eq!(properties[2].value, "first\nsecond");
    }

    #[test]
    fn malformed_input_names_path_and_line() {
        let cases = [
            ("region = x\n[default]\n", 1),
            ("[default]\nregion = x\n[profile broken\n", 3),
            ("[default]\n\nnot a property\n", 3),
            ("[default]\n  orphan = 1\n", 2),
            ("[default]\ns3 =\n  not-a-sub-property\n", 3),
            ("[default]\n= value\n", 2),
        ];
        for (text, line) in cases {
            let error = parse(FileKind::Config, text)
                .and_then(|file| {
                    file.sections().try_for_each(|s| s.properties().map(drop))?;
                    Ok(file)
                })
                .expect_err(text);
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("/home/u/.aws/config:{line}: ")),
                "{text:?} gave {message}"
            );
        }
    }

    fn big_config() -> String {
        let mut text = String::from("\u{feff}# generated\r\n");
        for i in 0..3000 {
            let padding = "x".repeat(i % 97);
            text.push_str(&format!(
                "[profile p{i}]\r\nregion = r{i}\n# {padding} p{}\ns3 =\n  k = {padding}\n",
                i + 1
            ));
        }
        text
    }

    #[test]
    fn streaming_read_matches_parsing_the_whole_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        let text = big_config();
        assert!(text.len() > 4 * 64 * 1024, "crosses several read blocks");
        std::fs::write(&path, &text).unwrap();
        let streamed = ConfigFile::read(&path, FileKind::Config).unwrap();
        let parsed = ConfigFile::parse(&path, FileKind::Config, text.clone()).unwrap();
        assert_eq!(streamed.text, text);
        let summary = |file: &ConfigFile| -> Vec<(String, usize, Vec<Property>)> {
            file.sections()
                .map(|s| {
                    (
                        s.name().to_owned(),
                        s.origin().line,
                        s.properties().unwrap(),
                    )
                })
                .collect()
        };
        let streamed_sections = summary(&streamed);
        assert_eq!(streamed_sections, summary(&parsed));
        assert_eq!(streamed_sections.len(), 3000);
        assert_eq!(streamed_sections[2999].1, 2 + 2999 * 5);
        assert_eq!(streamed_sections[2999].2[0].line, 3 + 2999 * 5);

        let mut wanted_names = Vec::new();
        let only = ConfigFile::read_sections(&path, FileKind::Config, |_, name| {
            wanted_names.push(name.to_owned());
            name == "p2500"
        })
        .unwrap();
        assert_eq!(wanted_names.len(), 3000);
        let section = only.sections().next().unwrap();
        assert_eq!(
            (section.name(), section.origin().line),
            ("p2500", 2 + 2500 * 5)
        );
        assert_eq!(section.properties().unwrap()[0].value, "r2500");

        // Hints skip unrelated headers; "p2500" also appears in p2499's comment.
        let hinted = ConfigFile::read_hinted(
            &path,
            FileKind::Config,
            &["p250", "sso-session"],
            |_, name| name == "p2500",
        )
        .unwrap();
        assert_eq!(summary(&hinted), summary(&only));

        std::fs::write(&path, format!("{text}[profile broken\n")).unwrap();
        let error = ConfigFile::read_sections(&path, FileKind::Config, |_, _| false).unwrap_err();
        assert!(
            error.to_string().ends_with(&format!(
                ":{}: a section header must end with ']'",
                2 + 3000 * 5
            )),
            "{error}"
        );
    }

    /// Found by fuzzing: an empty hint (`source_profile =` with no value) matched at
    /// the very end of a block, and the search read one byte past it (a panic).
    #[test]
    fn an_empty_hint_reads_like_no_hint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "[profile b]\nk = v\n[profile a]\nk = w").unwrap();
        for hints in [&[""][..], &["a", ""], &["zz"]] {
            let file =
                ConfigFile::read_hinted(&path, FileKind::Config, hints, |_, n| n == "a").unwrap();
            let found: Vec<_> = file.sections().map(|s| s.name().to_owned()).collect();
            let expected: &[&str] = if hints == ["zz"] { &[] } else { &["a"] };
            assert_eq!(found, expected, "{hints:?}");
        }
        let mut collector_input = |_: SectionKind, _: &str| false;
        let mut collector = Collector::new(&path, FileKind::Config, &mut collector_input);
        collector.hints = vec![memchr::memmem::Finder::new(b"").into_owned()];
        collector.feed(b"[profile b]\nk = v\n").unwrap();
    }

    /// A byte order mark counts only at the start of the file (as the document
    /// editor sees it too): elsewhere it is text, even in the preamble.
    #[test]
    fn a_byte_order_mark_after_the_first_line_is_text() {
        let error = parse(FileKind::Config, "# a\n\u{feff}# b\n[default]\n").unwrap_err();
        assert!(
            error.to_string().starts_with("/home/u/.aws/config:2: "),
            "{error}"
        );
        assert!(parse(FileKind::Config, "\u{feff}\u{feff}[default]\n").is_err());
        assert!(parse(FileKind::Config, "\u{feff}# a\n[default]\n").is_ok());
    }

    #[test]
    fn byte_order_mark_and_crlf_are_accepted() {
        let file = parse(
            FileKind::Config,
            "\u{feff}[default]\r\nregion = eu-west-1\r\n",
        )
        .unwrap();
        let properties = file.sections().next().unwrap().properties().unwrap();
        assert_eq!(properties[0].value, "eu-west-1");
    }
}
