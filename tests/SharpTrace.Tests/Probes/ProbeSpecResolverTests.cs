using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Probes;

/// <summary>Attach points of every probe kind, resolved by its provider to concrete probes or to one error over the attach point.</summary>
public class ProbeSpecResolverTests
{
    [Theory]
    [InlineData("interval:s:2", "interval", 2_000_000_000UL, false)]
    [InlineData("interval:ms:100", "interval", 100_000_000UL, false)]
    [InlineData("i:us:50", "interval", 50_000UL, false)]
    [InlineData("interval:hz:5", "interval", 5UL, true)]
    [InlineData("profile:hz:99", "profile", 99UL, true)]
    [InlineData("p:ms:10", "profile", 10_000_000UL, false)]
    public void TimersResolveToAPeriodInNanosecondsOrAFrequency(string point, string kind, ulong period, bool isFrequency)
    {
        var spec = Assert.Single(Resolve(point));

        Assert.Equal((kind, period, isFrequency), (spec.Kind.Name, spec.Period, spec.IsFrequency));
        Assert.Equal(point.Replace("i:", "interval:").Replace("p:", "profile:"), spec.ToString());
    }

    [Theory]
    [InlineData("interval:1s", "interval:us:1000000", 1_000_000_000UL)]
    [InlineData("i:100ms", "interval:us:100000", 100_000_000UL)]
    [InlineData("profile:10us", "profile:us:10", 10_000UL)]
    [InlineData("interval:1000000", "interval:us:1000", 1_000_000UL)]
    [InlineData("interval:2500ns", "interval:us:2", 2_000UL)]
    [InlineData("interval:1m", "interval:us:60000000", 60_000_000_000UL)]
    public void ATimerOfOneDurationFiresEveryWholeMicrosecondsOfIt(string point, string name, ulong period)
    {
        // The newest bpftrace's reference: "interval:1s, interval:1000000000 and interval:s:1 are all equivalent";
        // its parser keeps whole microseconds and names the probe interval:us:N (bpftrace 0.17 has no such form).
        var spec = Assert.Single(Resolve(point));

        Assert.Equal((name, period, false), (spec.ToString(), spec.Period, spec.IsFrequency));
    }

    [Theory]
    [InlineData("software:page-faults:10", "page-faults", 10UL)]
    [InlineData("s:faults", "page-faults", 100UL)]
    [InlineData("software:cs", "context-switches", 1000UL)]
    [InlineData("software:cpu-clock", "cpu-clock", 1_000_000UL)]
    [InlineData("software:major-faults:0x10", "major-faults", 16UL)]
    public void SoftwareEventsResolveByNameOrAliasWithBpftracesDefaultPeriods(string point, string name, ulong period)
    {
        var spec = Assert.Single(Resolve(point));

        Assert.Equal(("software", name, period), (spec.Kind.Name, spec.Target, spec.Period));
        Assert.Equal($"software:{name}:{period}", spec.ToString());
    }

    [Theory]
    [InlineData("rawtracepoint:sched_switch", new[] { "sched_switch" })]
    [InlineData("rt:vmlinux:sys_enter", new[] { "sys_enter" })]
    [InlineData("rt:sched_*", new[] { "sched_switch", "sched_wakeup" })]
    public void RawTracepointsResolveAgainstTheKernelsList(string point, string[] names)
    {
        var specs = Resolve(point);

        Assert.Equal(names, specs.Select(s => s.Name));
        Assert.All(specs, s => Assert.Equal("rawtracepoint", s.Kind.Name));
    }

    [Theory]
    [InlineData("kprobe:do_sys_open", "kprobe", "", "do_sys_open", 0UL)]
    [InlineData("k:vfs_read+16", "kprobe", "", "vfs_read", 16UL)]
    [InlineData("kprobe:xfs:xfs_file_read_iter", "kprobe", "xfs", "xfs_file_read_iter", 0UL)]
    [InlineData("kr:inet_csk_accept", "kretprobe", "", "inet_csk_accept", 0UL)]
    [InlineData("kprobe:vfs_*", "kprobe", "", "vfs_*", 0UL)]
    [InlineData("kfunc:vfs_read", "fentry", "", "vfs_read", 0UL)]
    [InlineData("fr:vfs_read", "fexit", "", "vfs_read", 0UL)]
    public void KernelFunctionProbesResolveWithoutAskingTheKernel(string point, string kind, string module, string function, ulong offset)
    {
        // The function, and whether this kernel has the probe kind at all, is the attach stage's question.
        var spec = Assert.Single(Resolve(point));

        Assert.Equal((kind, module, function, offset), (spec.Kind.Name, spec.Target, spec.Name, spec.Offset));
    }

