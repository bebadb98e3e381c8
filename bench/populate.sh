#!/usr/bin/env bash
# `grant sso populate` of 3,000 profiles (1,000 accounts x 3 roles at the fake AWS)
# into a config that already holds a hand-written part: a first run that writes them
# all, and a second run that finds nothing to change. Reports the requests made per
# account, counted by the fake.
# Usage: bench/populate.sh   (needs hyperfine: apt-get install hyperfine)
source "$(dirname "$0")/lib.sh"

build_release
make_home
accounts=1000
start_fake --accounts "$accounts" --roles 3
fake="$FAKE_URL"
start=(--start-url https://bench.awsapps.com/start --region us-east-1)
"$GRANT" sso login "${start[@]}" 2>/dev/null
printf '# hand-written part\n[default]\nregion = us-east-1\n' >"$AWS_CONFIG_FILE"
cp "$AWS_CONFIG_FILE" "$BENCH_HOME/hand-written"

curl -s -X POST "$fake/_fake/reset" >/dev/null
"$GRANT" sso populate "${start[@]}" 2>/dev/null
counts=$(curl -s "$fake/_fake/counts")

hyperfine --warmup 1 --runs 10 -N --style basic \
    --prepare "cp $BENCH_HOME/hand-written $AWS_CONFIG_FILE" \
    --export-json "$OUT_DIR/populate-write.json" \
    "$GRANT sso populate ${start[*]}" >&2
hyperfine --warmup 1 --runs 10 -N --style basic \
    --export-json "$OUT_DIR/populate-unchanged.json" \
    "$GRANT sso populate ${start[*]}" >&2

python3 - "$OUT_DIR/populate-write.json" "$OUT_DIR/populate-unchanged.json" "$counts" "$accounts" "$AWS_CONFIG_FILE" <<'PY'
import json, sys
write = json.load(open(sys.argv[1]))["results"][0]["median"]
unchanged = json.load(open(sys.argv[2]))["results"][0]["median"]
counts, accounts = json.loads(sys.argv[3]), int(sys.argv[4])
profiles = open(sys.argv[5]).read().count("[profile ")
listing = counts.get("ListAccounts", 0) + counts.get("ListAccountRoles", 0)
print(f"populate, {accounts} accounts x 3 roles = {profiles} profiles:")
print(f"  writing them all:  median {write * 1000:.0f} ms")
print(f"  nothing to change: median {unchanged * 1000:.0f} ms")
print(f"  requests: {counts.get('ListAccounts', 0)} ListAccounts + {counts.get('ListAccountRoles', 0)} ListAccountRoles"
      f" = {listing / accounts:.2f} per account")
PY
