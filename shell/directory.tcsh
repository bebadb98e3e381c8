
# Profiles that follow the directory: the nearest .aws-profile (here or above) names
# the profile of its tree, once `grant allow` recorded it. The walk up uses builtins
# only (a step per `repeat`, one more than the words of $cwd split at `/`, as tcsh
# has no loop on one line); grant starts only when
# the nearest file changes, and decides (allowed, unchanged, a real profile) and
# writes the code. Leaving the tree brings back the state before it. The state lives
# in shell variables, which tcsh never passes to the programs it starts. An alias
# after `if ( ... )` runs through `eval`, as tcsh expands none there. The restore
# calls grant itself: the assume alias keeps its arguments as typed (`:q`), so a
# variable given to it would arrive as its name. No path or name is ever inside a
# "`...`": tcsh reads what a variable brings there as code (`;`, backquotes, `!`).
# grant finds the file in GRANT_DIRECTORY_FILE, set only for that call; the restore
# uses a bare `...` (which keeps a :q word one word), globbing off.
if ( ! $?__grant_directory_file ) set __grant_directory_file = ""
if ( ! $?__grant_directory_told ) set __grant_directory_told = ""
if ( ! $?__grant_directory_active ) set __grant_directory_active = ""

alias __grant_directory_find 'set __grant_directory_found = ""; set __grant_dir = "$cwd"; set __grant_steps = "$cwd:as,/, ,"; set __grant_glob = $?noglob; set noglob; set __grant_steps = ( $__grant_steps ); if ( ! $__grant_glob ) unset noglob; @ __grant_steps = $#__grant_steps + 1; repeat $__grant_steps eval '\''if ( "$__grant_directory_found" == "" && ( -e "$__grant_dir/.aws-profile" || -l "$__grant_dir/.aws-profile" ) ) set __grant_directory_found = "$__grant_dir/.aws-profile"; set __grant_dir = "$__grant_dir:h"'\''; unset __grant_dir __grant_steps __grant_glob'

alias __grant_directory_enter 'set __grant_quiet = ""; if ( "$__grant_directory_told" =~ *" $__grant_directory_file "* ) set __grant_quiet = --quiet; setenv GRANT_DIRECTORY_FILE $__grant_directory_file:q; set __grant_code = "`grant directory-profile --shell tcsh $__grant_quiet`"; unsetenv GRANT_DIRECTORY_FILE; if ( "$__grant_code" == "" ) set __grant_directory_told = "$__grant_directory_told $__grant_directory_file "; if ( "$__grant_code" != "" && "$__grant_directory_active" == "" ) eval __grant_directory_keep_before; if ( "$__grant_code" != "" ) eval "$__grant_code"; unset __grant_quiet'

alias __grant_directory_keep_before 'set __grant_directory_active = 1; set __grant_directory_before = ""; if ( $?GRANT_PROFILE ) eval '\''set __grant_directory_before = "$GRANT_PROFILE"'\''; set __grant_directory_before_keys = ""; if ( $?GRANT_EXPORTED ) eval '\''set __grant_directory_before_keys = " $GRANT_EXPORTED "'\''; if ( ! ( "$__grant_directory_before_keys" =~ *" AWS_ACCESS_KEY_ID "* ) ) set __grant_directory_before_keys = ""'

# Out of the tree (or into one that is not allowed): what was there before it.
alias __grant_directory_leave 'if ( "$__grant_directory_active" != "" ) eval __grant_directory_restore'

alias __grant_directory_restore 'set __grant_directory_active = ""; set __grant_glob = $?noglob; set noglob; if ( "$__grant_directory_before" == "" ) eval `grant assume --shell tcsh --unset`; if ( "$__grant_directory_before" != "" && "$__grant_directory_before_keys" != "" ) eval `grant assume --shell tcsh -x $__grant_directory_before:q`; if ( "$__grant_directory_before" != "" && "$__grant_directory_before_keys" == "" ) eval `grant assume --shell tcsh $__grant_directory_before:q`; if ( ! $__grant_glob ) unset noglob; unset __grant_glob'

alias __grant_directory_hook '__grant_directory_find; if ( "$__grant_directory_found" != "$__grant_directory_file" ) eval __grant_directory_switch'

alias __grant_directory_switch 'set __grant_directory_file = "$__grant_directory_found"; set __grant_code = ""; if ( "$__grant_directory_file" != "" ) eval __grant_directory_enter; if ( "$__grant_code" == "" ) eval __grant_directory_leave; unset __grant_code'

# `grant allow` and `grant deny` (here or in another shell) rewrite the allow
# list's stamp: a new one at a prompt checks the nearest file again. tcsh cannot
# read a file without a process, so the stamp is its modification time and inode
# (`-M`, `-I`: builtins; the file is replaced whole at each save), and an unchanged
# one starts nothing.
if ( ! $?__grant_directory_stamp ) set __grant_directory_stamp = ""

alias __grant_directory_restamp 'set __grant_stamp = ""; if ( $?__grant_directory_stamp_file ) eval __grant_directory_read_stamp; if ( "$__grant_stamp" != "$__grant_directory_stamp" ) eval __grant_directory_restamped; unset __grant_stamp'

alias __grant_directory_read_stamp 'if ( -e "$__grant_directory_stamp_file" ) eval '\''@ __grant_m = -M "$__grant_directory_stamp_file"; @ __grant_i = -I "$__grant_directory_stamp_file"; set __grant_stamp = "$__grant_m-$__grant_i"; unset __grant_m __grant_i'\'''

alias __grant_directory_restamped 'set __grant_directory_stamp = "$__grant_stamp"; set __grant_directory_file = "-"; eval __grant_directory_hook'

# cwdcmd runs after each change of directory, precmd before each prompt; one the
# user had runs after it.
if ( ! ( "`alias cwdcmd`" =~ *__grant_directory_hook* ) ) alias cwdcmd "__grant_directory_hook; `alias cwdcmd`"
if ( ! ( "`alias precmd`" =~ *__grant_directory_restamp* ) ) alias precmd "__grant_directory_restamp; `alias precmd`"

# A shell that starts inside a tree takes its profile at once (through eval: an
# alias defined on the line being run is not known yet).
eval __grant_directory_restamp
eval __grant_directory_hook
