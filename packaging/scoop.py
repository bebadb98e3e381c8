#!/usr/bin/env python3
"""Writes grant's Scoop manifest (grant.json) for one release.

    scoop.py VERSION REPOSITORY_URL ARTIFACTS_DIR > grant.json

ARTIFACTS_DIR holds the Windows archives' checksum files as the release publishes
them (grant-x86_64-pc-windows-msvc.zip.sha256, grant-aarch64-pc-windows-msvc.zip.sha256).
Scoop checks each download against the hash written here before it installs, and
`autoupdate` lets a bucket follow new releases by their .sha256 files.
"""

import json
import sys
from pathlib import Path

ARCHITECTURES = {"64bit": "x86_64-pc-windows-msvc", "arm64": "aarch64-pc-windows-msvc"}


def sha256_of(artifacts: Path, name: str) -> str:
    """The hash in NAME.sha256 (`HASH  NAME` or `HASH *NAME`), checked for shape."""
    text = (artifacts / f"{name}.sha256").read_text(encoding="utf-8").split()
    digest = text[0].lower() if text else ""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        sys.exit(f"scoop.py: {name}.sha256 does not start with a SHA-256")
    return digest


def manifest(version: str, repository: str, artifacts: Path) -> dict:
    download = f"{repository}/releases/download/v{version}"
    architecture = {}
    autoupdate = {}
    for scoop_name, target in ARCHITECTURES.items():
        archive = f"grant-{target}.zip"
        architecture[scoop_name] = {
            "url": f"{download}/{archive}",
            "hash": sha256_of(artifacts, archive),
        }
        autoupdate[scoop_name] = {
            "url": f"{repository}/releases/download/v$version/{archive}",
            "hash": {"url": "$url.sha256"},
        }
    return {
        "version": version,
        "description": "AWS credentials from IAM Identity Center and role chains, "
        "served through credential_process, and `assume` for your shell",
        "homepage": repository,
        "license": "MIT",
        "architecture": architecture,
        "bin": "grant.exe",
        "notes": "Add `Invoke-Expression (& grant init powershell | Out-String)` to your $PROFILE for `assume`.",
        "checkver": {"github": repository},
        "autoupdate": {"architecture": autoupdate},
    }


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    version, repository, artifacts = sys.argv[1], sys.argv[2].rstrip("/"), Path(sys.argv[3])
    json.dump(manifest(version.removeprefix("v"), repository, artifacts), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
