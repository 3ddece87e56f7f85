using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Semantics;

/// <summary>The C declaration parser: what script definitions mean, and how their errors are reported.</summary>
public class CDeclarationTests
{
    [Fact]
    public void StructMembersHaveTheirTypes()
    {
        var c = CDeclarationKit.ReadClean("""
            struct event {
                char comm[16];
                unsigned long long ts, *tsp;
                const char *names[4];
                struct event *next;
                void (*handler)(int, ...);
            };
            BEGIN { }
            """);
        var type = c.Struct("struct event");
        Assert.Equal(["comm", "ts", "tsp", "names", "next", "handler"], type.Members.Select(m => m.Name));
        Assert.Equal("char[16]", type.Members[0].Type.Name);
        Assert.True(((CArrayType)type.Members[0].Type).IsText);
        Assert.Equal(CBaseTypes.UnsignedLongLong, type.Members[1].Type);
        Assert.Equal("long long unsigned int *", type.Members[2].Type.Name);
        Assert.Equal("char *[4]", type.Members[3].Type.Name);
        Assert.Same(type, ((CPointerType)type.Members[4].Type).Target);
        Assert.Equal("void (*)(int, ...)", type.Members[5].Type.Name);
        Assert.Equal(16 + 8 + 8 + 32 + 8 + 8, type.Size);
    }

    [Fact]
    public void TypesAreFoundByEveryName()
    {
        var c = CDeclarationKit.ReadClean("struct a { int x; }; union u { int i; char c; }; enum color { RED }; BEGIN { }");
        Assert.Same(c.Types.FindType("struct a"), c.Types.FindType("a"));
        Assert.Equal("union u", c.Types.FindType("union u")!.Name);
        Assert.Same(c.Types.FindType("union u"), c.Types.FindType("u"));
        Assert.IsType<CEnumType>(c.Types.FindType("enum color"));
        Assert.Null(c.Types.FindType("struct u"));
        Assert.Equal(CBaseTypes.UnsignedLong, c.Types.FindType("unsigned long"));
        Assert.Equal(CBaseTypes.Short, c.Types.FindType("short"));
        Assert.Null(c.Types.FindType("struct missing"));
    }

    [Fact]
    public void NestedAndAnonymousMembersAreReachable()
    {
        var c = CDeclarationKit.ReadClean("""
            struct outer {
                int kind;
                union { struct { short lo, hi; }; int whole; };
                struct inner { char tag; long value; } items[2];
            };
            BEGIN { }
            """);
        var outer = c.Struct("struct outer");
        Assert.Equal(6, outer.FindMember("hi")!.Offset);
        Assert.Equal(4, outer.FindMember("whole")!.Offset);
        Assert.Equal("short int", outer.FindMember("lo")!.Type.Name);
        Assert.Null(outer.FindMember("nothing"));
        // The nested definition is a type in its own right.
        var inner = c.Struct("struct inner");
        Assert.Equal(8, inner.FindField(["value"])!.Offset);
        Assert.Equal(8, outer.FindField(["items"])!.Offset);
        Assert.Null(outer.FindField(["kind", "x"]));
    }

    [Fact]
    public void OffsetofFollowsAPathThroughNestedStructs()
    {
        var c = CDeclarationKit.ReadClean("struct a { char c; struct b { int x; struct { char p; long q; } y; } b; }; BEGIN { }");
        var a = c.Struct("struct a");
        // b is 8-aligned (it holds a long), y is 8-aligned inside b, q at 8 inside y.
        Assert.Equal(8 + 8 + 8, a.FindField(["b", "y", "q"])!.Offset);
        Assert.Equal("long int", a.FindField(["b", "y", "q"])!.Type.Name);
    }

    [Fact]
    public void BitfieldsRecordTheirWidth()
    {
        var c = CDeclarationKit.ReadClean("struct flags { unsigned int a : 3, b : 5; int c; }; BEGIN { }");
        var b = c.Struct("struct flags").FindMember("b")!;
        Assert.Equal((3, 5), (b.BitOffset, b.BitfieldSize));
        Assert.False(c.Struct("struct flags").FindMember("c")!.IsBitfield);
    }

    [Fact]
    public void EnumeratorsCountOnAndReferToEarlierOnes()
    {
        var c = CDeclarationKit.ReadClean("enum state { IDLE, BUSY = 4, DONE, LAST = DONE * 2, BIG = 1 << 3 }; BEGIN { }");
        var type = Assert.IsType<CEnumType>(c.Types.FindType("enum state"));
        Assert.Equal([0L, 4, 5, 10, 8], type.Values.Select(v => v.Value));
        Assert.Equal((4, false), (type.Size, type.IsSigned));
        Assert.Equal(5, c.Types.FindEnumerator("DONE")!.Value.Value);
    }

    [Fact]
    public void EnumSizeFollowsItsValues()
    {
        var c = CDeclarationKit.ReadClean("enum neg { N = -1 }; enum wide { W = 0x100000000 }; BEGIN { }");
        Assert.True(((CEnumType)c.Types.FindType("enum neg")!).IsSigned);
        Assert.Equal(8, c.Types.FindType("enum wide")!.Size);
    }

