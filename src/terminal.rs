//! Is there a person who can answer here? One decision, used by sign-in, auto-login,
//! MFA prompts, the profile picker and the choice of a browser, plus the one way to
//! reach that person: the controlling terminal (`/dev/tty`; the console on Windows),
//! which works even when stdout and stderr are pipes (a `credential_process` under
//! the AWS CLI).

use std::fs::File;
use std::io::{BufRead, IsTerminal, Write};

/// What the process can see of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Signals {
    ci: bool,
    stdin_is_terminal: bool,
    stderr_is_terminal: bool,
    /// `/dev/tty` opens: the process has a controlling terminal.
    controlling_terminal: bool,
    display: bool,
}

impl Signals {
    fn current() -> Self {
        Signals {
            ci: crate::env::is_ci(),
            stdin_is_terminal: std::io::stdin().is_terminal(),
            stderr_is_terminal: std::io::stderr().is_terminal(),
            controlling_terminal: open_tty().is_some(),
            display: crate::env::has_display(),
        }
    }

    /// Someone could type an answer: never in CI; a terminal on stdin or a
    /// controlling terminal.
    fn person_can_answer(self) -> bool {
        !self.ci && (self.stdin_is_terminal || self.controlling_terminal)
    }

    /// The fuzzy picker draws on stderr, and redraws forever when it is no terminal.
    fn picker_can_show(self) -> bool {
        !self.ci && self.stderr_is_terminal
    }

    /// Someone could see a browser window and come back to the terminal.
    fn person_can_use_a_browser(self) -> bool {
        !self.ci && (self.stderr_is_terminal || self.controlling_terminal) && self.display
    }
}

/// Whether a person could answer a sign-in or an MFA prompt.
pub fn person_can_answer() -> bool {
    Signals::current().person_can_answer()
}

/// Whether the fuzzy profile picker can be shown.
pub fn picker_can_show() -> bool {
    Signals::current().picker_can_show()
}

/// Whether a browser opened for a sign-in would be seen by someone.
pub fn person_can_use_a_browser() -> bool {
    Signals::current().person_can_use_a_browser()
}

/// The person's terminal, reached even when stdin, stdout and stderr are pipes: the
/// controlling terminal `/dev/tty` on Unix, the console (`CONIN$`, `CONOUT$`) on
/// Windows. Writing goes to `output`, answers come from `input`.
pub struct Tty {
    input: File,
    output: File,
}

impl Write for Tty {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.output.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.output.flush()
    }
}

/// The terminal, for reading and writing; `None` without one.
#[cfg(unix)]
pub fn open_tty() -> Option<Tty> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    Some(Tty {
        output: tty.try_clone().ok()?,
        input: tty,
    })
}

/// The console of this process, for reading and writing; `None` without one.
#[cfg(windows)]
pub fn open_tty() -> Option<Tty> {
    let open = |name: &str| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(name)
            .ok()
    };
    Some(Tty {
        input: open("CONIN$")?,
        output: open("CONOUT$")?,
    })
}

/// Asks `question` on the controlling terminal and returns the answer, trimmed;
/// `None` in CI, without a terminal, or when it cannot be read.
pub fn ask(question: &str) -> Option<String> {
    if crate::env::is_ci() {
        return None;
    }
    let mut tty = open_tty()?;
    write!(tty, "{question}").ok()?;
    tty.flush().ok()?;
    let mut line = String::new();
    std::io::BufReader::new(&tty.input)
        .read_line(&mut line)
        .ok()?;
    Some(line.trim().to_owned())
}

/// Asks `question` with the answer hidden as it is typed (a secret); `None` in CI,
/// without a terminal, or when it cannot be read.
pub fn ask_hidden(question: &str) -> Option<String> {
    if !person_can_answer() {
        return None;
    }
    dialoguer::Password::new()
        .with_prompt(question)
        .allow_empty_password(true)
        .interact()
        .ok()
        .map(|answer| answer.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (ci, stdin, stderr, /dev/tty, display) -> (answer, picker, browser)
    #[test]
    fn who_can_answer_and_what_can_be_shown() {
        type Row = ((bool, bool, bool, bool, bool), (bool, bool, bool));
        let table: [Row; 12] = [
            // A shell on a terminal, on a desktop.
            ((false, true, true, true, true), (true, true, true)),
            // credential_process under the AWS CLI: pipes, but a controlling terminal.
            ((false, false, false, true, true), (true, false, true)),
            // The same over SSH without a display.
            ((false, false, false, true, false), (true, false, false)),
            // assume's command substitution: stdout captured, stderr on the terminal.
            ((false, true, true, true, false), (true, true, false)),
            // A daemon or cron: nothing.
            ((false, false, false, false, true), (false, false, false)),
            // Stdin on a terminal, no controlling terminal (rare; trust stdin).
            ((false, true, false, false, false), (true, false, false)),
            // Stderr on a terminal only: nobody can type.
            ((false, false, true, false, true), (false, true, true)),
            // CI wins over everything.
            ((true, true, true, true, true), (false, false, false)),
            ((true, false, false, true, true), (false, false, false)),
            ((true, false, true, false, false), (false, false, false)),
            // A desktop session without any terminal: a browser no one returns from.
            ((false, false, false, false, true), (false, false, false)),
            // A terminal without a display: no browser, but a device code works.
            ((false, true, true, true, false), (true, true, false)),
        ];
        for ((ci, stdin, stderr, tty, display), expected) in table {
            let signals = Signals {
                ci,
                stdin_is_terminal: stdin,
                stderr_is_terminal: stderr,
                controlling_terminal: tty,
                display,
            };
            let decided = (
                signals.person_can_answer(),
                signals.picker_can_show(),
                signals.person_can_use_a_browser(),
            );
            assert_eq!(decided, expected, "{signals:?}");
        }
    }
}
