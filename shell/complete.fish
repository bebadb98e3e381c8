
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
