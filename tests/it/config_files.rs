//! Config files that grant only reads must come out of any command untouched, and
//! reading never creates files outside grant's state folder (which keeps the list
//! of profile names for completion).

use crate::support::{TestEnv, success};

fn tree(root: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            found.push(path.strip_prefix(root).unwrap().display().to_string());
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn read_only_commands_create_and_change_nothing() {
    let env = TestEnv::new();
    let config = std::fs::read_to_string(
        crate::support::corpus_dir().join("config/comments-and-spacing.ini"),
    )
    .unwrap();
    env.write_aws_config(&config);
    let before = tree(env.home.parent().unwrap());
    success(&env.run(&["profiles"]));
    success(&env.run(&["settings", "list"]));
    success(&env.run(&["settings", "get", "DefaultSSORegion"]));
    let outside_state = |paths: Vec<String>| -> Vec<String> {
        paths
            .into_iter()
            .filter(|path| !path.starts_with("state"))
            .collect()
    };
    assert_eq!(
        outside_state(tree(env.home.parent().unwrap())),
        outside_state(before)
    );
    assert_eq!(
        std::fs::read_to_string(env.aws_config_path()).unwrap(),
        config
    );
}
