#!/usr/bin/env python3
"""Shell starts timed interleaved: each round runs every variant once, in a new
random order, so that the VM's drift (which moves hyperfine's sequential blocks by
more than the differences measured) falls on all variants alike.

Reads JSON on stdin: [{"shell": NAME, "variants": [[LABEL, COMMAND], ...]}, ...],
the first variant of each shell its bare start. Prints, per variant, the median wall
time, the mean CPU time (user + system of the shell and its children) and what each
adds to its shell's bare start.

A shell with "until": TEXT runs in a pseudo-terminal (answering the line editor's
query of the cursor position) until its output shows TEXT, its prompt; it is then
killed. That times an interactive start to the first prompt, hooks included, for
a shell that reads no commands from a file when interactive (nushell).
Usage: ... | bench/interleaved.py ROUNDS
"""

import json
import os
import pty
import random
import resource
import select
import signal
import shlex
import statistics
import subprocess
import sys
import time


def run(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


CURSOR_QUERY = b"\x1b[6n"


def run_until(argv, until):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    pid, terminal = pty.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    seen = b""
    wall = None
    while wall is None and time.perf_counter() - start < 10:
        ready, _, _ = select.select([terminal], [], [], 1)
        if not ready:
            continue
        try:
            data = os.read(terminal, 65536)
        except OSError:
            break
        if not data:
            break
        seen += data
        for _ in range((seen[-len(data) - 3 :]).count(CURSOR_QUERY)):
            os.write(terminal, b"\x1b[1;1R")
        if until in seen:
            wall = time.perf_counter() - start
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(terminal)
    if wall is None:
        sys.exit(f"interleaved: {argv[0]} never showed its prompt; it wrote {seen[-300:]!r}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    shells = json.load(sys.stdin)
    variants = [
        (shell["shell"], label, shlex.split(command), shell.get("until"))
        for shell in shells
        for label, command in shell["variants"]
    ]
    times = {(shell, label): ([], []) for shell, label, _, _ in variants}

    def timed(argv, until):
        return run_until(argv, until.encode()) if until else run(argv)

    for _, _, argv, until in variants:
        for _ in range(3):
            timed(argv, until)
    for _ in range(rounds):
        random.shuffle(variants)
        for shell, label, argv, until in variants:
            wall, cpu = timed(argv, until)
            times[(shell, label)][0].append(wall)
            times[(shell, label)][1].append(cpu)
    print(f"{'shell: rc':<34} {'median':>9} {'added':>9} {'cpu':>9} {'added':>9}")
    for shell in shells:
        bare = None
        for label, _ in shell["variants"]:
            walls, cpus = times[(shell["shell"], label)]
            wall, cpu = statistics.median(walls) * 1000, statistics.mean(cpus) * 1000
            added = "" if bare is None else f"{wall - bare[0]:+.2f}ms"
            added_cpu = "" if bare is None else f"{cpu - bare[1]:+.2f}ms"
            bare = bare or (wall, cpu)
            name = f"{shell['shell']}: {label}"
            print(f"{name:<34} {wall:>7.2f}ms {added:>9} {cpu:>7.2f}ms {added_cpu:>9}")


if __name__ == "__main__":
    main()
