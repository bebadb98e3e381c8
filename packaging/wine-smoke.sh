#!/usr/bin/env bash
# Runs the Windows build of grant under Wine, on Linux, against the fake AWS: sign-in
# (device flow), credential-process and its cache hit, four at once asking AWS once,
# the Credential Manager store (Wine's), `sso populate` on a config written with
# CRLF line ends, `assume --shell powershell`, `assume --exec` through cmd.exe,
# `serve`, a closed pipe and the usage's name. .ci/run runs it after
# packaging/cross-check.sh; GitHub's Windows runner runs the test suite for real.
#
# Needs Debian's wine64; cargo-zigbuild links the x86_64-pc-windows-gnu build
# (packaging/zig-venv.sh installs it). Rust's standard library calls ProcessPrng in
# bcryptprimitives.dll, which Wine 8 lacks; the script builds a stand-in that asks
# RtlGenRandom and puts it beside grant.exe.
set -euo pipefail
cd "$(dirname "$0")/.."

wine=/usr/lib/wine/wine64
[ -x "$wine" ] || { echo "wine-smoke: needs wine64 (apt-get install wine64)" >&2; exit 1; }
PATH="$(packaging/zig-venv.sh)/bin:$PATH"

target=x86_64-pc-windows-gnu
if ! timeout 600 rustup target add "$target" >/dev/null; then
    echo "wine-smoke: skipped, rustup could not install the standard library of $target" >&2
    exit 0
fi
cargo zigbuild --quiet --target "$target" --bin grant
cargo build --quiet -p fake-aws --bin fake-aws
bin="$PWD/target/$target/debug"

