using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Operators on two literals folded into a literal typed by its value, as the newest bpftrace's literal folding does
/// before types are resolved. Cases and expectations are those of the reference's tests (tests/fold_literals.cpp):
/// its <c>Integer(n)</c> is a literal of <c>n</c> typed as a literal written as <c>n</c> would be, its
/// <c>NegativeInteger(n)</c> the negative one, its <c>Boolean</c> a bool, its <c>String</c> a string literal.
/// bpftrace 0.17 folds nothing: it computes these in the program as int64 (docs/differences.md).
/// </summary>
public class LiteralFoldingTests
{
    private static string Folded(string expression)
    {
        var dump = SemanticKit.Types($"BEGIN {{ print({expression}); }}");
        var lines = dump.Split('\n');
        var at = Array.FindIndex(lines, l => l.Trim() == "PrintValue #0");
        Assert.True(at >= 0, dump);
        // Folded: the printed value is a single node, with nothing below it.
        Assert.True(at + 2 >= lines.Length || !lines[at + 2].StartsWith("    ", StringComparison.Ordinal), dump);
        return lines[at + 1].Trim();
    }

    [Theory]
    [InlineData("0 + 0", "Integer 0 :: int8")]
    [InlineData("1 + 2", "Integer 3 :: int8")]
    [InlineData("-5 + 10", "Integer 5 :: int8")]
    [InlineData("-10 + -5", "Integer -15 :: int8")]
    [InlineData("100 + 100", "Integer 200 :: int16")]
    [InlineData("9223372036854775807 + 1", "Integer 9223372036854775808 :: uint64")]
    [InlineData("9223372036854775808 + 1", "Integer 9223372036854775809 :: uint64")]
    [InlineData("0 + (-1)", "Integer -1 :: int8")]
    [InlineData("0x7fffffffffffffff + (-1)", "Integer 9223372036854775806 :: int64")]
    [InlineData("0 - 1", "Integer -1 :: int8")]
    [InlineData("0xffffffffffffffff - 1", "Integer 18446744073709551614 :: uint64")]
    [InlineData("0x7fffffffffffffff - 0x8000000000000000", "Integer -1 :: int8")]
    [InlineData("0 - 0x8000000000000000", "Integer -9223372036854775808 :: int64")]
    [InlineData("0x8000000000000000-0xffffffffffffffff", "Integer -9223372036854775807 :: int64")]
    [InlineData("0x8000000000000000-0x7fffffffffffffff", "Integer 1 :: int8")]
    [InlineData("-1 * -1", "Integer 1 :: int8")]
    [InlineData("5 * -10", "Integer -50 :: int8")]
    [InlineData("0x7fffffffffffffff * 0x2", "Integer 18446744073709551614 :: uint64")]
    [InlineData("0xffffffffffffffff * 0x0", "Integer 0 :: int8")]
    [InlineData("-10 / 2", "Integer -5 :: int8")]
    [InlineData("-10 / -2", "Integer 5 :: int8")]
    [InlineData("0xffffffffffffffff / 0x10", "Integer 1152921504606846975 :: int64")]
    [InlineData("-10 % 3", "Integer -1 :: int8")]
    [InlineData("10 % -3", "Integer 1 :: int8")]
    [InlineData("0x8000000000000000 % 0xff", "Integer 128 :: int16")]
    [InlineData("-1 & -1", "Integer -1 :: int8")]
    [InlineData("-10 | 0x0f", "Integer -1 :: int8")]
    [InlineData("0x7fffffffffffffff ^ -1", "Integer -9223372036854775808 :: int64")]
    [InlineData("0xffffffff ^ -0xf", "Integer -4294967282 :: int64")]
    [InlineData("-0xff ^ -0x0f", "Integer 240 :: int16")]
    [InlineData("1 << 63", "Integer 9223372036854775808 :: uint64")]
    [InlineData("0xff << 56", "Integer 18374686479671623680 :: uint64")]
    [InlineData("-1 << 63", "Integer -9223372036854775808 :: int64")]
    [InlineData("0x8000000000000000 << 1", "Integer 0 :: int8")]
    [InlineData("-8 >> 1", "Integer -4 :: int8")]
    [InlineData("-1 >> 1", "Integer -1 :: int8")]
    [InlineData("0xffffffffffffffff >> 32", "Integer 4294967295 :: int64")]
    [InlineData("0x8000000000000000 >> 63", "Integer 1 :: int8")]
    [InlineData("(1 + 2) * (3 - 10)", "Integer -21 :: int8")]
    public void IntegerOperatorsFoldIntoALiteralTypedByItsValue(string expression, string node) =>
        Assert.Equal(node, Folded(expression));

