#!/usr/bin/env python3
"""A stand-in browser for grant's sign-in tests, set as CustomBrowserPath.

It loads the /authorize URL of the fake AWS, takes the redirect it answers with,
and loads that (grant's loopback listener), as a browser would. Each step is
appended to $FAKE_BROWSER_LOG when set. FAKE_BROWSER_MODE changes what reaches
the listener before the real redirect:

- tamper: the redirect with a forged `state` first;
- hostile: a connection that stays open and sends nothing, a redirect with a
  forged `state`, and an `error=access_denied` with a forged `state`;
- bogus-code: the redirect with the right `state` and a code of its own.
"""
import http.client
import os
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request


def log(line):
    path = os.environ.get("FAKE_BROWSER_LOG")
    if path:
        with open(path, "a") as out:
            out.write(line + "\n")


def load(url):
    """The status of GET url (a 4xx/5xx included)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as page:
            return page.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return f"no answer ({error})"


def with_query(url, **changes):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    for name, value in changes.items():
        query[name] = [value]
    return parts._replace(query=urllib.parse.urlencode(query, doseq=True)).geturl()


def main():
    mode = os.environ.get("FAKE_BROWSER_MODE")
    url = urllib.parse.urlsplit(sys.argv[-1])
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", f"{url.path}?{url.query}")
    response = conn.getresponse()
    location = response.getheader("Location")
    log(f"authorize: {response.status}")
    if not location:
        return 1
    idle = None
    if mode == "hostile":
        listener = urllib.parse.urlsplit(location)
        idle = socket.create_connection((listener.hostname, listener.port), timeout=10)
        log("idle: connected")
        log(f"forged state: {load(with_query(location, state='forged-state'))}")
        denied = with_query(location, error="access_denied", state="forged-state")
        log(f"forged error: {load(denied)}")
    elif mode == "bogus-code":
        log(f"bogus code: {load(with_query(location, code='bogus-code'))}")
    elif mode == "tamper":
        log(f"forged: {load(with_query(location, state='forged-state'))}")
    log(f"callback: {load(location)}")
    if idle:
        idle.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
