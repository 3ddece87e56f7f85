using SharpTrace.Kernel;

namespace SharpTrace.Semantics;

/// <summary>The probe being bound: its attach points, its variables, and what binding its body found out about it.</summary>
internal sealed class ProbeScope(IReadOnlyList<ProbeSpec> specs, TracepointFormat? tracepointFormat)
{
    public ProbeKind Kind => Specs[0].Kind;
    public IReadOnlyList<ProbeSpec> Specs { get; } = specs;
    /// <summary>The format of the first attach point when the probe is a tracepoint.</summary>
    public TracepointFormat? TracepointFormat { get; } = tracepointFormat;
    public Dictionary<string, VariableSymbol> Variables { get; } = new(StringComparer.Ordinal);
    /// <summary>Where the probe starts in the source: it names the probe's variables in <see cref="VariableTypeHints"/>.</summary>
    public int ProbeStart { get; init; }
    /// <summary>Variables declared by <c>let $x;</c> without a type: the first assignment decides it.</summary>
    public HashSet<VariableSymbol> UntypedVariables { get; } = [];

    /// <summary>
    /// The probe has several attach points and its body needs one program for each (it names <c>probe</c>, or
    /// arguments that differ between them).
    /// </summary>
    public bool NeedsProgramPerAttachPoint { get; set; }

    /// <summary>Why the probe cannot run on this machine though it type-checks (<see cref="BoundProbe.CannotRun"/>).</summary>
    public string? CannotRun { get; set; }

    /// <summary>The error the probe's compilation for this kernel stops at (<see cref="BoundProbe.CompileError"/>).</summary>
    public Syntax.Diagnostic? CompileError { get; set; }
}
