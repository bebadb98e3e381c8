#!/usr/bin/env bash
# `grant profiles` with 10,000 profiles in ~/.aws/config, against `grant --version`
# (the same binary doing nothing) and /bin/true. Goal: profiles under 2x --version.
# Measured twice: as completion sees it (files unchanged since the last run, the
# saved list is served) and right after the files changed (every header is read).
# Usage: bench/profiles.sh   (needs hyperfine: apt-get install hyperfine)
source "$(dirname "$0")/lib.sh"

build_release
make_home
write_profiles 10000

run_hyperfine profiles \
    "$GRANT profiles" \
    "$GRANT --version" \
    "/bin/true"
hyperfine --warmup 5 --min-runs 100 -N --style basic \
    --prepare "rm -f $GRANT_STATE_DIR/profile-names" \
    --export-json "$OUT_DIR/profiles-changed.json" \
    "$GRANT profiles" >&2

echo "grant profiles, 10,000 profiles ($(wc -c <"$AWS_CONFIG_FILE") bytes of config); ratios to /bin/true:"
print_ratios profiles
python3 - "$OUT_DIR/profiles.json" "$OUT_DIR/profiles-changed.json" <<'PY'
import json, sys
r = {x["command"].split("/")[-1]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
changed = json.load(open(sys.argv[2]))["results"][0]["median"]
version = r["grant --version"]
print(f"files unchanged: profiles / --version = {r['grant profiles'] / version:.2f}x (goal < 2x)")
print(f"files changed:   profiles / --version = {changed / version:.2f}x ({changed * 1000:.3f}ms)")
PY
