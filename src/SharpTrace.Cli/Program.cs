using System.Collections;
using System.CommandLine.Help;
using System.Runtime.InteropServices;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Cli;

/// <summary>The <c>sharptrace</c> command: bpftrace's command line over the SharpTrace library's public API.</summary>
internal static partial class Program
{
    private static int Main(string[] args)
    {
        StandardStreams.Prepare();
        StopOnInterruptEvenInTheBackground();
        var commandLine = new CommandLineOptions();
        var options = commandLine.Parse(args, out var parse, out var error);
        if (parse.Action is HelpAction or HelpTextAction)
            return parse.Invoke();
        if (options is null)
        {
            Console.Error.WriteLine($"ERROR: {error} (see sharptrace --help)");
            return 1;
        }
        return Run(options);
    }

    /// <summary>
    /// A shell starts background jobs (<c>sharptrace ... &amp;</c>) with SIGINT ignored, and .NET then leaves it ignored,
    /// so <c>kill -INT</c> would not end the trace as it ends bpftrace's. Restoring the default before .NET sets up its
    /// signal handling lets the SIGINT registration below take effect.
    /// </summary>
    private static void StopOnInterruptEvenInTheBackground()
    {
        const int SigInt = 2;
        Signals.ResetToDefault(SigInt);
    }

    /// <summary>The version <c>-V</c> prints (<c>sharptrace v0.1.0</c>), as <c>bpftrace -V</c> prints <c>bpftrace v0.17.0</c>.</summary>
    internal static string Version => "sharptrace v" + TraceScript.Version.Split('+')[0];

