using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Stacks;

/// <summary>
/// Whole user stacks without frame pointers (<c>dw_ustack</c>) and JIT frames named through perf maps.
/// tests/programs/cfi_chain is built with -O2 -fomit-frame-pointer; it prints the return addresses glibc's
/// backtrace() finds (an unwinder of its own, libgcc's, reading the same .eh_frame) in leaf and in the first
/// compare_ints qsort calls, which the stacks a uprobe on them unwinds must equal, frame for frame.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class UnwindingTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task DwUstackUnwindsAProgramWithoutFramePointersAsBacktraceDoes()
    {
        var target = TestPrograms.PathOf("cfi_chain");
        var script = $$"""uprobe:{{target}}:leaf { printf("%s\n", dw_ustack(raw)); @[dw_ustack] = count(); @fp[ustack] = count(); exit(); }""";
        var (result, program) = await TraceCfiChainAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        // backtrace() ran in print_backtrace, called by leaf: its frames 0 and 1 are in those two; from frame 2 on
        // they are leaf's callers, whose return addresses the uprobe at leaf's entry unwinds after leaf itself.
        var expected = Backtrace(program, "leaf").Skip(2).ToList();
        var unwound = RawFrames(result.Stdout);
        Assert.True(expected.Count >= 6, program);
        Assert.Equal(expected, unwound.Skip(1).ToList());
        var names = StackKey(result.Stdout, "@").Select(Name).ToList();
        Assert.Equal(["leaf", "level3", "level2", "level1", "main"], names.Take(5));
        Assert.Equal(expected.Count + 1, names.Count);
        // The frame-pointer walk stops at once in this program: why dw_ustack exists.
        Assert.True(StackKey(result.Stdout, "@fp").Count < 3, result.Stdout);
    }

    [Fact]
    public async Task DwUstackUnwindsThroughLibcFromAQsortCallback()
    {
        var target = TestPrograms.PathOf("cfi_chain");
        var script = $$"""uprobe:{{target}}:compare_ints /@n == 0/ { @n = 1; printf("%s\n", dw_ustack(raw)); @[dw_ustack] = count(); exit(); }""";
        var (result, program) = await TraceCfiChainAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        var expected = Backtrace(program, "compare_ints").Skip(2).ToList();
        Assert.Equal(expected, RawFrames(result.Stdout).Skip(1).ToList());
        // compare_ints, qsort's frames in libc (named where its .dynsym has a sized symbol), then the program again.
        var names = StackKey(result.Stdout, "@").Select(Name).ToList();
        Assert.Equal("compare_ints", names[0]);
        var sortValues = names.IndexOf("sort_values");
        Assert.True(sortValues >= 2, result.Stdout);
        Assert.Contains("qsort_r", names.Take(sortValues));
        Assert.Equal("main", names[sortValues + 1]);
    }

    [Fact]
    public async Task EveryDwUstackSampleOfABurstOf200Arrives()
    {
        // uprobe_target calls target_add 200 times in a loop, within a millisecond or two: 200 records at once, more
        // than a 1 MiB ring buffer held of 32 KiB records. A lost sample would print as an entry with an empty stack
        // and a "Lost N events" line.
        var target = TestPrograms.PathOf("uprobe_target");
        var script = $$"""uprobe:{{target}}:target_add { @[dw_ustack] = count(); @n = count(); }""";
        var result = await SharpTraceRun.RunAsync(["-e", script, "-c", $"{target} 200"]);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("Lost", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("\n@n: 200\n", result.Stdout, StringComparison.Ordinal);
        var entries = StackEntry().Matches(result.Stdout).ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.NotEqual("", e.Groups["frames"].Value.Trim()));
        Assert.Equal(200, entries.Sum(e => int.Parse(e.Groups["count"].Value, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task MapKeysOfSamplesWithTheSameStackAreOneEntry()
    {
        // repeated runs five times from one call site: five samples, one stack.
        var target = TestPrograms.PathOf("cfi_chain");
        var script = $$"""uprobe:{{target}}:repeated { @[dw_ustack] = count(); @s[dw_ustack(2)] = sum(arg0); @n = count(); if (@n == 5) { exit(); } }""";
        var (result, _) = await TraceCfiChainAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        Assert.Single(Regex.Matches(result.Stdout, @"
@\[
"));
        Assert.Equal(["repeated", "main"], StackKey(result.Stdout, "@").Select(Name).Take(2));
        Assert.Matches(@"
    repeated\+0
    main\+\d+
(    .*
)+\]: 5
", result.Stdout);
        Assert.Matches(@"
@s\[
    repeated\+0
    main\+\d+
\]: 10
", result.Stdout);
    }

    [Fact]
    public async Task UstackUnwindDwarfGivesBareUstackTheWholeStack()
    {
        var target = TestPrograms.PathOf("cfi_chain");
        var script = $$"""config = { ustack_unwind = dwarf } uprobe:{{target}}:leaf { @[ustack] = count(); exit(); }""";
        var (result, program) = await TraceCfiChainAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        var names = StackKey(result.Stdout, "@").Select(Name).ToList();
        Assert.Equal(["leaf", "level3", "level2", "level1", "main"], names.Take(5));
        Assert.Equal(Backtrace(program, "leaf").Count - 1, names.Count);
    }

    [Fact]
    public async Task JitFramesOfADotnetProgramAreNamedFromItsPerfMap()
    {
        var stdout = await ProfileJitLoopAsync(pid => $"profile:hz:99 /pid == {pid}/ {{ @[ustack] = count(); @p[ustack(perf)] = count(); }}");

        // .NET writes "ADDRESS SIZE int64 [jit_loop] JitLoop.Spin::Busy(int32)[Tier...]"; the loop spends its time there.
        Assert.Matches(@"\n    int64 \[jit_loop\] JitLoop\.Spin::Busy\(int32\)\[\w+\]\+\d+\n", stdout);
        Assert.Matches(@"\t[0-9a-f]+ int64 \[jit_loop\] JitLoop\.Spin::Busy\(int32\)\[\w+\]\+\d+ \(/tmp/perf-\d+\.map\)\n", stdout);
    }

    [Fact]
    public async Task DwUstackInAProfileProbeWalksJitFramesByTheirFramePointers()
    {
        var stdout = await ProfileJitLoopAsync(pid => $"profile:hz:99 /pid == {pid}/ {{ @[dw_ustack] = count(); }}");

        // Managed code has no call frame information: Busy's caller is found through its frame pointer.
        Assert.Matches(@"\n@\[\n    int64 \[jit_loop\] JitLoop\.Spin::Busy\(int32\)\[\w+\]\+\d+\n    int32 \[jit_loop\] JitLoop\.Spin::Main\(\)\[\w+\]\+\d+\n", stdout);
    }

    /// <summary>Runs jit_loop with its perf map on, traces it for two seconds with the script made for its pid, and returns what the tracer printed.</summary>
    private static async Task<string> ProfileJitLoopAsync(Func<int, string> script)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "tests", "programs", "out", "jit_loop", "jit_loop.dll"));
        start.Environment["DOTNET_PerfMapEnabled"] = "1";
        using var program = Process.Start(start) ?? throw new InvalidOperationException("Could not start jit_loop.");
        try
        {
            using (var ready = new CancellationTokenSource(Bound))
                Assert.Equal("ready", await program.StandardOutput.ReadLineAsync(ready.Token));
            var result = await SharpTraceRun.RunAsync(["-e", script(program.Id) + " interval:s:2 { exit(); }"]);
            Assert.Equal(0, result.ExitCode);
            return result.Stdout;
        }
        finally
        {
            await program.CloseStdinAndWaitAsync();
            File.Delete($"/tmp/perf-{program.Id}.map");
            File.Delete($"/tmp/perfinfo-{program.Id}.map");
        }
    }

    /// <summary>Starts tracing, runs cfi_chain when attached, keeps it alive until the tracer exited; its output too.</summary>
    private static async Task<(RunResult Result, string Program)> TraceCfiChainAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            var start = new ProcessStartInfo(TestPrograms.PathOf("cfi_chain"))
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var program = Process.Start(start) ?? throw new InvalidOperationException("Could not start cfi_chain.");
            var output = program.StandardOutput.ReadToEndAsync();
            try
            {
                return (await tool.WaitForExitAsync(Bound), await CloseAndRead());
            }
            finally
            {
                if (!program.HasExited)
                    program.Kill();
            }

            async Task<string> CloseAndRead()
            {
                program.StandardInput.Close();
                using var timeout = new CancellationTokenSource(Bound);
                await program.WaitForExitAsync(timeout.Token);
                return await output;
            }
        }
    }

    /// <summary>The addresses backtrace() printed after the line <paramref name="where"/>.</summary>
    private static List<ulong> Backtrace(string program, string where)
    {
        var lines = program.Split('\n');
        return lines.SkipWhile(l => l != where).Skip(1).TakeWhile(l => l.StartsWith("frame ", StringComparison.Ordinal))
            .Select(l => ulong.Parse(l[(l.IndexOf("0x", StringComparison.Ordinal) + 2)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))
            .ToList();
    }

    /// <summary>The frames of the raw stack printf printed first: hex addresses, one a line, after a blank line.</summary>
    private static List<ulong> RawFrames(string stdout) => stdout.Split('\n').SkipWhile(l => l.Length == 0)
        .TakeWhile(l => RawFrame().IsMatch(l))
        .Select(l => ulong.Parse(l, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture))
        .ToList();

    /// <summary>The frame lines of the stack key of map <paramref name="map"/> in text output.</summary>
    private static List<string> StackKey(string stdout, string map)
    {
        var start = stdout.IndexOf("\n" + map + "[\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no stack key of {map} in:\n{stdout}");
        start += map.Length + 3;
        var end = stdout.IndexOf("]: ", start, StringComparison.Ordinal);
        return stdout[start..end].Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary><c>level3</c> of <c>    level3+23</c>; a frame no symbol holds stays its address.</summary>
    private static string Name(string frame)
    {
        var trimmed = frame.Trim();
        var plus = trimmed.LastIndexOf('+');
        return plus > 0 ? trimmed[..plus] : trimmed;
    }

    [GeneratedRegex(@"^[0-9a-f]+$")]
    private static partial Regex RawFrame();

    [GeneratedRegex(@"^@\[(?<frames>[^\]]*)\]: (?<count>\d+)$", RegexOptions.Multiline)]
    private static partial Regex StackEntry();
}
