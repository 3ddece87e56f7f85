namespace SharpTrace.KernelTests.Support;

/// <summary>
/// The differential checks most kernel tests share: one script under bpftrace 0.17 and under sharptrace (which may
/// run a variant of it, e.g. with map declarations 0.17 cannot parse), stdout compared.
/// </summary>
public static class AgainstBpftrace
{
    /// <summary>Text: both exit 0 and sharptrace's stdout is bpftrace's.</summary>
    public static async Task AssertTextMatchesAsync(string script, string? ourScript = null)
    {
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", ourScript ?? script]);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    /// <summary>
    /// JSON: both exit 0, the same lines once bpftrace's empty ones are dropped, and every line of ours a JSON object.
    /// Returns bpftrace's run for checks of its own.
    /// </summary>
    public static async Task<RunResult> AssertJsonLinesMatchAsync(string script, string? ourScript = null)
    {
        var expected = await BpftraceRun.RunAsync(["-f", "json", "-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-f", "json", "-e", ourScript ?? script]);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(0, actual.ExitCode);
        Assert.Equal(JsonLines.NonEmpty(expected.Stdout), JsonLines.NonEmpty(actual.Stdout));
        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        return expected;
    }
}
