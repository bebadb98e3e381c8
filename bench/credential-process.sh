#!/usr/bin/env bash
# The credential-process cache hit (what every `aws` command pays) with a 10,000-
# profile ~/.aws/config in place, against `grant --version` of the same binary and
# /bin/true, in one hyperfine run, and the page faults of each (perf stat).
# Goals: the cache hit within 1.5x /bin/true, --version within 1.4x, the cache hit
# at most 100 page faults. GRANT_BIN=PATH measures another build (see lib.sh).
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
hit_faults=$(page_faults 200 "$GRANT" credential-process --profile bench)
version_faults=$(page_faults 200 "$GRANT" --version)
true_faults=$(page_faults 200 /bin/true)
python3 - "$OUT_DIR/credential-process.json" "$hit_faults" "$version_faults" "$true_faults" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
hit, version, true = results[0]["median"], results[-2]["median"], results[-1]["median"]
hit_faults, version_faults, true_faults = (float(x) for x in sys.argv[2:5])
def goal(held):
    return "holds" if held else "MISSED"
print()
print(f"cache hit / /bin/true   = {hit / true:.2f}x  (goal <= 1.5x: {goal(hit / true <= 1.5)})")
print(f"--version / /bin/true   = {version / true:.2f}x  (goal <= 1.4x: {goal(version / true <= 1.4)})")
print(f"cache hit / --version   = {hit / version:.2f}x")
print(f"page faults: cache hit {hit_faults:.0f} (goal <= 100: {goal(hit_faults <= 100)}), "
      f"--version {version_faults:.0f}, /bin/true {true_faults:.0f}  (perf stat, 200 runs each)")
PY