    [Fact]
    public void AStructUsedBeforeItsDefinitionIsCompletedByIt()
    {
        var c = CDeclarationKit.ReadClean("struct list { struct node *head; }; struct node { struct node *next; int v; }; BEGIN { }");
        var head = (CPointerType)c.Struct("struct list").Members[0].Type;
        Assert.Same(c.Types.FindType("struct node"), head.Target);
        Assert.Equal(16, head.Target.Size);
    }

    [Fact]
    public void KernelTypesFillInWhatTheScriptDoesNotDefine()
    {
        var c = CDeclarationKit.ReadClean("struct cfs_rq { struct load_weight load; unsigned int nr_running; u64 clock; }; BEGIN { }", new FakeKernelTypes());
        var rq = c.Struct("struct cfs_rq");
        Assert.Same(FakeKernelTypes.LoadWeight, rq.Members[0].Type);
        Assert.Equal(16, rq.FindMember("nr_running")!.Offset);
        Assert.Equal(24, rq.FindMember("clock")!.Offset);
        Assert.Equal(CBaseTypes.UnsignedLongLong, rq.FindMember("clock")!.Type.Resolved);
        Assert.Same(FakeKernelTypes.LoadWeight, c.Types.FindType("struct load_weight"));
    }

    [Fact]
    public void AScriptDefinitionShadowsTheKernelOne()
    {
        var c = CDeclarationKit.ReadClean("struct load_weight { int mine; }; BEGIN { }", new FakeKernelTypes());
        Assert.Equal(4, c.Types.FindType("struct load_weight")!.Size);
    }

    [Fact]
    public void DefinesKeepIntegerValuesAndText()
    {
        var c = CDeclarationKit.ReadClean("""
            #define TASK_COMM_LEN 16
            #define MASK (0xff << 8)
            #define DOUBLE_LEN (TASK_COMM_LEN * 2)
            #define FLAG ((unsigned char)0x1ff)
            #define RED "\033[31m"
            #define MAX(a, b) ((a) > (b) ? (a) : (b))
            struct s { char name[DOUBLE_LEN]; };
            BEGIN { }
            """);
        Assert.Equal(16, c.Macros["TASK_COMM_LEN"].Value);
        Assert.Equal(0xff00, c.Macros["MASK"].Value);
        Assert.Equal(32, c.Macros["DOUBLE_LEN"].Value);
        Assert.Equal(0xff, c.Macros["FLAG"].Value);
        Assert.Null(c.Macros["RED"].Value);
        Assert.Equal("\"\\033[31m\"", c.Macros["RED"].Text);
        Assert.False(c.Macros.ContainsKey("MAX"));
        Assert.Equal(32, c.Types.FindType("struct s")!.Size);
    }

    [Fact]
    public void ConditionalsFollowBtfAvailability()
    {
        const string script = """
            #ifndef BPFTRACE_HAVE_BTF
            #include <linux/sched.h>
            struct cfs_rq { int fallback; };
            #else
            #define HAVE 1
            #endif
            #if defined(HAVE) && HAVE > 0
            struct yes { int y; };
            #elif 1
            struct no { int n; };
            #endif
            BEGIN { }
            """;
        var withBtf = CDeclarationKit.ReadClean(script, new FakeKernelTypes());
        Assert.Null(withBtf.Types.FindScriptTagged("struct", "cfs_rq"));
        Assert.NotNull(withBtf.Types.FindScriptTagged("struct", "yes"));
        Assert.Null(withBtf.Types.FindScriptTagged("struct", "no"));
        Assert.Empty(withBtf.Includes);

        using var headers = new TempHeaders(("linux/sched.h", "#define SCHED_OTHER 0\n"));
        var (withoutBtf, diagnostics) = CDeclarationKit.Read(script, kernel: null, headers: headers.Search);
        Assert.Empty(diagnostics);
        Assert.NotNull(withoutBtf.Types.FindScriptTagged("struct", "cfs_rq"));
        Assert.NotNull(withoutBtf.Types.FindScriptTagged("struct", "no"));
        Assert.Equal(["linux/sched.h"], withoutBtf.Includes);
    }

    [Fact]
    public void AnIncludeNeverFailsWhenBtfIsPresent()
    {
        var c = CDeclarationKit.ReadClean("#include <linux/nonexistent_header.h>\n#include \"local.h\"\nBEGIN { }", new FakeKernelTypes());
        Assert.Equal(["linux/nonexistent_header.h", "local.h"], c.Includes);
    }

    [Fact]
    public void TypedefsNameTypes()
    {
        var c = CDeclarationKit.ReadClean("struct s { u64 a; }; BEGIN { }", new FakeKernelTypes());
        Assert.Equal("u64", c.Struct("struct s").Members[0].Type.Name);
        Assert.Equal(8, c.Struct("struct s").Size);
    }

