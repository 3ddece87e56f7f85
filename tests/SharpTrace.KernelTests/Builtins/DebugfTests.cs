using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// debugf() writes through bpf_trace_printk into the kernel's trace buffer: the test opens a missing file, and the
/// line with a marker unique to the run is looked for in /sys/kernel/tracing/trace (read without consuming it, so
/// other writers and readers of the buffer do not matter), with the opener's pid; bpftrace 0.17 running the
/// same script writes the same message. Our output stays empty in text and JSON, the reference's warning on stderr.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class DebugfTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private const string Path = "/nonexistent/sharptrace-debugf";

    private static string Script(string marker) => $$"""
        tracepoint:syscalls:sys_enter_openat /pid == {{Environment.ProcessId}} && str(args->filename) == "{{Path}}"/ {
          debugf("{{marker}} %d %s %x\n", pid, str(args->filename), 255); exit();
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheTraceBufferHasTheMessage(bool json)
    {
        var marker = "sharptrace-debugf-" + Guid.NewGuid().ToString("N");
        using var sharptrace = SharpTraceRun.Start([.. json ? new[] { "-f", "json" } : [], "-e", Script(marker)]);
        await sharptrace.WaitForAttachedAsync(Bound);
        Open();
        var result = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WARNING: The debugf() builtin is not recommended for production use. For more information see bpf_trace_printk in bpf-helpers(7).", result.Stderr);
        Assert.Empty(json ? JsonLines.NonEmpty(result.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)) : JsonLines.NonEmpty(result.Stdout));
        var line = TraceLine(marker);
        Assert.Equal($"{marker} {Environment.ProcessId} {Path} ff", Message(line));
    }

    [Fact]
    public async Task WritesWhatBpftrace017Writes()
    {
        var ours = "sharptrace-debugf-" + Guid.NewGuid().ToString("N");
        var theirs = "sharptrace-debugf-" + Guid.NewGuid().ToString("N");
        foreach (var (start, marker) in new (Func<string[], TracerProcess>, string)[] { (a => SharpTraceRun.Start(a), ours), (a => BpftraceRun.Start(a), theirs) })
        {
            using var tracer = start(["-e", Script(marker)]);
            await tracer.WaitForAttachedAsync(Bound);
            Open();
            Assert.Equal(0, (await tracer.WaitForExitAsync(Bound)).ExitCode);
        }

        Assert.Equal(Message(TraceLine(theirs)).Replace(theirs, "M", StringComparison.Ordinal),
            Message(TraceLine(ours)).Replace(ours, "M", StringComparison.Ordinal));
    }

    private static void Open()
    {
        try
        {
            using var _ = File.OpenRead(Path);
        }
        catch (DirectoryNotFoundException)
        {
            // the open the probe sees
        }
    }

    /// <summary>The trace buffer's line with the marker; the kernel may take a moment to make it readable.</summary>
    private static string TraceLine(string marker)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var line = File.ReadLines("/sys/kernel/tracing/trace").FirstOrDefault(l => l.Contains(marker, StringComparison.Ordinal));
            if (line is not null)
                return line;
            Thread.Sleep(100);
        }
        Assert.Fail($"no line with {marker} in /sys/kernel/tracing/trace");
        return "";
    }

    /// <summary>The text after "bpf_trace_printk: ", as the kernel formatted it.</summary>
    private static string Message(string line)
    {
        var match = Regex.Match(line, "bpf_trace_printk: (.*)$");
        Assert.True(match.Success, line);
        return match.Groups[1].Value.ToString(CultureInfo.InvariantCulture);
    }
}
