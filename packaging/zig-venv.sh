#!/usr/bin/env bash
# Makes target/tools/zig-venv, a Python venv with zig (the ziglang package) and
# cargo-zigbuild from PyPI, each at the version below, and prints its path. zig is
# the C compiler and linker of the Windows and macOS checks (cross-check.sh,
# wine-smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

ziglang_version=0.17.1
cargo_zigbuild_version=0.24.1

venv="$PWD/target/tools/zig-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
fi
if [ "$("$venv/bin/python" -m ziglang version 2>/dev/null)" != "$ziglang_version" ] ||
    [ "$("$venv/bin/cargo-zigbuild" --version 2>/dev/null)" != "cargo-zigbuild $cargo_zigbuild_version" ]; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "ziglang==$ziglang_version" "cargo-zigbuild==$cargo_zigbuild_version" >&2
fi
echo "$venv"