    [Theory]
    [InlineData("struct s { ⟦foo⟧ x; };", "unknown type name 'foo'")]
    [InlineData("struct s { int x ⟦int⟧ y; };", "expected ';' at end of declaration list")]
    [InlineData("struct s { int x; int ⟦x⟧; };", "duplicate member 'x'")]
    [InlineData("struct s { struct t ⟦v⟧; };", "field has incomplete type 'struct t'")]
    [InlineData("struct s { struct t ⟦v⟧[2]; };", "array has incomplete element type 'struct t'")]
    [InlineData("struct s { char *⟦p⟧ : 3; };", "bit-field 'p' has non-integral type 'char *'")]
    [InlineData("struct s { char c : ⟦9⟧; };", "width of bit-field 'c' (9 bits) exceeds the width of its type (8 bits)")]
    [InlineData("struct s { int a[⟦N⟧]; };", "use of undeclared identifier 'N'")]
    [InlineData("struct s { int a[⟦-1⟧]; };", "array size -1 is negative or too large")]
    [InlineData("struct s { int a[4 ⟦/⟧ 0]; };", "division by zero in constant expression")]
    // Sizes past 2^31 bytes: the layout overflowed (a .NET crash) and nested arrays wrapped to 0 bytes.
    [InlineData("struct s { char b[2147483647]; char c; ⟦}⟧;", "type is too large (more than 2147483647 bytes)")]
    [InlineData("struct s { char b[⟦65536⟧][65536]; };", "type is too large (more than 2147483647 bytes)")]
    [InlineData("struct s { int b[⟦1073741824⟧]; };", "type is too large (more than 2147483647 bytes)")]
    // INT64_MIN / -1 overflows: it wraps rather than crashing; the array size is then out of range.
    [InlineData("struct s { int a[⟦(-9223372036854775807 - 1) / -1⟧]; };", "array size -9223372036854775808 is negative or too large")]
    [InlineData("struct s { ⟦long char⟧ c; };", "invalid combination of type specifiers 'long char'")]
    [InlineData("struct s { int a ⟦`⟧ };", "invalid character '`' in C definition")]
    [InlineData("struct s { int a[⟦0x⟧]; };", "invalid integer constant '0x'")]
    [InlineData("struct s { int a[⟦;⟧ };", "expression is not an integer constant expression")]
    [InlineData("enum e { A, ⟦A⟧ };", "redefinition of 'A'")]
    [InlineData("enum e { A = ⟦B⟧ };", "use of undeclared identifier 'B'")]
    [InlineData("enum e { ⟦1⟧ };", "expected identifier")]
    public void ReportsCErrorsWithTheirSpan(string definition, string message) =>
        CDeclarationKit.AssertDiagnostics(definition + "\nBEGIN { }", message);

    [Fact]
    public void TheLastMembersSemicolonMayBeLeftOut()
    {
        // clang only warns in C; the newest bpftrace's runtime/builtin "ctx" defines `struct x {unsigned long x};`.
        var c = CDeclarationKit.ReadClean("struct x {unsigned long x}; struct A {int a; char c[28] };\nBEGIN { }");
        Assert.Equal(8, c.Types.FindType("struct x")!.Size);
        Assert.Equal(32, c.Types.FindType("struct A")!.Size);
    }

    [Fact]
    public void TheSemicolonAfterADefinitionMayBeLeftOut()
    {
        var c = CDeclarationKit.ReadClean("struct s { int a; }\nBEGIN { }");
        Assert.Equal(4, c.Types.FindType("struct s")!.Size);
    }

    [Fact]
    public void ARedefinitionIsReportedAtItsTag() =>
        CDeclarationKit.AssertDiagnostics("struct s { int a; };\nstruct ⟦s⟧ { int b; };\nBEGIN { }", "redefinition of 's'");

    [Fact]
    public void EveryBrokenDefinitionIsReported() =>
        CDeclarationKit.AssertDiagnostics("struct a { ⟦x⟧ v; };\nstruct b { ⟦y⟧ v; };\nstruct ok { int v; };\nBEGIN { }",
            "unknown type name 'x'", "unknown type name 'y'");

    [Theory]
    [InlineData("#include <⟦no/such_header.h⟧>", "'no/such_header.h' file not found")]
    [InlineData("#include ⟦nothing⟧", "expected \"FILENAME\" or <FILENAME>")]
    [InlineData("⟦#endif⟧", "#endif without #if")]
    [InlineData("⟦#ifdef X⟧", "unterminated conditional directive")]
    [InlineData("⟦#define⟧", "macro name must be an identifier")]
    public void ReportsPreprocessorErrorsWithoutBtf(string line, string message) =>
        CDeclarationKit.AssertDiagnostics(line + "\nBEGIN { }", message);

    [Fact]
    public void ErrorsPrintInBpftraceCaretFormat()
    {
        var (_, diagnostics) = CDeclarationKit.Read("struct s {\n  foo x;\n};\nBEGIN { }");
        Assert.Equal("stdin:2:3-6: ERROR: unknown type name 'foo'\n  foo x;\n  ~~~\n", Assert.Single(diagnostics).Format());
    }
}
