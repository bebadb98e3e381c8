//! One AWS config or credentials file, indexed by section.
//!
//! Loading only finds the section headers (one pass over line starts); the
//! properties of a section are parsed when asked for. Listing 10,000 profiles or
//! reading one profile therefore never parses the other 9,999.

use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

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
    /// The lines after the header up to the next header.
    body: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct ConfigFile {
    path: PathBuf,
    kind: FileKind,
    text: String,
    sections: Vec<SectionSpan>,
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
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let text = String::from_utf8(bytes).map_err(|error| {
            let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
            ConfigError::Syntax {
                path: path.to_path_buf(),
                line: 1 + valid.iter().filter(|&&byte| byte == b'\n').count(),
                message: "the file is not valid UTF-8".into(),
            }
        })?;
        Self::parse(path, kind, text)
    }

    /// Indexes `text` as the contents of `path`.
    pub fn parse(path: &Path, kind: FileKind, text: String) -> Result<Self, ConfigError> {
        let mut file = ConfigFile {
            path: path.to_path_buf(),
            kind,
            text,
            sections: Vec::new(),
        };
        file.sections = file.index()?;
        Ok(file)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn kind(&self) -> FileKind {
        self.kind
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn syntax_error(&self, line: usize, message: impl Into<String>) -> ConfigError {
        ConfigError::Syntax {
            path: self.path.clone(),
            line,
            message: message.into(),
        }
    }

    fn index(&self) -> Result<Vec<SectionSpan>, ConfigError> {
        let text = self.text.as_str();
        let mut sections: Vec<SectionSpan> = Vec::new();
        for line in lexer::raw_lines(text) {
            let content = line.text.trim_start_matches('\u{feff}');
            if content.starts_with('[') {
                let name = match lexer::classify(content) {
                    Ok(Line::Header(name)) => name,
                    Err(message) => return Err(self.syntax_error(line.number, message)),
                    Ok(_) => unreachable!("a line starting with '[' is a header"),
                };
                if let Some(previous) = sections.last_mut() {
                    previous.body.end = line.start;
                }
                let (kind, name) = self.section_name(name);
                sections.push(SectionSpan {
                    kind,
                    name: lexer::span_of(text, name),
                    header_line: line.number,
                    body: line.end..text.len(),
                });
            } else if sections.is_empty() {
                match lexer::classify(content) {
                    Ok(Line::Blank | Line::Comment) => {}
                    Ok(_) => {
                        return Err(self.syntax_error(
                            line.number,
                            "expected a section header such as [profile NAME] before this line",
                        ));
                    }
                    Err(message) => return Err(self.syntax_error(line.number, message)),
                }
            }
        }
        Ok(sections)
    }

    /// Splits a header's text into the kind of section and its name.
    fn section_name<'t>(&self, header: &'t str) -> (SectionKind, &'t str) {
        let (kind, name) = match self.kind {
            FileKind::Credentials => (SectionKind::Profile, header),
            FileKind::Config if header == "default" => (SectionKind::Profile, header),
            FileKind::Config => match header.split_once([' ', '\t']) {
                Some(("profile", name)) => (SectionKind::Profile, name),
                Some(("sso-session", name)) => (SectionKind::SsoSession, name),
                Some(("services", name)) => (SectionKind::Services, name),
                _ => (SectionKind::Ignored, header),
            },
        };
        let name = name.trim_matches([' ', '\t']);
        if is_usable_name(name) {
            (kind, name)
        } else {
            (SectionKind::Ignored, name)
        }
    }

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
        self.sections()
            .filter(move |section| section.kind() == kind && section.name() == name)
    }
}

/// Names botocore and the AWS CLI accept: anything visible. (The Rust SDK is stricter;
/// names grant generates stay within its set.)
fn is_usable_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(char::is_control)
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

    pub fn path(&self) -> &'a Path {
        &self.file.path
    }

    /// Parses the section's properties.
    pub fn properties(&self) -> Result<Vec<Property>, ConfigError> {
        let body = &self.file.text[self.span.body.clone()];
        let mut properties: Vec<Property> = Vec::new();
        for raw in lexer::raw_lines(body) {
            let line = RawLine {
                number: self.span.header_line + raw.number,
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
    fn credentials_sections_are_profiles_as_written() {
        let file = parse(FileKind::Credentials, "[prod]\n[profile x]\n").unwrap();
        assert_eq!(
            names(&file),
            vec![
                (SectionKind::Profile, "prod"),
                (SectionKind::Profile, "profile x")
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
