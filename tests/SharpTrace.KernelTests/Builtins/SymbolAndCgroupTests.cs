using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// uaddr against the addresses the traced program prints of its own globals and the values it gives them (a PIE and
/// a fixed-address build, the second also against bpftrace 0.17), percpu_kaddr against the kernel's own record of
/// each CPU's run queue and the per-CPU section offsets bpftool reads from BTF (or, on a kernel whose kallsyms lists
/// no data symbols, such as this one, the refusal before loading), and cgroup_path against
/// /proc/PID/cgroup of a process the test moves into a cgroup it creates (and against bpftrace 0.17), strlen against the
/// lengths of the path a traced program opens and of its name, ntop of pton's bytes against bpftrace 0.17, and find of
/// the entry a probe stored; text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class SymbolAndCgroupTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // uaddr_target's globals, as its source initializes them: uint8 0x12, uint16 0x1234, int32 -5, uint64 0x1122334455667788.
    private const string Values = "18 4660 -5 1234605616436508552 uaddr-target";

    private static string UaddrScript(string binary) => $$"""
        uprobe:{{binary}}:uaddr_probe { printf("%p %p %p %p %p|%d %d %d %lld %s\n", uaddr("global_u8"), uaddr("global_u16"), uaddr("global_i32"), uaddr("global_u64"), uaddr("global_text"), *uaddr("global_u8"), *uaddr("global_u16"), *uaddr("global_i32"), *uaddr("global_u64"), str(uaddr("global_text"))); exit(); }
        """;

    [Theory]
    [InlineData("uaddr_target", "text")]
    [InlineData("uaddr_target", "json")]
    [InlineData("uaddr_target_nopie", "text")]
    [InlineData("uaddr_target_nopie", "json")]
    public async Task UaddrIsTheRunTimeAddressOfTheProgramsGlobal(string program, string format)
    {
        var binary = TestPrograms.PathOf(program);
        using var tool = SharpTraceRun.Start(["-f", format, "-e", UaddrScript(binary)]);
        await tool.WaitForAttachedAsync(Bound);
        using var target = new UaddrTarget(binary);
        await target.CallAndExitAsync();
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal(0, result.ExitCode);
        var line = format == "text"
            ? result.Stdout.Split('\n')[0]
            : JsonPrintf().Match(result.Stdout).Groups[1].Value.Replace("\\n", "", StringComparison.Ordinal);
        var parts = line.Split('|');
        Assert.Equal(target.Addresses, parts[0].Split(' ').Select(ParseHex));
        Assert.Equal(Values, parts[1]);
        // The file's own symbol table, through nm: the run-time addresses are the symbols' moved by one load address.
        var symbols = Nm(binary);
        var names = new[] { "global_u8", "global_u16", "global_i32", "global_u64", "global_text" };
        Assert.Single(names.Select((n, i) => target.Addresses[i] - symbols[n]).Distinct());
    }

    [Fact]
    public async Task UaddrReadsWhatBpftrace017ReadsInAFixedAddressProgram()
    {
        var binary = TestPrograms.PathOf("uaddr_target_nopie");
        var script = $$"""uprobe:{{binary}}:uaddr_probe { printf("%d %d %d %lld %s\n", *uaddr("global_u8"), *uaddr("global_u16"), *uaddr("global_i32"), *uaddr("global_u64"), str(uaddr("global_text"))); exit(); }""";
        var outputs = new List<string>();
        foreach (var tool in new Func<TracerProcess>[] { () => BpftraceRun.Start(["-e", script]), () => SharpTraceRun.Start(["-e", script]) })
        {
            using var process = tool();
            await process.WaitForAttachedAsync(Bound);
            using var target = new UaddrTarget(binary);
            await target.CallAndExitAsync();
            outputs.Add((await process.WaitForExitAsync(Bound)).Stdout.Split('\n')[0]);
        }

        Assert.Equal(Values, outputs[0]);
        Assert.Equal(outputs[0], outputs[1]);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task PercpuKaddrFindsEachCpusRunQueueOrSaysWhyThisKernelCannot(string format)
    {
        // struct rq records the CPU it belongs to; the two variables lie as far apart on each CPU as in the per-CPU section.
        const string Script = """
            BEGIN {
              $first = (struct rq *)percpu_kaddr("runqueues", 0);
              $last = (struct rq *)percpu_kaddr("runqueues", ncpus - 1);
              $here = (struct rq *)percpu_kaddr("runqueues");
              if ($first != 0 && $last != 0) {
                printf("%d %d %d %d\n", $first->cpu, $last->cpu, $here->cpu == cpu, (uint64)$here - (uint64)percpu_kaddr("process_counts"));
              }
              printf("%d\n", percpu_kaddr("runqueues", 100000) == 0);
              exit();
            }
            """;
        var result = await SharpTraceRun.RunAsync(["-f", format, "-e", Script]);

        // The kernel finds a BTF variable's address by name in kallsyms when it loads the program; a kernel built
        // without CONFIG_KALLSYMS_ALL (this one) lists no data symbols, and the run fails before anything loads.
        if (!KallsymsLists("runqueues") || !KallsymsLists("process_counts"))
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Equal("", result.Stdout);
            Assert.Contains("percpu_kaddr(\"runqueues\") cannot run here: the kernel finds the variable's address through kallsyms, and /proc/kallsyms does not list runqueues (data symbols need CONFIG_KALLSYMS_ALL)", result.Stderr);
            return;
        }
        Assert.Equal(0, result.ExitCode);
        var ncpus = File.ReadAllText("/sys/devices/system/cpu/possible").Trim().Split('-').Last();
        var offsets = PerCpuSectionOffsets();
        var expected = $"0 {ncpus} 1 {offsets["runqueues"] - offsets["process_counts"]}\n1\n";
        Assert.Equal(expected, format == "text"
            ? result.Stdout
            : string.Concat(JsonPrintf().Matches(result.Stdout).Select(m => m.Groups[1].Value.Replace("\\n", "\n", StringComparison.Ordinal))));
    }

    private static bool KallsymsLists(string symbol) =>
        File.ReadLines("/proc/kallsyms").Any(l => l.EndsWith(" " + symbol, StringComparison.Ordinal));

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task CgroupPathIsTheCgroupProcSaysTheProcessIsIn(string format)
    {
        var mount = File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).First(f => f[2] == "cgroup2")[1];
        var directory = Path.Combine(mount, "sharptrace-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var script = $$"""tracepoint:syscalls:sys_enter_openat /cgroup == cgroupid("{{directory}}")/ { printf("%s\n", cgroup_path(cgroup, "unified")); @p[cgroup_path(cgroup, "uni*")] = 1; exit(); }""";
            using var tool = SharpTraceRun.Start(["-f", format, "-e", script]);
            await tool.WaitForAttachedAsync(Bound);
            var procCgroup = await OpenInCgroupAsync(directory);
            var result = await tool.WaitForExitAsync(Bound);

            // /proc/PID/cgroup's v2 line is "0::PATH".
            var path = "unified:" + procCgroup.Split('\n').Single(l => l.StartsWith("0::", StringComparison.Ordinal))[3..];
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(format == "text"
                ? $"{path}\n\n\n@p[{path}]: 1\n"
                : $$"""{"type": "printf", "data": "{{path}}\n"}""" + "\n" + "{\"type\": \"map\", \"data\": {\"@p\": {\"" + path + "\": 1}}}" + "\n",
                format == "text"
                    ? result.Stdout
                    : string.Concat(JsonLines.NonEmpty(result.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)).Select(l => l + "\n")));
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public async Task CgroupPathPrintsEveryHierarchyAsBpftrace017Does()
    {
        const string Script = """BEGIN { printf("%s\n", cgroup_path(cgroup)); printf("%s\n", cgroup_path(1, "c*")); exit(); }""";
        var expected = await BpftraceRun.RunAsync(["-e", Script]);
        var actual = await SharpTraceRun.RunAsync(["-e", Script]);

        Assert.Equal(0, actual.ExitCode);
        Assert.NotEqual("", expected.Stdout.Trim());
        Assert.Equal(expected.Stdout.TrimEnd('\n'), actual.Stdout.TrimEnd('\n'));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task StrlenIsTheLengthOfTheOpenedPathAndOfComm(string format)
    {
        const string Opened = "/nonexistent/sharptrace-strlen";
        const string Script = """
            tracepoint:syscalls:sys_enter_openat /comm == "opener" && strcontains(str(args.filename), "sharptrace-strlen")/ { printf("%d %d %d\n", strlen(args.filename), strlen(str(args.filename)), strlen(comm)); exit(); }
            """;
        using var tool = SharpTraceRun.Start(["-f", format, "-e", Script]);
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", Opened);

        var expected = $"{Opened.Length} {Opened.Length} {"opener".Length}";
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(format == "text" ? expected + "\n" : $$"""{"type": "printf", "data": "{{expected}}\n"}""",
            format == "text" ? result.Stdout : JsonLines.NonEmpty(result.Stdout).Single(l => l.Contains("printf", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task NtopOfPtonPrintsAsBpftrace017PrintsIt()
    {
        const string Script = """
            BEGIN { printf("%s %s\n", ntop(pton("127.0.0.1")), ntop(pton("fe80::1:2"))); $a = pton("10.0.0.1"); @v = ntop($a); @k[ntop(2, pton("1.2.3.4"))] = 1; exit(); }
            """;
        foreach (var format in new[] { "text", "json" })
        {
            var expected = await BpftraceRun.RunAsync(["-f", format, "-e", Script]);
            var actual = await SharpTraceRun.RunAsync(["-f", format, "-e", Script]);

            Assert.Equal(0, actual.ExitCode);
            Assert.Contains("10.0.0.1", expected.Stdout);
            Assert.Equal(JsonLines.NonEmpty(expected.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)),
                JsonLines.NonEmpty(actual.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
        }
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task FindCopiesTheEntryOfATracedOpenIntoTheVariable(string format)
    {
        const string Script = """
            tracepoint:syscalls:sys_enter_openat /comm == "opener" && strcontains(str(args.filename), "sharptrace-find")/ {
              @m[tid] = (pid, str(args.filename));
              let $v;
              if (find(@m, tid, $v)) { printf("%d %d %s\n", pid, $v.0, $v.1); }
              if (!find(@m, 0, $v)) { printf("no entry for 0, still %s\n", $v.1); }
              delete(@m, tid);
              exit();
            }
            """;
        using var tool = SharpTraceRun.Start(["-f", format, "-e", Script]);
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", "/nonexistent/sharptrace-find");

        Assert.Equal(0, result.ExitCode);
        var text = format == "text"
            ? result.Stdout
            : string.Concat(JsonPrintf().Matches(result.Stdout).Select(m => m.Groups[1].Value.Replace("\\n", "\n", StringComparison.Ordinal)));
        var match = Regex.Match(text, """^(\d+) (\d+) /nonexistent/sharptrace-find\nno entry for 0, still /nonexistent/sharptrace-find\n$""");
        Assert.True(match.Success, text);
        Assert.Equal(match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>Moves a shell into the cgroup, which prints its /proc/self/cgroup and then opens a file from there.</summary>
    private static async Task<string> OpenInCgroupAsync(string cgroup)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-c", "echo $$ > \"$0/cgroup.procs\" && cat /proc/self/cgroup && exec \"$1\" /nonexistent/sharptrace-cgroup", cgroup, TestPrograms.PathOf("opener") })
            start.ArgumentList.Add(arg);
        using var shell = Process.Start(start)!;
        var output = await shell.StandardOutput.ReadToEndAsync();
        await shell.WaitForExitAsync();
        return output;
    }

    private static ulong ParseHex(string text) => ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>The symbols' addresses in the file, as nm lists them.</summary>
    private static Dictionary<string, ulong> Nm(string binary)
    {
        using var nm = Process.Start(new ProcessStartInfo("nm", [binary]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = nm.StandardOutput.ReadToEnd();
        nm.WaitForExit();
        return output.Split('\n').Select(l => l.Split(' ')).Where(f => f.Length == 3)
            .GroupBy(f => f[2]).ToDictionary(g => g.Key, g => ulong.Parse(g.First()[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    /// <summary>The offsets of the per-CPU variables in the kernel's .data..percpu section, as bpftool reads them from BTF.</summary>
    private static Dictionary<string, long> PerCpuSectionOffsets()
    {
        using var bpftool = Process.Start(new ProcessStartInfo("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var offsets = new Dictionary<string, long>();
        var inPerCpu = false;
        for (var line = bpftool.StandardOutput.ReadLine(); line is not null; line = bpftool.StandardOutput.ReadLine())
        {
            if (line.StartsWith('['))
                inPerCpu = line.Contains("DATASEC '.data..percpu'", StringComparison.Ordinal);
            else if (inPerCpu && SectionEntry().Match(line) is { Success: true } entry)
                offsets[entry.Groups[2].Value] = long.Parse(entry.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        bpftool.WaitForExit();
        return offsets;
    }

    [GeneratedRegex("""offset=(\d+) size=\d+ \(VAR '([^']+)'\)""")]
    private static partial Regex SectionEntry();

    [GeneratedRegex("""\{"type": "printf", "data": "([^"]*)"\}""")]
    private static partial Regex JsonPrintf();

    /// <summary>uaddr_target, started: it has printed its globals' addresses and waits for a line to call uaddr_probe.</summary>
    private sealed class UaddrTarget(string binary) : IDisposable
    {
        private readonly WaitingProgram _program = new(binary);

        public ulong[] Addresses => _program.FirstLine.Split(' ').Select(ParseHex).ToArray();

        public Task CallAndExitAsync() => _program.GoAndExitAsync();

        public void Dispose() => _program.Dispose();
    }
}
