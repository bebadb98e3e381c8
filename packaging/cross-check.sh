#!/usr/bin/env bash
# Compiles grant, its tests and the fake AWS for Windows and macOS here, on Linux,
# with clippy's warnings as errors: code behind `cfg(windows)` or
# `cfg(target_os = "macos")`, and tests that only build on Unix, fail here rather
# than on a public CI host. Nothing is linked or run: that is left to the macOS and
# Windows jobs of .github/workflows/ci.yml (and, for Windows, to wine-smoke.sh).
#
# Rust's standard library for both targets comes from rustup. The one C library in
# the tree (aws-lc, under rustls) is compiled by zig, through cargo-zigbuild
# (packaging/zig-venv.sh); zig carries the C headers of both systems. Windows is
# checked as x86_64-pc-windows-gnu, whose headers zig has; the release builds
# x86_64-pc-windows-msvc, and grant's code has no `cfg(target_env)`, so both see
# the same Rust.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(x86_64-pc-windows-gnu aarch64-apple-darwin)

# The standard library of both targets comes from the Rust project's own server, not
# a package registry; a machine that cannot reach it skips this check, saying so.
if ! timeout 600 rustup target add "${targets[@]}"; then
    echo "cross-check: skipped, rustup could not install the standard library of ${targets[*]}" >&2
    exit 0
fi

PATH="$(packaging/zig-venv.sh)/bin:$PATH"
target_args=()
for target in "${targets[@]}"; do
    target_args+=(--target "$target")
done
cargo-zigbuild clippy --workspace --all-targets --locked --quiet "${target_args[@]}" -- -D warnings
