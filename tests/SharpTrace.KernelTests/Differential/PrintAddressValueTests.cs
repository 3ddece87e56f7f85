using System.Diagnostics;
using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Differential;

/// <summary>
/// <c>print()</c> of values user space turns into text (<c>buf</c>, <c>ntop</c> of IPv4 and IPv6 addresses, <c>ksym</c>,
/// <c>usym</c>, <c>strftime</c>), and <c>*</c> through <c>&amp;</c> of variables holding them, on real events: a uprobe in a
/// test program and tracepoints the program causes (connect, the nanosleep timer). The whole stdout is compared, in
/// text and JSON, with what the newest bpftrace defines; bpftrace 0.17 runs the same script, and where it prints
/// otherwise (JSON of a buffer and of a timestamp) the test says so and docs/differences.md lists it.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PrintAddressValueTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // Both tools format timestamps in local time; one zone makes the expected text the same everywhere.
    private static readonly Dictionary<string, string> Utc = new() { ["TZ"] = "UTC" };

    // A moment value_target's stamp() gets as nanoseconds since boot: half a second into its second, so that
    // the tools' estimates of the boot time (microseconds apart) and the test's (/proc/uptime's hundredths) name the same second.
    private static readonly DateTimeOffset Moment = new(2030, 1, 2, 3, 4, 5, 500, TimeSpan.Zero);

    [Fact]
    public async Task BuffersAndInetAddressesFromRealEventsPrintAsTheReferencePrintsThem()
    {
        // net_target passes { 'h', 'i', 0, 1, 0x7f, 0xff, '"', '\\', '\n', 'z' } to buffer_sink, then connects a UDP
        // socket to 127.0.0.1 and one to ::1.
        var script = $$"""
            uprobe:{{TestPrograms.PathOf("net_target")}}:buffer_sink { print(buf(arg0, arg1)); print(buf(arg0, 3)); }
            tracepoint:syscalls:sys_enter_connect /comm == "net_target"/ {
              $sa = (struct sockaddr_in *)args->uservaddr;
              if ($sa->sin_family == 2) { print(ntop($sa->sin_addr.s_addr)); print(ntop(2, $sa->sin_addr.s_addr)); }
              else { $s6 = (struct sockaddr_in6 *)args->uservaddr; print(ntop($s6->sin6_addr.in6_u.u6_addr8)); exit(); }
            }
            """;

        var expectedText = await TraceNetTargetAsync(BpftraceRun.Start(["-e", script]));
        var actualText = await TraceNetTargetAsync(SharpTraceRun.Start(["-e", script]));
        var expectedJson = await TraceNetTargetAsync(BpftraceRun.Start(["-f", "json", "-e", script]));
        var actualJson = await TraceNetTargetAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        // Text, as both define it (util::hex_format_buffer: printable ASCII as it is, a backslash too, the rest \xNN).
        const string Text = "hi\\x00\\x01\\x7f\\xff\"\\\\x0az\nhi\\x00\n127.0.0.1\n127.0.0.1\n::1\n";
        // bpftrace 0.17 reads one perf buffer per CPU: the uprobe's and the tracepoints' records may come in either order.
        Assert.Equal(Sorted(Text + "\n\n"), Sorted(expectedText.Stdout));
        Assert.Equal((0, Text), (actualText.ExitCode, actualText.Stdout));

        // JSON: the newest writes a buffer as the array of its bytes as C chars, signed on x86-64 (output/json.cpp's
        // JsonEmitter<Primitive::Buffer>); bpftrace 0.17 wrote the text as a string. Addresses are strings in both.
        const string Addresses = """
            {"type": "value", "data": "127.0.0.1"}
            {"type": "value", "data": "127.0.0.1"}
            {"type": "value", "data": "::1"}

            """;
        Assert.Equal(Sorted("""
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": "hi\\x00\\x01\\x7f\\xff\"\\\\x0az"}
            {"type": "value", "data": "hi\\x00"}

            """ + Addresses), Sorted(WithoutEmptyLines(expectedJson.Stdout)));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [104,105,0,1,127,-1,34,92,10,122]}
            {"type": "value", "data": [104,105,0]}

            """ + Addresses), (actualJson.ExitCode, actualJson.Stdout));
    }

    [Fact]
    public async Task SymbolsAndATimestampFromRealEventsPrintAsTheReferencePrintsThem()
    {
        // value_target calls stamp(ns) with the nanoseconds the test passes, then nanosleep(), whose timer the kernel
        // arms with hrtimer_wakeup (mode 1: HRTIMER_MODE_REL; the tick's timer, armed while the program runs, is not).
        // The program waits until the tracer has exited, so user space still finds its symbols in /proc/PID/maps.
        var script = $$"""
            uprobe:{{TestPrograms.PathOf("value_target")}}:stamp { print(strftime("%Y-%m-%d %H:%M:%S", arg0)); print(usym(reg("ip"))); }
            tracepoint:timer:hrtimer_start /comm == "value_target" && args->mode == 1/ { print(ksym(args->function)); exit(); }
            """;

        var expectedText = await TraceValueTargetAsync(BpftraceRun.Start(["-e", script], Utc));
        var actualText = await TraceValueTargetAsync(SharpTraceRun.Start(["-e", script], Utc));
        var expectedJson = await TraceValueTargetAsync(BpftraceRun.Start(["-f", "json", "-e", script], Utc));
        var actualJson = await TraceValueTargetAsync(SharpTraceRun.Start(["-f", "json", "-e", script], Utc));

        const string Text = "2030-01-02 03:04:05\nstamp\nhrtimer_wakeup\n";
        Assert.Equal(Sorted(Text + "\n\n"), Sorted(expectedText.Stdout));
        Assert.Equal((0, Text), (actualText.ExitCode, actualText.Stdout));

        // JSON: the newest quotes a timestamp, a string like any (types_format.cpp formats it to std::string);
        // bpftrace 0.17 wrote it unquoted, which is not JSON.
        Assert.Equal(Sorted("""
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": 2030-01-02 03:04:05}
            {"type": "value", "data": "stamp"}
            {"type": "value", "data": "hrtimer_wakeup"}

            """), Sorted(WithoutEmptyLines(expectedJson.Stdout)));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": "2030-01-02 03:04:05"}
            {"type": "value", "data": "stamp"}
            {"type": "value", "data": "hrtimer_wakeup"}

            """), (actualJson.ExitCode, actualJson.Stdout));
    }

    [Fact]
    public async Task ThroughTheAddressOfAVariableAUsernameSymbolsAndAnAddressReadBackAsTheirText()
    {
        // The newest's runtime/variable "variable address with builtin" (`$b = &$a; printf("SUCCESS %s\n", *$b)` of a
        // username), on real events and for the other values user space names: `*` reads the variable's own type back.
        // bpftrace 0.17 has no `&` (a syntax error); the tests run as root.
        var script = $$"""
            uprobe:{{TestPrograms.PathOf("value_target")}}:stamp {
              $a = username; $b = &$a; printf("SUCCESS %s\n", *$b); print(*$b);
              $s = usym(reg("ip")); $ps = &$s; print(*$ps); @s = *$ps;
            }
            tracepoint:timer:hrtimer_start /comm == "value_target" && args->mode == 1/ {
              $k = ksym(args->function); $pk = &$k; print(*$pk); printf("%s\n", *$pk);
              $i = ntop(2, 0x0100007f); $pi = &$i; print((*$pi, *$pk));
              exit();
            }
            """;

        var text = await TraceValueTargetAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceValueTargetAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, "SUCCESS root\nroot\nstamp\nhrtimer_wakeup\nhrtimer_wakeup\n(127.0.0.1, hrtimer_wakeup)\n\n\n@s: stamp\n"),
            (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "SUCCESS root\n"}
            {"type": "value", "data": "root"}
            {"type": "value", "data": "stamp"}
            {"type": "value", "data": "hrtimer_wakeup"}
            {"type": "printf", "data": "hrtimer_wakeup\n"}
            {"type": "value", "data": ["127.0.0.1","hrtimer_wakeup"]}
            {"type": "map", "data": {"@s": "stamp"}}

            """), (json.ExitCode, json.Stdout));
    }

    private static async Task<RunResult> TraceNetTargetAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("net_target", "4242");
            // The IPv6 connect, the program's last event, calls exit().
            return await tool.WaitForExitAsync(Bound);
        }
    }

    /// <summary>Runs value_target once the tool attached, with <see cref="Moment"/> in nanoseconds since boot; ends it after the tool exited.</summary>
    private static async Task<RunResult> TraceValueTargetAsync(TracerProcess tool)
    {
        using (tool)
            return await TestPrograms.HoldWhileTracedAsync(tool, "value_target", NanosecondsSinceBoot(Moment).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// <paramref name="moment"/> as nanoseconds since the machine booted, the clock strftime's argument counts on:
    /// the boot time is now less /proc/uptime (CLOCK_BOOTTIME, in hundredths of a second).
    /// </summary>
    private static long NanosecondsSinceBoot(DateTimeOffset moment)
    {
        var now = DateTimeOffset.UtcNow;
        var uptime = decimal.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
        var boot = now.ToUnixTimeMilliseconds() * 1_000_000m - uptime * 1_000_000_000m;
        return (long)(moment.ToUnixTimeMilliseconds() * 1_000_000m - boot);
    }

    private static string[] Sorted(string stdout) => stdout.Split('\n').Order(StringComparer.Ordinal).ToArray();

    // bpftrace 0.17 starts its JSON exit section with two empty lines; DESIGN.md: ours has none.
    private static string WithoutEmptyLines(string stdout) =>
        string.Concat(stdout.Split('\n').Where(line => line.Length > 0).Select(line => line + "\n"));
}
