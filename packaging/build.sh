#!/usr/bin/env bash
# Builds what the release publishes for Linux x86_64, here, into target/distrib:
#   grant-x86_64-unknown-linux-musl.tar.xz   grant, README.md, LICENSE, completions/, man/
#   grant-x86_64-unknown-linux-musl.tar.xz.sha256, sha256.sum
#   grant-installer.sh                       (the archive's SHA-256 written in)
#   grant.rb                                 (dist's Homebrew formula)
#   grant_amd64.deb                          (cargo-deb, [package.metadata.deb])
# The archive and installers come from `dist build`, as in the release workflow;
# the .deb from the same binary, as packaging/packages.sh does there.
# Needs dist (cargo-dist), cargo-deb, musl-tools and the x86_64-unknown-linux-musl
# target; .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-unknown-linux-musl
# As the release workflow's build jobs do (.github/build-setup.yml): position-
# dependent, to which dist adds its static-musl flags.
export RUSTFLAGS="-Crelocation-model=static"
rm -rf target/distrib
dist build --artifacts=all --target "$target" --output-format=json >target/dist-build.json
cargo deb --no-build --no-strip --quiet --target "$target" --profile dist --output target/distrib/grant_amd64.deb
ls target/distrib
