using System.Diagnostics.CodeAnalysis;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Engine.Yaml;

/// <summary>
/// A YAML node as read from a file, with the place it starts. Mappings keep key order and the
/// location of every key, so any problem can name file:line:column. Nodes are immutable once read.
/// </summary>
internal abstract class YamlNode
{
    protected YamlNode(SourceLocation location) => Location = location;

    public SourceLocation Location { get; }

    /// <summary>Number of nodes this one stands for once aliases are expanded (guards against alias bombs).</summary>
    public abstract long Weight { get; }

    public abstract string KindName { get; }
}

internal enum ScalarKind { Null, Bool, Int, Float, String }

internal sealed class YamlScalar : YamlNode
{
    public YamlScalar(string value, ScalarKind kind, bool quoted, SourceLocation location) : base(location)
    {
        Value = value;
        Kind = kind;
        IsQuoted = quoted;
    }

    /// <summary>The scalar's text exactly as YAML gives it (after unescaping).</summary>
    public string Value { get; }

    /// <summary>What the text resolves to, the way Kubernetes tooling (go-yaml v2) resolves plain scalars.</summary>
    public ScalarKind Kind { get; }

    public bool IsQuoted { get; }

    public override long Weight => 1;

    public override string KindName => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Bool => "boolean",
        ScalarKind.Int => "integer",
        ScalarKind.Float => "number",
        _ => "string",
    };

    public override string ToString() => Value;
}

internal sealed class YamlSequence : YamlNode
{
    private readonly long _weight;

    public YamlSequence(IReadOnlyList<YamlNode> items, SourceLocation location) : base(location)
    {
        Items = items;
        _weight = 1;
        foreach (var item in items) _weight = YamlWeights.Add(_weight, item.Weight);
    }

    public IReadOnlyList<YamlNode> Items { get; }

    public int Count => Items.Count;

    public YamlNode this[int index] => Items[index];

    public override long Weight => _weight;

    public override string KindName => "list";
}

internal sealed class YamlMapping : YamlNode
{
    // Most mappings have a handful of keys: those are found by a scan; larger ones get an index.
    private const int IndexedFrom = 9;

    private readonly List<KeyValuePair<YamlScalar, YamlNode>> _entries;
    private readonly Dictionary<string, int>? _index;
    private readonly long _weight;

    /// <summary>A mapping of <paramref name="entries"/> (a list given here is kept, not copied: do not change it afterwards).</summary>
    public YamlMapping(IEnumerable<KeyValuePair<YamlScalar, YamlNode>> entries, SourceLocation location) : base(location)
    {
        _entries = entries as List<KeyValuePair<YamlScalar, YamlNode>> ?? entries.ToList();
        if (_entries.Count >= IndexedFrom) _index = new Dictionary<string, int>(_entries.Count, StringComparer.Ordinal);
        _weight = 1;
        for (var i = 0; i < _entries.Count; i++)
        {
            if (_index is not null) _index[_entries[i].Key.Value] = i;
            _weight = YamlWeights.Add(_weight, _entries[i].Value.Weight + 1);
        }
    }

    public static YamlMapping Empty(SourceLocation location) => new([], location);

    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries => _entries;

    /// <summary>The entries for a loop that allocates nothing (a foreach over <see cref="Entries"/> boxes its enumerator).</summary>
    public ReadOnlySpan<KeyValuePair<YamlScalar, YamlNode>> EntrySpan => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_entries);

    public IEnumerable<string> Keys => _entries.Select(e => e.Key.Value);

    public int Count => _entries.Count;

    public override long Weight => _weight;

    public override string KindName => "object";

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [NotNullWhen(true)] out YamlNode? value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _entries[i].Value : null;
        return value is not null;
    }

    private int IndexOf(string key)
    {
        if (_index is not null) return _index.TryGetValue(key, out var found) ? found : -1;
        for (var i = _entries.Count - 1; i >= 0; i--)
            if (string.Equals(_entries[i].Key.Value, key, StringComparison.Ordinal)) return i;
        return -1;
    }

    public YamlNode? this[string key] => TryGetValue(key, out var v) ? v : null;

    /// <summary>The location of the key itself (where an error about a whole entry should point).</summary>
    public SourceLocation KeyLocation(string key) => IndexOf(key) is var i and >= 0 ? _entries[i].Key.Location : Location;

    /// <summary>The string value of <paramref name="key"/> when it is a non-null scalar, otherwise null.</summary>
    public string? GetString(string key) =>
        TryGetValue(key, out var v) && v is YamlScalar { Kind: not ScalarKind.Null } s ? s.Value : null;
}

internal static class YamlWeights
{
    public const long Cap = long.MaxValue / 4;

    public static long Add(long a, long b) => a >= Cap - b ? Cap : a + b;
}
