#!/usr/bin/env bash
# The release workflow's packages job: from the archives `dist build` made in this
# run (in DIR, default target/distrib), the .deb and .rpm of each Linux archive and
# the Scoop manifest, and the PowerShell installer pinned to this release, each with
# a .sha256 beside it.
#   packaging/packages.sh VERSION [DIR]
# Needs cargo-deb and cargo-generate-rpm.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1#v}
dir=${2:-target/distrib}
repository=$(sed -n 's/^repository = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

for archive in "$dir"/grant-*-unknown-linux-musl.tar.xz; do
    name=$(basename "$archive" .tar.xz)
    target=${name#grant-}
    # cargo-deb and cargo-generate-rpm read the binary where cargo would have put it.
    mkdir -p "target/$target/dist"
    tar -xJf "$archive" -C "target/$target/dist" --strip-components=1 "$name/grant"
    # Names without the version, so that releases/latest/download/NAME always works.
    case $target in
        x86_64-*) deb_arch=amd64 rpm_arch=x86_64 ;;
        aarch64-*) deb_arch=arm64 rpm_arch=aarch64 ;;
        *) echo "packages.sh: no package architecture for $target" >&2; exit 1 ;;
    esac
    cargo deb --no-build --no-strip --quiet --target "$target" --profile dist --output "$dir/grant_$deb_arch.deb"
    cargo generate-rpm --target "$target" --profile dist --output "$dir/grant.$rpm_arch.rpm"
done
python3 packaging/scoop.py "$version" "$repository" "$dir" >"$dir/grant.json"
packaging/pin-installer.sh "$version" "$repository" >"$dir/grant-installer.ps1"
(cd "$dir" && for file in *.deb *.rpm grant.json grant-installer.ps1; do sha256sum "$file" >"$file.sha256"; done)
