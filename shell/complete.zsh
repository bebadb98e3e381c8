
# Profile names for --profile (and assume): each line of `grant profiles` as it is.
__grant_profiles() {
    local -a names
    names=("${(@f)$(command grant profiles 2>/dev/null)}")
    compadd -a names
}

# Completion for assume (a function of `grant init zsh`).
_grant_assume() {
    _arguments -s \
        '(-x --export-all-env-vars)'{-x,--export-all-env-vars}'[export the keys themselves]' \
        '(-r --region)'{-r+,--region=}'[the region to export]:region: ' \
        '--unset[remove every variable assume set]' \
        '(-d --duration)'{-d+,--duration=}'[role session length]:duration: ' \
        '--mfa-token=[MFA code]:code: ' \
        '--exec[run a command with the credentials]' \
        '1:profile:__grant_profiles' \
        '*::command:_normal'
}
