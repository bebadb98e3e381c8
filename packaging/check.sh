#!/usr/bin/env bash
# The packaging check of .ci/run, on what packaging/build.sh made in target/distrib:
#   1. the binary needs no glibc newer than 2.28 (Debian 10, RHEL 8, Ubuntu 20.04),
#      or none at all (static);
#   2. the .deb: `dpkg -i` installs grant, `man grant` works, bash, zsh and fish
#      complete `grant` and `assume` from the vendor folders in a new shell, and
#      `dpkg -r` removes every file it installed (needs root and dpkg);
#   3. the sh installer, fetching from a loopback HTTP server with no Rust on PATH,
#      installs into a temporary prefix, and refuses a tampered archive with a
#      clear message and nothing installed;
#   4. the Scoop manifest generator writes the hashes it is given;
#   5. the Homebrew formula, completed by formula.py, installs man pages and completions.
# Step 1 also checks that the link laid out the functions of a start first.
# Each step says what it checked; the first failure stops the check, non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
distrib=$root/target/distrib
target=x86_64-unknown-linux-musl
archive=grant-$target.tar.xz
work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    if [ -n "${tmux_socket:-}" ]; then tmux -S "$tmux_socket" kill-server 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "packaging check FAILED: $*" >&2
    exit 1
}
pass() {
    echo "ok: $*"
}

# --- 1. the glibc floor ------------------------------------------------------
# The newest GLIBC_x.y symbol version a binary needs, or "static" when it has no
# program interpreter (nothing to resolve at load time).
newest_glibc() {
    if ! readelf --program-headers --wide "$1" | grep -q 'Requesting program interpreter'; then
        echo static
        return
    fi
    readelf --version-info --wide "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' |
        sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1
}
# Whether version $1 is at most $2 (x.y[.z]).
at_most() {
    [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)" = "$2" ]
}
glibc_floor_holds() {
    local newest
    newest=$(newest_glibc "$1")
    [ "$newest" = static ] || { [ -n "$newest" ] && at_most "$newest" 2.28; }
}

mkdir "$work/unpacked"
tar -xJf "$distrib/$archive" -C "$work/unpacked"
binary=$work/unpacked/grant-$target/grant
[ -x "$binary" ] || fail "$archive holds no grant"
for part in README.md LICENSE completions/grant.bash completions/_grant completions/grant.fish \
    completions/_grant.ps1 man/grant.1 man/grant-assume.1; do
    [ -f "$work/unpacked/grant-$target/$part" ] || fail "$archive lacks $part"
done
pass "$archive holds grant, README.md, LICENSE, completions/ and man/"
# The check itself must be able to fail: this machine's own programs need a newer glibc.
for newer in /bin/ls /usr/bin/python3; do
    if [ "$(newest_glibc "$newer")" != static ] && ! at_most "$(newest_glibc "$newer")" 2.28; then
        glibc_floor_holds "$newer" && fail "the glibc check passed $newer, which needs GLIBC_$(newest_glibc "$newer")"
        pass "the glibc check refuses $newer (GLIBC_$(newest_glibc "$newer"))"
        break
    fi
done
glibc_floor_holds "$binary" || fail "grant needs GLIBC_$(newest_glibc "$binary"), newer than 2.28"
pass "grant needs glibc: $(newest_glibc "$binary") (at most 2.28)"
"$binary" --version >/dev/null || fail "the archive's grant does not run"
# The release link lays out the functions of a start first (packaging/cc-hot-first.sh,
# which writes how many of packaging/hot-functions.txt it found beside its output).
# shellcheck disable=SC2012 # the names are cargo's, without spaces
report=$(ls -t "$root/target/$target/dist/deps/"grant-*.hot-first 2>/dev/null | head -n 1)
[ -n "$report" ] || fail "the release link did not go through packaging/cc-hot-first.sh (no grant-*.hot-first report)"
read -r matched _ listed <"$report"
[ $((matched * 10)) -ge $((listed * 9)) ] ||
    fail "the release link found only $matched of the $listed functions of packaging/hot-functions.txt: run bench/hot-functions.sh"
pass "the release link laid out $matched of the $listed functions of a start first"

