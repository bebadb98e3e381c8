# grant's integration for fish: add `grant init fish | source` to
# ~/.config/fish/config.fish. The binary writes every line of shell code, quoted;
# `assume` only evaluates it.

# Tells `grant doctor`, run from this shell, that the integration is loaded.
set -gx GRANT_SHELL_INTEGRATION fish

function assume --description 'Switch this shell to an AWS profile (grant)'
    for arg in $argv
        switch $arg
            # These write to the terminal, not shell code: run them as they are.
            case --exec -c --console -h --help -V --version
                command grant assume $argv
                return
            case --
                break
        end
    end
    set -l code (command grant assume --shell fish $argv)
    or return
    string join \n -- $code | source
end

# The time in epoch seconds without starting a process, for the hook and prompts:
# fish has no clock variable, but the age of a file dated at the epoch
# ($__grant_clock, made by `grant init fish`) is the time, and `path` is a builtin.
# A symlink planted at the clock would date it by another file, so the clock is
# read only when it is not one.
function __grant_now
    if not path is -q -t link -- $__grant_clock
        path mtime --relative -- $__grant_clock 2>/dev/null; and return
    end
    date +%s
end

# Keys exported with -x expire; before each command line runs, renew them when they
# have less than five minutes left.
function __grant_hook --on-event fish_preexec
    string match -qr '^[0-9]{1,18}$' -- "$GRANT_EXPIRES"; or return 0
    if test (math (__grant_now) + 300) -ge $GRANT_EXPIRES
        assume --reassume
    end
    return 0
end
