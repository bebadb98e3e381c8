#!/usr/bin/env python3
"""A stand-in browser for grant's sign-in tests, set as CustomBrowserPath.

It loads the /authorize URL of the fake AWS, takes the redirect it answers with,
and loads that (grant's loopback listener), as a browser would. With
FAKE_BROWSER_MODE=tamper it changes the `state` of the redirect first, as a forged
redirect would. Each step is appended to $FAKE_BROWSER_LOG when set.
"""
import http.client
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


def log(line):
    path = os.environ.get("FAKE_BROWSER_LOG")
    if path:
        with open(path, "a") as out:
            out.write(line + "\n")


def main():
    url = urllib.parse.urlsplit(sys.argv[-1])
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", f"{url.path}?{url.query}")
    response = conn.getresponse()
    location = response.getheader("Location")
    log(f"authorize: {response.status}")
    if not location:
        return 1
    if os.environ.get("FAKE_BROWSER_MODE") == "tamper":
        parts = urllib.parse.urlsplit(location)
        query = urllib.parse.parse_qs(parts.query)
        query["state"] = ["forged-state"]
        location = parts._replace(query=urllib.parse.urlencode(query, doseq=True)).geturl()
    try:
        with urllib.request.urlopen(location, timeout=10) as page:
            log(f"callback: {page.status}")
    except urllib.error.HTTPError as error:
        log(f"callback: {error.code}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
