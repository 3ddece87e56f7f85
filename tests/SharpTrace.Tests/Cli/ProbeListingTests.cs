using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Cli;

/// <summary><c>-l</c> against a fake machine: which kinds are listed for which pattern, in what order, and the notes.</summary>
public sealed class ProbeListingTests
{
    private sealed class Machine : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() =>
            [("syscalls", "sys_enter_openat"), ("sched", "sched_switch"), ("sched", "sched_process_exec")];

        public TracepointFormat? Format(string category, string name) =>
            new(name, 1, [], [new TracepointField("prev_comm", "char", 8, 16, true, false, 16)]);

        public IEnumerable<string> RawTracepoints() => ["sys_enter", "sched_switch", "sched_switch"];
    }

    private static readonly IReadOnlyList<CParameter> SchedSwitchArguments =
    [
        new("preempt", CBoolType.Instance),
        new("prev", new CPointerType(new CStructType("task_struct", false))),
    ];

    private static ProbeListing Listing() => new(
        new Machine(),
        name => name == "sched_switch" ? SchedSwitchArguments : null,
        target => target is "/bin/app" or "app"
            ? new UprobeBinary("/bin/app", ["main", "read_line", "read_line.part.0", "_start"])
            : null,
        uprobeArguments: (path, function) => (path, function) is ("/bin/app", "main") ? ["int argc", "char** argv"] : []);

    private static (List<string> Probes, List<string> Warnings) List(string? pattern)
    {
        var warnings = new List<string>();
        return (Listing().List(pattern, warnings.Add).ToList(), warnings);
    }

    [Fact]
    public void EverythingIsRawTracepointsSoftwareAndTracepointsInProviderOrder()
    {
        var (probes, warnings) = List(null);
        Assert.Empty(warnings);
        Assert.Equal(["rawtracepoint:sched_switch", "rawtracepoint:sys_enter"], probes.Take(2));
        Assert.Equal(
            ["tracepoint:sched:sched_process_exec", "tracepoint:sched:sched_switch", "tracepoint:syscalls:sys_enter_openat"],
            probes.TakeLast(3));
        Assert.Equal(2 + 14 + 3, probes.Count);
        Assert.Equal(probes, List("*").Probes);
    }

    [Fact]
    public void SoftwareEventsAndTheirAliasesSortWithTheirTrailingColon() =>
        Assert.Equal(
        [
            "software:alignment-faults:", "software:bpf-output:", "software:context-switches:", "software:cpu-clock:",
            "software:cpu-migrations:", "software:cpu:", "software:cs:", "software:dummy:", "software:emulation-faults:",
            "software:faults:", "software:major-faults:", "software:minor-faults:", "software:page-faults:", "software:task-clock:",
        ], List("s:*").Probes);

    [Theory]
    [InlineData("software:cpu-clock", "software:cpu-clock:")]
    [InlineData("software:cpu-clock:", "software:cpu-clock:")]
    [InlineData("software:cs", "software:cs:")]
    [InlineData("rawtracepoint:sched_*", "rawtracepoint:sched_switch")]
    [InlineData("rt:vmlinux:sched_switch", "rawtracepoint:sched_switch")]
    [InlineData("t:sched:sched_sw*", "tracepoint:sched:sched_switch")]
    [InlineData("*openat*", "tracepoint:syscalls:sys_enter_openat")]
    [InlineData("BEGIN", "BEGIN")]
    public void PatternFindsOneProbe(string pattern, string probe) => Assert.Equal([probe], List(pattern).Probes);

    [Fact]
    public void PatternWithoutProviderMatchesAfterAnyProvider() =>
        Assert.Equal(["rawtracepoint:sched_switch", "tracepoint:sched:sched_switch"], List("sched_switch").Probes);

    [Fact]
    public void IntervalAndProfileListTheirUnitsOnlyWhenNamed()
    {
        Assert.Equal(["interval:hz:", "interval:ms:", "interval:s:", "interval:us:"], List("i:*").Probes);
        Assert.Equal(["profile:hz:"], List("profile:hz").Probes);
        Assert.DoesNotContain(List(null).Probes, p => p.StartsWith("interval", StringComparison.Ordinal));
    }

    [Fact]
    public void UprobesListTheFunctionsOfTheNamedBinaryWithoutPartClones()
    {
        Assert.Equal(["uprobe:/bin/app:_start", "uprobe:/bin/app:main", "uprobe:/bin/app:read_line"], List("uprobe:/bin/app:*").Probes);
        Assert.Equal(["uretprobe:/bin/app:read_line"], List("ur:app:read*").Probes);
        Assert.Equal(["uprobe:/bin/app:main"], List("*:/bin/app:main").Probes);
        Assert.DoesNotContain(List(null).Probes, p => p.StartsWith("uprobe", StringComparison.Ordinal));
    }

    [Fact]
    public void ABareNameSeveralFilesAnswerToListsEachByItsPathAsSortedLines()
    {
        // As the newest bpftrace's probe matcher: the functions of every path resolve_binary_path gives for the name
        // (its std::set of PATH:FUNCTION lines, so sorted as whole lines), each named by its path; a probe attaches
        // to the first alone. Only "app" is on the fake PATH twice.
        var listing = new ProbeListing(
            new Machine(),
            _ => null,
            target => target switch
            {
                "app" or "/usr/bin/app" => new UprobeBinary("/usr/bin/app", ["main", "zap"]),
                "/bin/app" => new UprobeBinary("/bin/app", ["main", "zap"]),
                "tool" or "/usr/bin/tool" => new UprobeBinary("/usr/bin/tool", ["run"]),
                _ => null,
            },
            onPath: name => name switch
            {
                "app" => ["/usr/bin/app", "/bin/app"],
                "tool" => ["/usr/bin/tool"],
                _ => [],
            });

        Assert.Equal(["uprobe:/bin/app:main", "uprobe:/bin/app:zap", "uprobe:/usr/bin/app:main", "uprobe:/usr/bin/app:zap"],
            listing.List("uprobe:app:*", _ => { }));
        Assert.Equal(["uretprobe:/bin/app:main", "uretprobe:/usr/bin/app:main"], listing.List("uretprobe:app:ma*", _ => { }));
        Assert.Equal(["uprobe:/usr/bin/tool:run"], listing.List("uprobe:tool:*", _ => { }));
        // A path is the file it names, whatever PATH holds.
        Assert.Equal(["uprobe:/bin/app:main"], listing.List("uprobe:/bin/app:main", _ => { }));
    }

    [Theory]
    [InlineData("uprobe:/bin/missing:*", "uprobe target file '/bin/missing' does not exist or is not executable")]
    [InlineData("uprobe:*", "uprobe probes need a binary and a function: uprobe:/path/to/binary:FUNCTION")]
    [InlineData("uretprobe:/nonexistent/*:main", "uprobe target file '/nonexistent/*' does not exist or is not executable")]
    public void UprobePatternWithoutABinaryIsAnError(string pattern, string message) =>
        Assert.Equal(message, Assert.Throws<CompileException>(() => List(pattern)).Message);

    [Theory]
    [InlineData("kprobe:vfs_*", "kprobes are not available: this kernel is built without CONFIG_KPROBES")]
    [InlineData("kr:vfs_read", "kretprobes are not available: this kernel is built without CONFIG_KPROBES")]
    [InlineData("kfunc:*", "fentry probes are not available: this kernel refuses BPF trampolines (EPERM)")]
    public void KindsThisMachineCannotRunListNothingAndSayWhy(string pattern, string warning)
    {
        var (probes, warnings) = List(pattern);
        Assert.Empty(probes);
        Assert.Equal([warning], warnings);
    }

    [Fact]
    public void WildcardProviderDoesNotWarnAboutMissingKinds() => Assert.Empty(List("*:vfs_read").Warnings);

    [Fact]
    public void VerboseListingShowsTracepointFieldsRawTracepointAndUprobeArguments()
    {
        var warnings = new List<string>();
        var text = Listing().Format(
            ["tracepoint:sched:sched_switch", "rawtracepoint:sched_switch", "software:cpu:", "uprobe:/bin/app:main", "uprobe:/bin/app:_start",
                "uretprobe:/bin/app:main"],
            withArguments: true, warnings.Add);
        // A uprobe's parameters come from DWARF (none for _start); a uretprobe has no args, as in bpftrace.
        Assert.Equal(
            "tracepoint:sched:sched_switch\n    char prev_comm[16]\n" +
            "rawtracepoint:sched_switch\n    _Bool preempt\n    struct task_struct * prev\n" +
            "software:cpu:\nuprobe:/bin/app:main\n    int argc\n    char** argv\nuprobe:/bin/app:_start\nuretprobe:/bin/app:main\n",
            text);
        Assert.Empty(warnings);
    }
}
