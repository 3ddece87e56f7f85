using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// Probe names as the newest bpftrace prints them (the <c>probe</c> builtin, <c>-l</c>, <c>Attached N probes</c>): a
/// uprobe or usdt binary keeps the path as written (its <c>resolve_binary_path</c> does not make it absolute), so the
/// tools run from tests/programs and name <c>./out/PROGRAM</c> or <c>out/PROGRAM</c>, as the reference's runtime cases
/// run from its build directory and name <c>./testprogs/PROGRAM</c>. <c>begin</c>/<c>end</c> are named in lower case;
/// a usdt probe counts once however many locations it has.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ProbeNameTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    /// <summary>tests/programs, where out/NAME is the built program NAME.</summary>
    private static string ProgramsDirectory => Path.GetDirectoryName(Path.GetDirectoryName(TestPrograms.PathOf("uprobe_target")))!;

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task UprobeWithAWildcardFunctionNamesTheBinaryAsWritten(string format)
    {
        // runtime/builtin probe_wildcard: `uprobe:./testprogs/uprobe_test:uprobeFunction*` prints
        // uprobe:./testprogs/uprobe_test:uprobeFunction1 (we printed the absolute path).
        const string Script = """uprobe:./out/uprobe_target:target_* { print(probe); exit(); }""";
        using var tool = SharpTraceRun.Start(["-f", format, "-e", Script], workingDirectory: ProgramsDirectory);

        var result = await TestPrograms.RunWhileTracedAsync(tool, "uprobe_target", "1");

        Assert.Equal((0, format == "text"
            ? "uprobe:./out/uprobe_target:target_add\n"
            : """
              {"type": "attached_probes", "data": {"probes": 1}}
              {"type": "value", "data": "uprobe:./out/uprobe_target:target_add"}

              """), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task UprobeOnARelativePathWithoutDotSlashKeepsItToo()
    {
        // resolve_binary_path takes a target with a slash as the only candidate, unchanged.
        const string Script = """uretprobe:out/uprobe_target:target_add { printf("%s %d\n", probe, retval); exit(); }""";
        using var tool = SharpTraceRun.Start(["-e", Script], workingDirectory: ProgramsDirectory);

        var result = await TestPrograms.RunWhileTracedAsync(tool, "uprobe_target", "1");

        Assert.Equal((0, "uretprobe:out/uprobe_target:target_add 1\n", "Attached 1 probe\n"), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Theory]
    [InlineData("usdt:./out/usdt_probes:usdt_probes:constants")]
    [InlineData("usdt:./out/usdt_probes:constants")]
    [InlineData("usdt:./out/usdt_probes:*:constants")]
    public async Task UsdtProbeBuiltinNamesTheBinaryAsWrittenAndTheProvider(string point)
    {
        // runtime/usdt "attach to probe with probe builtin and args by file": `usdt:./testprogs/usdt_test:*` prints
        // usdt:./testprogs/usdt_test:tracetest:testprobe; a probe written without its provider is expanded (the
        // newest always expands usdt probes without one), so its name holds the provider.
        var script = point + """ { printf("%lld %s\n", arg0, probe); exit(); }""";
        using var text = SharpTraceRun.Start(["-e", script], workingDirectory: ProgramsDirectory);
        var textResult = await TraceOneRunAsync(text);
        using var json = SharpTraceRun.Start(["-f", "json", "-e", script], workingDirectory: ProgramsDirectory);
        var jsonResult = await TraceOneRunAsync(json);

        Assert.Equal((0, "5 usdt:./out/usdt_probes:usdt_probes:constants\n", "Attached 1 probe\n"),
            (textResult.ExitCode, textResult.Stdout, textResult.Stderr));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "printf", "data": "5 usdt:./out/usdt_probes:usdt_probes:constants\n"}

            """), (jsonResult.ExitCode, jsonResult.Stdout));
    }

    [Theory]
    [InlineData("uprobe:./out/uprobe_target:target*", "uprobe:./out/uprobe_target:target_add\n")]
    [InlineData("uprobe:./out/uprobe_tar*:target_add", "uprobe:./out/uprobe_target:target_add\n")]
    [InlineData("uprobe:out/uprobe_target:target_add", "uprobe:out/uprobe_target:target_add\n")]
    [InlineData("usdt:./out/usdt_probes:*twice", "usdt:./out/usdt_probes:other:twice\nusdt:./out/usdt_probes:usdt_probes:twice\n")]
    public async Task ListingNamesTheBinaryAsWritten(string pattern, string listed)
    {
        // runtime/uprobe "list probes by file", "... with specific filter": uprobe:./testprogs/uprobe_test:uprobeFunction1.
        // bpftrace 0.17 lists these the same way (checked by hand: it cannot run from tests/programs here).
        var actual = await SharpTraceRun.RunAsync(["-l", pattern], workingDirectory: ProgramsDirectory);

        Assert.Equal((0, listed), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task ListingWithAWildcardProbeTypeNamesTheBinaryAsWritten()
    {
        // runtime/uprobe "list probes by file with wildcarded probe type": `-l '*:./testprogs/uprobe_test:*'`.
        var actual = await SharpTraceRun.RunAsync(["-l", "*:./out/uprobe_target:target*"], workingDirectory: ProgramsDirectory);

        Assert.Equal(0, actual.ExitCode);
        Assert.Contains("uprobe:./out/uprobe_target:target_add\n", actual.Stdout);
        Assert.DoesNotContain(ProgramsDirectory, actual.Stdout);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task BeginAndEndAreNamedInLowerCase(string format)
    {
        // runtime/builtin "begin probe": `begin { printf("%s", probe); } end { printf("-%s\n", probe); }` prints
        // begin-end in the newest, however the probe is written; bpftrace 0.17 printed BEGIN-END (docs/differences.md).
        const string Script = """BEGIN { printf("%s", probe); } end { printf("-%s\n", probe); }""";

        var result = await SharpTraceRun.RunAsync(["-f", format, "-e", Script]);

        Assert.Equal((0, format == "text"
            ? "begin-end\n"
            : """
              {"type": "attached_probes", "data": {"probes": 2}}
              {"type": "printf", "data": "begin"}
              {"type": "printf", "data": "-end\n"}

              """), (result.ExitCode, result.Stdout));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task AUsdtProbeWithTwoLocationsCountsOnce(string format)
    {
        // usdt_probes:twice is placed at two locations, other:twice at one. The newest attaches each usdt probe with
        // one link and counts it once (runtime/usdt "attach to multiple probes with different number of locations by
        // wildcard": 3 probes at 6 locations print "Attached 3 probes"); bpftrace 0.17 printed "Attaching 3 probes".
        const string Script = """usdt:./out/usdt_probes:*:twice { printf("%s %d\n", probe, arg0); if (arg0 == 3) { exit(); } }""";
        using var tool = SharpTraceRun.Start(["-f", format, "-e", Script], workingDirectory: ProgramsDirectory);

        var result = await TraceOneRunAsync(tool);

        Assert.Equal((0, format == "text"
            ? """
              usdt:./out/usdt_probes:usdt_probes:twice 1
              usdt:./out/usdt_probes:usdt_probes:twice 2
              usdt:./out/usdt_probes:other:twice 3

              """
            : """
              {"type": "attached_probes", "data": {"probes": 2}}
              {"type": "printf", "data": "usdt:./out/usdt_probes:usdt_probes:twice 1\n"}
              {"type": "printf", "data": "usdt:./out/usdt_probes:usdt_probes:twice 2\n"}
              {"type": "printf", "data": "usdt:./out/usdt_probes:other:twice 3\n"}

              """), (result.ExitCode, result.Stdout));
        if (format == "text")
            Assert.Equal("Attached 2 probes\n", result.Stderr);
    }

    [Fact]
    public async Task UsdtProbesOfAWildcardFileCountOnceAFileAndProbe()
    {
        // runtime/usdt "attach to probes by wildcard file": usdt_test* names usdt_test and usdt_test-pie, 3 probes each:
        // "Attached 6 probes". Here two copies of usdt_probes, *:twice in each: 2 probes a file (3 locations).
        var directory = Directory.CreateTempSubdirectory("sharptrace-usdt-names-").FullName;
        try
        {
            File.Copy(TestPrograms.PathOf("usdt_probes"), Path.Combine(directory, "usdt_probes"));
            File.Copy(TestPrograms.PathOf("usdt_probes"), Path.Combine(directory, "usdt_probes-copy"));
            const string Script = """usdt:./usdt_probes*:*:twice { printf("%s %d\n", probe, arg0); if (arg0 == 3) { exit(); } }""";
            using var tool = SharpTraceRun.Start(["-e", Script], workingDirectory: directory);
            await tool.WaitForAttachedAsync(Bound);
            await RunProgramAsync(Path.Combine(directory, "usdt_probes-copy"));
            var result = await tool.WaitForExitAsync(Bound);

            Assert.Equal((0, """
                usdt:./usdt_probes-copy:usdt_probes:twice 1
                usdt:./usdt_probes-copy:usdt_probes:twice 2
                usdt:./usdt_probes-copy:other:twice 3

                """, "Attached 4 probes\n"), (result.ExitCode, result.Stdout, result.Stderr));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task WithDashPAUsdtProbeIsNamedByTheFileTheProcessMaps()
    {
        // runtime/usdt "attach to probe with probe builtin and args by pid": with -p the newest matches the target, made
        // absolute, against the process's files, named under /proc/PID/root (usdt:.*/testprogs/usdt_test:...);
        // bpftrace 0.17 prints the same (checked by hand: it cannot run from tests/programs here).
        var start = new System.Diagnostics.ProcessStartInfo(TestPrograms.PathOf("usdt_probes")) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("1");
        start.ArgumentList.Add("--wait-for-semaphore");
        using var traced = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("could not start usdt_probes");
        try
        {
            var pid = traced.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var program = new FileInfo($"/proc/{pid}/exe").LinkTarget;
            const string Script = """usdt:./out/usdt_probes:usdt_probes:guarded { printf("%s %d\n", probe, arg0); exit(); }""";

            var result = await SharpTraceRun.RunAsync(["-p", pid, "-e", Script], workingDirectory: ProgramsDirectory);

            Assert.Equal((0, $"usdt:/proc/{pid}/root{program}:usdt_probes:guarded 1\n"), (result.ExitCode, result.Stdout));
        }
        finally
        {
            traced.Kill();
            await traced.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ABareNameTwoPathDirectoriesHoldIsTheFirstWithBothBpftracesWarning()
    {
        // resolve_binary_path: NAME in the working directory, then DIR/NAME for each PATH directory; several found is
        // "attaching to uprobe target file 'FIRST' but matched N binaries" (bpftrace 0.17 and the newest alike), and
        // the probe is named by the first. Each copy is its own file, so running the first fires the probe.
        var directory = Directory.CreateTempSubdirectory("sharptrace-path-names-").FullName;
        try
        {
            var (first, second) = (Path.Combine(directory, "a"), Path.Combine(directory, "b"));
            foreach (var bin in new[] { first, second })
            {
                Directory.CreateDirectory(bin);
                File.Copy(TestPrograms.PathOf("uprobe_target"), Path.Combine(bin, "uprobe_target"));
            }
            var environment = new Dictionary<string, string> { ["PATH"] = $"{first}:{second}:{Environment.GetEnvironmentVariable("PATH")}" };
            const string Script = """uprobe:uprobe_target:target_add { printf("%s\n", probe); exit(); }""";
            var warning = $"WARNING: attaching to uprobe target file '{first}/uprobe_target' but matched 2 binaries";

            foreach (var tool in new[] { SharpTraceRun.Start(["-e", Script], environment), BpftraceRun.Start(["-e", Script], environment) })
            {
                using (tool)
                {
                    await tool.WaitForAttachedAsync(Bound);
                    await RunProgramAsync(Path.Combine(first, "uprobe_target"), "1");
                    var result = await tool.WaitForExitAsync(Bound);

                    Assert.Equal((0, $"uprobe:{first}/uprobe_target:target_add\n"), (result.ExitCode, result.Stdout.TrimEnd('\n') + "\n"));
                    Assert.Contains(warning, result.Stderr);
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Once the tool has attached, one run of usdt_probes (each probe fired once), then the tool's exit.
    private static async Task<RunResult> TraceOneRunAsync(TracerProcess tool)
    {
        await tool.WaitForAttachedAsync(Bound);
        await TestPrograms.RunAsync("usdt_probes");
        return await tool.WaitForExitAsync(Bound);
    }

    private static async Task RunProgramAsync(string path, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(path) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var program = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"could not start {path}");
        _ = await program.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        await program.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, program.ExitCode);
    }
}
