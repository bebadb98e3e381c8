#!/usr/bin/env bash
# The credential-process cache hit (what every `aws` command pays) with a 10,000-
# profile ~/.aws/config in place, against `grant --version` of the same binary and
# /bin/true. Target: the cache hit within 1.5x of --version.
# With a bench venv holding the peers, they are measured on the same cached state:
#   python3 -m venv bench/.venv && bench/.venv/bin/pip install aws-sso-util aws-sso-credential-process
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

[profile bench-peer]
sso_start_url = https://bench.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
CONFIG

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$REPO_DIR/target/release/fake-aws" --port "$port" 2>/dev/null &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null; "$GRANT" sso logout --all >/dev/null 2>&1; rm -rf "$BENCH_HOME"' EXIT
export AWS_ENDPOINT_URL_SSO="http://127.0.0.1:$port" AWS_ENDPOINT_URL_SSO_OIDC="http://127.0.0.1:$port"
export CI=true GRANT_KEYRING_BACKEND=kernel-keyring
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/_fake" >/dev/null 2>&1 && break; sleep 0.1; done
# The token is also exported to the AWS CLI cache, where the peers find it.
"$GRANT" sso login --profile bench --export-sso-token 2>/dev/null
"$GRANT" credential-process --profile bench >/dev/null   # warms the cache

commands=("$GRANT credential-process --profile bench")
venv="${BENCH_VENV:-$BENCH_DIR/.venv}"
for peer in "aws-sso-util credential-process --profile bench-peer" "aws-sso-credential-process --profile bench-peer"; do
    read -ra words <<<"$peer"
    if [ -x "$venv/bin/${words[0]}" ]; then
        "$venv/bin/${words[0]}" "${words[@]:1}" >/dev/null   # warms its cache
        commands+=("$venv/bin/$peer")
    else
        echo "(${peer%% *} not in $venv: not measured)" >&2
    fi
done
commands+=("$GRANT --version" "/bin/true")

run_hyperfine credential-process "${commands[@]}"

echo "credential-process cache hit, 10,000 profiles in the config; ratios to /bin/true:"
print_ratios credential-process
python3 - "$OUT_DIR/credential-process.json" <<'PY'
import json, sys
r = {x["command"].split("/")[-1]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
hit = r["grant credential-process --profile bench"]
print(f"cache hit / --version = {hit / r['grant --version']:.2f}x (target < 1.5x)")
PY
