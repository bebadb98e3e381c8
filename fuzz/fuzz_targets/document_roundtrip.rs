//! Arbitrary text through the byte-preserving editor of `~/.aws/config`: parsing and
//! rendering gives back every byte, and after each kind of edit grant makes (replace
//! a section, add one, remove one) the result parses again and renders stably.

#![no_main]

use std::path::Path;

use grant::testing::config::document::{Change, Document};
use grant::testing::config::{ConfigFile, FileKind, SectionKind};
use libfuzzer_sys::fuzz_target;

/// Sections edited per input, so that inputs of many headers stay fast.
const MAX_EDITS: usize = 16;
const ENTRIES: &[(&str, &str)] = &[
    ("granted_sso_account_id", "123456789012"),
    ("granted_sso_role_name", "Admin"),
    ("region", "eu-west-1"),
];
const KINDS: [SectionKind; 4] = [
    SectionKind::Profile,
    SectionKind::SsoSession,
    SectionKind::Services,
    SectionKind::Ignored,
];

/// The edited document parses again, and that parse renders the same text.
#[track_caller]
fn assert_stable(document: &Document, what: &str) -> String {
    let text = document.render();
    let again = Document::parse(Path::new("config"), &text)
        .unwrap_or_else(|error| panic!("{what}: the edit does not parse: {error}\n{text:?}"));
    assert_eq!(again.render(), text, "{what}: not stable");
    text
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("config");
    let document = match Document::parse(path, text) {
        Ok(document) => document,
        Err(error) => {
            // The editor refuses only what the reader refuses too.
            let file = ConfigFile::parse(path, FileKind::Config, text.to_owned());
            let readable =
                file.is_ok_and(|file| file.sections().all(|section| section.properties().is_ok()));
            assert!(
                !readable,
                "the reader accepts what the editor refuses: {error}"
            );
            return;
        }
    };
    assert_eq!(
        document.render(),
        text,
        "parse then render changed the text"
    );

    let sections: Vec<(SectionKind, String)> = KINDS
        .iter()
        .flat_map(|&kind| {
            document
                .section_names(kind)
                .into_iter()
                .map(move |name| (kind, name.to_owned()))
        })
        .take(MAX_EDITS)
        .collect();

    for (kind, name) in &sections {
        // Replacing a section, twice: the second time changes nothing.
        // A name the editor refuses to write (control characters) is left alone.
        let mut edited = document.clone();
        if edited.upsert_section(*kind, name, ENTRIES).is_err() {
            assert_eq!(edited.render(), document.render(), "a refused edit changed the text");
            continue;
        }
        let what = format!("replacing {kind:?} {name:?}");
        let replaced = assert_stable(&edited, &what);
        assert_eq!(
            edited.upsert_section(*kind, name, ENTRIES),
            Ok(Change::Unchanged),
            "{what}"
        );
        assert_eq!(edited.render(), replaced, "{what}");
        let pairs: Vec<(String, String)> = ENTRIES
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        assert_eq!(edited.section(*kind, name), Some(pairs), "{what}");

        // Removing it, from the original and from the edited document.
        for mut removing in [document.clone(), edited] {
            assert!(removing.remove_section(*kind, name), "{kind:?} {name:?}");
            assert_stable(&removing, &format!("removing {kind:?} {name:?}"));
            assert!(removing.section(*kind, name).is_none());
        }
    }

    // Adding a section keeps every byte before it; removing it restores the file
    // (with a final newline added when it had none).
    let mut added = document.clone();
    let name = "fuzz-added/Role";
    if added.section(SectionKind::Profile, name).is_none() {
        assert_eq!(
            added.upsert_section(SectionKind::Profile, name, ENTRIES),
            Ok(Change::Added)
        );
        let rendered = assert_stable(&added, "adding a profile");
        let newline =
            if text.split('\n').next().is_some_and(|l| l.ends_with('\r')) && text.contains('\n') {
                "\r\n"
            } else {
                "\n"
            };
        let kept = if text.is_empty() || text.ends_with('\n') {
            text.to_owned()
        } else if text.ends_with('\r') {
            format!("{text}\n")
        } else {
            format!("{text}{newline}")
        };
        assert!(rendered.starts_with(&kept), "adding lost bytes");
        assert!(added.remove_section(SectionKind::Profile, name));
        assert_eq!(added.render(), kept, "removing the added profile");
    }

    // Removing every section, one after the other.
    let mut emptied = document.clone();
    for (kind, name) in &sections {
        emptied.remove_section(*kind, name);
        assert_stable(&emptied, &format!("removing all, at {kind:?} {name:?}"));
    }
});
