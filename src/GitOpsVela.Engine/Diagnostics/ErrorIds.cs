namespace GitOpsVela.Engine.Diagnostics;

/// <summary>
/// Every problem id GitOpsVela reports, as <c>Area.Problem</c>: stable across releases (scripts match on them; the cmdlets
/// make them the ErrorRecord's FullyQualifiedErrorId, <c>Area.Problem,Cmdlet</c>). docs/ARCHITECTURE.md lists them.
/// </summary>
public static class ErrorIds
{
    /// <summary>Reading and validating application files.</summary>
    public static class Load
    {
        /// <summary>A file is not valid YAML (tabs, indentation, an unclosed quote); the message names file:line:column.</summary>
        public const string YamlSyntax = "Load.YamlSyntax";

        /// <summary>A YAML mapping key that is not a plain string (a list or object as key).</summary>
        public const string YamlUnsupportedKey = "Load.YamlUnsupportedKey";

        /// <summary>A YAML document nested deeper than the reader allows.</summary>
        public const string YamlTooDeep = "Load.YamlTooDeep";

        /// <summary>The same key twice in one YAML mapping.</summary>
        public const string YamlDuplicateKey = "Load.YamlDuplicateKey";

        /// <summary>YAML aliases that would expand past the size limit (a billion-laughs document).</summary>
        public const string YamlAliasBomb = "Load.YamlAliasBomb";

        /// <summary>A -Path that does not exist.</summary>
        public const string PathNotFound = "Load.PathNotFound";

        /// <summary>A -Path on a PowerShell drive that is not the file system.</summary>
        public const string PathNotFileSystem = "Load.PathNotFileSystem";

        /// <summary>A file or folder given to a cmdlet holds no KubeVela Application.</summary>
        public const string ApplicationNoneFound = "Load.ApplicationNoneFound";

        /// <summary>A file that exists but cannot be read.</summary>
        public const string FileUnreadable = "Load.FileUnreadable";

        /// <summary>The application's structure: missing names, wrong shapes, duplicate or dangling names, cycles.</summary>
        public const string ApplicationInvalid = "Load.ApplicationInvalid";

        /// <summary>A component or trait property its definition's parameter schema refuses.</summary>
        public const string PropertyInvalid = "Load.PropertyInvalid";

        /// <summary>A policy type that is not a KubeVela built-in.</summary>
        public const string PolicyTypeUnknown = "Load.PolicyTypeUnknown";

        /// <summary>A workflow step type that is not a KubeVela built-in.</summary>
        public const string StepTypeUnknown = "Load.StepTypeUnknown";

        /// <summary>Workflow step properties in no form KubeVela has accepted (the message lists the forms).</summary>
        public const string StepInvalid = "Load.StepInvalid";

        /// <summary>A ComponentDefinition, TraitDefinition or WorkflowStepDefinition that cannot be read (no name, a schematic of the wrong shape, HCL that does not parse), or the same one twice in the files read.</summary>
        public const string DefinitionInvalid = "Load.DefinitionInvalid";
    }

    /// <summary>Rendering components and traits.</summary>
    public static class Render
    {
        /// <summary>A component type that no definition renders.</summary>
        public const string ComponentTypeUnknown = "Render.ComponentTypeUnknown";

        /// <summary>A trait type that no definition renders.</summary>
        public const string TraitTypeUnknown = "Render.TraitTypeUnknown";

        /// <summary>A trait that cannot patch what the component rendered (a container it names is missing).</summary>
        public const string TraitFailed = "Render.TraitFailed";

        /// <summary>A component that cannot be rendered (a value of the wrong type reached its template).</summary>
        public const string Failed = "Render.Failed";

        /// <summary>A kustomization or plain folder that cannot be built (unsupported field, path outside the repository).</summary>
        public const string KustomizeInvalid = "Render.KustomizeInvalid";

        /// <summary>A type whose definition GitOpsVela cannot render: a CUE schematic (there is no CUE engine) for a type that is not built in, a helm schematic, a Terraform configuration of type json.</summary>
        public const string DefinitionUnsupported = "Render.DefinitionUnsupported";
    }

    /// <summary>Placing applications in clusters.</summary>
    public static class Plan
    {
        /// <summary>A topology policy naming a cluster that is not a kubeconfig context, or selecting none.</summary>
        public const string TopologyInvalid = "Plan.TopologyInvalid";

