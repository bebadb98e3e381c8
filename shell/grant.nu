# grant's integration for nushell. Nushell cannot evaluate code at run time, so the
# integration is a file it loads at start from its autoload folder, saved once:
#   mkdir ($nu.user-autoload-dirs | first)
#   grant init nu | save -f ($nu.user-autoload-dirs | first | path join grant.nu)
# Nushell parses all of it at every start: it stays short.
# `grant assume` writes a NUON record, every value quoted; `assume` reads it as data.

# Tells `grant doctor`, run from this shell, that the integration is loaded.
$env.GRANT_SHELL_INTEGRATION = 'nu'

# Completion of grant and assume: on Tab, grant itself lists what fits the line
# (commands, options, profile names) as JSON, which nushell reads as data. Nothing
# of it is parsed at start but these lines.
def "nu-complete grant" [spans: list<string>] {
    try { ^grant __complete -- ...$spans | from json } catch { null }
}

@complete "nu-complete grant"
extern grant []

# `assume`: the options that write to the terminal, not shell code, run grant as it
# is (after `--` only a command for --exec can follow, so every word is looked at).
# Otherwise grant said what went wrong on stderr, and LAST_EXIT_CODE keeps its
# status; `collect` reads the output as it comes (`try` alone waits for the exit
# first, and a record larger than the pipe would never end). The record names the
# variables to remove, then those to set.

# Switch this shell to an AWS profile (grant)
@complete "nu-complete grant"
def --env --wrapped assume [...args: string] {
    if ($args | any {|arg| $arg in [--exec -c --console -h --help -V --version] }) {
        ^grant assume ...$args
        return
    }
    let change = (try { ^grant assume --shell nu ...$args | collect } catch { return } | from nuon)
    hide-env --ignore-errors ...$change.unset
    load-env $change.set
}

# The renewal hook of keys exported with -x is added with the directory hook, at the
# end of this integration: one change of $env.config for both.
