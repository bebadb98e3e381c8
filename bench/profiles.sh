#!/usr/bin/env bash
# `grant profiles` with 10,000 profiles in ~/.aws/config, against `grant --version`
# (the same binary doing nothing) and /bin/true. Goal: profiles under 2x --version.
# Usage: bench/profiles.sh   (needs hyperfine: apt-get install hyperfine)
source "$(dirname "$0")/lib.sh"

build_release
make_home
write_profiles 10000

run_hyperfine profiles \
    "$GRANT profiles" \
    "$GRANT --version" \
    "/bin/true"

echo "grant profiles, 10,000 profiles ($(wc -c <"$AWS_CONFIG_FILE") bytes of config); ratios to /bin/true:"
print_ratios profiles
python3 - "$OUT_DIR/profiles.json" <<'PY'
import json, sys
r = {x["command"].split("/")[-1]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"profiles / --version = {r['grant profiles'] / r['grant --version']:.2f}x (goal < 2x)")
PY
