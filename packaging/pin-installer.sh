#!/usr/bin/env bash
# The PowerShell installer of release vVERSION: packaging/grant-installer.ps1 with its
# download folder pinned to that release, so that it installs vVERSION's archives
# rather than the latest ones. Fails if the line to pin is not there.
#   packaging/pin-installer.sh VERSION REPOSITORY_URL >grant-installer.ps1
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1#v}
repository=${2%/}
case $version in
    *[!0-9A-Za-z.+-]* | '') echo "pin-installer.sh: not a version: $1" >&2; exit 1 ;;
esac
# Both go into a sed replacement and a single-quoted PowerShell string.
case $repository in
    https://*[!0-9A-Za-z:/._-]* | https://) echo "pin-installer.sh: not a repository URL: $2" >&2; exit 1 ;;
    https://*) ;;
    *) echo "pin-installer.sh: not a repository URL: $2" >&2; exit 1 ;;
esac
pinned="    \$release = '$repository/releases/download/v$version'"
script=$(sed "s|^    \$release = '.*/releases/latest/download'\$|$pinned|" packaging/grant-installer.ps1)
grep -qxF "$pinned" <<<"$script" ||
    { echo "pin-installer.sh: no release line to pin in grant-installer.ps1" >&2; exit 1; }
printf '%s\n' "$script"
