using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Xml.Linq;

namespace GitOpsVela.Host;

/// <summary>
/// Table views whose rows wrap (<c>&lt;Wrap/&gt;</c>) and whose cells hold one line per sub-row, like the module's
/// `vela ls` view of VelaApplication (one line per component). PowerShell's formatter sizes such a column by the
/// whole multi-line text, so an application with many components pushes columns off the screen. The host reads
/// these views from the module's Format.ps1xml and, before Out-Default, turns each object into one row object per
/// line, shown by a generated single-line table view with the same headers, sized to the widest line.
/// </summary>
internal sealed record MultiLineTableView(string TypeName, string RowTypeName, IReadOnlyList<string> Labels, IReadOnlyList<string> Expressions)
{
    public static IReadOnlyList<MultiLineTableView> Read(IEnumerable<string> formatFiles)
    {
        var views = new List<MultiLineTableView>();
        foreach (var file in formatFiles)
        {
            foreach (var view in XDocument.Load(file).Descendants("View"))
            {
                var table = view.Element("TableControl");
                var typeName = view.Element("ViewSelectedBy")?.Element("TypeName")?.Value.Trim();
                var entry = table?.Element("TableRowEntries")?.Element("TableRowEntry");
                if (table is null || typeName is null || entry?.Element("Wrap") is null) continue;
                var items = entry.Element("TableColumnItems")?.Elements("TableColumnItem").ToList() ?? [];
                var headers = table.Element("TableHeaders")?.Elements("TableColumnHeader").ToList() ?? [];
                if (items.Count == 0 || headers.Count != items.Count) continue;
                var labels = new List<string>();
                var expressions = new List<string>();
                for (var i = 0; i < items.Count; i++)
                {
                    var property = items[i].Element("PropertyName")?.Value.Trim();
                    var script = items[i].Element("ScriptBlock")?.Value;
                    labels.Add(headers[i].Element("Label")?.Value.Trim() ?? property ?? $"Column{i + 1}");
                    expressions.Add(script ?? "$_.'" + System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(property ?? "") + "'");
                }
                views.Add(new(typeName, "GitOpsVela.Host.Rows." + typeName, labels, expressions));
            }
        }
        return views;
    }

    /// <summary>The generated single-line view of the row objects: same headers, sized to the content.</summary>
    public SessionStateFormatEntry RowFormat()
    {
        var builder = TableControl.Create(outOfBand: false, autoSize: true, hideTableHeaders: false);
        foreach (var label in Labels) builder.AddHeader(Alignment.Left, 0, label);
        var row = builder.StartRowDefinition();
        foreach (var label in Labels) row.AddPropertyColumn(label);
        var control = row.EndRowDefinition().EndTable();
        return new SessionStateFormatEntry(new ExtendedTypeDefinition(RowTypeName, [new FormatViewDefinition(RowTypeName, control)]));
    }

    /// <summary>
    /// The pipeline stage in front of Out-Default: objects of a multi-line view become one row object per line,
    /// everything else passes through. $views maps a type name to its row type, labels and column script blocks.
    /// </summary>
    public const string ExpandScript = """
        param($views)
        begin {
            # The module's multi-line cells cut long lines to their fixed column width for pwsh; rows are sized to fit.
            $GitOpsVelaFullCells = $true
        }
        process {
            $item = $_
            $view = $null
            if ($null -ne $item) { foreach ($name in $item.pstypenames) { if ($views.ContainsKey($name)) { $view = $views[$name]; break } } }
            if ($null -eq $view) { return $item }
            $columns = foreach ($block in $view.Blocks) {
                $text = [string](@($item | ForEach-Object $block) -join "`n")
                , ($text -replace "`r", '' -split "`n")
            }
            $count = 1
            foreach ($lines in $columns) { if ($lines.Count -gt $count) { $count = $lines.Count } }
            for ($r = 0; $r -lt $count; $r++) {
                $row = [pscustomobject]@{}
                for ($c = 0; $c -lt $view.Labels.Count; $c++) {
                    $lines = $columns[$c]
                    $row.psobject.Properties.Add([psnoteproperty]::new($view.Labels[$c], $(if ($r -lt $lines.Count) { $lines[$r] } else { '' })))
                }
                $row.pstypenames.Insert(0, $view.RowType)
                $row
            }
        }
        """;

    public static System.Collections.Hashtable ToVariable(IEnumerable<MultiLineTableView> views)
    {
        var table = new System.Collections.Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var view in views)
        {
            table[view.TypeName] = new System.Collections.Hashtable
            {
                ["RowType"] = view.RowTypeName,
                ["Labels"] = view.Labels.ToArray(),
                ["Blocks"] = view.Expressions.Select(ScriptBlock.Create).ToArray(),
            };
        }
        return table;
    }
}
