#!/usr/bin/env python3
"""What botocore reads from the config file AWS_CONFIG_FILE points at.

  config_sections.py
      prints {"profiles": {NAME: {KEY: VALUE}}, "sso_sessions": {...}} as JSON.
"""
import json

import botocore.session


def main():
    config = botocore.session.Session().full_config
    print(json.dumps({
        "profiles": config.get("profiles", {}),
        "sso_sessions": config.get("sso_sessions", {}),
    }))


if __name__ == "__main__":
    main()
