//! Integration tests: they run the real `grant` binary, each in its own temporary
//! HOME, config folder and state folder, against the fake AWS in `tests/fake-aws`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod shells;
mod support;

mod architecture;
mod assume;

mod completions;
mod config_files;
mod consumers;
mod credential_process;
mod fake_aws;
mod faults;
mod load;
mod populate;
mod powershell;
mod profile_suite;
mod profiles;
mod secrets;
mod settings;
mod shell_layer;
mod shell_quoting;
mod sso;
mod trust_config;
mod trust_display;
mod trust_files;
mod trust_identity;
