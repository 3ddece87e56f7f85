using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Integer variables, operators and their warnings as the newest bpftrace types them: type_resolver.cpp's
/// get_binop_int and variable promotion, types.cpp's get_promoted_int and FitsInto, cast_creator.cpp's "being cast"
/// warning. The cases are those of the reference's own tests (tests/type_resolver.cpp variable_promotion_integers,
/// tests/type_checker.cpp implicit_int_cast_warnings, signed_int_division_warnings).
/// </summary>
public class IntegerTypingTests
{
    private const string CastWarning = "being cast to type";

    [Theory]
    [InlineData("$a = 1;", "int8")]
    [InlineData("$a = -1;", "int8")]
    [InlineData("$a = 10446744073709551615;", "uint64")]
    [InlineData("$a = 1; $a = (uint32)2;", "uint32")]
    [InlineData("$a = 1; $a = (uint64)2;", "uint64")]
    [InlineData("$a = 1; $a = 2; $a = (uint64)3;", "uint64")]
    [InlineData("$a = 1; $a = -1; $a = (int32)3;", "int32")]
    [InlineData("$a = -1; $a = (uint64)2;", "int64")]
    [InlineData("$a = 1; $a = -1; $a = (uint64)2;", "int64")]
    [InlineData("$a = (int8)1; $a = (uint8)2;", "int16")]
    [InlineData("$a = (uint32)1; $a = (int32)2;", "int64")]
    [InlineData("$a = (uint64)1; $a = (int64)2;", "int64")]
    [InlineData("$a = (int64)1; $a = (uint64)2;", "int64")]
    [InlineData("$a = (uint32)1; $b = (int32)2; $a = $b;", "int64")]
    [InlineData("$a = 1; $a = -1000;", "int16")]
    [InlineData("$a = 0; while ($a < 300) { $a++; }", "int64")]
    [InlineData("let $a: uint8; $a = 1;", "uint8")]
    [InlineData("$a = (1, \"x\"); $a = (-1000, \"y\");", "(int16,string[2])")]
    public void AVariableHoldsEveryValueAssignedToIt(string statements, string type)
    {
        Assert.Contains($" Variable $a :: {type}\n", SemanticKit.Types($"BEGIN {{ {statements} }}"));
    }

    [Fact]
    public void AValueAssignedToAWiderVariableIsCastFromTheFirstAssignment()
    {
        var dump = SemanticKit.Types("BEGIN { $a = 1; $a = (uint64)2; }");

        Assert.Contains("""
              VariableAssign $a
               Cast :: uint64
                Integer 1 :: int8
            """.Replace("\r", "", StringComparison.Ordinal), dump);
    }

    [Fact]
    public void SizeofTheTypeOfANarrowVariableIsItsWidth()
    {
        Assert.Contains("Integer 2 :: int8", SemanticKit.Types("BEGIN { $x = (int16)1; @s = sizeof(typeof($x)); }"));
    }

