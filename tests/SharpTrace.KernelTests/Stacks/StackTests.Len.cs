using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Stacks;

/// <summary>
/// len() of stacks, as the newest bpftrace's stdlib has it (0.17 has no len() of a stack): the number of frames of a
/// stack taken here or of a stack value, checked against the frames the same run (or bpftrace 0.17) prints.
/// </summary>
public sealed partial class StackTests
{
    [Fact]
    public async Task LenOfAUstackIsItsNumberOfFrames()
    {
        var target = TestPrograms.PathOf("stack_chain");
        // The newest bpftrace's runtime test: $x = ustack(3); @ = len($x) prints @: 3.
        var script = $$"""uprobe:{{target}}:inner { $x = ustack(3); @three = len($x); @full = len(ustack); $u = ustack; @value = len($u); @[ustack] = count(); exit(); }""";
        var reference = await TraceStackChainAsync(BpftraceRun.Start(["-e", $$"""uprobe:{{target}}:inner { @[ustack] = count(); exit(); }"""]));
        var result = await TraceStackChainAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        var frames = StackOf(result.Stdout, "@");
        // main, outer, middle and inner at least: the walk through frame pointers stops in libc, as bpftrace's does.
        Assert.True(frames.Count >= 4, result.Stdout);
        Assert.Equal(StackOf(reference.Stdout, "@").Count, frames.Count);
        Assert.Contains("@three: 3\n", result.Stdout);
        Assert.Contains($"@full: {frames.Count}\n", result.Stdout);
        Assert.Contains($"@value: {frames.Count}\n", result.Stdout);
    }

    [Fact]
    public async Task LenOfAKstackIsItsNumberOfFrames()
    {
        const string script = OpenatProbe + " { @here = len(kstack); $s = kstack(2); @two = len($s); @[kstack] = len(kstack); exit(); }";
        var result = await TraceOpenerAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        var frames = StackOf(result.Stdout, "@");
        Assert.NotEmpty(frames);
        Assert.Matches(new Regex($@"\n\]: {frames.Count}\n"), result.Stdout);
        Assert.Contains($"@here: {frames.Count}\n", result.Stdout);
        Assert.Contains("@two: 2\n", result.Stdout);
    }
}
