//! The shape of `src/`: no two files import each other, directly or around a loop
//! (a module and the files inside it excepted: a parent declares its children),
//! `src/cli.rs` holds clap definitions only, and ARCHITECTURE.md names every
//! module and every dependency between top-level modules.
//!
//! Imports are read from the text: every path that `crate::` or `super::` starts,
//! outside comments and test modules, in every form of `use` (groups nested or not,
//! `self`, renames, globs, `super::super`), each resolved to the longest path that is
//! a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module path (`config::file`) to the file's code without comments and tests.
fn source_files() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    collect(&root, &root, &mut files);
    assert!(files.len() > 30, "src/ was not found");
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".rs") || name == "tests.rs" {
            continue;
        }
        let relative = path.strip_prefix(root).unwrap().with_extension("");
        let mut module = relative.to_string_lossy().replace('/', "::");
        if let Some(parent) = module.strip_suffix("::mod") {
            module = parent.to_owned();
        }
        files.insert(module, code_only(&std::fs::read_to_string(&path).unwrap()));
    }
}

/// The text before the first test module, each line without its `//` comment.
fn code_only(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path that `prefix` (`crate::` or `super::`) starts in `code`, in any form
/// `use` has: `crate::a::b`, `crate::{a, b::c}`, nested groups, `self` in a group,
/// `as` renames, globs, `super::super::x`. Each path is its `::`-separated words.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(index) = rest.find(prefix) {
        let before = rest[..index].chars().next_back();
        rest = &rest[index + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let (paths, after) = use_tree(rest);
        found.extend(paths);
        rest = after;
    }
    found
}

/// The paths of the use tree at the start of `text`, and the text after it.
fn use_tree(text: &str) -> (Vec<Vec<String>>, &str) {
    let mut words: Vec<String> = Vec::new();
    let mut rest = text.trim_start();
    loop {
        if let Some(inside) = rest.strip_prefix('{') {
            let (branches, after) = group(inside);
            let paths = branches
                .into_iter()
                .map(|branch| words.iter().cloned().chain(branch).collect())
                .collect();
            return (paths, after);
        }
        if let Some(after) = rest.strip_prefix('*') {
            rest = after;
            break;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        if &rest[..end] != "self" {
            words.push(rest[..end].to_owned());
        }
        rest = &rest[end..];
        match rest.trim_start().strip_prefix("::") {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    (vec![words], skip_rename(rest))
}

/// The branches of a `{…}` group (the text after its `{`), and the text after its `}`.
fn group(text: &str) -> (Vec<Vec<String>>, &str) {
    let mut branches = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            return (branches, after);
        }
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
            continue;
        }
        let (paths, after) = use_tree(rest);
        if after.len() == rest.len() {
            // Not a path (or the end of the text): step over one character.
            let mut chars = rest.chars();
            if chars.next().is_none() {
                return (branches, rest);
            }
            rest = chars.as_str();
            continue;
        }
        branches.extend(paths);
        rest = after;
    }
}

/// `text` without a leading ` as name`.
fn skip_rename(text: &str) -> &str {
    let trimmed = text.trim_start();
    match trimmed.strip_prefix("as") {
        Some(after) if after.starts_with(char::is_whitespace) => {
            let after = after.trim_start();
            let end = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            &after[end..]
        }
        _ => text,
    }
}

fn imports(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let resolve = |words: &[String]| {
        (1..=words.len())
            .rev()
            .map(|n| words[..n].join("::"))
            .find(|candidate| files.contains_key(candidate))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in files {
        let mut targets = Vec::new();
        for words in paths_after(code, "crate::") {
            targets.extend(resolve(&words));
        }
        for words in paths_after(code, "super::") {
            let mut parent: Vec<String> = module.split("::").map(str::to_owned).collect();
            parent.pop();
            let mut words = words.as_slice();
            while let Some(rest) = words.strip_prefix(&["super".to_owned()]) {
                parent.pop();
                words = rest;
            }
            let full: Vec<String> = parent.iter().chain(words).cloned().collect();
            targets.extend(resolve(&full).or_else(|| resolve(&parent)));
        }
        let targets = targets.into_iter().filter(|target| target != module);
        edges.entry(module.clone()).or_default().extend(targets);
    }
    edges
}

fn related(a: &str, b: &str) -> bool {
    a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
}

/// A loop of imports that is not only modules and the files inside them.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        for next in edges.get(node).into_iter().flatten() {
            if let Some(start) = path.iter().position(|n| n == next) {
                let cycle = path[start..].to_vec();
                let only_family =
                    (0..cycle.len()).all(|i| related(&cycle[i], &cycle[(i + 1) % cycle.len()]));
                if !only_family {
                    return Some(cycle);
                }
                continue;
            }
            if done.contains(next) {
                continue;
            }
            path.push(next.clone());
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
            path.pop();
        }
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, edges, &mut vec![node.clone()], &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn no_file_of_src_imports_itself_around_a_loop() {
    let edges = imports(&source_files());
    if let Some(cycle) = find_cycle(&edges) {
        panic!("an import cycle: {} -> {}", cycle.join(" -> "), cycle[0]);
    }
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in pairs {
            map.entry((*from).to_owned())
                .or_default()
                .insert((*to).to_owned());
        }
        map
    };
    assert!(find_cycle(&edges(&[("a", "b"), ("b", "c"), ("c", "a")])).is_some());
    assert!(find_cycle(&edges(&[("a::x", "a::y"), ("a::y", "a::x")])).is_some());
    assert!(find_cycle(&edges(&[("a", "a::x"), ("a::x", "a")])).is_none());
    assert!(find_cycle(&edges(&[("a", "b"), ("b", "c")])).is_none());
    let files: BTreeMap<String, String> = [
        ("a".to_owned(), "use crate::b::Thing;".to_owned()),
        ("b".to_owned(), "fn f() { super::a::g() }".to_owned()),
    ]
    .into();
    assert!(find_cycle(&imports(&files)).is_some());
}