    [Theory]
    [InlineData("0 == 0", true)]
    [InlineData("-1 == 1", false)]
    [InlineData("-1 != -1", false)]
    [InlineData("-1 < 0", true)]
    [InlineData("-1 < -2", false)]
    [InlineData("0x7fffffffffffffff < 0x8000000000000000", true)]
    [InlineData("0xffffffffffffffff < 0", false)]
    [InlineData("0xffffffffffffffff >= 0", true)]
    [InlineData("true < false", false)]
    [InlineData("false <= true", true)]
    [InlineData("\"a\" < \"b\"", true)]
    [InlineData("\"\" < \"a\"", true)]
    [InlineData("\"abc\" >= \"abd\"", false)]
    [InlineData("\"foo\" == \"foo\"", true)]
    [InlineData("\"foo\" != \"foo\"", false)]
    [InlineData("1 && -1", true)]
    [InlineData("-1 && 0", false)]
    [InlineData("0 || 0", false)]
    [InlineData("-1 || false", true)]
    [InlineData("0 && true", false)]
    [InlineData("\"foo\" && true", true)]
    [InlineData("\"\" || false", false)]
    [InlineData("false + true", true)]
    [InlineData("true - true", false)]
    [InlineData("true / true", true)]
    [InlineData("true % true", false)]
    [InlineData("true ^ false", true)]
    [InlineData("true << true", false)]
    [InlineData("true >> false", true)]
    [InlineData("!0", true)]
    [InlineData("!-1", false)]
    [InlineData("!true", false)]
    public void ComparisonsLogicAndBoolsFoldIntoABool(string expression, bool value) =>
        Assert.Equal($"Boolean {(value ? "true" : "false")} :: bool", Folded(expression));

    [Theory]
    [InlineData("\"foo\" + \"bar\"", "foobar")]
    [InlineData("\"\" + \"test\"", "test")]
    [InlineData("\"hello\" + 3", "lo")]
    [InlineData("3 + \"hello\"", "lo")]
    public void StringPlusFolds(string expression, string value) =>
        // The folded literal is a string literal like any: its length and the NUL.
        Assert.Equal($"String \"{value}\" :: string[{value.Length + 1}]", Folded(expression));

    [Fact]
    public void StringPlusPastItsEndIsEmptyWithTheReferencesWarning()
    {
        SemanticKit.AssertDiagnostics("BEGIN { print(⟦\"hello\" + 8⟧); }", "literal string will always be empty");
        Assert.Equal("String \"\" :: string[1]", Folded("\"hello\" + 8"));
    }

    [Theory]
    [InlineData("0xffffffffffffffff + 1")]
    [InlineData("0x8000000000000000 + (-1)")]
    [InlineData("0 - 0x8000000000000001")]
    [InlineData("1 - 0xffffffffffffffff")]
    [InlineData("0x7fffffffffffffff - (-1)")]
    [InlineData("0x8000000000000000 * 0x2")]
    [InlineData("0xffffffffffffffff * 0xffffffffffffffff")]
    [InlineData("123 / 0")]
    [InlineData("-123 / 0")]
    [InlineData("123 % 0")]
    [InlineData("-1 & 0xffffffffffffffff")]
    [InlineData("1 << 64")]
    [InlineData("1 >> 64")]
    [InlineData("false / false")]
    [InlineData("true % false")]
    public void OverflowUnderflowAndDivisionByZeroAreTheReferencesError(string expression) =>
        SemanticKit.AssertDiagnostics($"BEGIN {{ print(⟦{expression}⟧); }}", "unable to fold literals due to overflow or underflow");

    [Fact]
    public void AnOperatorOtherThanPlusOrAComparisonOnTwoStringsIsTheReferencesError() =>
        SemanticKit.AssertDiagnostics("BEGIN { print(⟦\"a\" - \"b\"⟧); }", "illegal literal operation with strings");

    [Theory]
    // Left for type checking, as the reference leaves them: a string and an integer other than `+`, a string and a
    // bool other than && and ||, a variable.
    [InlineData("BEGIN { $x = 1; print($x + 2); }", "Binary Add :: int64")]
    [InlineData("BEGIN { print(\"foo\" == 1); }", null)]
    [InlineData("BEGIN { print(\"foo\" && 1); }", null)]
    public void OperatorsOnNonLiteralsAreNotFolded(string script, string? node)
    {
        if (node is null)
            Assert.NotEmpty(SemanticKit.Errors(script));
        else
            Assert.Contains(node, SemanticKit.Types(script));
    }

    [Fact]
    public void AFoldedValueIsALiteralForTheTypesItMeets()
    {
        // `(uint32)$x + (1 + 2)` stays unsigned: the folded 3 takes the other operand's sign, as a written 3 does.
        Assert.Contains("Binary Add :: uint64", SemanticKit.Types("BEGIN { $x = (uint32)5; print($x + (1 + 2)); }"));
    }

    [Theory]
    // fold_literals.cpp's ternary cases, and a branch of another type: the condition picks a literal branch.
    [InlineData("0 ? true : false", "Boolean false :: bool")]
    [InlineData("1 ? true : false", "Boolean true :: bool")]
    [InlineData("-1 ? true : false", "Boolean true :: bool")]
    [InlineData("\"foo\" ? true : false", "Boolean true :: bool")]
    [InlineData("\"\" ? true : false", "Boolean false :: bool")]
    [InlineData("1 ? 2 : \"a\"", "Integer 2 :: int8")]
    [InlineData("5 ?: 6", "Integer 5 :: int8")]
    public void ATernaryOfLiteralsIsTheBranchItsConditionPicks(string expression, string node) =>
        Assert.Equal(node, Folded(expression));

