module completions {

  def "nu-complete grant profiles" [] {
    try { ^grant profiles | lines } catch { [] }
  }

  # AWS credentials from IAM Identity Center and role chains, for every CLI, SDK and shell
  export extern grant [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print credentials as credential_process JSON (for ~/.aws/config)
  export extern "grant credential-process" [
    --profile: string@"nu-complete grant profiles"         # The profile to print credentials for
    --chain: string           # Then assume this role from those credentials (repeat for a chain, in order)
    --auto-login              # Allow a sign-in in the browser when the SSO session has expired
    --interactive             # Allow a sign-in in the browser when the SSO session has expired
    --noninteractive          # Never sign in, whatever the environment, profile or settings say
    --account-id: string      # The SSO account id (else AWS_SSO_ACCOUNT_ID, else the profile)
    --role-name: string       # The SSO role name (else AWS_SSO_ROLE_NAME, else the profile)
    --start-url: string       # The AWS access portal URL (else AWS_SSO_START_URL, else the profile, else DefaultSSOStartURL)
    --region: string          # The IAM Identity Center region (else AWS_SSO_REGION, else the profile, else DefaultSSORegion)
    --window: string          # Cached credentials with less life than this are renewed (e.g. 15m, 1h, 900s)
    --no-cache                # Fetch new credentials without reading or writing the cache
    --debug                   # Log every decision to stderr and to the state folder's debug log
    --mfa-token: string       # The MFA code for a role or IAM user with mfa_serial (else asked on the terminal or in a dialog)
    --help(-h)                # Print help
    --version(-V)             # Print version
    role?: string             # ACCOUNT_ID/ROLE_NAME or an IAM role ARN, through the DefaultSSOStartURL setting
  ]

  def "nu-complete grant assume shell" [] {
    [ "bash" "zsh" "fish" "powershell" "nu" "tcsh" ]
  }

  # Switch this shell to a profile (through the `assume` function of `grant init`)
  export extern "grant assume" [
    --chain: string           # Then assume this role from those credentials (repeat for a chain, in order)
    --export-all-env-vars(-x) # Export the keys themselves, not only AWS_PROFILE
    --region(-r): string      # The region to export (else the profile's)
    --unset                   # Remove every variable assume set
    --duration(-d): string    # The role session length for role_arn profiles, e.g. 1h or 45m
    --mfa-token: string       # The MFA code for a role or IAM user with mfa_serial (else asked on the terminal or in a dialog)
    --exec                    # Run the command after `--` with the credentials, leaving the shell unchanged
    --shell: string@"nu-complete grant assume shell" # The shell to write code for (set by the `assume` function of `grant init`)
    --reassume                # Renew the keys of the assumed profile, quietly and never signing in (the shell hook)
    --console(-c)             # Open the AWS console signed in as the profile instead (as `grant console`)
    --service(-s): string     # A console service by its short name, e.g. s3, ec2, lambda, iam, logs
    --destination: string     # An https URL of the AWS console to open, e.g. https://console.aws.amazon.com/s3/home
    --url                     # Print the console sign-in URL on stdout instead of opening a browser
    --env(-e)                 # Write the keys into .env in this folder instead (plaintext, your choice)
    --help(-h)                # Print help
    --version(-V)             # Print version
    profile?: string@"nu-complete grant profiles"          # The profile to switch to (a picker opens on the terminal without one)
  ]

  def "nu-complete grant init shell" [] {
    [ "bash" "zsh" "fish" "powershell" "nu" "tcsh" ]
  }

  # Print the shell integration (`assume`, its hook, completions) to put in an rc file
  export extern "grant init" [
    --save: path              # tcsh only: write the integration to FILE, for `source FILE` in ~/.tcshrc (no process at each start); the copy renews itself when grant changes
    --help(-h)                # Print help
    --version(-V)             # Print version
    shell: string@"nu-complete grant init shell"
  ]

  def "nu-complete grant completions shell" [] {
    [ "bash" "zsh" "fish" "powershell" "nu" "tcsh" ]
  }

  # Print the completion script for grant itself
  export extern "grant completions" [
    --help(-h)                # Print help
    --version(-V)             # Print version
    shell: string@"nu-complete grant completions shell"
  ]

  # Print every profile name of the AWS config and credentials files, sorted, one a line
  export extern "grant profiles" [
    --long(-l)                # Also show where each profile's credentials come from
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Rewrite sso_* and Granted profiles into grant's form (granted_sso_* keys, grant's credential_process)
  export extern "grant profiles convert" [
    --all                     # Every profile with sso_* keys or a Granted or aws-sso-credential-process line
    --dry-run                 # Print the change as a unified diff and write nothing
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    ...profiles: string@"nu-complete grant profiles"       # The profiles to convert
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant profiles help" [
  ]

  # Rewrite sso_* and Granted profiles into grant's form (granted_sso_* keys, grant's credential_process)
  export extern "grant profiles help convert" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant profiles help help" [
  ]

