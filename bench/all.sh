#!/usr/bin/env bash
# Every benchmark behind the figures of docs/performance.md, one after the other, on
# this machine: the credential-process cache hit (with the peers when bench/.venv
# has them), grant profiles, assume in bash, populate of 3,000 profiles, and 200
# concurrent calls. Each prints its medians and ratios, measured in its own run.
# Usage: bench/all.sh   (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
cd "$(dirname "$0")"
for bench in credential-process profiles profiles-long assume populate load; do
    echo "== bench/$bench.sh"
    "./$bench.sh"
    echo
done
