using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// The compile-time and assertion builtins of the newest bpftrace's standard library (its src/stdlib/meta.bt,
/// strings.bt, kfunc.bt and base.bt macros, and the type checker's fail()): their values, types and errors. The
/// messages are the reference's texts: fail()'s from its type checker and tests/type_checker.cpp ("always fail now 1
/// -1 0", "fail() arguments need to be literals"), the others from the fail() and static_assert() calls of its macros.
/// </summary>
public class CompileTimeBuiltinTests
{
    private static ProgramConfig WithParameters(params string[] parameters) => new() { PositionalParameters = parameters };

    private static string Value(string expression, ProgramConfig? config = null)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ $s = \"ab\"; $p = (int8 *)0; $u = (uint16)1; $i = (int32)-1; @v = {expression}; }}", config);
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        var literal = Assert.IsType<BoundIntegerLiteral>(program.Probes.Single().Body.Statements.OfType<BoundMapAssign>().Single().Value);
        return literal.Type is BoolType ? (literal.Value != 0 ? "true" : "false") : $"{literal.Value}:{literal.Type}";
    }

    // meta.bt: typeinfo(expr).base_type == "string" / "pointer" / "array" / "int", and for unsigned a full type "u...".
    [Theory]
    [InlineData("is_str($s)", "true")]
    [InlineData("is_str(\"x\")", "true")]
    [InlineData("is_str(comm)", "true")]
    [InlineData("is_str($p)", "false")]
    [InlineData("is_str(1)", "false")]
    [InlineData("is_ptr($p)", "true")]
    [InlineData("is_ptr(curtask)", "true")]
    [InlineData("is_ptr($u)", "false")]
    [InlineData("is_array((uint8[8])$u)", "true")]
    [InlineData("is_array(curtask->cpus_mask.bits)", "true")]
    [InlineData("is_array($s)", "false")]
    [InlineData("is_integer($u)", "true")]
    [InlineData("is_integer($i)", "true")]
    [InlineData("is_integer(true)", "false")]
    [InlineData("is_integer($s)", "false")]
    [InlineData("is_unsigned_integer($u)", "true")]
    [InlineData("is_unsigned_integer($i)", "false")]
    [InlineData("is_unsigned_integer(pid)", "true")]
    [InlineData("is_unsigned_integer($p)", "false")]
    public void TypePredicatesAreCompileTimeBools(string expression, string value) => Assert.Equal(value, Value(expression));

    // bpftrace's is_literal is true of what its literal folding leaves a literal: not of variables, calls or casts.
    [Theory]
    [InlineData("is_literal(1)", "true")]
    [InlineData("is_literal(-1)", "true")]
    [InlineData("is_literal(\"hello\")", "true")]
    [InlineData("is_literal(true)", "true")]
    [InlineData("is_literal(1 + 2 * 3)", "true")]
    [InlineData("is_literal(\"a\" == \"b\")", "true")]
    [InlineData("is_literal((1, \"a\"))", "true")]
    [InlineData("is_literal($1)", "true")]
    [InlineData("is_literal($#)", "true")]
    [InlineData("is_literal($s)", "false")]
    [InlineData("is_literal((int8)1)", "false")]
    [InlineData("is_literal(pid)", "false")]
    [InlineData("is_literal((1, $s))", "false")]
    public void IsLiteralFollowsTheReferencesFolding(string expression, string value) => Assert.Equal(value, Value(expression));

    [Fact]
    public void DefaultStrLengthIsStrsSizeWithOrWithoutParentheses()
    {
        // The newest bpftrace's default max_strlen (config.h); bpftrace 0.17's was 64.
        Assert.Equal("1024:uint64", Value("default_str_length"));
        Assert.Equal("1024:uint64", Value("default_str_length()"));
        Assert.Equal("200:uint64", Value("default_str_length", new ProgramConfig { MaxStrlen = 200 }));
    }

    [Fact]
    public void KfuncExistAsksTheKernelsFunctions()
    {
        // The test kernel has no functions, so nothing exists or is allowed (the kernel tests ask the real one).
        Assert.Equal("false", Value("kfunc_exist(\"bpf_task_from_pid\")"));
        Assert.Equal("false", Value("kfunc_allowed(\"bpf_task_from_pid\")"));
    }

    [Theory]
    [InlineData("""BEGIN { ⟦fail("always fail")⟧; }""", "always fail")]
    [InlineData("""BEGIN { ⟦fail("always fail %s %d %d %d", "now", 1, -1, false)⟧; }""", "always fail now 1 -1 0")]
    [InlineData("""BEGIN { if (0) { ⟦fail("always false")⟧; } }""", "always false")]
    [InlineData("""BEGIN { ⟦fail("%d-%s", 1 + 1, "a" + "b")⟧; }""", "2-ab")]
    [InlineData("""BEGIN { ⟦fail("got %d and %s")⟧; }""", "")]
    [InlineData("""BEGIN { $x = 1; ⟦fail("x %d", $x)⟧; }""", "fail() arguments need to be literals")]
    [InlineData("""BEGIN { ⟦fail(1)⟧; }""", "first argument to fail() must be a string literal")]
    [InlineData("""BEGIN { ⟦fail()⟧; }""", "fail() requires at least one argument (0 provided)")]
    [InlineData("""BEGIN { @x = ⟦fail("a")⟧; }""", "fail() should not be used in an assignment or as a map key")]
    [InlineData("""BEGIN { ⟦static_assert(1 == 2, "sizes differ")⟧; }""", "sizes differ")]
    [InlineData("""BEGIN { ⟦static_assert(sizeof(int32) == 8, "int32 is %d bytes")⟧; }""", " bytes")]
    [InlineData("""BEGIN { $x = 1; ⟦static_assert(is_str($x), "only strings")⟧; }""", "only strings")]
    [InlineData("""BEGIN { $x = 1; ⟦static_assert($x == 1, "m")⟧; }""", "Unable to resolve comptime expression")]
    [InlineData("""BEGIN { $m = "m"; ⟦static_assert(false, $m)⟧; }""", "fail() arguments need to be literals")]
    [InlineData("""BEGIN { ⟦assert_str(1)⟧; }""", "string-like values must be either strings, arrays or pointers")]
    [InlineData("""BEGIN { $p = (uint8 *)0; ⟦assert_str($p)⟧; }""", "string-like pointers must point to a char-like type")]
    [InlineData("""BEGIN { $v = (uint32)1; $a = (int16[4])$v; ⟦assert_str($a)⟧; }""", "string-like arrays must contain a char-like type")]
    [InlineData("""BEGIN { ⟦kfunc_exist(1)⟧; }""", "kfunc_exist() accepts a string literal only")]
    [InlineData("""BEGIN { $f = "bpf_task_from_pid"; @v = ⟦kfunc_allowed($f)⟧; }""", "kfunc_allowed() accepts a string literal only")]
    [InlineData("""BEGIN { $s = "a"; @v = ⟦assert($s, "m")⟧; }""", "assert() should not be used in an assignment or as a map key")]
    public void MisusesAndFailuresAreErrorsInTheReferencesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    // One folding, the binder's: an overflow in an argument is the reference's folding error (its fold_literals pass
    // reports it and compilation stops there), never a wrapped value.
    [InlineData("""BEGIN { fail("%d", ⟦0xffffffffffffffff + 1⟧); }""", "unable to fold literals due to overflow or underflow")]
    // Our spans of a prefix operator cover the operator alone.
    [InlineData("""BEGIN { fail("%d", ⟦-⟧0x8000000000000001); }""", "negative value will underflow")]
    [InlineData("""BEGIN { static_assert(⟦0xffffffffffffffff * 2⟧ == 0, "m"); }""", "unable to fold literals due to overflow or underflow")]
    [InlineData("""BEGIN { static_assert(⟦sizeof(int64) * 0xffffffffffffffff⟧ == 0, "m"); }""", "unable to fold literals due to overflow or underflow")]
    [InlineData("""BEGIN { @x = is_literal(⟦1 << 64⟧); }""", "unable to fold literals due to overflow or underflow")]
    [InlineData("""BEGIN { @x = is_literal(⟦123 / 0⟧); }""", "unable to fold literals due to overflow or underflow")]
    public void AnOverflowInACompileTimeArgumentIsTheFoldingsError(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    // What folds within range is the literal the reference computes (uint64 past int64, int64 below zero).
    [InlineData("""BEGIN { ⟦fail("%lu %ld", 0x7fffffffffffffff + 1, 0 - 0x8000000000000000)⟧; }""", "9223372036854775808 -9223372036854775808")]
    [InlineData("""BEGIN { ⟦static_assert(0x7fffffffffffffff + 1 == 0, "big")⟧; }""", "big")]
    [InlineData("""BEGIN { ⟦fail("%s %d", str(7), (1, 2) == (1, 2))⟧; }""", "7 1")]
    public void ArgumentsFoldAsTheBinderFoldsThem(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void IsLiteralSeesTheNewFoldings()
    {
        Assert.Equal("true", Value("is_literal(1 ? 2 : 3)"));
        Assert.Equal("true", Value("is_literal(\"foo\"[0])"));
        Assert.Equal("true", Value("is_literal((1, \"a\").1)"));
        Assert.Equal("true", Value("is_literal(str(5))"));
    }

    [Fact]
    public void FailInTheBranchAnIfComptimeDoesNotTakeIsNeverReached()
    {
        var (program, diagnostics) = SemanticKit.Bind("""BEGIN { if comptime (sizeof(int32) == 4) { @ok = 1; } else { fail("never"); } }""");
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        SemanticKit.AssertDiagnostics("""BEGIN { if comptime (sizeof(int32) == 8) { } else { ⟦fail("int32 is %d bytes", 4)⟧; } }""", "int32 is 4 bytes");
    }

    [Fact]
    public void PositionalParametersAreLiteralsForFail() =>
        SemanticKit.AssertDiagnostics("""BEGIN { if ($1 < 2) { ⟦fail("Expected more than 1. Got %d", $1)⟧; } }""", WithParameters("1"),
            "Expected more than 1. Got 1");

    [Fact]
    public void PassingChecksLeaveNoCode()
    {
        var types = SemanticKit.Types("""BEGIN { static_assert(is_ptr(curtask), "m"); assert_str("a"); assert_str(comm); $p = (int8 *)0; assert_str($p); assert_str(curtask->comm); }""");
        Assert.DoesNotContain("Call", types, StringComparison.Ordinal);
    }

    // The reference's macros have a fixed arity: a wrong count is a macro call error.
    [Theory]
    [InlineData("is_str()", "is_str", 1, 0)]
    [InlineData("static_assert(true)", "static_assert", 2, 1)]
    [InlineData("assert(true)", "assert", 2, 1)]
    [InlineData("default_str_length(1)", "default_str_length", 0, 1)]
    public void WrongArgumentCountsAreMacroCallErrors(string call, string name, int expected, int actual) =>
        Assert.Equal(
            [$"Call to {name}() has arguments that do not match any definition.", $"The closest definition of {name}() has a different number of arguments. Expected: {expected} but got {actual}"],
            SemanticKit.Errors($"BEGIN {{ {call}; }}"));

    [Fact]
    public void AssertSendsTheReferencesErrorfFromItsLibraryThenExitsWithOne()
    {
        var (program, diagnostics) = SemanticKit.Bind("""BEGIN { assert(pid == 0, "My error message"); }""");
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        var message = Assert.Single(program.Actions.OfType<SharpTrace.Builtins.ScriptMessageAction>());
        Assert.Equal(("assert failed: %s", true, "stdlib/base.bt:6:5-37"), (message.Format, message.IsError, message.Location.ToString()));
        Assert.Equal("stdin:1:9-45: ERROR: expanded from\nBEGIN { assert(pid == 0, \"My error message\"); }\n" + new string(' ', 8) + new string('~', 36) + "\n",
            Assert.Single(message.ExpandedFrom));
        Assert.Contains(program.Actions, a => a is SharpTrace.Records.ExitAction { HasCode: true });
    }

    [Fact]
    public void AnErrorfInAMacroKnowsTheCallsItWasExpandedFromInnermostFirst()
    {
        // The newest bpftrace's runtime/call "errorf_macro_expansion": the message at the errorf in the macro's body,
        // then "expanded from" at the macro's call; through two macros, the inner call, then the outer (as its
        // type_checker test "macros" chains them); a warnf's places are warnings.
        const string Script = """macro bad() { errorf("Something bad"); } macro outer() { bad(); warnf("w"); } begin { bad(); outer(); }""";
        var (program, diagnostics) = SemanticKit.Bind(Script);
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        var messages = program.Actions.OfType<SharpTrace.Builtins.ScriptMessageAction>().ToList();

        static string Place(string severity, int start, int end) =>
            $"stdin:1:{start + 1}-{end + 1}: {severity}: expanded from\n{Script}\n{new string(' ', start)}{new string('~', end - start)}\n";
        var direct = Script.IndexOf("{ bad(); outer", StringComparison.Ordinal) + 2;
        var inner = Script.IndexOf("{ bad(); warnf", StringComparison.Ordinal) + 2;
        var outer = Script.IndexOf("outer(); }", StringComparison.Ordinal);
        Assert.Equal(
            [
                ("stdin:1:15-38", true, Place("ERROR", direct, direct + 5)),
                ("stdin:1:15-38", true, Place("ERROR", inner, inner + 5) + Place("ERROR", outer, outer + 7)),
                ("stdin:1:65-75", false, Place("WARNING", outer, outer + 7)),
            ],
            messages.Select(m => (m.Location.ToString(), m.IsError, string.Concat(m.ExpandedFrom))).ToList());
    }

    [Fact]
    public void AnErrorfOutsideAMacroHasNoExpansion()
    {
        var (program, _) = SemanticKit.Bind("""begin { errorf("x"); }""");
        Assert.Empty(Assert.Single(program!.Actions.OfType<SharpTrace.Builtins.ScriptMessageAction>()).ExpandedFrom);
    }

    [Fact]
    public void AnExpandedMessageListsItsPlacesAfterItsLine()
    {
        var message = new ScriptMessage(true, "assert failed: m", "stdlib/base.bt", 6, 5, "stdlib/base.bt:6:5-37")
        {
            ExpandedFrom = ["stdin:1:9-26: ERROR: expanded from\nBEGIN { assert(false, \"m\"); }\n        ~~~~~~~~~~~~~~~~~\n"],
        };
        Assert.Equal("stdlib/base.bt:6:5-37: ERROR: assert failed: m\nstdin:1:9-26: ERROR: expanded from\nBEGIN { assert(false, \"m\"); }\n        ~~~~~~~~~~~~~~~~~",
            message.Format());
    }
}
