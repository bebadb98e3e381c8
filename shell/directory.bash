
# Profiles that follow the directory: the nearest .aws-profile (here or above) names
# the profile of its tree, once `grant allow` recorded it. The walk up is shell code;
# grant starts only when the nearest file changes, and decides (allowed, unchanged,
# a real profile) and writes the code. Leaving the tree brings back the state before
# it. The state lives in unexported variables of this shell.
__grant_directory_find() {
    local dir=${PWD%/}
    __grant_directory_found=
    while :; do
        if [[ -e $dir/.aws-profile || -L $dir/.aws-profile ]]; then
            __grant_directory_found=$dir/.aws-profile
            return
        fi
        [[ -n $dir ]] || return
        dir=${dir%/*}
    done
}

__grant_directory_enter() {
    local quiet=() code
    case $'\n'${__grant_directory_told-}$'\n' in
        *$'\n'"$__grant_directory_file"$'\n'*) quiet=(--quiet) ;;
    esac
    code=$(command grant directory-profile --shell bash "${quiet[@]}" -- "$__grant_directory_file")
    if [[ -z $code ]]; then
        __grant_directory_told+=$'\n'$__grant_directory_file
        return 1
    fi
    if [[ -z ${__grant_directory_active-} ]]; then
        __grant_directory_active=1
        __grant_directory_before=${GRANT_PROFILE-}
        __grant_directory_before_keys=
        [[ " ${GRANT_EXPORTED-} " == *" AWS_ACCESS_KEY_ID "* ]] && __grant_directory_before_keys=1
    fi
    eval "$code"
}

# Out of the tree (or into one that is not allowed): what was there before it.
__grant_directory_leave() {
    [[ -n ${__grant_directory_active-} ]] || return 0
    __grant_directory_active=
    if [[ -z $__grant_directory_before ]]; then
        assume --unset
    elif [[ -n $__grant_directory_before_keys ]]; then
        assume -x "$__grant_directory_before"
    else
        assume "$__grant_directory_before"
    fi
}

# `grant allow` and `grant deny` (here or in another shell) rewrite the allow
# list's stamp: a new one at a prompt checks the nearest file again. Reading it is
# a builtin, so an unchanged stamp starts no process.
__grant_directory_restamp() {
    local stamp=
    [[ -r ${__grant_directory_stamp_file-} ]] && read -r stamp <"$__grant_directory_stamp_file"
    [[ $stamp != "${__grant_directory_stamp-}" ]] || return 1
    __grant_directory_stamp=$stamp
}

__grant_directory_hook() {
    local status=$?
    if __grant_directory_restamp; then
        __grant_directory_pwd=
        __grant_directory_file=$'\n'
    fi
    if [[ $PWD != "${__grant_directory_pwd-}" ]]; then
        __grant_directory_pwd=$PWD
        __grant_directory_find
        if [[ $__grant_directory_found != "${__grant_directory_file-}" ]]; then
            __grant_directory_file=$__grant_directory_found
            if [[ -z $__grant_directory_file ]] || ! __grant_directory_enter; then
                __grant_directory_leave
            fi
        fi
    fi
    return "$status"
}

if [[ " ${PROMPT_COMMAND[*]-} " != *[\;\ ]__grant_directory_hook[\;\ ]* ]]; then
    if ((${#PROMPT_COMMAND[@]} > 1)); then
        PROMPT_COMMAND=(__grant_directory_hook "${PROMPT_COMMAND[@]}")
    else
        # shellcheck disable=SC2178
        PROMPT_COMMAND="__grant_directory_hook${PROMPT_COMMAND[0]:+;${PROMPT_COMMAND[0]}}"
    fi
fi
