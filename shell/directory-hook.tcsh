# The directory hook's aliases for tcsh, which `grant __tcsh-directory-hook`
# prints when a stand-in defined by `grant init tcsh` first runs (see
# shell/directory.tcsh): the walk up to the nearest file, entering a tree, leaving
# it. The hook that calls them is in the init.

alias __grant_directory_find 'set __grant_directory_found = ""; set __grant_dir = "$cwd"; set __grant_steps = "$cwd:as,/, ,"; set __grant_glob = $?noglob; set noglob; set __grant_steps = ( $__grant_steps ); if ( ! $__grant_glob ) unset noglob; @ __grant_steps = $#__grant_steps + 1; repeat $__grant_steps eval '\''if ( "$__grant_directory_found" == "" && ( -e "$__grant_dir/.aws-profile" || -l "$__grant_dir/.aws-profile" ) ) set __grant_directory_found = "$__grant_dir/.aws-profile"; set __grant_dir = "$__grant_dir:h"'\''; unset __grant_dir __grant_steps __grant_glob'

alias __grant_directory_enter 'set __grant_quiet = ""; if ( "$__grant_directory_told" =~ *" $__grant_directory_file "* ) set __grant_quiet = --quiet; setenv GRANT_DIRECTORY_FILE $__grant_directory_file:q; set __grant_code = "`grant directory-profile --shell tcsh $__grant_quiet`"; unsetenv GRANT_DIRECTORY_FILE; if ( "$__grant_code" == "" ) set __grant_directory_told = "$__grant_directory_told $__grant_directory_file "; if ( "$__grant_code" != "" && "$__grant_directory_active" == "" ) eval __grant_directory_keep_before; if ( "$__grant_code" != "" ) eval "$__grant_code"; unset __grant_quiet'

alias __grant_directory_keep_before 'set __grant_directory_active = 1; set __grant_directory_before = ""; if ( $?GRANT_PROFILE ) eval '\''set __grant_directory_before = "$GRANT_PROFILE"'\''; set __grant_directory_before_keys = ""; if ( $?GRANT_EXPORTED ) eval '\''set __grant_directory_before_keys = " $GRANT_EXPORTED "'\''; if ( ! ( "$__grant_directory_before_keys" =~ *" AWS_ACCESS_KEY_ID "* ) ) set __grant_directory_before_keys = ""'

# Out of the tree (or into one that is not allowed): what was there before it.
alias __grant_directory_leave 'if ( "$__grant_directory_active" != "" ) eval __grant_directory_restore'

alias __grant_directory_restore 'set __grant_directory_active = ""; set __grant_glob = $?noglob; set noglob; if ( "$__grant_directory_before" == "" ) eval `grant assume --shell tcsh --unset`; if ( "$__grant_directory_before" != "" && "$__grant_directory_before_keys" != "" ) eval `grant assume --shell tcsh -x $__grant_directory_before:q`; if ( "$__grant_directory_before" != "" && "$__grant_directory_before_keys" == "" ) eval `grant assume --shell tcsh $__grant_directory_before:q`; if ( ! $__grant_glob ) unset noglob; unset __grant_glob'

alias __grant_directory_switch 'set __grant_directory_file = "$__grant_directory_found"; set __grant_code = ""; if ( "$__grant_directory_file" != "" ) eval __grant_directory_enter; if ( "$__grant_code" == "" ) eval __grant_directory_leave; unset __grant_code'

