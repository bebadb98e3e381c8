
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

$global:__GrantClapCompleter = {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'grant'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'grant' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('credential-process', 'credential-process', [CompletionResultType]::ParameterValue, 'Print credentials as credential_process JSON (for ~/.aws/config)')
            [CompletionResult]::new('assume', 'assume', [CompletionResultType]::ParameterValue, 'Switch this shell to a profile (through the `assume` function of `grant init`)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell integration (`assume`, its hook, completions) to put in an rc file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for grant itself')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'Print every profile name of the AWS config and credentials files, sorted, one a line')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Delete cached credentials (the SSO sign-ins stay; see `grant sso logout`)')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Show or change grant''s settings')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Let the .aws-profile of a directory switch your shell to its profile')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Forget a directory''s .aws-profile: it no longer switches your shell')
            [CompletionResult]::new('sso', 'sso', [CompletionResultType]::ParameterValue, 'Sign in to IAM Identity Center (AWS SSO) and manage its tokens')
            [CompletionResult]::new('saml', 'saml', [CompletionResultType]::ParameterValue, 'Sign in at a SAML identity provider for SAML-federated profiles (grant_saml_url)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a profile''s credentials on a local container-credentials endpoint, renewed as they expire')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Open the AWS console signed in as a profile (or print its sign-in URL)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print a profile''s credentials as env, dotenv, json, powershell or an ini section')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the AWS files, the secret store, the SSO sessions and the shell for what to fix')
            [CompletionResult]::new('credentials', 'credentials', [CompletionResultType]::ParameterValue, 'Keep IAM users'' access keys in grant''s secret store, not in ~/.aws/credentials')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove grant''s state, settings and secret-store key; list the lines of the AWS files that still run grant')
            [CompletionResult]::new('registry', 'registry', [CompletionResultType]::ParameterValue, 'Share profiles through a git repository: a team''s profile registries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;credential-process' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to print credentials for')
            [CompletionResult]::new('--chain', '--chain', [CompletionResultType]::ParameterName, 'Then assume this role from those credentials (repeat for a chain, in order)')
            [CompletionResult]::new('--account-id', '--account-id', [CompletionResultType]::ParameterName, 'The SSO account id (else AWS_SSO_ACCOUNT_ID, else the profile)')
            [CompletionResult]::new('--role-name', '--role-name', [CompletionResultType]::ParameterName, 'The SSO role name (else AWS_SSO_ROLE_NAME, else the profile)')
            [CompletionResult]::new('--start-url', '--start-url', [CompletionResultType]::ParameterName, 'The AWS access portal URL (else AWS_SSO_START_URL, else the profile, else DefaultSSOStartURL)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The IAM Identity Center region (else AWS_SSO_REGION, else the profile, else DefaultSSORegion)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Cached credentials with less life than this are renewed (e.g. 15m, 1h, 900s)')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'The MFA code for a role or IAM user with mfa_serial (else asked on the terminal or in a dialog)')
            [CompletionResult]::new('--auto-login', '--auto-login', [CompletionResultType]::ParameterName, 'Allow a sign-in in the browser when the SSO session has expired')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Allow a sign-in in the browser when the SSO session has expired')
            [CompletionResult]::new('--noninteractive', '--noninteractive', [CompletionResultType]::ParameterName, 'Never sign in, whatever the environment, profile or settings say')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Fetch new credentials without reading or writing the cache')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log every decision to stderr and to the state folder''s debug log')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;assume' {
            [CompletionResult]::new('--chain', '--chain', [CompletionResultType]::ParameterName, 'Then assume this role from those credentials (repeat for a chain, in order)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'The region to export (else the profile''s)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region to export (else the profile''s)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The role session length for role_arn profiles, e.g. 1h or 45m')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'The role session length for role_arn profiles, e.g. 1h or 45m')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'The MFA code for a role or IAM user with mfa_serial (else asked on the terminal or in a dialog)')
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'The shell to write code for (set by the `assume` function of `grant init`)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A console service by its short name, e.g. s3, ec2, lambda, iam, logs')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'A console service by its short name, e.g. s3, ec2, lambda, iam, logs')
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'An https URL of the AWS console to open, e.g. https://console.aws.amazon.com/s3/home')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Export the keys themselves, not only AWS_PROFILE')
            [CompletionResult]::new('--export-all-env-vars', '--export-all-env-vars', [CompletionResultType]::ParameterName, 'Export the keys themselves, not only AWS_PROFILE')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove every variable assume set')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run the command after `--` with the credentials, leaving the shell unchanged')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Open the AWS console signed in as the profile instead (as `grant console`)')
            [CompletionResult]::new('--console', '--console', [CompletionResultType]::ParameterName, 'Open the AWS console signed in as the profile instead (as `grant console`)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Print the console sign-in URL on stdout instead of opening a browser')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Write the keys into .env in this folder instead (plaintext, your choice)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Write the keys into .env in this folder instead (plaintext, your choice)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;init' {
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'tcsh only: write the integration to FILE, for `source FILE` in ~/.tcshrc (no process at each start); the copy renews itself when grant changes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;profiles' {
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Also show where each profile''s credentials come from')
            [CompletionResult]::new('--long', '--long', [CompletionResultType]::ParameterName, 'Also show where each profile''s credentials come from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Rewrite sso_* and Granted profiles into grant''s form (granted_sso_* keys, grant''s credential_process)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;profiles;convert' {
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every profile with sso_* keys or a Granted or aws-sso-credential-process line')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the change as a unified diff and write nothing')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;profiles;help' {
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Rewrite sso_* and Granted profiles into grant''s form (granted_sso_* keys, grant''s credential_process)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;profiles;help;convert' {
            break
        }
        'grant;profiles;help;help' {
            break
        }
        'grant;cache' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete the cached credentials of one profile, or of all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;cache;clear' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile whose credentials to delete')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Delete every cached credential')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;cache;help' {
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete the cached credentials of one profile, or of all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;cache;help;clear' {
            break
        }
        'grant;cache;help;help' {
            break
        }
        'grant;settings' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every setting with its value (the default when unset)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of one setting (an empty line when it has no value)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one setting')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;settings;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;settings;get' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;settings;set' {
            [CompletionResult]::new('--setting', '--setting', [CompletionResultType]::ParameterName, 'Setting name, e.g. DefaultExportAllEnvVar or Keyring.Backend')
            [CompletionResult]::new('--value', '--value', [CompletionResultType]::ParameterName, 'New value, checked against the setting''s type; an empty value restores the default')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;settings;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every setting with its value (the default when unset)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of one setting (an empty line when it has no value)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one setting')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;settings;help;list' {
            break
        }
        'grant;settings;help;get' {
            break
        }
        'grant;settings;help;set' {
            break
        }
        'grant;settings;help;help' {
            break
        }
        'grant;allow' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;deny' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;sso' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in and store the session''s token in the secret store')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Renew the session''s token with its refresh token, never opening a browser')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Sign out at the portal and delete the session''s tokens and cached credentials')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'List or delete stored SSO tokens')
            [CompletionResult]::new('populate', 'populate', [CompletionResultType]::ParameterValue, 'Write a profile for every account and role you can reach into the AWS config')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print the profiles `populate` would write, changing nothing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;sso;login' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile whose SSO session to use')
            [CompletionResult]::new('--sso-session', '--sso-session', [CompletionResultType]::ParameterName, 'An [sso-session NAME] section of the AWS config')
            [CompletionResult]::new('--start-url', '--start-url', [CompletionResultType]::ParameterName, 'The AWS access portal URL, e.g. https://my-org.awsapps.com/start')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region of IAM Identity Center for --start-url')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Registration scope, repeatable (sso:account:access gives refresh tokens)')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print the sign-in URL and code instead of opening a browser')
            [CompletionResult]::new('--use-device-code', '--use-device-code', [CompletionResultType]::ParameterName, 'Use the device-code flow instead of the browser redirect to 127.0.0.1')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Sign in again even when the stored token is still valid')
            [CompletionResult]::new('--export-sso-token', '--export-sso-token', [CompletionResultType]::ParameterName, 'Also write the token to the AWS CLI cache (~/.aws/sso/cache) for the AWS CLI and SDKs')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;sso;refresh' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile whose SSO session to use')
            [CompletionResult]::new('--sso-session', '--sso-session', [CompletionResultType]::ParameterName, 'An [sso-session NAME] section of the AWS config')
            [CompletionResult]::new('--start-url', '--start-url', [CompletionResultType]::ParameterName, 'The AWS access portal URL, e.g. https://my-org.awsapps.com/start')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region of IAM Identity Center for --start-url')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Registration scope, repeatable (sso:account:access gives refresh tokens)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;sso;logout' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile whose SSO session to use')
            [CompletionResult]::new('--sso-session', '--sso-session', [CompletionResultType]::ParameterName, 'An [sso-session NAME] section of the AWS config')
            [CompletionResult]::new('--start-url', '--start-url', [CompletionResultType]::ParameterName, 'The AWS access portal URL, e.g. https://my-org.awsapps.com/start')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The region of IAM Identity Center for --start-url')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Registration scope, repeatable (sso:account:access gives refresh tokens)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Sign out of every stored session')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;sso;tokens' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show each stored session: name, start URL, region, expiry, whether refreshable')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete the stored token of one session (KEY as `list` shows it), or all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;sso;tokens;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;sso;tokens;clear' {
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'all')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;sso;tokens;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show each stored session: name, start URL, region, expiry, whether refreshable')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete the stored token of one session (KEY as `list` shows it), or all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;sso;tokens;help;list' {
            break
        }
        'grant;sso;tokens;help;clear' {
            break
        }
        'grant;sso;tokens;help;help' {
            break
        }
        'grant;sso;populate' {
            [CompletionResult]::new('--start-url', '--start-url', [CompletionResultType]::ParameterName, 'The AWS access portal URL (else the setting DefaultSSOStartURL)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The IAM Identity Center region (else the setting DefaultSSORegion)')
            [CompletionResult]::new('--sso-session', '--sso-session', [CompletionResultType]::ParameterName, 'Write an [sso-session NAME] section and make every profile use it')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put this before every profile name')
            [CompletionResult]::new('--profile-template', '--profile-template', [CompletionResultType]::ParameterName, 'How to name profiles, from {account_name}, {account_id} and {role_name}')
            [CompletionResult]::new('--profile-region', '--profile-region', [CompletionResultType]::ParameterName, 'The `region` of every profile')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Registration scope, repeatable (default sso:account:access, for refresh tokens)')
            [CompletionResult]::new('--no-credential-process', '--no-credential-process', [CompletionResultType]::ParameterName, 'Plain sso_* profiles that the AWS CLI serves itself, without credential_process')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Remove profiles generated before from this start URL for roles that are gone')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print the sign-in URL and code instead of opening a browser, if a sign-in is needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;sso;generate' {
            [CompletionResult]::new('--start-url', '--start-url', [CompletionResultType]::ParameterName, 'The AWS access portal URL (else the setting DefaultSSOStartURL)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The IAM Identity Center region (else the setting DefaultSSORegion)')
            [CompletionResult]::new('--sso-session', '--sso-session', [CompletionResultType]::ParameterName, 'Write an [sso-session NAME] section and make every profile use it')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put this before every profile name')
            [CompletionResult]::new('--profile-template', '--profile-template', [CompletionResultType]::ParameterName, 'How to name profiles, from {account_name}, {account_id} and {role_name}')
            [CompletionResult]::new('--profile-region', '--profile-region', [CompletionResultType]::ParameterName, 'The `region` of every profile')
            [CompletionResult]::new('--scope', '--scope', [CompletionResultType]::ParameterName, 'Registration scope, repeatable (default sso:account:access, for refresh tokens)')
            [CompletionResult]::new('--no-credential-process', '--no-credential-process', [CompletionResultType]::ParameterName, 'Plain sso_* profiles that the AWS CLI serves itself, without credential_process')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Remove profiles generated before from this start URL for roles that are gone')
            [CompletionResult]::new('--no-browser', '--no-browser', [CompletionResultType]::ParameterName, 'Print the sign-in URL and code instead of opening a browser, if a sign-in is needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;sso;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in and store the session''s token in the secret store')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Renew the session''s token with its refresh token, never opening a browser')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Sign out at the portal and delete the session''s tokens and cached credentials')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'List or delete stored SSO tokens')
            [CompletionResult]::new('populate', 'populate', [CompletionResultType]::ParameterValue, 'Write a profile for every account and role you can reach into the AWS config')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print the profiles `populate` would write, changing nothing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;sso;help;login' {
            break
        }
        'grant;sso;help;refresh' {
            break
        }
        'grant;sso;help;logout' {
            break
        }
        'grant;sso;help;tokens' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show each stored session: name, start URL, region, expiry, whether refreshable')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete the stored token of one session (KEY as `list` shows it), or all')
            break
        }
        'grant;sso;help;tokens;list' {
            break
        }
        'grant;sso;help;tokens;clear' {
            break
        }
        'grant;sso;help;populate' {
            break
        }
        'grant;sso;help;generate' {
            break
        }
        'grant;sso;help;help' {
            break
        }
        'grant;saml' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in at the profile''s IdP (a window only if its session is gone), pick a role if none is set, and cache credentials')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget grant''s browser profile for the profile''s IdP (its session cookies)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;saml;login' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'A profile with grant_saml_url (or a role chain on one)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile with grant_saml_url (or a role chain on one)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;saml;logout' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'A profile with grant_saml_url (or a role chain on one)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'A profile with grant_saml_url (or a role chain on one)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;saml;help' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in at the profile''s IdP (a window only if its session is gone), pick a role if none is set, and cache credentials')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget grant''s browser profile for the profile''s IdP (its session cookies)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;saml;help;login' {
            break
        }
        'grant;saml;help;logout' {
            break
        }
        'grant;saml;help;help' {
            break
        }
        'grant;serve' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile whose credentials to serve')
            [CompletionResult]::new('--chain', '--chain', [CompletionResultType]::ParameterName, 'Then assume this role from those credentials (repeat for a chain, in order)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The TCP port to listen on (0: any free port)')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'The address to listen on; anything but loopback is reachable by others')
            [CompletionResult]::new('--imds', '--imds', [CompletionResultType]::ParameterName, 'Speak the EC2 instance-metadata protocol (IMDSv2, on loopback) instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;console' {
            [CompletionResult]::new('--chain', '--chain', [CompletionResultType]::ParameterName, 'Then assume this role from those credentials (repeat for a chain, in order)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'The console''s region (else the profile''s)')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'The console''s region (else the profile''s)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'A console service by its short name, e.g. s3, ec2, lambda, iam, logs')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'A console service by its short name, e.g. s3, ec2, lambda, iam, logs')
            [CompletionResult]::new('--destination', '--destination', [CompletionResultType]::ParameterName, 'An https URL of the AWS console to open, e.g. https://console.aws.amazon.com/s3/home')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'The MFA code for a role with mfa_serial (else asked on the terminal)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Print the console sign-in URL on stdout instead of opening a browser')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;export' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile whose credentials to export (else GRANT_PROFILE, else AWS_PROFILE)')
            [CompletionResult]::new('--chain', '--chain', [CompletionResultType]::ParameterName, 'Then assume this role from those credentials (repeat for a chain, in order)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The format on stdout')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'The section name for --to-credentials-file (else the profile''s name)')
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'The MFA code for a role with mfa_serial (else asked on the terminal)')
            [CompletionResult]::new('--to-credentials-file', '--to-credentials-file', [CompletionResultType]::ParameterName, 'Write the keys as a section of the AWS credentials file (plaintext, your choice)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;doctor' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Check only this profile (and what its chain names)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the findings as a JSON array instead of lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;credentials' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Store an IAM user''s access key for PROFILE and point the profile at grant')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles whose keys grant stores (key ids masked, never the secret)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete the stored key of PROFILE, its cached sessions and grant''s lines in the profile')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Create a new access key with IAM, store and check it, then delete the old one')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move PROFILE''s keys from ~/.aws/credentials into grant''s store')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;credentials;add' {
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Read the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead of asking')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;credentials;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;credentials;remove' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;credentials;rotate' {
            [CompletionResult]::new('--mfa-token', '--mfa-token', [CompletionResultType]::ParameterName, 'The MFA code when the profile has mfa_serial (IAM calls go through an MFA session)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;credentials;import' {
            [CompletionResult]::new('--remove-plaintext', '--remove-plaintext', [CompletionResultType]::ParameterName, 'Also remove the keys from the credentials file (other lines stay)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;credentials;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Store an IAM user''s access key for PROFILE and point the profile at grant')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles whose keys grant stores (key ids masked, never the secret)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete the stored key of PROFILE, its cached sessions and grant''s lines in the profile')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Create a new access key with IAM, store and check it, then delete the old one')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move PROFILE''s keys from ~/.aws/credentials into grant''s store')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;credentials;help;add' {
            break
        }
        'grant;credentials;help;list' {
            break
        }
        'grant;credentials;help;remove' {
            break
        }
        'grant;credentials;help;rotate' {
            break
        }
        'grant;credentials;help;import' {
            break
        }
        'grant;credentials;help;help' {
            break
        }
        'grant;uninstall' {
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Remove them; without it, only list what would go')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;registry' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Clone a registry with your git and merge its profiles into ~/.aws/config')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registries, their commit and their last sync')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Fetch the registries (or one) and rewrite their blocks; fast-forward only')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a registry''s block from ~/.aws/config and forget its clone')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Let a registry bring a key grant refuses by default (or one exact command)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;registry;add' {
            [CompletionResult]::new('--ref', '--ref', [CompletionResultType]::ParameterName, 'The branch, tag or commit to follow (else the repository''s default branch)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'The folder of the repository that holds granted.yml or the config fragment')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'The manifest''s file name (default granted.yml), or a config fragment''s')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Higher first: a registry of higher priority claims a shared name')
            [CompletionResult]::new('--required-key', '--required-key', [CompletionResultType]::ParameterName, 'A value the registry''s templates require, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--prefix-all-profiles', '--prefix-all-profiles', [CompletionResultType]::ParameterName, 'Write every profile as NAME.PROFILE')
            [CompletionResult]::new('--prefix-duplicate-profiles', '--prefix-duplicate-profiles', [CompletionResultType]::ParameterName, 'Write a profile whose name is in use as NAME.PROFILE instead of skipping it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;registry;list' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;registry;sync' {
            [CompletionResult]::new('--required-key', '--required-key', [CompletionResultType]::ParameterName, 'A value the registry''s templates require, as KEY=VALUE (repeatable)')
            [CompletionResult]::new('--populate', '--populate', [CompletionResultType]::ParameterName, 'Then generate your own profiles for every sso-session the registries bring')
            [CompletionResult]::new('--allow-rewritten-history', '--allow-rewritten-history', [CompletionResultType]::ParameterName, 'Take a history that was rewritten (force-pushed) instead of refusing it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;registry;remove' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;registry;allow' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'grant;registry;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Clone a registry with your git and merge its profiles into ~/.aws/config')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registries, their commit and their last sync')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Fetch the registries (or one) and rewrite their blocks; fast-forward only')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a registry''s block from ~/.aws/config and forget its clone')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Let a registry bring a key grant refuses by default (or one exact command)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;registry;help;add' {
            break
        }
        'grant;registry;help;list' {
            break
        }
        'grant;registry;help;sync' {
            break
        }
        'grant;registry;help;remove' {
            break
        }
        'grant;registry;help;allow' {
            break
        }
        'grant;registry;help;help' {
            break
        }
        'grant;help' {
            [CompletionResult]::new('credential-process', 'credential-process', [CompletionResultType]::ParameterValue, 'Print credentials as credential_process JSON (for ~/.aws/config)')
            [CompletionResult]::new('assume', 'assume', [CompletionResultType]::ParameterValue, 'Switch this shell to a profile (through the `assume` function of `grant init`)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print the shell integration (`assume`, its hook, completions) to put in an rc file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for grant itself')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'Print every profile name of the AWS config and credentials files, sorted, one a line')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Delete cached credentials (the SSO sign-ins stay; see `grant sso logout`)')
            [CompletionResult]::new('settings', 'settings', [CompletionResultType]::ParameterValue, 'Show or change grant''s settings')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Let the .aws-profile of a directory switch your shell to its profile')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Forget a directory''s .aws-profile: it no longer switches your shell')
            [CompletionResult]::new('sso', 'sso', [CompletionResultType]::ParameterValue, 'Sign in to IAM Identity Center (AWS SSO) and manage its tokens')
            [CompletionResult]::new('saml', 'saml', [CompletionResultType]::ParameterValue, 'Sign in at a SAML identity provider for SAML-federated profiles (grant_saml_url)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a profile''s credentials on a local container-credentials endpoint, renewed as they expire')
            [CompletionResult]::new('console', 'console', [CompletionResultType]::ParameterValue, 'Open the AWS console signed in as a profile (or print its sign-in URL)')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print a profile''s credentials as env, dotenv, json, powershell or an ini section')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check the AWS files, the secret store, the SSO sessions and the shell for what to fix')
            [CompletionResult]::new('credentials', 'credentials', [CompletionResultType]::ParameterValue, 'Keep IAM users'' access keys in grant''s secret store, not in ~/.aws/credentials')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove grant''s state, settings and secret-store key; list the lines of the AWS files that still run grant')
            [CompletionResult]::new('registry', 'registry', [CompletionResultType]::ParameterValue, 'Share profiles through a git repository: a team''s profile registries')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'grant;help;credential-process' {
            break
        }
        'grant;help;assume' {
            break
        }
        'grant;help;init' {
            break
        }
        'grant;help;completions' {
            break
        }
        'grant;help;profiles' {
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Rewrite sso_* and Granted profiles into grant''s form (granted_sso_* keys, grant''s credential_process)')
            break
        }
        'grant;help;profiles;convert' {
            break
        }
        'grant;help;cache' {
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete the cached credentials of one profile, or of all')
            break
        }
        'grant;help;cache;clear' {
            break
        }
        'grant;help;settings' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List every setting with its value (the default when unset)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value of one setting (an empty line when it has no value)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Change one setting')
            break
        }
        'grant;help;settings;list' {
            break
        }
        'grant;help;settings;get' {
            break
        }
        'grant;help;settings;set' {
            break
        }
        'grant;help;allow' {
            break
        }
        'grant;help;deny' {
            break
        }
        'grant;help;sso' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in and store the session''s token in the secret store')
            [CompletionResult]::new('refresh', 'refresh', [CompletionResultType]::ParameterValue, 'Renew the session''s token with its refresh token, never opening a browser')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Sign out at the portal and delete the session''s tokens and cached credentials')
            [CompletionResult]::new('tokens', 'tokens', [CompletionResultType]::ParameterValue, 'List or delete stored SSO tokens')
            [CompletionResult]::new('populate', 'populate', [CompletionResultType]::ParameterValue, 'Write a profile for every account and role you can reach into the AWS config')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Print the profiles `populate` would write, changing nothing')
            break
        }
        'grant;help;sso;login' {
            break
        }
        'grant;help;sso;refresh' {
            break
        }
        'grant;help;sso;logout' {
            break
        }
        'grant;help;sso;tokens' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Show each stored session: name, start URL, region, expiry, whether refreshable')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete the stored token of one session (KEY as `list` shows it), or all')
            break
        }
        'grant;help;sso;tokens;list' {
            break
        }
        'grant;help;sso;tokens;clear' {
            break
        }
        'grant;help;sso;populate' {
            break
        }
        'grant;help;sso;generate' {
            break
        }
        'grant;help;saml' {
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Sign in at the profile''s IdP (a window only if its session is gone), pick a role if none is set, and cache credentials')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Forget grant''s browser profile for the profile''s IdP (its session cookies)')
            break
        }
        'grant;help;saml;login' {
            break
        }
        'grant;help;saml;logout' {
            break
        }
        'grant;help;serve' {
            break
        }
        'grant;help;console' {
            break
        }
        'grant;help;export' {
            break
        }
        'grant;help;doctor' {
            break
        }
        'grant;help;credentials' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Store an IAM user''s access key for PROFILE and point the profile at grant')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles whose keys grant stores (key ids masked, never the secret)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete the stored key of PROFILE, its cached sessions and grant''s lines in the profile')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Create a new access key with IAM, store and check it, then delete the old one')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Move PROFILE''s keys from ~/.aws/credentials into grant''s store')
            break
        }
        'grant;help;credentials;add' {
            break
        }
        'grant;help;credentials;list' {
            break
        }
        'grant;help;credentials;remove' {
            break
        }
        'grant;help;credentials;rotate' {
            break
        }
        'grant;help;credentials;import' {
            break
        }
        'grant;help;uninstall' {
            break
        }
        'grant;help;registry' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Clone a registry with your git and merge its profiles into ~/.aws/config')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the registries, their commit and their last sync')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Fetch the registries (or one) and rewrite their blocks; fast-forward only')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Delete a registry''s block from ~/.aws/config and forget its clone')
            [CompletionResult]::new('allow', 'allow', [CompletionResultType]::ParameterValue, 'Let a registry bring a key grant refuses by default (or one exact command)')
            break
        }
        'grant;help;registry;add' {
            break
        }
        'grant;help;registry;list' {
            break
        }
        'grant;help;registry;sync' {
            break
        }
        'grant;help;registry;remove' {
            break
        }
        'grant;help;registry;allow' {
            break
        }
        'grant;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

# Profile names after --profile (and for assume), clap's completion for the rest.
function global:__GrantProfileResults([string]$prefix) {
    $prefix = $prefix.Trim("'")
    & grant profiles 2>$null | Where-Object { $_.StartsWith($prefix) } | ForEach-Object {
        $text = if ($_ -match '^[A-Za-z0-9_./:@%+-]+$') { $_ } else { "'" + ($_ -replace "['\u2018-\u201b]", '$0$0') + "'" }
        [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
    }
}

Register-ArgumentCompleter -Native -CommandName 'grant' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $elements = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
    $previous = if ($wordToComplete) { $elements[-2] } else { $elements[-1] }
    if ($previous -eq '--profile') {
        __GrantProfileResults $wordToComplete
        return
    }
    & $global:__GrantClapCompleter $wordToComplete $commandAst $cursorPosition
}