    [Theory]
    // Wordings of bpftrace 0.17 where it has one (checked with `bpftrace -e`), else our own.
    [InlineData("⟦interval:xs:1⟧", "xs is not an accepted unit of time")]
    // One part is a duration in the newest bpftrace (interval:1s); 0.17 said "profile probe type requires 2 arguments".
    [InlineData("⟦profile:hz⟧", "Invalid rate of profile probe: invalid integer: hz")]
    [InlineData("⟦interval:999⟧", "Invalid rate of interval probe. Minimum is 1000 or 1us. Found: 999 nanoseconds")]
    [InlineData("⟦interval⟧", "interval probe type requires 1 or 2 arguments, found 0")]
    [InlineData("⟦interval:ms:0⟧", "interval count must be a positive integer, not '0'")]
    [InlineData("⟦i:s:ten⟧", "interval count must be a positive integer, not 'ten'")]
    [InlineData("⟦software:foo:1⟧", "foo is not a software probe")]
    [InlineData("⟦s:faults:x⟧", "software count must be a positive integer, not 'x'")]
    // The newest bpftrace's wording for a point that matches nothing (0.17: "rawtracepoint not found: nosuch").
    [InlineData("⟦rawtracepoint:nosuch⟧", "No matches for rawtracepoint nosuch.")]
    [InlineData("⟦rt:nosuch*⟧", "No matches for rawtracepoint nosuch*.")]
    [InlineData("⟦tracepoint:syscalls:nonsense⟧", "No matches for tracepoint syscalls:nonsense.")]
    [InlineData("⟦t:nosuch*:x⟧", "No matches for tracepoint nosuch*:x.")]
    [InlineData("⟦self:signal:SIGUSR2⟧", "SIGUSR2 is not a supported signal")]
    [InlineData("⟦self:timer:SIGUSR1⟧", "timer is not a supported trigger")]
    [InlineData("⟦self:signal⟧", "self probe type requires 2 arguments, found 1")]
    [InlineData("⟦test:a:b⟧", "test probe type requires 1 arguments, found 2")]
    [InlineData("⟦bench:a:b⟧", "bench probe type requires 1 arguments, found 2")]
    // The newest bpftrace's watchpoint checks (attachpoint_passes.cpp), x86-64's modes.
    [InlineData("⟦watchpoint:0x1000:8⟧", "watchpoint probe type requires 3 arguments, found 2")]
    [InlineData("⟦w:0x1000:3:w⟧", "watchpoint length must be one of (1,2,4,8)")]
    [InlineData("⟦w:0x1000:8:rx⟧", "invalid watchpoint mode: rx (supported modes: rw,w,x)")]
    [InlineData("⟦w:0x1000:8:q⟧", "watchpoint mode must be combination of (r,w,x)")]
    [InlineData("⟦w:func+arg1:8:w⟧", "Invalid function/address argument: func+arg1 is not an address")]
    // Dropped by the newest bpftrace (its "feature: drop asyncwatchpoint and watchpoint:func+arg1"): an unknown provider there.
    [InlineData("⟦asyncwatchpoint:increment+arg1:4:w⟧", "Invalid probe type: asyncwatchpoint")]
    [InlineData("⟦aw:increment+arg1:4:w⟧", "Invalid probe type: aw")]
    [InlineData("⟦nosuch:a:b⟧", "Invalid probe type: nosuch")]
    [InlineData("⟦uprobe:/nonexistent/binary:main⟧", "uprobe target file '/nonexistent/binary' does not exist or is not executable")]
    [InlineData("⟦uprobe:/bin/sh⟧", "uprobe probes need a binary and a function: uprobe:/path/to/binary:function")]
    [InlineData("⟦kprobe:⟧", "kprobe probes need a function: kprobe:[MODULE:]FUNCTION")]
    [InlineData("⟦kretprobe:vfs_read+8⟧", "Offset not allowed")]
    [InlineData("⟦kprobe:vfs_read+x⟧", "Invalid offset: x")]
    [InlineData("⟦fentry:a:b:c⟧", "fentry probes need a function: fentry:[MODULE:]FUNCTION")]
    [InlineData("⟦hardware:nosuch⟧", "nosuch is not a hardware probe")]
    [InlineData("⟦usdt:/bin/sh⟧", "usdt probe type requires 2 or 3 arguments")]
    [InlineData("⟦usdt:/nonexistent/binary:probe⟧", "usdt target file '/nonexistent/binary' does not exist or is not executable")]
    public void BadOrUnavailableAttachPointGetsOneErrorOverIt(string annotated, string message)
    {
        var text = AnnotatedText.Parse(annotated);
        var (specs, diagnostics) = ResolveWithDiagnostics(text.Text);

        Assert.Empty(specs);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal((message, text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }

    internal static IReadOnlyList<ProbeSpec> Resolve(string point, ProgramConfig? config = null)
    {
        var (specs, diagnostics) = ResolveWithDiagnostics(point, config);
        Assert.Empty(diagnostics);
        return specs;
    }

    internal static (IReadOnlyList<ProbeSpec> Specs, IReadOnlyList<Diagnostic> Diagnostics) ResolveWithDiagnostics(string point, ProgramConfig? config = null)
    {
        var tree = SyntaxTree.Parse(point + " { }");
        Assert.Empty(tree.Diagnostics);
        var diagnostics = new DiagnosticBag(tree.Source);
        var resolution = new ProbeResolution(new FakeTracepoints(), diagnostics, [], config);
        var specs = StandardBuiltins.Catalog.ProbeKinds.Resolve(tree.Root.Probes[0].AttachPoints[0], resolution).ToList();
        return (specs, diagnostics.Items);
    }
}
