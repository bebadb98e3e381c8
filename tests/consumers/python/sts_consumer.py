#!/usr/bin/env python3
"""One consumer of grant's credentials: boto3 (botocore's credential chain) calls
STS GetCallerIdentity as many times as its argument says, through one client, so
that a second call shows botocore's own refresh (it renews credentials with less
than 15 minutes left, and must with less than 10)."""
import sys

import boto3


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    client = boto3.session.Session().client("sts")
    for _ in range(calls):
        print(client.get_caller_identity()["Arn"])


if __name__ == "__main__":
    main()
