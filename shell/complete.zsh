
# Profile names for --profile (and assume): each line of `grant profiles` as it is.
__grant_profiles() {
    local -a names
    names=("${(@f)$(command grant profiles 2>/dev/null)}")
    compadd -a names
}

