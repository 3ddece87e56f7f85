using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// The binder's rules for aggregation functions, zero() and print(@m, top, div). Each script has its error span
/// marked; the wording and the span are bpftrace 0.17's (checked with `bpftrace -e`) unless a comment says otherwise.
/// </summary>
public class AggregationBinderTests
{
    [Theory]
    [InlineData("BEGIN { @c = ⟦count(1)⟧; }", "count() requires no arguments (1 provided)")]
    [InlineData("BEGIN { @c = ⟦sum()⟧; }", "sum() requires one argument (0 provided)")]
    [InlineData("BEGIN { @c = ⟦sum(1, 2)⟧; }", "sum() requires one argument (2 provided)")]
    [InlineData("BEGIN { @h = ⟦stats()⟧; }", "stats() requires one argument (0 provided)")]
    [InlineData("BEGIN { @h = ⟦min(\"a\")⟧; }", "min() only supports integer arguments (string[2] provided)")]
    [InlineData("BEGIN { @h = ⟦hist(\"a\")⟧; }", "hist() only supports int arguments (string provided)")]
    [InlineData("BEGIN { @l = ⟦lhist(1, 0, 10)⟧; }", "lhist() requires 4 arguments (3 provided)")]
    [InlineData("BEGIN { $a = 1; @l = ⟦lhist(1, $a, 10, 1)⟧; }", "lhist() expects a int literal (int provided)")]
    [InlineData("BEGIN { @l = ⟦lhist(1, 0, 10, 0)⟧; }", "lhist() step must be >= 1 (0 provided)")]
    [InlineData("BEGIN { @l = ⟦lhist(1, 10, 0, 1)⟧; }", "lhist() min must be less than max (provided min 10 and max 0)")]
    [InlineData("BEGIN { @l = ⟦lhist(1, -10, 10, 1)⟧; }", "lhist() min must be non-negative (provided min -10)")]
    [InlineData("BEGIN { @l = ⟦lhist(\"a\", 0, 10, 1)⟧; }", "lhist() only supports int arguments (string provided)")]
    [InlineData("BEGIN { @l = ⟦lhist(1, 5, 5, 1)⟧; }", "lhist() step is too large for the given range (provided step 1 for range 0)")]
    [InlineData("BEGIN { @l = ⟦lhist(1, 0, 10, 20)⟧; }", "lhist() step is too large for the given range (provided step 20 for range 10)")]
    [InlineData("BEGIN { @l = ⟦lhist(1, 0, 100000, 1)⟧; }", "lhist() too many buckets, must be <= 1000 (would need 100000)")]
    [InlineData("BEGIN { @l = lhist(1, 0, 10, 1); @l = ⟦lhist(1, 0, 20, 1)⟧; }", "Different lhist bounds in a single map unsupported")]
    [InlineData("BEGIN { @h = hist(1); @h = ⟦lhist(1, 0, 10, 1)⟧; }", "Type mismatch for @h: trying to assign value of type 'lhist_t' when map already has a type 'hist_t'")]
    [InlineData("BEGIN { @a = avg(1); @a = ⟦count()⟧; }", "Type mismatch for @a: trying to assign value of type 'count_t' when map already has a type 'avg_t'")]
    [InlineData("BEGIN { @x = 1; ⟦zero(@x, 1)⟧; }", "zero() requires one argument (2 provided)")]
    [InlineData("BEGIN { @x[1] = 1; ⟦zero(@x[1])⟧; }", "The map passed to zero() should not be indexed by a key")]
    [InlineData("BEGIN { ⟦zero(1)⟧; }", "zero() expects a map to be provided")]
    [InlineData("BEGIN { @x = 1; ⟦print(@x, 1, 2, 3)⟧; }", "print() takes up to 3 arguments (4 provided)")]
    // An integer expression is accepted since the newest bpftrace (top and div are uint64 arguments); 0.17 wanted a literal.
    [InlineData("BEGIN { @x[1] = 1; ⟦print(@x, \"a\")⟧; }", "print() expects a int literal (string provided)")]
    public void ReportsAsBpftraceDoes(string annotated, string message) => AssertBindError(annotated, message);

    [Theory]
    // bpftrace 0.17 has no bits argument ("hist() requires one argument (2 provided)"); later versions accept 0-5.
    [InlineData("BEGIN { @h = ⟦hist(1, 6)⟧; }", "hist: bits argument must be in range 0-5 (6 provided)")]
    [InlineData("BEGIN { @h = ⟦hist(1, 2, 3)⟧; }", "hist() takes one or two arguments (3 provided)")]
    [InlineData("BEGIN { $b = 1; @h = ⟦hist(1, $b)⟧; }", "hist() expects a int literal (int provided)")]
    [InlineData("BEGIN { @h = hist(1, 1); @h = ⟦hist(1, 2)⟧; }", "Different bits in a single hist unsupported")]
    public void ReportsHistBitsProblems(string annotated, string message) => AssertBindError(annotated, message);

    [Fact]
    public void HistAndLhistKeepTheirConstantArguments()
    {
        var program = Bind("BEGIN { @h = hist(5, 3); @l[1] = lhist(5, 10, 100, 5); @m = min(1); @x = max(2); @s = stats(3); }");
        var types = program.Maps.ToDictionary(m => m.Name, m => (AggregationType)m.ValueType!);
        Assert.Equal(new AggregationType(AggregationKind.Hist) { Bits = 3 }, types["@h"]);
        Assert.Equal(new AggregationType(AggregationKind.Lhist) { Min = 10, Max = 100, Step = 5 }, types["@l"]);
        Assert.Equal(AggregationKind.Min, types["@m"].Kind);
        Assert.Equal(AggregationKind.Max, types["@x"].Kind);
        Assert.Equal(AggregationKind.Stats, types["@s"].Kind);
        // hist and lhist maps store one entry per bucket: the key gets 8 bytes for the bucket index. A scalar
        // histogram's kernel key is the bucket alone, as bpftrace 0.17's (bpftool: percpu_hash, key 8B).
        Assert.Equal(16, program.Maps.Single(m => m.Name == "@l").StoredKeySize);
        Assert.Equal(8, program.Maps.Single(m => m.Name == "@h").StoredKeySize);
    }

    [Fact]
    public void PrintKeepsTopAndDiv()
    {
        var program = Bind("BEGIN { @k[1] = count(); print(@k, 3, 10); print(@k); zero(@k); }");
        var actions = program.Actions.OfType<SharpTrace.Records.PrintMapAction>().ToList();
        Assert.Equal([(3u, 10u), (0u, 0u)], actions.Select(a => (a.Top, a.Div)));
    }

    private static BoundProgram Bind(string script)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), new NoTracepoints());
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        return program!;
    }

    internal static void AssertBindError(string annotated, string message)
    {
        var expected = AnnotatedText.Parse(annotated);
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(expected.Text), new NoTracepoints());
        Assert.Null(program);
        var error = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal(message, error.Message);
        Assert.Equal(expected.Spans.Single(), error.Span);
    }

    private sealed class NoTracepoints : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() => [];
        public TracepointFormat? Format(string category, string name) => null;
    }
}
