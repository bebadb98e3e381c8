
# Profile names after --profile: each line of `grant profiles` as it is.
function __grant_profiles
    command grant profiles 2>/dev/null
end
complete -c grant -n '__fish_seen_subcommand_from credential-process login logout refresh' -l profile -f -r -a '(__grant_profiles)'