        /// <summary>The clusters file (context labels) is malformed.</summary>
        public const string ClustersFileInvalid = "Plan.ClustersFileInvalid";
    }

    /// <summary>Talking to the Kubernetes API.</summary>
    public static class Cluster
    {
        /// <summary>No kubeconfig where -Kubeconfig, KUBECONFIG or ~/.kube/config point.</summary>
        public const string KubeconfigNotFound = "Cluster.KubeconfigNotFound";

        /// <summary>A kubeconfig that cannot be read.</summary>
        public const string KubeconfigInvalid = "Cluster.KubeconfigInvalid";

        /// <summary>A -Context the kubeconfig does not have.</summary>
        public const string ContextNotFound = "Cluster.ContextNotFound";

        /// <summary>A cluster that answers but not as a Kubernetes API server does.</summary>
        public const string Invalid = "Cluster.Invalid";

        /// <summary>The kubeconfig's credentials could not be obtained (exec plugin, token file).</summary>
        public const string CredentialsUnavailable = "Cluster.CredentialsUnavailable";

        /// <summary>The API server cannot be reached (refused, DNS, TLS).</summary>
        public const string Unreachable = "Cluster.Unreachable";

        /// <summary>The API server refused the credentials (401).</summary>
        public const string Unauthorized = "Cluster.Unauthorized";

        /// <summary>RBAC refused a request (403): the message names verb, resource and namespace.</summary>
        public const string Forbidden = "Cluster.Forbidden";

        /// <summary>The API server did not answer in time.</summary>
        public const string Timeout = "Cluster.Timeout";

        /// <summary>The API server's TLS certificate is not trusted by the kubeconfig's CA (or does not name the server).</summary>
        public const string CertificateNotTrusted = "Cluster.CertificateNotTrusted";

        /// <summary>The API server throttles requests (429 TooManyRequests, with its Retry-After).</summary>
        public const string Throttled = "Cluster.Throttled";

        /// <summary>An object the API server refuses as invalid (422) or without apiVersion/kind/name.</summary>
        public const string ObjectInvalid = "Cluster.ObjectInvalid";

        /// <summary>A kind the cluster does not serve (its CRD is not installed yet).</summary>
        public const string KindNotServed = "Cluster.KindNotServed";

        /// <summary>Any other failed API request.</summary>
        public const string RequestFailed = "Cluster.RequestFailed";

        /// <summary>An object that does not exist (404).</summary>
        public const string ObjectNotFound = "Cluster.ObjectNotFound";

        /// <summary>An object changed by someone else since it was read (409).</summary>
        public const string ObjectConflict = "Cluster.ObjectConflict";

        /// <summary>A namespace that does not exist.</summary>
        public const string NamespaceNotFound = "Cluster.NamespaceNotFound";

        /// <summary>Server-side apply found fields owned by another field manager.</summary>
        public const string ApplyConflict = "Cluster.ApplyConflict";

        /// <summary>A Secret a step or source names does not exist.</summary>
        public const string SecretNotFound = "Cluster.SecretNotFound";

        /// <summary>A Secret lacks the key a step or source names.</summary>
        public const string SecretKeyNotFound = "Cluster.SecretKeyNotFound";
    }

    /// <summary>The in-cluster record of each application.</summary>
    public static class Record
    {
        /// <summary>An application's record ConfigMap holds no valid record.</summary>
        public const string Invalid = "Record.Invalid";

        /// <summary>The record was written by someone else since it was read (another runner).</summary>
        public const string Changed = "Record.Changed";

        /// <summary>No record of the named application on the cluster.</summary>
        public const string ApplicationNotFound = "Record.ApplicationNotFound";

        /// <summary>An application read from a cluster has no spec to deliver.</summary>
        public const string SpecUnavailable = "Record.SpecUnavailable";
    }

    /// <summary>Running and controlling workflows.</summary>
    public static class Workflow
    {
        /// <summary>The application's workflow has not run yet.</summary>
        public const string NotStarted = "Workflow.NotStarted";

        /// <summary>A workflow ended failed: a step failed for good, after its retries, or timed out.</summary>
        public const string Failed = "Workflow.Failed";

        /// <summary>A step name the workflow does not have.</summary>
        public const string StepNotFound = "Workflow.StepNotFound";
    }

