@{
    RootModule           = 'GitOpsVela.Commands.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1c3f0e-4a53-4f0e-9a55-3c1d8f2b7e21'
    Author               = 'GitOpsVela'
    CompanyName          = 'GitOpsVela'
    Copyright            = '(c) GitOpsVela contributors. Apache-2.0.'
    HelpInfoURI          = 'https://github.com/gitopsvela/gitopsvela/blob/main/README.md'
    Description          = "KubeVela's GitOps with Workflow from PowerShell: load, validate and render KubeVela Applications, apply them and run their workflows against any kubeconfig context, sync config repos and keep image tags current in git — no controller in the cluster."
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('GitOpsVela.Format.ps1xml')
    TypesToProcess       = @('GitOpsVela.Types.ps1xml')
    CmdletsToExport      = @(
        'Get-VelaApplication'
        'Test-VelaApplication'
        'ConvertTo-VelaManifest'
        'Invoke-VelaWorkflow'
        'Resume-VelaWorkflow'
        'Stop-VelaWorkflow'
        'Restart-VelaWorkflow'
        'Remove-VelaApplication'
        'Compare-VelaApplication'
        'Sync-VelaRepository'
        'Get-VelaImageTag'
        'Update-VelaImageTag'
        'Invoke-VelaReconcile'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('KubeVela', 'GitOps', 'Kubernetes', 'OAM', 'Workflow', 'ImageAutomation', 'Flux', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ProjectUri   = 'https://github.com/gitopsvela/gitopsvela'
            LicenseUri   = 'https://github.com/gitopsvela/gitopsvela/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0: the thirteen cmdlets of KubeVela's GitOps with Workflow without a controller. Get-VelaApplication,
Test-VelaApplication and ConvertTo-VelaManifest read, validate and render Applications offline; Invoke-VelaWorkflow,
Compare-VelaApplication, Resume-/Stop-/Restart-VelaWorkflow and Remove-VelaApplication deliver them to any kubeconfig
context with server-side apply and one in-cluster record per application; Sync-VelaRepository and Invoke-VelaReconcile
run the GitOps loop from a schedule; Get-VelaImageTag and Update-VelaImageTag keep image tags current in git.
-WhatIf/-Confirm on everything that changes something, stable error ids, Azure DevOps and GitHub Actions annotations,
credentials from SecretManagement. See about_GitOpsVela.
'@
        }
    }
}
