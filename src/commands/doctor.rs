//! `grant doctor [--profile P] [--json]`: the findings of `crate::doctor`, one line
//! each on stdout (they are the command's output), or a JSON array. Exits 1 when
//! something needs fixing. Never prompts or opens anything; its one request (the
//! clock) goes out only when the config uses IAM Identity Center.

use anyhow::Context;

use crate::cli::DoctorArgs;
use crate::doctor;
use crate::settings::Settings;

pub fn run(args: &DoctorArgs) -> anyhow::Result<()> {
    let settings = Settings::load().context("cannot load grant's settings")?;
    let findings = doctor::check(&settings, args.profile.as_deref());
    if args.json {
        let json = serde_json::to_string_pretty(&findings).context("cannot write the findings")?;
        super::print_lines([json])?;
    } else {
        super::print_lines(doctor::report_lines(&findings))?;
    }
    if findings.iter().any(doctor::Finding::needs_fixing) {
        std::process::exit(1);
    }
    Ok(())
}
