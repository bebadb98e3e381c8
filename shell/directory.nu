
# Profiles that follow the directory: the nearest .aws-profile (here or above) names
# the profile of its tree, once `grant allow` recorded it. The walk up is nushell
# code; grant starts only when the nearest file changes, and decides (allowed,
# unchanged, a real profile) and writes the record. Leaving the tree brings back the
# state before it. The state is a record in $env, which nushell never passes to the
# programs it starts.
#
# Nushell parses every line of this file at each start, and a hook's code given as a
# string each time the hook runs. So the hook is two strings: a short walk up, run
# at a prompt after PWD or the allow list's stamp changed (the condition, a short
# closure; `grant allow` and `grant deny`, here or in another shell, rewrite the
# stamp), and the code that enters or leaves a tree, parsed only when the walk
# found another nearest file, or a new stamp inside a tree. Hooks given as a string keep what they
# do to the environment, and the definitions in them. As in bash, the first check
# runs before the first prompt.
#
# `assume`'s renewal hook goes in here too: keys exported with -x expire, so before
# each command line runs they are renewed when less than five minutes are left (a
# comparison with nushell's clock; a GRANT_EXPIRES that is no number renews
# nothing), its code a string as well. Nushell checks its whole config at each
# change of $env.config, so the hooks go in with one change. Loaded twice, the
# integration adds them once.

if ($env.__grant_directory? | is-empty) {
    $env.__grant_directory = {pwd: '', stamp: null, file: '', changed: false}
    $env.config.hooks = ($env.config.hooks | merge {
    pre_execution: ($env.config.hooks.pre_execution? | default [] | append {
        condition: {|| 'GRANT_EXPIRES' in $env }
        code: r#'if (try { ($env.GRANT_EXPIRES | into int) <= (date now | into int) // 1_000_000_000 + 300 } catch { false }) { assume --reassume }'#
    })
    pre_prompt: ($env.config.hooks.pre_prompt? | default [] | append [{
        condition: {|| $env.PWD != $env.__grant_directory.pwd or (try { open --raw $env.__grant_directory_stamp.file }) != $env.__grant_directory.stamp }
        code: r#'
let stamp = (try { open --raw $env.__grant_directory_stamp.file })
mut dir = $env.PWD
mut found = ($dir | path join .aws-profile)
while not ($found | path exists --no-symlink) {
    let up = ($dir | path dirname)
    if $up == $dir {
        $found = ''
        break
    }
    $dir = $up
    $found = ($dir | path join .aws-profile)
}
$env.__grant_directory.pwd = $env.PWD
if $found != $env.__grant_directory.file or ($found != '' and $stamp != $env.__grant_directory.stamp) {
    $env.__grant_directory.file = $found
    $env.__grant_directory.changed = true
}
$env.__grant_directory.stamp = $stamp
'#
    } {
        condition: {|| $env.__grant_directory.changed }
        code: r#'
$env.__grant_directory = ({told: [], active: false, before: '', before_keys: false} | merge $env.__grant_directory | merge {changed: false})

def --env __grant_directory_enter [file: string] {
    let quiet = if $file in $env.__grant_directory.told { [--quiet] } else { [] }
    let record = (try { ^grant directory-profile --shell nu ...$quiet -- $file | collect } catch { '' })
    if ($record | is-empty) {
        $env.__grant_directory.told = ($env.__grant_directory.told | append $file)
        return false
    }
    if not $env.__grant_directory.active {
        let exported = ($env.GRANT_EXPORTED? | default '' | split row ' ')
        $env.__grant_directory.active = true
        $env.__grant_directory.before = ($env.GRANT_PROFILE? | default '')
        $env.__grant_directory.before_keys = ('AWS_ACCESS_KEY_ID' in $exported)
    }
    let change = ($record | from nuon)
    hide-env --ignore-errors ...$change.unset
    load-env $change.set
    true
}

# Out of the tree (or into one that is not allowed): what was there before it.
def --env __grant_directory_leave [] {
    if not $env.__grant_directory.active {
        return
    }
    $env.__grant_directory.active = false
    let before = $env.__grant_directory.before
    if $before == '' {
        assume --unset
    } else if $env.__grant_directory.before_keys {
        assume -x $before
    } else {
        assume $before
    }
}

let file = $env.__grant_directory.file
if $file == '' or not (__grant_directory_enter $file) {
    __grant_directory_leave
}
'#
    }])
    })
}