# --- 2. the .deb --------------------------------------------------------------
deb=$distrib/grant_amd64.deb
[ -f "$deb" ] || fail "no $deb"
if [ "$(id -u)" != 0 ] || ! command -v dpkg >/dev/null; then
    [ "${CI:-}" = true ] && fail "installing the .deb needs root and dpkg"
    echo "skipped: installing the .deb needs root and dpkg"
else
    if dpkg -s grant >/dev/null 2>&1; then
        fail "a grant package is installed already; remove it first (dpkg -r grant)"
    fi
    dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i $deb"; }
    removed=
    remove_package() { [ -n "$removed" ] || { removed=1; dpkg -r grant >/dev/null 2>&1 || true; }; }
    trap 'remove_package; cleanup' EXIT
    dpkg -L grant | sort >"$work/files"
    [ "$(command -v grant)" = /usr/bin/grant ] || fail "grant is not /usr/bin/grant after dpkg -i"
    pass "dpkg -i installed /usr/bin/grant ($(grant --version))"

    man -w grant | grep -q '^/usr/share/man/man1/grant.1' || fail "man -w grant: $(man -w grant 2>&1)"
    MANPAGER='cat' MANWIDTH=80 man grant 2>/dev/null | grep -q 'credential-process' ||
        fail "man grant does not show grant's page"
    MANPAGER='cat' man grant-assume 2>/dev/null | grep -q -- '--unset' || fail "man grant-assume"
    pass "man grant and man grant-assume show the pages"

    # A world of our own: a HOME with two profiles, a clean environment, no rc files.
    home=$work/home
    mkdir -p "$home/.aws"
    printf '[profile dev-one]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n' >"$home/.aws/config"
    clean_env=(env -i HOME="$home" PATH=/usr/bin:/bin TERM=xterm LC_ALL=C.UTF-8)

    # bash: bash-completion's loader finds /usr/share/bash-completion/completions/NAME
    # on the first completion of NAME.
    bash_complete() {
        # shellcheck disable=SC2016 # the script is bash's, expanded there
        "${clean_env[@]}" bash --norc --noprofile -c '
            source /usr/share/bash-completion/bash_completion
            line=$1
            COMP_LINE=$line COMP_POINT=${#line}
            read -r -a COMP_WORDS <<<"$line"
            [[ $line == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _completion_loader "${COMP_WORDS[0]}"
            spec=$(complete -p "${COMP_WORDS[0]}") || exit 1
            function=${spec#*-F }
            function=${function%% *}
            COMPREPLY=()
            "$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf "%s\n" "${COMPREPLY[@]}"' bash "$1"
    }
    bash_complete "grant credential-p" | grep -qx 'credential-process' || fail "bash: grant credential-p<Tab>: $(bash_complete 'grant credential-p' | tr '\n' ' ')"
    bash_complete "grant export --profile de" | grep -qx 'dev-one' || fail "bash: grant export --profile de<Tab>"
    bash_complete "assume pr" | grep -qx 'prod' || fail "bash: assume pr<Tab>: $(bash_complete 'assume pr' | tr '\n' ' ')"
    pass "bash completes grant, its --profile and assume from /usr/share/bash-completion/completions"

    # fish: autoloads vendor_completions.d/NAME.fish for NAME, but only for a command
    # that exists, as `assume` does once `grant init fish` has run (a stub here, so
    # that the completion can only come from the vendor folder). No --no-config: it
    # empties fish's completion path; the clean HOME has no config anyway.
    fish_complete() { "${clean_env[@]}" fish -c "function assume; end; complete -C '$1'" | cut -f1; }
    fish_complete "grant credential-p" | grep -qx 'credential-process' || fail "fish: grant credential-p<Tab>"
    fish_complete "assume pr" | grep -qx 'prod' || fail "fish: assume pr<Tab>: $(fish_complete 'assume pr' | tr '\n' ' ')"
    pass "fish completes grant and assume from /usr/share/fish/vendor_completions.d"

    # zsh: compinit autoloads _grant from /usr/share/zsh/vendor-completions for both
    # names; the keys are typed into a real zsh line editor in tmux.
    # zsh_complete LINE EXPECTED: types LINE and Tab into a new zsh, then waits up to
    # 10 s for EXPECTED on the screen; prints the screen. Each call has its own tmux.
    zsh_calls=0
    zsh_complete() {
        local line=$1 expected=$2 pane=
        zsh_calls=$((zsh_calls + 1))
        tmux_socket=$work/tmux.$zsh_calls.sock
        tmux -S "$tmux_socket" new-session -d -x 200 -y 40 "${clean_env[*]} zsh -f -i"
        tmux -S "$tmux_socket" send-keys "PS1='> '; autoload -U compinit && compinit -u; clear" Enter
        for _ in $(seq 100); do
            pane=$(tmux -S "$tmux_socket" capture-pane -p)
            [ "$(printf '%s\n' "$pane" | grep -c .)" = 1 ] && [ "$(printf '%s' "$pane" | head -c 2)" = "> " ] && break
            sleep 0.1
        done
        tmux -S "$tmux_socket" send-keys -l "$line"
        tmux -S "$tmux_socket" send-keys Tab
        for _ in $(seq 100); do
            pane=$(tmux -S "$tmux_socket" capture-pane -p)
            printf '%s\n' "$pane" | grep -qF -- "$expected" && break
            sleep 0.1
        done
        tmux -S "$tmux_socket" kill-server 2>/dev/null || true
        printf '%s\n' "$pane"
        printf '%s\n' "$pane" | grep -qF -- "$expected"
    }
    zsh_complete "grant credential-p" "> grant credential-process" >"$work/zsh.screen" ||
        fail "zsh: grant credential-p<Tab>: $(cat "$work/zsh.screen")"
    zsh_complete "assume pr" "> assume prod" >"$work/zsh.screen" ||
        fail "zsh: assume pr<Tab>: $(cat "$work/zsh.screen")"
    pass "zsh completes grant and assume from /usr/share/zsh/vendor-completions"

    remove_package
    dpkg -s grant >/dev/null 2>&1 && fail "dpkg -r left grant installed"
    left=$(while IFS= read -r path; do
        if [ ! -d "$path" ] && { [ -e "$path" ] || [ -L "$path" ]; }; then echo "$path"; fi
    done <"$work/files")
    [ -z "$left" ] || fail "dpkg -r left: $left"
    pass "dpkg -r removed all $(wc -l <"$work/files") paths it installed"
fi

# --- 3. the sh installer --------------------------------------------------------
# The installer fetches $GRANT_INSTALLER_GITHUB_BASE_URL/OWNER/NAME/releases/download/vVERSION/ARCHIVE
# (the release's layout); a loopback server serves that tree.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
repository_path=$(sed -n 's|^repository = "https://github.com/\(.*\)"$|\1|p' Cargo.toml | head -n 1)
serve_root=$work/www
release_dir=$serve_root/$repository_path/releases/download/v$version
mkdir -p "$release_dir"
cp "$distrib/$archive" "$distrib/$archive.sha256" "$release_dir/"
port_file=$work/port
python3 - "$serve_root" "$port_file" <<'PY' &
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
server_pid=$!
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
[ -s "$port_file" ] || fail "the loopback server did not start"
base_url=http://127.0.0.1:$(cat "$port_file")

# The installer carries the archive's SHA-256 itself (it checks the download against
# it, not against a .sha256 fetched from the same place).
archive_sha256=$(cut -d' ' -f1 "$distrib/$archive.sha256")
grep -q "$archive_sha256" "$distrib/grant-installer.sh" ||
    fail "grant-installer.sh does not carry the SHA-256 of $archive"
pass "grant-installer.sh carries the archive's SHA-256 ($archive_sha256)"

# No cargo, rustc or rustup on this PATH: only the system's programs.
no_rust_path=/usr/bin:/bin
for tool in cargo rustc rustup; do
    PATH=$no_rust_path command -v "$tool" >/dev/null && fail "$tool is on $no_rust_path"
done
run_installer() {
    local prefix=$1
    env -i HOME="$work/installer-home" PATH="$no_rust_path" \
        GRANT_INSTALLER_GITHUB_BASE_URL="$base_url" GRANT_INSTALL_DIR="$prefix" \
        GRANT_NO_MODIFY_PATH=1 sh "$distrib/grant-installer.sh" --no-modify-path
}
mkdir -p "$work/installer-home"
prefix=$work/prefix
run_installer "$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "the sh installer failed"; }
installed=$(find "$prefix" -name grant -type f | head -n 1)
if [ -z "$installed" ] || [ ! -x "$installed" ]; then cat "$work/install.log" >&2; fail "the sh installer installed no grant in $prefix"; fi
cmp -s "$installed" "$binary" || fail "the installed grant is not the archive's"
"$installed" --version >/dev/null || fail "the installed grant does not run"
pass "the sh installer installed $(basename "$(dirname "$installed")")/grant from $base_url, no Rust on PATH"

# A tampered archive (same name and size, one byte changed): refused, nothing installed.
python3 - "$release_dir/$archive" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[len(data) // 2] ^= 0xFF
open(path, "wb").write(bytes(data))
PY
tampered_prefix=$work/tampered
touch "$work/before-tampered"
sleep 1
if run_installer "$tampered_prefix" >"$work/tampered.log" 2>&1; then
    cat "$work/tampered.log" >&2
    fail "the sh installer accepted a tampered archive"
fi
grep -qi 'checksum' "$work/tampered.log" || { cat "$work/tampered.log" >&2; fail "the refusal does not say why"; }
[ -z "$(find "$tampered_prefix" -type f 2>/dev/null)" ] || fail "the refused install left files: $(find "$tampered_prefix" -type f)"
[ -z "$(find "$work/installer-home" -newer "$work/before-tampered" 2>/dev/null)" ] ||
    fail "the refused install wrote into HOME: $(find "$work/installer-home" -newer "$work/before-tampered")"
pass "the sh installer refused a tampered archive: $(grep -i -m1 'checksum' "$work/tampered.log")"

# --- 4. the Scoop manifest ------------------------------------------------------
scoop_dir=$work/scoop
mkdir "$scoop_dir"
for target in x86_64-pc-windows-msvc aarch64-pc-windows-msvc; do
    head -c 1000 /dev/urandom >"$scoop_dir/grant-$target.zip"
    (cd "$scoop_dir" && sha256sum "grant-$target.zip" >"grant-$target.zip.sha256")
done
python3 packaging/scoop.py "v$version" "https://github.com/$repository_path" "$scoop_dir" >"$work/grant.json"
python3 - "$work/grant.json" "$scoop_dir" "$version" "$repository_path" <<'PY'
import hashlib, json, sys
manifest, folder, version, repository = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
assert manifest["version"] == version, manifest["version"]
assert manifest["bin"] == "grant.exe"
for arch, target in {"64bit": "x86_64-pc-windows-msvc", "arm64": "aarch64-pc-windows-msvc"}.items():
    entry = manifest["architecture"][arch]
    digest = hashlib.sha256(open(f"{folder}/grant-{target}.zip", "rb").read()).hexdigest()
    assert entry["hash"] == digest, (arch, entry["hash"], digest)
    assert entry["url"] == f"https://github.com/{repository}/releases/download/v{version}/grant-{target}.zip", entry["url"]
PY
echo "0000 grant-x86_64-pc-windows-msvc.zip" >"$scoop_dir/grant-x86_64-pc-windows-msvc.zip.sha256"
python3 packaging/scoop.py "v$version" "https://github.com/$repository_path" "$scoop_dir" >/dev/null 2>&1 &&
    fail "scoop.py accepted a malformed .sha256"
pass "the Scoop manifest carries each Windows archive's SHA-256 and refuses a malformed one"
# --- 5. the Homebrew formula ---------------------------------------------------
cp "$distrib/grant.rb" "$work/grant.rb"
python3 packaging/formula.py "$work/grant.rb"
for line in 'man1.install Dir["man/*.1"]' 'zsh_completion.install "completions/_grant"' \
    'bash_completion.install_symlink bash_completion/"grant" => "assume"' \
    'fish_completion.install_symlink fish_completion/"grant.fish" => "assume.fish"'; do
    grep -qF "$line" "$work/grant.rb" || fail "the formula lacks: $line"
done
grep -qF "$archive_sha256" "$work/grant.rb" || fail "the formula does not carry the archive's SHA-256"
cp "$work/grant.rb" "$work/once.rb"
python3 packaging/formula.py "$work/grant.rb"
cmp -s "$work/grant.rb" "$work/once.rb" || fail "formula.py changed a completed formula again"
printf 'class Grant < Formula\nend\n' >"$work/other.rb"
python3 packaging/formula.py "$work/other.rb" 2>/dev/null && fail "formula.py accepted a formula it cannot complete"
pass "the Homebrew formula installs the man pages and the completions of grant and assume"

echo "packaging check passed"
