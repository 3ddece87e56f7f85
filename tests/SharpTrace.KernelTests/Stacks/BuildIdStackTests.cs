using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Stacks;

/// <summary>
/// <c>ustack(build_id)</c> on the real kernel: a uprobe on <c>inner</c> of tests/programs/stack_chain (main → outer →
/// middle → inner). The kernel gives each frame as the build id of its file and the offset in the file; both are
/// checked against binutils (<c>readelf -n</c> for the build id, <c>nm</c> and the program headers for the
/// functions' file offsets), not against our own ELF reader.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class BuildIdStackTests : KernelTest
{
    [Fact]
    public async Task FramesAreTheBuildIdAndTheFileOffsetsOfTheCallChain()
    {
        var target = TestPrograms.PathOf("stack_chain");
        var script = $$"""uprobe:{{target}}:inner { @[ustack(build_id, 3)] = count(); @v = ustack(build_id, 1); exit(); }""";
        var result = await StackTests.TraceStackChainAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal(0, result.ExitCode);
        var buildId = BuildIdOf(target);
        var offsets = FunctionFileOffsets(target);
        var lines = result.Stdout.Split('\n');
        var key = Array.IndexOf(lines, "@[");
        Assert.True(key >= 0, result.Stdout);
        var frames = lines.Skip(key + 1).TakeWhile(l => !l.StartsWith("]:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, frames.Count);
        var parsed = frames.Select(f => FrameLine().Match(f)).ToList();
        Assert.All(parsed, m => Assert.True(m.Success, string.Join('\n', frames)));
        Assert.All(parsed, m => Assert.Equal(buildId, m.Groups["id"].Value));
        var frameOffsets = parsed.Select(m => ulong.Parse(m.Groups["offset"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToList();
        // A uprobe at inner's entry: the top frame is inner's first instruction; below it, return addresses inside
        // middle and outer.
        Assert.Equal(offsets["inner"], frameOffsets[0]);
        Assert.InRange(frameOffsets[1], offsets["middle"] + 1, offsets["outer"] - 1);
        Assert.InRange(frameOffsets[2], offsets["outer"] + 1, offsets["main"] - 1);
        // A value prints the same frames, not indented either.
        Assert.Contains($"@v: \n{frames[0]}\n", result.Stdout);
    }

    [Fact]
    public async Task StackModeConfigMakesUstackBuildIdInJsonAndKstackRawWithAWarning()
    {
        var target = TestPrograms.PathOf("stack_chain");
        var script = $$"""config = { stack_mode = build_id } uprobe:{{target}}:inner { @u[ustack(1)] = count(); @k[kstack(1)] = count(); exit(); }""";
        var result = await StackTests.TraceStackChainAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("'build_id' stack mode can only be used for ustack. Falling back to 'raw' mode.", result.Stderr);
        var keys = new Dictionary<string, List<string>>();
        foreach (var line in JsonLines.NonEmpty(result.Stdout))
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            if (document.RootElement.GetProperty("type").GetString() != "map")
                continue;
            foreach (var map in document.RootElement.GetProperty("data").EnumerateObject())
                keys[map.Name] = map.Value.EnumerateObject().Select(e => e.Name).ToList();
        }
        // The user stack's one frame: inner's entry in the binary. A uprobe runs in user context, so the kernel
        // stack is empty or, in raw mode, addresses in hex.
        Assert.Equal([$"\n{BuildIdOf(target)} 0x{FunctionFileOffsets(target)["inner"]:x2}\n"], keys["@u"]);
        Assert.All(keys["@k"], key => Assert.Matches("^(|\n[0-9a-f]+\n)$", key));
    }

    [GeneratedRegex("^(?<id>[0-9a-f]{40}) 0x(?<offset>[0-9a-f]{2,})$")]
    private static partial Regex FrameLine();

    private static string BuildIdOf(string binary) =>
        Regex.Match(Run("readelf", "-n", binary), @"Build ID: ([0-9a-f]+)").Groups[1].Value is { Length: 40 } id
            ? id
            : throw new InvalidOperationException($"no build id in {binary}");

    /// <summary>File offsets of the functions: symbol address - segment address + segment file offset, for the LOAD segment holding it.</summary>
    private static Dictionary<string, ulong> FunctionFileOffsets(string binary)
    {
        var segments = Run("readelf", "-lW", binary).Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 6 && p[0] == "LOAD")
            .Select(p => (Offset: Hex(p[1]), Address: Hex(p[2]), Size: Hex(p[5])))
            .ToList();
        var offsets = new Dictionary<string, ulong>();
        foreach (var parts in Run("nm", binary).Split('\n').Select(l => l.Split(' ')).Where(p => p.Length == 3 && p[1] is "T" or "t"))
        {
            var address = Hex(parts[0]);
            var segment = segments.Single(s => address >= s.Address && address < s.Address + s.Size);
            offsets[parts[2]] = address - segment.Address + segment.Offset;
        }
        return offsets;
    }

    private static ulong Hex(string text) =>
        ulong.Parse(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string Run(string program, params string[] args) => ExternalTool.Run(program, args);
}
