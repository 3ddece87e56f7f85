using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics.CTypes;

/// <summary>A <c>#define</c> of the script: its replacement text, and its value when that is an integer constant.</summary>
internal sealed record CMacro(string Name, string Text, long? Value, TextSpan Span);

/// <summary>What a script's C preamble declares: its types (backed by the kernel's), its macros and its includes.</summary>
internal sealed class CDeclarations
{
    internal CDeclarations(CTypeTable types, IReadOnlyDictionary<string, CMacro> macros, IReadOnlyList<string> includes)
    {
        Types = types;
        Macros = macros;
        Includes = includes;
    }

    /// <summary>Script-defined structs, unions and enums, falling back to the kernel's types.</summary>
    public CTypeTable Types { get; }

    /// <summary>Object-like macros by name (function-like macros are not kept).</summary>
    public IReadOnlyDictionary<string, CMacro> Macros { get; }

    /// <summary>Headers named by <c>#include</c> lines that were not skipped by a conditional.</summary>
    public IReadOnlyList<string> Includes { get; }

    /// <summary>The macro that BTF-aware scripts test with <c>#ifndef</c>; defined when kernel types come from BTF.</summary>
    public const string HaveBtfMacro = "BPFTRACE_HAVE_BTF";

    /// <summary>
    /// Reads the C definitions and preprocessor lines the parser kept, in source order, honouring
    /// <c>#if/#ifdef/#ifndef/#else/#endif</c>. Problems go to <paramref name="diagnostics"/>, with spans in the script.
    /// </summary>
    /// <param name="kernel">The kernel's types; null when the kernel has no BTF.</param>
    /// <param name="headerExists">Whether a header named in <c>#include</c> is on disk (only asked when there is no BTF).</param>
    public static CDeclarations Read(ProgramNode program, DiagnosticBag diagnostics, IKernelTypes? kernel,
        Func<string, bool>? headerExists = null) =>
        Read(program.Preprocessor, program.CDefinitions, diagnostics, kernel, headerExists);

    /// <inheritdoc cref="Read(ProgramNode, DiagnosticBag, IKernelTypes?, Func{string, bool}?)"/>
    public static CDeclarations Read(IReadOnlyList<PreprocessorLine> preprocessor, IReadOnlyList<CDefinition> definitions,
        DiagnosticBag diagnostics, IKernelTypes? kernel, Func<string, bool>? headerExists = null)
    {
        var reader = new CDeclarationReader(diagnostics, new CTypeTable(kernel), headerExists ?? HeaderSearch.Exists);
        var items = preprocessor.Cast<Node>().Concat(definitions).OrderBy(n => n.Span.Start);
        foreach (var item in items)
        {
            if (item is PreprocessorLine line)
                reader.Directive(line);
            else if (reader.IsActive)
                reader.Definition((CDefinition)item);
        }
        reader.Finish();
        return new CDeclarations(reader.Types, reader.Macros, reader.Includes);
    }
}

/// <summary>Where <c>#include &lt;...&gt;</c> headers are looked for when the kernel has no BTF.</summary>
internal static class HeaderSearch
{
    private static readonly string[] Directories = ["/usr/local/include", "/usr/include", "/usr/include/x86_64-linux-gnu"];

    /// <summary>Whether <paramref name="header"/> (<c>linux/sched.h</c>) exists in a system include directory.</summary>
    public static bool Exists(string header) => Directories.Any(d => File.Exists(Path.Combine(d, header)));
}
