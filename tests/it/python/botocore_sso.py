#!/usr/bin/env python3
"""botocore's side of the SSO token-cache interoperability tests.

  botocore_sso.py credentials PROFILE
      botocore's SSO credential provider for PROFILE (sso_session profile) reads the
      token from ~/.aws/sso/cache and calls GetRoleCredentials; prints the key id.
  botocore_sso.py refresh PROFILE
      botocore's SSO token provider loads the cached token of PROFILE's sso-session;
      a token within 15 minutes of expiry is refreshed and botocore rewrites the
      cache file in its own format; prints the new token's expiry.
Endpoints come from AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC.
"""
import sys

import botocore.session
import botocore.tokens


def main():
    command, profile = sys.argv[1], sys.argv[2]
    session = botocore.session.Session(profile=profile)
    if command == "credentials":
        credentials = session.get_credentials()
        if credentials is None:
            print("no credentials", file=sys.stderr)
            return 1
        print(credentials.get_frozen_credentials().access_key)
    elif command == "refresh":
        provider = botocore.tokens.SSOTokenProvider(session, profile_name=profile)
        token = provider.load_token()
        print(token.get_frozen_token().expiration.isoformat())
    else:
        print(f"unknown command {command}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
