using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Integer types in maps and range loops as the newest bpftrace types them: a map's value and key types are promoted
/// over every assignment and access as a variable's are (type_resolver.cpp get_map_value_type, get_map_key_type),
/// values and keys are cast to them with the "being cast" warning (cast_creator.cpp), and a range loop's variable has
/// get_range_type's type. The cases are the reference's own (tests/type_checker.cpp implicit_int_cast_warnings,
/// map_integer_sizes, tuple_assign_map) and what its rules give for others.
/// </summary>
public class MapIntegerTypeTests
{
    private const string CastWarning = "being cast to type";

    [Theory]
    [InlineData("@a = 1;", "Map @a :: int8")]
    [InlineData("@a = (int8)-1;", "Map @a :: int8")]
    [InlineData("@a = (uint8)255;", "Map @a :: uint8")]
    [InlineData("$x = (int32)-1; @a = $x;", "Map @a :: int32")]
    [InlineData("@a = 1; @a = (uint64)2;", "Map @a :: uint64")]
    [InlineData("@a = -1; @a = (uint64)2;", "Map @a :: int64")]
    [InlineData("@a = (uint32)1; @a = (int32)2;", "Map @a :: int64")]
    [InlineData("@a = (uint8)1; @a = (int8)2;", "Map @a :: int16")]
    [InlineData("@a = 1; @a = -1000;", "Map @a :: int16")]
    [InlineData("@a = 0; @a--; @a++;", "Map @a :: int64")]
    [InlineData("@a = (1, 3, 3, 7); @a = (0, 0, 0, 0);", "Map @a :: (int8,int8,int8,int8)")]
    [InlineData("@a = (1, \"x\"); @a = ((uint16)2, \"y\");", "Map @a :: (uint16,string[2])")]
    [InlineData("@a[1] = 1;", "Map @a[int8] :: int8")]
    [InlineData("@a[(uint16)1] = 1; @a[(int64)2] = 1;", "Map @a[int64] :: int8")]
    [InlineData("@a[1] = 1; @a[(uint64)2] = 1;", "Map @a[uint64] :: int8")]
    [InlineData("@a[1, \"x\"] = 1; @a[-1000, \"y\"];", "Map @a[int16, string[2]] :: int8")]
    public void AMapHoldsEveryIntegerAssignedToItAtItsWidth(string statements, string map)
    {
        Assert.Contains(map + "\n", SemanticKit.Types($"BEGIN {{ {statements} }}"));
    }

    [Theory]
    [InlineData("@a = (uint64)1; @a = (int64)2;", "uint64", "int64")]
    [InlineData("@a = (int64)1; @a = (uint64)2;", "uint64", "int64")]
    [InlineData("@a = -1; @a = (uint64)2;", "uint64", "int64")]
    [InlineData("@a[(uint64)1] = 1; @a[(int64)2] = 1;", "uint64", "int64")]
    [InlineData("@a[(int64)1] = 1; @a[(uint64)2] = 1;", "uint64", "int64")]
    [InlineData("@a[-1] = 1; @a[(uint64)2] = 1;", "uint64", "int64")]
    public void AValueOrKeyTheMapsTypeMayNotHoldIsCastWithAWarning(string statements, string from, string to)
    {
        var (_, diagnostics) = SemanticKit.Bind($"BEGIN {{ {statements} }}");

        var warning = Assert.Single(diagnostics);
        Assert.False(warning.IsError);
        Assert.Equal($"Expression of type: {from} being cast to type: {to}. This may cause unexpected results. "
            + "Use an explicit cast to suppress this warning.", warning.Message);
    }

