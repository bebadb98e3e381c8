
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

# The aliases that walk and switch are loaded on their first use (a change of
# directory, or of the allow list's stamp): `grant __tcsh-directory-hook`
# prints them, and this stand-in replaces itself with them and runs the real one.
# tcsh reads every character of what it defines, which is most of a start.
alias __grant_directory_hook 'eval "`grant __tcsh-directory-hook`"; eval __grant_directory_hook'

# `grant allow` and `grant deny` (here or in another shell) rewrite the allow
# list's stamp: a new one at a prompt checks the nearest file again. tcsh cannot
# read a file without a process, so the stamp is its modification time and inode
# (`-M`, `-I`: builtins; the file is replaced whole at each save), and an unchanged
# one starts nothing.
if ( ! $?__grant_directory_stamp ) set __grant_directory_stamp = ""

alias __grant_directory_restamp 'set __grant_stamp = ""; if ( $?__grant_directory_stamp_file ) eval __grant_directory_read_stamp; if ( "$__grant_stamp" != "$__grant_directory_stamp" ) eval __grant_directory_restamped; unset __grant_stamp'

alias __grant_directory_read_stamp 'if ( -e "$__grant_directory_stamp_file" ) eval '\''@ __grant_m = -M "$__grant_directory_stamp_file"; @ __grant_i = -I "$__grant_directory_stamp_file"; set __grant_stamp = "$__grant_m-$__grant_i"; unset __grant_m __grant_i'\'''

alias __grant_directory_restamped 'set __grant_directory_stamp = "$__grant_stamp"; set __grant_directory_file = "-"; eval __grant_directory_hook'

# cwdcmd runs after each change of directory, then one the user had (read only
# when `which` finds one, as for precmd); precmd before each prompt, through
# __grant_precmd.
alias __grant_precmd '__grant_hook; __grant_directory_restamp'
if ( ! $?__grant_directory_hooked ) eval 'which cwdcmd >& /dev/null; set __grant_directory_hooked = $status'
if ( "$__grant_directory_hooked" == 1 ) alias cwdcmd __grant_directory_hook
if ( "$__grant_directory_hooked" == 0 ) alias cwdcmd "__grant_directory_hook; `alias cwdcmd`"
set __grant_directory_hooked = done

# A shell that starts inside a tree takes its profile before its first prompt, as
# in bash: precmd's restamp finds a stamp it has not read, and walks. `grant init`
# looks first: when it found no .aws-profile above the folder it ran in, it names
# that folder in __grant_directory_nothing_above, with the stamp as it is, and a
# shell still there walks nothing (the walk is the slowest part of a start).
if ( ! $?__grant_directory_nothing_above ) set __grant_directory_nothing_above = ""
if ( "$cwd" != "$__grant_directory_nothing_above" ) set __grant_directory_stamp = unread
unset __grant_directory_nothing_above
