//! What a registry's clone holds: Granted's `granted.yml` (the config fragments to
//! merge and the template values they use) or, without one, a plain AWS config
//! fragment. The clone is someone else's repository: paths stay inside it, symbolic
//! links are not followed, and files are read up to a size a config fragment has.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::fsutil;

/// The largest config fragment or manifest read; a larger file is refused unread.
pub const FILE_LIMIT: u64 = 1024 * 1024;
const MANIFEST: &str = "granted.yml";
const PLAIN_FRAGMENT: &str = "config";

/// Where in the clone to look, as `grant registry add` was told.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// A folder of the repository, for registries kept beside other things.
    pub path: Option<String>,
    /// The manifest's name (`granted.yml`), or a fragment's when it is not YAML.
    pub filename: Option<String>,
}

/// A value the fragments use as `{{ .Required.NAME }}` or `{{ .Variables.NAME }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateValue {
    pub name: String,
    /// Each member gives their own (asked once and remembered).
    pub required: bool,
    pub prompt: Option<String>,
    /// The registry's own value, for variables that are not required.
    pub value: Option<String>,
}

/// A config fragment: where it is in the repository, and its text.
#[derive(Debug, Clone)]
pub struct Fragment {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Contents {
    pub fragments: Vec<Fragment>,
    pub template_values: Vec<TemplateValue>,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("the registry has no {MANIFEST} and no {PLAIN_FRAGMENT} file in {0}")]
    Nothing(String),
    #[error("{0}: {1}")]
    Unreadable(String, String),
    #[error("{0}: not YAML grant can read ({1})")]
    Manifest(String, String),
    #[error("{0}: a path that leaves the repository (absolute, `..` or through a link)")]
    Outside(String),
}

/// Reads the manifest or the plain fragment of the clone at `root`.
pub fn read(root: &Path, layout: &Layout) -> Result<Contents, SourceError> {
    let folder = match &layout.path {
        Some(path) => relative(path)?,
        None => PathBuf::new(),
    };
    let explicit = layout.filename.as_deref();
    let manifest_name = explicit.unwrap_or(MANIFEST);
    let is_yaml = manifest_name.ends_with(".yml") || manifest_name.ends_with(".yaml");
    let manifest_path = folder.join(relative(manifest_name)?);
    if !is_yaml {
        let text =
            read_text(root, &manifest_path)?.ok_or_else(|| SourceError::Nothing(shown(&folder)))?;
        return Ok(Contents {
            fragments: vec![fragment(&manifest_path, text)],
            template_values: Vec::new(),
        });
    }
    let Some(manifest) = read_text(root, &manifest_path)? else {
        if explicit.is_some() {
            return Err(SourceError::Nothing(shown(&folder)));
        }
        let plain = folder.join(PLAIN_FRAGMENT);
        let text = read_text(root, &plain)?.ok_or_else(|| SourceError::Nothing(shown(&folder)))?;
        return Ok(Contents {
            fragments: vec![fragment(&plain, text)],
            template_values: Vec::new(),
        });
    };
    let (files, template_values) = parse_manifest(&shown(&manifest_path), &manifest)?;
    let mut fragments = Vec::new();
    for file in files {
        let path = folder.join(relative(&file)?);
        let text = read_text(root, &path)?.ok_or_else(|| {
            SourceError::Unreadable(shown(&path), "named in the manifest but missing".into())
        })?;
        fragments.push(fragment(&path, text));
    }
    Ok(Contents {
        fragments,
        template_values,
    })
}

fn fragment(path: &Path, text: String) -> Fragment {
    Fragment {
        name: shown(path),
        text,
    }
}

fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    if text.is_empty() { ".".into() } else { text }
}

/// `path` as a relative path with no `..`, or the refusal.
fn relative(path: &str) -> Result<PathBuf, SourceError> {
    let candidate = Path::new(path.trim_start_matches("./"));
    let inside = candidate
        .components()
        .all(|component| matches!(component, Component::Normal(_) | Component::CurDir));
    if path.is_empty() || !inside {
        return Err(SourceError::Outside(path.to_owned()));
    }
    Ok(candidate.to_path_buf())
}

