using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SharpTrace.Kernel;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Stacks;

/// <summary>
/// kstack, ustack, ksym, kaddr and func on the real kernel. Kernel stacks come from openat() system calls of
/// tests/programs/opener (a syscall tracepoint runs on the syscall entry path); user stacks from a uprobe in
/// tests/programs/stack_chain, which calls main → outer → middle → inner and stays alive until its stdin closes,
/// so its frames can still be named when the maps are printed.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class StackTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private const string OpenatProbe = """tracepoint:syscalls:sys_enter_openat /comm == "opener"/""";

    [Fact]
    public async Task KstackKeyedCountShowsTheSyscallEntryPath()
    {
        var result = await TraceOpenerAsync(SharpTraceRun.Start(["-e", OpenatProbe + " { @[kstack] = count(); exit(); }"]));

        Assert.Equal(0, result.ExitCode);
        var stack = FirstKeyStack(result.Stdout);
        // This kernel enters system calls through entry_SYSCALL_64 and do_syscall_64; the tracepoint fires in
        // syscall_trace_enter, which calls perf_syscall_enter for perf and BPF consumers.
        Assert.Contains(stack, frame => DoSyscall().IsMatch(frame));
        Assert.Contains(stack, frame => frame.StartsWith("    entry_SYSCALL_64", StringComparison.Ordinal));
        Assert.All(stack, frame => Assert.Matches(BpftraceFrame(), frame));
    }

    [Fact]
    public async Task KstackKeysMatchBpftrace()
    {
        const string script = OpenatProbe + " { @a[kstack] = count(); @b[kstack(3)] = count(); exit(); }";
        var expected = await TraceOpenerAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceOpenerAsync(SharpTraceRun.Start(["-e", script]));

        // Counts depend on how many openat calls each tool saw before exit() took effect; the stacks do not.
        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(0, actual.ExitCode);
        Assert.NotEmpty(Keys(expected.Stdout));
        Assert.Equal(Keys(expected.Stdout), Keys(actual.Stdout));
    }

    [Fact]
    public async Task KstackKeysInJsonMatchBpftrace()
    {
        const string script = OpenatProbe + " { @[kstack(4)] = count(); exit(); }";
        var expected = await TraceOpenerAsync(BpftraceRun.Start(["-f", "json", "-e", script]));
        var actual = await TraceOpenerAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        Assert.Equal(JsonMapKeys(expected.Stdout), JsonMapKeys(actual.Stdout));
        Assert.All(JsonMapKeys(actual.Stdout), key => Assert.StartsWith("\n    ", key));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task AnEmptyKernelStackPrintsAsAnEmptyKeyAsInBpftrace(string format)
    {
        // A task busy in user space has no kernel stack when the profile timer samples it: bpftrace prints @[]: N.
        using var busy = Process.Start("sh", ["-c", "while :; do :; done"])!;
        try
        {
            var script = $"profile:hz:99 /pid == {busy.Id}/ {{ @[kstack] = count(); }} interval:ms:700 {{ exit(); }}";
            var expected = await BpftraceRun.RunAsync(["-f", format, "-e", script]);
            var actual = await SharpTraceRun.RunAsync(["-f", format, "-e", script]);

            foreach (var result in new[] { expected, actual })
            {
                Assert.Equal(0, result.ExitCode);
                if (format == "text")
                    Assert.Matches(new Regex(@"^@\[\]: \d+$", RegexOptions.Multiline), result.Stdout);
                else
                {
                    // A sample that caught the task in the kernel (an interrupt, a page fault) has a stack of its own.
                    using var map = JsonDocument.Parse(result.Stdout.Split('\n').First(l => l.Contains("\"map\"")));
                    Assert.True(map.RootElement.GetProperty("data").GetProperty("@").TryGetProperty("", out var count) && count.GetInt64() > 0,
                        result.Stdout);
                }
            }
        }
        finally
        {
            busy.Kill();
        }
    }

    [Fact]
    public async Task PerfAndRawModesPrintTheSameAddressesAsKallsymsNames()
    {
        const string script = OpenatProbe + " { @p[kstack(perf)] = count(); @r[kstack(raw)] = count(); exit(); }";
        var result = await TraceOpenerAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        var perf = StackOf(result.Stdout, "@p");
        var raw = StackOf(result.Stdout, "@r");
        Assert.All(perf, frame => Assert.Matches(PerfFrame(), frame));
        Assert.All(raw, frame => Assert.Matches(RawFrame(), frame));
        Assert.Equal(raw, perf.Select(f => PerfFrame().Match(f).Groups["address"].Value));

        // Every perf frame names the symbol kallsyms has at or below its address, with the decimal offset.
        var kallsyms = Kallsyms.Load();
        foreach (var frame in perf)
        {
            var match = PerfFrame().Match(frame);
            var address = ulong.Parse(match.Groups["address"].Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            var (name, offset) = kallsyms.Resolve(address)!.Value;
            Assert.Equal($"{name}+{offset}", match.Groups["symbol"].Value);
        }
    }

    [Fact]
    public async Task StackModeConfigAppliesToBareKstack()
    {
        const string script = "config = { stack_mode = raw } " + OpenatProbe + " { @[kstack] = count(); exit(); }";
        var result = await TraceOpenerAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        Assert.All(FirstKeyStack(result.Stdout), frame => Assert.Matches(RawFrame(), frame));
    }

    [Fact]
    public async Task PrintfOfKstackIndentsByEightAndKsymNamesKaddr()
    {
        const string script = OpenatProbe + """ { printf("%s|%s\n", kstack(1), ksym(kaddr("do_syscall_64"))); exit(); }""";
        var result = await TraceOpenerAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        // bpftrace 0.17 printed "\n        perf_syscall_enter+475\n|do_syscall_64\n" for the same script.
        Assert.Matches(@"^\n {8}[A-Za-z_][\w.]*\+\d+\n\|do_syscall_64\n", result.Stdout);
    }

    [Fact]
    public async Task DereferencedKaddrReadsKernelMemoryAsBpftraceDoes()
    {
        // __start_rodata is one of the few data symbols this kernel's kallsyms lists; *integer is a 64-bit read.
        const string script = """BEGIN { $a = kaddr("__start_rodata"); printf("%lx %lx\n", *$a, *($a + 4)); exit(); }""";
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Matches(@"^[0-9a-f]+ [0-9a-f]+\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout.TrimEnd('\n') + "\n"), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task KaddrOfASymbolTheKernelDoesNotListTypeChecksAndFailsTheRunAtTheCall()
    {
        // loads.bt reads avenrun, a data symbol kallsyms lists only with CONFIG_KALLSYMS_ALL (not on this kernel).
        const string script = """BEGIN { printf("begun\n"); } interval:s:1 { $a = kaddr("avenrun"); @ = *$a; }""";
        Assert.DoesNotContain(" avenrun\n", await File.ReadAllTextAsync("/proc/kallsyms"));

        var types = await SharpTraceRun.RunAsync(["-d", "types", "-e", script]);
        var run = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal((0, ""), (types.ExitCode, types.Stderr));
        // The newest bpftrace's code generator reports it at the call (runtime/basic "kaddr fails"), nothing attached.
        Assert.Equal((1, "", "stdin:1:50-66: ERROR: Failed to resolve kernel symbol: avenrun\n" + script + "\n" + new string(' ', 49) + new string('~', 16) + "\n"),
            (run.ExitCode, run.Stdout, run.Stderr));
    }

    [Fact]
    public async Task UstackInAUprobeNamesTheCallChain()
    {
        var target = TestPrograms.PathOf("stack_chain");
        var script = $$"""uprobe:{{target}}:inner { @[ustack] = count(); @p[ustack(perf, 2)] = count(); @f[func] = count(); exit(); }""";
        var result = await TraceStackChainAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        var frames = StackOf(result.Stdout, "@");
        Assert.True(frames.Count >= 4, result.Stdout);
        Assert.Equal(["    inner+0", "middle", "outer", "main"], [frames[0], .. frames.Skip(1).Take(3).Select(f => SymbolName(f.Trim()))]);
        Assert.All(StackOf(result.Stdout, "@p"), frame => Assert.EndsWith($" ({target})", frame));
        Assert.Contains("@f[inner]: 1\n", result.Stdout);
    }

    [Fact]
    public async Task UstackFramesInTheProgramMatchBpftrace()
    {
        var target = TestPrograms.PathOf("stack_chain");
        var script = $$"""uprobe:{{target}}:inner { @[ustack] = count(); exit(); }""";
        var expected = await TraceStackChainAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceStackChainAsync(SharpTraceRun.Start(["-e", script]));

        // The frames in stack_chain itself are named the same; bpftrace names the libc frame below main through
        // symbols this machine's stripped libc does not have, so only the first four frames are compared.
        Assert.Equal(StackOf(expected.Stdout, "@").Take(4), StackOf(actual.Stdout, "@").Take(4));
    }

    /// <summary>Starts tracing, runs opener once when attached, and waits for the tracer to exit by itself.</summary>
    private static async Task<RunResult> TraceOpenerAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("opener", "/nonexistent-sharptrace-stack-test");
            return await tool.WaitForExitAsync(Bound);
        }
    }

    /// <summary>Starts tracing, runs stack_chain when attached, keeps it alive until the tracer exited, then ends it.</summary>
    internal static async Task<RunResult> TraceStackChainAsync(TracerProcess tool)
    {
        using (tool)
            return await TestPrograms.HoldWhileTracedAsync(tool, "stack_chain");
    }

    /// <summary>The frame lines of the first stack key in text output (<c>@[</c> … <c>]: N</c>).</summary>
    private static List<string> FirstKeyStack(string stdout) => StackOf(stdout, stdout[stdout.IndexOf('@')..stdout.IndexOf('[')]);

    /// <summary>The frame lines of the first key of map <paramref name="map"/> in text output.</summary>
    private static List<string> StackOf(string stdout, string map)
    {
        var start = stdout.IndexOf("\n" + map + "[\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no stack key of {map} in:\n{stdout}");
        start += map.Length + 3;
        var end = stdout.IndexOf("]: ", start, StringComparison.Ordinal);
        return stdout[start..end].Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>The keys of every map in text output: everything between <c>[</c> and <c>]: </c>.</summary>
    private static SortedSet<string> Keys(string stdout) =>
        new(TextKey().Matches(stdout).Select(m => m.Groups["key"].Value), StringComparer.Ordinal);

    private static SortedSet<string> JsonMapKeys(string stdout)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var line in JsonLines.NonEmpty(stdout))
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.GetProperty("type").GetString() != "map")
                continue;
            foreach (var map in document.RootElement.GetProperty("data").EnumerateObject())
                foreach (var entry in map.Value.EnumerateObject())
                    keys.Add(entry.Name);
        }
        return keys;
    }

    private static string SymbolName(string frame) => frame[..frame.LastIndexOf('+')];

    [GeneratedRegex(@"^    do_syscall_64\+\d+$")]
    private static partial Regex DoSyscall();

    [GeneratedRegex(@"^    \S+\+\d+$")]
    private static partial Regex BpftraceFrame();

    [GeneratedRegex(@"^\t(?<address>[0-9a-f]+) (?<symbol>\S+\+\d+)$")]
    private static partial Regex PerfFrame();

    [GeneratedRegex(@"^[0-9a-f]+$")]
    private static partial Regex RawFrame();

    [GeneratedRegex(@"\[(?<key>\n[^\]]*)\]: ")]
    private static partial Regex TextKey();
}