    [Theory]
    [InlineData("@a = (uint32)1; @a = (int32)2;")]
    [InlineData("@a = 1; @a = (uint64)2;")]
    [InlineData("@a = 0; @a--; @a++;")]
    [InlineData("@a[(uint32)1] = 1; @a[(int32)2] = 1;")]
    [InlineData("@a[1] = 1; @a[(uint64)2] = 1;")]
    public void AValueOrKeyTheMapsTypeHoldsIsCastWithoutAWarning(string statements)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ {statements} }}");

        Assert.NotNull(program);
        Assert.DoesNotContain(diagnostics, d => d.Message.Contains(CastWarning, StringComparison.Ordinal));
    }

    [Fact]
    public void AValueAssignedToAWiderMapIsCastToItsType()
    {
        var dump = SemanticKit.Types("BEGIN { @a = (int8)-1; @a = (int32)2; @k[(uint8)1] = 1; @k[(uint32)2] = 2; }");

        Assert.Contains("""
              MapAssign @a
               Cast :: int32
                Cast :: int8
                 Integer -1 :: int8
            """.Replace("\r", "", StringComparison.Ordinal), dump);
        Assert.Contains("""
              MapAssign @k
               Cast :: uint32
                Cast :: uint8
                 Integer 1 :: int8
            """.Replace("\r", "", StringComparison.Ordinal), dump);
    }

    [Theory]
    [InlineData("BEGIN { @a = -1; @a = 18446744073709551615; }",
        "Type mismatch for @a: trying to assign value of type 'uint64' when map already has a value type 'int64'")]
    [InlineData("BEGIN { @a[-1] = 1; @a[18446744073709551615] = 2; }",
        "Type mismatch for @a: trying to assign key of type 'uint64' when map already has a key type 'int64'")]
    public void ALiteralOutsideTheMapsTypeIsATypeMismatch(string script, string message)
    {
        var (program, diagnostics) = SemanticKit.Bind(script);

        Assert.Null(program);
        Assert.Equal(message, Assert.Single(diagnostics, d => d.IsError).Message);
    }

    [Theory]
    [InlineData("@a = (int16)1; @s = sizeof(@a);", "Integer 2 :: int8")]
    [InlineData("@a = (uint8)1; @s = sizeof(typeof(@a));", "Integer 1 :: int8")]
    [InlineData("@a = 1; @a = (int32)-1; @s = sizeof(@a);", "Integer 4 :: int8")]
    [InlineData("@a = (uint16)1; let $x: typeof(@a) = 2;", "Variable $x :: uint16")]
    public void TypeofAndSizeofAMapAreItsValuesType(string statements, string expected)
    {
        Assert.Contains(expected + "\n", SemanticKit.Types($"BEGIN {{ {statements} }}"));
    }

    [Theory]
    [InlineData("for ($i : 0..5) { }", "int8")]
    [InlineData("for ($i : 0..1000) { }", "int16")]
    [InlineData("for ($i : -5..5) { }", "int8")]
    [InlineData("$n = (uint64)3; for ($i : 0..$n) { }", "uint64")]
    [InlineData("for ($i : (uint8)0..(int8)5) { }", "uint8")]
    [InlineData("for ($i : (int32)0..(uint8)5) { }", "int32")]
    [InlineData("for ($i : (uint16)0..(int32)5) { }", "int32")]
    public void ARangeLoopsVariableHasTheTypeOfItsBounds(string loop, string type)
    {
        Assert.Contains($" Variable $i :: {type}\n", SemanticKit.Types($"BEGIN {{ {loop} }}"));
    }

    [Fact]
    public void ARangeBoundThatMayNotKeepItsValueIsCastWithAWarning()
    {
        // cast_creator.cpp casts both bounds to the larger one's type (the end's when they are as large).
        var (_, diagnostics) = SemanticKit.Bind("BEGIN { for ($i : (int64)0..(uint64)5) { } }");

        Assert.Equal("Expression of type: int64 being cast to type: uint64. This may cause unexpected results. "
            + "Use an explicit cast to suppress this warning.", Assert.Single(diagnostics).Message);
        Assert.Contains(" Variable $i :: int64\n", SemanticKit.Types("BEGIN { for ($i : (int64)0..(uint64)5) { } }"));
    }
}
