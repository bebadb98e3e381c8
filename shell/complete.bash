
# What grant adds to clap's completion: profile names after --profile (and for
# assume, in grant.bash). Names are matched as literal prefixes, never expanded the
# way compgen -W would, and trimmed at the last colon, as bash splits words there.
__grant_complete_profiles() {
    local current=$1 name
    local before_colon=
    [[ $COMP_WORDBREAKS == *:* && $current == *:* ]] && before_colon=${current%:*}:
    while IFS= read -r name; do
        [[ $name == "$current"* ]] && COMPREPLY+=("${name#"$before_colon"}")
    done < <(command grant profiles 2>/dev/null)
}

# Sets the caller's `current` and `previous` to the words as the user typed them,
# colons included (COMP_WORDS splits `a:b` into three).
__grant_words() {
    local line=${COMP_LINE:0:COMP_POINT}
    current=${line##*[[:space:]]}
    line=${line%"$current"}
    line=${line%"${line##*[![:space:]]}"}
    previous=${line##*[[:space:]]}
}

__grant_complete() {
    local current previous
    __grant_words
    if [[ $previous == --profile ]]; then
        COMPREPLY=()
        __grant_complete_profiles "$current"
        return
    fi
    _grant "$@"
}

complete -F __grant_complete -o nosort -o bashdefault -o default grant

# Completion for assume (a function of `grant init bash`).
__grant_complete_assume() {
    COMPREPLY=()
    local current previous
    __grant_words
    case $previous in
        -r | --region | -d | --duration | --mfa-token | --shell) return ;;
    esac
    if [[ $current == -* ]]; then
        local option
        for option in -x --export-all-env-vars -r --region --unset -d --duration --mfa-token --exec --help; do
            [[ $option == "$current"* ]] && COMPREPLY+=("$option")
        done
        return
    fi
    __grant_complete_profiles "$current"
}

complete -F __grant_complete_assume assume
