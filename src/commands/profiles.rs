//! `grant profiles`: profile names for people and for shell completion.

use crate::config::AwsFiles;

pub fn run() -> anyhow::Result<()> {
    let files = AwsFiles::load()?;
    super::print_lines(files.profile_names())?;
    Ok(())
}
