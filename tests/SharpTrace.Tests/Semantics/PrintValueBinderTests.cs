using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>print(value)</c> of anything that is not a whole map, and <c>print(@m, top, div)</c> with top and div computed
/// at run time: what binds, what each action carries, and the errors in bpftrace's words.
/// </summary>
public class PrintValueBinderTests
{
    [Theory]
    [InlineData("BEGIN { print(1); }", "int8")]
    [InlineData("BEGIN { print((int8)-3); }", "int8")]
    [InlineData("BEGIN { print(\"hi\"); }", "string")]
    [InlineData("BEGIN { print((1, \"a\")); }", "(int8,string)")]
    [InlineData("BEGIN { print(comm); }", "string")]
    [InlineData("BEGIN { @m[1] = 5; print(@m[1]); }", "int8")]
    [InlineData("BEGIN { print(kstack); }", "kstack_bpftrace_127")]
    [InlineData("BEGIN { print(ntop(2, 0)); }", "inet[24]")]
    [InlineData("struct Foo { int a; char b[4]; } BEGIN { print(*(struct Foo *)0); }", "struct Foo")]
    [InlineData("struct Foo { int a; long c[3]; } BEGIN { print(((struct Foo *)0)->c); }", "int64[3]")]
    [InlineData("struct Foo { int a; } BEGIN { print((struct Foo *)0); }", "struct Foo *")]
    public void AnyValueIsPrintedByARecordOfItsType(string script, string type)
    {
        var program = Bind(script);

        var print = Assert.Single(program.Actions.OfType<PrintValueAction>());
        Assert.Equal(type, print.Type.ToString());
        Assert.Equal([print.Type], print.FieldTypes);
        Assert.Equal(8 + RecordLayout.Align8(print.Type.Size), print.Layout.Size);
    }

    [Fact]
    public void APointerPrintsAsAnAddress()
    {
        var print = Assert.Single(Bind("struct Foo { int a; } BEGIN { print((struct Foo *)0x10); }").Actions.OfType<PrintValueAction>());

        var value = ((SelfDecodingType)print.Type).Decode(BitConverter.GetBytes(0x7ffd5e3cUL));

        Assert.Equal(new SharpTrace.Output.SymbolicValue("0x7ffd5e3c", 0x7ffd5e3c), value);
    }

    [Fact]
    public void TopAndDivComputedAtRunTimeTravelInTheHeader()
    {
        var program = Bind("BEGIN { $a = 2; @x[1] = 1; print(@x, $a + 1); print(@x, 3, $a); print(@x, 3, 10); }");

        var prints = program.Actions.OfType<PrintMapAction>().ToList();
        Assert.Equal([(true, 0u, 0u), (true, 3u, 0u), (false, 3u, 10u)], prints.Select(p => (p.LimitsInHeader, p.Top, p.Div)));
        Assert.Equal([PrintSnapshot.HeaderWithLimitsSize, PrintSnapshot.HeaderWithLimitsSize, PrintSnapshot.HeaderSize], prints.Select(p => p.HeaderSize));
    }

    [Theory]
    // Checked against bpftrace 0.17, which words these the same.
    [InlineData("BEGIN { ⟦print(1, 2)⟧; }", "Non-map print() only takes 1 argument, 2 found")]
    [InlineData("BEGIN { $t = (1, 2); ⟦print($t, 1, 2)⟧; }", "Non-map print() only takes 1 argument, 3 found")]
    // bpftrace 0.17 says "The map passed to print() should not be indexed by a key": it cannot print @m[k] at all.
    [InlineData("BEGIN { @x[1] = 1; ⟦print(@x[1], 2)⟧; }", "Non-map print() only takes 1 argument, 2 found")]
    [InlineData("BEGIN { @x[1] = 1; $s = \"a\"; ⟦print(@x, 1, $s)⟧; }", "print() expects a int literal (string provided)")]
    public void ReportsAsBpftraceDoes(string annotated, string message) => AggregationBinderTests.AssertBindError(annotated, message);

    private static BoundProgram Bind(string script)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new TracepointsNone());
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        return program!;
    }

    private sealed class TracepointsNone : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() => [];
        public SharpTrace.Kernel.TracepointFormat? Format(string category, string name) => null;
    }
}
