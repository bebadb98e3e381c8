//! `grant registry add|list|sync|remove|allow`: profiles a team shares through git.

use std::collections::BTreeMap;

use anyhow::{Context, bail};

use crate::cli::{
    PopulateArgs, RegistryAddArgs, RegistryAllowArgs, RegistryCommand, RegistrySyncArgs,
};
use crate::registry::sync::{self, Fresh, Written};
use crate::registry::vet::{self, Allowance};
use crate::registry::{self, Prefix, Registries, Registry, source};
use crate::term_text::shown;
use crate::{paths, terminal};

pub fn run(command: RegistryCommand) -> anyhow::Result<()> {
    match command {
        RegistryCommand::Add(args) => add(&args),
        RegistryCommand::List => list(),
        RegistryCommand::Sync(args) => sync_command(&args),
        RegistryCommand::Remove { name } => remove(&name),
        RegistryCommand::Allow(args) => allow(&args),
    }
}

fn add(args: &RegistryAddArgs) -> anyhow::Result<()> {
    if !registry::is_valid_name(&args.name) {
        bail!(
            "registry name '{}': use letters, digits and _-. only (at most 64, not starting with - or .)",
            shown(&args.name)
        );
    }
    check_argument("the URL", &args.url)?;
    for text in [&args.reference, &args.path, &args.filename]
        .into_iter()
        .flatten()
    {
        check_argument("--ref, --path and --filename", text)?;
    }
    let mut registries = Registries::edit()?;
    if registries.get(&args.name).is_some() {
        bail!(
            "a registry named {} exists already: `grant registry sync {0}` updates it, `grant registry remove {0}` forgets it",
            args.name
        );
    }
    let prefix = if args.prefix_all_profiles {
        Prefix::All
    } else if args.prefix_duplicate_profiles {
        Prefix::Duplicates
    } else {
        Prefix::None
    };
    let mut record = Registry {
        name: args.name.clone(),
        url: args.url.clone(),
        reference: args.reference.clone(),
        path: args.path.clone(),
        filename: args.filename.clone(),
        prefix,
        priority: args.priority,
        values: parse_values(&args.required_keys)?,
        allowed: Vec::new(),
        synced: None,
        failed: None,
    };
    let fetched = fetch_and_read(&mut record, false);
    let (commit, contents) = match fetched {
        Ok(fetched) => fetched,
        Err(error) => {
            let _ = std::fs::remove_dir_all(record.clone_dir());
            return Err(error);
        }
    };
    registries.list.push(record);
    let name = args.name.clone();
    let written = sync::write_blocks(
        &paths::aws_config_file(),
        &mut registries,
        vec![Fresh {
            name,
            commit,
            contents,
        }],
        None,
    );
    let written = match written {
        Ok(written) => written,
        Err(error) => {
            let _ = std::fs::remove_dir_all(
                registries
                    .list
                    .last()
                    .map(Registry::clone_dir)
                    .unwrap_or_default(),
            );
            return Err(error);
        }
    };
    registries.save()?;
    report(&written);
    Ok(())
}

/// A flag value handed to git: one line, not an option.
fn check_argument(what: &str, text: &str) -> anyhow::Result<()> {
    if text.is_empty() || text.starts_with('-') || text.chars().any(char::is_control) {
        bail!(
            "{what} '{}': must not be empty, start with - or hold control characters",
            shown(text)
        );
    }
    Ok(())
}

fn parse_values(pairs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
            _ => bail!("--required-key '{}': write it as KEY=VALUE", shown(pair)),
        })
        .collect()
}

/// Fetches the registry (cloning it the first time), reads what it holds and makes
/// sure every required template value has an answer.
fn fetch_and_read(
    record: &mut Registry,
    allow_rewrite: bool,
) -> anyhow::Result<(String, source::Contents)> {
    let commit = registry::update_clone(record, allow_rewrite)
        .with_context(|| format!("registry {}", record.name))?;
    let contents = read_clone(record)?;
    ask_required_values(record, &contents)?;
    Ok((commit, contents))
}

fn read_clone(record: &Registry) -> anyhow::Result<source::Contents> {
    source::read(&record.clone_dir(), &record.layout())
        .map_err(|error| anyhow::anyhow!("registry {}: {}", record.name, shown(&error.to_string())))
}

fn ask_required_values(record: &mut Registry, contents: &source::Contents) -> anyhow::Result<()> {
    for wanted in contents
        .template_values
        .iter()
        .filter(|value| value.required)
    {
        if record.values.contains_key(&wanted.name) {
            continue;
        }
        let question = format!(
            "Registry {}: {} ({}): ",
            record.name,
            shown(&wanted.name),
            shown(wanted.prompt.as_deref().unwrap_or("a value of yours"))
        );
        match terminal::person_can_answer()
            .then(|| terminal::ask(&question))
            .flatten()
        {
            Some(answer) if !answer.is_empty() => {
                record.values.insert(wanted.name.clone(), answer);
            }
            _ => bail!(
                "registry {} needs your value for {}: run it again with --required-key {}=VALUE",
                record.name,
                shown(&wanted.name),
                shown(&wanted.name)
            ),
        }
    }
    Ok(())
}

