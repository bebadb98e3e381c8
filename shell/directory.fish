
# The nearest allowed .aws-profile names the profile of its tree (see
# directory.bash); grant starts only when that file or the allow list changes.
# Kept when the integration is loaded again.
set -q __grant_directory_file; or set -g __grant_directory_file ''
set -q __grant_directory_told; or set -g __grant_directory_told
set -q __grant_directory_active; or set -g __grant_directory_active ''

# The parent is taken by a named capture, not a command substitution, which would
# split a folder name holding a newline into several; the walk is bounded however
# deep or odd the path.
function __grant_directory_find
    set -l dir $PWD
    test "$dir" = /; and set dir ''
    set -g __grant_directory_found ''
    set -l steps 0
    while test $steps -lt 4096
        set steps (math $steps + 1)
        if test -e "$dir/.aws-profile"; or test -L "$dir/.aws-profile"
            set -g __grant_directory_found "$dir/.aws-profile"
            return
        end
        test -n "$dir"; or return
        set -l parent
        string match -rq -- '(?s)^(?<parent>.*)/[^/]*$' "$dir"; or return
        set dir "$parent"
    end
end

function __grant_directory_enter
    set -l quiet
    contains -- $__grant_directory_file $__grant_directory_told; and set quiet --quiet
    set -l code (command grant directory-profile --shell fish $quiet -- $__grant_directory_file)
    if test -z "$code"
        set -ga __grant_directory_told $__grant_directory_file
        return 1
    end
    if test -z "$__grant_directory_active"
        set -g __grant_directory_active 1
        set -g __grant_directory_before "$GRANT_PROFILE"
        set -g __grant_directory_before_keys ''
        contains -- AWS_ACCESS_KEY_ID (string split ' ' -- "$GRANT_EXPORTED"); and set -g __grant_directory_before_keys 1
    end
    string join \n -- $code | source
    # `set` keeps the status before it, which may be the failed `contains` above.
    return 0
end

# Out of the tree (or into one that is not allowed): what was there before it.
function __grant_directory_leave
    test -n "$__grant_directory_active"; or return 0
    set -g __grant_directory_active ''
    if test -z "$__grant_directory_before"
        assume --unset
    else if test -n "$__grant_directory_before_keys"
        assume -x $__grant_directory_before
    else
        assume $__grant_directory_before
    end
end

function __grant_directory_hook --on-variable PWD
    __grant_directory_find
    test "$__grant_directory_found" != "$__grant_directory_file"; or return 0
    set -g __grant_directory_file $__grant_directory_found
    if test -z "$__grant_directory_file"; or not __grant_directory_enter
        __grant_directory_leave
    end
    return 0
end

# A new allow-list stamp (grant allow/deny anywhere): check again. A builtin read.
function __grant_directory_restamp
    set -l stamp ''
    test -r "$__grant_directory_stamp_file"; and read stamp <$__grant_directory_stamp_file
    test "$stamp" != "$__grant_directory_stamp"; or return 1
    set -g __grant_directory_stamp $stamp
end

function __grant_directory_prompt --on-event fish_prompt
    __grant_directory_restamp; or return 0
    set -g __grant_directory_file \n
    __grant_directory_hook
end

set -q __grant_directory_stamp; or set -g __grant_directory_stamp ''
__grant_directory_restamp
# A shell that starts inside a tree takes its profile at once.
__grant_directory_hook
