using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// What the probes send after exit() is discarded, as in bpftrace, so records the ring buffer refuses after it are not
/// "lost": exit() sets a flag in the kernel and the probes stop counting refused records once it is set. Records
/// refused before exit() are still reported. BEGIN blocks run one after another, before user space reads the ring
/// buffer, so a one-page buffer and a second BEGIN sending 400 records lose some of them every time.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class LostAfterExitTests : KernelTest
{
    private const string Flood = "begin { $i = 0; while ($i < 400) { printf(\"%d\\n\", $i); $i++; } }";
    private const string Exit = "begin { printf(\"a\\n\"); exit(); }";

    [Fact]
    public async Task RecordsRefusedAfterExitAreNotReportedLost()
    {
        var script = $"config = {{ perf_rb_pages = 1 }} {Exit} {Flood}";

        var text = await SharpTraceRun.RunAsync(["-e", script]);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Equal("a\n", text.Stdout);

        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);
        Assert.True(json.ExitCode == 0, json.Stderr);
        Assert.Equal("""
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "a\n"}

            """.ReplaceLineEndings("\n"), json.Stdout);
    }

    [Fact]
    public async Task RecordsRefusedBeforeExitAreStillReportedLost()
    {
        var script = $"config = {{ perf_rb_pages = 1 }} {Flood} {Exit}";

        var text = await SharpTraceRun.RunAsync(["-e", script]);
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Matches(new Regex(@"\nLost [1-9][0-9]* events\n$"), text.Stdout);
        Assert.StartsWith("0\n1\n2\n", text.Stdout, StringComparison.Ordinal);
    }
}
