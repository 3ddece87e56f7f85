using System.CommandLine;
using System.Runtime.InteropServices;
using SharpTrace;
using SharpTrace.CodeGen;
using SharpTrace.CodeGen.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Probes;
using SharpTrace.Runtime;
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
        var dump = new Option<string?>("-d") { Description = "Print a compiler stage and exit: ast, types or bpf", HelpName = "stage" };
        dump.AcceptOnlyFromAmong("ast", "types", "bpf");
        var dryRun = new Option<bool>("--dry-run") { Description = "Compile and load, but attach nothing" };
        var noPrintMaps = new Option<bool>("--no-print-maps") { Description = "Do not print maps at exit" };

        var root = new RootCommand("sharptrace: run bpftrace programs, compiled straight to eBPF")
        {
            program, scriptFile, format, outputFile, quiet, verbose, dump, dryRun, noPrintMaps,
        };
        root.SetAction(parse => Run(new CliOptions(
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
                var tree = SyntaxTree.Parse(source);
                Console.Out.Write(AstPrinter.Print(tree.Root));
                return ReportDiagnostics(tree.Diagnostics, stderr) ? 1 : 0;
            }

            if (Native.GetEffectiveUserId() != 0)
            {
                stderr.WriteLine("ERROR: sharptrace must run as root: loading BPF programs needs CAP_BPF and CAP_PERFMON");
                return 1;
            }

            var result = Compilation.Compile(source, new TracefsCatalog(), ConfigFromEnvironment(options), Kernel.Btf.KernelTypes.Lazy());
            if (ReportDiagnostics(result.Diagnostics, stderr) || result.Program is not { } compiled)
                return 1;
            if (options.Dump == "types")
            {
                Console.Out.Write(BoundTreePrinter.Print(compiled.Bound));
                return 0;
            }

            if (options.Dump == "bpf")
            {
                foreach (var probe in compiled.Probes)
                {
                    Console.Out.WriteLine($"{probe.Probe.Name}:");
                    Console.Out.Write(Disassembler.Format(probe.Code));
                    Console.Out.WriteLine();
                }
                return 0;
            }
            if (options.DryRun)
                return 0;

            using var output = OpenOutput(options.OutputFile);
            IOutputWriter writer = options.Format == "json" ? new JsonOutputWriter(output) : new TextOutputWriter(output);
            using var cancellation = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var session = new Session(compiled, writer, new SessionOptions
            {
                Quiet = options.Quiet,
                Diagnostics = stderr,
                NotifyProbesAttached = Environment.GetEnvironmentVariable("__BPFTRACE_NOTIFY_PROBES_ATTACHED") is not null,
                NotifyOutput = Console.Out,
            });
            return session.Run(cancellation.Token);

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

    private static SourceText? LoadSource(CliOptions options)
    {
        if (options.Program is { } text)
            return new SourceText(text, "stdin");
        return options.ScriptFile switch
        {
            null => null,
            "-" => new SourceText(Console.In.ReadToEnd(), "stdin"),
            var path => new SourceText(File.ReadAllText(path), path),
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
