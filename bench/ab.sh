#!/usr/bin/env bash
# A/B of release builds: the credential-process cache hit and --version of each
# binary given, and /bin/true, in ONE hyperfine run (the 10,000-profile config of
# credential-process.sh), then each one's page faults (perf stat). Keep the builds
# side by side, e.g. cp target/x86_64-unknown-linux-gnu/release/grant target/ab/NAME.
# Usage: bench/ab.sh target/ab/A target/ab/B ...   (BENCH_RUNS sets the runs, 300)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: bench/ab.sh GRANT_BINARY..." >&2; exit 2; }
binaries=()
for binary in "$@"; do binaries+=("$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"); done
GRANT_BIN="${binaries[0]}" build_release
make_home
write_profiles "${BENCH_PROFILES:-10000}"
add_bench_profiles
start_fake
"$GRANT" sso login --profile bench 2>/dev/null
runs="${BENCH_RUNS:-300}"

args=()
for binary in "${binaries[@]}"; do
    name="$(basename "$binary")"
    "$binary" credential-process --profile bench >/dev/null # each warms, all share the cache
    args+=(--command-name "$name: cache hit" "$binary credential-process --profile bench")
    args+=(--command-name "$name: --version" "$binary --version")
done
args+=(--command-name "/bin/true" "/bin/true")
hyperfine --warmup 20 --runs "$runs" -N --style basic --export-json "$OUT_DIR/ab.json" "${args[@]}" >&2

echo "A/B, one hyperfine run, $runs runs each; ratios to /bin/true; page faults (perf stat, 200 runs):"
faults=()
for binary in "${binaries[@]}"; do
    faults+=("$(page_faults 200 "$binary" credential-process --profile bench)" "$(page_faults 200 "$binary" --version)")
done
faults+=("$(page_faults 200 /bin/true)")
python3 - "$OUT_DIR/ab.json" "${faults[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
faults = sys.argv[2:]
base = results[-1]["median"]
print(f"{'command':<32} {'median':>9} {'vs true':>8} {'faults':>7}")
for r, f in zip(results, faults):
    print(f"{r['command']:<32} {r['median'] * 1000:>7.3f}ms {r['median'] / base:>7.2f}x {float(f):>7.0f}")
PY
for binary in "${binaries[@]}"; do
    echo "$(basename "$binary"): $(stat -c %s "$binary") bytes"
done