    /// <summary>Reconcile passes over sources and nested applications.</summary>
    public static class Reconcile
    {
        /// <summary>Two sources deliver the same application; the later copy is ignored.</summary>
        public const string ApplicationDuplicate = "Reconcile.ApplicationDuplicate";

        /// <summary>Applications bringing in applications deeper than the limit.</summary>
        public const string ApplicationTooDeep = "Reconcile.ApplicationTooDeep";

        /// <summary>Another runner holds the reconcile lease: this pass was skipped.</summary>
        public const string LeaseHeld = "Reconcile.LeaseHeld";

        /// <summary>The runner could not renew its lease in time: its pass was stopped.</summary>
        public const string LeaseLost = "Reconcile.LeaseLost";
    }

    /// <summary>Git sources: sync, commit, push.</summary>
    public static class Source
    {
        /// <summary>A source without a url, or otherwise unusable.</summary>
        public const string Invalid = "Source.Invalid";

        /// <summary>The git server cannot be reached.</summary>
        public const string Unreachable = "Source.Unreachable";

        /// <summary>The git server refused the credentials.</summary>
        public const string AuthenticationFailed = "Source.AuthenticationFailed";

        /// <summary>A secretRef that cannot be read (no cluster given).</summary>
        public const string CredentialsUnavailable = "Source.CredentialsUnavailable";

        /// <summary>The repository does not exist.</summary>
        public const string NotFound = "Source.NotFound";

        /// <summary>The branch, tag, commit or semver range matches nothing.</summary>
        public const string RefNotFound = "Source.RefNotFound";

        /// <summary>A malformed reference or semver range.</summary>
        public const string RefInvalid = "Source.RefInvalid";

        /// <summary>A path that is not a git working copy.</summary>
        public const string RepositoryNotFound = "Source.RepositoryNotFound";

        /// <summary>A pullInterval that is not a Go duration.</summary>
        public const string PullIntervalInvalid = "Source.PullIntervalInvalid";

        /// <summary>The git server refused the push (after retries).</summary>
        public const string PushRejected = "Source.PushRejected";

        /// <summary>The push could not be made.</summary>
        public const string PushFailed = "Source.PushFailed";
    }

    /// <summary>Image markers and tag policies.</summary>
    public static class Image
    {
        /// <summary>An image name docker would refuse.</summary>
        public const string Invalid = "Image.Invalid";

        /// <summary>The registry does not know the image.</summary>
        public const string NotFound = "Image.NotFound";

        /// <summary>An imageRepository policy, pattern or range that cannot be used.</summary>
        public const string PolicyInvalid = "Image.PolicyInvalid";

        /// <summary>An image marker comment that cannot be read.</summary>
        public const string MarkerInvalid = "Image.MarkerInvalid";

        /// <summary>A marker on a value that cannot be edited byte for byte (block scalar, not a scalar).</summary>
        public const string MarkerUnusable = "Image.MarkerUnusable";
    }

    /// <summary>OCI registries.</summary>
    public static class Registry
    {
        /// <summary>The registry cannot be reached.</summary>
        public const string Unreachable = "Registry.Unreachable";

        /// <summary>The registry kept answering 429/5xx after retries.</summary>
        public const string Unavailable = "Registry.Unavailable";

        /// <summary>The registry needs credentials and none were given.</summary>
        public const string AuthenticationRequired = "Registry.AuthenticationRequired";

        /// <summary>The registry refused the credentials.</summary>
        public const string AuthenticationFailed = "Registry.AuthenticationFailed";

        /// <summary>A Bearer challenge the client cannot follow.</summary>
        public const string ChallengeInvalid = "Registry.ChallengeInvalid";

        /// <summary>The registry answered with something that is not a tag list or manifest.</summary>
        public const string ResponseInvalid = "Registry.ResponseInvalid";

        /// <summary>The registry's Link paging went round in circles.</summary>
        public const string PagingInvalid = "Registry.PagingInvalid";

        /// <summary>Any other registry error.</summary>
        public const string Error = "Registry.Error";
    }

    /// <summary>Credentials from PowerShell SecretManagement (the cmdlets' -GitSecretName, -RegistrySecretName).</summary>
    public static class Secret
    {
        /// <summary>A secret was named but SecretManagement's Get-Secret is not installed.</summary>
        public const string ManagementMissing = "Secret.ManagementMissing";

        /// <summary>Get-Secret found no such secret, or it is of a kind that is no credential.</summary>
        public const string NotFound = "Secret.NotFound";
    }
}
