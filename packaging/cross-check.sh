#!/usr/bin/env bash
# Compiles grant, its tests and the fake AWS for Windows and macOS here, on Linux,
# with clippy's warnings as errors: code behind `cfg(windows)` or
# `cfg(target_os = "macos")`, and tests that only build on Unix, fail here rather
# than on a public CI host. Nothing is linked or run: that is left to the macOS and
# Windows jobs of .github/workflows/ci.yml.
#
# Rust's standard library for both targets comes from rustup. The one C library in
# the tree (aws-lc, under rustls) is compiled by zig (packaging/zig-venv.sh), which
# carries the C headers of both systems. Windows is checked as
# x86_64-pc-windows-gnu, whose headers zig has; the release builds
# x86_64-pc-windows-msvc, and grant's code has no `cfg(target_env)`, so both see
# the same Rust.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(x86_64-pc-windows-gnu aarch64-apple-darwin)

# The standard library of both targets comes from the Rust project's own server, not
# a package registry; a machine that cannot reach it skips this check, saying so.
if ! timeout 600 rustup target add "${targets[@]}"; then
    echo "cross-check: skipped, rustup could not install the standard library of ${targets[*]}" >&2
    exit 0
fi

tools="$PWD/target/tools"
venv=$(packaging/zig-venv.sh)

# cc-rs passes `--target=<Rust triple>`, which zig does not read: each wrapper drops
# it and names zig's own target instead.
wrappers="$tools/zig-cc"
mkdir -p "$wrappers"
write_cc() {
    local name=$1 zig_target=$2
    cat >"$wrappers/$name" <<EOF
#!/usr/bin/env bash
args=()
for arg in "\$@"; do
    case \$arg in
        --target=*) ;;
        *) args+=("\$arg") ;;
    esac
done
exec '$venv/bin/python' -m ziglang cc -target $zig_target "\${args[@]}"
EOF
    chmod 755 "$wrappers/$name"
}
write_cc cc-windows x86_64-windows-gnu
write_cc cc-macos aarch64-macos
cat >"$wrappers/ar" <<EOF
#!/usr/bin/env bash
exec '$venv/bin/python' -m ziglang ar "\$@"
EOF
chmod 755 "$wrappers/ar"

export CC_x86_64_pc_windows_gnu="$wrappers/cc-windows"
export AR_x86_64_pc_windows_gnu="$wrappers/ar"
export CC_aarch64_apple_darwin="$wrappers/cc-macos"
export AR_aarch64_apple_darwin="$wrappers/ar"
target_args=()
for target in "${targets[@]}"; do
    target_args+=(--target "$target")
done
cargo clippy --workspace --all-targets --locked --quiet "${target_args[@]}" -- -D warnings