    [Theory]
    [InlineData("$a = (uint64)1; $a = (int64)2;")]
    [InlineData("$a = (int64)1; $a = (uint64)2;")]
    [InlineData("$a = -1; $a = (uint64)2;")]
    [InlineData("$a = 1; $a = -1; $a = (uint64)2;")]
    [InlineData("let $a: uint64 = (int64)1;")]
    [InlineData("let $a: int64 = (uint64)1;")]
    [InlineData("let $a: int32 = (uint32)1;")]
    [InlineData("$a = (uint64)1 + (int64)2;")]
    [InlineData("$a = (uint64)1 - 1;")]
    [InlineData("$a = (uint64)1 == (int64)-1;")]
    [InlineData("$a = pid > 1 ? (uint64)1 : (int64)2;")]
    public void AValueThatMayNotKeepItsValueWarnsThatItIsCast(string statements)
    {
        Assert.Contains(Warnings(statements), w => w.Contains(CastWarning, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("$a = (uint32)1; $a = (int32)2;")]
    [InlineData("$a = (uint16)1; $a = (int16)2;")]
    [InlineData("$a = 1; $a = (uint64)2;")]
    [InlineData("$a = 1; $a = (int64)2;")]
    [InlineData("let $a: uint64 = 1;")]
    [InlineData("let $a: uint16 = (uint16)-1;")]
    [InlineData("$a = (uint32)1 + (int32)2;")]
    [InlineData("$a = (int64)(uint64)1 - 1;")]
    [InlineData("$a = 1 == -1;")]
    [InlineData("$a = 1 == (int64)-1;")]
    [InlineData("$a = (uint32)1 == (int32)-1;")]
    [InlineData("$a = pid > 1 ? 1 : (uint64)2;")]
    public void AValueThatKeepsItsValueIsCastSilently(string statements)
    {
        Assert.DoesNotContain(Warnings(statements), w => w.Contains(CastWarning, StringComparison.Ordinal));
    }

    [Fact]
    public void TheCastWarningIsInTheReferencesWords()
    {
        Assert.Equal(["Expression of type: uint64 being cast to type: int64. This may cause unexpected results. Use an explicit cast to suppress this warning."],
            Warnings("$a = (uint64)1 - 1;"));
    }

    [Theory]
    [InlineData("let $a: uint16 = -1;")]
    [InlineData("let $a: uint8 = 10000000;")]
    public void ALiteralOutsideADeclaredTypeIsATypeMismatch(string statements)
    {
        Assert.Contains(SemanticKit.Errors($"BEGIN {{ {statements} }}"), e => e.StartsWith("Type mismatch for $a", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("@y = -1 / @x;", true)]
    [InlineData("@y = @x / -1;", true)]
    [InlineData("@y = -1 % @x;", true)]
    [InlineData("@y = @x % -1;", true)]
    [InlineData("@y = @x / (uint64)1;", false)]
    [InlineData("@y = -(@x / (uint64)1);", false)]
    [InlineData("@y = (uint64)10 / 2;", false)]
    [InlineData("@y = (uint64)10 % 2;", false)]
    public void ASignedOperandOfDivisionByAnotherTypeWarns(string statement, bool warns)
    {
        var warnings = Warnings($"@x = (uint64)1; {statement}");

        Assert.Equal(warns, warnings.Any(w => w.StartsWith("signed operands for '", StringComparison.Ordinal)
            && w.EndsWith("' can lead to undefined behavior (cast to unsigned to silence warning)", StringComparison.Ordinal)));
    }

    [Theory]
    // docs/language.md "Arithmetic Operators": "Subtraction ... always yields a signed integer type".
    [InlineData("(uint64)1 - (uint64)2", "int64")]
    [InlineData("(uint64)1 + (-2)", "int64")]
    [InlineData("(uint32)5 + (uint8)3", "uint64")]
    [InlineData("(uint64)10 / 2", "uint64")]
    [InlineData("pid + 1", "uint64")]
    [InlineData("(int8)1 * 2", "int64")]
    [InlineData("(uint16)1 & (uint16)2", "uint64")]
    [InlineData("(int16)1 & (int16)2", "int64")]
    [InlineData("-(uint32)1", "uint64")]
    [InlineData("~(uint32)1", "uint64")]
    [InlineData("-(int8)1", "int64")]
    public void ArithmeticHasTheReferencesType(string expression, string type)
    {
        Assert.Contains($"Map @r :: {type}\n", SemanticKit.Types($"BEGIN {{ @r = {expression}; }}"));
    }

    [Theory]
    [InlineData("pid > 1 ? 1 : 2", "int8")]
    [InlineData("pid > 1 ? 1 : -1000", "int16")]
    [InlineData("pid > 1 ? (uint8)1 : 2", "uint8")]
    [InlineData("pid > 1 ? (uint32)1 : (int32)2", "int64")]
    public void ATernaryOfIntegersHasTheTypeHoldingBoth(string expression, string type)
    {
        Assert.Contains($" Variable $t :: {type}\n", SemanticKit.Types($"BEGIN {{ $t = {expression}; }}"));
    }

    [Theory]
    // codegen_llvm.cpp's binop_int: compared signed when either operand (cast to the type holding both) is signed.
    [InlineData("$u < -1", "LessSigned")]
    [InlineData("$u < 1", "LessUnsigned")]
    [InlineData("$u < (uint8)1", "LessUnsigned")]
    [InlineData("(int32)$u < (uint32)1", "LessSigned")]
    [InlineData("$u >> 1", "ShiftRightLogical")]
    [InlineData("(int64)$u >> 1", "ShiftRightLogical")]
    public void ComparisonsAreSignedWhenTheTypeHoldingBothIsAndShiftsFillWithZeros(string expression, string kind)
    {
        var (program, _) = SemanticKit.Bind($"BEGIN {{ $u = (uint64)5; @r = {expression}; }}");

        var assign = program!.Probes[0].Body.Statements.OfType<BoundMapAssign>().Single();
        Assert.Equal(kind, ((BoundBinary)assign.Value).Operator.ToString());
    }

    private static List<string> Warnings(string statements) =>
        SemanticKit.Bind($"BEGIN {{ {statements} }}").Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.Message).ToList();
}
