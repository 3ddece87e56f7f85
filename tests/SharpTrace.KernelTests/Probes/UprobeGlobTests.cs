using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// uprobes on a binary written with wildcards, without <c>-p</c> (<c>uprobe:/usr/lib/*/libc.so*:malloc</c>): attached
/// in every file the glob finds, each file once, and listed as bpftrace 0.17 lists them. tests/programs/probe_args
/// calls add3 once; the test runs it once the probes are attached.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class UprobeGlobTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;
    private static string Target => TestPrograms.PathOf("probe_args");
    private static string Directory => Path.GetDirectoryName(Target)!;

    [Fact]
    public async Task AWildcardBinaryFiresInTheProgramItMatches()
    {
        var script = $$"""
            uprobe:{{Directory}}/probe_arg*:add3 { printf("%s %d %d %d\n", probe, arg0, arg1, arg2); }
            uretprobe:{{Directory}}/probe_?rg*:negate { printf("%s %d\n", probe, (int32)retval); exit(); }
            """;

        var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]));

        // probe_args calls add3(1, 2, 39) and negate(5).
        Assert.Equal((0, $"uprobe:{Target}:add3 1 2 39\nuretprobe:{Target}:negate -5\n"), (result.ExitCode, result.Stdout));
        Assert.Contains("Attached 2 probes", result.Stderr);
    }

    [Fact]
    public async Task AFileTheGlobReachesByTwoNamesIsProbedOnce()
    {
        var links = System.IO.Directory.CreateTempSubdirectory("sharptrace-uprobe-glob-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(links, "link1"), Target);
            File.CreateSymbolicLink(Path.Combine(links, "link2"), Target);
            var script = $$"""uprobe:{{links}}/link*:add3 { @[probe] = count(); } uretprobe:{{Target}}:main { exit(); }""";

            var result = await TraceOneRunAsync(SharpTraceRun.Start(["-e", script]));

            // Probed twice, the one call would count 2 (uprobes are per file, whatever its name).
            Assert.Equal((0, $"\n\n@[uprobe:{links}/link1:add3]: 1\n"), (result.ExitCode, result.Stdout));
        }
        finally
        {
            System.IO.Directory.Delete(links, recursive: true);
        }
    }

    [Fact]
    public async Task AGlobWithoutFilesOrFunctionsFailsAsTheReferenceSays()
    {
        var noFile = await SharpTraceRun.RunAsync(["-e", $"uprobe:{Directory}/no_such_program*:add3 {{ exit(); }}"]);
        var noFunction = await SharpTraceRun.RunAsync(["-e", $"uprobe:{Directory}/probe_arg*:no_such_function {{ exit(); }}"]);
        var expectedNoFile = await BpftraceRun.RunAsync(["-e", $"uprobe:{Directory}/no_such_program*:add3 {{ exit(); }}"]);

        // bpftrace 0.17's words for a glob naming no file; the newest bpftrace's missing_probes error for no function.
        Assert.Equal(1, expectedNoFile.ExitCode);
        Assert.Contains($"ERROR: uprobe target file '{Directory}/no_such_program*' does not exist or is not executable", expectedNoFile.Stderr);
        Assert.Equal((1, ""), (noFile.ExitCode, noFile.Stdout));
        Assert.Contains($"ERROR: uprobe target file '{Directory}/no_such_program*' does not exist or is not executable", noFile.Stderr);
        Assert.Equal((1, ""), (noFunction.ExitCode, noFunction.Stdout));
        Assert.Contains($"ERROR: No matches for uprobe {Directory}/probe_arg*:no_such_function.", noFunction.Stderr);
    }

    [Fact]
    public async Task ALoneStarWithoutDashPIsTheGlobOfTheWorkingDirectoryAndPath()
    {
        // As the newest bpftrace's probe matcher (resolve_binary_path("*")): the ELF files glob(3) finds in the
        // working directory, named as it finds them (relative), and in each PATH directory (here an empty one).
        var empty = System.IO.Directory.CreateTempSubdirectory("sharptrace-uprobe-star-").FullName;
        try
        {
            var path = new Dictionary<string, string> { ["PATH"] = empty };
            RunResult found;
            using (var tool = SharpTraceRun.Start(["-e", "uprobe:*:add3 { printf(\"%s %d\\n\", probe, arg2); exit(); }"], path, Directory))
            {
                await tool.WaitForAttachedAsync(Bound);
                await TestPrograms.RunAsync("probe_args", "hello");
                found = await tool.WaitForExitAsync(Bound);
            }
            // Where the glob finds no file: not the target error (the newest bpftrace's check of a lone "*" counts
            // the files running processes map), but the missing_probes error over the point.
            var none = await SharpTraceRun.RunAsync(["-e", "uprobe:*:add3 { exit(); }"], path, empty);

            Assert.Equal((0, "uprobe:probe_args:add3 39\n"), (found.ExitCode, found.Stdout));
            Assert.Equal((1, ""), (none.ExitCode, none.Stdout));
            Assert.Contains("ERROR: No matches for uprobe *:add3.", none.Stderr);
            Assert.DoesNotContain("does not exist", none.Stderr);
        }
        finally
        {
            System.IO.Directory.Delete(empty, recursive: true);
        }
    }

    [Theory]
    [InlineData("uprobe:{0}/probe_arg*:*")]
    [InlineData("uprobe:{0}/*:main")]
    [InlineData("uretprobe:{0}/uprobe_t*:target_*")]
    public async Task ListingWithAWildcardBinaryMatchesBpftrace(string pattern)
    {
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, Directory);

        var expected = await BpftraceRun.RunAsync(["-l", text]);
        var actual = await SharpTraceRun.RunAsync(["-l", text]);

        Assert.Equal(0, expected.ExitCode);
        Assert.NotEqual("", expected.Stdout);
        // bpftrace 0.17 matches the whole `PATH:SYMBOL` against the pattern with symbols demangled, so the `*` of
        // `out/*:main` also runs over the colon into the Rust function `rust_chain::main`
        // (`rust_chain:rust_chain::main`) and lists `_ZN10rust_chain4main…`. We match the binary glob against the path
        // and the function pattern against the symbol, as the pattern reads: that one line is not ours.
        var lines = expected.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var acrossTheColon = lines.Where(line => line.Contains(":_ZN10rust_chain4main", StringComparison.Ordinal)).ToList();
        Assert.Equal(pattern.EndsWith("/*:main", StringComparison.Ordinal) ? 1 : 0, acrossTheColon.Count);
        var ours = string.Concat(lines.Except(acrossTheColon).Select(line => line + "\n"));
        Assert.Equal((0, ours), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task ListingABareNameTwoPathDirectoriesHoldListsBothForUprobesAndUsdt()
    {
        // Two copies of probe_args named "twice" in two directories of the PATH the test sets, run from an empty
        // working directory. The newest bpftrace's probe matcher lists the functions of every path resolve_binary_path
        // gives (named DIR/twice, its lines sorted); bpftrace 0.17 lists the first alone, with its warning "attaching to
        // uprobe target file 'DIR/twice' but matched 2 binaries". A probe still attaches to the first, warning so.
        var root = System.IO.Directory.CreateTempSubdirectory("sharptrace-path-twice-").FullName;
        try
        {
            var (first, second, empty) = (Path.Combine(root, "b"), Path.Combine(root, "a"), Path.Combine(root, "cwd"));
            foreach (var directory in new[] { first, second, empty })
                System.IO.Directory.CreateDirectory(directory);
            File.Copy(Target, Path.Combine(first, "twice"));
            File.Copy(Target, Path.Combine(second, "twice"));

            File.Copy(TestPrograms.PathOf("usdt_probes"), Path.Combine(first, "probes"));
            File.Copy(TestPrograms.PathOf("usdt_probes"), Path.Combine(second, "probes"));
            var path = new Dictionary<string, string> { ["PATH"] = first + ":" + second };

            var listed = await SharpTraceRun.RunAsync(["-l", "uprobe:twice:add*"], path, empty);
            var usdt = await SharpTraceRun.RunAsync(["-l", "usdt:probes:other:*"], path, empty);
            var attached = await SharpTraceRun.RunAsync(["--dry-run", "-e", "uprobe:twice:add3 { exit(); }"], path, empty);

            Assert.Equal((0, $"uprobe:{second}/twice:add3\nuprobe:{first}/twice:add3\n", ""), (listed.ExitCode, listed.Stdout, listed.Stderr));
            // usdt_probes has one probe of provider "other" (twice); usdt listings collect every path the same way.
            Assert.Equal((0, $"usdt:{second}/probes:other:twice\nusdt:{first}/probes:other:twice\n", ""), (usdt.ExitCode, usdt.Stdout, usdt.Stderr));
            Assert.Equal(0, attached.ExitCode);
            Assert.Contains($"WARNING: attaching to uprobe target file '{first}/twice' but matched 2 binaries", attached.Stderr);
        }
        finally
        {
            System.IO.Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task ListingAGlobWithoutFilesFailsAsBpftraceDoes()
    {
        var pattern = $"uprobe:{Directory}/no_such_program*:*";

        var expected = await BpftraceRun.RunAsync(["-l", pattern]);
        var actual = await SharpTraceRun.RunAsync(["-l", pattern]);

        var message = $"ERROR: uprobe target file '{Directory}/no_such_program*' does not exist or is not executable";
        Assert.Equal(1, expected.ExitCode);
        Assert.Contains(message, expected.Stderr);
        Assert.Equal((1, ""), (actual.ExitCode, actual.Stdout));
        Assert.Contains(message, actual.Stderr);
    }

    [Fact]
    public async Task WithDashPATargetLeftOutIsTheProcesssProgramForCppNamesToo()
    {
        // As the newest bpftrace: uprobe:FUNC and uprobe:cpp:FUNC with -p name the process's program (0.17 took
        // "cpp" for /usr/bin/cpp). cpp_names calls shapes::area(i + 6, 7) in a loop long enough to be traced.
        var cpp = TestPrograms.PathOf("cpp_names");
        using var program = System.Diagnostics.Process.Start(cpp, "2000000000");
        try
        {
            await WaitForLibrariesAsync(program.Id);
            var root = $"/proc/{program.Id}/root";
            var pid = program.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var named = await SharpTraceRun.RunAsync(["-p", pid, "-e", "uprobe:cpp:\"shapes::area\" { printf(\"%s %d\\n\", probe, arg1); exit(); }"]);
            var plain = await SharpTraceRun.RunAsync(["-p", pid, "-e", "uprobe:_ZN6shapes4areaEii { printf(\"%s %d\\n\", probe, arg1); exit(); }"]);
            var everywhere = await SharpTraceRun.RunAsync(["-p", pid, "-e", "uprobe:*:cpp:\"shapes::area\" { printf(\"%s %d\\n\", probe, arg1); exit(); }"]);

            Assert.Equal((0, $"uprobe:{root}{cpp}:cpp:_ZN6shapes4areaEii 7\n"), (named.ExitCode, named.Stdout));
            Assert.Equal((0, $"uprobe:{root}{cpp}:_ZN6shapes4areaEii 7\n"), (plain.ExitCode, plain.Stdout));
            Assert.Equal((0, $"uprobe:{root}{cpp}:cpp:_ZN6shapes4areaEii 7\n"), (everywhere.ExitCode, everywhere.Stdout));
        }
        finally
        {
            program.Kill();
            await program.WaitForExitAsync();
        }
    }

    // Until the loader has mapped the C++ runtime, the process's files are not all there.
    private static async Task WaitForLibrariesAsync(int pid)
    {
        for (var i = 0; i < 100 && !File.ReadAllText($"/proc/{pid}/maps").Contains("libstdc++", StringComparison.Ordinal); i++)
            await Task.Delay(20);
    }

    /// <summary>Starts tracing, runs probe_args once when attached, and waits for the tracer to exit by itself.</summary>
    private static async Task<RunResult> TraceOneRunAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("probe_args", "hello");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
