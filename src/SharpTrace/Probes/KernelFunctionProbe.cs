using System.Globalization;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Probes;

/// <summary>
/// What kprobe, kretprobe, fentry and fexit share: <c>KIND:[MODULE:]FUNCTION[+OFFSET]</c>, named as bpftrace names
/// them. The function is not looked up here: like bpftrace, a missing function (or a kernel without the probe
/// kind) is the attach stage's error, so scripts type-check on any kernel.
/// </summary>
internal abstract class KernelFunctionProbe : ProbeProvider
{
    /// <summary>Whether <c>FUNCTION+OFFSET</c> is accepted (kprobe only).</summary>
    protected virtual bool TakesOffset => false;

    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        if (point.Parts.Count is not (1 or 2) || point.Parts[^1].Length == 0)
        {
            resolution.Diagnostics.Error(point.Span, $"{Name} probes need a function: {Name}:[MODULE:]FUNCTION");
            return [];
        }
        var module = point.Parts.Count == 2 ? point.Parts[0] : "";
        var function = point.Parts[^1];
        if (!AttachPointText.TrySplitOffset(ref function, TakesOffset, point, resolution.Diagnostics, out var offset))
            return [];
        return [new ProbeSpec(this, module, function) { Offset = offset }];
    }

    /// <summary>kprobe:FUNC, kprobe:MODULE:FUNC, kprobe:FUNC+OFFSET.</summary>
    public override string Describe(ProbeSpec spec)
    {
        var module = spec.Target.Length > 0 ? spec.Target + ":" : "";
        var offset = spec.Offset != 0 ? "+" + spec.Offset.ToString(CultureInfo.InvariantCulture) : "";
        return $"{Name}:{module}{spec.Name}{offset}";
    }

    /// <summary>Why no probe of this kind can run on this machine, for <c>-l</c> and for scripts.</summary>
    protected abstract string UnavailableReason { get; }

    // bpftrace's kernel probe list shows these kinds; sharptrace cannot run them here, and says so.
    public override IEnumerable<string> List(string pattern, ListingMachine machine, Action<string> warning)
    {
        warning(UnavailableReason);
        return [];
    }
}
