#!/usr/bin/env bash
# Load: 200 concurrent `grant credential-process` calls spread over 20 profiles (what
# `make -j`, terraform or kubectl start at once), first on a cold cache (signed in, no
# credentials cached yet), then warm (all cache hits). Reports p50/p99 of each call's
# wall time, the wall time of the whole burst, and the upstream requests per profile.
# Each call's wall time is measured by a small Python driver that starts all the
# processes at once and reaps them as they exit (hyperfine cannot run commands
# concurrently).
# Usage: bench/load.sh   (env: LOAD_CALLS=200 LOAD_PROFILES=20 LOAD_ROUNDS=3)
source "$(dirname "$0")/lib.sh"

CALLS="${LOAD_CALLS:-200}"
PROFILES="${LOAD_PROFILES:-20}"
ROUNDS="${LOAD_ROUNDS:-3}"

require python3 python3
require curl curl
(cd "$REPO_DIR" && cargo build --release --quiet --bin grant && cargo build --release --quiet -p fake-aws)
GRANT="$REPO_DIR/target/release/grant"
make_home

# One profile per generated account of the fake (`--accounts N --roles 1`).
python3 - "$PROFILES" "$AWS_CONFIG_FILE" "$GRANT" <<'PY'
import sys
count, path, grant = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(path, "w") as out:
    for i in range(1, count + 1):
        out.write(
            f"[profile load-{i:02d}]\n"
            f"granted_sso_start_url = https://load.awsapps.com/start\n"
            f"granted_sso_region = us-east-1\n"
            f"granted_sso_account_id = {100_000_000_000 + i:012d}\n"
            f"granted_sso_role_name = AdministratorAccess\n"
            f"credential_process = {grant} credential-process --profile load-{i:02d}\n\n"
        )
PY

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$REPO_DIR/target/release/fake-aws" --port "$port" --accounts "$PROFILES" --roles 1 2>/dev/null &
fake_pid=$!
STATE_ROOT="$BENCH_HOME/.local/state"
cleanup() {
    kill "$fake_pid" 2>/dev/null || true
    for dir in "$STATE_ROOT"/grant-*; do
        [ -d "$dir" ] && GRANT_STATE_DIR="$dir" "$GRANT" sso logout --all >/dev/null 2>&1 || true
    done
    rm -rf "$BENCH_HOME"
}
trap cleanup EXIT
URL="http://127.0.0.1:$port"
export AWS_ENDPOINT_URL_SSO="$URL" AWS_ENDPOINT_URL_SSO_OIDC="$URL" AWS_ENDPOINT_URL_STS="$URL"
export CI=true GRANT_KEYRING_BACKEND=kernel-keyring
for _ in $(seq 50); do curl -s "$URL/_fake" >/dev/null 2>&1 && break; sleep 0.1; done

DRIVER="$OUT_DIR/load-driver.py"
cat >"$DRIVER" <<'PY'
"""Starts CALLS `grant credential-process` at once (call i for profile i % PROFILES),
reaps them as they exit, and appends one JSON line per round to the results file."""
import json, os, shutil, subprocess, sys, tempfile, threading, time, urllib.request

grant, calls, profiles, label, results, url = sys.argv[1:7]
calls, profiles = int(calls), int(profiles)

def counts():
    with urllib.request.urlopen(f"{url}/_fake/counts") as answer:
        return json.load(answer)

before = counts()
work = tempfile.mkdtemp()
running = {}
burst_start = time.perf_counter()
for i in range(calls):
    profile = f"load-{i % profiles + 1:02d}"
    out = open(os.path.join(work, f"{i}.out"), "wb")
    err = open(os.path.join(work, f"{i}.err"), "wb")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [grant, "credential-process", "--profile", profile],
        stdin=subprocess.DEVNULL, stdout=out, stderr=err,
    )
    out.close()
    err.close()
    running[proc.pid] = (i, profile, start, proc)
latencies, failures, keys = [], [], {}
# Bounded: whatever still runs after five minutes is killed (and counted as failed).
def kill_all():
    for _, _, _, other in list(running.values()):
        other.kill()
threading.Timer(300, kill_all).start()
while running:
    pid, status = os.waitpid(-1, 0)
    end = time.perf_counter()
    if pid not in running:
        continue
    i, profile, start, proc = running.pop(pid)
    proc.returncode = os.waitstatus_to_exitcode(status)
    latencies.append(end - start)
    text = open(os.path.join(work, f"{i}.out")).read()
    try:
        assert proc.returncode == 0
        keys.setdefault(profile, set()).add(json.loads(text)["AccessKeyId"])
    except Exception:
        failures.append((profile, proc.returncode, open(os.path.join(work, f"{i}.err")).read().strip()))
burst = time.perf_counter() - burst_start
for timer in threading.enumerate():
    if isinstance(timer, threading.Timer):
        timer.cancel()
after = counts()
delta = {op: after.get(op, 0) - before.get(op, 0) for op in after}

latencies.sort()
def pct(p):
    return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))]
record = {
    "label": label, "calls": calls, "failures": len(failures),
    "p50_ms": pct(50) * 1000, "p99_ms": pct(99) * 1000, "max_ms": latencies[-1] * 1000,
    "burst_ms": burst * 1000,
    "GetRoleCredentials_per_profile": delta.get("GetRoleCredentials", 0) / profiles,
    "token_refreshes": delta.get("CreateToken:refresh_token", 0),
    "requests": sum(delta.values()),
    "profiles_with_one_key": sum(1 for k in keys.values() if len(k) == 1),
}
with open(results, "a") as out:
    out.write(json.dumps(record) + "\n")
shutil.rmtree(work, ignore_errors=True)
for failure in failures[:5]:
    print(f"  {label}: {failure}", file=sys.stderr)
PY

RESULTS="$OUT_DIR/load.jsonl"
: >"$RESULTS"
for round in $(seq "$ROUNDS"); do
    # Cold: a fresh state folder (no cached credentials), signed in once.
    export GRANT_STATE_DIR="$STATE_ROOT/grant-$round"
    "$GRANT" sso login --profile load-01 >/dev/null 2>&1
    python3 "$DRIVER" "$GRANT" "$CALLS" "$PROFILES" cold "$RESULTS" "$URL"
done
for round in $(seq "$ROUNDS"); do
    python3 "$DRIVER" "$GRANT" "$CALLS" "$PROFILES" warm "$RESULTS" "$URL"
done

echo "$CALLS concurrent credential-process calls over $PROFILES profiles, $ROUNDS rounds each ($(nproc) CPUs):"
python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'cache':<6} {'p50':>9} {'p99':>9} {'max':>9} {'burst':>9} {'GetRoleCredentials/profile':>27} {'refreshes':>9} {'failed':>6}")
for label in ("cold", "warm"):
    rs = [r for r in rows if r["label"] == label]
    med = lambda key: statistics.median(r[key] for r in rs)
    print(f"{label:<6} {med('p50_ms'):>7.1f}ms {med('p99_ms'):>7.1f}ms {med('max_ms'):>7.1f}ms "
          f"{med('burst_ms'):>7.0f}ms {med('GetRoleCredentials_per_profile'):>27.2f} "
          f"{max(r['token_refreshes'] for r in rs):>9} {sum(r['failures'] for r in rs):>6}")
print("(medians over the rounds; p50/p99/max of the individual calls' wall times)")
bad = [r for r in rows if r["failures"]]
sys.exit(1 if bad else 0)
PY
