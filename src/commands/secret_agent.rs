//! `grant __secret-agent`: the per-user process that holds the secret store's data
//! keys where no keyring answers (see `crate::secrets::agent`).

use crate::cli::SecretAgentArgs;

#[cfg(target_os = "linux")]
pub fn run(args: &SecretAgentArgs) -> anyhow::Result<()> {
    if args.serve {
        crate::secrets::agent::serve(&args.dir)
    } else {
        crate::secrets::agent::launch(&args.dir)
    }
}

#[cfg(not(target_os = "linux"))]
pub fn run(_args: &SecretAgentArgs) -> anyhow::Result<()> {
    anyhow::bail!("the secret agent runs on Linux only; use the OS keyring here")
}
