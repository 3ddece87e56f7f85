using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Integer literals as the newest bpftrace types them (docs/language.md "Data Types": "Integers are by default
/// represented as the smallest possible signed type, e.g. 0, 1, and -1 are all int8. If an integer literal exceeds the
/// largest int64 then it's a uint64"; src/ast/integer_types.cpp; fold_literals.cpp folds -N and ~N into literals).
/// bpftrace 0.17 types every literal int64 (docs/differences.md).
/// </summary>
public class IntegerLiteralTypeTests
{
    [Theory]
    [InlineData("0", "Integer 0 :: int8")]
    [InlineData("127", "Integer 127 :: int8")]
    [InlineData("128", "Integer 128 :: int16")]
    [InlineData("32767", "Integer 32767 :: int16")]
    [InlineData("32768", "Integer 32768 :: int32")]
    [InlineData("0x7fffffff", "Integer 2147483647 :: int32")]
    [InlineData("2147483648", "Integer 2147483648 :: int64")]
    [InlineData("9223372036854775807", "Integer 9223372036854775807 :: int64")]
    [InlineData("9223372036854775808", "Integer 9223372036854775808 :: uint64")]
    [InlineData("18446744073709551615", "Integer 18446744073709551615 :: uint64")]
    [InlineData("1e3", "Integer 1000 :: int16")]
    [InlineData("1s", "Integer 1000000000 :: int32")]
    public void LiteralIsTheSmallestSignedTypeHoldingIt(string literal, string node)
    {
        Assert.Contains($"   {node}\n", SemanticKit.Types($"BEGIN {{ $x = {literal}; }}"));
    }

    [Theory]
    [InlineData("-1", "Integer -1 :: int8")]
    [InlineData("-128", "Integer -128 :: int8")]
    [InlineData("-129", "Integer -129 :: int16")]
    [InlineData("-1000", "Integer -1000 :: int16")]
    [InlineData("-2147483648", "Integer -2147483648 :: int32")]
    [InlineData("-2147483649", "Integer -2147483649 :: int64")]
    [InlineData("-9223372036854775808", "Integer -9223372036854775808 :: int64")]
    [InlineData("-0", "Integer 0 :: int8")]
    [InlineData("-(-5)", "Integer 5 :: int8")]
    [InlineData("-(-9223372036854775808)", "Integer 9223372036854775808 :: uint64")]
    public void NegatedLiteralIsALiteralOfTheSmallestSignedType(string literal, string node)
    {
        var dump = SemanticKit.Types($"BEGIN {{ $x = {literal}; }}");

        Assert.Contains($"   {node}\n", dump);
        Assert.DoesNotContain("Unary", dump);
    }

    [Theory]
    // fold_literals.cpp: "~" of a literal is an unsigned value, so never negative.
    [InlineData("~0", "Integer 18446744073709551615 :: uint64")]
    [InlineData("~5", "Integer 18446744073709551610 :: uint64")]
    [InlineData("~(-1)", "Integer 0 :: int8")]
    [InlineData("~18446744073709551615", "Integer 0 :: int8")]
    public void BitwiseNotOfALiteralIsANonNegativeLiteral(string literal, string node)
    {
        Assert.Contains($"   {node}\n", SemanticKit.Types($"BEGIN {{ $x = {literal}; }}"));
    }

    [Fact]
    public void NegatingALiteralPastInt64IsTheReferencesError()
    {
        Assert.Equal(["negative value will underflow"], SemanticKit.Errors("BEGIN { $x = -9223372036854775809; }"));
    }

    [Fact]
    public void PositionalParametersAndTheirCountAreLiterals()
    {
        var dump = SemanticKit.Types("BEGIN { $a = $1; $b = $#; $c = $2; }");

        Assert.Contains("   Integer 0 :: int8\n", dump);
        Assert.DoesNotContain(":: int64\n   ", dump.Split("Block")[1]);
    }

    [Theory]
    // sizeof of a literal is the size of its type: 1 for int8, as the newest bpftrace sizes it (0.17: 8).
    [InlineData("sizeof(1)", 1)]
    [InlineData("sizeof(-1000)", 2)]
    [InlineData("sizeof(100000)", 4)]
    [InlineData("sizeof(5000000000)", 8)]
    public void SizeofALiteralIsItsTypesSize(string expression, long size)
    {
        Assert.Contains($"Integer {size} :: ", SemanticKit.Types($"BEGIN {{ $x = {expression}; }}"));
    }
}
