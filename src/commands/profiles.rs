//! `grant profiles`: profile names for people and for shell completion.

use crate::config::AwsFiles;

pub fn run() -> anyhow::Result<()> {
    super::print_lines(AwsFiles::list_profile_names()?.iter())?;
    Ok(())
}
