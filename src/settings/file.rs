//! The settings file, `config.toml`: reading a setting with its line in errors, and
//! editing one while keeping every other key, comment and the layout.

use std::fs;
use std::io;
use std::path::Path;

use toml_edit::{DocumentMut, Item, TableLike};

use super::{Kind, Setting, SettingsError, Value};
use crate::fsutil;

pub(super) fn read_if_exists(path: &Path) -> Result<Option<String>, SettingsError> {
    if let Some(folder) = path.parent() {
        fsutil::check_trusted_dir(folder)?;
    }
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SettingsError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

pub(super) fn parse_document(path: &Path, text: &str) -> Result<DocumentMut, SettingsError> {
    text.parse::<DocumentMut>()
        .map_err(|error| SettingsError::Syntax {
            path: path.to_path_buf(),
            line: error.span().map(|span| line_of_offset(text, span.start)),
            message: error.message().trim().replace(['\n', '\r'], " "),
        })
}

pub(super) fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The table holding `setting` and its last name segment, for reading; `None` when a
/// parent table is absent.
pub(super) fn containing_table<'d>(
    path: &Path,
    document: &'d DocumentMut,
    setting: &Setting,
) -> Result<Option<(&'d dyn TableLike, &'static str)>, SettingsError> {
    let (parents, key) = split_name(setting.name);
    let mut table: &dyn TableLike = document.as_table();
    for parent in parents {
        let Some(found) = key_in(table, parent) else {
            return Ok(None);
        };
        let Some(item) = table.get(&found) else {
            return Ok(None);
        };
        table = item
            .as_table_like()
            .ok_or_else(|| not_a_table(path, &found, setting))?;
    }
    Ok(Some((table, key)))
}

pub(super) fn read_setting(
    path: &Path,
    document: &DocumentMut,
    setting: &Setting,
) -> Result<Option<Value>, SettingsError> {
    let Some((table, key)) = containing_table(path, document, setting)? else {
        return Ok(None);
    };
    let Some(item) = key_in(table, key).and_then(|found| table.get(&found)) else {
        return Ok(None);
    };
    value_from_item(setting, item).map_err(|error| SettingsError::InFile {
        path: path.to_path_buf(),
        source: Box::new(error),
    })
}

pub(super) fn value_from_item(
    setting: &Setting,
    item: &Item,
) -> Result<Option<Value>, SettingsError> {
    match (setting.kind, item.as_value()) {
        (_, Some(toml_edit::Value::String(text))) if text.value().is_empty() => Ok(None),
        (Kind::Bool, Some(toml_edit::Value::Boolean(value))) => {
            Ok(Some(Value::Bool(*value.value())))
        }
        (
            Kind::Choice(_) | Kind::Path | Kind::Url | Kind::Region | Kind::NameTemplate,
            Some(toml_edit::Value::String(text)),
        ) => setting.parse_value(text.value()).map(Some),
        _ => Err(SettingsError::InvalidValue {
            name: setting.name,
            expected: setting.kind.expected(),
            got: describe_item(item),
        }),
    }
}

/// "the string \"yes\"", "the integer 1", "a table": for a value of the wrong TOML type.
pub(super) fn describe_item(item: &Item) -> String {
    match item.as_value() {
        Some(value @ (toml_edit::Value::Array(_) | toml_edit::Value::InlineTable(_))) => {
            format!("an {}", value.type_name())
        }
        Some(value) => {
            let mut bare = value.clone();
            bare.decor_mut().clear();
            format!("the {} {}", value.type_name(), bare.to_string().trim())
        }
        None if item.is_table() => "a table".to_string(),
        None => format!("an {}", item.type_name()),
    }
}

pub(super) fn not_a_table(path: &Path, table: &str, setting: &Setting) -> SettingsError {
    SettingsError::NotATable {
        path: path.to_path_buf(),
        table: table.to_string(),
        name: setting.name,
    }
}

