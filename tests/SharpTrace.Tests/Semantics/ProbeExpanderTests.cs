using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>Attach points expanded against the kit's tracepoints (syscalls:sys_enter_openat, sched:sched_process_exec).</summary>
public class ProbeExpanderTests
{
    private static (IReadOnlyList<ProbeSpec> Specs, IReadOnlyList<Diagnostic> Diagnostics) Expand(string script)
    {
        var tree = SyntaxTree.Parse(script);
        Assert.Empty(tree.Diagnostics);
        var diagnostics = new DiagnosticBag(tree.Source);
        var specs = new ProbeExpander(SemanticKit.Tracepoints, StandardBuiltins.Catalog.ProbeKinds, new SharpTrace.Kernel.Elf.DebugFileLocator()).Expand(tree.Root.Probes[0], diagnostics);
        return (specs, diagnostics.Items);
    }

    [Fact]
    public void WildcardsExpandToEveryMatchingTracepoint()
    {
        var (specs, diagnostics) = Expand("tracepoint:*:* { }");

        Assert.Empty(diagnostics);
        Assert.Equal(["tracepoint:sched:sched_process_exec", "tracepoint:syscalls:sys_enter_openat"], specs.Select(s => s.ToString()).Order());
    }

    [Theory]
    // '?' is itself, as in the newest bpftrace's probe matcher (bpftrace 0.17 has no '?' in attach points).
    [InlineData("tracepoint:syscalls:sys_enter_op?nat", "No matches for tracepoint syscalls:sys_enter_op?nat.")]
    [InlineData("tracepoint:sch?d:*", "No matches for tracepoint sch?d:*.")]
    public void AQuestionMarkInATracepointIsItself(string point, string message)
    {
        var (specs, diagnostics) = Expand(point + " { }");

        Assert.Empty(specs);
        Assert.Equal(message, Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void EveryAttachPointOfAProbeIsExpanded()
    {
        var (specs, diagnostics) = Expand("tracepoint:syscalls:sys_enter_*, tracepoint:sched:* { }");

        Assert.Empty(diagnostics);
        Assert.Equal(2, specs.Count);
        Assert.All(specs, s => Assert.Equal("tracepoint", s.Kind.Name));
    }

    // BPFTRACE_MAX_PROBES=2 bpftrace -e 'tracepoint:syscalls:sys_enter_openat, tracepoint:syscalls:sys_enter_close, BEGIN { exit(); }'
    //   ERROR: Can't attach to 3 probes because it exceeds the current limit of 2 probes. (BEGIN counts; 3 is allowed.)
    [Fact]
    public void AttachPointsAreCountedOverTheWholeProgramAgainstMaxProbes()
    {
        var (program, _) = SemanticKit.Bind("tracepoint:*:* { } BEGIN { }");
        var diagnostics = new DiagnosticBag(new SourceText(""));

        ProbeExpander.CheckProbeCount(program!.Probes, new ProgramConfig { MaxProbes = 3 }, diagnostics);
        Assert.Empty(diagnostics.Items);
        ProbeExpander.CheckProbeCount(program.Probes, new ProgramConfig { MaxProbes = 2 }, diagnostics);
        var error = Assert.Single(diagnostics.Items);
        Assert.True(error.IsError);
        Assert.Contains("(3 requested)", error.Message, StringComparison.Ordinal);
    }
}
