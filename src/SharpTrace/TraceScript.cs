using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace;

/// <summary>How to compile a script: its name in diagnostics and the settings the command line or environment give.</summary>
public sealed record CompileOptions
{
    /// <summary>The name diagnostics show for the script: "stdin" for <c>-e</c>, else its file path.</summary>
    public string FileName { get; init; } = "stdin";

    /// <summary>Settings that a <c>config = { }</c> block in the script overrides.</summary>
    public ProgramConfig Config { get; init; } = new();
}

/// <summary>The result of compiling a script: every diagnostic, and the program when there was no error.</summary>
public sealed record CompileResult(IReadOnlyList<Diagnostic> Diagnostics, TraceProgram? Program)
{
    /// <summary>True when the script compiled; <see cref="Program"/> is then set.</summary>
    [MemberNotNullWhen(true, nameof(Program))]
    public bool Success => Program is not null;

    /// <summary>The outcome in one line: the program's probes, or the number of errors and the first one's message.</summary>
    public override string ToString()
    {
        if (Program is not null)
            return $"compiled: {Program}";
        var errors = Diagnostics.Where(d => d.IsError).ToList();
        return errors.Count == 0 ? "not compiled" : $"{errors.Count} error{(errors.Count == 1 ? "" : "s")}, first: {errors[0].Message}";
    }
}

/// <summary>A script parsed but not compiled, for looking at its syntax tree (<c>-d ast</c>).</summary>
public sealed class ParsedScript
{
    private readonly SyntaxTree _tree;

    internal ParsedScript(SyntaxTree tree) => _tree = tree;

    /// <summary>The syntax errors found while parsing.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => _tree.Diagnostics;

    /// <summary>The syntax tree, one node a line, as <c>sharptrace -d ast</c> prints it.</summary>
    public string PrintAst() => AstPrinter.Print(_tree.Root);

    /// <summary>
    /// The script laid out as the newest bpftrace's <c>--fmt</c> prints it, comments kept (<c>sharptrace --fmt</c>).
    /// Throws <see cref="InvalidOperationException"/> when the script has syntax errors: there is nothing to format.
    /// </summary>
    public string Format() => _tree.HasErrors
        ? throw new InvalidOperationException("a script with syntax errors cannot be formatted")
        : Syntax.Formatting.ScriptFormatter.Format(_tree);

    /// <summary>The script's name and how many syntax errors it has.</summary>
    public override string ToString() => $"{_tree.Source.Name}: {Diagnostics.Count(d => d.IsError)} syntax error(s)";
}

/// <summary>The entry point of the library: compiles bpftrace-language scripts into programs that can run.</summary>
public static class TraceScript
{
    /// <summary>The library's version, such as <c>0.1.0</c>.</summary>
    public static string Version { get; } =
        typeof(TraceScript).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>
    /// Compiles <paramref name="source"/> for this machine: tracepoint arguments are read from tracefs, which needs root.
    /// Never throws for a problem in the script: every problem becomes a diagnostic.
    /// </summary>
    public static CompileResult Compile(string source, CompileOptions? options = null) =>
        Compile(source, new TracefsCatalog(), options, Semantics.CTypes.KernelTypes.Lazy());

    /// <summary>
    /// Reads a script file (or a header). Only a regular file is read: a device such as <c>/dev/zero</c> or a FIFO
    /// throws an <see cref="IOException"/> saying so, where reading it would never end.
    /// </summary>
    public static string ReadFile(string path) => Output.RawText.Decode(Kernel.RegularFiles.ReadAllBytes(path));

    /// <summary>What this kernel supports (map and program types, helpers, probe kinds), found by asking it, as <c>--info</c> prints it.</summary>
    public static string DescribeKernel(string toolVersion) => new Kernel.KernelFeatures().Report(toolVersion);