/// `Keyring.Backend` -> (["Keyring"], "Backend").
pub(super) fn split_name(name: &'static str) -> (Vec<&'static str>, &'static str) {
    match name.rsplit_once('.') {
        Some((tables, key)) => (tables.split('.').collect(), key),
        None => (Vec::new(), name),
    }
}

/// The key spelling the file uses for `name`: exact first, else case-insensitive.
pub(super) fn key_in(table: &dyn TableLike, name: &str) -> Option<String> {
    if table.contains_key(name) {
        return Some(name.to_string());
    }
    table
        .iter()
        .map(|(key, _)| key)
        .find(|key| key.eq_ignore_ascii_case(name))
        .map(str::to_string)
}

/// Sets `setting` to `value` in the TOML `text` (`None` removes it), keeping every
/// other key, comment and the layout. Returns the new text.
pub fn edit_settings_text(
    path: &Path,
    text: &str,
    setting: &Setting,
    value: Option<&Value>,
) -> Result<String, SettingsError> {
    let mut document = parse_document(path, text)?;
    let (parents, key) = split_name(setting.name);
    let adds_a_root_key =
        parents.is_empty() && value.is_some() && key_in(document.as_table(), key).is_none();
    let mut table: &mut dyn TableLike = document.as_table_mut();
    for parent in parents {
        let found = key_in(table, parent);
        if found.is_none() && value.is_none() {
            return Ok(document.to_string());
        }
        let found = found.unwrap_or_else(|| {
            table.insert(parent, Item::Table(toml_edit::Table::new()));
            parent.to_string()
        });
        table = table
            .get_mut(&found)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| not_a_table(path, &found, setting))?;
    }
    match value {
        Some(value) => set_key(table, key, value),
        None => {
            if let Some(found) = key_in(table, key) {
                table.remove(&found);
            }
        }
    }
    if adds_a_root_key && has_no_tables(&document) {
        move_trailing_comments_above(&mut document, key);
    }
    Ok(document.to_string())
}

pub(super) fn has_no_tables(document: &DocumentMut) -> bool {
    document.as_table().iter().all(|(_, item)| item.is_value())
}

/// toml_edit keeps comments after the last key as the document's trailing text and
/// would put a new key above them: in a file of comments only, above its header.
/// Keeping them above the new key makes `set` append at the end of the file.
pub(super) fn move_trailing_comments_above(document: &mut DocumentMut, key: &str) {
    let mut trailing = document.trailing().as_str().unwrap_or_default().to_string();
    if trailing.trim().is_empty() {
        return;
    }
    if !trailing.ends_with('\n') {
        trailing.push('\n');
    }
    document.set_trailing("");
    if let Some(mut key) = document.as_table_mut().key_mut(key) {
        key.leaf_decor_mut().set_prefix(trailing);
    }
}

/// Replaces the value under `key` (any case), keeping its trailing comment; or adds it.
pub(super) fn set_key(table: &mut dyn TableLike, key: &str, value: &Value) {
    let mut new_value = value.to_toml();
    let found = key_in(table, key);
    match found.as_deref().and_then(|found| table.get_mut(found)) {
        Some(item) => {
            if let Some(old_value) = item.as_value() {
                *new_value.decor_mut() = old_value.decor().clone();
            }
            *item = Item::Value(new_value);
        }
        None => {
            table.insert(key, Item::Value(new_value));
        }
    }
}

/// Writes `setting = value` into the settings file at `path` (`None` removes it, so
/// the default applies), atomically, mode 0600, creating the folder 0700 if needed.
/// Other settings in the file are not validated, so a bad one can still be fixed.
pub fn save_setting(
    path: &Path,
    setting: &Setting,
    value: Option<&Value>,
) -> Result<(), SettingsError> {
    let text = read_if_exists(path)?.unwrap_or_default();
    let edited = edit_settings_text(path, &text, setting, value)?;
    // A settings file kept in a dotfiles repository is often a symlink: write through it.
    fsutil::write_through_symlink(path, edited.as_bytes(), Some(0o600))
        .map(drop)
        .map_err(|source| SettingsError::Write {
            path: path.to_path_buf(),
            source,
        })
}
