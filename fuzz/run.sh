#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS (default 60) from the committed
# seeds: the config and credentials files the tests read (tests/corpus) plus the
# fuzzer's own extra seeds (fuzz/seeds). New inputs go to fuzz/target/corpus/<target>,
# so the committed seeds only change by hand. Exits non-zero when a target crashes,
# panics or hangs; the input is then in fuzz/artifacts/<target>/.
#
#   fuzz/run.sh 60
#   cargo +nightly fuzz run config_reader fuzz/artifacts/config_reader/crash-...   # replay
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
targets=(config_reader document_roundtrip)

# cargo-fuzz needs nightly flags: the nightly toolchain when rustup has one, else
# the stable compiler in bootstrap mode.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    fuzz=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
fi
# Sanitizer: "none" skips AddressSanitizer (grant and its dependencies are safe
# Rust where it matters); override with FUZZ_SANITIZER=address.
sanitizer="${FUZZ_SANITIZER:-none}"

"${fuzz[@]}" build --sanitizer "$sanitizer"

status=0
for target in "${targets[@]}"; do
    mkdir -p "target/corpus/$target"
    log="target/$target.log"
    echo "fuzz: $target for ${seconds}s (log: fuzz/$log)"
    # -timeout: an input that takes over 10 s counts as a hang. libFuzzer's
    # progress lines go to the log; its final statistics are printed.
    if "${fuzz[@]}" run --sanitizer "$sanitizer" "$target" \
        "target/corpus/$target" ../tests/corpus/config ../tests/corpus/credentials seeds -- \
        -max_total_time="$seconds" -timeout=10 -max_len=8192 -print_final_stats=1 \
        >"$log" 2>&1; then
        grep -E '^(stat::|Done )' "$log" || tail -n 5 "$log"
    else
        tail -n 60 "$log" >&2
        echo "fuzz: $target FAILED; the input is in fuzz/artifacts/$target/" >&2
        status=1
    fi
done
exit "$status"
