using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Types named as the newest bpftrace names them (types.cpp typestr) in <c>-d types</c> and messages, its wording of
/// the literal-argument errors of time, strftime, kaddr and the stacks (type_checker.cpp check_arg, type_resolver.cpp
/// get_stack_type), the <c>left (…)</c> / <c>right (…)</c> context of a binary operator's type mismatch, and positional
/// parameters taken as the literals they fold to (runtime/other "positional ustack", "positional as string literal").
/// </summary>
public sealed class TypeNameMessageTests
{
    [Theory]
    [InlineData("$v = ksym(1);", "ksym_t")]
    [InlineData("$v = usym(1);", "usym_t")]
    [InlineData("$v = username;", "username_t")]
    [InlineData("$v = ntop(1);", "inet[24]")]
    [InlineData("$v = kstack;", "kstack_bpftrace_127")]
    [InlineData("$v = ustack(perf, 3);", "ustack_perf_3")]
    [InlineData("$v = kstack(raw, 5);", "kstack_raw_5")]
    // The newest's buffer counts its 4-byte length: buf of 2 bytes is a buffer[6].
    [InlineData("$v = buf(\"ab\", 2);", "buffer[6]")]
    [InlineData("$v = strftime(\"%H\", 1);", "timestamp")]
    [InlineData("$v = cgroup_path(1);", "cgroup_path_t")]
    [InlineData("$v = macaddr((uint8 *)arg0);", "mac_address")]
    // C types in the newest's own words (typestr): integers by size and sign, "T *" per pointer level (typedefs
    // looked through: TypedefPointerTests), arrays "T[N]", a char array a string, an anonymous struct or union by its members' types.
    [InlineData("$v = (int16 **)arg0;", "int16 * *")]
    [InlineData("$v = ((struct Foo *)arg0)->s;", "int16[4]")]
    // A script's char[8]: string[9], the byte after the field read too, as the newest's clang parser types it.
    [InlineData("$v = ((struct Foo *)arg0)->name;", "string[9]")]
    [InlineData("$v = ((struct Foo *)arg0)->inner;", "struct {int32,int8}")]
    [InlineData("$v = ((struct Foo *)arg0)->u;", "union {int16,int64}")]
    [InlineData("$v = (struct Foo *)arg0;", "struct Foo *")]
    public void TypesAreNamedAsTheNewestNamesThem(string assignment, string name)
    {
        const string Foo = "struct Foo { short s[4]; char name[8]; struct { int a; char b; } inner; union { short h; long l; } u; };\n";
        var (program, diagnostics) = SemanticKit.Bind(Foo + "kprobe:f { " + assignment + " @x = 1; }");
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Contains($" Variable $v :: {name}\n", BoundTreePrinter.Print(program!).Replace("\r", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("BEGIN { $a = ksym(1); ⟦$a = 1⟧; }", "Type mismatch for $a: trying to assign value of type 'int8' when variable already has a type 'ksym_t'")]
    [InlineData("BEGIN { @a = usym(1); ⟦@a = 1⟧; }", "Type mismatch for @a: trying to assign value of type 'int8' when map already has a type 'usym_t'")]
    [InlineData("BEGIN { @a = username; ⟦@a = 1⟧; }", "Type mismatch for @a: trying to assign value of type 'int8' when map already has a type 'username_t'")]
    [InlineData("BEGIN { @a = kstack; ⟦@a = ustack⟧; }", "Type mismatch for @a: trying to assign value of type 'ustack_bpftrace_127' when map already has a type 'kstack_bpftrace_127'")]
    [InlineData("BEGIN { @a = ntop(1); ⟦@a = 1⟧; }", "Type mismatch for @a: trying to assign value of type 'int8' when map already has a type 'inet[24]'")]
    // C types in messages as in -d types: "int32 *", not C's "int *".
    [InlineData("BEGIN { $p = (int32 *)0; ⟦$p = \"a\"⟧; }", "Type mismatch for $p: trying to assign value of type 'string[2]' when variable already has a type 'int32 *'")]
    [InlineData("struct Foo { short s[4]; } BEGIN { $a = ((struct Foo *)0)->s; ⟦$a = 1⟧; }", "Type mismatch for $a: trying to assign value of type 'int8' when variable already has a type 'int16[4]'")]
    public void MismatchesNameTheTypesAsTheNewest(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    // check_arg: the kinds are its type names, "int" and "string" (0.17 and we before: "integer").
    [InlineData("BEGIN { ⟦time(1)⟧; }", "time() expects a string literal (int provided)")]
    [InlineData("BEGIN { print(⟦strftime(1, 1)⟧); }", "strftime() expects a string literal (int provided)")]
    [InlineData("BEGIN { print(⟦strftime(\"%H\", \"a\")⟧); }", "strftime() only supports int arguments (string provided)")]
    [InlineData("BEGIN { @ = ⟦kaddr(1)⟧; }", "kaddr() expects a string literal (int provided)")]
    // get_stack_type: a limit that does not fold to an integer literal, two arguments without a mode.
    [InlineData("kprobe:f { print(⟦kstack(\"x\")⟧); }", "kstack: invalid limit value")]
    [InlineData("kprobe:f { print(⟦ustack(arg0 + 1)⟧); }", "ustack: invalid limit value")]
    [InlineData("kprobe:f { print(⟦kstack(1, 2)⟧); }", "Expected stack mode as first argument")]
    public void LiteralArgumentErrorsAreWordedAsTheNewest(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void APositionalParameterWhereAStringLiteralIsExpectedSaysToUseStr()
    {
        var (_, diagnostics) = SemanticKit.Bind("BEGIN { @ = kaddr($1); }", new ProgramConfig { PositionalParameters = ["5"] });

        Assert.Equal(["kaddr() expects a string literal (int provided)", "Use str($1) to treat $1 as a string"], diagnostics.Select(d => d.Message));
        Assert.Equal(TextSpan.FromBounds(18, 20), diagnostics[1].Span);
    }

    [Fact]
    public void StrOfAPositionalParameterIsAStringLiteralForKaddr()
    {
        // runtime/other "positional as string literal": kaddr(str($1)) with $1 = vfs_read.
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @ = kaddr(str($1)); }", new ProgramConfig { PositionalParameters = ["sharptrace_no_such_symbol"] });

        Assert.NotNull(program);
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        // The symbol is looked up as for a literal: this one is missing, an error when the probe compiles.
        Assert.Contains("Failed to resolve kernel symbol: sharptrace_no_such_symbol", program!.Probes.Single().CompileError!.Message, StringComparison.Ordinal);
    }

    [Theory]
    // runtime/other "positional ustack": ustack($1) with $1 = 1.
    [InlineData("ustack($1)", "ustack_bpftrace_3")]
    [InlineData("ustack(perf, $1)", "ustack_perf_3")]
    [InlineData("kstack($1 + 1)", "kstack_bpftrace_4")]
    public void APositionalParameterHoldingANumberIsAStackLimit(string stack, string type)
    {
        var (program, diagnostics) = SemanticKit.Bind("kprobe:f { $s = " + stack + "; @x = 1; }", new ProgramConfig { PositionalParameters = ["3"] });

        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Contains($" Variable $s :: {type}\n", BoundTreePrinter.Print(program!).Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public void APositionalParameterHoldingTextIsNoStackLimit()
    {
        var (_, diagnostics) = SemanticKit.Bind("kprobe:f { print(ustack($1)); }", new ProgramConfig { PositionalParameters = ["abc"] });

        Assert.Equal(["ustack: invalid limit value"], diagnostics.Where(d => d.IsError).Select(d => d.Message));
    }

    [Fact]
    public void ABinaryOperatorsTypeMismatchPointsAtEachOperandWithItsType()
    {
        // type_checker.cpp: the mismatch, then "left (…)" and "right (…)" at the operands, each located as an error.
        const string Script = "BEGIN { $i = 1; @x = $i + \"a\"; }";
        var (_, diagnostics) = SemanticKit.Bind(Script);

        var error = Assert.Single(diagnostics);
        Assert.Equal([(TextSpan.FromBounds(21, 23), "left (int8)"), (TextSpan.FromBounds(26, 29), "right (string[2])")], error.Context);
        Assert.Equal(
            "stdin:1:22-30: ERROR: Type mismatch for '+': comparing int8 with string[2]\n" + Script + "\n" + new string(' ', 21) + "~~~~~~~~\n" +
            "stdin:1:22-24: ERROR: left (int8)\n" + Script + "\n" + new string(' ', 21) + "~~\n" +
            "stdin:1:27-30: ERROR: right (string[2])\n" + Script + "\n" + new string(' ', 26) + "~~~\n",
            error.Format());
    }

    [Fact]
    public void ATupleComparisonsTypeMismatchPointsAtEachOperand()
    {
        var (_, diagnostics) = SemanticKit.Bind("BEGIN { $a = (1, 2); @x = $a == 1; }");

        var error = Assert.Single(diagnostics);
        Assert.Equal("Type mismatch for '==': comparing (int8,int8) with int8", error.Message);
        Assert.Equal(["left ((int8,int8))", "right (int8)"], error.Context.Select(c => c.Message));
    }
}
