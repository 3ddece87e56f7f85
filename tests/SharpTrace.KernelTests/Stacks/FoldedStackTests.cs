using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Stacks;

/// <summary>
/// <c>-f folded</c> and <c>--flamegraph</c> on real stacks (docs/stacks.md): a uprobe in tests/programs/stack_chain,
/// whose call chain main → outer → middle → inner is known, and a profile of a process busy reading /dev/zero, whose
/// samples land in the read system call.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class FoldedStackTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public async Task UstackWithCommFoldsRootFirstAndDrawsTheChain()
    {
        var target = TestPrograms.PathOf("stack_chain");
        var svgPath = Path.Combine(Path.GetTempPath(), $"sharptrace-flamegraph-{Guid.NewGuid():N}.svg");
        try
        {
            var script = $$"""uprobe:{{target}}:inner { @[comm, ustack] = count(); exit(); }""";
            var result = await StackTests.TraceStackChainAsync(SharpTraceRun.Start(["-f", "folded", "--flamegraph", svgPath, "-e", script]));

            Assert.Equal(0, result.ExitCode);
            // One line: comm as the root frame, then the user stack outermost first. Below main is libc's start-up
            // code, which this machine's stripped libc may not name.
            var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("stack_chain;", line, StringComparison.Ordinal);
            Assert.EndsWith(";main;outer;middle;inner 1", line, StringComparison.Ordinal);

            var svg = LoadSvg(svgPath);
            var frames = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "f").ToList();
            Assert.Equal(line[..line.LastIndexOf(' ')].Split(';').Length + 1, frames.Count); // and the root, "all"
            // One sample: every frame is as wide as the root, one frame height above its caller.
            var rects = frames.Select(f => f.Element(Svg + "rect")!).ToList();
            Assert.All(rects, r => Assert.Equal(rects[0].Attribute("width")!.Value, r.Attribute("width")!.Value));
            var names = frames.Select(f => f.Element(Svg + "title")!.Value).ToList();
            Assert.Equal(["main (1 sample, 100%)", "outer (1 sample, 100%)", "middle (1 sample, 100%)", "inner (1 sample, 100%)"], names.TakeLast(4));
        }
        finally
        {
            File.Delete(svgPath);
        }
    }

    [Fact]
    public async Task KstackProfileOfABusyReaderFoldsTheReadSyscallRootFirst()
    {
        // dd copies /dev/zero to /dev/null a megabyte at a time: nearly all its time is in read(), zeroing the buffer.
        using var busy = Process.Start("dd", ["if=/dev/zero", "of=/dev/null", "bs=1M", "count=1000000"])!;
        var svgPath = Path.Combine(Path.GetTempPath(), $"sharptrace-flamegraph-{Guid.NewGuid():N}.svg");
        try
        {
            var script = $"profile:hz:99 /pid == {busy.Id}/ {{ @[kstack] = count(); }} interval:ms:1500 {{ exit(); }}";
            var result = await SharpTraceRun.RunAsync(["-f", "folded", "--flamegraph", svgPath, "-e", script]);

            Assert.Equal(0, result.ExitCode);
            var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.Matches(@"^[^;]+(;[^;]+)* \d+$", l));
            // The syscall entry is the root, the read path above it, in that order.
            var reads = lines.Select(l => l[..l.LastIndexOf(' ')].Split(';'))
                .Where(f => f.Contains("vfs_read"))
                .ToList();
            Assert.True(reads.Count > 0, result.Stdout);
            Assert.All(reads, frames =>
            {
                Assert.StartsWith("entry_SYSCALL_64", frames[0], StringComparison.Ordinal);
                Assert.True(Array.IndexOf(frames, "do_syscall_64") < Array.IndexOf(frames, "ksys_read"), string.Join(';', frames));
                Assert.True(Array.IndexOf(frames, "ksys_read") < Array.IndexOf(frames, "vfs_read"), string.Join(';', frames));
            });

            var svg = LoadSvg(svgPath);
            var titles = svg.Descendants(Svg + "title").Select(t => t.Value).ToList();
            Assert.Contains(titles, t => t.StartsWith("vfs_read (", StringComparison.Ordinal));
        }
        finally
        {
            busy.Kill();
            File.Delete(svgPath);
        }
    }

    [Fact]
    public async Task MixedKernelAndUserKeyPutsTheUserFramesBelowTheSyscallEntry()
    {
        using var busy = Process.Start("dd", ["if=/dev/zero", "of=/dev/null", "bs=1M", "count=1000000"])!;
        try
        {
            var script = $"profile:hz:99 /pid == {busy.Id}/ {{ @[kstack, ustack] = count(); }} interval:ms:1500 {{ exit(); }}";
            var result = await SharpTraceRun.RunAsync(["-f", "folded", "-e", script]);

            Assert.Equal(0, result.ExitCode);
            var reads = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l[..l.LastIndexOf(' ')].Split(';'))
                .Where(f => f.Contains("vfs_read"))
                .ToList();
            Assert.True(reads.Count > 0, result.Stdout);
            // Whatever the key's order, dd's user frames (at least the one that made the system call) come first.
            Assert.All(reads, frames =>
                Assert.True(Array.FindIndex(frames, f => f.StartsWith("entry_SYSCALL_64", StringComparison.Ordinal)) > 0, string.Join(';', frames)));
        }
        finally
        {
            busy.Kill();
        }
    }

    private static XDocument LoadSvg(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XDocument.Load(reader);
    }
}
