#!/usr/bin/env bash
# The credential-process cache hit (what every `aws` command pays) with a 10,000-
# profile ~/.aws/config in place, against `grant --version` of the same binary and
# /bin/true. Target: the cache hit within 1.5x of --version.
# With a bench venv holding the peers, they are measured on the same cached state:
#   python3 -m venv bench/.venv && bench/.venv/bin/pip install aws-sso-util aws-sso-credential-process
# Usage: bench/credential-process.sh   (needs hyperfine: apt-get install hyperfine)
source "$(dirname "$0")/lib.sh"

build_release
make_home
write_profiles "${BENCH_PROFILES:-10000}"
add_bench_profiles
start_fake
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
