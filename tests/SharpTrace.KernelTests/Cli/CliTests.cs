using System.Diagnostics;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary>bpftrace's command-line options, each run through the real `sharptrace` binary against the real kernel.</summary>
[Trait("Category", "Kernel")]
public sealed class CliTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private static string TempPath(string suffix) => Path.Combine(Path.GetTempPath(), $"sharptrace-cli-{Guid.NewGuid():N}{suffix}");

    /// <summary>Runs a shell command line (for stdin and shebang runs), bounded, with sharptrace's folder first on PATH.</summary>
    private static async Task<RunResult> RunShellAsync(string commandLine)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(commandLine);
        start.Environment["PATH"] = Path.GetDirectoryName(SharpTraceRun.BinaryPath) + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new RunResult(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task PositionalParametersAreSubstituted()
    {
        const string Program = "BEGIN { printf(\"%d %s %d\\n\", $1, str($2), $#); exit(); }";
        var expected = await BpftraceRun.RunAsync(["-e", Program, "5", "abc"]);
        var actual = await SharpTraceRun.RunAsync(["-e", Program, "5", "abc"]);

        Assert.Equal("5 abc 2\n", expected.Stdout.TrimEnd('\n') + "\n"); // bpftrace 0.17 adds its exit section's newlines
        Assert.Equal((0, "5 abc 2\n"), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task ProgramFromStandardInput()
    {
        // printf '%s', not echo: dash's echo would turn the script's \n into a newline.
        var result = await RunShellAsync("printf '%s' 'BEGIN { printf(\"stdin %d\\n\", $1); exit(); }' | sharptrace -q - 42");
        Assert.Equal((0, "stdin 42\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task SigintEndsABackgroundJobAsItEndsBpftrace()
    {
        // A non-interactive shell starts background jobs with SIGINT ignored; .NET would keep ignoring it.
        var stderr = TempPath(".err");
        var result = await RunShellAsync(
            // An attached probe that never fires keeps the run going until SIGINT (begin and end alone end by themselves).
            $"sharptrace -e 'BEGIN {{ printf(\"begun\\n\"); }} END {{ printf(\"ended\\n\"); }} interval:s:3600 {{ }}' 2>{stderr} & job=$!; " +
            $"for i in $(seq 100); do grep -q Attached {stderr} && break; sleep 0.1; done; kill -INT $job; wait $job; echo \"exit $?\"");

        Assert.Equal("begun\nended\nexit 0\n", result.Stdout);
        File.Delete(stderr);
    }

    [Fact]
    public async Task ShebangScriptRunsAsAnExecutable()
    {
        var script = TempPath(".bt");
        await File.WriteAllTextAsync(script, "#!/usr/bin/env sharptrace\nBEGIN { printf(\"hello %s\\n\", str($1)); exit(); }\n");
        Assert.Equal(0, (await RunShellAsync($"chmod +x {script}")).ExitCode);
        try
        {
            var result = await RunShellAsync($"{script} -q world");
            Assert.Equal((0, "hello world\n", ""), (result.ExitCode, result.Stdout, result.Stderr));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task ListingMatchesBpftrace()
    {
        var expected = await BpftraceRun.RunAsync(["-lv", "tracepoint:sched:*"]);
        var actual = await SharpTraceRun.RunAsync(["-lv", "tracepoint:sched:*"]);

        Assert.Equal(0, actual.ExitCode);
        Assert.Contains("tracepoint:sched:sched_switch\n    char prev_comm[16]\n", actual.Stdout);
        Assert.Equal(expected.Stdout, actual.Stdout);
    }

    [Fact]
    public async Task ListingAProgramListsItsExpandedProbes()
    {
        // The newest bpftrace lists no special probe (begin, end, self: probe_matcher.cpp get_probes_for_listing).
        var result = await SharpTraceRun.RunAsync(["-l", "-e", "BEGIN { } t:syscalls:sys_enter_openat* { } END { } self:signal:SIGUSR1 { }"]);
        Assert.Equal((0, "tracepoint:syscalls:sys_enter_openat\ntracepoint:syscalls:sys_enter_openat2\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task DebugStagesPrintAndExit()
    {
        var result = await SharpTraceRun.RunAsync(["-d", "ast,bpf", "-e", "BEGIN { @x = 1; }"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("AttachPoint \"BEGIN\"", result.Stdout); // -d ast: as written
        Assert.Contains("\nbegin:\n", result.Stdout); // -d bpf: the newest's name
        Assert.Contains("exit", result.Stdout);
        Assert.DoesNotContain("Attached", result.Stderr);
    }

    [Fact]
    public async Task DryRunPrintsNothing()
    {
        var result = await SharpTraceRun.RunAsync(["--dry-run", "-e", "BEGIN { printf(\"no\\n\"); exit(); }"]);
        Assert.Equal((0, "", ""), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task OutputFileGetsJson()
    {
        var file = TempPath(".json");
        try
        {
            var result = await SharpTraceRun.RunAsync(["-f", "json", "-o", file, "-e", "BEGIN { @a = 1; printf(\"hi\\n\"); exit(); }"]);
            Assert.Equal((0, ""), (result.ExitCode, result.Stdout));
            Assert.Equal(
                "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n{\"type\": \"printf\", \"data\": \"hi\\n\"}\n{\"type\": \"map\", \"data\": {\"@a\": 1}}\n",
                await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("full")]
    [InlineData("none")]
    [InlineData("line")]
    public async Task EveryBufferingModeWritesEverythingByExit(string mode)
    {
        var result = await SharpTraceRun.RunAsync(["-B", mode, "-q", "-e", "BEGIN { printf(\"a\\n\"); printf(\"b\\n\"); exit(); }"]);
        Assert.Equal((0, "a\nb\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task CommandRunsAfterAttachAndCpidIsItsPid()
    {
        // -c takes words, not a shell line: the shell script prints its own pid.
        var script = TempPath(".sh");
        File.WriteAllText(script, "echo child $$\n");
        var result = await SharpTraceRun.RunAsync(["-q", "-e", "BEGIN { printf(\"cpid %d\\n\", cpid); }", "-c", $"sh {script}"]);
        File.Delete(script);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var cpid = Assert.Single(lines, l => l.StartsWith("cpid ", StringComparison.Ordinal))["cpid ".Length..];
        Assert.Contains($"child {cpid}", lines);
    }

    [Fact]
    public async Task CommandWordsArePassedLiterallyNeverThroughAShell()
    {
        // As bpftrace: the command line is split at spaces and handed to the program as it is.
        var marker = TempPath(".touched");
        var result = await SharpTraceRun.RunAsync(["-q", "-e", "END { }", "-c", $"echo $(touch {marker}) `id` 'a'  $HOME;"]);

        Assert.Equal((0, $"$(touch {marker}) `id` 'a' $HOME;\n"), (result.ExitCode, result.Stdout));
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("/nonexistent/program")]
    [InlineData("no-such-program-on-path")]
    public async Task MissingCommandFailsBeforeAnythingIsAttached(string program)
    {
        var result = await SharpTraceRun.RunAsync(["-e", "BEGIN { printf(\"began\\n\"); } END { printf(\"ended\\n\"); }", "-c", $"{program} arg"]);

        // bpftrace 0.17 writes "path" in lower case; the newest bpftrace "Path" (docs/differences.md).
        Assert.Equal(new RunResult(1, "", $"ERROR: Failed to fork child: Path '{program}' does not exist or is not executable\n"), result);
    }

    [Fact]
    public async Task CommandDiesWithSharptraceKilled()
    {
        using var tool = SharpTraceRun.Start(["-e", "END { }", "-c", "sleep 60"]);
        await tool.WaitForAttachedAsync(Bound);
        var children = Directory.GetDirectories($"/proc/{tool.Id}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse).ToList();
        var child = Assert.Single(children);
        // Released once BEGIN ran, the held command becomes sleep (setpriv, then the stub shell, exec it).
        var running = DateTime.UtcNow + Bound;
        while (!File.ReadAllText($"/proc/{child}/cmdline").Contains("sleep", StringComparison.Ordinal) && DateTime.UtcNow < running)
            await Task.Delay(20);
        Assert.Contains("sleep", File.ReadAllText($"/proc/{child}/cmdline"));

        tool.KillAbruptly();

        var deadline = DateTime.UtcNow + Bound;
        while (Directory.Exists($"/proc/{child}") && !File.ReadAllText($"/proc/{child}/stat").Contains(") Z ") && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(!Directory.Exists($"/proc/{child}") || File.ReadAllText($"/proc/{child}/stat").Contains(") Z "),
            "the -c command outlived the sharptrace that started it");
    }

    [Theory]
    [InlineData("// only a comment")]
    [InlineData("config = { max_map_keys = 10 }")]
    [InlineData("struct point { int x; int y; }")]
    public async Task ProgramWithoutProbesEndsAtOnceWithAnError(string program)
    {
        // The newest bpftrace: "No probes to attach" on stdout, exit 1 (0.17 rejects these as syntax errors; docs/differences.md).
        var result = await SharpTraceRun.RunAsync(["-e", program]);
        Assert.Equal(new RunResult(1, "No probes to attach\n", ""), result);
        var quiet = await SharpTraceRun.RunAsync(["-q", "-e", program]);
        Assert.Equal(new RunResult(1, "", ""), quiet);
    }

    [Theory]
    [InlineData("tracepoint:nosuch:probe { }")]
    [InlineData("tracepoint:.syscalls:sys_enter_read { }")]
    [InlineData("tracepoint:syscalls:.. { }")]
    public async Task MissingTracepointIsAPositionedErrorAsInBpftrace(string program)
    {
        var expected = await BpftraceRun.RunAsync(["-e", program]);
        var actual = await SharpTraceRun.RunAsync(["-e", program]);

        Assert.StartsWith("stdin:1:1-", expected.Stderr);
        // The position and the caret line are 0.17's; the words the newest bpftrace's (docs/differences.md).
        var newest = System.Text.RegularExpressions.Regex.Replace(expected.Stderr, "ERROR: tracepoint not found: (\\S+)\n", "ERROR: No matches for tracepoint $1.\n");
        Assert.NotEqual(expected.Stderr, newest);
        Assert.Equal(expected with { Stderr = newest }, actual);
    }

    [Fact]
    public async Task AReaderThatGoesAwayEndsTheTraceAsSigpipeEndsBpftrace()
    {
        // bpftrace dies of SIGPIPE at once (status 141); so do we, after detaching every probe (the leak check).
        var result = await RunShellAsync(
            "(sharptrace -e 'interval:ms:10 { printf(\"line\\n\"); }' 2>/dev/null; echo \"status $?\" >&2) | head -2");

        Assert.Equal(new RunResult(0, "line\nline\n", "status 141\n"), result);
    }

    [Theory]
    [InlineData("2>/dev/full", "x\n", 0)]
    [InlineData("2>&-", "x\n", 0)]
    [InlineData(">&-", "", 0)]
    [InlineData("-o ''", "x\n", 0)]
    public async Task ClosedOrFullStandardStreamsDoNotCrashTheTrace(string redirection, string stdout, int exitCode)
    {
        var result = await RunShellAsync($"sharptrace -q {redirection} -e 'BEGIN {{ printf(\"x\\n\"); exit(); }}'; echo \"status $?\"");

        Assert.Equal($"{stdout}status {exitCode}\n", result.Stdout);
        Assert.DoesNotContain("Unhandled exception", result.Stderr);
    }

    [Fact]
    public async Task ReadingTheProgramFromAClosedStdinIsAnError()
    {
        var result = await RunShellAsync("sharptrace - <&-");
        Assert.Equal(new RunResult(1, "", "ERROR: cannot read the program from standard input: it is closed\n"), result);
    }

    [Fact]
    public async Task TheReadmeWrapperSaysOnceThatItBuildsThenRunsATrace()
    {
        // ./sharptrace (the README's first command) builds on first use and after a change: one line on stderr says so.
        var wrapper = Path.Combine(Repository.Root, "sharptrace");
        var stamp = Path.Combine(Repository.Root, "src/SharpTrace.Cli/bin/Release/.sharptrace-wrapper-stamp");
        if (File.Exists(stamp))
            File.Delete(stamp);
        var start = new ProcessStartInfo(wrapper) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-q", "-e", "BEGIN { printf(\"hi\\n\"); exit(); }"])
            start.ArgumentList.Add(argument);

        async Task<RunResult> RunWrapper()
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            return new RunResult(process.ExitCode, await stdout, await stderr);
        }

        Assert.Equal(new RunResult(0, "hi\n", "sharptrace: building src/SharpTrace.Cli (Release), once after each change...\n"), await RunWrapper());
        Assert.Equal(new RunResult(0, "hi\n", ""), await RunWrapper());
    }

    [Fact]
    public async Task FilesThatNeverEndAreRefusedInsteadOfRead()
    {
        // Reading /dev/zero never ends and opening a FIFO waits for a writer: each is one clear error, at once.
        var fifo = TempPath(".fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync().WaitAsync(Bound);
            Assert.Equal(0, mkfifo.ExitCode);
        }
        try
        {
            Assert.Equal(new RunResult(1, "", "ERROR: /dev/zero: not a regular file\n"), await SharpTraceRun.RunAsync(["/dev/zero"]));
            Assert.Equal(new RunResult(1, "", $"ERROR: {fifo}: not a regular file\n"), await SharpTraceRun.RunAsync([fifo]));
            Assert.Equal(new RunResult(1, "", "ERROR: /tmp: not a regular file\n"), await SharpTraceRun.RunAsync(["/tmp"]));
            Assert.Equal(new RunResult(1, "", "ERROR: --include /dev/zero: /dev/zero: not a regular file\n"),
                await SharpTraceRun.RunAsync(["--include", "/dev/zero", "-e", "BEGIN { exit(); }"]));
            foreach (var target in (string[])["/dev/zero", fifo])
            {
                var uprobe = await SharpTraceRun.RunAsync(["-e", $"uprobe:{target}:* {{ }}"]);
                Assert.Equal(1, uprobe.ExitCode);
                Assert.StartsWith($"stdin:1:1-{target.Length + 10}: ERROR: uprobe target file '{target}' cannot be read: {target}: not a regular file\n", uprobe.Stderr);
            }
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Fact]
    public async Task ThousandsOfErrorsAreCutToTheFirstTwenty()
    {
        var script = TempPath(".bt");
        File.WriteAllText(script, string.Concat(Enumerable.Repeat("BEGIN { prnt(); }\n", 300)));
        var result = await SharpTraceRun.RunAsync([script]);
        File.Delete(script);

        Assert.Equal(1, result.ExitCode);
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Count(l => l.Contains("ERROR: Unknown function: prnt", StringComparison.Ordinal)));
        Assert.Equal("ERROR: 280 more errors and warnings not shown", lines[^1]);
    }

    [Fact]
    public async Task EmptyProgramIsNoProgram()
    {
        var result = await SharpTraceRun.RunAsync(["-e", ""]);
        Assert.Equal((1, ""), (result.ExitCode, result.Stdout));
        Assert.StartsWith("ERROR: give a program with -e 'program' or a script file", result.Stderr);
    }

    [Fact]
    public async Task CommandIsTracedOnlyAfterAttach()
    {
        // The command's own openat calls are seen: it did not run before the probe was attached.
        var path = TempPath(".missing");
        var result = await SharpTraceRun.RunAsync(["-q", "-e",
            $"tracepoint:syscalls:sys_enter_openat /pid == cpid && str(args.filename) == \"{path}\"/ {{ @opens = count(); }}",
            "-c", $"{TestPrograms.PathOf("opener")} {path}"]);
        Assert.Equal((0, "\n\n@opens: 1\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task PidFiltersEventsAndEndsWithTheProcess()
    {
        // A shell that waits, then becomes the opener (same pid): only its openat calls count, and its exit ends the trace.
        var path = TempPath(".missing");
        using var target = Process.Start("/bin/sh", ["-c", $"sleep 3; exec {TestPrograms.PathOf("opener")} {path}"])!;
        var result = await SharpTraceRun.RunAsync(["-q", "-p", target.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e",
            $"tracepoint:syscalls:sys_enter_openat {{ @[pid == {target.Id}] = count(); }}"]);

        // The key is a comparison: a bool, true or false, in the newest bpftrace (0.17 prints 1 or 0; docs/differences.md).
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("\n\n@[true]: ", result.Stdout);
        Assert.DoesNotContain("@[false]", result.Stdout);
        Assert.True(target.HasExited);
    }

    [Fact]
    public async Task MissingPidIsOneLineError()
    {
        var result = await SharpTraceRun.RunAsync(["-p", "99999999", "-e", "BEGIN { exit(); }"]);
        Assert.Equal((1, "ERROR: -p 99999999: no such process\n"), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public async Task IncludeOptionsAreChecked()
    {
        var ok = await SharpTraceRun.RunAsync(["-q", "-I", "/usr/include", "--include", "linux/bpf.h", "-e", "BEGIN { printf(\"ok\\n\"); exit(); }"]);
        Assert.Equal((0, "ok\n"), (ok.ExitCode, ok.Stdout));
        var missing = await SharpTraceRun.RunAsync(["--include", "no/such.h", "-e", "BEGIN { exit(); }"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("ERROR: --include no/such.h: file not found", missing.Stderr);
    }

    [Fact]
    public async Task InfoSaysKprobesAreMissing()
    {
        var result = await SharpTraceRun.RunAsync(["--info"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  kprobe: no (no kprobe PMU and no kprobe_events: kernel built without CONFIG_KPROBES)\n", result.Stdout);
        Assert.Contains("  tracepoint: yes\n", result.Stdout);
        Assert.Contains("  ringbuf: yes\n", result.Stdout);
        Assert.Contains("  probe_read_user_str: yes\n", result.Stdout);
    }

    // The newest bpftrace's --info names get_tai_ns, lookup_percpu_elem, iter, kprobe_multi, uprobe_multi and kprobe_session so; its runtime tests' engine reads
    // them (REQUIRES_FEATURE). This kernel runs raw tracepoints, iterators and multi-uprobe links, has no kprobes and refuses BPF trampolines.
    [Fact]
    public async Task InfoSaysWhichProbeKindsAndHelpersTheNewestAsksAbout()
    {
        var result = await SharpTraceRun.RunAsync(["--info"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("  get_tai_ns: yes\n", result.Stdout);
        Assert.Contains("  lookup_percpu_elem: yes\n", result.Stdout);
        Assert.Contains("  rawtracepoint: yes\n", result.Stdout);
        Assert.Contains("  iter: yes\n", result.Stdout);
        Assert.Contains("  fentry: no (operation not permitted)\n", result.Stdout);
        Assert.Contains("  uprobe_multi: yes\n", result.Stdout);
        Assert.Contains("  kprobe_multi: no (operation not supported)\n", result.Stdout);
        Assert.Contains("  kprobe_session: no (operation not supported)\n", result.Stdout);
    }

    [Fact]
    public async Task VersionPrintsOneLine()
    {
        var result = await SharpTraceRun.RunAsync(["-V"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^sharptrace v\d+\.\d+\.\d+\S*\n$", result.Stdout);
    }

    [Fact]
    public async Task BadOptionIsOneLineAndExitCodeOne()
    {
        var result = await SharpTraceRun.RunAsync(["-B", "sometimes", "-e", "BEGIN { exit(); }"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("ERROR: ", result.Stderr);
    }

    [Fact]
    public async Task NoPrintMapsWinsOverConfigBlock()
    {
        var result = await SharpTraceRun.RunAsync(["--no-print-maps", "-e", "config = { print_maps_on_exit = true } BEGIN { @x = 1; exit(); }"]);
        Assert.Equal((0, ""), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task EnvironmentWinsOverConfigBlock()
    {
        // The setting the program is compiled with: the environment's 8, not the block's 32 (as the newest bpftrace's
        // docs say), and the size of a str() read at run time. A str($1) would not show it: the newest folds it into the
        // parameter's literal, uncut.
        var result = await SharpTraceRun.RunAsync(["-e", "config = { max_strlen = 32 } BEGIN { print(config.max_strlen); print(sizeof(str(pid))); exit(); }"],
            new Dictionary<string, string> { ["BPFTRACE_MAX_STRLEN"] = "8" });
        Assert.Equal((0, "8\n8\n"), (result.ExitCode, result.Stdout));
    }
}
