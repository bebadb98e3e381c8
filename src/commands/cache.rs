//! `grant cache clear`: forget cached credentials, keeping the SSO sign-ins.

use crate::cli::CacheCommand;
use crate::credentials::cache;
use crate::secrets::SecretStore;

use crate::shell::shell_word;
use crate::term_text::shown;

pub fn run(command: CacheCommand) -> anyhow::Result<()> {
    let CacheCommand::Clear { profile, .. } = command;
    let settings = super::settings()?;
    let store = SecretStore::open(settings)?;
    let deleted = cache::clear(&store, profile.as_deref())?;
    let whose = match &profile {
        Some(name) => format!("of profile {}", shown(&shell_word(name))),
        None => "of every profile and role".to_owned(),
    };
    eprintln!("grant: deleted {deleted} cached credentials {whose}");
    Ok(())
}
