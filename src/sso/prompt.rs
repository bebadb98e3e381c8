//! What the user sees while a sign-in waits: the URL and code as plain lines (so
//! they survive in logs and without a terminal), plus a spinner with the time left
//! when stderr is a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Waiting {
    spinner: ProgressBar,
}

impl Waiting {
    pub fn start(what: &str, url: &str, code: Option<&str>) -> Self {
        eprintln!("{what}, open: {url}");
        if let Some(code) = code {
            eprintln!("and check that it shows the code: {code}");
        }
        let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
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
