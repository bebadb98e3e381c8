# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_grant_global_optspecs
    string join \n h/help V/version
end

function __fish_grant_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_grant_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_grant_using_subcommand
    set -l cmd (__fish_grant_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c grant -n "__fish_grant_needs_command" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_needs_command" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_needs_command" -f -a "credential-process" -d 'Print credentials as credential_process JSON (for ~/.aws/config)'
complete -c grant -n "__fish_grant_needs_command" -f -a "assume" -d 'Switch this shell to a profile (through the `assume` function of `grant init`)'
complete -c grant -n "__fish_grant_needs_command" -f -a "init" -d 'Print the shell integration (`assume`, its hook, completions) to put in an rc file'
complete -c grant -n "__fish_grant_needs_command" -f -a "completions" -d 'Print the completion script for grant itself'
complete -c grant -n "__fish_grant_needs_command" -f -a "profiles" -d 'Print every profile name of the AWS config and credentials files, sorted, one a line'
complete -c grant -n "__fish_grant_needs_command" -f -a "cache" -d 'Delete cached credentials (the SSO sign-ins stay; see `grant sso logout`)'
complete -c grant -n "__fish_grant_needs_command" -f -a "settings" -d 'Show or change grant\'s settings'
complete -c grant -n "__fish_grant_needs_command" -f -a "allow" -d 'Let the .aws-profile of a directory switch your shell to its profile'
complete -c grant -n "__fish_grant_needs_command" -f -a "deny" -d 'Forget a directory\'s .aws-profile: it no longer switches your shell'
complete -c grant -n "__fish_grant_needs_command" -f -a "sso" -d 'Sign in to IAM Identity Center (AWS SSO) and manage its tokens'
complete -c grant -n "__fish_grant_needs_command" -f -a "saml" -d 'Sign in at a SAML identity provider for SAML-federated profiles (grant_saml_url)'
complete -c grant -n "__fish_grant_needs_command" -f -a "serve" -d 'Serve a profile\'s credentials on a local container-credentials endpoint, renewed as they expire'
complete -c grant -n "__fish_grant_needs_command" -f -a "console" -d 'Open the AWS console signed in as a profile (or print its sign-in URL)'
complete -c grant -n "__fish_grant_needs_command" -f -a "export" -d 'Print a profile\'s credentials as env, dotenv, json, powershell or an ini section'
complete -c grant -n "__fish_grant_needs_command" -f -a "doctor" -d 'Check the AWS files, the secret store, the SSO sessions and the shell for what to fix'
complete -c grant -n "__fish_grant_needs_command" -f -a "credentials" -d 'Keep IAM users\' access keys in grant\'s secret store, not in ~/.aws/credentials'
complete -c grant -n "__fish_grant_needs_command" -f -a "uninstall" -d 'Remove grant\'s state, settings and secret-store key; list the lines of the AWS files that still run grant'
complete -c grant -n "__fish_grant_needs_command" -f -a "registry" -d 'Share profiles through a git repository: a team\'s profile registries'
complete -c grant -n "__fish_grant_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l profile -d 'The profile to print credentials for' -r
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l chain -d 'Then assume this role from those credentials (repeat for a chain, in order)' -r
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l account-id -d 'The SSO account id (else AWS_SSO_ACCOUNT_ID, else the profile)' -r
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l role-name -d 'The SSO role name (else AWS_SSO_ROLE_NAME, else the profile)' -r
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l start-url -d 'The AWS access portal URL (else AWS_SSO_START_URL, else the profile, else DefaultSSOStartURL)' -r
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l region -d 'The IAM Identity Center region (else AWS_SSO_REGION, else the profile, else DefaultSSORegion)' -r
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l window -d 'Cached credentials with less life than this are renewed (e.g. 15m, 1h, 900s)' -r
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l mfa-token -d 'The MFA code for a role or IAM user with mfa_serial (else asked on the terminal or in a dialog)' -r
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l auto-login -l interactive -d 'Allow a sign-in in the browser when the SSO session has expired'
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l noninteractive -d 'Never sign in, whatever the environment, profile or settings say'
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l no-cache -d 'Fetch new credentials without reading or writing the cache'
complete -c grant -n "__fish_grant_using_subcommand credential-process" -l debug -d 'Log every decision to stderr and to the state folder\'s debug log'
complete -c grant -n "__fish_grant_using_subcommand credential-process" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand credential-process" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand assume" -l chain -d 'Then assume this role from those credentials (repeat for a chain, in order)' -r
complete -c grant -n "__fish_grant_using_subcommand assume" -s r -l region -d 'The region to export (else the profile\'s)' -r
complete -c grant -n "__fish_grant_using_subcommand assume" -s d -l duration -d 'The role session length for role_arn profiles, e.g. 1h or 45m' -r
complete -c grant -n "__fish_grant_using_subcommand assume" -l mfa-token -d 'The MFA code for a role or IAM user with mfa_serial (else asked on the terminal or in a dialog)' -r
complete -c grant -n "__fish_grant_using_subcommand assume" -l shell -d 'The shell to write code for (set by the `assume` function of `grant init`)' -r -f -a "bash\t''
zsh\t''
fish\t''
powershell\t''
nu\t''
tcsh\t''"
complete -c grant -n "__fish_grant_using_subcommand assume" -s s -l service -d 'A console service by its short name, e.g. s3, ec2, lambda, iam, logs' -r
complete -c grant -n "__fish_grant_using_subcommand assume" -l destination -d 'An https URL of the AWS console to open, e.g. https://console.aws.amazon.com/s3/home' -r
complete -c grant -n "__fish_grant_using_subcommand assume" -s x -l export-all-env-vars -d 'Export the keys themselves, not only AWS_PROFILE'
complete -c grant -n "__fish_grant_using_subcommand assume" -l unset -d 'Remove every variable assume set'
complete -c grant -n "__fish_grant_using_subcommand assume" -l exec -d 'Run the command after `--` with the credentials, leaving the shell unchanged'
complete -c grant -n "__fish_grant_using_subcommand assume" -s c -l console -d 'Open the AWS console signed in as the profile instead (as `grant console`)'
complete -c grant -n "__fish_grant_using_subcommand assume" -l url -d 'Print the console sign-in URL on stdout instead of opening a browser'
complete -c grant -n "__fish_grant_using_subcommand assume" -s e -l env -d 'Write the keys into .env in this folder instead (plaintext, your choice)'
complete -c grant -n "__fish_grant_using_subcommand assume" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand assume" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand init" -l save -d 'tcsh only: write the integration to FILE, for `source FILE` in ~/.tcshrc (no process at each start); the copy renews itself when grant changes' -r -F
complete -c grant -n "__fish_grant_using_subcommand init" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand init" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand completions" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand completions" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand profiles; and not __fish_seen_subcommand_from convert help" -s l -l long -d 'Also show where each profile\'s credentials come from'
complete -c grant -n "__fish_grant_using_subcommand profiles; and not __fish_seen_subcommand_from convert help" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand profiles; and not __fish_seen_subcommand_from convert help" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand profiles; and not __fish_seen_subcommand_from convert help" -f -a "convert" -d 'Rewrite sso_* and Granted profiles into grant\'s form (granted_sso_* keys, grant\'s credential_process)'
complete -c grant -n "__fish_grant_using_subcommand profiles; and not __fish_seen_subcommand_from convert help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand profiles; and __fish_seen_subcommand_from convert" -l all -d 'Every profile with sso_* keys or a Granted or aws-sso-credential-process line'
complete -c grant -n "__fish_grant_using_subcommand profiles; and __fish_seen_subcommand_from convert" -l dry-run -d 'Print the change as a unified diff and write nothing'
complete -c grant -n "__fish_grant_using_subcommand profiles; and __fish_seen_subcommand_from convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grant -n "__fish_grant_using_subcommand profiles; and __fish_seen_subcommand_from convert" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "convert" -d 'Rewrite sso_* and Granted profiles into grant\'s form (granted_sso_* keys, grant\'s credential_process)'
complete -c grant -n "__fish_grant_using_subcommand profiles; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand cache; and not __fish_seen_subcommand_from clear help" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand cache; and not __fish_seen_subcommand_from clear help" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand cache; and not __fish_seen_subcommand_from clear help" -f -a "clear" -d 'Delete the cached credentials of one profile, or of all'
complete -c grant -n "__fish_grant_using_subcommand cache; and not __fish_seen_subcommand_from clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand cache; and __fish_seen_subcommand_from clear" -l profile -d 'The profile whose credentials to delete' -r
complete -c grant -n "__fish_grant_using_subcommand cache; and __fish_seen_subcommand_from clear" -l all -d 'Delete every cached credential'
complete -c grant -n "__fish_grant_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand cache; and __fish_seen_subcommand_from clear" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Delete the cached credentials of one profile, or of all'
complete -c grant -n "__fish_grant_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand settings; and not __fish_seen_subcommand_from list get set help" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand settings; and not __fish_seen_subcommand_from list get set help" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand settings; and not __fish_seen_subcommand_from list get set help" -f -a "list" -d 'List every setting with its value (the default when unset)'
complete -c grant -n "__fish_grant_using_subcommand settings; and not __fish_seen_subcommand_from list get set help" -f -a "get" -d 'Print the value of one setting (an empty line when it has no value)'
complete -c grant -n "__fish_grant_using_subcommand settings; and not __fish_seen_subcommand_from list get set help" -f -a "set" -d 'Change one setting'
complete -c grant -n "__fish_grant_using_subcommand settings; and not __fish_seen_subcommand_from list get set help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from set" -l setting -d 'Setting name, e.g. DefaultExportAllEnvVar or Keyring.Backend' -r
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from set" -l value -d 'New value, checked against the setting\'s type; an empty value restores the default' -r
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "list" -d 'List every setting with its value (the default when unset)'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print the value of one setting (an empty line when it has no value)'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "set" -d 'Change one setting'
complete -c grant -n "__fish_grant_using_subcommand settings; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand allow" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand allow" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand deny" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand deny" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -f -a "login" -d 'Sign in and store the session\'s token in the secret store'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -f -a "refresh" -d 'Renew the session\'s token with its refresh token, never opening a browser'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -f -a "logout" -d 'Sign out at the portal and delete the session\'s tokens and cached credentials'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -f -a "tokens" -d 'List or delete stored SSO tokens'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -f -a "populate" -d 'Write a profile for every account and role you can reach into the AWS config'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -f -a "generate" -d 'Print the profiles `populate` would write, changing nothing'
complete -c grant -n "__fish_grant_using_subcommand sso; and not __fish_seen_subcommand_from login refresh logout tokens populate generate help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l profile -d 'A profile whose SSO session to use' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l sso-session -d 'An [sso-session NAME] section of the AWS config' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l start-url -d 'The AWS access portal URL, e.g. https://my-org.awsapps.com/start' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l region -d 'The region of IAM Identity Center for --start-url' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l scope -d 'Registration scope, repeatable (sso:account:access gives refresh tokens)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l no-browser -d 'Print the sign-in URL and code instead of opening a browser'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l use-device-code -d 'Use the device-code flow instead of the browser redirect to 127.0.0.1'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l force -d 'Sign in again even when the stored token is still valid'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -l export-sso-token -d 'Also write the token to the AWS CLI cache (~/.aws/sso/cache) for the AWS CLI and SDKs'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from login" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from refresh" -l profile -d 'A profile whose SSO session to use' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from refresh" -l sso-session -d 'An [sso-session NAME] section of the AWS config' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from refresh" -l start-url -d 'The AWS access portal URL, e.g. https://my-org.awsapps.com/start' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from refresh" -l region -d 'The region of IAM Identity Center for --start-url' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from refresh" -l scope -d 'Registration scope, repeatable (sso:account:access gives refresh tokens)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from refresh" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from refresh" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from logout" -l profile -d 'A profile whose SSO session to use' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from logout" -l sso-session -d 'An [sso-session NAME] section of the AWS config' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from logout" -l start-url -d 'The AWS access portal URL, e.g. https://my-org.awsapps.com/start' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from logout" -l region -d 'The region of IAM Identity Center for --start-url' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from logout" -l scope -d 'Registration scope, repeatable (sso:account:access gives refresh tokens)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from logout" -l all -d 'Sign out of every stored session'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from logout" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from tokens" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from tokens" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from tokens" -f -a "list" -d 'Show each stored session: name, start URL, region, expiry, whether refreshable'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from tokens" -f -a "clear" -d 'Delete the stored token of one session (KEY as `list` shows it), or all'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from tokens" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l start-url -d 'The AWS access portal URL (else the setting DefaultSSOStartURL)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l region -d 'The IAM Identity Center region (else the setting DefaultSSORegion)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l sso-session -d 'Write an [sso-session NAME] section and make every profile use it' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l prefix -d 'Put this before every profile name' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l profile-template -d 'How to name profiles, from {account_name}, {account_id} and {role_name}' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l profile-region -d 'The `region` of every profile' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l scope -d 'Registration scope, repeatable (default sso:account:access, for refresh tokens)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l no-credential-process -d 'Plain sso_* profiles that the AWS CLI serves itself, without credential_process'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l prune -d 'Remove profiles generated before from this start URL for roles that are gone'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -l no-browser -d 'Print the sign-in URL and code instead of opening a browser, if a sign-in is needed'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from populate" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l start-url -d 'The AWS access portal URL (else the setting DefaultSSOStartURL)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l region -d 'The IAM Identity Center region (else the setting DefaultSSORegion)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l sso-session -d 'Write an [sso-session NAME] section and make every profile use it' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l prefix -d 'Put this before every profile name' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l profile-template -d 'How to name profiles, from {account_name}, {account_id} and {role_name}' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l profile-region -d 'The `region` of every profile' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l scope -d 'Registration scope, repeatable (default sso:account:access, for refresh tokens)' -r
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l no-credential-process -d 'Plain sso_* profiles that the AWS CLI serves itself, without credential_process'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l prune -d 'Remove profiles generated before from this start URL for roles that are gone'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -l no-browser -d 'Print the sign-in URL and code instead of opening a browser, if a sign-in is needed'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from generate" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from help" -f -a "login" -d 'Sign in and store the session\'s token in the secret store'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from help" -f -a "refresh" -d 'Renew the session\'s token with its refresh token, never opening a browser'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from help" -f -a "logout" -d 'Sign out at the portal and delete the session\'s tokens and cached credentials'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from help" -f -a "tokens" -d 'List or delete stored SSO tokens'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from help" -f -a "populate" -d 'Write a profile for every account and role you can reach into the AWS config'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from help" -f -a "generate" -d 'Print the profiles `populate` would write, changing nothing'
complete -c grant -n "__fish_grant_using_subcommand sso; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand saml; and not __fish_seen_subcommand_from login logout help" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand saml; and not __fish_seen_subcommand_from login logout help" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand saml; and not __fish_seen_subcommand_from login logout help" -f -a "login" -d 'Sign in at the profile\'s IdP (a window only if its session is gone), pick a role if none is set, and cache credentials'
complete -c grant -n "__fish_grant_using_subcommand saml; and not __fish_seen_subcommand_from login logout help" -f -a "logout" -d 'Forget grant\'s browser profile for the profile\'s IdP (its session cookies)'
complete -c grant -n "__fish_grant_using_subcommand saml; and not __fish_seen_subcommand_from login logout help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from login" -s p -l profile -d 'A profile with grant_saml_url (or a role chain on one)' -r
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from login" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from logout" -s p -l profile -d 'A profile with grant_saml_url (or a role chain on one)' -r
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from logout" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from help" -f -a "login" -d 'Sign in at the profile\'s IdP (a window only if its session is gone), pick a role if none is set, and cache credentials'
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from help" -f -a "logout" -d 'Forget grant\'s browser profile for the profile\'s IdP (its session cookies)'
complete -c grant -n "__fish_grant_using_subcommand saml; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand serve" -l profile -d 'The profile whose credentials to serve' -r
complete -c grant -n "__fish_grant_using_subcommand serve" -l chain -d 'Then assume this role from those credentials (repeat for a chain, in order)' -r
complete -c grant -n "__fish_grant_using_subcommand serve" -l port -d 'The TCP port to listen on (0: any free port)' -r
complete -c grant -n "__fish_grant_using_subcommand serve" -l bind -d 'The address to listen on; anything but loopback is reachable by others' -r
complete -c grant -n "__fish_grant_using_subcommand serve" -l imds -d 'Speak the EC2 instance-metadata protocol (IMDSv2, on loopback) instead'
complete -c grant -n "__fish_grant_using_subcommand serve" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand serve" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand console" -l chain -d 'Then assume this role from those credentials (repeat for a chain, in order)' -r
complete -c grant -n "__fish_grant_using_subcommand console" -s r -l region -d 'The console\'s region (else the profile\'s)' -r
complete -c grant -n "__fish_grant_using_subcommand console" -s s -l service -d 'A console service by its short name, e.g. s3, ec2, lambda, iam, logs' -r
complete -c grant -n "__fish_grant_using_subcommand console" -l destination -d 'An https URL of the AWS console to open, e.g. https://console.aws.amazon.com/s3/home' -r
complete -c grant -n "__fish_grant_using_subcommand console" -l mfa-token -d 'The MFA code for a role with mfa_serial (else asked on the terminal)' -r
complete -c grant -n "__fish_grant_using_subcommand console" -l url -d 'Print the console sign-in URL on stdout instead of opening a browser'
complete -c grant -n "__fish_grant_using_subcommand console" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand console" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand export" -l profile -d 'The profile whose credentials to export (else GRANT_PROFILE, else AWS_PROFILE)' -r
complete -c grant -n "__fish_grant_using_subcommand export" -l chain -d 'Then assume this role from those credentials (repeat for a chain, in order)' -r
complete -c grant -n "__fish_grant_using_subcommand export" -l format -d 'The format on stdout' -r -f -a "env\t'`export NAME=\'value\'` lines for bash, zsh and sh'
dotenv\t'`NAME=value` lines of a .env file'
json\t'The credential_process JSON'
powershell\t'`$Env:NAME = \'value\'` lines'
credentials\t'An ini section of the AWS credentials file'"
complete -c grant -n "__fish_grant_using_subcommand export" -l as -d 'The section name for --to-credentials-file (else the profile\'s name)' -r
complete -c grant -n "__fish_grant_using_subcommand export" -l mfa-token -d 'The MFA code for a role with mfa_serial (else asked on the terminal)' -r
complete -c grant -n "__fish_grant_using_subcommand export" -l to-credentials-file -d 'Write the keys as a section of the AWS credentials file (plaintext, your choice)'
complete -c grant -n "__fish_grant_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grant -n "__fish_grant_using_subcommand export" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand doctor" -l profile -d 'Check only this profile (and what its chain names)' -r
complete -c grant -n "__fish_grant_using_subcommand doctor" -l json -d 'Print the findings as a JSON array instead of lines'
complete -c grant -n "__fish_grant_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grant -n "__fish_grant_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand credentials; and not __fish_seen_subcommand_from add list remove rotate import help" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand credentials; and not __fish_seen_subcommand_from add list remove rotate import help" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand credentials; and not __fish_seen_subcommand_from add list remove rotate import help" -f -a "add" -d 'Store an IAM user\'s access key for PROFILE and point the profile at grant'
complete -c grant -n "__fish_grant_using_subcommand credentials; and not __fish_seen_subcommand_from add list remove rotate import help" -f -a "list" -d 'List the profiles whose keys grant stores (key ids masked, never the secret)'
complete -c grant -n "__fish_grant_using_subcommand credentials; and not __fish_seen_subcommand_from add list remove rotate import help" -f -a "remove" -d 'Delete the stored key of PROFILE, its cached sessions and grant\'s lines in the profile'
complete -c grant -n "__fish_grant_using_subcommand credentials; and not __fish_seen_subcommand_from add list remove rotate import help" -f -a "rotate" -d 'Create a new access key with IAM, store and check it, then delete the old one'
complete -c grant -n "__fish_grant_using_subcommand credentials; and not __fish_seen_subcommand_from add list remove rotate import help" -f -a "import" -d 'Move PROFILE\'s keys from ~/.aws/credentials into grant\'s store'
complete -c grant -n "__fish_grant_using_subcommand credentials; and not __fish_seen_subcommand_from add list remove rotate import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from add" -l env -d 'Read the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead of asking'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from rotate" -l mfa-token -d 'The MFA code when the profile has mfa_serial (IAM calls go through an MFA session)' -r
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from rotate" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from rotate" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from import" -l remove-plaintext -d 'Also remove the keys from the credentials file (other lines stay)'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from help" -f -a "add" -d 'Store an IAM user\'s access key for PROFILE and point the profile at grant'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the profiles whose keys grant stores (key ids masked, never the secret)'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Delete the stored key of PROFILE, its cached sessions and grant\'s lines in the profile'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from help" -f -a "rotate" -d 'Create a new access key with IAM, store and check it, then delete the old one'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from help" -f -a "import" -d 'Move PROFILE\'s keys from ~/.aws/credentials into grant\'s store'
complete -c grant -n "__fish_grant_using_subcommand credentials; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand uninstall" -l yes -d 'Remove them; without it, only list what would go'
complete -c grant -n "__fish_grant_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand uninstall" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand registry; and not __fish_seen_subcommand_from add list sync remove allow help" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand registry; and not __fish_seen_subcommand_from add list sync remove allow help" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand registry; and not __fish_seen_subcommand_from add list sync remove allow help" -f -a "add" -d 'Clone a registry with your git and merge its profiles into ~/.aws/config'
complete -c grant -n "__fish_grant_using_subcommand registry; and not __fish_seen_subcommand_from add list sync remove allow help" -f -a "list" -d 'List the registries, their commit and their last sync'
complete -c grant -n "__fish_grant_using_subcommand registry; and not __fish_seen_subcommand_from add list sync remove allow help" -f -a "sync" -d 'Fetch the registries (or one) and rewrite their blocks; fast-forward only'
complete -c grant -n "__fish_grant_using_subcommand registry; and not __fish_seen_subcommand_from add list sync remove allow help" -f -a "remove" -d 'Delete a registry\'s block from ~/.aws/config and forget its clone'
complete -c grant -n "__fish_grant_using_subcommand registry; and not __fish_seen_subcommand_from add list sync remove allow help" -f -a "allow" -d 'Let a registry bring a key grant refuses by default (or one exact command)'
complete -c grant -n "__fish_grant_using_subcommand registry; and not __fish_seen_subcommand_from add list sync remove allow help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -l ref -d 'The branch, tag or commit to follow (else the repository\'s default branch)' -r
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -l path -d 'The folder of the repository that holds granted.yml or the config fragment' -r
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -l filename -d 'The manifest\'s file name (default granted.yml), or a config fragment\'s' -r
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -l priority -d 'Higher first: a registry of higher priority claims a shared name' -r
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -l required-key -d 'A value the registry\'s templates require, as KEY=VALUE (repeatable)' -r
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -l prefix-all-profiles -d 'Write every profile as NAME.PROFILE'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -l prefix-duplicate-profiles -d 'Write a profile whose name is in use as NAME.PROFILE instead of skipping it'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from sync" -l required-key -d 'A value the registry\'s templates require, as KEY=VALUE (repeatable)' -r
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from sync" -l populate -d 'Then generate your own profiles for every sso-session the registries bring'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from sync" -l allow-rewritten-history -d 'Take a history that was rewritten (force-pushed) instead of refusing it'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from sync" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from sync" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from allow" -s V -l version -d 'Print version'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "add" -d 'Clone a registry with your git and merge its profiles into ~/.aws/config'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the registries, their commit and their last sync'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "sync" -d 'Fetch the registries (or one) and rewrite their blocks; fast-forward only'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Delete a registry\'s block from ~/.aws/config and forget its clone'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "allow" -d 'Let a registry bring a key grant refuses by default (or one exact command)'
complete -c grant -n "__fish_grant_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "credential-process" -d 'Print credentials as credential_process JSON (for ~/.aws/config)'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "assume" -d 'Switch this shell to a profile (through the `assume` function of `grant init`)'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "init" -d 'Print the shell integration (`assume`, its hook, completions) to put in an rc file'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "completions" -d 'Print the completion script for grant itself'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "profiles" -d 'Print every profile name of the AWS config and credentials files, sorted, one a line'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "cache" -d 'Delete cached credentials (the SSO sign-ins stay; see `grant sso logout`)'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "settings" -d 'Show or change grant\'s settings'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "allow" -d 'Let the .aws-profile of a directory switch your shell to its profile'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "deny" -d 'Forget a directory\'s .aws-profile: it no longer switches your shell'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "sso" -d 'Sign in to IAM Identity Center (AWS SSO) and manage its tokens'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "saml" -d 'Sign in at a SAML identity provider for SAML-federated profiles (grant_saml_url)'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "serve" -d 'Serve a profile\'s credentials on a local container-credentials endpoint, renewed as they expire'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "console" -d 'Open the AWS console signed in as a profile (or print its sign-in URL)'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "export" -d 'Print a profile\'s credentials as env, dotenv, json, powershell or an ini section'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "doctor" -d 'Check the AWS files, the secret store, the SSO sessions and the shell for what to fix'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "credentials" -d 'Keep IAM users\' access keys in grant\'s secret store, not in ~/.aws/credentials'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "uninstall" -d 'Remove grant\'s state, settings and secret-store key; list the lines of the AWS files that still run grant'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "registry" -d 'Share profiles through a git repository: a team\'s profile registries'
complete -c grant -n "__fish_grant_using_subcommand help; and not __fish_seen_subcommand_from credential-process assume init completions profiles cache settings allow deny sso saml serve console export doctor credentials uninstall registry help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from profiles" -f -a "convert" -d 'Rewrite sso_* and Granted profiles into grant\'s form (granted_sso_* keys, grant\'s credential_process)'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clear" -d 'Delete the cached credentials of one profile, or of all'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "list" -d 'List every setting with its value (the default when unset)'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "get" -d 'Print the value of one setting (an empty line when it has no value)'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from settings" -f -a "set" -d 'Change one setting'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from sso" -f -a "login" -d 'Sign in and store the session\'s token in the secret store'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from sso" -f -a "refresh" -d 'Renew the session\'s token with its refresh token, never opening a browser'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from sso" -f -a "logout" -d 'Sign out at the portal and delete the session\'s tokens and cached credentials'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from sso" -f -a "tokens" -d 'List or delete stored SSO tokens'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from sso" -f -a "populate" -d 'Write a profile for every account and role you can reach into the AWS config'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from sso" -f -a "generate" -d 'Print the profiles `populate` would write, changing nothing'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from saml" -f -a "login" -d 'Sign in at the profile\'s IdP (a window only if its session is gone), pick a role if none is set, and cache credentials'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from saml" -f -a "logout" -d 'Forget grant\'s browser profile for the profile\'s IdP (its session cookies)'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from credentials" -f -a "add" -d 'Store an IAM user\'s access key for PROFILE and point the profile at grant'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from credentials" -f -a "list" -d 'List the profiles whose keys grant stores (key ids masked, never the secret)'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from credentials" -f -a "remove" -d 'Delete the stored key of PROFILE, its cached sessions and grant\'s lines in the profile'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from credentials" -f -a "rotate" -d 'Create a new access key with IAM, store and check it, then delete the old one'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from credentials" -f -a "import" -d 'Move PROFILE\'s keys from ~/.aws/credentials into grant\'s store'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "add" -d 'Clone a registry with your git and merge its profiles into ~/.aws/config'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "list" -d 'List the registries, their commit and their last sync'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "sync" -d 'Fetch the registries (or one) and rewrite their blocks; fast-forward only'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "remove" -d 'Delete a registry\'s block from ~/.aws/config and forget its clone'
complete -c grant -n "__fish_grant_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "allow" -d 'Let a registry bring a key grant refuses by default (or one exact command)'

# Profile names after --profile: each line of `grant profiles` as it is.
function __grant_profiles
    command grant profiles 2>/dev/null
end
complete -c grant -n '__fish_seen_subcommand_from credential-process login logout refresh' -l profile -f -r -a '(__grant_profiles)'

# Completion for assume (a function of `grant init fish`).
complete -c assume -f
complete -c assume -n 'not __fish_seen_subcommand_from --exec' -a '(__grant_profiles)'
complete -c assume -s x -l export-all-env-vars -d 'Export the keys themselves'
complete -c assume -s r -l region -r -d 'The region to export'
complete -c assume -l unset -d 'Remove every variable assume set'
complete -c assume -s d -l duration -r -d 'The role session length'
complete -c assume -l mfa-token -r -d 'The MFA code'
complete -c assume -l exec -d 'Run a command with the credentials'
