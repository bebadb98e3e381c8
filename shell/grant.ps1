# grant's integration for PowerShell: add
#   Invoke-Expression (& grant init powershell | Out-String)
# to $PROFILE. The binary writes every line of code, quoted; `assume` only runs it.

# Tells `grant doctor`, run from this shell, that the integration is loaded.
$env:GRANT_SHELL_INTEGRATION = 'powershell'

function assume {
    # --exec runs a command and writes to the terminal, not code. PowerShell drops a
    # bare -- between a function's arguments, so it is put back, quoted, before the
    # command: assume dev --exec -- aws s3 ls (options go before --exec).
    $exec = [array]::IndexOf($args, '--exec')
    if ($exec -ge 0) {
        $options = @($args | Select-Object -First ($exec + 1))
        $command = @($args | Select-Object -Skip ($exec + 1))
        if ($command.Count -gt 0 -and $command[0] -eq '--') {
            $command = @($command | Select-Object -Skip 1)
        }
        & grant assume @options '--' @command
        return
    }
    foreach ($arg in $args) {
        if (@('-c', '--console', '-h', '--help', '-V', '--version') -contains $arg) {
            & grant assume @args
            return
        }
    }
    $code = & grant assume --shell powershell @args
    if ($LASTEXITCODE -eq 0 -and $code) {
        Invoke-Expression ($code -join "`n")
    }
}

# Keys exported with -x expire; before each prompt, renew them when they have less
# than five minutes left, comparing with the clock, without starting a process.
if (-not $global:__GrantPromptWrapped) {
    $global:__GrantPromptWrapped = $true
    $global:__GrantOriginalPrompt = $function:prompt
    function global:prompt {
        if ($env:GRANT_EXPIRES -match '^[0-9]{1,18}$' -and
            ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 300) -ge [long]$env:GRANT_EXPIRES) {
            assume --reassume
        }
        & $global:__GrantOriginalPrompt
    }
}

# Completion for assume: profile names, quoted when they need it.
Register-ArgumentCompleter -Native -CommandName assume -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    __GrantProfileResults $wordToComplete
}
