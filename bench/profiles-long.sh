#!/usr/bin/env bash
# `grant profiles --long` (every profile resolved, with where its credentials come
# from) over 100,000 generated profiles. Goal: under 2 s; the listing is linear in
# the number of profiles (sections are found by name through an index).
# Usage: bench/profiles-long.sh   (needs hyperfine: apt-get install hyperfine)
source "$(dirname "$0")/lib.sh"

build_release
make_home
write_profiles "${BENCH_PROFILES:-100000}"

hyperfine --warmup 1 --min-runs 5 -N --style basic \
    --export-json "$OUT_DIR/profiles-long.json" \
    "$GRANT profiles --long" >&2

python3 - "$OUT_DIR/profiles-long.json" "$(grep -c '^\[profile ' "$AWS_CONFIG_FILE")" <<'PY'
import json, sys
median = json.load(open(sys.argv[1]))["results"][0]["median"]
print(f"grant profiles --long, {int(sys.argv[2]):,} profiles: {median:.3f}s median (goal < 2 s)")
PY