    [Fact]
    public void ALiteralConditionOfARunTimeBranchIsSimplifiedToABool()
    {
        // fold_literals.cpp: "At least simplify the conditional expression", so a string condition is a bool.
        Assert.Contains("Ternary :: int8\n    Boolean true :: bool\n", SemanticKit.Types("BEGIN { $a = 1; $b = 2; print(\"foo\" ? $a : $b); }"));
        Assert.Contains("If\n   Boolean false :: bool\n", SemanticKit.Types("BEGIN { if (\"\") { @x = 1; } }"));
    }

    [Theory]
    // fold_literals.cpp's equals and not_equals cases on tuples and records.
    [InlineData("(1,-1,true,\"foo\") == (1,-1,true,\"foo\")", true)]
    [InlineData("(1,(2,(3,1+3))) == (1,(2,(4-1,4)))", true)]
    [InlineData("(1,(2,(3,false))) == (1,(2,(4-1,4)))", false)]
    [InlineData("(1,-1,true,\"foo\") == (1,-1,true,\"bar\")", false)]
    [InlineData("(-1,true,\"foo\",1) == (1,-1,true,\"foo\")", false)]
    [InlineData("(1,-1) == (1,-1,true)", false)]
    [InlineData("(1,-1,true,\"foo\") != (1,-1,true,\"foo\")", false)]
    [InlineData("(1,(2,(3,false))) != (1,(2,(4-1,4)))", true)]
    [InlineData("(1,-1) != (1,-1,true)", true)]
    [InlineData("(a=1,b=\"x\") == (b=\"x\",a=1)", true)]
    [InlineData("(a=1,b=\"x\") != (a=1,b=\"y\")", true)]
    public void TupleAndRecordComparisonsOfLiteralsFold(string expression, bool value) =>
        Assert.Equal($"Boolean {(value ? "true" : "false")} :: bool", Folded(expression));

    [Fact]
    public void TuplesOfDifferentLengthsDifferWhateverTheirElements()
    {
        // fold_literals.cpp: `($x,-1) == ($x,-1,true)` is false and `!=` true; `($x,-1) == ($x,-1)` is left to the program.
        Assert.Contains("PrintValue #0\n   Boolean false :: bool", SemanticKit.Types("BEGIN { $x = 1; print(($x,-1) == ($x,-1,true)); print(($x,-1) != ($x,-1,true)); }"));
        Assert.DoesNotContain("Boolean", SemanticKit.Types("BEGIN { $x = 1; print(($x,-1) == ($x,-1)); }"), StringComparison.Ordinal);
    }

    [Theory]
    // fold_literals.cpp's array_access, tuple_access and str() cases; a block of a literal alone (expr_stmt_collapse).
    [InlineData("\"foo\"[0]", "Integer 102 :: int8")]
    [InlineData("\"foo\"[1]", "Integer 111 :: int8")]
    [InlineData("\"foo\"[3]", "Integer 0 :: int8")]
    [InlineData("(1, \"a\").1", "String \"a\" :: string[2]")]
    [InlineData("(a = 1, b = 2).b", "Integer 2 :: int8")]
    [InlineData("str(0)", "String \"0\" :: string[2]")]
    [InlineData("str(-12)", "String \"-12\" :: string[4]")]
    [InlineData("str(12345, 3)", "String \"123\" :: string[4]")]
    [InlineData("str(\"hello\", 10)", "String \"hello\" :: string[6]")]
    [InlineData("{ 1 }", "Integer 1 :: int8")]
    public void IndexingAccessStrAndBlocksOfLiteralsFold(string expression, string node) =>
        Assert.Equal(node, Folded(expression));

    [Fact]
    public void StrOfAPositionalParameterPlusAnIntegerSkipsIntoItsText()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @x = str($1 + 2); }", new ProgramConfig { PositionalParameters = ["hello"] });
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Equal("llo", Assert.IsType<BoundStringLiteral>(program.Probes[0].Body.Statements.OfType<BoundMapAssign>().Single().Value).Value);
    }

    [Theory]
    // fold_literals.cpp's unary cases.
    [InlineData("~(-1)", "Integer 0 :: int8")]
    [InlineData("~0", "Integer 18446744073709551615 :: uint64")]
    [InlineData("-0x8000000000000000", "Integer -9223372036854775808 :: int64")]
    [InlineData("-(-0x8000000000000000)", "Integer 9223372036854775808 :: uint64")]
    public void UnaryOperatorsOnLiteralsFold(string expression, string node) =>
        Assert.Equal(node, Folded(expression));

    [Fact]
    public void NegatingPastInt64IsTheReferencesError() =>
        // Our span of a prefix operator covers the operator alone.
        SemanticKit.AssertDiagnostics("BEGIN { print(⟦-⟧0x8000000000000001); }", "negative value will underflow");
}
