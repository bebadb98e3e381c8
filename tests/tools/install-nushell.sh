#!/usr/bin/env bash
# Installs nushell for the shell tests: its official release package on the npm
# registry, pinned, under target/tools, with the shell itself linked as
# target/tools/bin/nu (tests/it/shells.rs runs it from there). The package's own `nu`
# is a Node.js launcher; the tests run the native binary it would start.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=0.115.1
out="$PWD/target/tools"
if [ "$("$out/bin/nu" --version 2>/dev/null || true)" = "$version" ]; then
    exit 0
fi
mkdir -p "$out/nushell" "$out/bin"
npm install --prefix "$out/nushell" --no-audit --no-fund --no-save \
    --cache "$out/npm-cache" "nushell@$version"
binary=$(find "$out/nushell/node_modules/@nushell" -path '*/bin/nu' -type f | head -n 1)
if [ -z "$binary" ]; then
    echo "install-nushell: no nushell binary for this platform in the npm package" >&2
    exit 1
fi
ln -sf "$binary" "$out/bin/nu"
"$out/bin/nu" --version
