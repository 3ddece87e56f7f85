using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>Runs the C declaration parser over a script the way the compiler will: parse, then read the C parts.</summary>
internal static class CDeclarationKit
{
    public static (CDeclarations Declarations, IReadOnlyList<Diagnostic> Diagnostics) Read(
        string script, IKernelTypes? kernel = null, HeaderSearch? headers = null, IReadOnlyList<string>? includeFiles = null)
    {
        var tree = SyntaxTree.Parse(script);
        Assert.True(tree.Diagnostics.Count == 0, "the script does not parse:\n" + string.Concat(tree.Diagnostics.Select(d => d.Format())));
        var diagnostics = new DiagnosticBag(tree.Source);
        var declarations = CDeclarations.Read(tree.Root, diagnostics, kernel, headers ?? HeaderSearch.None, includeFiles);
        return (declarations, diagnostics.Items);
    }

    /// <summary>Reads a script that must have no C errors.</summary>
    public static CDeclarations ReadClean(string script, IKernelTypes? kernel = null, HeaderSearch? headers = null,
        IReadOnlyList<string>? includeFiles = null)
    {
        var (declarations, diagnostics) = Read(script, kernel, headers, includeFiles);
        Assert.True(diagnostics.Count == 0, string.Concat(diagnostics.Select(d => d.Format())));
        return declarations;
    }

    /// <summary>Checks the C diagnostics of an annotated script: one per marked span, in order.</summary>
    public static void AssertDiagnostics(string annotated, params string[] messages) =>
        AssertDiagnostics(annotated, null, messages);

    public static void AssertDiagnostics(string annotated, IKernelTypes? kernel, params string[] messages)
    {
        var expected = AnnotatedText.Parse(annotated);
        var (_, actual) = Read(expected.Text, kernel);
        Assert.True(messages.Length == actual.Count,
            $"expected {messages.Length} diagnostics, got {actual.Count}:\n{string.Concat(actual.Select(d => d.Format()))}");
        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Equal(messages[i], actual[i].Message);
            Assert.Equal(expected.Spans[i], actual[i].Span);
        }
    }

    public static CStructType Struct(this CDeclarations declarations, string name) =>
        Assert.IsType<CStructType>(declarations.Types.FindType(name));
}

/// <summary>A few kernel types, hand-made, standing in for BTF in tests without a kernel.</summary>
internal sealed class FakeKernelTypes : IKernelTypes
{
    public static readonly CStructType LoadWeight = new("load_weight", false, 16, () => new CStructBody(
        [new CMember("weight", CBaseTypes.UnsignedLong, 0), new CMember("inv_weight", new CTypedefType("u32", CBaseTypes.UnsignedInt), 64)], 16, 8));

    public static readonly CTypedefType U64 = new("u64", new CTypedefType("__u64", CBaseTypes.UnsignedLongLong));

    public CType? FindTagged(string keyword, string tag) => (keyword, tag) switch
    {
        ("struct", "load_weight") => LoadWeight,
        _ => null,
    };

    public CType? FindNamed(string name) => name == "u64" ? U64 : null;

    public (CEnumType Type, long Value)? FindEnumerator(string name) => null;

    public IReadOnlyList<CParameter>? FindTracepointArguments(string name) => null;
    public CFunctionType? FindFunctionPrototype(string name) => null;
}