  # Delete cached credentials (the SSO sign-ins stay; see `grant sso logout`)
  export extern "grant cache" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Delete the cached credentials of one profile, or of all
  export extern "grant cache clear" [
    --profile: string@"nu-complete grant profiles"         # The profile whose credentials to delete
    --all                     # Delete every cached credential
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant cache help" [
  ]

  # Delete the cached credentials of one profile, or of all
  export extern "grant cache help clear" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant cache help help" [
  ]

  # Show or change grant's settings
  export extern "grant settings" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # List every setting with its value (the default when unset)
  export extern "grant settings list" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print the value of one setting (an empty line when it has no value)
  export extern "grant settings get" [
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string              # Setting name, e.g. DefaultExportAllEnvVar or Keyring.Backend
  ]

  # Change one setting
  export extern "grant settings set" [
    --setting: string         # Setting name, e.g. DefaultExportAllEnvVar or Keyring.Backend
    --value: string           # New value, checked against the setting's type; an empty value restores the default
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant settings help" [
  ]

  # List every setting with its value (the default when unset)
  export extern "grant settings help list" [
  ]

  # Print the value of one setting (an empty line when it has no value)
  export extern "grant settings help get" [
  ]

  # Change one setting
  export extern "grant settings help set" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant settings help help" [
  ]

  # Let the .aws-profile of a directory switch your shell to its profile
  export extern "grant allow" [
    --help(-h)                # Print help
    --version(-V)             # Print version
    dir?: path                # The directory holding the .aws-profile (default: the nearest from here, walking up)
  ]

  # Forget a directory's .aws-profile: it no longer switches your shell
  export extern "grant deny" [
    --help(-h)                # Print help
    --version(-V)             # Print version
    dir?: path                # The directory holding the .aws-profile (default: the nearest from here, walking up)
  ]

  # Sign in to IAM Identity Center (AWS SSO) and manage its tokens
  export extern "grant sso" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Sign in and store the session's token in the secret store
  export extern "grant sso login" [
    --profile: string@"nu-complete grant profiles"         # A profile whose SSO session to use
    --sso-session: string     # An [sso-session NAME] section of the AWS config
    --start-url: string       # The AWS access portal URL, e.g. https://my-org.awsapps.com/start
    --region: string          # The region of IAM Identity Center for --start-url
    --scope: string           # Registration scope, repeatable (sso:account:access gives refresh tokens)
    --no-browser              # Print the sign-in URL and code instead of opening a browser
    --use-device-code         # Use the device-code flow instead of the browser redirect to 127.0.0.1
    --force                   # Sign in again even when the stored token is still valid
    --export-sso-token        # Also write the token to the AWS CLI cache (~/.aws/sso/cache) for the AWS CLI and SDKs
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Renew the session's token with its refresh token, never opening a browser
  export extern "grant sso refresh" [
    --profile: string@"nu-complete grant profiles"         # A profile whose SSO session to use
    --sso-session: string     # An [sso-session NAME] section of the AWS config
    --start-url: string       # The AWS access portal URL, e.g. https://my-org.awsapps.com/start
    --region: string          # The region of IAM Identity Center for --start-url
    --scope: string           # Registration scope, repeatable (sso:account:access gives refresh tokens)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Sign out at the portal and delete the session's tokens and cached credentials
  export extern "grant sso logout" [
    --profile: string@"nu-complete grant profiles"         # A profile whose SSO session to use
    --sso-session: string     # An [sso-session NAME] section of the AWS config
    --start-url: string       # The AWS access portal URL, e.g. https://my-org.awsapps.com/start
    --region: string          # The region of IAM Identity Center for --start-url
    --scope: string           # Registration scope, repeatable (sso:account:access gives refresh tokens)
    --all                     # Sign out of every stored session
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # List or delete stored SSO tokens
  export extern "grant sso tokens" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Show each stored session: name, start URL, region, expiry, whether refreshable
  export extern "grant sso tokens list" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Delete the stored token of one session (KEY as `list` shows it), or all
  export extern "grant sso tokens clear" [
    --all
    --help(-h)                # Print help
    --version(-V)             # Print version
    key?: string
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant sso tokens help" [
  ]

  # Show each stored session: name, start URL, region, expiry, whether refreshable
  export extern "grant sso tokens help list" [
  ]

  # Delete the stored token of one session (KEY as `list` shows it), or all
  export extern "grant sso tokens help clear" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant sso tokens help help" [
  ]

  # Write a profile for every account and role you can reach into the AWS config
  export extern "grant sso populate" [
    --start-url: string       # The AWS access portal URL (else the setting DefaultSSOStartURL)
    --region: string          # The IAM Identity Center region (else the setting DefaultSSORegion)
    --sso-session: string     # Write an [sso-session NAME] section and make every profile use it
    --prefix: string          # Put this before every profile name
    --profile-template: string # How to name profiles, from {account_name}, {account_id} and {role_name}
    --profile-region: string  # The `region` of every profile
    --scope: string           # Registration scope, repeatable (default sso:account:access, for refresh tokens)
    --no-credential-process   # Plain sso_* profiles that the AWS CLI serves itself, without credential_process
    --prune                   # Remove profiles generated before from this start URL for roles that are gone
    --no-browser              # Print the sign-in URL and code instead of opening a browser, if a sign-in is needed
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print the profiles `populate` would write, changing nothing
  export extern "grant sso generate" [
    --start-url: string       # The AWS access portal URL (else the setting DefaultSSOStartURL)
    --region: string          # The IAM Identity Center region (else the setting DefaultSSORegion)
    --sso-session: string     # Write an [sso-session NAME] section and make every profile use it
    --prefix: string          # Put this before every profile name
    --profile-template: string # How to name profiles, from {account_name}, {account_id} and {role_name}
    --profile-region: string  # The `region` of every profile
    --scope: string           # Registration scope, repeatable (default sso:account:access, for refresh tokens)
    --no-credential-process   # Plain sso_* profiles that the AWS CLI serves itself, without credential_process
    --prune                   # Remove profiles generated before from this start URL for roles that are gone
    --no-browser              # Print the sign-in URL and code instead of opening a browser, if a sign-in is needed
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant sso help" [
  ]

  # Sign in and store the session's token in the secret store
  export extern "grant sso help login" [
  ]

  # Renew the session's token with its refresh token, never opening a browser
  export extern "grant sso help refresh" [
  ]

  # Sign out at the portal and delete the session's tokens and cached credentials
  export extern "grant sso help logout" [
  ]

  # List or delete stored SSO tokens
  export extern "grant sso help tokens" [
  ]

  # Show each stored session: name, start URL, region, expiry, whether refreshable
  export extern "grant sso help tokens list" [
  ]

  # Delete the stored token of one session (KEY as `list` shows it), or all
  export extern "grant sso help tokens clear" [
  ]

  # Write a profile for every account and role you can reach into the AWS config
  export extern "grant sso help populate" [
  ]

  # Print the profiles `populate` would write, changing nothing
  export extern "grant sso help generate" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant sso help help" [
  ]

  # Sign in at a SAML identity provider for SAML-federated profiles (grant_saml_url)
  export extern "grant saml" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Sign in at the profile's IdP (a window only if its session is gone), pick a role if none is set, and cache credentials
  export extern "grant saml login" [
    --profile(-p): string     # A profile with grant_saml_url (or a role chain on one)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Forget grant's browser profile for the profile's IdP (its session cookies)
  export extern "grant saml logout" [
    --profile(-p): string     # A profile with grant_saml_url (or a role chain on one)
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant saml help" [
  ]

  # Sign in at the profile's IdP (a window only if its session is gone), pick a role if none is set, and cache credentials
  export extern "grant saml help login" [
  ]

  # Forget grant's browser profile for the profile's IdP (its session cookies)
  export extern "grant saml help logout" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant saml help help" [
  ]

  # Serve a profile's credentials on a local container-credentials endpoint, renewed as they expire
  export extern "grant serve" [
    --profile: string@"nu-complete grant profiles"         # The profile whose credentials to serve
    --chain: string           # Then assume this role from those credentials (repeat for a chain, in order)
    --port: string            # The TCP port to listen on (0: any free port)
    --bind: string            # The address to listen on; anything but loopback is reachable by others
    --imds                    # Speak the EC2 instance-metadata protocol (IMDSv2, on loopback) instead
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Open the AWS console signed in as a profile (or print its sign-in URL)
  export extern "grant console" [
    --chain: string           # Then assume this role from those credentials (repeat for a chain, in order)
    --region(-r): string      # The console's region (else the profile's)
    --service(-s): string     # A console service by its short name, e.g. s3, ec2, lambda, iam, logs
    --destination: string     # An https URL of the AWS console to open, e.g. https://console.aws.amazon.com/s3/home
    --url                     # Print the console sign-in URL on stdout instead of opening a browser
    --mfa-token: string       # The MFA code for a role with mfa_serial (else asked on the terminal)
    --help(-h)                # Print help
    --version(-V)             # Print version
    profile?: string@"nu-complete grant profiles"          # The profile to sign in as (else GRANT_PROFILE, else AWS_PROFILE)
  ]

  def "nu-complete grant export format" [] {
    [ "env" "dotenv" "json" "powershell" "credentials" ]
  }

  # Print a profile's credentials as env, dotenv, json, powershell or an ini section
  export extern "grant export" [
    --profile: string@"nu-complete grant profiles"         # The profile whose credentials to export (else GRANT_PROFILE, else AWS_PROFILE)
    --chain: string           # Then assume this role from those credentials (repeat for a chain, in order)
    --format: string@"nu-complete grant export format" # The format on stdout
    --to-credentials-file     # Write the keys as a section of the AWS credentials file (plaintext, your choice)
    --as: string              # The section name for --to-credentials-file (else the profile's name)
    --mfa-token: string       # The MFA code for a role with mfa_serial (else asked on the terminal)
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  # Check the AWS files, the secret store, the SSO sessions and the shell for what to fix
  export extern "grant doctor" [
    --profile: string@"nu-complete grant profiles"         # Check only this profile (and what its chain names)
    --json                    # Print the findings as a JSON array instead of lines
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
  ]

  # Keep IAM users' access keys in grant's secret store, not in ~/.aws/credentials
  export extern "grant credentials" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Store an IAM user's access key for PROFILE and point the profile at grant
  export extern "grant credentials add" [
    --env                     # Read the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead of asking
    --help(-h)                # Print help
    --version(-V)             # Print version
    profile: string           # The profile of ~/.aws/config to serve the user's sessions
  ]

  # List the profiles whose keys grant stores (key ids masked, never the secret)
  export extern "grant credentials list" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Delete the stored key of PROFILE, its cached sessions and grant's lines in the profile
  export extern "grant credentials remove" [
    --help(-h)                # Print help
    --version(-V)             # Print version
    profile: string           # The profile whose key to delete
  ]

  # Create a new access key with IAM, store and check it, then delete the old one
  export extern "grant credentials rotate" [
    --mfa-token: string       # The MFA code when the profile has mfa_serial (IAM calls go through an MFA session)
    --help(-h)                # Print help
    --version(-V)             # Print version
    profile: string           # The profile whose key to replace
  ]

  # Move PROFILE's keys from ~/.aws/credentials into grant's store
  export extern "grant credentials import" [
    --remove-plaintext        # Also remove the keys from the credentials file (other lines stay)
    --help(-h)                # Print help
    --version(-V)             # Print version
    profile: string           # The profile whose keys to move
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant credentials help" [
  ]

  # Store an IAM user's access key for PROFILE and point the profile at grant
  export extern "grant credentials help add" [
  ]

  # List the profiles whose keys grant stores (key ids masked, never the secret)
  export extern "grant credentials help list" [
  ]

  # Delete the stored key of PROFILE, its cached sessions and grant's lines in the profile
  export extern "grant credentials help remove" [
  ]

  # Create a new access key with IAM, store and check it, then delete the old one
  export extern "grant credentials help rotate" [
  ]

  # Move PROFILE's keys from ~/.aws/credentials into grant's store
  export extern "grant credentials help import" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant credentials help help" [
  ]

  # Remove grant's state, settings and secret-store key; list the lines of the AWS files that still run grant
  export extern "grant uninstall" [
    --yes                     # Remove them; without it, only list what would go
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Share profiles through a git repository: a team's profile registries
  export extern "grant registry" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Clone a registry with your git and merge its profiles into ~/.aws/config
  export extern "grant registry add" [
    --ref: string             # The branch, tag or commit to follow (else the repository's default branch)
    --path: string            # The folder of the repository that holds granted.yml or the config fragment
    --filename: string        # The manifest's file name (default granted.yml), or a config fragment's
    --prefix-all-profiles     # Write every profile as NAME.PROFILE
    --prefix-duplicate-profiles # Write a profile whose name is in use as NAME.PROFILE instead of skipping it
    --priority: string        # Higher first: a registry of higher priority claims a shared name
    --required-key: string    # A value the registry's templates require, as KEY=VALUE (repeatable)
    --help(-h)                # Print help (see more with '--help')
    --version(-V)             # Print version
    name: string              # A name for the registry (letters, digits, `_-.`); prefixed profiles start with it
    url: string               # The repository, as `git clone` takes it (https, ssh, a path or file:// URL)
  ]

  # List the registries, their commit and their last sync
  export extern "grant registry list" [
    --help(-h)                # Print help
    --version(-V)             # Print version
  ]

  # Fetch the registries (or one) and rewrite their blocks; fast-forward only
  export extern "grant registry sync" [
    --populate                # Then generate your own profiles for every sso-session the registries bring
    --allow-rewritten-history # Take a history that was rewritten (force-pushed) instead of refusing it
    --required-key: string    # A value the registry's templates require, as KEY=VALUE (repeatable)
    --help(-h)                # Print help
    --version(-V)             # Print version
    name?: string             # Only this registry (else all, higher priority first)
  ]

  # Delete a registry's block from ~/.aws/config and forget its clone
  export extern "grant registry remove" [
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string              # The registry's name
  ]

  # Let a registry bring a key grant refuses by default (or one exact command)
  export extern "grant registry allow" [
    --help(-h)                # Print help
    --version(-V)             # Print version
    name: string              # The registry's name
    key: string               # The key to take (e.g. ca_bundle, credential_process), or [default] to let it write your default profile
    value?: string            # Only this exact value (required for credential_process, mfa_process, cli_pager)
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant registry help" [
  ]

  # Clone a registry with your git and merge its profiles into ~/.aws/config
  export extern "grant registry help add" [
  ]

  # List the registries, their commit and their last sync
  export extern "grant registry help list" [
  ]

  # Fetch the registries (or one) and rewrite their blocks; fast-forward only
  export extern "grant registry help sync" [
  ]

  # Delete a registry's block from ~/.aws/config and forget its clone
  export extern "grant registry help remove" [
  ]

  # Let a registry bring a key grant refuses by default (or one exact command)
  export extern "grant registry help allow" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant registry help help" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant help" [
  ]

  # Print credentials as credential_process JSON (for ~/.aws/config)
  export extern "grant help credential-process" [
  ]

  # Switch this shell to a profile (through the `assume` function of `grant init`)
  export extern "grant help assume" [
  ]

  # Print the shell integration (`assume`, its hook, completions) to put in an rc file
  export extern "grant help init" [
  ]

  # Print the completion script for grant itself
  export extern "grant help completions" [
  ]

  # Print every profile name of the AWS config and credentials files, sorted, one a line
  export extern "grant help profiles" [
  ]

  # Rewrite sso_* and Granted profiles into grant's form (granted_sso_* keys, grant's credential_process)
  export extern "grant help profiles convert" [
  ]

  # Delete cached credentials (the SSO sign-ins stay; see `grant sso logout`)
  export extern "grant help cache" [
  ]

  # Delete the cached credentials of one profile, or of all
  export extern "grant help cache clear" [
  ]

  # Show or change grant's settings
  export extern "grant help settings" [
  ]

  # List every setting with its value (the default when unset)
  export extern "grant help settings list" [
  ]

  # Print the value of one setting (an empty line when it has no value)
  export extern "grant help settings get" [
  ]

  # Change one setting
  export extern "grant help settings set" [
  ]

  # Let the .aws-profile of a directory switch your shell to its profile
  export extern "grant help allow" [
  ]

  # Forget a directory's .aws-profile: it no longer switches your shell
  export extern "grant help deny" [
  ]

  # Sign in to IAM Identity Center (AWS SSO) and manage its tokens
  export extern "grant help sso" [
  ]

  # Sign in and store the session's token in the secret store
  export extern "grant help sso login" [
  ]

  # Renew the session's token with its refresh token, never opening a browser
  export extern "grant help sso refresh" [
  ]

  # Sign out at the portal and delete the session's tokens and cached credentials
  export extern "grant help sso logout" [
  ]

  # List or delete stored SSO tokens
  export extern "grant help sso tokens" [
  ]

  # Show each stored session: name, start URL, region, expiry, whether refreshable
  export extern "grant help sso tokens list" [
  ]

  # Delete the stored token of one session (KEY as `list` shows it), or all
  export extern "grant help sso tokens clear" [
  ]

  # Write a profile for every account and role you can reach into the AWS config
  export extern "grant help sso populate" [
  ]

  # Print the profiles `populate` would write, changing nothing
  export extern "grant help sso generate" [
  ]

  # Sign in at a SAML identity provider for SAML-federated profiles (grant_saml_url)
  export extern "grant help saml" [
  ]

  # Sign in at the profile's IdP (a window only if its session is gone), pick a role if none is set, and cache credentials
  export extern "grant help saml login" [
  ]

  # Forget grant's browser profile for the profile's IdP (its session cookies)
  export extern "grant help saml logout" [
  ]

  # Serve a profile's credentials on a local container-credentials endpoint, renewed as they expire
  export extern "grant help serve" [
  ]

  # Open the AWS console signed in as a profile (or print its sign-in URL)
  export extern "grant help console" [
  ]

  # Print a profile's credentials as env, dotenv, json, powershell or an ini section
  export extern "grant help export" [
  ]

  # Check the AWS files, the secret store, the SSO sessions and the shell for what to fix
  export extern "grant help doctor" [
  ]

  # Keep IAM users' access keys in grant's secret store, not in ~/.aws/credentials
  export extern "grant help credentials" [
  ]

  # Store an IAM user's access key for PROFILE and point the profile at grant
  export extern "grant help credentials add" [
  ]

  # List the profiles whose keys grant stores (key ids masked, never the secret)
  export extern "grant help credentials list" [
  ]

  # Delete the stored key of PROFILE, its cached sessions and grant's lines in the profile
  export extern "grant help credentials remove" [
  ]

  # Create a new access key with IAM, store and check it, then delete the old one
  export extern "grant help credentials rotate" [
  ]

  # Move PROFILE's keys from ~/.aws/credentials into grant's store
  export extern "grant help credentials import" [
  ]

  # Remove grant's state, settings and secret-store key; list the lines of the AWS files that still run grant
  export extern "grant help uninstall" [
  ]

  # Share profiles through a git repository: a team's profile registries
  export extern "grant help registry" [
  ]

  # Clone a registry with your git and merge its profiles into ~/.aws/config
  export extern "grant help registry add" [
  ]

  # List the registries, their commit and their last sync
  export extern "grant help registry list" [
  ]

  # Fetch the registries (or one) and rewrite their blocks; fast-forward only
  export extern "grant help registry sync" [
  ]

  # Delete a registry's block from ~/.aws/config and forget its clone
  export extern "grant help registry remove" [
  ]

  # Let a registry bring a key grant refuses by default (or one exact command)
  export extern "grant help registry allow" [
  ]

  # Print this message or the help of the given subcommand(s)
  export extern "grant help help" [
  ]

}

export use completions *
