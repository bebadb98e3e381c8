#!/usr/bin/env bash
# `grant sso populate` of 3,000 profiles (1,000 accounts x 3 roles at the fake AWS)
# into a config that already holds a hand-written part: a first run that writes them
# all, and a second run that finds nothing to change. Reports the requests made per
# account, counted by the fake.
# Usage: bench/populate.sh   (needs hyperfine: apt-get install hyperfine)
source "$(dirname "$0")/lib.sh"

build_release
(cd "$REPO_DIR" && cargo build --release --quiet -p fake-aws)
make_home
accounts=1000
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$REPO_DIR/target/release/fake-aws" --port "$port" --accounts "$accounts" --roles 3 2>/dev/null &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null; "$GRANT" sso logout --all >/dev/null 2>&1; rm -rf "$BENCH_HOME"' EXIT
fake="http://127.0.0.1:$port"
export AWS_ENDPOINT_URL_SSO="$fake" AWS_ENDPOINT_URL_SSO_OIDC="$fake"
export CI=true GRANT_KEYRING_BACKEND=kernel-keyring
for _ in $(seq 50); do curl -s "$fake/_fake" >/dev/null 2>&1 && break; sleep 0.1; done
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
