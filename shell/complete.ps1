
# Profile names after --profile (and for assume), clap's completion for the rest.
function global:__GrantProfileResults([string]$prefix) {
    $prefix = $prefix.Trim("'")
    & grant profiles 2>$null | Where-Object { $_.StartsWith($prefix) } | ForEach-Object {
        $text = if ($_ -match '^[A-Za-z0-9_./:@%+-]+$') { $_ } else { "'" + ($_ -replace "['\u2018-\u201b]", '$0$0') + "'" }
        [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
    }
}

Register-ArgumentCompleter -Native -CommandName 'grant' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $elements = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
    $previous = if ($wordToComplete) { $elements[-2] } else { $elements[-1] }
    if ($previous -eq '--profile') {
        __GrantProfileResults $wordToComplete
        return
    }
    & $global:__GrantClapCompleter $wordToComplete $commandAst $cursorPosition
}
