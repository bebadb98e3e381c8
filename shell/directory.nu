
# Profiles that follow the directory: the nearest .aws-profile (here or above) names
# the profile of its tree, once `grant allow` recorded it. The walk up is nushell
# code; grant starts only when the nearest file changes, and decides (allowed,
# unchanged, a real profile) and writes the record. Leaving the tree brings back the
# state before it. The state is a record in $env, which nushell never passes to the
# programs it starts.
def __grant_directory_find [] {
    mut dir = ($env.PWD | str replace -r '/$' '')
    loop {
        let file = $"($dir)/.aws-profile"
        if ($file | path exists --no-symlink) {
            return $file
        }
        if $dir == '' {
            return ''
        }
        $dir = ($dir | str replace -r '/[^/]*$' '')
    }
}

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
    __grant_apply $record
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

def --env __grant_directory_hook [] {
    let found = (__grant_directory_find)
    if $found == $env.__grant_directory.file {
        return
    }
    $env.__grant_directory.file = $found
    if $found == '' or not (__grant_directory_enter $found) {
        __grant_directory_leave
    }
}

# `grant allow` and `grant deny` (here or in another shell) rewrite the allow
# list's stamp: a new one at a prompt checks the nearest file again. Reading it is
# nushell's own `open`, so an unchanged stamp starts no process.
def --env __grant_directory_restamp [] {
    let file = ($env.__grant_directory_stamp?.file? | default '')
    let stamp = if $file != '' and ($file | path exists) {
        try { open --raw $file | decode utf-8 } catch { '' }
    } else { '' }
    if $stamp == ($env.__grant_directory.stamp? | default '') {
        return false
    }
    $env.__grant_directory.stamp = $stamp
    true
}

def --env __grant_directory_prompt [] {
    if (__grant_directory_restamp) {
        $env.__grant_directory.file = "\n"
        __grant_directory_hook
    }
}

# Kept when the integration is loaded again, and the hooks added once.
if ($env.__grant_directory? | is-empty) {
    $env.__grant_directory = {file: '', told: [], active: false, before: '', before_keys: false, stamp: ''}
    $env.config.hooks.env_change.PWD = (
        $env.config.hooks.env_change.PWD? | default [] | append {|before, after| __grant_directory_hook }
    )
    $env.config.hooks.pre_prompt = (
        $env.config.hooks.pre_prompt? | default [] | append {|| __grant_directory_prompt }
    )
}

# A shell that starts inside a tree takes its profile at once.
if (__grant_directory_restamp) {}
__grant_directory_hook