work=$(mktemp -d)
fake_pid=
cleanup() {
    [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
    WINEPREFIX="$work/prefix" /usr/lib/wine/wineserver -k 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/prng.c" <<'EOF'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
EOF
python3 -m ziglang cc -target x86_64-windows-gnu -shared -o "$bin/bcryptprimitives.dll" "$work/prng.c" -ladvapi32

./target/debug/fake-aws >"$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 50); do
    grep -q listening "$work/fake.log" && break
    sleep 0.1
done
url=$(sed -n 's/^fake-aws listening on \([^ ]*\).*/\1/p' "$work/fake.log")

export WINEPREFIX="$work/prefix" WINEDEBUG=-all CI=true
export AWS_ENDPOINT_URL_SSO=$url AWS_ENDPOINT_URL_SSO_OIDC=$url AWS_ENDPOINT_URL_STS=$url
grant() {
    env -u HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u GRANT_CONFIG_DIR -u GRANT_STATE_DIR \
        -u AWS_CONFIG_FILE -u AWS_SHARED_CREDENTIALS_FILE "$wine" "$bin/grant.exe" "$@"
}
fail() {
    echo "wine-smoke: FAILED: $*" >&2
    exit 1
}
count() {
    curl -s "$url/_fake/counts" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', 0))"
}

grant --version >/dev/null 2>&1 || true # creates the Wine prefix
user_home="$WINEPREFIX/drive_c/users/$(id -un)"
mkdir -p "$user_home/.aws"
start=https://fake-org.awsapps.com/start
printf '[default]\r\nregion = us-east-1\r\n\r\n[profile dev]\r\ngranted_sso_start_url = %s\r\ngranted_sso_region = eu-west-1\r\ngranted_sso_account_id = 111111111111\r\ngranted_sso_role_name = AdministratorAccess\r\nregion = eu-west-1\r\n' \
    "$start" >"$user_home/.aws/config"

grant sso login --profile dev 2>"$work/login.err" || fail "sso login: $(cat "$work/login.err")"
first=$(grant credential-process --profile dev)
second=$(grant credential-process --profile dev)
[ "$first" = "$second" ] || fail "the second credential-process is not the cached first"
python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['Version']==1 and d['AccessKeyId'].startswith('ASIA')" "$first" ||
    fail "credential-process printed: $first"
[ "$(count GetRoleCredentials)" = 1 ] || fail "GetRoleCredentials called $(count GetRoleCredentials) times, not once"
ls "$user_home/.local/state/grant/secrets/windows-credential-manager/"*.secret >/dev/null ||
    fail "no encrypted secret file under the Credential Manager's folder"
if grep -rlF "$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['SecretAccessKey'])" "$first")" \
    "$user_home" >/dev/null; then
    fail "the secret key is in plaintext under the user's folder"
fi

grant sso populate --start-url "$start" --region eu-west-1 2>/dev/null
lines=$(wc -l <"$user_home/.aws/config")
crlf=$(grep -c $'\r$' "$user_home/.aws/config")
[ "$lines" = "$crlf" ] || fail "populate wrote $((lines - crlf)) of $lines lines without the file's CRLF"
head -c 33 "$user_home/.aws/config" | grep -q $'^\[default\]\r$' || fail "populate changed the lines it does not own"

# Four credential-process at once for a profile not cached yet: one asks AWS (the
# lock is LockFileEx here), the others wait and read its cache.
before=$(count GetRoleCredentials)
parallel=()
for i in 1 2 3 4; do
    grant credential-process --profile production/ReadOnly >"$work/parallel-$i" 2>&1 &
    parallel+=($!)
done
wait "${parallel[@]}"
[ "$(cut -c1-60 "$work"/parallel-* | sort -u | wc -l)" = 1 ] || fail "parallel credential-process: $(cat "$work"/parallel-*)"
[ "$(count GetRoleCredentials)" = $((before + 1)) ] || fail "parallel credential-process asked AWS more than once"

# dev has no credential_process line, so assume exports its keys.
grant assume --shell powershell dev 2>/dev/null | grep -q "^\$Env:AWS_ACCESS_KEY_ID = 'ASIA[A-Z0-9]*';\$" ||
    fail "assume --shell powershell did not export the keys"
exec_out=$(grant assume --exec dev -- cmd /c "echo key=%AWS_ACCESS_KEY_ID%" 2>/dev/null | tr -d '\r')
[[ $exec_out == key=ASIA* ]] || fail "assume --exec gave cmd.exe: $exec_out"
set +e
grant assume --exec dev -- cmd /c "exit 7" 2>/dev/null
status=$?
set -e
[ "$status" = 7 ] || fail "assume --exec exited $status, not the command's 7"

grant serve --profile dev -- cmd /c \
    "echo %AWS_CONTAINER_CREDENTIALS_FULL_URI% %AWS_CONTAINER_AUTHORIZATION_TOKEN%> C:\\serve.txt & ping -n 6 127.0.0.1 >nul" \
    >/dev/null 2>&1 &
serve_pid=$!
for _ in $(seq 100); do
    [ -s "$WINEPREFIX/drive_c/serve.txt" ] && break
    sleep 0.1
done
read -r endpoint token < <(tr -d '\r' <"$WINEPREFIX/drive_c/serve.txt")
served=$(curl -s -H "Authorization: $token" "$endpoint")
[[ $served == *'"AccessKeyId":"ASIA'* ]] || fail "serve answered: $served"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$endpoint")" = 401 ] || fail "serve answered a request without its token"
wait "$serve_pid" || fail "serve did not exit with its command's status"

# A reader that closes the pipe early (`| head`) ends grant quietly; the usage names
# `grant`, not `grant.exe`.
grant completions powershell 2>"$work/pipe.err" | head -c 1 >/dev/null
[ ! -s "$work/pipe.err" ] || fail "a closed pipe was reported: $(cat "$work/pipe.err")"
mistake=$(grant settings nope 2>&1) && fail "grant settings nope succeeded"
[[ $mistake == *"(usage: grant settings [COMMAND]"* ]] || fail "the usage does not name grant: $mistake"

echo "wine-smoke: the Windows build signed in, served credentials from its cache, kept CRLF, ran cmd.exe and served the endpoint"
