#!/usr/bin/env bash
# Installs what the local release check needs (packaging/build.sh, check.sh, and
# `dist plan`), each only when missing or at another version, so a cached CI
# machine pays nothing: dist (cargo-dist, the version dist-workspace.toml names),
# cargo-deb, the x86_64-unknown-linux-musl target, and actionlint (a Go module,
# needs go). The Debian packages (musl-tools, bash-completion, man-db) come from
# .ci/run's list.
set -euo pipefail
cd "$(dirname "$0")/.."

dist_version=$(sed -n 's/^cargo-dist-version = "\(.*\)"$/\1/p' dist-workspace.toml)
cargo_deb_version=3.8.0
actionlint_version=1.7.12

if [ "$(dist --version 2>/dev/null)" != "cargo-dist $dist_version" ]; then
    cargo install --locked cargo-dist --version "$dist_version"
fi
if [ "$(cargo deb --version 2>/dev/null)" != "cargo-deb $cargo_deb_version" ]; then
    cargo install --locked cargo-deb --version "$cargo_deb_version"
fi
rustup target add x86_64-unknown-linux-musl
if ! actionlint -version 2>/dev/null | grep -qx "v$actionlint_version"; then
    go install "github.com/rhysd/actionlint/cmd/actionlint@v$actionlint_version"
fi
