
# Profiles that follow the directory: the nearest .aws-profile (here or above) names
# the profile of its tree, once `grant allow` recorded it. The walk up is PowerShell
# code; grant starts only when the nearest file changes, and decides (allowed,
# unchanged, a real profile) and writes the code. Leaving the tree brings back the
# state before it. The state lives in global variables, not in the environment.
function global:__GrantDirectoryFind {
    $location = Get-Location
    if ($location.Provider.Name -ne 'FileSystem') { return '' }
    $dir = $location.ProviderPath
    while ($dir) {
        $candidate = Join-Path $dir '.aws-profile'
        if (Test-Path -LiteralPath $candidate) { return $candidate }
        $dir = Split-Path -Parent $dir
    }
    return ''
}

function global:__GrantDirectoryEnter {
    $options = @('--shell', 'powershell')
    if ($global:__GrantDirectoryTold -contains $global:__GrantDirectoryFile) {
        $options += '--quiet'
    }
    $code = & grant directory-profile @options '--' $global:__GrantDirectoryFile
    if (-not $code) {
        $global:__GrantDirectoryTold += @($global:__GrantDirectoryFile)
        return $false
    }
    if (-not $global:__GrantDirectoryActive) {
        $global:__GrantDirectoryActive = $true
        $global:__GrantDirectoryBefore = $env:GRANT_PROFILE
        $global:__GrantDirectoryBeforeKeys = (" $env:GRANT_EXPORTED " -like '* AWS_ACCESS_KEY_ID *')
    }
    Invoke-Expression ($code -join "`n")
    return $true
}

# Out of the tree (or into one that is not allowed): what was there before it.
function global:__GrantDirectoryLeave {
    if (-not $global:__GrantDirectoryActive) { return }
    $global:__GrantDirectoryActive = $false
    if (-not $global:__GrantDirectoryBefore) {
        assume --unset
    } elseif ($global:__GrantDirectoryBeforeKeys) {
        assume -x $global:__GrantDirectoryBefore
    } else {
        assume $global:__GrantDirectoryBefore
    }
}

# `grant allow` and `grant deny` (here or in another shell) rewrite the allow
# list's stamp: a new one at a prompt checks the nearest file again. Reading it
# runs in this process, so an unchanged stamp starts none.
function global:__GrantDirectoryRestamp {
    $stamp = ''
    if ($global:__GrantDirectoryStampFile -and (Test-Path -LiteralPath $global:__GrantDirectoryStampFile)) {
        $stamp = [System.IO.File]::ReadAllText($global:__GrantDirectoryStampFile).Trim()
    }
    if ($stamp -eq $global:__GrantDirectoryStamp) { return $false }
    $global:__GrantDirectoryStamp = $stamp
    return $true
}

function global:__GrantDirectoryHook {
    if (__GrantDirectoryRestamp) {
        $global:__GrantDirectoryLocation = $null
        $global:__GrantDirectoryFile = "`n"
    }
    $location = (Get-Location).Path
    if ($location -eq $global:__GrantDirectoryLocation) { return }
    $global:__GrantDirectoryLocation = $location
    $found = __GrantDirectoryFind
    if ($found -eq $global:__GrantDirectoryFile) { return }
    $global:__GrantDirectoryFile = $found
    if (-not $found -or -not (__GrantDirectoryEnter)) {
        __GrantDirectoryLeave
    }
}

if (-not $global:__GrantDirectoryPromptWrapped) {
    $global:__GrantDirectoryPromptWrapped = $true
    $global:__GrantDirectoryFile = ''
    $global:__GrantDirectoryTold = @()
    $global:__GrantDirectoryOriginalPrompt = $function:prompt
    function global:prompt {
        __GrantDirectoryHook
        & $global:__GrantDirectoryOriginalPrompt
    }
}
