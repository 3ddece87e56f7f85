using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// join() of execve's argv, cat() of a file and system() (with --unsafe) print what bpftrace 0.17 prints, in text and
/// in JSON. The -c command's pid filters the execve: it is the command's own exec, with arguments the test chose.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class JoinCatSystemTests : KernelTest
{
    private const string JoinScript = "tracepoint:syscalls:sys_enter_execve /pid == cpid/ { join(args->argv); join(args->argv, \",\"); }";

    public static TheoryData<string, string> JoinCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var format in new[] { "text", "json" })
        {
            data.Add(format, "/bin/true a bb ccc");
            // More than 16 arguments: bpftrace 0.17 reads 16.
            data.Add(format, "/bin/true " + string.Join(' ', Enumerable.Range(1, 18)));
            // An argument longer than a slot: cut to 1023 bytes.
            data.Add(format, "/bin/true " + new string('x', 2000) + " after");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(JoinCases))]
    public async Task JoinOfExecveArgumentsPrintsWhatBpftracePrints(string format, string command)
    {
        string[] args = ["-f", format, "-e", JoinScript, "-c", command];
        var expected = await BpftraceRun.RunAsync(args);
        var actual = await SharpTraceRun.RunAsync(args);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(0, actual.ExitCode);
        Assert.Equal(Output(format, expected.Stdout), Output(format, actual.Stdout));
        if (format == "json")
            JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        Assert.NotEmpty(Output(format, actual.Stdout));
    }

    [Fact]
    public async Task JoinPrintsTheArgumentsJoinedAndANewline()
    {
        var result = await SharpTraceRun.RunAsync(["-e", JoinScript, "-c", "/bin/true a bb ccc"]);

        Assert.Equal((0, "/bin/true a bb ccc\n/bin/true,a,bb,ccc\n"), (result.ExitCode, result.Stdout));
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task CatOfATempFilePrintsWhatBpftracePrints(string format)
    {
        var directory = Directory.CreateTempSubdirectory("sharptrace-cat-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "lines.txt"), "first line\nsecond \"quoted\"\n");
            File.WriteAllText(Path.Combine(directory.FullName, "file7"), "no newline at the end");
            var script = $$"""
                BEGIN {
                    cat("{{directory.FullName}}/lines.txt");
                    cat("{{directory.FullName}}/file%d", 7);
                    printf("|\n");
                    cat("{{directory.FullName}}/%s", "missing");
                    exit();
                }
                """;
            string[] args = ["-f", format, "-e", script];
            var expected = await BpftraceRun.RunAsync(args);
            var actual = await SharpTraceRun.RunAsync(args);

            Assert.Equal(0, expected.ExitCode);
            Assert.Equal(0, actual.ExitCode);
            Assert.Equal(Output(format, expected.Stdout), Output(format, actual.Stdout));
        if (format == "json")
            JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
            var missing = $"failed to open file '{directory.FullName}/missing': No such file or directory";
            Assert.Contains(missing, expected.Stderr);
            Assert.Contains(missing, actual.Stderr);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CatOfAFileLongerThanMaxCatBytesPrintsItsStart()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "abcdefghij");
            string[] args = ["-e", $"BEGIN {{ cat(\"{path}\"); exit(); }}"];
            var environment = new Dictionary<string, string> { ["BPFTRACE_CAT_BYTES_MAX"] = "4" };
            var expected = await BpftraceRun.RunAsync(args, environment);
            var actual = await SharpTraceRun.RunAsync(args, environment);

            Assert.Equal("abcd\n\n", expected.Stdout);
            Assert.Equal((0, "abcd"), (actual.ExitCode, actual.Stdout));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // bpftrace 0.17 waits for a writer (and ignores Ctrl-C meanwhile); we read what the FIFO holds now, which is
    // nothing without a writer, so the trace goes on and ends (docs/differences.md).
    [Fact]
    public async Task CatOfAFifoWithoutWriterPrintsNothingAndTheTraceGoesOn()
    {
        var fifo = Path.Combine(Path.GetTempPath(), $"st-fifo-{Guid.NewGuid():N}");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync().WaitAsync(TracerProcess.DefaultTimeout);
            Assert.Equal(0, mkfifo.ExitCode);
        }
        try
        {
            var actual = await SharpTraceRun.RunAsync(["-e", $"BEGIN {{ cat(\"{fifo}\"); printf(\"after\\n\"); exit(); }}"]);

            Assert.Equal((0, "after\n", ""), (actual.ExitCode, actual.Stdout, actual.Stderr.Replace("Attached 1 probe\n", "")));
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task SystemWithUnsafePrintsWhatBpftracePrints(string format)
    {
        const string script = """
            BEGIN {
                system("echo hi %d %s", 5, "x");
                printf("|\n");
                system("printf 'no newline'; echo 'to stderr' >&2; exit 3");
                printf("|\n");
                exit();
            }
            """;
        string[] args = ["--unsafe", "-f", format, "-e", script];
        var expected = await BpftraceRun.RunAsync(args);
        var actual = await SharpTraceRun.RunAsync(args);

        Assert.Equal(0, expected.ExitCode);
        Assert.Equal(0, actual.ExitCode);
        Assert.Equal(Output(format, expected.Stdout), Output(format, actual.Stdout));
        if (format == "json")
            JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        Assert.Contains("to stderr", expected.Stderr);
        Assert.Contains("to stderr", actual.Stderr);
    }

    [Fact]
    public async Task SystemWithoutUnsafeFailsWithBpftracesError()
    {
        string[] args = ["-e", """BEGIN { system("echo hi"); }"""];
        var expected = await BpftraceRun.RunAsync(args);
        var actual = await SharpTraceRun.RunAsync(args);

        Assert.Equal(1, expected.ExitCode);
        Assert.Equal((1, "", expected.Stderr), (actual.ExitCode, actual.Stdout, actual.Stderr));
        Assert.Contains("ERROR: system() is an unsafe function being used in safe mode", actual.Stderr);
    }

    /// <summary>
    /// The program's own output: in text, without the exit section's two newlines bpftrace always writes (DESIGN.md);
    /// in JSON, the records other than attached_probes.
    /// </summary>
    private static string Output(string format, string stdout)
    {
        if (format == "text")
            return stdout.EndsWith("\n\n", StringComparison.Ordinal) ? stdout[..^2] : stdout;
        return string.Join("\n", JsonLines.NonEmpty(stdout).Where(l => !l.Contains("\"attached_probes\"", StringComparison.Ordinal)));
    }
}