fn sync_command(args: &RegistrySyncArgs) -> anyhow::Result<()> {
    let mut registries = Registries::edit()?;
    let names = match &args.name {
        Some(name) if registries.get(name).is_none() => bail!(
            "no registry named {}: `grant registry list` shows them",
            shown(name)
        ),
        Some(name) => vec![name.clone()],
        None => registries.by_priority(),
    };
    if names.is_empty() {
        bail!("no registry to sync: add one with `grant registry add NAME URL`");
    }
    let answers = parse_values(&args.required_keys)?;
    let mut fresh = Vec::new();
    let mut failures = Vec::new();
    for name in &names {
        let Some(record) = registries.get_mut(name) else {
            continue;
        };
        record.values.extend(answers.clone());
        match fetch_and_read(record, args.allow_rewritten_history) {
            Ok((commit, contents)) => fresh.push(Fresh {
                name: name.clone(),
                commit,
                contents,
            }),
            Err(error) => {
                let message = crate::term_text::one_line(&error);
                record.failed = Some(registry::Failed {
                    at: registry::now(),
                    message: message.clone(),
                });
                failures.push(kept_block_line(record, &message));
            }
        }
    }
    let written = sync::write_blocks(&paths::aws_config_file(), &mut registries, fresh, None)?;
    registries.save()?;
    report(&written);
    if args.populate {
        populate_sessions(&written)?;
    }
    if !failures.is_empty() {
        bail!("{}", failures.join("; "));
    }
    Ok(())
}

fn kept_block_line(record: &Registry, message: &str) -> String {
    match &record.synced {
        Some(synced) => format!(
            "{message} (the profiles of commit {} stay in place)",
            registry::short(&synced.commit)
        ),
        None => message.to_owned(),
    }
}

/// `grant sso populate` for each sso-session a registry brought: the member's own
/// profiles for every account and role they reach.
fn populate_sessions(written: &[Written]) -> anyhow::Result<()> {
    for one in written {
        for (session, start_url, region) in &one.merged.sso_sessions {
            eprintln!("registry {}: populating sso-session {session}", one.name);
            super::populate::run(
                &PopulateArgs {
                    start_url: Some(start_url.clone()),
                    region: Some(region.clone()),
                    sso_session: Some(session.clone()),
                    prefix: String::new(),
                    profile_template: crate::cli::DEFAULT_PROFILE_TEMPLATE.to_owned(),
                    profile_region: None,
                    scopes: Vec::new(),
                    no_credential_process: false,
                    prune: false,
                    no_browser: false,
                },
                true,
            )?;
        }
    }
    Ok(())
}

fn remove(name: &str) -> anyhow::Result<()> {
    let mut registries = Registries::edit()?;
    let Some(record) = registries.get(name).cloned() else {
        bail!(
            "no registry named {}: `grant registry list` shows them",
            shown(name)
        );
    };
    sync::write_blocks(
        &paths::aws_config_file(),
        &mut registries,
        Vec::new(),
        Some(name),
    )?;
    registries.list.retain(|registry| registry.name != name);
    registries.save()?;
    let _ = std::fs::remove_dir_all(record.clone_dir());
    eprintln!(
        "registry {name}: its block is gone from {} and its clone deleted",
        paths::aws_config_file().display()
    );
    Ok(())
}

fn allow(args: &RegistryAllowArgs) -> anyhow::Result<()> {
    let mut registries = Registries::edit()?;
    let Some(record) = registries.get_mut(&args.name) else {
        bail!(
            "no registry named {}: `grant registry list` shows them",
            shown(&args.name)
        );
    };
    if vet::names_a_command(&args.key) && args.value.is_none() {
        bail!(
            "{} runs a program: allow one exact command, `grant registry allow {} {} 'COMMAND'`",
            args.key,
            args.name,
            args.key
        );
    }
    let allowance = Allowance {
        key: args.key.to_ascii_lowercase(),
        value: args.value.clone(),
    };
    if !record.allowed.contains(&allowance) {
        record.allowed.push(allowance);
    }
    // Rewritten from the clone as it is: nothing is fetched.
    let commit = record.synced.as_ref().map(|synced| synced.commit.clone());
    let contents = read_clone(record)?;
    let Some(commit) = commit else {
        registries.save()?;
        return Ok(());
    };
    let name = args.name.clone();
    let written = sync::write_blocks(
        &paths::aws_config_file(),
        &mut registries,
        vec![Fresh {
            name,
            commit,
            contents,
        }],
        None,
    )?;
    registries.save()?;
    report(&written);
    Ok(())
}

fn list() -> anyhow::Result<()> {
    let registries = Registries::read()?;
    if registries.is_empty() {
        eprintln!("no registries: add one with `grant registry add NAME URL`");
        return Ok(());
    }
    let lines = registries.iter().map(|record| {
        let state = match (&record.synced, &record.failed) {
            (Some(synced), failed) => {
                format!(
                    "commit {} synced {} ago, {} profiles{}{}",
                    registry::short(&synced.commit),
                    registry::age(registry::now().saturating_sub(synced.at)),
                    synced.profiles.len(),
                    counted(", {} skipped", synced.skipped.len()),
                    counted(", {} keys refused", synced.refused.len())
                ) + &failed
                    .as_ref()
                    .map(|failed| format!("; last sync failed: {}", failed.message))
                    .unwrap_or_default()
            }
            (None, _) => "never synced".to_owned(),
        };
        shown(&format!(
            "{}  {}  priority {}  {state}",
            record.name, record.url, record.priority
        ))
        .into_owned()
    });
    super::print_lines(lines)?;
    Ok(())
}

fn counted(template: &str, count: usize) -> String {
    if count == 0 {
        String::new()
    } else {
        template.replace("{}", &count.to_string())
    }
}

/// What each sync wrote, skipped and refused, on stderr.
fn report(written: &[Written]) {
    let path = paths::aws_config_file();
    for one in written {
        eprintln!(
            "registry {}: {} profiles and {} sso-sessions of commit {} in {}",
            one.name,
            one.merged.profiles.len(),
            one.merged.sso_sessions.len(),
            registry::short(&one.commit),
            path.display()
        );
        for line in one.merged.skipped.iter().chain(&one.merged.refused) {
            eprintln!("registry {}: {}", one.name, shown(line));
        }
    }
}
