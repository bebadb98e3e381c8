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
make_home
write_profiles "${BENCH_PROFILES:-10000}"
add_bench_profiles
start_fake
export GRANT_QUIET=true
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
