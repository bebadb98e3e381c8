//! The man pages under man/ are what the CLI definitions generate today.

use std::collections::BTreeMap;
use std::path::Path;

fn pages_in(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "1"))
                .map(|path| {
                    let name = path.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(&path).unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// After a CLI change, regenerate with GRANT_WRITE_MAN=1 cargo test committed_man_pages.
#[test]
fn committed_man_pages_match_the_cli() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let generated_dir = tempfile::tempdir().unwrap();
    grant::testing::write_pages(generated_dir.path()).unwrap();
    let generated = pages_in(generated_dir.path());
    for page in [
        "grant.1",
        "grant-doctor.1",
        "grant-profiles-convert.1",
        "grant-sso-login.1",
    ] {
        assert!(
            generated.contains_key(page),
            "no {page} among {:?}",
            generated.keys()
        );
    }
    if std::env::var_os("GRANT_WRITE_MAN").is_some() {
        if folder.exists() {
            std::fs::remove_dir_all(&folder).unwrap();
        }
        std::fs::create_dir_all(&folder).unwrap();
        grant::testing::write_pages(&folder).unwrap();
    }
    let committed = pages_in(&folder);
    let stale: Vec<&String> = generated
        .keys()
        .chain(committed.keys())
        .filter(|name| generated.get(*name) != committed.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "man/ is out of date ({stale:?}): run GRANT_WRITE_MAN=1 cargo test committed_man_pages"
    );
}
