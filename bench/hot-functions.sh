#!/usr/bin/env bash
# Regenerates packaging/hot-functions.txt: the functions the starts users pay for
# run (the credential-process cache hit, --version, init of each shell, assume
# with and without -x, the directory hook), which the release link lays out first
# (packaging/cc-hot-first.sh). Builds the shipped binary with its symbols in a
# target folder of its own, runs each command under valgrind's callgrind on the
# 10,000-profile config of credential-process.sh, and writes the names of every
# function they ran, demangled and without hashes, one per line, most used first.
# Run it when packaging/check.sh says too few of the listed functions were found.
# Usage: bench/hot-functions.sh   (needs valgrind and what `cargo build-shipped` needs)
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
require valgrind valgrind
require c++filt binutils

symbols_dir="$REPO_DIR/target/hot-functions"
(cd "$REPO_DIR" && CARGO_TARGET_DIR="$symbols_dir" CARGO_PROFILE_DIST_STRIP=false cargo build-shipped --quiet)
GRANT_BIN="$symbols_dir/x86_64-unknown-linux-musl/dist/grant" build_release
make_home
write_profiles 10000
add_bench_profiles
start_fake
"$GRANT" sso login --profile bench 2>/dev/null
"$GRANT" credential-process --profile bench >/dev/null # the next one is a cache hit
mkdir -p "$BENCH_HOME/project"
echo bench >"$BENCH_HOME/project/.aws-profile"
"$GRANT" allow "$BENCH_HOME/project" >/dev/null 2>&1

runs=(
    "credential-process --profile bench"
    "--version"
    "init bash" "init zsh" "init fish" "init powershell" "init nu" "init tcsh"
    "assume --shell bash bench" "assume --shell bash -x bench" "assume --shell bash --unset"
    "directory-profile --shell bash --quiet -- $BENCH_HOME/project/.aws-profile"
)
for i in "${!runs[@]}"; do
    read -ra words <<<"${runs[$i]}"
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$BENCH_HOME/callgrind.$i" \
        "$GRANT" "${words[@]}" >/dev/null 2>&1
done
# callgrind names each function once per file, on its first "fn=(id) name" line
# (NAME'2 for a recursive call). The list keeps the order of the runs above, each
# function where it first appears: the link places them in that order, so the
# cache hit's come first and the rarer starts' after them.
sed -n 's/^c\{0,1\}fn=([0-9]*) //p' "$BENCH_HOME"/callgrind.* | grep -v -e '^0x' -e '^(below main)' |
    c++filt | sed -e "s/'[0-9]*$//" -e 's/::h[0-9a-f]\{16\}$//' -e 's/\[[0-9a-f]\{1,16\}\]//g' | awk '!seen[$0]++' \
    >"$REPO_DIR/packaging/hot-functions.txt"
echo "packaging/hot-functions.txt: $(wc -l <"$REPO_DIR/packaging/hot-functions.txt") functions" >&2
