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

/// What `grant init tcsh --save` writes: `statements` (the integration), run when
/// the grant that wrote them (`binary`, quoted) still has its modification time
/// `modified` (tcsh's `-M`, -1 for a missing file). Otherwise the grant on PATH
/// saves a new copy over `file` (quoted), which is sourced instead; the variable
/// keeps a copy that still does not match from renewing again. Plain commands, no
/// command substitution: tcsh would read a path inside one again as code.
pub fn saved_copy(statements: &str, binary: &str, modified: i64, file: &str) -> String {
    format!(
        "# grant's integration for tcsh, saved by `grant init tcsh --save`: `source` this\n\
         # file in ~/.tcshrc. It renews itself when the grant that wrote it changes.\n\
         if ( -M {binary} == {modified} || $?__grant_renewing ) then\n\
         {statements}\
         unset __grant_renewing\n\
         else\n\
         set __grant_renewing\n\
         grant init tcsh --save {file} > /dev/null\n\
         source {file}\n\
         endif\n"
    )
}