/// The text of `relative` under `root`, `None` when there is no such file. A path
/// that resolves outside the clone (a linked folder), a link, a FIFO, a file over
/// the limit or one that is not UTF-8 is refused.
fn read_text(root: &Path, relative: &Path) -> Result<Option<String>, SourceError> {
    let name = shown(relative);
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        let (Ok(real_root), Ok(real_parent)) = (root.canonicalize(), parent.canonicalize()) else {
            return Ok(None);
        };
        if !real_parent.starts_with(&real_root) {
            return Err(SourceError::Outside(name));
        }
    }
    let unreadable = |why: String| SourceError::Unreadable(name.clone(), why);
    let bytes = match fsutil::read_own_file(&path, FILE_LIMIT) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
            return Err(unreadable(format!(
                "refused: {error} (a registry file must be a plain file of at most {} KiB)",
                FILE_LIMIT / 1024
            )));
        }
        Err(error) => return Err(unreadable(error.to_string())),
    };
    bytes
        .map(|bytes| String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8 text".into())))
        .transpose()
}

/// The fragments and template values of Granted's `granted.yml`:
/// `awsConfig: [paths]` and `templateValues: [{NAME: [{isRequired: "true"},
/// {prompt: "..."}, {value: "..."}]}]`.
fn parse_manifest(
    name: &str,
    text: &str,
) -> Result<(Vec<String>, Vec<TemplateValue>), SourceError> {
    use serde_yaml_ng::Value;
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "awsConfig", default)]
        aws_config: Vec<String>,
        #[serde(rename = "templateValues", default)]
        template_values: Vec<BTreeMap<String, Vec<BTreeMap<String, Value>>>>,
    }
    let manifest: Manifest = serde_yaml_ng::from_str(text)
        .map_err(|error| SourceError::Manifest(name.to_owned(), error.to_string()))?;
    let scalar = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    let mut values = Vec::new();
    for entry in manifest.template_values {
        for (value_name, fields) in entry {
            let field = |key: &str| fields.iter().find_map(|map| map.get(key)).and_then(scalar);
            values.push(TemplateValue {
                required: field("isRequired").is_some_and(|flag| flag == "true"),
                prompt: field("prompt"),
                value: field("value"),
                name: value_name,
            });
        }
    }
    Ok((manifest.aws_config, values))
}

/// `value` with Granted's placeholders filled: `{{ .Required.NAME }}`,
/// `{{ .Variables.NAME }}` and `{{ .Profile }}`. Nothing else of Go's templates is
/// understood: any other `{{ ... }}` is an error, never code.
pub fn fill_template(
    value: &str,
    values: &BTreeMap<String, String>,
    profile: &str,
) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(length) = rest[start..].find("}}") else {
            return Err("a `{{` with no `}}`".into());
        };
        let inner = rest[start + 2..start + length].trim();
        let filled = if inner == ".Profile" {
            profile.to_owned()
        } else if let Some(name) = inner
            .strip_prefix(".Required.")
            .or_else(|| inner.strip_prefix(".Variables."))
        {
            values
                .get(name)
                .cloned()
                .ok_or_else(|| format!("no value for {name}"))?
        } else {
            return Err(format!(
                "`{{{{ {inner} }}}}` is not a template value grant fills"
            ));
        };
        out.push_str(&filled);
        rest = &rest[start + length + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_required_values_variables_and_the_profile_only() {
        let values = BTreeMap::from([("team".to_owned(), "data".to_owned())]);
        assert_eq!(
            fill_template("arn:{{ .Required.team }}/{{.Profile}}", &values, "p").unwrap(),
            "arn:data/p"
        );
        assert_eq!(
            fill_template("{{ .Variables.team }}", &values, "p").unwrap(),
            "data"
        );
        assert!(fill_template("{{ .Required.other }}", &values, "p").is_err());
        assert!(fill_template("{{ exec \"sh\" }}", &values, "p").is_err());
        assert!(fill_template("{{ .Profile", &values, "p").is_err());
    }

    #[test]
    fn granted_manifests_are_read_with_string_or_boolean_flags() {
        let text = "awsConfig:\n  - ./config\n  - more/config\ntemplateValues:\n  - team:\n      - isRequired: true\n      - prompt: Your team\n  - region:\n      - value: eu-west-1\n";
        let (files, values) = parse_manifest("granted.yml", text).unwrap();
        assert_eq!(files, ["./config", "more/config"]);
        assert_eq!(values.len(), 2);
        let team = values.iter().find(|value| value.name == "team").unwrap();
        assert!(team.required);
        assert_eq!(team.prompt.as_deref(), Some("Your team"));
        let region = values.iter().find(|value| value.name == "region").unwrap();
        assert_eq!(region.value.as_deref(), Some("eu-west-1"));
        assert!(!region.required);
    }

    #[test]
    fn paths_that_leave_the_repository_are_refused() {
        for path in ["/etc/passwd", "../x", "a/../../x", ""] {
            assert!(relative(path).is_err(), "{path}");
        }
        assert!(relative("./config").is_ok());
    }
}
