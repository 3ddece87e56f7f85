using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// The newest bpftrace's bool (docs/language.md "Data Types": "bool | true or false"; docs/stdlib.md: has_key returns
/// "boolean"): true/false literals, comparisons, !, && and || are bool; a bool prints true or false, %d prints 1 or 0.
/// bpftrace 0.17 has no bool: its comparisons are int64 printing 1/0 (docs/differences.md).
/// </summary>
public class BoolTypeTests
{
    private static string Types(string script)
    {
        var (program, diagnostics) = SemanticKit.Bind(script);
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Empty(diagnostics);
        return BoundTreePrinter.Print(program!);
    }

    [Fact]
    public void LiteralsComparisonsNotAndLogicalOperatorsAreBool()
    {
        Assert.Equal("""
            Map @b :: bool
            Map @c :: bool
            Probe begin
             Variable $t :: bool
             Variable $n :: int8
             Block
              VariableAssign $t
               Boolean true :: bool
              VariableAssign $n
               Integer 1 :: int8
              MapAssign @b
               Binary LogicalOr :: bool
                Binary Less :: bool
                 VariableRead $n :: int8
                 Integer 2 :: int8
                Unary LogicalNot :: bool
                 VariableRead $t :: bool
              MapAssign @c
               Boolean true :: bool

            """.Replace("\r", "", StringComparison.Ordinal), Types("BEGIN { $t = true; $n = 1; @b = $n < 2 || !$t; @c = 1 < 2; }"));
    }

    [Theory]
    // type_resolver.cpp of the newest bpftrace: comparisons, && and || (is_comparison_op) are bool; an operator on
    // two bools is bool; !x is bool; arithmetic with an integer is an integer; a ternary of two bools is bool.
    [InlineData("\"a\" == \"b\"", "bool")]
    [InlineData("true & false", "bool")]
    [InlineData("true + 1", "int64")]
    [InlineData("-true", "int64")]
    [InlineData("pid > 1 ? true : false", "bool")]
    [InlineData("(bool)5", "bool")]
    [InlineData("has_key(@m, 1)", "bool")]
    [InlineData("{ let $a = true; $a }", "bool")]
    public void ExpressionHasTheReferencesType(string expression, string type)
    {
        var dump = Types($"BEGIN {{ @m[1] = 1; @r = {expression}; }}");

        Assert.Contains($"Map @r :: {type}\n", dump);
    }

    [Theory]
    // The newest bpftrace refuses to cast between bool and integer implicitly (cast_creator.cpp: bool is not an
    // integer type); the message keeps bpftrace 0.17's wording of a mismatch, as every other mismatch here.
    [InlineData("BEGIN { $x = true; ⟦$x = 1⟧; }", "Type mismatch for $x: trying to assign value of type 'int8' when variable already has a type 'bool'")]
    [InlineData("BEGIN { @x = 1; ⟦@x = 1 == 1⟧; }", "Type mismatch for @x: trying to assign value of type 'bool' when map already has a type 'int8'")]
    [InlineData("BEGIN { ⟦printf(\"%r\\n\", true)⟧; }", "printf: %r specifier expects a value of type buffer (bool supplied)")]
    public void BoolAndIntegerDoNotMix(string annotated, string message) => SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void PrintfTakesABoolWithPercentDAndPercentS()
    {
        // format_string.cpp: %d takes integer, boolean or pointer; %s takes any value.
        Types("BEGIN { printf(\"%d %s\\n\", true, 1 > 2); }");
    }

    [Fact]
    public void ABoolPrintsTrueOrFalseInTextAndJson()
    {
        var yes = BoolType.Instance.Decode([1, 0, 0, 0, 0, 0, 0, 0]);
        var no = BoolType.Instance.Decode(new byte[8]);

        // tests/runtime/bool and json-output of the newest bpftrace: "(true, false)" and [true,false].
        Assert.Equal(("true", "false"), (TextOutputWriter.FormatValue(yes), TextOutputWriter.FormatValue(no)));
        Assert.Equal("(true, false)", TextOutputWriter.FormatValue(new TupleValue(yes, no)));
        Assert.Equal("[true,false]", JsonOutputWriter.FormatValue(new TupleValue(yes, no)));
    }

    [Theory]
    // runtime/builtin "sizeof" of the newest bpftrace: `sizeof(1 == 1)` is 1.
    [InlineData("sizeof(1 == 1)", 1)]
    [InlineData("sizeof(true)", 1)]
    public void SizeofABoolIsOneByte(string expression, int size) =>
        Assert.Contains($"Integer {size} :: int8", Types($"BEGIN {{ @s = {expression}; }}"));
}
