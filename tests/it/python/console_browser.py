#!/usr/bin/env python3
"""A stand-in browser for `grant console`, set (through a wrapper) as CustomBrowserPath.

It writes what any local user could read of it, its /proc/self/cmdline and
/proc/self/environ, to $FAKE_CONSOLE_RECORD.proc; then loads the URL it was given
(inside a Firefox container URL, its `url=`) as a browser would, without following
the redirect, and writes the Location to $FAKE_CONSOLE_RECORD.location; last, its
arguments one a line to $FAKE_CONSOLE_RECORD, renamed into place so that a
complete record appears at once.
"""
import http.client
import os
import sys
import urllib.parse

CONTAINERS = "ext+granted-containers:"


def write(path, data):
    with open(path + ".tmp", "wb") as out:
        out.write(data)
    os.replace(path + ".tmp", path)


def main():
    record = os.environ["FAKE_CONSOLE_RECORD"]
    with open("/proc/self/cmdline", "rb") as cmdline, open("/proc/self/environ", "rb") as environ:
        write(record + ".proc", cmdline.read() + b"\n" + environ.read())
    target = sys.argv[-1]
    if target.startswith(CONTAINERS):
        target = dict(urllib.parse.parse_qsl(target[len(CONTAINERS):]))["url"]
    url = urllib.parse.urlsplit(target)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", url.path)
    response = conn.getresponse()
    location = response.getheader("Location") or f"status {response.status}"
    write(record + ".location", location.encode())
    write(record, "".join(arg + "\n" for arg in sys.argv[1:]).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
