using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// A positional parameter is an integer literal when its text reads as one, by the rules of the newest bpftrace's
/// integer parser (util/int_parser.cpp: 0x hex, a leading 0 and a digit 0-7 octal, `_` separators, C and duration
/// suffixes), a value past int64 a uint64, else a string literal.
/// </summary>
public sealed class PositionalIntegerTests
{
    private static string Types(params string[] parameters)
    {
        var script = "BEGIN { " + string.Concat(parameters.Select((_, i) => $"@p{i} = ${i + 1}; ")) + "}";
        var (program, diagnostics) = SemanticKit.Bind(script, new ProgramConfig { PositionalParameters = parameters });
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        return BoundTreePrinter.Print(program!).Replace("\r", "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0775", "Integer 509 :: int16")]
    [InlineData("0x123", "Integer 291 :: int16")]
    [InlineData("1_000", "Integer 1000 :: int16")]
    [InlineData("-010", "Integer -8 :: int8")]
    [InlineData("-9223372036854775808", "Integer -9223372036854775808 :: int64")]
    [InlineData("2s", "Integer 2000000000 :: int32")]
    [InlineData("0xffffffffffffffff", "Integer 18446744073709551615 :: uint64")]
    public void IntegersAreReadAsLiterals(string parameter, string literal) =>
        Assert.Contains(literal, Types(parameter));

    [Theory]
    // A leading 0 with a digit past 7 is no integer (strtoull stops at the 8, which is no valid suffix), nor a
    // sign alone, nor a negative value past int64.
    [InlineData("08")]
    [InlineData("-")]
    [InlineData("-9223372036854775809")]
    [InlineData("12abc")]
    public void OtherTextIsAString(string parameter) =>
        Assert.Contains("String \"" + parameter + "\"", Types(parameter));

    [Fact]
    public void IntegerParametersAreLiteralArgumentsOfLhist()
    {
        // runtime/other "positional lhist": lhist(0, $1, $2, $3) with 0 10000 1000.
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @ = lhist(0, $1, $2, $3); }",
            new ProgramConfig { PositionalParameters = ["0", "10000", "1000"] });

        Assert.NotNull(program);
        Assert.Empty(diagnostics.Where(d => d.IsError).Select(d => d.Message));
    }

    [Fact]
    public void AStringParameterIsNoLiteralArgumentOfLhist() =>
        Assert.Contains(SemanticKit.Bind("BEGIN { @ = lhist(0, $1, 10, 1); }", new ProgramConfig { PositionalParameters = ["abc"] }).Diagnostics,
            d => d.IsError && d.Message.StartsWith("lhist() expects a int literal", StringComparison.Ordinal));
}
