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
# have less than five minutes left. The check is a comparison with $EPOCHSECONDS,
# whose module is loaded the first time keys are watched, not at start. The hook
# joins preexec_functions as add-zsh-hook would, without loading add-zsh-hook.
__grant_hook() {
    # <-> is zsh's own digits pattern: =~ would depend on the user's RE_MATCH_PCRE.
    [[ ${GRANT_EXPIRES-} == <-> && ${#GRANT_EXPIRES} -le 18 ]] || return 0
    (( ${+EPOCHSECONDS} )) || zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
    # Base 10 even under OCTAL_ZEROES, where GRANT_EXPIRES=09 is bad octal.
    (( ${EPOCHSECONDS:-0} + 300 >= 10#$GRANT_EXPIRES )) && assume --reassume
    return 0
}
[[ ${preexec_functions[(r)__grant_hook]-} == __grant_hook ]] || preexec_functions+=(__grant_hook)

# Completion loads on the first Tab, not at start: each stub evaluates grant's
# completion script, which defines the real function in its place, and calls it.
# Without compinit there is no compdef, and assume works without completion.
_grant() {
    eval "$(command grant completions zsh 2>/dev/null)"
    (( $+functions[__grant_profiles] )) && _grant "$@"
}
_grant_assume() {
    eval "$(command grant completions zsh 2>/dev/null)"
    (( $+functions[__grant_profiles] )) && _grant_assume "$@"
}
(( $+functions[compdef] )) && compdef _grant grant && compdef _grant_assume assume
