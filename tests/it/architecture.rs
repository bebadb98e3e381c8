//! The shape of `src/`: no two files import each other, directly or around a loop
//! (a module and the files inside it excepted: a parent declares its children), and
//! `src/cli.rs` holds clap definitions only.
//!
//! Imports are read from the text: every `crate::a::b` and `super::x` path outside
//! comments and test modules, resolved to the longest path that is a file.

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

/// Every `prefix` path in `code`, as its `::`-separated words.
fn paths_after<'a>(code: &'a str, prefix: &str) -> Vec<Vec<&'a str>> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(index) = rest.find(prefix) {
        let before = rest[..index].chars().next_back();
        rest = &rest[index + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let words: Vec<&str> = rest
            .split("::")
            .map_while(|word| {
                let end = word
                    .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                    .unwrap_or(word.len());
                (end > 0).then(|| &word[..end])
            })
            .collect();
        found.push(words);
    }
    found
}

fn imports(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let resolve = |words: &[&str]| {
        (1..=words.len())
            .rev()
            .map(|n| words[..n].join("::"))
            .find(|candidate| files.contains_key(candidate))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in files {
        let parent: Vec<&str> = module.split("::").collect();
        let parent = &parent[..parent.len() - 1];
        let mut targets = Vec::new();
        for words in paths_after(code, "crate::") {
            targets.extend(resolve(&words));
        }
        for words in paths_after(code, "super::") {
            let mut full: Vec<&str> = parent.to_vec();
            full.extend(words);
            targets.extend(resolve(&full).or_else(|| resolve(parent)));
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
