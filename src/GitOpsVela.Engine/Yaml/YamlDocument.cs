using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Engine.Yaml;

/// <summary>One document of a (possibly multi-document) YAML stream. <see cref="Root"/> is null for an empty document.</summary>
internal sealed record YamlDocument(string File, int Index, YamlNode? Root, SourceLocation Location);
