using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SharpTrace.Kernel.Elf;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// DWARF line tables at work on tests/programs/source_lines (main → lines_outer → lines_leaf): a uprobe by source
/// location (<c>uprobe:BIN@source_lines.c:13</c>) fires at that line's first instruction, as readelf's decoded line
/// table places it; <c>show_debug_info</c> adds <c>@FILE:LINE</c> to user frames, the lines addr2line gives for the
/// same addresses, also for the program stripped with its debug file installed by build-id; functions inlined at a
/// frame's address get <c>[inlined] NAME@FILE:LINE</c> frames, as <c>addr2line -f -i</c> names them.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class SourceLineTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private static string Target => TestPrograms.PathOf("source_lines");
    private static string SourceFile => Path.Combine(Repository.Root, "tests", "programs", "source_lines.c");

    [Fact]
    public async Task UprobeOnASourceLineFiresAtItsFirstInstructionAndReadsTheArgument()
    {
        // Line 13 is lines_leaf's second statement: the probe fires inside the function, where rdi still holds value.
        var script = $$"""uprobe:{{Target}}@source_lines.c:13 { printf("%d\n", arg0); print(ustack(1)); exit(); }""";

        var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]), Target);

        var offset = LineAddress(Target, 13) - SymbolAddress(Target, "lines_leaf");
        Assert.True(offset > 0);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("5\n", result.Stdout);
        Assert.Equal([$"        lines_leaf+{offset}"], Frames(result.Stdout));
    }

    [Fact]
    public async Task SourceLocationErrorsAreBpftraces()
    {
        var noFile = await SharpTraceRun.RunAsync(["-e", $"uprobe:{Target}@nonexistent.c:13 {{ exit(); }}"]);
        var noCode = await SharpTraceRun.RunAsync(["-e", $"uprobe:{Target}@source_lines.c:3 {{ exit(); }}"]);
        var badLine = await SharpTraceRun.RunAsync(["-e", $"uprobe:{Target}@source_lines.c:x {{ exit(); }}"]);
        var uretprobe = await SharpTraceRun.RunAsync(["-e", $"uretprobe:{Target}@source_lines.c:13 {{ exit(); }}"]);

        Assert.Equal(1, noFile.ExitCode);
        Assert.Contains("No compilation unit matches nonexistent.c", noFile.Stderr);
        Assert.Equal(1, noCode.ExitCode);
        Assert.Contains("Unable to map 'source_lines.c:3' to address", noCode.Stderr);
        Assert.Equal(1, badLine.ExitCode);
        Assert.Contains("Invalid line number: ", badLine.Stderr);
        Assert.Equal(1, uretprobe.ExitCode);
        Assert.Contains("Source code location not allowed", uretprobe.Stderr);
    }

    [Fact]
    public async Task ShowDebugInfoAddsTheSourceLineOfEveryUserFrame()
    {
        var script = $$"""
            config = { show_debug_info = 1 }
            uprobe:{{Target}}:lines_leaf { print(ustack(3)); print(ustack(perf, 1)); exit(); }
            """;

        var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]), Target);

        Assert.Equal(0, result.ExitCode);
        var frames = Frames(result.Stdout);
        AssertFramesAtTheirSourceLines(Target, frames[..3]);
        // The perf mode prints no source line, as bpftrace's.
        Assert.Matches($@"^\t[0-9a-f]+ lines_leaf\+0 \({Regex.Escape(Target)}\)$", frames[3]);
    }

    [Fact]
    public async Task WithoutShowDebugInfoFramesKeepTheirFormat()
    {
        var script = $$"""uprobe:{{Target}}:lines_leaf { print(ustack(3)); exit(); }""";

        var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]), Target);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["lines_leaf+0", "lines_outer", "main"], Frames(result.Stdout).Select((f, i) => i == 0 ? f.Trim() : f.Trim().Split('+')[0]));
    }

    [Fact]
    public async Task StrippedProgramTakesItsLinesFromTheDebugFileFoundByBuildId()
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-lines-").FullName;
        var binary = Path.Combine(directory, "source_lines_stripped");
        var debugFile = Path.Combine(directory, "source_lines.debug");
        Run("objcopy", "--only-keep-debug", Target, debugFile);
        Run("strip", "--strip-all", "-o", binary, Target);
        var buildId = ElfSections.Read(binary).BuildId!;
        var buildIdDirectory = Path.Combine("/usr/lib/debug/.build-id", buildId[..2]);
        var installed = Path.Combine(buildIdDirectory, buildId[2..] + ".debug");
        var createdDirectory = !Directory.Exists(buildIdDirectory);
        Directory.CreateDirectory(buildIdDirectory);
        File.Copy(debugFile, installed, overwrite: true);
        try
        {
            var script = $$"""
                config = { show_debug_info = 1 }
                uprobe:{{binary}}:lines_leaf { print(ustack(3)); }
                uprobe:{{binary}}@source_lines.c:13 { printf("%d\n", arg0); exit(); }
                """;

            var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]), binary);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("\n5\n", result.Stdout);
            // The stripped file has neither .symtab nor .debug_line: names and lines come from the debug file, whose
            // addresses are the original program's.
            AssertFramesAtTheirSourceLines(Target, Frames(result.Stdout));
        }
        finally
        {
            File.Delete(installed);
            if (createdDirectory)
                Directory.Delete(buildIdDirectory);
            Directory.Delete(directory, recursive: true);
        }
    }

    // tests/programs/inline_chain.c, built -O2 by the test (with -gsplit-dwarf too): inline_middle inlined into inline_outer.
    private static string InlineSourceFile => Path.Combine(Repository.Root, "tests", "programs", "inline_chain.c");

    [Theory]
    [InlineData("")]
    [InlineData("-gsplit-dwarf")]
    public async Task InlinedFunctionsGetFramesOfTheirOwnAsAddr2lineShowsThem(string split)
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-inline-").FullName;
        try
        {
            var source = InlineSourceFile;
            var traced = Path.Combine(directory, "inline_chain_traced");
            string[] flags = split.Length > 0 ? ["-O2", "-g", "-fno-omit-frame-pointer", split] : ["-O2", "-g", "-fno-omit-frame-pointer"];
            Run("gcc", [.. flags, "-o", traced, source]);
            // addr2line reads no split DWARF: with -gsplit-dwarf, its expectations come from the same code built with
            // its DWARF inside (the same addresses; checked by the symbols').
            var program = Path.Combine(directory, "inline_chain");
            Run("gcc", "-O2", "-g", "-fno-omit-frame-pointer", "-o", program, source);
            Assert.Equal(SymbolAddress(program, "inline_outer"), SymbolAddress(traced, "inline_outer"));
            var script = $$"""
                config = { show_debug_info = 1 }
                uprobe:{{traced}}:inline_leaf /arg0 < 100/ { print(ustack(2)); print(ustack(perf, 2)); exit(); }
                """;

            var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]), traced);

            Assert.Equal(0, result.ExitCode);
            var frames = Frames(result.Stdout);
            // Two addresses, three frames: bpftrace's limit counts addresses, an inlined function adds a frame.
            Assert.Equal(6, frames.Length);
            var outer = Regex.Match(frames[2], @"^        inline_outer\+(\d+)@");
            Assert.True(outer.Success, result.Stdout);
            var returnAddress = SymbolAddress(program, "inline_outer") + ulong.Parse(outer.Groups[1].Value, CultureInfo.InvariantCulture);
            var leaf = Run("addr2line", "-f", "-i", "-e", program, "0x" + SymbolAddress(program, "inline_leaf").ToString("x", CultureInfo.InvariantCulture)).Split('\n');
            var caller = Run("addr2line", "-f", "-i", "-e", program, "0x" + returnAddress.ToString("x", CultureInfo.InvariantCulture)).Split('\n');
            Assert.Equal(["inline_middle", $"{source}:18", "inline_outer", $"{source}:23"], caller.Take(4).Select(l => Regex.Replace(l, @" \(discriminator \d+\)$", "")));
            Assert.Equal(
                [$"        inline_leaf+0@{leaf[1]}", $"        [inlined] {caller[0]}@{caller[1]}", $"        inline_outer+{outer.Groups[1].Value}@{caller[3]}"],
                frames[..3]);
            // perf mode: the inlined frame as "NAME (inlined)" at the caller's address, no source lines.
            Assert.Matches(@"^\t[0-9a-f]+ inline_leaf\+0 \(", frames[3]);
            Assert.Matches(@"^\t[0-9a-f]+ inline_middle \(inlined\)$", frames[4]);
            Assert.Matches(@"^\t[0-9a-f]+ inline_outer\+\d+ \(", frames[5]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Frames <c>NAME+OFFSET@FILE:LINE</c> of lines_leaf, lines_outer and main, each at the line addr2line gives for
    /// the symbol's address plus the offset (the entry's line for lines_leaf, the call's line for the callers).
    /// </summary>
    private static void AssertFramesAtTheirSourceLines(string program, IReadOnlyList<string> frames)
    {
        Assert.Equal(3, frames.Count);
        var parsed = frames.Select(f => FrameLine().Match(f)).ToList();
        Assert.All(parsed, m => Assert.True(m.Success, string.Join("\n", frames)));
        Assert.Equal(["lines_leaf", "lines_outer", "main"], parsed.Select(m => m.Groups["name"].Value));
        Assert.Equal([$"{SourceFile}:11", $"{SourceFile}:19", $"{SourceFile}:26"], parsed.Select(m => m.Groups["source"].Value));
        var addresses = parsed.Select(m => SymbolAddress(program, m.Groups["name"].Value) + ulong.Parse(m.Groups["offset"].Value, CultureInfo.InvariantCulture));
        var addr2line = Run("addr2line", ["-e", program, .. addresses.Select(a => "0x" + a.ToString("x", CultureInfo.InvariantCulture))])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => Regex.Replace(l, @" \(discriminator \d+\)$", ""));
        Assert.Equal(addr2line, parsed.Select(m => m.Groups["source"].Value));
    }

    /// <summary>The frame lines of the printed stacks, in order.</summary>
    private static string[] Frames(string stdout) =>
        stdout.Split('\n').Where(l => l.StartsWith("        ", StringComparison.Ordinal) || l.StartsWith('\t')).ToArray();

    /// <summary>The lowest address readelf's decoded line table gives for <paramref name="line"/> of source_lines.c.</summary>
    private static ulong LineAddress(string program, int line) =>
        Run("readelf", "--debug-dump=decodedline", program).Split('\n')
            .Select(l => Regex.Match(l, @"^source_lines\.c\s+(\d+)\s+0x([0-9a-f]+)"))
            .Where(m => m.Success && m.Groups[1].Value == line.ToString(CultureInfo.InvariantCulture))
            .Min(m => ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    private static ulong SymbolAddress(string program, string name) =>
        Run("nm", program).Split('\n').Select(l => l.Split(' ')).Where(p => p.Length == 3 && p[2] == name)
            .Select(p => ulong.Parse(p[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).Single();

    /// <summary>Starts tracing, runs the program when attached (lingering so its maps can be read), and waits for the tracer to exit.</summary>
    private static async Task<RunResult> TraceOneRunAsync(TracerProcess tool, string program)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            Run(program, "4", "2000");
            return await tool.WaitForExitAsync(Bound);
        }
    }

    private static string Run(string program, params string[] args) => ExternalTool.Run(program, args);

    [GeneratedRegex(@"^        (?<name>\w+)\+(?<offset>\d+)@(?<source>/\S+:\d+)$")]
    private static partial Regex FrameLine();
}
