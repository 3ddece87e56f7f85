using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Stacks;

/// <summary>
/// User stacks of a process that has exited before they print (docs/stacks.md): tests/programs/short_lived calls
/// main → outer → middle → leaf once, lives 0.3 s longer and exits; run under <c>-c</c>, the tracer prints its maps
/// after that, when /proc no longer has the process's mappings. bpftrace 0.17 prints such frames as hex addresses.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class ExitedProcessStackTests : KernelTest
{
    [Fact]
    public async Task UstackOfAProcessThatExitedBeforeThePrintIsStillNamed()
    {
        var target = TestPrograms.PathOf("short_lived");
        var script = $$"""uprobe:{{target}}:leaf { @[ustack] = count(); @p[ustack(perf, 2)] = count(); }""";
        var result = await SharpTraceRun.RunAsync(["-e", script, "-c", target]);

        Assert.Equal(0, result.ExitCode);
        // The program's own line, then the maps printed at exit.
        Assert.StartsWith("8\n", result.Stdout, StringComparison.Ordinal);
        var frames = Frames(result.Stdout, "@");
        Assert.True(frames.Count >= 4, result.Stdout);
        Assert.Equal(["leaf+0", "middle", "outer", "main"], [frames[0], .. frames.Skip(1).Take(3).Select(f => f[..f.LastIndexOf('+')])]);
        Assert.All(Frames(result.Stdout, "@p"), frame => Assert.Matches(PerfFrame(), frame));
        Assert.EndsWith($" ({target})", Frames(result.Stdout, "@p")[0], StringComparison.Ordinal);
    }

    /// <summary>The frames of map <paramref name="map"/>'s first stack key, trimmed.</summary>
    private static List<string> Frames(string stdout, string map)
    {
        var start = stdout.IndexOf("\n" + map + "[\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no stack key of {map} in:\n{stdout}");
        start += map.Length + 3;
        var end = stdout.IndexOf("]: ", start, StringComparison.Ordinal);
        return stdout[start..end].Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Trim()).ToList();
    }

    [GeneratedRegex(@"^[0-9a-f]+ (leaf|middle)\+\d+ \(/.*\)$")]
    private static partial Regex PerfFrame();
}
