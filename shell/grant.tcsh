# grant's integration for tcsh: add  eval "`grant init tcsh`"  to ~/.tcshrc.
# eval gets the lines of that command substitution joined by spaces, so each line
# here is one statement: `grant init` ends each with `;` and leaves the comments out.
# The binary writes every line of shell code, quoted; `assume` only evaluates it.

# Tells `grant doctor`, run from this shell, that the integration is loaded.
setenv GRANT_SHELL_INTEGRATION tcsh

# The options that write to the terminal, not shell code, run grant as it is. `:q`
# keeps each argument one word, whatever quotes it holds.
alias assume 'set __grant_args = ( \!*:q ); if ( " $__grant_args " =~ *" --exec "* || " $__grant_args " =~ *" -c "* || " $__grant_args " =~ *" --console "* || " $__grant_args " =~ *" -h "* || " $__grant_args " =~ *" --help "* || " $__grant_args " =~ *" -V "* || " $__grant_args " =~ *" --version "* ) set __grant_args = direct; if ( "$__grant_args" == direct ) grant assume \!*; if ( "$__grant_args" != direct ) eval "`grant assume --shell tcsh \!*:q`"; unset __grant_args'

# Keys exported with -x expire; before each prompt, renew them when they have less
# than five minutes left. tcsh has no clock: `date` starts only while GRANT_EXPIRES
# holds a time (1 to 18 digits, no leading zero, which tcsh would read as octal).
# Without GRANT_EXPIRES a prompt runs one test: the rest is __grant_renew, run
# through `eval` (tcsh substitutes the whole line before `if` decides, so a
# variable that is not set is read only inside `eval`, and an error in precmd makes
# it drop the alias; an alias after `if ( ... )` runs through `eval` too: tcsh
# expands none there). `!~` would be a history reference when the alias runs:
# `! ( ... =~ ... )` instead.
alias __grant_hook 'if ( $?GRANT_EXPIRES ) eval __grant_renew'
alias __grant_renew 'set __grant_expires = "$GRANT_EXPIRES"; set __grant_due = -1; if ( "$__grant_expires" =~ [1-9]* && ! ( "$__grant_expires" =~ *[^0-9]* ) && ! ( "$__grant_expires" =~ ???????????????????* ) ) @ __grant_due = `date +%s` + 301 - $__grant_expires; if ( $__grant_due > 0 ) eval assume --reassume; unset __grant_expires __grant_due'

# precmd runs before each prompt: __grant_precmd, which the directory hook extends,
# then a precmd the user had. tcsh shows an alias's text only to a process (a
# backquote, which forks a shell: about a millisecond), so `which` (a builtin) tells
# first whether there is one to keep; its status is kept in a variable, as each
# command sets a new one. Loaded again, the hook is still added once. tcsh runs each
# statement at a cost, so this is one.
alias __grant_precmd __grant_hook
if ( ! $?__grant_hooked ) eval 'which precmd >& /dev/null; set __grant_hooked = $status; if ( $__grant_hooked == 1 ) alias precmd __grant_precmd; if ( $__grant_hooked == 0 ) alias precmd "__grant_precmd; `alias precmd`"'
