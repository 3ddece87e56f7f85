namespace SharpTrace.Probes;

/// <summary>The kinds of probe SharpTrace knows; aliases such as <c>t</c> for tracepoint resolve to these.</summary>
internal enum ProbeKind { Begin, End, Tracepoint }

/// <summary>One concrete attach point after alias resolution and wildcard expansion.</summary>
internal sealed record ProbeSpec(ProbeKind Kind, string Target = "", string Name = "")
{
    public override string ToString() => Kind switch
    {
        ProbeKind.Begin => "BEGIN",
        ProbeKind.End => "END",
        ProbeKind.Tracepoint => $"tracepoint:{Target}:{Name}",
        _ => Kind.ToString(),
    };
}
