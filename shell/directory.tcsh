
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
if ( ! $?__grant_directory_file ) set __grant_directory_file = "" __grant_directory_told = "" __grant_directory_active = "" __grant_directory_stamp_m = -2 __grant_directory_stamp_i = -2

# Before the walk, one test: is there an .aws-profile (or a link of that name) here
# or in the eleven folders above? `:h` drops the last part of a path ("/a":h is "",
# and the test of "/.aws-profile" repeats the root's); `:q` keeps the path one word,
# read as it is (in "...", a line break in it would be an error). Deeper folders
# always walk. Most changes of directory end here, with a few `stat` calls.
alias __grant_directory_hook 'set __grant_directory_found = ""; if ( $cwd:h:h:h:h:h:h:h:h:h:h:h:h:q != "" || -e $cwd:q/.aws-profile || -l $cwd:q/.aws-profile || -e $cwd:h:q/.aws-profile || -l $cwd:h:q/.aws-profile || -e $cwd:h:h:q/.aws-profile || -l $cwd:h:h:q/.aws-profile || -e $cwd:h:h:h:q/.aws-profile || -l $cwd:h:h:h:q/.aws-profile || -e $cwd:h:h:h:h:q/.aws-profile || -l $cwd:h:h:h:h:q/.aws-profile || -e $cwd:h:h:h:h:h:q/.aws-profile || -l $cwd:h:h:h:h:h:q/.aws-profile || -e $cwd:h:h:h:h:h:h:q/.aws-profile || -l $cwd:h:h:h:h:h:h:q/.aws-profile || -e $cwd:h:h:h:h:h:h:h:q/.aws-profile || -l $cwd:h:h:h:h:h:h:h:q/.aws-profile || -e $cwd:h:h:h:h:h:h:h:h:q/.aws-profile || -l $cwd:h:h:h:h:h:h:h:h:q/.aws-profile || -e $cwd:h:h:h:h:h:h:h:h:h:q/.aws-profile || -l $cwd:h:h:h:h:h:h:h:h:h:q/.aws-profile || -e $cwd:h:h:h:h:h:h:h:h:h:h:q/.aws-profile || -l $cwd:h:h:h:h:h:h:h:h:h:h:q/.aws-profile || -e $cwd:h:h:h:h:h:h:h:h:h:h:h:q/.aws-profile || -l $cwd:h:h:h:h:h:h:h:h:h:h:h:q/.aws-profile ) eval __grant_directory_find; if ( "$__grant_directory_found" == "" && "$__grant_directory_active" == "" ) set __grant_directory_file = ""; if ( "$__grant_directory_found" != "$__grant_directory_file" ) eval __grant_directory_switch'

# The aliases that walk and switch are loaded on their first use: `grant
# __tcsh-directory-hook` prints them, and these stand-ins replace themselves with
# them and run the real one. tcsh reads every character of what it defines, which
# is most of a start.
alias __grant_directory_find 'eval "`grant __tcsh-directory-hook`"; eval __grant_directory_find'
alias __grant_directory_switch 'eval "`grant __tcsh-directory-hook`"; eval __grant_directory_switch'

# `grant allow` and `grant deny` (here or in another shell) rewrite the allow
# list's stamp: a new one at a prompt checks the nearest file again. tcsh cannot
# read a file without a process, so the stamp is its modification time and inode
# (`-M`, `-I`: builtins, -1 for a missing file; the file is replaced whole at each
# save), and an unchanged one starts nothing. -2 is a stamp not read yet: a shell
# that starts inside a tree takes its profile before its first prompt, as in bash.
alias __grant_directory_restamp 'if ( -M "$__grant_directory_stamp_file" != $__grant_directory_stamp_m || -I "$__grant_directory_stamp_file" != $__grant_directory_stamp_i ) eval __grant_directory_restamped'
alias __grant_directory_restamped '@ __grant_directory_stamp_m = -M "$__grant_directory_stamp_file"; @ __grant_directory_stamp_i = -I "$__grant_directory_stamp_file"; set __grant_directory_file = "-"; eval __grant_directory_hook'

# cwdcmd runs after each change of directory, then one the user had (read only
# when `which` finds one, as for precmd); precmd before each prompt, through
# __grant_precmd.
alias __grant_precmd '__grant_hook; __grant_directory_restamp'
if ( ! $?__grant_directory_hooked ) eval 'which cwdcmd >& /dev/null; set __grant_directory_hooked = $status; if ( $__grant_directory_hooked == 1 ) alias cwdcmd __grant_directory_hook; if ( $__grant_directory_hooked == 0 ) alias cwdcmd "__grant_directory_hook; `alias cwdcmd`"'
