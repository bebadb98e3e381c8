//! What the user sees while a sign-in waits: the URL and code as plain lines (so
//! they survive in logs and without a terminal), plus a spinner with the time left
//! when stderr is a terminal. Under credential-process the lines go to /dev/tty,
//! because the AWS CLI shows a credential process's stderr only after it exits.
//! The URL and code come from a server and `what` names a configured start URL, so
//! all of them are shown through [`shown`].

use std::io::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::term_text::shown;

pub struct Waiting {
    spinner: ProgressBar,
}

impl Waiting {
    pub fn start(what: &str, url: &str, code: Option<&str>, on_terminal: bool) -> Self {
        let mut text = format!("{}, open: {}\n", shown(what), shown(url));
        if let Some(code) = code {
            text.push_str(&format!(
                "and check that it shows the code: {}\n",
                shown(code)
            ));
        }
        let terminal = on_terminal.then(crate::terminal::open_tty).flatten();
        let target = match terminal {
            Some(mut tty) => {
                let _ = tty.write_all(text.as_bytes());
                ProgressDrawTarget::hidden()
            }
            None => {
                eprint!("{text}");
                ProgressDrawTarget::stderr()
            }
        };
        let spinner = ProgressBar::with_draw_target(None, target);
        spinner.set_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.enable_steady_tick(Duration::from_millis(120));
        Waiting { spinner }
    }

    pub fn time_left(&self, left: Duration) {
        let seconds = left.as_secs();
        self.spinner.set_message(format!(
            "Waiting for the sign-in ({}:{:02} left, Ctrl-C to cancel)",
            seconds / 60,
            seconds % 60
        ));
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.spinner.finish_and_clear();
    }
}
