//! The release's PowerShell installer (`packaging/grant-installer.ps1`), read with
//! tree-sitter's PowerShell grammar (`tests/it/python/powershell_reader.py`), as
//! PowerShell cannot be installed on the test machines. It must parse, and its
//! straight-line code must refuse a download before it installs anything: the
//! published sum is taken only as exactly 64 hex digits, then `Get-FileHash -Algorithm
//! SHA256`, then a `throw` when the two differ, and only after that any
//! `Expand-Archive`, `Copy-Item`, `Move-Item` or PATH change. The checker is run on
//! broken copies of the script too, so that it is seen to fail. The copy a release
//! publishes (`packaging/pin-installer.sh`) differs only in its download folder.
//!
//! This reads the code; it does not run it. Downloading, unpacking and the PATH
//! change on a real Windows are not verified here.

use std::path::Path;

use serde_json::Value;

use crate::powershell::read;
use crate::support::python_with_module;

const INSTALLER: &str = include_str!("../../packaging/grant-installer.ps1");

/// Commands that change the machine: none may run before the hash is checked.
const INSTALLING: [&str; 5] = [
    "Expand-Archive",
    "Copy-Item",
    "Move-Item",
    "Set-ItemProperty",
    "Remove-Item",
];

fn commands<'a>(read: &'a Value, name: &str) -> Vec<&'a Value> {
    read["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|command| command["name"] == name)
        .collect()
}

fn throws(read: &Value) -> &Vec<Value> {
    read["throws"].as_array().unwrap()
}

fn number(value: &Value) -> u64 {
    value.as_u64().unwrap()
}

