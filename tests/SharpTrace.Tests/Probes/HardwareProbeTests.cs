using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Probes;

/// <summary>
/// <c>hardware:EVENT[:COUNT]</c>: bpftrace's table of processor counters (src/probe_matcher.h, HW_PROBE_LIST, and the
/// event names of docs/language.md), resolved without a kernel, and listed as the newest bpftrace lists them.
/// </summary>
public class HardwareProbeTests
{
    [Theory]
    // Default periods from bpftrace's table; names as bpftrace spells them, aliases as it accepts them.
    [InlineData("hardware:cache-misses:1000", "cache-misses", 1000UL)]
    [InlineData("hardware:cache-misses:1e6", "cache-misses", 1_000_000UL)]
    [InlineData("h:cycles", "cpu-cycles", 1_000_000UL)]
    [InlineData("hardware:cpu-cycles:0x100", "cpu-cycles", 256UL)]
    [InlineData("h:branches", "branch-instructions", 100_000UL)]
    [InlineData("hardware:branch-misses", "branch-misses", 100_000UL)]
    [InlineData("hardware:bus-cycles", "bus-cycles", 100_000UL)]
    [InlineData("hardware:instructions", "instructions", 1_000_000UL)]
    [InlineData("hardware:ref-cycles:5", "ref-cycles", 5UL)]
    public void EventsResolveByNameOrAliasWithBpftracesDefaultPeriods(string point, string name, ulong period)
    {
        var spec = Assert.Single(ProbeSpecResolverTests.Resolve(point));

        Assert.Equal(("hardware", name, period), (spec.Kind.Name, spec.Target, spec.Period));
        Assert.Equal($"hardware:{name}:{period}", spec.ToString());
        Assert.Equal(BpfProgramType.PerfEvent, spec.Kind.ProgramType);
    }

    [Theory]
    // bpftrace 0.17's wordings (checked with `bpftrace -e`); it does not check the count, the last three are ours.
    [InlineData("⟦hardware:nosuch:100⟧", "nosuch is not a hardware probe")]
    [InlineData("⟦hardware:cycles:100:2⟧", "hardware probe type requires 1 or 2 arguments")]
    [InlineData("⟦hardware:cache-*:100⟧", "wildcards are not allowed for hardware probe type")]
    [InlineData("⟦h:cycles:0⟧", "hardware count must be a positive integer, not '0'")]
    [InlineData("⟦h:cycles:lots⟧", "hardware count must be a positive integer, not 'lots'")]
    [InlineData("⟦h:cycles:1e30⟧", "hardware count must be a positive integer, not '1e30'")]
    public void BadAttachPointGetsOneErrorOverIt(string annotated, string message)
    {
        var text = AnnotatedText.Parse(annotated);
        var (specs, diagnostics) = ProbeSpecResolverTests.ResolveWithDiagnostics(text.Text);

        Assert.Empty(specs);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((message, text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }

    [Fact]
    public void ContextOffersNoArgumentsReturnValueOrFunction()
    {
        var (_, diagnostics) = Bind("hardware:cycles { @[arg0] = count(); @r = retval; @f[func] = count(); }");

        Assert.Equal(3, diagnostics.Count(d => d.IsError));
    }

    [Fact]
    public void GeneralBuiltinsBind()
    {
        var (program, diagnostics) = Bind("h:cache-misses:1e6 { @[pid, comm, cpu] = count(); }");

        Assert.Empty(diagnostics);
        Assert.Equal("hardware:cache-misses:1000000", Assert.Single(Assert.Single(program!.Probes).AttachPoints).ToString());
    }

    [Fact]
    public void ListingShowsEveryEventAndAliasWithATrailingColonOnlyWhenNamed()
    {
        var listing = new ProbeListing(new FakeTracepoints(), _ => null, _ => null);
        var warnings = new List<string>();

        Assert.Equal(
        [
            "hardware:backend-stalls:", "hardware:branch-instructions:", "hardware:branch-misses:", "hardware:branches:",
            "hardware:bus-cycles:", "hardware:cache-misses:", "hardware:cache-references:", "hardware:cpu-cycles:",
            "hardware:cycles:", "hardware:frontend-stalls:", "hardware:instructions:", "hardware:ref-cycles:",
        ], listing.List("hardware:*", warnings.Add));
        Assert.Equal(["hardware:cache-misses:", "hardware:cache-references:"], listing.List("h:cache*", warnings.Add));
        Assert.Equal(["hardware:cycles:"], listing.List("hardware:cycles", warnings.Add));
        Assert.DoesNotContain(listing.List(null, warnings.Add), p => p.StartsWith("hardware", StringComparison.Ordinal));
        Assert.Empty(warnings);
    }

    private static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(string script) =>
        Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new FakeTracepoints());
}
