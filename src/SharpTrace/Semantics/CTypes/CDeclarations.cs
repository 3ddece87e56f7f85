using System.Text.RegularExpressions;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics.CTypes;

/// <summary>A <c>#define</c> of the script: its replacement text, and its value when that is an integer constant.</summary>
internal sealed record CMacro(string Name, string Text, long? Value, TextSpan Span);

/// <summary>What a script's C preamble declares: its types (backed by the kernel's), its macros and its includes.</summary>
internal sealed partial class CDeclarations
{
    private readonly Func<string, long?> _macroValue;

    internal CDeclarations(CTypeTable types, IReadOnlyDictionary<string, CMacro> macros, IReadOnlyList<string> includes,
        Func<string, long?> macroValue)
    {
        Types = types;
        Macros = macros;
        Includes = includes;
        _macroValue = macroValue;
    }

    /// <summary>Script-defined structs, unions and enums, falling back to the kernel's types.</summary>
    public CTypeTable Types { get; }

    /// <summary>The script's own object-like macros by name (function-like macros are not kept).</summary>
    public IReadOnlyDictionary<string, CMacro> Macros { get; }

    /// <summary>Headers named by <c>#include</c> lines that were not skipped by a conditional.</summary>
    public IReadOnlyList<string> Includes { get; }

    /// <summary>The macro that BTF-aware scripts test with <c>#ifndef</c>; defined when kernel types come from BTF.</summary>
    public const string HaveBtfMacro = "BPFTRACE_HAVE_BTF";

    /// <summary>
    /// The integer value of a macro: the script's <c>#define</c>, else the included headers' (and their fallback table,
    /// <see cref="KernelHeaderMacros"/>). Null when no macro has that name or its text is not an integer constant.
    /// </summary>
    public long? MacroValue(string name) => _macroValue(name);

    // `struct task_struct {`, `union u __attribute__((packed)) {`, `enum e {` whose tag the kernel also has.
    private static bool RedefinesKernelType(string text, IKernelTypes kernel) =>
        TaggedDefinition().Matches(text).Any(m => kernel.FindTagged(m.Groups[1].Value, m.Groups[2].Value) is not null);

    [GeneratedRegex(@"\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*(?:__attribute__\s*\(\(.*?\)\)\s*)*\{", RegexOptions.Singleline)]
    private static partial Regex TaggedDefinition();

    /// <summary>
    /// Reads the C definitions and preprocessor lines the parser kept, in source order, honouring
    /// <c>#if/#ifdef/#ifndef/#else/#endif</c>. Problems go to <paramref name="diagnostics"/>, with spans in the script.
    /// </summary>
    /// <param name="program">The parsed script.</param>
    /// <param name="diagnostics">Where problems are reported.</param>
    /// <param name="kernel">The kernel's types; null when the kernel has no BTF.</param>
    /// <param name="headers">Where <c>#include</c>d headers are found; by default the system include directories.</param>
    /// <param name="includeFiles">Headers included before the script (<c>--include</c>).</param>
    /// <param name="asScript">
    /// Char arrays read as a script's (<see cref="CArrayType.ReadsTerminator"/>); false for C text that stands for the
    /// kernel's BTF (tests' kernels), whose char arrays are strings of their own length.
    /// </param>
    public static CDeclarations Read(ProgramNode program, DiagnosticBag diagnostics, IKernelTypes? kernel,
        HeaderSearch? headers = null, IReadOnlyList<string>? includeFiles = null, bool asScript = true) =>
        Read(program.Preprocessor, program.CDefinitions, diagnostics, kernel, headers, includeFiles, asScript);

    /// <inheritdoc cref="Read(ProgramNode, DiagnosticBag, IKernelTypes?, HeaderSearch?, IReadOnlyList{string}?, bool)"/>
    public static CDeclarations Read(IReadOnlyList<PreprocessorLine> preprocessor, IReadOnlyList<CDefinition> definitions,
        DiagnosticBag diagnostics, IKernelTypes? kernel, HeaderSearch? headers = null, IReadOnlyList<string>? includeFiles = null,
        bool asScript = true)
    {
        var redefined = new Lazy<bool>(() => kernel is not null && definitions.Any(d => RedefinesKernelType(d.Text, kernel)));
        var reader = new CDeclarationReader(diagnostics, new CTypeTable(kernel), headers ?? HeaderSearch.WithSystemDirectories([]))
        {
            KernelTypesRedefined = () => redefined.Value,
            CharArraysReadTerminator = asScript,
        };
        // The command line checked that these exist (an --include has no place in the script to point at).
        foreach (var header in includeFiles ?? [])
            reader.IncludeHeader(header);
        var items = preprocessor.Cast<Node>().Concat(definitions).OrderBy(n => n.Span.Start);
        foreach (var item in items)
        {
            if (item is PreprocessorLine line)
                reader.Directive(line);
            else if (reader.IsActive)
                reader.Definition((CDefinition)item);
        }
        reader.Finish();
        return new CDeclarations(reader.Types, reader.Macros, reader.Includes, reader.MacroValue);
    }
}
