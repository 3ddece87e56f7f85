using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Aggregation maps' value types as the newest bpftrace types them (src/types.cpp, type_resolver.cpp and
/// tests/type_checker.cpp, tests/types.cpp): count_t, sum_t/usum_t and the like; read in the program a count is a
/// uint64 and a sum, min, max or avg (its average) an integer of its arguments' signedness. bpftrace 0.17 reads them all as int64.
/// </summary>
public class AggregationValueTypeTests
{
    [Fact]
    public void DumpNamesAggregationTypesAsTheReference()
    {
        var types = SemanticKit.Types("""
            BEGIN { @c = count(); @s = sum(-1); @u = sum((uint32)1); @mi = min(1); @ma = max(pid); @a = avg(-2);
                    @ua = avg(pid); @st = stats(pid); @h = hist(1); @l = lhist(1, 0, 10, 1); }
            """);
        Assert.Contains("Map @c :: count_t\n", types);
        Assert.Contains("Map @s :: sum_t\n", types);
        Assert.Contains("Map @u :: usum_t\n", types);
        Assert.Contains("Map @mi :: min_t\n", types);
        Assert.Contains("Map @ma :: umax_t\n", types);
        Assert.Contains("Map @a :: avg_t\n", types);
        Assert.Contains("Map @ua :: uavg_t\n", types);
        Assert.Contains("Map @st :: ustats_t\n", types);
        Assert.Contains("Map @h :: hist_t\n", types);
        Assert.Contains("Map @l :: lhist_t\n", types);
    }

    [Theory]
    // get_binop_int: count_t is unsigned and a literal takes its sign; '-' is always signed; comparisons are bool.
    [InlineData("@c = count(); $x = @c + 1;", "uint64")]
    [InlineData("@c = count(); $x = @c - 1;", "int64")]
    [InlineData("@c = count(); $x = @c * 2;", "uint64")]
    [InlineData("@c = count(); $x = @c > 1;", "bool")]
    [InlineData("@c = count(); $x = @c;", "uint64")]
    [InlineData("@s = sum(-1); $x = @s + 1;", "int64")]
    [InlineData("@s = sum((uint32)1); $x = @s + 1;", "uint64")]
    [InlineData("@s = min(pid); $x = @s;", "uint64")]
    [InlineData("@s = max(-5); $x = @s;", "int64")]
    // A map filled by signed and unsigned arguments is signed (type_checker.cpp: `@x = sum((uint32)1); @x = sum(-1);`).
    [InlineData("@s = sum((uint32)1); @s = sum(-1); $x = @s;", "int64")]
    // An avg_t reads as its average (IsCastableMapTy), an integer of its arguments' signedness.
    [InlineData("@a = avg(-2); $x = @a;", "int64")]
    [InlineData("@a = avg(5); $x = @a + 1;", "int64")]
    [InlineData("@a = avg(pid); $x = @a;", "uint64")]
    [InlineData("@a = avg((uint32)1); $x = @a + 1;", "uint64")]
    [InlineData("@a[1] = avg(3); for ($kv : @a) { $x = $kv.1; }", "int64")]
    public void AReadHasTheReferencesIntegerType(string statements, string type)
    {
        var dump = SemanticKit.Types("BEGIN { " + statements + " }");
        Assert.Contains(" Variable $x :: " + type + "\n", dump);
    }

    [Fact]
    public void SignedAndUnsignedArgumentsMakeASignedMap()
    {
        var (program, _) = SemanticKit.Bind("BEGIN { @x = sum((uint32)1); @x = sum(-1); @y = min(-1); @y = min((uint64)1); }");
        Assert.NotNull(program);
        Assert.Equal("sum_t", ((AggregationType)program!.Maps.Single(m => m.Name == "@x").ValueType!).TypeName);
        Assert.Equal("min_t", ((AggregationType)program.Maps.Single(m => m.Name == "@y").ValueType!).TypeName);
    }

    [Theory]
    // The reference's sizes (types.cpp CreateCount, CreateMin...: 8 bytes), whatever the per-CPU slots hold here.
    [InlineData("@c = count(); $x = sizeof(typeof(@c));", 8)]
    [InlineData("@c = min(1); $x = sizeof(typeof(@c));", 8)]
    [InlineData("@c = max(1); $x = sizeof(@c);", 8)]
    public void SizeofAnAggregationIsEightBytes(string statements, int size)
    {
        var dump = SemanticKit.Types("BEGIN { " + statements + " }");
        Assert.Contains("Integer " + size + " :: int8\n", dump);
    }

    [Fact]
    public void TypeofACountDeclaresAUint64()
    {
        var dump = SemanticKit.Types("BEGIN { @c = count(); let $x: typeof(@c) = 1; $y = (typeof(@c))-1; }");
        Assert.Contains(" Variable $x :: uint64\n", dump);
        Assert.Contains(" Variable $y :: uint64\n", dump);
    }

