using System.CommandLine;
using System.Runtime.InteropServices;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Cli;

/// <summary>The <c>sharptrace</c> command: bpftrace's command line over the SharpTrace library.</summary>
internal static partial class Program
{
    private static int Main(string[] args)
    {
        var program = new Option<string?>("-e") { Description = "Program text to run", HelpName = "program" };
        var scriptFile = new Argument<string?>("filename") { Description = "Script file to run ('-' reads standard input)", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("-f") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var outputFile = new Option<string?>("-o") { Description = "Write the program's output to a file", HelpName = "file" };
        var quiet = new Option<bool>("-q") { Description = "Keep messages quiet (no 'Attached N probes')" };
        var verbose = new Option<bool>("-v") { Description = "Verbose messages, such as the verifier log of a rejected program" };
        var dump = new Option<string?>("-d") { Description = "Print a compiler stage and exit: ast or bpf", HelpName = "stage" };
        dump.AcceptOnlyFromAmong("ast", "bpf");
        var dryRun = new Option<bool>("--dry-run") { Description = "Compile and load, but attach nothing" };
        var noPrintMaps = new Option<bool>("--no-print-maps") { Description = "Do not print maps at exit" };
        var version = new Option<bool>("-V", "--version") { Description = "Print the version (sharptrace vX.Y.Z) and exit" };

        var root = new RootCommand("sharptrace: run bpftrace programs, compiled straight to eBPF")
        {
            program, scriptFile, format, outputFile, quiet, verbose, dump, dryRun, noPrintMaps,
        };
        // Ours replaces System.CommandLine's --version, which prints the bare version and knows no -V.
        root.Options.Remove(root.Options.OfType<VersionOption>().Single());
        root.Options.Add(version);
        root.SetAction(parse => parse.GetValue(version) ? PrintVersion() : Run(new CliOptions(
            parse.GetValue(program),
            parse.GetValue(scriptFile),
            parse.GetValue(format) ?? "text",
            parse.GetValue(outputFile),
            parse.GetValue(quiet),
            parse.GetValue(verbose),
            parse.GetValue(dump),
            parse.GetValue(dryRun),
            parse.GetValue(noPrintMaps))));
        return root.Parse(args).Invoke();
    }

    /// <summary>Prints <c>sharptrace v0.1.0</c>, as <c>bpftrace -V</c> prints <c>bpftrace v0.17.0</c>.</summary>
    private static int PrintVersion()
    {
        Console.Out.WriteLine($"sharptrace v{TraceScript.Version}");
        return 0;
    }

    private sealed record CliOptions(
        string? Program, string? ScriptFile, string Format, string? OutputFile,
        bool Quiet, bool Verbose, string? Dump, bool DryRun, bool NoPrintMaps);

    private static int Run(CliOptions options)
    {
        var stderr = Console.Error;
        try
        {
            if (LoadSource(options) is not { } source)
            {
                stderr.WriteLine("ERROR: give a program with -e 'program' or a script file (see --help)");
                return 1;
            }

            if (options.Dump == "ast")
            {
                var parsed = TraceScript.Parse(source.Text, source.FileName);
                Console.Out.Write(parsed.PrintAst());
                return ReportDiagnostics(parsed.Diagnostics, stderr) ? 1 : 0;
            }

            if (Native.GetEffectiveUserId() != 0)
            {
                stderr.WriteLine("ERROR: sharptrace must run as root: loading BPF programs needs CAP_BPF and CAP_PERFMON");
                return 1;
            }

            var result = TraceScript.Compile(source.Text, new CompileOptions { FileName = source.FileName, Config = ConfigFromEnvironment(options) });
            if (ReportDiagnostics(result.Diagnostics, stderr) || result.Program is not { } compiled)
                return 1;

            if (options.Dump == "bpf")
            {
                Console.Out.Write(compiled.Disassemble());
                return 0;
            }
            if (options.DryRun)
                return 0;

            using var output = OpenOutput(options.OutputFile);
            var printer = new EventPrinter(options.Format == "json" ? new JsonOutputWriter(output) : new TextOutputWriter(output));
            var notifyAttached = Environment.GetEnvironmentVariable("__BPFTRACE_NOTIFY_PROBES_ATTACHED") is not null;
            using var cancellation = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            return PrintRun(compiled, printer, options.Quiet, notifyAttached, cancellation.Token);

            void Stop(PosixSignalContext context)
            {
                context.Cancel = true;
                cancellation.Cancel();
            }
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
        catch (Exception e) when (e is KernelException or CompileException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"ERROR: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Runs the program and prints its events as they come; returns the exit code. The run is in this (the main)
    /// thread, so BEGIN and END see the process's own tid and comm, as in bpftrace.
    /// </summary>
    private static int PrintRun(TraceProgram program, EventPrinter printer, bool quiet, bool notifyAttached, CancellationToken cancellation)
    {
        var exitCode = 0;
        program.Run(traceEvent =>
        {
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
                case WarningEvent warning:
                    Console.Error.WriteLine($"WARNING: {warning.Message}");
                    break;
                case ExitEvent exit:
                    exitCode = exit.ExitCode;
                    break;
            }
        }, cancellation);
        return exitCode;
    }

    private sealed record ScriptSource(string Text, string FileName);

    private static ScriptSource? LoadSource(CliOptions options)
    {
        if (options.Program is { } text)
            return new ScriptSource(text, "stdin");
        return options.ScriptFile switch
        {
            null => null,
            "-" => new ScriptSource(Console.In.ReadToEnd(), "stdin"),
            var path => new ScriptSource(File.ReadAllText(path), path),
        };
    }

    private static TextWriter OpenOutput(string? path)
    {
        if (path is null)
            return new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        return new StreamWriter(path, append: false) { AutoFlush = true };
    }

    /// <summary>Writes every diagnostic to stderr; returns true when any is an error.</summary>
    private static bool ReportDiagnostics(IReadOnlyList<Diagnostic> diagnostics, TextWriter stderr)
    {
        foreach (var diagnostic in diagnostics)
            stderr.Write(diagnostic.Format());
        return diagnostics.Any(d => d.IsError);
    }

    private static ProgramConfig ConfigFromEnvironment(CliOptions options)
    {
        var config = new ProgramConfig();
        if (Environment.GetEnvironmentVariable("BPFTRACE_MAX_STRLEN") is { } strlen && int.TryParse(strlen, out var maxStrlen))
            config = config with { MaxStrlen = maxStrlen };
        if (Environment.GetEnvironmentVariable("BPFTRACE_MAX_MAP_KEYS") is { } keys && int.TryParse(keys, out var maxKeys))
            config = config with { MaxMapKeys = maxKeys };
        if (Environment.GetEnvironmentVariable("BPFTRACE_PRINT_MAPS_ON_EXIT") is "0" or "false")
            config = config with { PrintMapsOnExit = false };
        if (options.NoPrintMaps)
            config = config with { PrintMapsOnExit = false };
        return config;
    }

    private static partial class Native
    {
        [LibraryImport("libc", EntryPoint = "geteuid")]
        public static partial uint GetEffectiveUserId();
    }
}
