#!/usr/bin/env python3
"""Completes the Homebrew formula dist writes (grant.rb): dist installs the binary
and leaves the archive's other folders in pkgshare; grant's formula also puts the man
pages and the completions of `grant` and `assume` where Homebrew's man and shells
look. Edits the file in place.

    formula.py Formula/grant.rb
"""

import sys
from pathlib import Path

ANCHOR = "    install_binary_aliases!\n"
EXTRA = """\
    man1.install Dir["man/*.1"]
    bash_completion.install "completions/grant.bash" => "grant"
    bash_completion.install_symlink bash_completion/"grant" => "assume"
    zsh_completion.install "completions/_grant"
    fish_completion.install "completions/grant.fish"
    fish_completion.install_symlink fish_completion/"grant.fish" => "assume.fish"
"""


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    path = Path(sys.argv[1])
    text = path.read_text(encoding="utf-8")
    if EXTRA in text:
        return
    if text.count(ANCHOR) != 1:
        sys.exit(f"formula.py: {path} does not have one `install_binary_aliases!` line")
    path.write_text(text.replace(ANCHOR, ANCHOR + EXTRA), encoding="utf-8")


if __name__ == "__main__":
    main()
