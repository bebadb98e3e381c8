//! The man pages of grant and of every subcommand, from the clap definitions of
//! `crate::cli`, as committed under `man/` for packaging. The binary never writes
//! them: `GRANT_WRITE_MAN=1 cargo test committed_man_pages` regenerates the folder.

use std::path::Path;

use clap::CommandFactory;

/// Writes `grant.1`, `grant-sso-login.1`, ... into `dir` (which must exist).
pub fn write_pages(dir: &Path) -> std::io::Result<()> {
    clap_mangen::generate_to(crate::cli::Cli::command(), dir)
}
