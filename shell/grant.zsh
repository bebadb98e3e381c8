# grant's integration for zsh: add `eval "$(grant init zsh)"` to ~/.zshrc.
# The binary writes every line of shell code, quoted; `assume` only evaluates it.

# Tells `grant doctor`, run from this shell, that the integration is loaded.
export GRANT_SHELL_INTEGRATION=zsh

assume() {
    local arg
    for arg in "$@"; do
        case $arg in
            # These write to the terminal, not shell code: run them as they are.
            (--exec|-c|--console|-h|--help|-V|--version)
                command grant assume "$@"
                return
                ;;
            (--) break ;;
        esac
    done
    local code
    code=$(command grant assume --shell zsh "$@") || return
    eval "$code"
}

# Keys exported with -x expire; before each command line runs, renew them when they
# have less than five minutes left. The check is a comparison with $EPOCHSECONDS.
zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
__grant_hook() {
    # <-> is zsh's own digits pattern: =~ would depend on the user's RE_MATCH_PCRE.
    [[ ${GRANT_EXPIRES-} == <-> && ${#GRANT_EXPIRES} -le 18 ]] || return 0
    # Base 10 even under OCTAL_ZEROES, where GRANT_EXPIRES=09 is bad octal.
    (( ${EPOCHSECONDS:-0} + 300 >= 10#$GRANT_EXPIRES )) && assume --reassume
    return 0
}
autoload -Uz add-zsh-hook
add-zsh-hook preexec __grant_hook

# Completion for assume; the profile helper comes with grant's own completion.
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
(( $+functions[compdef] )) && compdef _grant_assume assume
