namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Cast errors and warnings in the newest bpftrace's words and at its span, the cast's <c>(type)</c>: its type
/// checker's visit(Cast) and tests/type_checker.cpp (cast_struct, cast_bool, cast_same_type), with types named as it names them (<c>int16[4]</c>, <c>uint64 *</c>).
/// bpftrace 0.17 said "Casts are not supported for type" and "Cannot cast to struct type" instead (docs/differences.md).
/// </summary>
public class CastDiagnosticTests
{
    [Theory]
    // A struct value cannot be cast at all.
    [InlineData("struct mytype { int field; }\nbegin { $s = (struct mytype *)cpu; ⟦(uint32)⟧*$s; }", "Cannot cast from C type \"struct mytype\"")]
    // Nothing casts to a struct.
    [InlineData("struct mytype { int field; } kprobe:f { ⟦(struct mytype)⟧arg0 }", "Cannot cast from \"uint64\" to \"struct mytype\"")]
    // A string is no integer.
    [InlineData("begin { @x = ⟦(uint32)⟧\"abc\"; }", "Cannot cast from \"string[4]\" to \"uint32\"")]
    // An array only to the integer of its size, named in bpftrace's words.
    [InlineData("struct rec { short s[4]; } begin { $r = (struct rec *)0; @x = ⟦(uint32)⟧$r->s; }", "Cannot cast from \"int16[4]\" to \"uint32\"")]
    [InlineData("begin { $a = ⟦(bool)⟧pton(\"127.0.0.1\"); }", "Cannot cast from \"uint8[4]\" to \"bool\"")]
    [InlineData("kprobe:f { $a = ⟦(bool)⟧kstack; }", "Cannot cast from \"kstack_bpftrace_127\" to \"bool\"")]
    // An integer to an array: as large, or larger up to 8 bytes.
    [InlineData("begin { @x = ⟦(uint8[16])⟧(uint64)1; }", "Cannot cast from \"uint64\" to \"uint8[16]\"")]
    [InlineData("begin { @x = ⟦(int32[])⟧(int16)1; }", "Cannot determine array size: the element size is incompatible with the cast integer size")]
    // A pointer to a typedef is named by the typedef's target.
    [InlineData("kprobe:f { $p = (uint64 *)arg0; $s = ⟦(struct task_struct)⟧$p; }", "Cannot cast from \"uint64 *\" to \"struct task_struct\"")]
    [InlineData("kprobe:f { $a = ⟦(string[2])⟧\"hello\"; }", "Cannot cast from \"string[6]\" to \"string[2]\"")]
    public void ReportsTheNewestsCastError(string annotated, string message) => SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void AnUnknownTypeInADeclarationIsTheResolversError()
    {
        // tests/type_checker.cpp: `let $a: struct bad_task;` (the span, 17-32, is the type written).
        var errors = SemanticKit.Bind("begin { let $a: struct bad_task; }").Diagnostics.Where(d => d.IsError).Select(d => (d.Message, d.Span.Start, d.Span.End));

        Assert.Equal([("Cannot resolve unknown type \"struct bad_task\"", 16, 31)], errors);
    }

    [Theory]
    [InlineData("kprobe:f { $a = ⟦(uint64)⟧(uint64)1; }", "uint64")]
    [InlineData("kprobe:f { $a = ⟦(uint32)⟧pid; }", "uint32")]
    [InlineData("kprobe:f { $a = ⟦(uint8[4])⟧pton(\"127.0.0.1\"); }", "uint8[4]")]
    [InlineData("kprobe:f { $a = ⟦(string[6])⟧\"hello\"; }", "string[6]")]
    [InlineData("kprobe:f { $b = true; $a = ⟦(bool)⟧$b; }", "bool")]
    public void WarnsOfACastToTheTypeTheExpressionHas(string annotated, string type) =>
        SemanticKit.AssertDiagnostics(annotated, $"Unnecessary cast: expression is already of type {type}");

    [Theory]
    [InlineData("kprobe:f { $a = (uint64)(int64)1; }")]
    [InlineData("kprobe:f { $a = (string[10])\"hello\"; }")]
    // A literal takes the cast's type: (int8)1 is no unnecessary cast.
    [InlineData("kprobe:f { $a = (int8)1; }")]
    public void ACastToAnotherTypeDoesNotWarn(string script) => Assert.Empty(SemanticKit.Bind(script).Diagnostics);

    // tests/type_checker.cpp cast_bool: an integer, a string, a pointer cast to bool, a bool to an integer.
    [Theory]
    [InlineData("kprobe:f { $a = (bool)1; }")]
    [InlineData("kprobe:f { $a = (bool)\"str\"; }")]
    [InlineData("kprobe:f { $a = (bool)comm; }")]
    [InlineData("kprobe:f { $a = (int64 *)0; $b = (bool)$a; }")]
    [InlineData("kprobe:f { $a = (int64)true; $b = (int64)false; }")]
    public void TheNewestsBoolCastsBind(string script) => Assert.Empty(SemanticKit.Bind(script).Diagnostics);

    // The newest bpftrace's codegen for (bool) of a string: whether its first byte is not NUL, so "" is false. Strings are
    // sized as the newest sizes them: a literal its length and the NUL, comm 16 bytes.
    [Theory]
    [InlineData("\"str\"", "String \"str\" :: string[4]")]
    [InlineData("comm", "Builtin comm :: string[16]")]
    [InlineData("$s", "VariableRead $s :: string[1]")]
    public void ACastOfAStringToBoolTestsItsFirstByte(string operand, string node)
    {
        var types = SemanticKit.Types("BEGIN { $s = \"\"; @b = (bool)" + operand + "; }");

        Assert.Contains("Map @b :: bool\n", types, StringComparison.Ordinal);
        Assert.Contains("  MapAssign @b\n   Cast :: bool\n    StoredMember +0 :: int8\n     " + node + "\n", types, StringComparison.Ordinal);
    }

    // tests/type_checker.cpp cast_username: an integer (a literal, pid) casts to username_t, a string does not; the
    // value is what `username` is (the newest's stdlib defines it as (username_t)uid), so it prints as a user's name.
    [Theory]
    [InlineData("1000", "Integer 1000 :: int16")]
    [InlineData("pid", "Builtin pid :: uint32")]
    [InlineData("(int8)-1", "Cast :: int8")]
    public void AnIntegerCastsToUsernameT(string operand, string node)
    {
        var types = SemanticKit.Types("kprobe:f { $a = (username_t)" + operand + "; @u[(username_t)" + operand + "] = (username_t)" + operand + "; }");

        Assert.Contains("Variable $a :: username_t\n", types, StringComparison.Ordinal);
        Assert.Contains("Map @u[username_t] :: username_t\n", types, StringComparison.Ordinal);
        Assert.Contains("  VariableAssign $a\n   Cast :: username_t\n    " + node + "\n", types, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kprobe:f { $a = ⟦(username_t)⟧comm; }", "Cannot cast from \"string[16]\" to \"username_t\"")]
    [InlineData("kprobe:f { $a = ⟦(username_t)⟧true; }", "Cannot cast from \"bool\" to \"username_t\"")]
    [InlineData("kprobe:f { $a = ⟦(username_t)⟧(int8 *)0; }", "Cannot cast from \"int8 *\" to \"username_t\"")]
    public void OnlyAnIntegerCastsToUsernameT(string annotated, string message) => SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void ACastOfAUsernameToUsernameTIsUnnecessary() =>
        SemanticKit.AssertDiagnostics("kprobe:f { $a = ⟦(username_t)⟧username; }", "Unnecessary cast: expression is already of type username_t");
}