/// Each form of `use` (and a plain path in code) closes a planted loop `m::a -> m::b
/// -> m::a`; the guard must see every one, and must not see one where there is none.
#[test]
fn the_guard_sees_a_cycle_through_every_form_of_use() {
    let forms = [
        "use crate::m::a::Thing;",
        "use crate::m::a;",
        "pub(crate) use crate::m::a::Thing;",
        "use crate::{m::a::Thing, other};",
        "use crate::{other, m::{a::{self, Thing}}};",
        "use crate::{\n    other,\n    m::a::{\n        One,\n        Two,\n    },\n};",
        "use crate::m::a::{self};",
        "use crate::m::a as renamed;",
        "use crate::{m::a::Thing as Renamed};",
        "use crate::m::a::*;",
        "use super::a::Thing;",
        "use super::a;",
        "use super::{a, other};",
        "use super::{other::X, a::{One, Two}};",
        "use super::super::m::a::Thing;",
        "use super::super::{m::{a}};",
        "fn f() { crate::m::a::g() }",
        "fn f() { super::a::g() }",
    ];
    for form in forms {
        let files: BTreeMap<String, String> = [
            ("m".to_owned(), String::new()),
            ("m::a".to_owned(), "use crate::m::b::Other;".to_owned()),
            ("m::b".to_owned(), form.to_owned()),
            ("other".to_owned(), String::new()),
        ]
        .into();
        assert!(
            find_cycle(&imports(&files)).is_some(),
            "the guard missed the loop closed by `{form}`"
        );
    }
    let no_loop = [
        "use crate::other;",
        "use crate::{other, m::b::Thing};",
        "use super::{b::X, super::other};",
        "use crate::other as a;",
        "fn f() { crate::debug!(\"m::a\") }",
    ];
    for form in no_loop {
        let files: BTreeMap<String, String> = [
            ("m".to_owned(), String::new()),
            ("m::a".to_owned(), "use crate::m::b::Other;".to_owned()),
            ("m::b".to_owned(), form.to_owned()),
            ("other".to_owned(), String::new()),
        ]
        .into();
        let cycle = find_cycle(&imports(&files));
        assert!(cycle.is_none(), "`{form}` is no loop, yet {cycle:?}");
    }
}

#[test]
fn the_command_line_file_imports_nothing_from_the_logic() {
    let files = source_files();
    let cli = &files["cli"];
    let used: Vec<String> = paths_after(cli, "crate::")
        .into_iter()
        .map(|words| words.join("::"))
        .chain(
            paths_after(cli, "super::")
                .into_iter()
                .map(|w| w.join("::")),
        )
        .collect();
    assert!(used.is_empty(), "src/cli.rs uses {used:?}");
}

/// The top-level module of a file's module path (`commands::assume` is `commands`).
fn top_level(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// ARCHITECTURE.md's "Direction of dependencies": each `a, b -> c, d (why), e` line
/// (continued on indented lines) as each importer to its targets, and the leaves.
fn documented_dependencies() -> (BTreeMap<String, BTreeSet<String>>, BTreeSet<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md");
    let text = std::fs::read_to_string(path).unwrap();
    let section = text
        .split("## Direction of dependencies")
        .nth(1)
        .and_then(|rest| rest.split("```").nth(1))
        .expect("ARCHITECTURE.md has a dependencies block");
    let mut lines: Vec<String> = Vec::new();
    for line in section.lines().filter(|line| !line.trim().is_empty()) {
        match lines.last_mut() {
            Some(last) if line.starts_with(char::is_whitespace) => last.push_str(line),
            _ => lines.push(line.to_owned()),
        }
    }
    let names = |list: &str| -> BTreeSet<String> {
        let mut depth = 0;
        let mut plain = String::new();
        for c in list.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        plain
            .split(',')
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .collect()
    };
    let mut edges = BTreeMap::new();
    let mut leaves = BTreeSet::new();
    for line in lines {
        if let Some((from, to)) = line.split_once("->") {
            for from in names(from) {
                edges.insert(from, names(to));
            }
        } else if let Some((list, _)) = line.split_once(": the leaves") {
            leaves = names(list);
        }
    }
    (edges, leaves)
}

/// Every import of one top-level module from another is in ARCHITECTURE.md's
/// dependencies (or the importer is one of its leaves, which import nothing), and
/// every top-level module is named in its Modules table.
#[test]
fn architecture_md_names_every_module_and_dependency() {
    let files = source_files();
    let (documented, leaves) = documented_dependencies();
    let mut missing = Vec::new();
    for (module, targets) in imports(&files) {
        let from = top_level(&module);
        for target in targets {
            let to = top_level(&target);
            if from == to || from == "lib" {
                continue;
            }
            let listed = documented.get(from).is_some_and(|list| list.contains(to));
            if !listed {
                missing.push(format!("{from} -> {to} ({module} uses {target})"));
            }
        }
        if leaves.contains(from) && documented.contains_key(from) {
            missing.push(format!("{from} is both a leaf and an importer"));
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md leaves out:\n  {}",
        missing.join("\n  ")
    );
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap();
    let table = text
        .split("## Modules")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap();
    let unnamed: BTreeSet<&str> = files
        .keys()
        .map(|module| top_level(module))
        .filter(|&name| name != "lib")
        .filter(|name| {
            !table.contains(&format!("`{name}.rs`")) && !table.contains(&format!("`{name}/`"))
        })
        .collect();
    assert!(
        unnamed.is_empty(),
        "ARCHITECTURE.md's Modules table leaves out {unnamed:?}"
    );
}
