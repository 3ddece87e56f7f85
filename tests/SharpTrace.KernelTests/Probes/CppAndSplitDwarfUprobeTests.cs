using System.Diagnostics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// uprobes on C++ functions named by their demangled names (<c>uprobe:BIN:cpp:"shapes::area"</c>, tests/programs/cpp),
/// and on dwarf_args built with split DWARF: its types in a <c>.dwo</c> file (out/split) or a <c>.dwp</c> package
/// (out/dwp), its line table in the binary.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class CppAndSplitDwarfUprobeTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private static string Cpp => TestPrograms.PathOf("cpp_names");
    private static string Normal => TestPrograms.PathOf("dwarf_args");

    // What dwarf_args prints through args.NAME (the script of DwarfUprobeTests, with "->" for bpftrace 0.17).
    private static string ArgumentsScript(string binary) => $$"""
        uprobe:{{binary}}:dwarf_scalars { print(args->n); print(args->c); print(args->s); print(args->l); print(args->u); print(args->neg); @calls = count(); }
        uprobe:{{binary}}:dwarf_pointers { printf("%s %d %d %d\n", str(args->name), args->p->x, args->p->y, args->opaque); exit(); }
        """;

    [Fact]
    public async Task CppNamesAttachAndReadArgumentsByName()
    {
        // The probe is named with the mangled symbol after "cpp:", as the newest bpftrace names an expanded attach
        // point; the values are those cpp_names.cpp passes.
        var script = $$"""
            uprobe:{{Cpp}}:cpp:"shapes::area" { printf("%s %d %d\n", probe, args.width, args.height); }
            uprobe:{{Cpp}}:cpp:"shapes::scale(long, short)" { printf("%s %ld %d\n", probe, args.factor, args.divisor); }
            uprobe:{{Cpp}}:cpp:"shapes::counter::add" { printf("%s %d %d %d\n", probe, args.step, args.where.x, args.where->y); }
            uprobe:{{Cpp}}:cpp:shapes::detail::check { printf("%s %u\n", probe, args.code); exit(); }
            """;

        var result = await TraceAsync(SharpTraceRun.Start(["-e", script]), Cpp);

        Assert.Equal(
            (0, $"uprobe:{Cpp}:cpp:_ZN6shapes4areaEii 6 7\n" +
                $"uprobe:{Cpp}:cpp:_ZN6shapes5scaleEls -9000000000 -3\n" +
                $"uprobe:{Cpp}:cpp:_ZN6shapes7counter3addEiPKNS_5pointE 5 3 -4\n" +
                $"uprobe:{Cpp}:cpp:_ZN6shapes6detail5checkEj 41\n"),
            (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task CppNameWithoutParametersAttachesEveryOverload()
    {
        var script = $$"""uprobe:{{Cpp}}:cpp:"shapes::scale" { @[probe] = count(); } uprobe:{{Cpp}}:cpp:"shapes::detail::check" { exit(); }""";

        var result = await TraceAsync(SharpTraceRun.Start(["-e", script]), Cpp);

        Assert.Equal(
            (0, $"\n\n@[uprobe:{Cpp}:cpp:_ZN6shapes5scaleEi]: 1\n@[uprobe:{Cpp}:cpp:_ZN6shapes5scaleEls]: 1\n"),
            (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task CppNameMatchingNothingIsBpftracesMissingProbeError()
    {
        var result = await SharpTraceRun.RunAsync(["-e", $$"""uprobe:{{Cpp}}:cpp:"shapes::nothing" { exit(); }"""]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"No matches for uprobe {Cpp}:cpp:shapes::nothing", result.Stderr);
    }

    [Fact]
    public async Task ListingWithoutTheQualifierIsBpftraces()
    {
        // bpftrace 0.17 has no cpp qualifier (its parser wants exactly two parts): its listing of a C++ binary names
        // the mangled symbols, as the newest bpftrace's does too.
        var pattern = $"uprobe:{Cpp}:*";
        var expected = await BpftraceRun.RunAsync(["-l", pattern]);
        var actual = await SharpTraceRun.RunAsync(["-l", pattern]);

        Assert.Contains($"uprobe:{Cpp}:_ZN6shapes5scaleEls\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task ListingWithTheQualifierNamesDemangledFunctionsWithTheirParameters()
    {
        // As the newest bpftrace lists cpp attach points: the quoted demangled name, in the mangled names' order.
        var listed = await SharpTraceRun.RunAsync(["-lv", $"uprobe:{Cpp}:cpp:shapes::*"]);
        var program = await SharpTraceRun.RunAsync(["-l", "-e", $$"""uprobe:{{Cpp}}:cpp:"shapes::scale" { }"""]);

        Assert.Equal(
            (0, $"uprobe:{Cpp}:cpp:\"shapes::area(int, int)\"\n    int width\n    int height\n" +
                $"uprobe:{Cpp}:cpp:\"shapes::scale(int)\"\n    int factor\n" +
                $"uprobe:{Cpp}:cpp:\"shapes::scale(long, short)\"\n    long int factor\n    short int divisor\n" +
                $"uprobe:{Cpp}:cpp:\"shapes::detail::check(unsigned int)\"\n    unsigned int code\n" +
                $"uprobe:{Cpp}:cpp:\"shapes::counter::add(int, shapes::point const*)\"\n    class counter* const this\n    int step\n    const struct point* where\n" +
                $"uprobe:{Cpp}:cpp:\"shapes::counter::counter(int)\"\n    class counter* const this\n    int start\n" +
                $"uprobe:{Cpp}:cpp:\"shapes::counter::counter(int)\"\n    class counter* const this\n    int start\n"),
            (listed.ExitCode, listed.Stdout));
        Assert.Equal(
            (0, $"uprobe:{Cpp}:cpp:\"shapes::scale(int)\"\nuprobe:{Cpp}:cpp:\"shapes::scale(long, short)\"\n"),
            (program.ExitCode, program.Stdout));
    }

    [Theory]
    [InlineData("split")]
    [InlineData("dwp")]
    public async Task SplitDwarfArgumentsAreThoseBpftraceReadsFromTheNormalBuild(string build)
    {
        // bpftrace 0.17 reads no split DWARF: it runs on the same program built with its DWARF inside.
        var split = TestPrograms.PathOf(Path.Combine(build, "dwarf_args"));
        if (build == "dwp")
            Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(split)!, "*.dwo"));

        var expected = await TraceAsync(BpftraceRun.Start(["-e", ArgumentsScript(Normal)]), Normal);
        var actual = await TraceAsync(SharpTraceRun.Start(["-e", ArgumentsScript(split)]), split);
        var expectedListing = await BpftraceRun.RunAsync(["-lv", $"uprobe:{Normal}:dwarf_*"]);
        var actualListing = await SharpTraceRun.RunAsync(["-lv", $"uprobe:{split}:dwarf_*"]);

        Assert.Equal("7\n200\n-300\n-5000000000\n18000000000000000000\n-1\nhello 3 -4 0\n\n\n@calls: 1\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
        Assert.Contains("    const char* name\n", expectedListing.Stdout);
        Assert.Equal((0, expectedListing.Stdout.Replace(Normal, split, StringComparison.Ordinal)), (actualListing.ExitCode, actualListing.Stdout));
    }

    [Fact]
    public async Task SourceLineOfASplitBuildComesFromTheSkeletonsLineTable()
    {
        // Line 17 is dwarf_scalars' return statement, run once per call.
        var split = TestPrograms.PathOf(Path.Combine("split", "dwarf_args"));
        var script = $$"""uprobe:{{split}}@dwarf_args.c:17 { @hits = count(); } uprobe:{{split}}:dwarf_none { exit(); }""";

        var result = await TraceAsync(SharpTraceRun.Start(["-e", script]), split);

        Assert.Equal((0, "\n\n@hits: 1\n"), (result.ExitCode, result.Stdout));
    }

    /// <summary>Starts tracing, runs the program once (argument 1) when attached, and waits for the tracer to exit by itself.</summary>
    private static async Task<RunResult> TraceAsync(TracerProcess tool, string program)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("1");
            using (var process = Process.Start(start)!)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(Bound);
                await process.WaitForExitAsync(timeout.Token);
                Assert.True(process.ExitCode == 0, $"{program} failed: {await output}{await error}");
            }
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
