using SharpTrace.Kernel;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// The tool scripts Debian ships with bpftrace (/usr/sbin/*.bt), each compiled against this machine's tracefs and BTF,
/// then run until BEGIN is done. A tool whose probes this kernel lacks (kprobes, a library function glibc moved, a
/// data symbol kallsyms does not list) compiles too, and its run fails before anything loads with one line saying why.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ToolCorpusTests : KernelTest
{
    private const string Directory = "/usr/sbin";

    /// <summary>
    /// The tools that do not type-check, and why: Linux 6.x renamed the field runqlen.bt reads (cfs_rq.nr_running is
    /// nr_queued since 6.13), so bpftrace 0.17 fails on it the same way; tcpconnect.bt and tcpdrop.bt, as 0.17 ships
    /// them, assign $saddr and $daddr in if/else branches and print them after, which the newest bpftrace's block
    /// scoping rejects as ours does (its own copies of both tools declare them first with `let`).
    /// </summary>
    private static readonly Dictionary<string, string[]> DoesNotTypeCheck = new(StringComparer.Ordinal)
    {
        ["runqlen.bt"] = ["Struct/union of type 'struct cfs_rq' does not contain a field named 'nr_running'"],
        ["tcpconnect.bt"] = ["Undefined or undeclared variable: $saddr", "Undefined or undeclared variable: $daddr"],
        ["tcpdrop.bt"] = ["Undefined or undeclared variable: $saddr", "Undefined or undeclared variable: $daddr"],
    };

    /// <summary>The reasons a run may give for a probe this kernel cannot attach.</summary>
    private static readonly string[] AttachReasons =
    [
        "kprobes are not available: this kernel is built without CONFIG_KPROBES",
        "kretprobes are not available: this kernel is built without CONFIG_KPROBES",
        "Could not resolve symbol: ",
        "Failed to resolve kernel symbol: ",
    ];

    public static TheoryData<string> Tools()
    {
        var data = new TheoryData<string>();
        foreach (var path in System.IO.Directory.GetFiles(Directory, "*.bt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Fact]
    public void DebianShipsTheToolsThisCorpusExpects() => Assert.Equal(38, Tools().Count);

    private static CompileResult Compile(string tool) =>
        TraceScript.Compile(File.ReadAllText(Path.Combine(Directory, tool)), new CompileOptions { FileName = tool });

    [Theory]
    [MemberData(nameof(Tools))]
    public void ToolTypeChecks(string tool)
    {
        var result = Compile(tool);

        var errors = result.Diagnostics.Where(d => d.IsError).Select(d => d.Message).ToList();
        if (DoesNotTypeCheck.TryGetValue(tool, out var expected))
            Assert.Equal(expected, errors);
        else
            Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public void ToolRunsOrSaysWhyThisKernelCannotAttachIt(string tool)
    {
        if (Compile(tool).Program is not { } program)
            return; // ToolTypeChecks says why
        var events = new List<TraceEvent>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        try
        {
            // Stop as soon as BEGIN has run: END and the maps still follow, as after Ctrl-C.
            program.Run(e => { events.Add(e); if (e is StartedEvent) stop.Cancel(); }, stop.Token);
        }
        // A probe this kernel cannot attach, or a kernel symbol it lacks (loads.bt's kaddr("avenrun") where kallsyms
        // lists no data symbols): an error over the call before anything loads, as the newest bpftrace.
        catch (ProbeUnavailableException e)
        {
            Assert.Contains(AttachReasons, reason => e.Message.Contains(reason, StringComparison.Ordinal));
            Assert.Empty(events); // nothing ran: the check comes before anything loads
            return;
        }
        Assert.Contains(events, e => e is StartedEvent);
        Assert.Equal(new ExitEvent(0), events[^1]);
    }
}