    [Theory]
    // tests/type_checker.cpp map_aggregations_implicit_cast: the reference's words (without its HINT line).
    [InlineData("BEGIN { @y = count(); ⟦@x = @y⟧; }",
        "Map value 'count_t' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `@x = count();`.")]
    [InlineData("BEGIN { @y = sum(5); ⟦@x = @y⟧; }",
        "Map value 'sum_t' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `@x = sum(retval);`.")]
    [InlineData("BEGIN { @y = max(pid); ⟦@x[1] = @y⟧; }",
        "Map value 'umax_t' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `@x = max(retval);`.")]
    public void AnAggregationsValueDoesNotTypeANewMap(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    [InlineData("BEGIN { @x = 1; @y = count(); @x = @y; }")]
    [InlineData("BEGIN { @y = count(); @x = (uint64)@y; }")]
    [InlineData("BEGIN { @y = min(5); @x = (int64)@y; }")]
    [InlineData("BEGIN { @y = count(); @x = @y; @x = 1; }")]
    public void AnIntegerMapOrACastTakesIt(string script) => Assert.Empty(SemanticKit.Errors(script));

    [Theory]
    // stats_t is no castable map type in the reference (types.h IsCastableMapTy): its value cannot be read.
    [InlineData("BEGIN { @s = stats(5); ⟦$x = @s⟧; }", "Value 'stats_t' cannot be assigned to a scratch variable.")]
    [InlineData("BEGIN { @s = stats(5); print((1, ⟦@s⟧)); }", "Reading a value of a stats map is not supported yet")]
    // type_checker.cpp map_aggregations_implicit_cast: a stats or hist map assigned to another map.
    [InlineData("BEGIN { @y = stats(5); ⟦@x = @y⟧; }",
        "Map value 'stats_t' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `@x = stats(arg2);`.")]
    [InlineData("BEGIN { @x = 1; @y = stats(5); ⟦@x = @y⟧; }",
        "Map value 'stats_t' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `@x = stats(arg2);`.")]
    [InlineData("BEGIN { @y = hist(5); ⟦@x = @y⟧; }",
        "Map value 'hist_t' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `@x = hist(retval);`.")]
    [InlineData("BEGIN { @y = lhist(5, 0, 10, 1); ⟦@x = @y⟧; }",
        "Map value 'lhist_t' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `@x = lhist(rand %10, 0, 10, 1);`.")]
    // type_checker.cpp map_aggregations_explicit_cast.
    [InlineData("kprobe:f { @ = hist(5); print((1, ⟦(uint16)⟧@)); }", "Cannot cast from \"hist_t\" to \"uint16\"")]
    [InlineData("kprobe:f { @ = stats(5); $x = ⟦(int64)⟧@; }", "Cannot cast from \"stats_t\" to \"int64\"")]
    public void AnAggregationWithoutAValueIsNotRead(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    // type_checker.cpp visit(Call) print, visit(Tuple), visit(Record); type_resolver.cpp's map key rule.
    [InlineData("BEGIN { @x[1] = hist(1); ⟦print(@x[1])⟧; }", "Map type hist_t cannot print the value of individual keys. You must print the whole map.")]
    [InlineData("BEGIN { @x[1] = lhist(1, 0, 10, 1); ⟦print(@x[1])⟧; }", "Map type lhist_t cannot print the value of individual keys. You must print the whole map.")]
    [InlineData("BEGIN { @x = hist(1); $t = (1, ⟦@x⟧); }", "Map type hist_t cannot exist inside a tuple.")]
    [InlineData("BEGIN { @x = lhist(1, 0, 10, 1); $t = (a = 1, b = ⟦@x⟧); }", "Map type lhist_t cannot exist inside a record.")]
    [InlineData("BEGIN { @x[1] = hist(1); ⟦@y[@x[1]]⟧ = 1; }", "Value 'hist_t' cannot be used as a map key.")]
    [InlineData("BEGIN { @x = stats(1); ⟦@y[@x]⟧ = 1; }", "Value 'stats_t' cannot be used as a map key.")]
    public void AHistogramsMapIsNeitherPrintedByKeyNorAnElementNorAKey(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    // type_checker.cpp map_aggregations_implicit_cast: "Type mismatch for '>': comparing hist_t with int8" over the
    // comparison, then its context lines "left (hist_t)" and "right (int8)" at each operand.
    [Theory]
    [InlineData("kprobe:f { @ = hist(5); if (@ > 0) { print((1)); } }", "@ > 0", "@", "0", "'>'", "hist_t", "int8")]
    [InlineData("BEGIN { @s = stats(5); $x = @s + 1; }", "@s + 1", "@s", "1", "'+'", "stats_t", "int8")]
    [InlineData("BEGIN { @h = lhist(5, 0, 10, 1); $x = 1; $x += @h; }", "$x += @h", "$x", "@h", "'+'", "int8", "lhist_t")]
    public void AnAggregationWithoutAValueIsNoOperand(string script, string whole, string left, string right, string op, string leftType, string rightType)
    {
        var error = Assert.Single(SemanticKit.Bind(script).Diagnostics);
        Assert.Equal($"Type mismatch for {op}: comparing {leftType} with {rightType}", error.Message);
        Assert.Equal(whole, script.Substring(error.Span.Start, error.Span.Length));
        Assert.Equal([$"left ({leftType})", $"right ({rightType})"], error.Context.Select(c => c.Message));
        Assert.Equal([left, right], error.Context.Select(c => script.Substring(c.Span.Start, c.Span.Length)));
    }

    [Fact]
    public void AReadableAggregationCastsAndCompares() =>
        Assert.Empty(SemanticKit.Errors("kprobe:f { @ = count(); print((1, (uint16)@)); @s = sum(5); if (@s > 0) { print((1)); } }"));
}
