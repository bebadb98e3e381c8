//! Programs grant runs with credentials: `assume --exec -- CMD` (which becomes CMD)
//! and `serve -- CMD` (which waits for CMD, passing on signals and its status). Both
//! start CMD from an argument vector, never through a shell, with the environment
//! changed as a shell's `assume` would change it.

use std::process::Command;

use anyhow::{Context, bail};

use crate::shell::{EnvChange, shell_word};

pub use signals::Signals;

/// CMD (`command_line`, its program first) with `change` applied to the environment
/// it inherits; `missing` is the error when there is no program.
pub fn command(
    command_line: &[String],
    change: &EnvChange,
    missing: &str,
) -> anyhow::Result<Command> {
    let Some((program, arguments)) = command_line.split_first() else {
        bail!("{missing}");
    };
    let mut command = Command::new(program);
    command.args(arguments);
    for name in &change.unset {
        command.env_remove(name);
    }
    command.envs(change.set.iter().map(|(name, value)| (name, value)));
    Ok(command)
}

/// Replaces this process with `command` (so that signals and the exit status are
/// the command's own); returns only when it could not start.
pub fn exec(command: Command) -> anyhow::Error {
    let program = shell_word(&command.get_program().to_string_lossy());
    anyhow::Error::new(replace_process(command)).context(format!("cannot run {program}"))
}

#[cfg(unix)]
fn replace_process(mut command: Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    command.exec()
}

#[cfg(not(unix))]
fn replace_process(mut command: Command) -> std::io::Error {
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(error) => error,
    }
}

/// Runs `command`, forwarding `signals` to it, and returns its exit code (128 + the
/// signal that ended it, as shells report it).
pub fn run_forwarding(mut command: Command, signals: Signals) -> anyhow::Result<i32> {
    let program = shell_word(&command.get_program().to_string_lossy());
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot run {program}"))?;
    signals.forward_to(child.id());
    let status = child
        .wait()
        .with_context(|| format!("cannot wait for {program}"))?;
    Ok(exit_code(status))
}

#[cfg(unix)]
fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

#[cfg(not(unix))]
fn exit_code(status: std::process::ExitStatus) -> i32 {
    status.code().unwrap_or(1)
}

/// Signals grant takes while it serves (`grant serve`), installed before CMD starts so that none
/// is missed. SIGINT and SIGQUIT come from the terminal to CMD as well (one process
/// group): grant outlives them to pass on CMD's status, and does not send a second
/// copy. SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 are sent to grant alone (a
/// supervisor, `kill`): they are forwarded.
#[cfg(unix)]
mod signals {
    use tokio::runtime::Runtime;
    use tokio::signal::unix::{Signal, SignalKind, signal};

    pub struct Signals {
        runtime: Runtime,
        interrupt: Signal,
        quit: Signal,
        terminate: Signal,
        hangup: Signal,
        user1: Signal,
        user2: Signal,
    }

    impl Signals {
        pub fn catch() -> anyhow::Result<Signals> {
            let runtime = crate::aws::runtime()?;
            let _context = runtime.enter();
            Ok(Signals {
                interrupt: signal(SignalKind::interrupt())?,
                quit: signal(SignalKind::quit())?,
                terminate: signal(SignalKind::terminate())?,
                hangup: signal(SignalKind::hangup())?,
                user1: signal(SignalKind::user_defined1())?,
                user2: signal(SignalKind::user_defined2())?,
                runtime,
            })
        }

        /// Until SIGINT, SIGTERM or SIGHUP.
        pub fn wait_for_interrupt(mut self) {
            self.runtime.block_on(async {
                tokio::select! {
                    _ = self.interrupt.recv() => {}
                    _ = self.terminate.recv() => {}
                    _ = self.hangup.recv() => {}
                }
            });
        }

        /// Forwards, in a thread of its own, until the process ends.
        pub fn forward_to(mut self, pid: u32) {
            use rustix::process::{Pid, Signal as Number, kill_process};
            let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
                return;
            };
            std::thread::spawn(move || {
                self.runtime.block_on(async {
                    loop {
                        let number = tokio::select! {
                            _ = self.terminate.recv() => Number::TERM,
                            _ = self.hangup.recv() => Number::HUP,
                            _ = self.user1.recv() => Number::USR1,
                            _ = self.user2.recv() => Number::USR2,
                            _ = self.interrupt.recv() => continue,
                            _ = self.quit.recv() => continue,
                        };
                        let _ = kill_process(pid, number);
                    }
                });
            });
        }
    }
}

#[cfg(not(unix))]
mod signals {
    pub struct Signals {
        runtime: tokio::runtime::Runtime,
    }

    impl Signals {
        pub fn catch() -> anyhow::Result<Signals> {
            Ok(Signals {
                runtime: crate::aws::runtime()?,
            })
        }

        pub fn wait_for_interrupt(self) {
            let _ = self.runtime.block_on(tokio::signal::ctrl_c());
        }

        /// Ctrl-C reaches the command from the console; grant only waits for it.
        pub fn forward_to(self, _pid: u32) {
            std::thread::spawn(move || {
                loop {
                    let _ = self.runtime.block_on(tokio::signal::ctrl_c());
                }
            });
        }
    }
}
