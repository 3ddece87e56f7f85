using SharpTrace.Lowering;
using SharpTrace.Builtins;
using SharpTrace.CodeGen;
using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>The type rules of map declarations, has_key and len, without the kernel.</summary>
public sealed class MapFunctionBindingTests
{
    private sealed class NoTracepoints : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() => [];
        public TracepointFormat? Format(string category, string name) => null;
    }

    private static (BoundProgram? Program, IReadOnlyList<string> Errors) Bind(string text)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(text), new NoTracepoints());
        return (program, diagnostics.Where(d => d.IsError).Select(d => d.Message).ToList());
    }

    [Theory]
    [InlineData("hash", BpfMapType.Hash)]
    [InlineData("lruhash", BpfMapType.LruHash)]
    public void DeclarationChoosesTheKernelMapTypeAndSize(string kind, object expected)
    {
        var (program, errors) = Bind($"let @m = {kind}(100); BEGIN {{ @m[1] = 1; }}");

        Assert.Empty(errors);
        var definition = new ProgramMaps(program!).All.Single(d => d.Symbol?.Name == "@m");
        Assert.Equal(((BpfMapType)expected, 100), (definition.Type, definition.MaxEntries));
    }

    [Theory]
    [InlineData("hash", BpfMapType.PerCpuHash)]
    [InlineData("percpuhash", BpfMapType.PerCpuHash)]
    [InlineData("lruhash", BpfMapType.LruPerCpuHash)]
    [InlineData("percpulruhash", BpfMapType.LruPerCpuHash)]
    public void AggregationsStayPerCpuWhateverHashKindIsDeclared(string kind, object expected)
    {
        var (program, errors) = Bind($"let @c = {kind}(10); BEGIN {{ @c[1] = count(); }}");

        Assert.Empty(errors);
        Assert.Equal((BpfMapType)expected, new ProgramMaps(program!).All.Single(d => d.Symbol?.Name == "@c").Type);
    }

    // An unused declared map is dropped (NewestDiagnosticTests); the maps left are numbered 0.. again, so the
    // dropped-updates counter has one slot per map, none for the dropped one.
    [Fact]
    public void MapsLeftAfterAnUnusedDeclarationAreNumberedDenselyAndEachHasADroppedUpdatesSlot()
    {
        var (program, errors) = Bind("let @a = hash(2); let @unused = hash(2); let @b = hash(2); BEGIN { @b[1] = 1; @a[1] = 1; @c = 1; }");

        Assert.Empty(errors);
        Assert.Equal([("@a", 0), ("@b", 1), ("@c", 2)], program!.Maps.Select(m => (m.Name, m.Index)));
        var maps = new ProgramMaps(program);
        Assert.Equal(3, maps.All.Single(d => d.Ref == maps.DroppedUpdates).MaxEntries);
    }

    [Fact]
    public void UndeclaredKeyedMapGetsMaxMapKeys()
    {
        var (program, _) = Bind("config = { max_map_keys = 7 } BEGIN { @m[1] = 1; @x = 1; }");

        var maps = new ProgramMaps(program!).All.Where(d => d.Symbol is not null).ToDictionary(d => d.Symbol!.Name);
        Assert.Equal((7, 1), (maps["@m"].MaxEntries, maps["@x"].MaxEntries));
    }

    [Theory]
    [InlineData("let @m = tree(10); BEGIN { @m[1] = 1; }", "Invalid map kind: tree")]
    [InlineData("let @m = hash(); BEGIN { @m[1] = 1; }", "hash() requires one argument")]
    [InlineData("let @m = hash(0); BEGIN { @m[1] = 1; }", "hash() requires one argument")]
    [InlineData("let @m = percpuhash(4); BEGIN { @m[1] = \"s\"; }", "@m is declared percpuhash but holds a string")]
    [InlineData("let @m = hash(4); let @m = hash(5); BEGIN { @m[1] = 1; }", "@m is declared more than once")]
    [InlineData("BEGIN { @x = 1; @h = has_key(@x, 1); }", "call to has_key() expects a map with explicit keys (non-scalar map)")]
    [InlineData("BEGIN { @m[1] = 1; @h = has_key(@m[1], 1); }", "has_key() expects a map argument without keys")]
    [InlineData("BEGIN { @m[1] = 1; @h = has_key(@m, \"a\"); }", "Argument mismatch for @m")]
    [InlineData("BEGIN { @m[1] = 1; @h = has_key(@m); }", "has_key() requires 2 arguments (1 provided)")]
    [InlineData("BEGIN { @m[1] = 1; @l = len(@m[1]); }", "call to len() expects a map, ustack, or kstack")]
    public void MisuseIsReported(string text, string message)
    {
        var (_, errors) = Bind(text);

        Assert.Contains(errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void HasKeyWithATupleChecksEveryKeyElement()
    {
        var (program, errors) = Bind("BEGIN { @t[1, \"a\"] = 1; @h = has_key(@t, (2, \"b\")); @l = len(@t); }");

        Assert.Empty(errors);
        var statements = program!.Probes[0].Body.Statements.OfType<BoundMapAssign>().ToList();
        Assert.IsType<BoundHasKey>(statements[1].Value);
        Assert.Equal(2, ((BoundHasKey)statements[1].Value).Keys.Count);
        Assert.IsType<BoundLen>(statements[2].Value);
    }
}
