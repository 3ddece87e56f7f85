using SharpTrace.Kernel.Btf;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// The tool scripts Debian ships with bpftrace (/usr/sbin/*.bt), bound against this machine's tracefs and BTF.
/// Not every tool binds yet (see docs/language.md, "Tool scripts"); every one must end in diagnostics, never an exception.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ToolCorpusTests
{
    public static TheoryData<string> Tools()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles("/usr/sbin", "*.bt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public void ToolBindsOrReportsDiagnostics(string tool)
    {
        var tree = SyntaxTree.Parse(new SourceText(File.ReadAllText(Path.Combine("/usr/sbin", tool)), tool));

        var (program, diagnostics) = Binder.Bind(tree, new TracefsCatalog(), kernelTypes: KernelTypes.Lazy());

        Assert.DoesNotContain(tree.Diagnostics, d => d.IsError);
        Assert.True(program is not null || diagnostics.Any(d => d.IsError && d.Span.Length > 0 && d.Message.Length > 0));
    }
}
