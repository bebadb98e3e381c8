#!/bin/sh
# The linker of grant's Linux release binaries (.cargo/config.toml names it for the
# musl targets): cc, through rust-lld (it ships with every Rust toolchain), told to
# lay out first the functions a start runs, listed in packaging/hot-functions.txt
# (in its order: the cache hit's first).
# A start then maps a few pages of code where the functions spread over the whole
# binary would take some fifty page faults (see docs/performance.md).
#
# The list holds demangled names without their hashes (which change with the
# toolchain and the dependencies' versions); the names in the objects rustc links
# are matched against it here. How many matched is written beside the output, as
# OUTPUT.hot-first ("MATCHED of LISTED"), which packaging/check.sh reads.
# bench/hot-functions.sh regenerates the list.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/hot-functions.txt"
host=$(rustc -vV | sed -n 's/^host: //p')
gcc_ld="$(rustc --print sysroot)/lib/rustlib/$host/bin/gcc-ld"
if [ ! -x "$gcc_ld/ld.lld" ]; then
    echo "cc-hot-first: rust-lld is missing from the toolchain ($gcc_ld/ld.lld)" >&2
    exit 1
fi

# The output, and the objects and libraries (rustc's objects and rlibs, and the C
# libraries it names with -l, found in its -L folders: musl's libc.a among them).
output=
previous=
objects=
folders=
for arg; do
    case $previous in
        -o) output=$arg ;;
        -L) folders="$folders
$arg" ;;
    esac
    case $arg in
        *.o | *.a | *.rlib) objects="$objects
$arg" ;;
        -l?*) objects="$objects
lib${arg#-l}.a" ;;
    esac
    previous=$arg
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Each symbol the objects define, then the same list demangled, line for line.
printf '%s\n' "$objects" | while IFS= read -r object; do
    case $object in
        "") continue ;;
        */*) nm --defined-only -j "$object" 2>/dev/null || true ;;
        *) printf '%s\n' "$folders" | while IFS= read -r folder; do
            if [ -n "$folder" ] && [ -f "$folder/$object" ]; then
                nm --defined-only -j "$folder/$object" 2>/dev/null || true
                break
            fi
        done ;;
    esac
done | sort -u >"$work/symbols"
c++filt <"$work/symbols" | sed -e 's/::h[0-9a-f]\{16\}$//' -e 's/\[[0-9a-f]\{1,16\}\]//g' >"$work/names"
# The symbols of the listed names, in the list's order (most used first).
paste "$work/symbols" "$work/names" | awk -F '\t' '
    NR == FNR { if (!($0 in rank)) rank[$0] = FNR; next }
    $2 in rank { print rank[$2] "\t" $1; matched[$2] = 1 }
    END { n = 0; for (name in matched) n++; print n > "/dev/stderr" }
' "$list" - 2>"$work/matched" | sort -n -s -k1,1 | cut -f2 >"$work/order"
if [ -n "$output" ]; then
    echo "$(cat "$work/matched") of $(grep -c . "$list")" >"$output.hot-first"
fi
cc -B"$gcc_ld" -fuse-ld=lld -Wl,--symbol-ordering-file="$work/order" -Wl,--no-warn-symbol-ordering "$@"
