using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>Map types found to a fixpoint over the whole program, whatever order the uses come in.</summary>
public class MapTypeInferenceTests
{
    [Fact]
    public void MapThatOnlyReadsItselfToAssignIsAnInteger()
    {
        var types = MapTypes("interval:ms:100 { @i = @i + 1; @j = @j * 2 + @i; }");

        Assert.Equal(BpfType.Int64, types["@i"]);
        Assert.Equal(BpfType.Int64, types["@j"]);
    }

    [Fact]
    public void MapReadBeforeTheProbeThatAssignsItGetsThatType()
    {
        var types = MapTypes("BEGIN { @s = @t; } END { @t = \"a\"; }");

        Assert.IsType<StringType>(types["@s"]);
        Assert.IsType<StringType>(types["@t"]);
    }

    private static Dictionary<string, BpfType?> MapTypes(string text)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(text), new NoTracepoints());
        Assert.Empty(diagnostics);
        return program!.Maps.ToDictionary(m => m.Name, m => m.ValueType);
    }

    private sealed class NoTracepoints : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() => [];
        public TracepointFormat? Format(string category, string name) => null;
    }
}
