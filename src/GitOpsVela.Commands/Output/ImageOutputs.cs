namespace GitOpsVela.Commands.Output;

/// <summary>One tag of an image, as a policy sees it (Get-VelaImageTag).</summary>
public sealed class VelaImageTag
{
    internal VelaImageTag(string image, Engine.Images.TagEvaluation evaluation)
    {
        Image = image;
        Tag = evaluation.Tag;
        Value = evaluation.Value;
        Passed = evaluation.Verdict == Engine.Images.TagVerdict.Passed;
        Verdict = evaluation.Verdict.ToString();
        Reason = evaluation.Reason;
        Selected = evaluation.Selected;
    }

    public string Image { get; }
    public string Tag { get; }

    /// <summary>What the tag ranks by (after filterTags.extract).</summary>
    public string? Value { get; }

    public bool Passed { get; }

    /// <summary>Passed, FilteredOut, ExtractFailed, NotAVersion, OutOfRange or LowerThanCurrent.</summary>
    public string Verdict { get; }

    public string Reason { get; }

    /// <summary>True for the tag the policy picks.</summary>
    public bool Selected { get; }

    public override string ToString() => $"{Image}:{Tag}";
}

/// <summary>One marked value Update-VelaImageTag changes (or would change, with -WhatIf).</summary>
public sealed class VelaImageUpdate
{
    internal VelaImageUpdate(Engine.Images.ImageEdit edit, string? commit)
    {
        File = edit.File;
        Line = edit.Line;
        Old = edit.Old;
        New = edit.New;
        Policy = edit.Policy;
        Commit = commit;
    }

    public string File { get; }
    public int Line { get; }
    public string Old { get; }
    public string New { get; }

    /// <summary>The marker's policy, <c>&lt;namespace&gt;:&lt;name&gt;</c>.</summary>
    public string Policy { get; }

    /// <summary>The commit that carries the change (null with -WhatIf or without a commit).</summary>
    public string? Commit { get; }

    public override string ToString() => $"{File}:{Line} {Old} -> {New}";
}
