#!/usr/bin/env python3
"""Runs a command on a new pseudo-terminal and exits as soon as MARKER appears in
what it writes there (the command is killed then), or fails after 10 s.
Usage: first-output.py MARKER COMMAND [ARGS...]
Timed by hyperfine, the difference between two such runs is the difference between
the moments the two commands first showed their marker."""
import os
import pty
import select
import signal
import sys
import time

marker, command = sys.argv[1].encode(), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
seen, deadline = b"", time.monotonic() + 10
while marker not in seen:
    left = deadline - time.monotonic()
    if left <= 0 or not select.select([fd], [], [], left)[0]:
        sys.exit(f"no {marker!r} within 10 s; the terminal showed {seen[-300:]!r}")
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        chunk = b""
    if not chunk:
        sys.exit(f"the command ended without showing {marker!r}: {seen[-300:]!r}")
    seen += chunk
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
