//! tcsh's way of taking a script: `eval` joins its lines, so each one is a
//! statement of its own.

/// `eval "`grant init tcsh`"` gets the lines as words joined by spaces: each line is
/// one statement ending in `;`, and the comments go.
pub(super) fn statements(script: &str) -> String {
    let mut statements = String::new();
    for line in script.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        statements.push_str(line);
        if !line.ends_with(';') {
            statements.push(';');
        }
        statements.push('\n');
    }
    statements
}
