using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsVela.Commands.Output;

/// <summary>Turns JSON objects into what PowerShell users expect: PSCustomObject, object[], string, long, double, bool, null.</summary>
internal static class PowerShellValues
{
    public static PSObject ToPSObject(JsonObject obj)
    {
        var result = new PSObject();
        foreach (var (key, value) in obj)
        {
            // PowerShell member names are case-insensitive; a second key differing only by case keeps the first.
            if (result.Properties[key] is null) result.Properties.Add(new PSNoteProperty(key, ToValue(value)));
        }
        return result;
    }

    public static object? ToValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => ToPSObject(o),
        JsonArray a => a.Select(ToValue).ToArray(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? (object)(long)i : v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };
}