    /// <summary>
    /// The probes <c>sharptrace -l</c> lists, one a line: raw tracepoints, software events and tracepoints matching
    /// <paramref name="pattern"/> (all when null), and interval, profile and uprobe probes when the pattern names their
    /// provider (<c>uprobe:/bin/bash:read*</c>); with <paramref name="withArguments"/> each is followed by its
    /// arguments, as <c>-lv</c> prints them. <paramref name="warning"/> hears why a kind the pattern names lists
    /// nothing (kprobes on a kernel without them). Throws <see cref="CodeGen.CompileException"/> when a uprobe
    /// pattern's binary does not exist or cannot be read.
    /// </summary>
    public static string ListProbes(string? pattern, bool withArguments, Action<string>? warning = null) =>
        List(pattern, withArguments, pid: null, warning);

    /// <summary>
    /// <see cref="ListProbes(string?, bool, Action{string}?)"/> as <c>sharptrace -l -p PID</c> lists: binaries named as
    /// process <paramref name="pid"/> sees them, and uprobe and usdt patterns without a binary (or with a wildcard one)
    /// listing the probes of every file it maps, named under <c>/proc/PID/root</c>.
    /// </summary>
    public static string ListProbesOfProcess(string? pattern, bool withArguments, int pid, Action<string>? warning = null) =>
        List(pattern, withArguments, pid, warning);

    /// <summary>
    /// <see cref="ListProbes(string?, bool, Action{string}?)"/>, or with <paramref name="pid"/> <see
    /// cref="ListProbesOfProcess"/>, with separate debug files looked for first in <paramref name="debugInfoDirectories"/>
    /// (<c>--debuginfo</c>, as <see cref="ProgramConfig.DebugInfoDirectories"/>): the symbols and arguments of stripped binaries.
    /// </summary>
    public static string ListProbesWithDebugInfo(string? pattern, bool withArguments, int? pid, IReadOnlyList<string> debugInfoDirectories,
        Action<string>? warning = null) =>
        List(pattern, withArguments, pid, warning, debugInfoDirectories);

    private static string List(string? pattern, bool withArguments, int? pid, Action<string>? warning, IReadOnlyList<string>? debugInfoDirectories = null)
    {
        var listing = ProbeListing.ForThisMachine(pid, Kernel.Elf.DebugFileLocator.WithDirectories(debugInfoDirectories ?? []));
        warning ??= _ => { };
        return listing.Format(listing.List(pattern, warning).ToList(), withArguments, warning);
    }

    /// <summary>
    /// The directories <c>#include</c>d headers are searched in, in order: <paramref name="includeDirectories"/>
    /// (<c>-I</c>), then the system include directories (<c>/usr/local/include</c>, the multiarch one, <c>/usr/include</c>).
    /// </summary>
    public static IReadOnlyList<string> HeaderSearchPath(IReadOnlyList<string> includeDirectories) =>
        Semantics.CTypes.HeaderSearch.WithSystemDirectories(includeDirectories).Directories;

    /// <summary>Parses <paramref name="source"/> without compiling it (no kernel access, no root needed).</summary>
    public static ParsedScript Parse(string source, string fileName = "stdin") =>
        new(SyntaxTree.Parse(new SourceText(source, fileName)));

    /// <summary>
    /// Compiles against a given tracepoint catalog (tests use a fake one, without tracefs), and kernel symbols read
    /// once for many compilations (the fuzz tests).
    /// </summary>
    internal static CompileResult Compile(string source, ITracepointCatalog tracepoints, CompileOptions? options = null,
        Semantics.CTypes.IKernelTypes? kernelTypes = null, Func<Kernel.Kallsyms>? kallsyms = null)
    {
        options ??= new CompileOptions();
        var result = Compilation.Compile(new SourceText(source, options.FileName), tracepoints, options.Config, kernelTypes, kallsyms);
        return new CompileResult(result.Diagnostics, result.Program is { } program ? new TraceProgram(program, options.FileName) : null);
    }
}
