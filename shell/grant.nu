# grant's integration for nushell. Nushell cannot evaluate code at run time, so the
# integration is a file it loads at start; in config.nu:
#   mkdir ($nu.data-dir | path join vendor/autoload)
#   grant init nu | save -f ($nu.data-dir | path join vendor/autoload/grant.nu)
# `grant assume` writes a NUON record, every value quoted; `assume` reads it as data.

# Tells `grant doctor`, run from this shell, that the integration is loaded.
$env.GRANT_SHELL_INTEGRATION = 'nu'

# Profile names, for the completion of assume and of grant's --profile.
def "nu-complete grant profiles" [] {
    try { ^grant profiles | lines } catch { [] }
}

# Applies a record of `grant assume --shell nu`: the names to remove, then to set.
def --env __grant_apply [record: string] {
    let change = ($record | from nuon)
    for name in $change.unset {
        hide-env --ignore-errors $name
    }
    load-env $change.set
}

# Switch this shell to an AWS profile (grant)
def --env --wrapped assume [...args: string@"nu-complete grant profiles"] {
    let options = ($args | take while {|arg| $arg != '--' })
    # These write to the terminal, not shell code: run them as they are.
    if ($options | any {|arg| $arg in [--exec -c --console -h --help -V --version] }) {
        ^grant assume ...$args
        return
    }
    # grant said what went wrong on stderr; LAST_EXIT_CODE keeps its status. `collect`
    # reads the output as it comes: `try` alone waits for the exit first, and a record
    # larger than the pipe would never end.
    let record = (try { ^grant assume --shell nu ...$args | collect } catch { return })
    __grant_apply $record
}

# Keys exported with -x expire; before each command line runs, renew them when they
# have less than five minutes left. The check is a comparison with nushell's clock.
def --env __grant_hook [] {
    let expires = ($env.GRANT_EXPIRES? | default '')
    if ($expires | describe) != 'string' or not ($expires =~ '^[0-9]{1,18}$') {
        return
    }
    let now = ((date now | into int) // 1_000_000_000)
    if $now + 300 >= ($expires | into int) {
        assume --reassume
    }
}

# Loaded twice, the hook is still added once.
if ($env.__grant_hooked? | is-empty) {
    $env.__grant_hooked = {renewal: true}
    $env.config.hooks.pre_execution = (
        $env.config.hooks.pre_execution? | default [] | append {|| __grant_hook }
    )
}
