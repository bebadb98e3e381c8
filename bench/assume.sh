#!/usr/bin/env bash
# `assume` in bash: the binary's part (`grant assume --shell bash`, which the shell
# function evaluates) and the whole function in a fresh bash, AWS_PROFILE-only and
# with -x, from a warm cache, with a 10,000-profile config in place. The nearest peer
# is the AWS CLI v2's `aws configure export-credentials --format env` (the keys as
# shell exports) on the same cached SSO token. Baselines: `grant --version`, a bash
# that only sources the integration, and /bin/true.
# Usage: bench/assume.sh   (needs hyperfine: apt-get install hyperfine; awscli for the peer)
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
region = us-east-1
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
export CI=true GRANT_KEYRING_BACKEND=kernel-keyring GRANT_QUIET=true
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/_fake" >/dev/null 2>&1 && break; sleep 0.1; done
"$GRANT" sso login --profile bench --export-sso-token 2>/dev/null
"$GRANT" credential-process --profile bench >/dev/null   # warms the cache
init="$BENCH_HOME/init.bash"
"$GRANT" init bash >"$init"
bin_dir="$(dirname "$GRANT")"

commands=(
    "$GRANT assume --shell bash bench"
    "$GRANT assume --shell bash -x bench"
    "bash --norc --noprofile -c 'PATH=$bin_dir:\$PATH; source $init; assume -x bench'"
    "bash --norc --noprofile -c 'source $init'"
)
# Debian's awscli is v2; an `aws` of pip's earlier on PATH is v1, without export-credentials.
aws_cli=/usr/bin/aws
[ -x "$aws_cli" ] || aws_cli=$(command -v aws || true)
# It must reach the fake: AWS_ENDPOINT_URL_SSO needs AWS CLI 2.13 or later.
peer=("$aws_cli" configure export-credentials --profile bench-peer --format env)
if [ -n "$aws_cli" ] && "${peer[@]}" >/dev/null 2>&1; then
    commands+=("${peer[*]}")
else
    echo "(no AWS CLI v2 that reaches the fake (2.13+): export-credentials is not measured)" >&2
fi
commands+=("$GRANT --version" "/bin/true")

hyperfine --warmup 10 --min-runs 50 -N --style basic \
    --export-json "$OUT_DIR/assume.json" "${commands[@]}" >&2

echo "assume in bash from a warm cache, 10,000 profiles in the config; ratios to /bin/true:"
print_ratios assume
