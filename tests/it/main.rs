//! Integration tests: they run the real `grant` binary, each in its own temporary
//! HOME, config folder and state folder, against the fake AWS in `tests/fake-aws`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The tests read the environment of their runner (PATH, CI, the Python to use); the
// rule that only src/env.rs reads it is for grant itself.
#![allow(clippy::disallowed_methods)]
// What is marked `#[cfg(unix)]` here and in the modules drives programs written as
// sh scripts (fake browsers, MFA programs, wrappers), Unix shells, symlinks or
// permission bits; on Windows the rest runs.

mod shells;
mod support;

mod architecture;
mod assume;
mod aws_file_edits;

mod cold_path;
mod completions;
mod config_files;
mod console;
mod consumers;
// The secret agent and the keyctl seccomp filter are Linux only.
#[cfg(target_os = "linux")]
mod containers;
mod convert;
mod credential_process;
#[cfg(unix)]
mod directory_profiles;
mod doctor;
mod export;
mod fake_aws;
mod faults;
mod iam_users;
mod installer;
mod load;
mod man_pages;
#[cfg(unix)]
mod mfa_programs;
#[cfg(unix)]
mod picker;
mod populate;
mod powershell;
mod profile_suite;
mod profiles;
mod pwsh;
mod registry;
mod role_chains;
#[cfg(unix)]
mod saml;
mod secrets;
mod serve;
mod settings;
#[cfg(unix)]
mod shell_layer;
mod shell_quoting;
mod sso;
mod trust_config;
mod trust_display;
#[cfg(unix)]
mod trust_files;
mod trust_identity;
mod uninstall;