    private static int Run(CliOptions options)
    {
        var stderr = Console.Error;
        ChildCommand? child = null;
        try
        {
            if (options.Version)
            {
                Console.Out.WriteLine(Version);
                return 0;
            }
            if (options.Compatibility.Refusal is { } refusal)
                return Fail(refusal);
            foreach (var notice in options.NoWarnings ? [] : options.Compatibility.Notices)
                Warn(notice);
            if (options.Compatibility.Mode == "format")
                return Format(options);
            if (CheckIncludes(options) is { } includeError)
                return Fail(includeError);
            if (options.Info)
                return Print(TraceScript.DescribeKernel(Version));

            var source = LoadSource(options);
            if (source is null && options.List)
            {
                if (options.Pid is { } listed && TargetProcess.Check(listed) is { } listedError)
                    return Fail(listedError);
                return Print(options.Pid is { } process
                    ? TraceScript.ListProbesWithDebugInfo(options.ListPattern, options.Verbose, process, options.DebugInfoDirectories, Warn)
                    : TraceScript.ListProbesWithDebugInfo(options.ListPattern, options.Verbose, null, options.DebugInfoDirectories, Warn), newline: false);
            }
            if (source is null)
                return Fail("give a program with -e 'program' or a script file (see --help)");

            if (options.DebugStages.Contains("ast"))
            {
                var parsed = TraceScript.Parse(source.Text, source.FileName);
                Console.Out.Write(parsed.PrintAst());
                if (ReportDiagnostics(parsed.Diagnostics, stderr, options) || !options.DebugStages.Any(stage => stage is "types" or "ir" or "bpf"))
                    return parsed.Diagnostics.Any(d => d.IsError) ? 1 : 0;
            }
            // -l and -d load nothing; a run and --dry-run load programs.
            var loads = options.DryRun || (!options.List && options.DebugStages.Count == 0);
            if (loads && RequireRoot() is { } notRoot)
                return notRoot;
            if (options.Pid is { } pid && TargetProcess.Check(pid) is { } pidError)
                return Fail(pidError);

            // The -c command starts (held) before compiling: its pid is the cpid builtin's value.
            if (options.Command is { } command && !options.List && options.DebugStages.Count == 0 && !options.DryRun)
                child = ChildCommand.Start(command);
            // Without a run (-l, -d, --dry-run) the command is not started, but cpid still compiles (as 0).
            var childPid = child?.Pid ?? (options.Command is null ? null : 0);
            if (Configure(options, childPid, out var configError) is not { } config)
                return Fail(configError!);

            var result = TraceScript.Compile(source.Text, new CompileOptions { FileName = source.FileName, Config = config });
            if (ReportDiagnostics(result.Diagnostics, stderr, options) || result.Program is not { } compiled)
                return 1;

            if (options.List)
                return Print(compiled.ListProbes(options.ListPattern, options.Verbose, Warn), newline: false);
            if (options.DebugStages.Contains("types"))
                Console.Out.Write(compiled.DescribeTypes());
            if (options.DebugStages.Contains("ir"))
                Console.Out.Write(compiled.DescribeIr());
            if (options.DebugStages.Contains("bpf"))
                return Print(compiled.Disassemble(), newline: false);
            if (options.DebugStages.Count > 0)
                return 0;
            // bpftrace checks the named arguments before it loads anything; "-- --help" lists them.
            if (compiled.CheckNamedArguments(options.NamedArguments.Keys, out var hint) is { } unexpected)
            {
                if (unexpected.Length > 0)
                    stderr.WriteLine($"ERROR: {unexpected}");
                if (hint is not null)
                    stderr.WriteLine($"HINT: {hint}");
                return 1;
            }
            // --probe-filter: the probes it leaves out are not loaded; with none left bpftrace has nothing to attach.
            if (options.ProbeFilter is { } filter)
            {
                compiled = compiled.WithProbeFilter(filter);
                if (compiled.ProbeNames.Count == 0)
                {
                    if (!options.Quiet)
                        Console.Out.WriteLine("No probes to attach");
                    return 1;
                }
            }
            // bpftrace's dry run: everything a run does up to attaching (the kernel loads and verifies each program).
            if (options.DryRun)
            {
                compiled.Verify();
                return 0;
            }
            // A script of only comments, config or struct definitions: bpftrace's words, on stdout, and exit 1.
            if (compiled.ProbeNames.Count == 0)
            {
                if (!options.Quiet)
                    Console.Out.WriteLine("No probes to attach");
                return 1;
            }

            using var output = OutputTarget.Open(options.OutputFile, options.Buffering);
            using var flameGraph = options.FlameGraphFile is { } svgPath ? OutputTarget.OpenFlameGraph(svgPath) : null;
            var subtitle = "sharptrace " + (source.FileName == "stdin" && options.Program is not null ? "-e '" + options.Program + "'" : source.FileName);
            var printer = new EventPrinter(OutputTarget.Writer(options.Format, output, flameGraph, subtitle, options.NoWarnings ? null : Warn));
            using var cancellation = new CancellationTokenSource();
            // SIGHUP keeps its default action: it ends sharptrace at once, without END, as it ends bpftrace.
            var stopSignals = new StopSignals(cancellation);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, stopSignals.Handle);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, stopSignals.Handle);
            // The trace ends with the -c command, or with the -p process.
            child?.Exited.ContinueWith(_ => cancellation.Cancel(), TaskScheduler.Default);
            if (options.Pid is { } target)
                _ = WatchProcessAsync(target, cancellation);
            var notifyAttached = Environment.GetEnvironmentVariable("__BPFTRACE_NOTIFY_PROBES_ATTACHED") is not null;
            var mode = options.Compatibility.Mode;
            // Outside their mode, test and bench probes are ignored: with nothing else, bpftrace's hint.
            if (mode is null && compiled.ProbeNames.All(name => name.StartsWith("test:", StringComparison.Ordinal) || name.StartsWith("bench:", StringComparison.Ordinal)))
                return Fail(compiled.ProbeNames.Any(name => name.StartsWith("test:", StringComparison.Ordinal))
                    ? "No probes attached; use --test to run test probes."
                    : "No probes attached; use --bench to run benchmark probes.");
            var run = new RunOptions
            {
                MetricsEndpoint = options.MetricsEndpoint, MetricsLabels = options.MetricsLabels, Tests = mode == "test", Benchmarks = mode == "bench",
            };
            var messages = new ScriptMessageRule(Json: options.Format == "json", Warnings: !options.NoWarnings);
            return PrintRun(compiled, run, printer, messages, options.Quiet, notifyAttached, OutputTarget.FlushesWhenDrained(options.Buffering), child, cancellation.Token);
        }
        catch (BpfLoadException e)
        {
            stderr.WriteLine($"ERROR: {e.Message}");
            if (options.Verbose)
                stderr.WriteLine(e.VerifierLog);
            else
                stderr.WriteLine("(run with -v to see the verifier log)");
            return 1;
        }
        catch (IOException e) when (StandardStreams.IsBrokenPipe(e))
        {
            // The reader of our output is gone (| head): the run has already detached everything; end as bpftrace does.
            child?.Dispose();
            return StandardStreams.DieOfBrokenPipe();
        }
        catch (ProbeUnavailableException e) when (e.LocatedDiagnostic is not null)
        {
            stderr.Write(e.LocatedDiagnostic);
            return 1;
        }
        catch (Exception e) when (e is KernelException or CompileException or ChildCommandException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ERROR: {e.Message}");
            return 1;
        }
        finally
        {
            child?.Dispose();
        }
    }

    private static void Warn(string message) => Console.Error.WriteLine($"WARNING: {message}");

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"ERROR: {message}");
        return 1;
    }

    private static int Print(string text, bool newline = true)
    {
        if (newline)
            Console.Out.WriteLine(text);
        else
            Console.Out.Write(text);
        return 0;
    }

    /// <summary>
    /// Runs the program and prints its events as they come; returns the exit code. The run is in this (the main)
    /// thread, so BEGIN and END see the process's own tid and comm, as in bpftrace.
    /// </summary>
    private static int PrintRun(TraceProgram program, RunOptions run, EventPrinter printer, ScriptMessageRule messages, bool quiet, bool notifyAttached, bool flushWhenDrained, ChildCommand? child, CancellationToken cancellation)
    {
        var exitCode = 0;
        program.Run(traceEvent =>
        {
            if (traceEvent is ScriptMessageEvent { Message: var message })
            {
                // errorf/warnf: text goes to stderr, JSON is a record of the output; --no-warnings silences warnf in both.
                if (message.IsError || messages.Warnings)
                {
                    if (messages.Json)
                        printer.Print(traceEvent);
                    else
                        Console.Error.WriteLine(message.Format());
                }
                return;
            }
            // -q silences the attach message in every format: no attached_probes record in JSON either (the newest
            // bpftrace writes it only when not quiet).
            if ((traceEvent is not DrainedEvent || flushWhenDrained) && !(quiet && traceEvent is AttachedEvent))
                printer.Print(traceEvent);
            switch (traceEvent)
            {
                // stdout keeps only the program's output: the attach line and warnings go to stderr.
                case AttachedEvent attached:
                    if (!quiet)
                        Console.Error.WriteLine(attached.ProbeCount == 1 ? "Attached 1 probe" : $"Attached {attached.ProbeCount} probes");
                    if (notifyAttached)
                    {
                        Console.Out.WriteLine("__BPFTRACE_NOTIFY_PROBES_ATTACHED");
                        Console.Out.Flush();
                    }
                    break;
                case StartedEvent:
                    child?.Release();
                    break;
                case WarningEvent warning:
                    Console.Error.WriteLine($"WARNING: {warning.Message}");
                    break;
                case ExitEvent exit:
                    exitCode = exit.ExitCode;
                    break;
            }
        }, run, cancellation);
        return exitCode;
    }

    /// <summary>How errorf()/warnf() messages print: as JSON records, or on stderr; warnf's only with warnings on.</summary>
    private sealed record ScriptMessageRule(bool Json, bool Warnings);

    /// <summary>Null when running as root; else reports why not and returns the exit code.</summary>
    private static int? RequireRoot() => Native.GetEffectiveUserId() == 0
        ? null
        : Fail("sharptrace must run as root: loading BPF programs needs CAP_BPF and CAP_PERFMON");

    private sealed record ScriptSource(string Text, string FileName);

    private static ScriptSource? LoadSource(CliOptions options)
    {
        // bpftrace takes an empty -e as no program at all.
        if (options.Program is { Length: > 0 } text)
            return new ScriptSource(text, "stdin");
        if (options.Program is not null)
            return null;
        return options.ScriptFile switch
        {
            null => null,
            "-" when StandardStreams.WasClosedAtStart(0) => throw new IOException("cannot read the program from standard input: it is closed"),
            "-" => new ScriptSource(Console.In.ReadToEnd(), "stdin"),
            var path => new ScriptSource(TraceScript.ReadFile(path), path),
        };
    }

    /// <summary>
    /// -I directories must exist and --include files must be found in them or the system include folders. Only
    /// their integer macros are read: kernel types come from BTF (see docs/cli.md).
    /// </summary>
    private static string? CheckIncludes(CliOptions options)
    {
        if (options.IncludeDirectories.FirstOrDefault(d => !Directory.Exists(d)) is { } missingDirectory)
            return $"-I {missingDirectory}: no such directory";
        var searched = TraceScript.HeaderSearchPath(options.IncludeDirectories);
        foreach (var include in options.Includes)
        {
            var candidates = Path.IsPathRooted(include) ? [include] : searched.Select(d => Path.Combine(d, include));
            var found = candidates.Where(File.Exists).Take(1).ToList();
            if (found.Count == 0)
                return $"--include {include}: file not found (searched {string.Join(", ", searched)})";
            try
            {
                _ = TraceScript.ReadFile(found[0]);
            }
            catch (IOException e)
            {
                return $"--include {include}: {e.Message}";
            }
        }
        return null;
    }

    /// <summary>
    /// The program's configuration: defaults, then BPFTRACE_* environment variables, then the command line; a
    /// script's config block is applied later by the binder and loses to both (bpftrace's precedence).
    /// </summary>
    internal static ProgramConfig? Configure(CliOptions options, int? childPid, out string? error) =>
        Configure(options, childPid, EnvironmentVariables(), out error);

    internal static ProgramConfig? Configure(CliOptions options, int? childPid, IReadOnlyDictionary<string, string> environment, out string? error)
    {
        if (new ProgramConfig().WithEnvironment(environment, out error) is not { } config)
            return null;
        if (options.NoPrintMaps)
            config = config with { PrintMapsOnExit = false, SetOutsideScript = new HashSet<string>(config.SetOutsideScript) { "print_maps_on_exit" } };
        return config with
        {
            PositionalParameters = options.Parameters, NamedArguments = options.NamedArguments, ChildPid = childPid, TargetPid = options.Pid, Unsafe = options.Unsafe,
            IncludeDirectories = options.IncludeDirectories, IncludeFiles = options.Includes, DebugInfoDirectories = options.DebugInfoDirectories,
        };
    }

    private static Dictionary<string, string> EnvironmentVariables()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            variables[(string)entry.Key] = entry.Value as string ?? "";
        return variables;
    }

    /// <summary>-p: ends the trace when the process has exited, a zombie included (bpftrace watches it through a pidfd).</summary>
    private static async Task WatchProcessAsync(int pid, CancellationTokenSource cancellation)
    {
        while (!cancellation.IsCancellationRequested && TargetProcess.IsRunning(pid))
            await Task.Delay(100).ConfigureAwait(false);
        await cancellation.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Writes every diagnostic to stderr (warnings only without --no-warnings); returns true when any is an error.</summary>
    /// <summary>
    /// Prints the diagnostics, at most <see cref="MaxShownDiagnostics"/> of them: a file of random bytes gave 13,547
    /// errors (12 MB of stderr), of which only the first few help.
    /// </summary>
    private static bool ReportDiagnostics(IReadOnlyList<Diagnostic> diagnostics, TextWriter stderr, CliOptions options)
    {
        var shown = diagnostics.Where(d => d.IsError || !options.NoWarnings).ToList();
        foreach (var diagnostic in shown.Take(MaxShownDiagnostics))
            stderr.Write(diagnostic.Format());
        if (shown.Count > MaxShownDiagnostics)
            stderr.WriteLine($"ERROR: {shown.Count - MaxShownDiagnostics} more errors and warnings not shown");
        return diagnostics.Any(d => d.IsError);
    }

    private const int MaxShownDiagnostics = 20;

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "geteuid")]
        public static partial uint GetEffectiveUserId();
    }
}
