using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary>
/// <c>-l</c> for every probe kind, against bpftrace 0.17 where it lists the kind, and with its documented
/// differences (docs/cli.md) asserted where 0.17 gets it wrong or cannot list it.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ListingTests : KernelTest
{
    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task SoftwareEventsAreListedAsBpftraceListsEachOne()
    {
        var actual = await SharpTraceRun.RunAsync(["-l", "software:*"]);
        Assert.Equal((0, ""), (actual.ExitCode, actual.Stderr));
        var events = Lines(actual.Stdout);
        // Eleven events and the aliases cpu, cs and faults, each listed once.
        Assert.Equal(14, events.Length);
        Assert.Contains("software:cpu:", events);
        foreach (var line in events)
        {
            // bpftrace 0.17 prints an event's full name when asked for it by name...
            var expected = await BpftraceRun.RunAsync(["-l", line.TrimEnd(':')]);
            Assert.Equal(line + "\n", expected.Stdout);
        }
        // ...but a wildcard comes back as it was written (documented difference): sharptrace expands it.
        Assert.Equal("software:*:\n", (await BpftraceRun.RunAsync(["-l", "software:*"])).Stdout);
    }

    [Fact]
    public async Task RawTracepointsAreListedFromBtf()
    {
        // bpftrace 0.17 cannot list raw tracepoints (documented difference).
        var reference = await BpftraceRun.RunAsync(["-l", "rawtracepoint:*"]);
        Assert.Contains("FATAL: Invalid probe type made it to attachpoint parser", reference.Stderr);

        var actual = await SharpTraceRun.RunAsync(["-l", "rawtracepoint:*"]);
        Assert.Equal(0, actual.ExitCode);
        var listed = Lines(actual.Stdout);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        // Every trace event has a raw tracepoint, except the syscalls' per-call events (they hang off sys_enter and
        // sys_exit); BTF adds the tracepoints that have no trace event, such as pelt_cfs_tp.
        var events = (await File.ReadAllLinesAsync("/sys/kernel/tracing/available_events"))
            .Where(e => !e.StartsWith("syscalls:sys_enter_", StringComparison.Ordinal) && !e.StartsWith("syscalls:sys_exit_", StringComparison.Ordinal))
            .Select(e => "rawtracepoint:" + e.Split(':')[1]);
        Assert.Empty(events.Except(listed));
        Assert.Contains("rawtracepoint:sys_enter", listed);
    }

    [Fact]
    public async Task RawTracepointArgumentsComeFromBtf()
    {
        // The types are those of `bpftool btf dump file /sys/kernel/btf/vmlinux format c` for btf_trace_sched_switch
        // without its leading void *; the names are the kernel's.
        var actual = await SharpTraceRun.RunAsync(["-lv", "rt:sched_switch"]);
        Assert.Equal(
            (0, "rawtracepoint:sched_switch\n    bool preempt\n    struct task_struct * prev\n    struct task_struct * next\n    unsigned int prev_state\n"),
            (actual.ExitCode, actual.Stdout));
    }

    [Theory]
    [InlineData("uprobe")]
    [InlineData("uretprobe")]
    public async Task UprobeFunctionsOfABinaryMatchBpftrace(string kind)
    {
        var pattern = $"{kind}:{TestPrograms.PathOf("probe_args")}:*";
        var expected = await BpftraceRun.RunAsync(["-l", pattern]);
        var actual = await SharpTraceRun.RunAsync(["-l", pattern]);
        Assert.Contains($"{kind}:{TestPrograms.PathOf("probe_args")}:add3\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout, ""), (actual.ExitCode, actual.Stdout, actual.Stderr));
    }

    [Fact]
    public async Task UprobeListingByProgramNameMatchesBpftrace()
    {
        var expected = await BpftraceRun.RunAsync(["-l", "uprobe:bash:read*"]);
        var actual = await SharpTraceRun.RunAsync(["-l", "uprobe:bash:read*"]);
        Assert.Contains("uprobe:/usr/bin/bash:readline\n", expected.Stdout);
        // bpftrace 0.17 lists the first file PATH holds (/usr/bin/bash); the newest bpftrace's probe matcher lists the
        // functions of every file PATH holds by that name (here also /bin/bash, the same file through the /bin link),
        // each named by its path, its lines sorted (docs/differences.md): 0.17's functions, under every such path.
        const string First = "uprobe:/usr/bin/bash:";
        var functions = expected.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Assert.IsType<string>(l.StartsWith(First, StringComparison.Ordinal) ? l[First.Length..] : null)).ToList();
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d + "/bash").Where(File.Exists).ToList();
        Assert.Contains("/usr/bin/bash", paths);
        var lines = paths.SelectMany(p => functions.Select(f => $"uprobe:{p}:{f}")).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal((0, string.Concat(lines.Select(l => l + "\n"))), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task VerboseUprobeListingHasTheDwarfArgumentsBpftraceLists()
    {
        var pattern = $"uprobe:{TestPrograms.PathOf("probe_args")}:add3";
        var expected = await BpftraceRun.RunAsync(["-lv", pattern]);
        var actual = await SharpTraceRun.RunAsync(["-lv", pattern]);
        Assert.Equal($"{pattern}\n    int a\n    int b\n    int c\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout, ""), (actual.ExitCode, actual.Stdout, actual.Stderr));
    }

    [Fact]
    public async Task MissingUprobeBinaryIsAnError()
    {
        var expected = await BpftraceRun.RunAsync(["-l", "uprobe:/nonexistent:*"]);
        var actual = await SharpTraceRun.RunAsync(["-l", "uprobe:/nonexistent:*"]);
        Assert.Equal(1, expected.ExitCode);
        Assert.Equal(
            (1, "", "ERROR: uprobe target file '/nonexistent' does not exist or is not executable\n"),
            (actual.ExitCode, actual.Stdout, actual.Stderr));
    }

    [Theory]
    [InlineData("kprobe:vfs_*", "kprobes are not available: this kernel is built without CONFIG_KPROBES")]
    [InlineData("kretprobe:vfs_read", "kretprobes are not available: this kernel is built without CONFIG_KPROBES")]
    public async Task KprobesListNothingAndSayWhy(string pattern, string reason)
    {
        // bpftrace 0.17 lists nothing either (it cannot read available_filter_functions).
        var expected = await BpftraceRun.RunAsync(["-l", pattern]);
        var actual = await SharpTraceRun.RunAsync(["-l", pattern]);
        Assert.Equal("", expected.Stdout);
        Assert.Equal((0, "", $"WARNING: {reason}\n"), (actual.ExitCode, actual.Stdout, actual.Stderr));
    }

    [Fact]
    public async Task HardwareEventsAreListedAsBpftraceListsEachOneWithOrWithoutCounters()
    {
        var actual = await SharpTraceRun.RunAsync(["-l", "hardware:*"]);
        Assert.Equal((0, ""), (actual.ExitCode, actual.Stderr));
        var events = Lines(actual.Stdout);
        // Ten events and the aliases cycles and branches (the newest bpftrace's table), each listed once.
        Assert.Equal(12, events.Length);
        foreach (var line in events)
        {
            // bpftrace 0.17 prints an event's full name when asked for it by name...
            var expected = await BpftraceRun.RunAsync(["-l", line.TrimEnd(':')]);
            Assert.Equal(line + "\n", expected.Stdout);
        }
        // ...but a wildcard comes back as it was written (documented difference): sharptrace expands it.
        Assert.Equal("hardware:*:\n", (await BpftraceRun.RunAsync(["-l", "hardware:*"])).Stdout);
        Assert.Equal(actual.Stdout, (await SharpTraceRun.RunAsync(["-l", "h:*"])).Stdout);
    }

    [Fact]
    public async Task FullListingIsSortedByProviderWithBpftracesTracepoints()
    {
        var expected = Lines((await BpftraceRun.RunAsync(["-l"])).Stdout);
        var actual = await SharpTraceRun.RunAsync(["-l"]);
        Assert.Equal((0, ""), (actual.ExitCode, actual.Stderr));
        var listed = Lines(actual.Stdout);
        // bpftrace 0.17: hardware:*: and software:*: (patterns written back), iter, tracepoints. sharptrace:
        // raw tracepoints, software events, tracepoints (documented difference); the tracepoints are the same.
        Assert.Equal(["hardware", "iter", "software", "tracepoint"], expected.Select(Provider).Distinct());
        Assert.Equal(["rawtracepoint", "software", "tracepoint"], listed.Select(Provider).Distinct());
        Assert.Equal(expected.Where(l => Provider(l) == "tracepoint"), listed.Where(l => Provider(l) == "tracepoint"));

        static string Provider(string probe) => probe.Split(':')[0];
    }
}
