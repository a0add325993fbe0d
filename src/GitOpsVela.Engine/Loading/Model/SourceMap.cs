using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Loading.Model;

/// <summary>
/// Where each part of a value was written: walk it alongside the value (<see cref="Child"/>, <see cref="Item"/>) to point a
/// problem at file:line:column. A part that was not read from a file (added by a policy) answers with the nearest
/// location that was. Later stages see locations only, never the YAML they came from.
/// </summary>
public readonly struct SourceMap
{
    private readonly YamlNode? _node;
    private readonly SourceLocation _fallback;

    private SourceMap(YamlNode? node, SourceLocation fallback)
    {
        _node = node;
        _fallback = fallback;
    }

    /// <summary>A map of a node read from a file.</summary>
    internal static SourceMap Of(YamlNode? node, SourceLocation fallback) => new(node, node?.Location ?? fallback);

    /// <summary>A map that knows only one place (for values not read from a file).</summary>
    public static SourceMap At(SourceLocation location) => new(null, location);

    /// <summary>Where the value starts.</summary>
    public SourceLocation Location => _node?.Location ?? _fallback;

    /// <summary>Where the key <paramref name="key"/> is written in this object (the object itself when it has none).</summary>
    public SourceLocation KeyLocation(string key) =>
        _node is YamlMapping map && map.ContainsKey(key) ? map.KeyLocation(key) : Location;

    /// <summary>Where the value of <paramref name="key"/> is written (the key's object when it has none).</summary>
    public SourceLocation ValueLocation(string key) =>
        _node is YamlMapping map && map.TryGetValue(key, out var value) ? value.Location : Location;

    public bool Has(string key) => _node is YamlMapping map && map.ContainsKey(key);

    public SourceMap Child(string key) =>
        _node is YamlMapping map && map.TryGetValue(key, out var value) ? new SourceMap(value, value.Location) : new SourceMap(null, Location);

    public SourceMap Item(int index) =>
        _node is YamlSequence seq && index < seq.Count ? new SourceMap(seq[index], seq[index].Location) : new SourceMap(null, Location);

    /// <summary>Whether the scalar at this place was quoted in the file (for "quote it" hints).</summary>
    public bool IsQuoted => _node is YamlScalar { IsQuoted: true };
}
