# Shared helpers for the benchmarks: build grant in release mode, run hyperfine, and
# print ratios of medians measured in the same run.

set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
OUT_DIR="$BENCH_DIR/out"
mkdir -p "$OUT_DIR"

require() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "bench: $1 is not installed (Debian: apt-get install $2)" >&2
        exit 1
    }
}

# build_release: the release grant as it ships (`cargo build-shipped`, see
# .cargo/config.toml: static musl, non-PIE, hot functions first) and the release
# fake AWS. GRANT_BIN=PATH measures that binary instead (an A/B build kept under
# target/ab/, say) and builds only the fake.
build_release() {
    require hyperfine hyperfine
    require python3 python3
    # Before make_home moves HOME, where rustup finds its toolchains.
    if [ -z "${GRANT_BIN:-}" ]; then
        (cd "$REPO_DIR" && cargo build-shipped --quiet)
    fi
    (cd "$REPO_DIR" && cargo build --release --quiet -p fake-aws)
    GRANT="${GRANT_BIN:-$REPO_DIR/target/x86_64-unknown-linux-musl/dist/grant}"
}

# A throwaway HOME with its own AWS and grant folders; exported for hyperfine's children.
make_home() {
    BENCH_HOME="$(mktemp -d)"
    trap 'rm -rf "$BENCH_HOME"' EXIT
    mkdir -p "$BENCH_HOME/.aws"
    export HOME="$BENCH_HOME"
    export AWS_CONFIG_FILE="$BENCH_HOME/.aws/config"
    export AWS_SHARED_CREDENTIALS_FILE="$BENCH_HOME/.aws/credentials"
    export GRANT_CONFIG_DIR="$BENCH_HOME/.config/grant"
    export GRANT_STATE_DIR="$BENCH_HOME/.local/state/grant"
}

# start_fake [FAKE ARGS...]: the release fake AWS on a free port, the endpoint
# variables pointing at it ($FAKE_URL), stopped (and grant signed out, the home
# removed) when the script exits.
start_fake() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$REPO_DIR/target/release/fake-aws" --port "$port" "$@" 2>/dev/null &
    FAKE_PID=$!
    trap 'kill $FAKE_PID 2>/dev/null; "$GRANT" sso logout --all >/dev/null 2>&1; rm -rf "$BENCH_HOME"' EXIT
    FAKE_URL="http://127.0.0.1:$port"
    export AWS_ENDPOINT_URL_SSO="$FAKE_URL" AWS_ENDPOINT_URL_SSO_OIDC="$FAKE_URL" AWS_ENDPOINT_URL_STS="$FAKE_URL"
    export CI=true GRANT_KEYRING_BACKEND=kernel-keyring
    for _ in $(seq 50); do curl -s "$FAKE_URL/_fake" >/dev/null 2>&1 && break; sleep 0.1; done
}

# add_bench_profiles: `bench`, served by grant's credential_process, and
# `bench-peer`, the same role as plain sso_* keys for the peers.
add_bench_profiles() {
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
}

# write_profiles N: a config of N generated credential_process profiles, the shape
# `grant sso populate` writes.
write_profiles() {
    python3 - "$1" "$AWS_CONFIG_FILE" <<'PY'
import sys
count, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as out:
    out.write("# hand-written part\n[default]\nregion = us-east-1\n\n")
    for i in range(count):
        name = f"account-{i:05d}/Role{i % 3}"
        out.write(
            f"[profile {name}]\n"
            f"granted_sso_start_url = https://d-0000000000.awsapps.com/start\n"
            f"granted_sso_region = us-east-1\n"
            f"granted_sso_account_id = {i:012d}\n"
            f"granted_sso_role_name = Role{i % 3}\n"
            f"credential_process = grant credential-process --profile {name}\n\n"
        )
PY
}

# run_hyperfine NAME CMD...: JSON results land in $OUT_DIR/NAME.json.
run_hyperfine() {
    local name="$1"
    shift
    hyperfine --warmup 20 --min-runs 200 -N --style basic \
        --export-json "$OUT_DIR/$name.json" "$@" >&2
}

# print_ratios NAME: each command's median and its ratio to the last command's median.
print_ratios() {
    python3 - "$OUT_DIR/$1.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[-1]
print(f"{'command':<52} {'median':>10} {'ratio':>8}")
for r in results:
    print(f"{r['command']:<52} {r['median']*1000:>8.3f}ms {r['median']/base['median']:>7.2f}x")
PY
}

# page_faults RUNS CMD...: the mean page faults of CMD over RUNS runs (perf stat, or
# the rusage of the children when perf is not installed), as a number.
page_faults() {
    local runs="$1"
    shift
    if command -v perf >/dev/null 2>&1; then
        perf stat -x, -e page-faults -r "$runs" -- "$@" 2>&1 >/dev/null | awk -F, '$3 == "page-faults" { print $1 }'
    else
        python3 - "$runs" "$@" <<'PY'
import resource, subprocess, sys
runs, command = int(sys.argv[1]), sys.argv[2:]
before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
for _ in range(runs):
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
print(round((resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt - before) / runs))
PY
    fi
}
