#!/usr/bin/env bash
# The credential-process cache hit (what every `aws` command pays) with a 10,000-
# profile ~/.aws/config in place, against `grant --version` of the same binary and
# /bin/true. Target: the cache hit within 1.5x of --version.
# Usage: bench/credential-process.sh   (needs hyperfine: apt-get install hyperfine)
source "$(dirname "$0")/lib.sh"

build_release
(cd "$REPO_DIR" && cargo build --release --quiet -p fake-aws)
make_home
write_profiles "${BENCH_PROFILES:-10000}"
cat >>"$AWS_CONFIG_FILE" <<CONFIG
[profile bench]
granted_sso_start_url = https://bench.awsapps.com/start
granted_sso_region = us-east-1
granted_sso_account_id = 111111111111
granted_sso_role_name = AdministratorAccess
credential_process = $GRANT credential-process --profile bench
CONFIG

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$REPO_DIR/target/release/fake-aws" --port "$port" 2>/dev/null &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null; "$GRANT" sso logout --all >/dev/null 2>&1; rm -rf "$BENCH_HOME"' EXIT
export AWS_ENDPOINT_URL_SSO="http://127.0.0.1:$port" AWS_ENDPOINT_URL_SSO_OIDC="http://127.0.0.1:$port"
export CI=true GRANT_KEYRING_BACKEND=kernel-keyring
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/_fake" >/dev/null 2>&1 && break; sleep 0.1; done
"$GRANT" sso login --profile bench 2>/dev/null
"$GRANT" credential-process --profile bench >/dev/null   # warms the cache

run_hyperfine credential-process \
    "$GRANT credential-process --profile bench" \
    "$GRANT --version" \
    "/bin/true"

echo "credential-process cache hit, 10,000 profiles in the config; ratios to /bin/true:"
print_ratios credential-process
python3 - "$OUT_DIR/credential-process.json" <<'PY'
import json, sys
r = {x["command"].split("/")[-1]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
hit = r["grant credential-process --profile bench"]
print(f"cache hit / --version = {hit / r['grant --version']:.2f}x (target < 1.5x)")
PY
