# shellcheck shell=bash
# grant's integration for bash: add `eval "$(grant init bash)"` to ~/.bashrc.
# The binary writes every line of shell code, quoted; `assume` only evaluates it.

# Tells `grant doctor`, run from this shell, that the integration is loaded.
export GRANT_SHELL_INTEGRATION=bash

assume() {
    local arg
    for arg in "$@"; do
        case $arg in
            # These write to the terminal, not shell code: run them as they are.
            --exec | -c | --console | -h | --help | -V | --version)
                command grant assume "$@"
                return
                ;;
            --) break ;;
        esac
    done
    local code
    code=$(command grant assume --shell bash "$@") || return
    eval "$code"
}

# Keys exported with -x expire; before each prompt, renew them when they have less
# than five minutes left. The check is a comparison with the shell's own clock.
__grant_hook() {
    local status=$?
    # Read as base 10: arithmetic takes GRANT_EXPIRES=09 for bad octal.
    if [[ ${GRANT_EXPIRES-} =~ ^[0-9]{1,18}$ ]]; then
        local now
        printf -v now '%(%s)T' -1
        if ((now + 300 >= 10#$GRANT_EXPIRES)); then
            assume --reassume
        fi
    fi
    return "$status"
}

if [[ " ${PROMPT_COMMAND[*]-} " != *[\;\ ]__grant_hook[\;\ ]* ]]; then
    if ((${#PROMPT_COMMAND[@]} > 1)); then
        PROMPT_COMMAND=(__grant_hook "${PROMPT_COMMAND[@]}")
    else
        # A string, or an array of one: both are the string in element 0.
        # shellcheck disable=SC2178
        PROMPT_COMMAND="__grant_hook${PROMPT_COMMAND[0]:+;${PROMPT_COMMAND[0]}}"
    fi
fi

# Completion loads on the first Tab, not at start: the loader evaluates grant's
# completion script (which registers the real functions in its place), then hands
# this Tab to them.
__grant_load_completion() {
    eval "$(command grant completions bash 2>/dev/null)"
    case $1 in
        assume) declare -F __grant_complete_assume >/dev/null && __grant_complete_assume "$@" ;;
        *) declare -F __grant_complete >/dev/null && __grant_complete "$@" ;;
    esac
}

complete -F __grant_load_completion -o nosort -o bashdefault -o default grant
complete -F __grant_load_completion assume
