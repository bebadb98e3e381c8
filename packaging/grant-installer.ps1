# Installs grant for the current user on Windows (Windows PowerShell 5.1 or
# PowerShell 7), from a GitHub release:
#   powershell -ExecutionPolicy Bypass -c "irm https://github.com/grant-cli/grant/releases/latest/download/grant-installer.ps1 | iex"
# It downloads the archive for this machine (x86_64 or arm64) and its .sha256,
# refuses the archive unless its SHA-256 equals the published one, and only then
# puts grant.exe in the install folder and that folder on the user's PATH.
#
# Environment:
#   GRANT_INSTALL_DIR             the folder for grant.exe (default: $XDG_BIN_HOME,
#                                 else ~\.local\bin)
#   GRANT_NO_MODIFY_PATH          1: leave the user's PATH alone
#   GRANT_INSTALLER_DOWNLOAD_URL  where the archives are, instead of the release
#
# Everything runs in its own scope: `irm | iex` runs this in the caller's session,
# which must keep its preferences, and which `exit` would close (errors throw).
& {
    Set-StrictMode -Version 2.0
    $ErrorActionPreference = 'Stop'
    $ProgressPreference = 'SilentlyContinue'

    # The release workflow pins this line to the release the script is attached to.
    $release = 'https://github.com/grant-cli/grant/releases/latest/download'
    $base = $release
    if ($env:GRANT_INSTALLER_DOWNLOAD_URL) {
        $base = $env:GRANT_INSTALLER_DOWNLOAD_URL.TrimEnd('/')
    }

    # The OS's architecture, not this process's: x64 PowerShell runs emulated on arm64.
    # Where .NET cannot say, the environment can (PROCESSOR_ARCHITEW6432: a 32-bit
    # PowerShell on 64-bit Windows).
    $architecture = $null
    try {
        Add-Type -AssemblyName 'System.Runtime.InteropServices.RuntimeInformation'
        $architecture = [string][System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture
    } catch {
        $architecture = $env:PROCESSOR_ARCHITECTURE
        if ($env:PROCESSOR_ARCHITEW6432) {
            $architecture = $env:PROCESSOR_ARCHITEW6432
        }
    }
    switch ($architecture) {
        { $_ -in 'X64', 'AMD64' } { $target = 'x86_64-pc-windows-msvc' }
        'Arm64' { $target = 'aarch64-pc-windows-msvc' }
        default { throw "grant-installer: no grant build for this machine's architecture ($architecture); grant is built for x86_64 and arm64 Windows." }
    }
    $archiveName = "grant-$target.zip"

    if ($env:GRANT_INSTALL_DIR) {
        $installDir = $env:GRANT_INSTALL_DIR
    } elseif ($env:XDG_BIN_HOME) {
        $installDir = $env:XDG_BIN_HOME
    } else {
        $installDir = Join-Path $HOME '.local\bin'
    }
    if ($installDir.Contains(';')) {
        throw "grant-installer: the install folder $installDir holds a ';', which PATH cannot hold; set GRANT_INSTALL_DIR to another folder."
    }

    # Windows PowerShell 5.1 may not offer TLS 1.2, which GitHub requires.
    if ($PSVersionTable.PSVersion.Major -lt 6) {
        [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
    }

    $work = Join-Path ([IO.Path]::GetTempPath()) ('grant-installer-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $work
    try {
        $archivePath = Join-Path $work $archiveName
        $sumPath = "$archivePath.sha256"
        Write-Host "grant-installer: downloading $base/$archiveName"
        try {
            Invoke-WebRequest -UseBasicParsing -Uri "$base/$archiveName" -OutFile $archivePath
            Invoke-WebRequest -UseBasicParsing -Uri "$base/$archiveName.sha256" -OutFile $sumPath
        } catch {
            throw "grant-installer: could not download $base/$archiveName or its .sha256 ($($_.Exception.Message)); nothing was installed."
        }

        # The sum file is "HEX  NAME" (sha256sum's format). It comes from the network:
        # only exactly 64 hex digits, for this archive's name, are taken.
        if ((Get-Item -LiteralPath $sumPath).Length -gt 1024) {
            throw "grant-installer: $archiveName.sha256 is not a SHA-256 sum file; nothing was installed."
        }
        $fields = @(([IO.File]::ReadAllText($sumPath)).Trim() -split '\s+')
        $expected = $fields[0]
        if ($expected -cnotmatch '\A[0-9a-fA-F]{64}\z' -or $fields.Count -gt 2 -or ($fields.Count -eq 2 -and $fields[1].TrimStart('*') -cne $archiveName)) {
            throw "grant-installer: $archiveName.sha256 does not hold a SHA-256 for $archiveName; nothing was installed."
        }
        $expected = $expected.ToLowerInvariant()
        $actual = (Get-FileHash -LiteralPath $archivePath -Algorithm SHA256).Hash.ToLowerInvariant()
        if ($actual -cne $expected) {
            throw "grant-installer: $archiveName does not match its published SHA-256 (expected $expected, got $actual); nothing was installed. Run the installer again; if this persists, report it."
        }
        Write-Host "grant-installer: SHA-256 checked: $actual"

        $unpacked = Join-Path $work 'unpacked'
        Expand-Archive -LiteralPath $archivePath -DestinationPath $unpacked
        # dist's Windows zips hold grant.exe at their root; take a top folder too.
        $binary = Join-Path $unpacked 'grant.exe'
        if (-not (Test-Path -LiteralPath $binary -PathType Leaf)) {
            $binary = Join-Path $unpacked "grant-$target\grant.exe"
        }
        if (-not (Test-Path -LiteralPath $binary -PathType Leaf)) {
            throw "grant-installer: $archiveName holds no grant.exe; nothing was installed."
        }

        $null = New-Item -ItemType Directory -Force -Path $installDir
        $installed = Join-Path $installDir 'grant.exe'
        # A running grant.exe cannot be overwritten, but it can be renamed.
        if (Test-Path -LiteralPath $installed) {
            $old = "$installed.old"
            Remove-Item -LiteralPath $old -Force -ErrorAction SilentlyContinue
            Move-Item -LiteralPath $installed -Destination $old -Force
        }
        Copy-Item -LiteralPath $binary -Destination $installed
        Write-Host "grant-installer: installed $installed"
    } finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }

    if ($env:GRANT_NO_MODIFY_PATH -ne '1') {
        $trimmed = $installDir.TrimEnd('\')
        # Read unexpanded, written back as an expandable string: entries such as
        # %USERPROFILE%\bin stay as the user wrote them.
        $key = Get-Item -LiteralPath 'HKCU:\Environment'
        $userPath = [string]$key.GetValue('Path', '', [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
        $entries = @($userPath -split ';' | Where-Object { $_ -ne '' })
        if (-not ($entries | Where-Object { $_.TrimEnd('\') -eq $trimmed })) {
            Set-ItemProperty -LiteralPath 'HKCU:\Environment' -Name 'Path' -Type ExpandString -Value ((@($installDir) + $entries) -join ';')
            # Setting a variable through .NET tells running programs (Explorer) that
            # the environment changed, so new terminals see the new PATH.
            [Environment]::SetEnvironmentVariable('GRANT_INSTALLER_REFRESH', '1', 'User')
            [Environment]::SetEnvironmentVariable('GRANT_INSTALLER_REFRESH', $null, 'User')
            Write-Host "grant-installer: added $installDir to your PATH (new terminals see it)"
        }
        if (-not (@($env:Path -split ';') | Where-Object { $_.TrimEnd('\') -eq $trimmed })) {
            $env:Path = "$installDir;$env:Path"
        }
    }
    Write-Host 'grant-installer: for `assume`, add this line to your $PROFILE:'
    Write-Host '    Invoke-Expression (& grant init powershell | Out-String)'
}
