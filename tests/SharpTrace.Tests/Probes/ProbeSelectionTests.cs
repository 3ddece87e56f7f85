using SharpTrace.Semantics;

namespace SharpTrace.Tests.Probes;

/// <summary>
/// Which probes a run keeps: the <c>missing_probes</c> config (an attach point that matches nothing is an error, or
/// skipped with bpftrace's warnings, or skipped silently) and <c>--probe-filter</c> (<see cref="TraceProgram.WithProbeFilter"/>).
/// Messages are the newest bpftrace's (ap_probe_expansion.cpp, probe_prune.cpp).
/// </summary>
public sealed class ProbeSelectionTests
{
    private const string Missing = "tracepoint:syscalls:nonsense { } tracepoint:syscalls:sys_enter_getpid { }";

    private static CompileResult Compile(string source, ProgramConfig? config = null) =>
        TraceScript.Compile(source, new FakeTracepoints(), new CompileOptions { Config = config ?? new ProgramConfig() });

    [Fact]
    public void APointThatMatchesNothingIsAnErrorByDefault()
    {
        var result = Compile(Missing);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(("No matches for tracepoint syscalls:nonsense.", true), (error.Message, error.IsError));
    }

    [Fact]
    public void WarnSkipsThePointAndDropsTheProbeLeftWithoutOne()
    {
        var result = Compile("config = { missing_probes = \"warn\" } " + Missing);

        Assert.True(result.Success);
        Assert.Equal(["tracepoint:syscalls:sys_enter_getpid"], result.Program.ProbeNames);
        Assert.Equal(
            ["No matches for tracepoint syscalls:nonsense. Skipping.",
             "Probe has no valid attach points. It is being removed which may cause issues with program behavior."],
            result.Diagnostics.Select(d => d.Message));
        Assert.All(result.Diagnostics, d => Assert.False(d.IsError));
    }

    [Fact]
    public void WarnKeepsAProbeWithAnotherPoint()
    {
        var result = Compile("config = { missing_probes = warn } tracepoint:syscalls:nonsense, tracepoint:syscalls:sys_enter_getpid { }");

        Assert.Equal(["tracepoint:syscalls:sys_enter_getpid"], result.Program!.ProbeNames);
        Assert.Equal("No matches for tracepoint syscalls:nonsense. Skipping.", Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public void IgnoreSkipsSilentlyAndTheEnvironmentSetsItToo()
    {
        var config = new ProgramConfig().WithEnvironment(new Dictionary<string, string> { ["BPFTRACE_MISSING_PROBES"] = "ignore" }, out var error);
        Assert.Null(error);

        var result = Compile(Missing, config);

        Assert.Equal(("ignore", 0), (config!.MissingProbes, result.Diagnostics.Count));
        Assert.Equal(["tracepoint:syscalls:sys_enter_getpid"], result.Program!.ProbeNames);
    }

    [Fact]
    public void ProbeFilterKeepsMatchingPointsAndTheSpecialProbes()
    {
        var program = Compile("BEGIN { } tracepoint:syscalls:sys_enter_getpid { } self:signal:SIGUSR1 { } END { }").Program!;

        Assert.Equal(["begin", "self:signal:SIGUSR1", "end"], program.WithProbeFilter(new("nosuch")).ProbeNames);
        Assert.Equal(["begin", "tracepoint:syscalls:sys_enter_getpid", "self:signal:SIGUSR1", "end"],
            program.WithProbeFilter(new("enter_get")).ProbeNames);
        Assert.Equal(4, program.ProbeNames.Count);
    }
}
