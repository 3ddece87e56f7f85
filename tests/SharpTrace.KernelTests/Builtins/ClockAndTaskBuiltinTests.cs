using System.Diagnostics;
using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// pid/tid in both namespaces, username, pcomm, probetype, jiffies, numaid and nsecs of each clock, read when a test
/// program started by sh opens a file, checked against independent sources: the pid sh reports, the test's own user,
/// /proc/timer_list, /sys's NUMA nodes, and the clocks read before and after; in text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ClockAndTaskBuiltinTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private const string Script = """
        tracepoint:syscalls:sys_enter_openat /comm == "opener" && str(args->filename) == "/nonexistent/sharptrace-ids"/ {
          printf("%d %d %d %d|%s|%s|%s|%llu %d|%llu %llu %llu\n", pid, pid(init), tid(curr_ns), tid(init), username, pcomm,
            probetype, jiffies, numaid, nsecs(boot), nsecs(monotonic), nsecs(tai));
          exit();
        }
        """;

    [Fact]
    public async Task ValuesMatchTheProcessTheUserAndTheClocks()
    {
        using var sharptrace = SharpTraceRun.Start(["-e", Script]);
        await sharptrace.WaitForAttachedAsync(Bound);
        var before = Clocks.Read();
        var openerPid = await OpenUnderShellAsync();
        var after = Clocks.Read();
        var result = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        var fields = result.Stdout.TrimEnd('\n').Split('|');
        Assert.Equal(6, fields.Length);
        Assert.Equal($"{openerPid} {openerPid} {openerPid} {openerPid}", fields[0]);
        Assert.Equal(Environment.UserName, fields[1]);
        Assert.Equal("sh", fields[2]);
        Assert.Equal("tracepoint", fields[3]);
        var (jiffies, numa) = (ulong.Parse(fields[4].Split(' ')[0], CultureInfo.InvariantCulture), fields[4].Split(' ')[1]);
        Assert.InRange(jiffies, before.Jiffies, after.Jiffies);
        Assert.Contains(numa, OnlineNumaNodes());
        var times = fields[5].Split(' ').Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        // /proc/uptime (CLOCK_BOOTTIME) has hundredths of a second.
        Assert.InRange(times[0], before.BootNs - 10_000_000, after.BootNs + 10_000_000);
        Assert.InRange(times[1], before.MonotonicNs, after.MonotonicNs);
        // CLOCK_TAI is the real time plus the kernel's TAI offset (0 until set, 37 s where NTP sets it).
        Assert.InRange(times[2], before.RealtimeNs, after.RealtimeNs + 38_000_000_000);
    }

    [Fact]
    public async Task JsonHasTheValues()
    {
        var script = """
            tracepoint:syscalls:sys_enter_openat /comm == "opener" && str(args->filename) == "/nonexistent/sharptrace-ids"/ {
              @ids = (pid, pid(init), tid(init)); @who[username, pcomm] = 1; @type = probetype; exit();
            }
            """;
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", script]);
        await sharptrace.WaitForAttachedAsync(Bound);
        var openerPid = await OpenUnderShellAsync();
        var result = await sharptrace.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        Assert.Equal(
        [
            $$$"""{"type": "map", "data": {"@ids": [{{{openerPid}}},{{{openerPid}}},{{{openerPid}}}]}}""",
            """{"type": "map", "data": {"@type": "tracepoint"}}""",
            "{\"type\": \"map\", \"data\": {\"@who\": {\"" + Environment.UserName + ",sh\": 1}}}",
        ], JsonLines.NonEmpty(result.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    /// <summary>Runs the opener as a child of sh (so its parent's name is "sh") and returns its pid, as sh reports it.</summary>
    private static async Task<int> OpenUnderShellAsync()
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", "\"$0\" \"$1\" & echo $!; wait $!", TestPrograms.PathOf("opener"), "/nonexistent/sharptrace-ids" })
            start.ArgumentList.Add(arg);
        using var shell = Process.Start(start)!;
        var output = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync();
        return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }

    private static IReadOnlyList<string> OnlineNumaNodes()
    {
        const string online = "/sys/devices/system/node/online";
        if (!File.Exists(online))
            return ["0"]; // a kernel without NUMA support has the one node 0
        return File.ReadAllText(online).Trim().Split(',')
            .SelectMany(range => range.Split('-') is [var first, var last]
                ? Enumerable.Range(int.Parse(first, CultureInfo.InvariantCulture), int.Parse(last, CultureInfo.InvariantCulture) - int.Parse(first, CultureInfo.InvariantCulture) + 1)
                : [int.Parse(range, CultureInfo.InvariantCulture)])
            .Select(n => n.ToString(CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>The clocks as user space reads them: jiffies from /proc/timer_list, boot time from /proc/uptime.</summary>
    private sealed record Clocks(ulong Jiffies, long BootNs, long MonotonicNs, long RealtimeNs)
    {
        public static Clocks Read()
        {
            // Stopwatch reads CLOCK_MONOTONIC on Linux, in nanoseconds.
            var monotonic = Stopwatch.GetTimestamp() * (1_000_000_000 / Stopwatch.Frequency);
            var realtime = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
            var uptime = decimal.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
            var jiffies = File.ReadLines("/proc/timer_list").First(l => l.StartsWith("jiffies:", StringComparison.Ordinal));
            return new Clocks(ulong.Parse(jiffies["jiffies:".Length..].Trim(), CultureInfo.InvariantCulture),
                (long)(uptime * 1_000_000_000), monotonic, realtime);
        }
    }
}