/// Why `code` could install a download that does not match its sum, if it could.
fn hash_checked_before_install(python: &Path, code: &str) -> Result<(), String> {
    let read = read(python, code);
    if read["errors"] != Value::Array(Vec::new()) {
        return Err(format!("does not parse: {}", read["errors"]));
    }
    // Source order is run order only in straight-line code: no functions, and no
    // `exit`, which would close the session of `irm | iex`.
    if read["functions"] != 0 || read["exits"] != 0 {
        return Err("defines functions or exits".to_owned());
    }
    let hashes = commands(&read, "Get-FileHash");
    let [hash] = hashes.as_slice() else {
        return Err(format!("{} Get-FileHash commands, not one", hashes.len()));
    };
    let words: Vec<&str> = hash["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|word| word.as_str().unwrap())
        .collect();
    if !words
        .windows(2)
        .any(|pair| pair == ["-Algorithm", "SHA256"])
    {
        return Err(format!("Get-FileHash is not SHA-256: {words:?}"));
    }
    let hashed_at = number(&hash["start"]);
    let block = &hash["block"];
    // The sum from the network is refused unless it is exactly 64 hex digits.
    let validated = throws(&read).iter().any(|throw| {
        throw["if"]
            .as_str()
            .is_some_and(|condition| condition.contains("-cnotmatch '\\A[0-9a-fA-F]{64}\\z'"))
            && &throw["if_block"] == block
            && number(&throw["start"]) < hashed_at
    });
    if !validated {
        return Err("the published sum is not checked to be 64 hex digits before use".to_owned());
    }
    // Right after the hash, in the same block: if the two differ, throw.
    let refusal = throws(&read).iter().find(|throw| {
        let Some(condition) = throw["if"].as_str() else {
            return false;
        };
        let compared: Vec<&str> = condition.split(' ').collect();
        let [left, "-cne" | "-ne", right] = compared.as_slice() else {
            return false;
        };
        let assigned_from_hash =
            |name: &str| code.contains(&format!("{name} = (Get-FileHash -LiteralPath"));
        &throw["if_block"] == block
            && number(&throw["if_start"]) > hashed_at
            && (assigned_from_hash(left) || assigned_from_hash(right))
    });
    let Some(refusal) = refusal else {
        return Err("no throw when the hash differs, after Get-FileHash in its block".to_owned());
    };
    let refused_at = number(&refusal["start"]);
    for name in INSTALLING {
        for command in commands(&read, name) {
            if number(&command["start"]) < refused_at {
                return Err(format!("{name} comes before the hash is checked"));
            }
        }
    }
    let unpacks = commands(&read, "Expand-Archive");
    if unpacks.is_empty() || unpacks.iter().any(|unpack| &unpack["block"] != block) {
        return Err("Expand-Archive is not in the straight line of the hash check".to_owned());
    }
    Ok(())
}

#[test]
fn powershell_installer_checks_the_sha256_before_it_installs_anything() {
    let Some(python) = python_with_module("tree_sitter_powershell") else {
        return;
    };
    assert_eq!(hash_checked_before_install(&python, INSTALLER), Ok(()));
    // The script installs from the release it is attached to: packages.sh pins this line.
    assert!(INSTALLER.contains(
        "\n    $release = 'https://github.com/grant-cli/grant/releases/latest/download'\n"
    ));
}

#[test]
fn the_installer_check_fails_on_scripts_that_install_unchecked_downloads() {
    let Some(python) = python_with_module("tree_sitter_powershell") else {
        return;
    };
    let hash_line = "        $actual = (Get-FileHash";
    let unpack = "        Expand-Archive -LiteralPath $archivePath -DestinationPath $unpacked\n";
    assert!(INSTALLER.contains(hash_line) && INSTALLER.contains(unpack));
    let unpacked_first = INSTALLER
        .replace(unpack, "")
        .replace(hash_line, &format!("{unpack}{hash_line}"));
    let copied_first = INSTALLER.replace(
        hash_line,
        &format!(
            "        Copy-Item -LiteralPath $archivePath -Destination $installDir\n{hash_line}"
        ),
    );
    let warns_only = INSTALLER.replace(
        "throw \"grant-installer: $archiveName does not match",
        "Write-Warning \"grant-installer: $archiveName does not match",
    );
    let compares_nothing = INSTALLER.replace("if ($actual -cne $expected)", "if ($false)");
    let any_sum = INSTALLER.replace("{64}", "{1,64}");
    let exits = INSTALLER.replace(
        "    $ErrorActionPreference = 'Stop'\n",
        "    $ErrorActionPreference = 'Stop'\n    if ($env:X) { exit 1 }\n",
    );
    let unparsable = INSTALLER.replace(
        "if ($actual -cne $expected) {",
        "if ($actual -cne $expected {",
    );
    for (what, broken) in [
        ("unpacks first", unpacked_first),
        ("copies first", copied_first),
        ("warns only", warns_only),
        ("compares nothing", compares_nothing),
        ("takes any sum", any_sum),
        ("exits", exits),
        ("does not parse", unparsable),
    ] {
        assert_ne!(
            broken, INSTALLER,
            "{what}: the script changed, update this test"
        );
        let verdict = hash_checked_before_install(&python, &broken);
        assert!(verdict.is_err(), "the check passed a script that {what}");
    }
}

/// The installer a release publishes (packages.sh runs packaging/pin-installer.sh):
/// the same script, its download folder pinned to that release's tag, and still
/// checked before it installs; a version or repository that could break out of the
/// sed replacement or the PowerShell string is refused.
#[cfg(unix)]
#[test]
fn the_released_installer_is_pinned_to_its_release_and_still_checks() {
    use std::process::Command;

    use crate::support::{stderr, success};

    let pin = |version: &str, repository: &str| {
        Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/packaging/pin-installer.sh"
            ))
            .args([version, repository])
            .output()
            .unwrap()
    };
    let pinned = success(&pin("v1.2.3", "https://github.com/grant-cli/grant"));
    assert_eq!(
        pinned,
        INSTALLER.replace("releases/latest/download'", "releases/download/v1.2.3'")
    );
    assert_ne!(pinned, INSTALLER);
    if let Some(python) = python_with_module("tree_sitter_powershell") {
        assert_eq!(hash_checked_before_install(&python, &pinned), Ok(()));
    }
    for (version, repository) in [
        ("1.2|3", "https://github.com/grant-cli/grant"),
        ("1.2.3'", "https://github.com/grant-cli/grant"),
        ("", "https://github.com/grant-cli/grant"),
        ("1.2.3", "https://github.com/grant-cli/grant'; calc"),
        ("1.2.3", "https://github.com/a|b"),
        ("1.2.3", "http://github.com/grant-cli/grant"),
    ] {
        let output = pin(version, repository);
        assert!(
            !output.status.success() && output.stdout.is_empty(),
            "pinned to {version:?} {repository:?}"
        );
        assert!(stderr(&output).starts_with("pin-installer.sh: not a"));
    }
}
