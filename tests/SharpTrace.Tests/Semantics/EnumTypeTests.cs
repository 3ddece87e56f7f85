using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Enum-typed values as the newest bpftrace types them (type_resolver.cpp, types.cpp's CreateEnum and
/// get_promoted_type, tests/type_checker.cpp enums and enum_casts): enumerators and casts to an enum are 64-bit
/// integers named <c>enum Foo</c>, enum fields keep their width; arithmetic, or meeting another integer in a variable
/// or map, gives a plain integer.
/// </summary>
public class EnumTypeTests
{
    private const string Foo = "enum Foo { A = 1, B = 2 }; ";

    [Fact]
    public void EnumeratorsCastsAndWhatHoldsThemAreOfTheEnum()
    {
        var dump = SemanticKit.Types(Foo + "BEGIN { $x = (enum Foo)2; $y = A; @m[B] = $x; @t = (A, 1); let $d: typeof($x) = B; print($d); }");

        Assert.Contains("Map @m[enum Foo] :: enum Foo", dump);
        Assert.Contains("Map @t :: (enum Foo,int8)", dump);
        Assert.Contains(" Variable $x :: enum Foo", dump);
        Assert.Contains(" Variable $y :: enum Foo", dump);
        Assert.Contains(" Variable $d :: enum Foo", dump);
        Assert.Contains("Cast :: enum Foo", dump);
        Assert.Contains("Integer 1 :: enum Foo", dump);
    }

    [Fact]
    public void AnEnumeratorAndACastAreSixtyFourBits()
    {
        // sizeof(BTF_VAR_STATIC) is 8 in the reference's tests/runtime/btf; (enum Foo)x is CreateEnum(64, ...).
        var dump = SemanticKit.Types(Foo + "BEGIN { @a = sizeof(A); @b = sizeof((enum Foo)1); }");

        Assert.Equal(2, dump.Split("Integer 8 ::").Length - 1);
    }

    [Fact]
    public void ALetOfAnEnumTypeIsSixtyFourBitsAsACastIs()
    {
        // The reference's parsed_type_bridge.cpp: a written `enum Foo` type is CreateEnum(64, "Foo"), whatever the C
        // enum's own size (4 bytes here); a struct member of the enum keeps the C size.
        var dump = SemanticKit.Types(Foo + "BEGIN { let $x: enum Foo = B; @a = sizeof($x); let $y: enum Foo; $y = (enum Foo)1; @b = sizeof($y); print(($x, $y)); }");

        Assert.Equal(2, dump.Split("Integer 8 ::").Length - 1);
        Assert.Contains(" Variable $x :: enum Foo", dump);
        Assert.Contains(" Variable $y :: enum Foo", dump);
    }

    [Fact]
    public void EnumeratorsCastsAndEnumFieldsAreUnsigned()
    {
        // The reference's CreateEnum is CreateUInt(bits) with the enum's name: an enumerator and a cast are uint64 (M,
        // -1 in C, is 2^64-1), a field keeps its C width, unsigned even when the C enum is signed (gcc makes enum Neg an
        // int). Arithmetic keeps the sign (the literal 1 takes it).
        const string Neg = "enum Neg { M = -1, N = 1 }; struct S { enum Neg f; }; ";
        var dump = SemanticKit.Types(Neg + "BEGIN { $s = (struct S *)0; $a = $s->f + 1; $b = M + 1; $c = (enum Neg)1 + 1; @z = sizeof($s->f); }");

        Assert.Contains("Integer 18446744073709551615 :: enum Neg", dump);
        Assert.Contains(" Variable $a :: uint64", dump);
        Assert.Contains(" Variable $b :: uint64", dump);
        Assert.Contains(" Variable $c :: uint64", dump);
        Assert.Contains("Integer 4 :: ", dump);
        var (program, _) = SemanticKit.Bind(Neg + "BEGIN { $s = (struct S *)0; @f = $s->f; @e = M; }");
        var types = program!.Maps.ToDictionary(m => m.Name, m => (IntegerType)m.ValueType!);
        Assert.Equal(("enum Neg", false), (types["@f"].ToString(), types["@f"].IsSigned));
        Assert.Equal(("enum Neg", 8, false), (types["@e"].ToString(), types["@e"].Bytes, types["@e"].IsSigned));
    }

    [Fact]
    public void NegatingAnEnumeratorIsItsNegativeValue()
    {
        // Ours: an enumerator is a known constant, so -N folds to -1 (an int8) rather than the reference's "negative
        // value will underflow" for a negated unsigned literal.
        var dump = SemanticKit.Types("enum Neg { M = -1, N = 1 }; BEGIN { $x = -N; }");

        Assert.Contains(" Variable $x :: int8", dump);
        Assert.Contains("Integer -1 :: int8", dump);
    }

    [Fact]
    public void AnAnonymousEnumIsNamedAnonymousInMessages()
    {
        // The reference's name for an anonymous enum depends on its libclang ("enum <anon_N>" up to libclang 15,
        // clang's own spelling after); ours is fixed (docs/differences.md).
        Assert.Contains(" Variable $x :: enum (anonymous)", SemanticKit.Types("enum { C = 1 }; BEGIN { $x = C; }"));
        SemanticKit.AssertDiagnostics("enum { C = 1 }; BEGIN { $x = C; ⟦$x = \"s\"⟧; }",
            "Type mismatch for $x: trying to assign value of type 'string[2]' when variable already has a type 'enum (anonymous)'");
    }

    [Fact]
    public void KernelEnumeratorsAreOfTheirEnum() =>
        Assert.Contains("Integer 1 :: enum pid_type", SemanticKit.Types("BEGIN { print(PIDTYPE_TGID); }"));

    [Fact]
    public void ArithmeticOnAnEnumIsAPlainInteger()
    {
        var dump = SemanticKit.Types(Foo + "BEGIN { $a = A + 1; $b = -B; $c = A == B; }");

        // A + 1 is unsigned: the enumerator is a uint64 and the literal takes its sign.
        Assert.Contains(" Variable $a :: uint64", dump);
        // -B is folded to the literal -2, as a plain integer.
        Assert.Contains(" Variable $b :: int8", dump);
        Assert.Contains(" Variable $c :: bool", dump);
    }

    [Fact]
    public void AnEnumMeetingAnotherIntegerIsAPlainInteger()
    {
        // The reference's "no symbolize enum after arithmetic mixed": @[ONE+1] = TWO+1; @[ONE] = ONE prints @[1]: 1.
        var dump = SemanticKit.Types(Foo + "enum Bar { C = 3 }; BEGIN { @[A + 1] = B + 1; @[A] = A; $x = A; $x = 5; $y = A; $y = C; }");

        Assert.Contains("Map @[uint64] :: uint64", dump);
        Assert.Contains(" Variable $x :: uint64", dump);
        Assert.Contains(" Variable $y :: uint64", dump);
    }

    [Fact]
    public void TwoValuesOfOneEnumStayThatEnum()
    {
        var dump = SemanticKit.Types(Foo + "BEGIN { @m = A; @m = B; $v = A; $v = (enum Foo)2; $w = nsecs > 0 ? A : B; }");

        Assert.Contains("Map @m :: enum Foo", dump);
        Assert.Contains(" Variable $v :: enum Foo", dump);
        Assert.Contains(" Variable $w :: enum Foo", dump);
    }

    [Theory]
    // The reference's printf_enum_symbolize*: %s prints the name, %d the number, widths apply.
    [InlineData(Foo + "BEGIN { printf(\"%d %s\\n\", A, A); }")]
    [InlineData(Foo + "BEGIN { $e = B; printf(\"%s %-5s %5s\\n\", $e, $e, (enum Foo)1); }")]
    [InlineData(Foo + "BEGIN { @e = A; printf(\"%s %x\\n\", @e, @e); }")]
    [InlineData("enum { a = 1, b } BEGIN { printf(\"%s\\n\", a); }")]
    public void PrintfTakesAnEnumForSAndForIntegerConversions(string script) =>
        Assert.Empty(SemanticKit.Errors(script));

    // Arithmetic on an enum is a plain integer, which %s prints as its number: the newest bpftrace's %s takes any value
    // (bpftrace 0.17: "printf: %s specifier expects a value of type string (integer supplied)", docs/differences.md).
    [Fact]
    public void PrintfTakesAPlainIntegerForSToo() =>
        Assert.Empty(SemanticKit.Errors(Foo + "BEGIN { printf(\"%s\\n\", A + 1); }"));

    [Theory]
    // tests/type_checker.cpp enum_casts, with its spans (the cast's parenthesized type).
    [InlineData("enum named { a = 1, b } kprobe:f { print(⟦(enum named)⟧3); }", "Enum: named doesn't contain a variant value of 3")]
    [InlineData("enum Foo { a = 1, b } kprobe:f { print(⟦(enum Bar)⟧1); }", "Unknown enum: Bar")]
    // The reference names the variable's type string[4]; our variables hold strings of the configured size.
    [InlineData("enum named { a = 1, b } kprobe:f { $a = \"str\"; print(⟦(enum named)⟧$a); }", "Cannot cast from \"string[4]\" to \"enum named\"")]
    public void BadCastsToAnEnumAreTheReferencesErrors(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void ACastOfAValueKnownOnlyAtRunTimeIsAccepted() =>
        Assert.Empty(SemanticKit.Errors("enum named { a = 1, b } kprobe:f { $x = 3; print((enum named)$x); }"));

    [Fact]
    public void ATracepointFieldDeclaredAsAnEnumIsOfThatEnum()
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog,
            SyntaxTree.Parse("tracepoint:test:pids { $t = args.type; print(args.other); }"), new PidTracepoint(), kernelTypes: SemanticKit.Kernel);

        Assert.Empty(diagnostics);
        var dump = BoundTreePrinter.Print(program!);
        Assert.Contains(" Variable $t :: enum pid_type", dump);
        // An enum the kernel does not know is a plain integer of the field's size.
        Assert.Contains("TracepointField args.other :: uint32", dump);
    }

    private sealed class PidTracepoint : ITracepointCatalog
    {
        private static readonly TracepointFormat Pids = TracepointFormat.Parse("""
            name: pids
            ID: 900
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:enum pid_type type;	offset:8;	size:4;	signed:0;
            	field:enum nowhere other;	offset:12;	size:4;	signed:0;

            print fmt: ""
            """);

        public IEnumerable<(string Category, string Name)> List() => [("test", "pids")];
        public TracepointFormat? Format(string category, string name) => (category, name) == ("test", "pids") ? Pids : null;
    }
}
