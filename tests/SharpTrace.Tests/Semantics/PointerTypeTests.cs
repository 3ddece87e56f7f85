using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Pointers as the newest bpftrace types them (docs/language.md "Structs", "Pointers", "Arithmetic Operators";
/// type_resolver.cpp's FieldAccess, get_binop_ptr and Unop rules): '.' on a pointer dereferences it, pointers keep
/// their type in variables and maps, arithmetic steps by the pointee's size, comparisons are bool.
/// </summary>
public class PointerTypeTests
{
    private const string Node = "struct node { long id; int v[4]; struct node *next; } ";

    private static string Types(string script) => SemanticKit.Types(script);

    private static IReadOnlyList<string> Errors(string script) => SemanticKit.Errors(script);

    [Fact]
    public void DotOnAPointerToAStructDereferencesIt()
    {
        // language.md "Structs": "If the . is used on a pointer, it is automatically dereferenced."
        var dump = Types("BEGIN { @x = curtask.real_parent.pid; @y = curtask->real_parent->pid; }");

        const string Read = """
               MemoryRead +80 kernel :: int32
                MemoryRead +96 kernel :: struct task_struct *
                 Builtin curtask :: struct task_struct *
            """;
        Assert.Equal(2, dump.Split(Read).Length - 1);
    }

    [Fact]
    public void DotOnAPointerToAPointerDereferencesEachLevel()
    {
        // type_resolver.cpp: "FieldAccesses will automatically resolve through any number of pointer dereferences".
        var dump = Types(Node + "kprobe:f { $pp = (struct node **)arg0; @x = $pp.id; }");

        Assert.Contains("""
              MapAssign @x
               MemoryRead +0 kernel :: int64
                MemoryRead +0 kernel :: struct node *
                 VariableRead $pp :: struct node * *
            """, dump);
    }

    [Fact]
    public void APointerKeepsItsTypeInAMapAndIsIndexedThere()
    {
        // The example: `@a[0] = (int32 *)arg0; @a[0][0]`.
        var dump = Types("kprobe:f { @a[0] = (int32 *)arg0; @x = @a[0][1]; @k[(int32 *)arg1] = 1; }");

        Assert.Contains("Map @a[int8] :: int32 *\n", dump);
        Assert.Contains("Map @k[int32 *] :: int8\n", dump);
        Assert.Contains("""
               MemoryRead +4 kernel :: int32
                MapRead @a :: int32 *
            """, dump);
    }

    [Fact]
    public void ArithmeticStepsByThePointeesSizeAndKeepsThePointerType()
    {
        var dump = Types(Node + "kprobe:f { $p = (struct node *)arg0; $q = $p + 2; $r = 1 + $p; $s = $q - 1; $v = (void *)arg1 + 3; }");

        Assert.Contains("""
              VariableAssign $q
               Binary Add :: struct node *
                VariableRead $p :: struct node *
                Binary Multiply :: int64
                 Integer 2 :: int8
                 Integer 32 :: int64
            """, dump);
        Assert.Contains("""
              VariableAssign $r
               Binary Add :: struct node *
                Binary Multiply :: int64
                 Integer 1 :: int8
                 Integer 32 :: int64
                VariableRead $p :: struct node *
            """, dump);
        Assert.Contains("Binary Subtract :: struct node *", dump);
        // void * steps by bytes, as gcc and LLVM's i8 do.
        Assert.Contains("""
              VariableAssign $v
               Binary Add :: void *
                Cast :: void *
                 Builtin arg1 :: uint64
                Integer 3 :: int8
            """, dump);
    }

    [Fact]
    public void IncrementingAPointerVariableKeepsItAPointer()
    {
        var dump = Types("kprobe:f { $p = (int32 *)arg0; $p++; @m = (int16 *)arg1; @m--; }");

        Assert.Contains("Variable $p :: int32 *\n", dump);
        Assert.Contains("Map @m :: int16 *\n", dump);
        Assert.Contains("""
              VariableAssign $p
               Binary Add :: int32 *
                VariableRead $p :: int32 *
                Binary Multiply :: int64
                 Integer 1 :: int8
                 Integer 4 :: int64
            """, dump);
    }

    [Fact]
    public void AnIndexKnownOnlyAtRunTimeReadsThroughThePointer()
    {
        var dump = Types("kprobe:f { $p = (int32 *)arg0; $i = 3; @x = $p[$i]; }");

        Assert.Contains("""
              MapAssign @x
               MemoryRead +0 kernel :: int32
                Binary Add :: int32 *
                 VariableRead $p :: int32 *
                 Binary Multiply :: int64
                  VariableRead $i :: int8
                  Integer 4 :: int64
            """, dump);
    }

    [Theory]
    [InlineData("$p < $q")]
    [InlineData("$p == 0")]
    [InlineData("$p != $q")]
    [InlineData("$p && 1")]
    [InlineData("$p || $q")]
    public void ComparisonsOfPointersAreBool(string expression)
    {
        var dump = Types($"kprobe:f {{ $p = (int32 *)arg0; $q = (int32 *)arg1; @r = {expression}; }}");

        Assert.Contains("Map @r :: bool\n", dump);
    }

    [Fact]
    public void ComparingDistinctPointerTypesWarns()
    {
        var (_, diagnostics) = SemanticKit.Bind("kprobe:f { @r = (int32 *)arg0 == (int64 *)arg1; }");

        var warning = Assert.Single(diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Equal("comparison of distinct pointer types: int32, int64", warning.Message);
        // type_resolver.cpp points at each side with the type pointed at, as a type mismatch does (a cast is located at its "(type)").
        Assert.Equal([(TextSpan.FromBounds(16, 25), "left (int32)"), (TextSpan.FromBounds(33, 42), "right (int64)")], warning.Context);
        Assert.Contains("stdin:1:17-26: WARNING: left (int32)\n", warning.Format(), StringComparison.Ordinal);
    }

    [Theory]
    // get_binop_ptr: two pointers only compare; an integer minus a pointer, and any other operator, do not apply.
    [InlineData("$p - $p", "The - operator can not be used on expressions of types int32 *, int32 *")]
    [InlineData("1 - $p", "The - operator can not be used on expressions of types int8, int32 *")]
    [InlineData("$p * 2", "The * operator can not be used on expressions of types int32 *, int8")]
    [InlineData("$p + \"a\"", "The + operator can not be used on expressions of types int32 *, string[2]")]
    // The Unop rule: only '*' and '!' apply to a pointer.
    [InlineData("-$p", "The - operator can not be used on expressions of type 'int32 *'")]
    [InlineData("~$p", "The ~ operator can not be used on expressions of type 'int32 *'")]
    // parser.cpp: "&" takes the address of a variable or a map only.
    [InlineData("&($p + 1)", "address-of operator (&) can only be used on a map or variable")]
    // type_checker.cpp's ArrayAccess rule.
    [InlineData("((void *)$p)[1]", "The array index operator [] cannot be used on a pointer to an unsized type (void *).")]
    [InlineData("((void *)$p)[arg1]", "The array index operator [] cannot be used on a pointer to an unsized type (void *).")]
    public void InvalidPointerOperationsAreReportedInTheReferencesWords(string expression, string message)
    {
        Assert.Equal([message], Errors($"kprobe:f {{ $p = (int32 *)arg0; @r = {expression}; }}"));
    }

    [Fact]
    public void CastsBetweenPointersAndIntegers()
    {
        var dump = Types("kprobe:f { $p = (int32 *)arg0; @i = (uint64)$p; @q = (int8 *)$p; @b = (uint64)($p + 1) - (uint64)$p; }");

        Assert.Contains("Map @i :: uint64\n", dump);
        Assert.Contains("Map @q :: int8 *\n", dump);
    }

    [Fact]
    public void TypeofNamesTheTypeOfAnExpressionOrAType()
    {
        // language.md "Type Context Builtins": typeof takes a type or an expression, which is only typed, not run.
        var dump = Types(Node + """kprobe:f { $p = (int32 *)arg0; $s = "a"; let $x: typeof($s); let $y: typeof(@m) = 2; @m = 1; $q = (typeof($p))arg1; @z = sizeof(typeof(struct node)); @w = (typeof(uint8))300; @b = (typeof(1 < 2))5; }""");

        Assert.Contains("Variable $x :: string[2]\n", dump);
        Assert.Contains("Variable $y :: int8\n", dump); // @m = 1 makes an int8 map, as the newest bpftrace types it
        Assert.Contains("Variable $q :: int32 *\n", dump);
        Assert.Contains("""
              MapAssign @z
               Integer 32 :: int8
            """, dump);
        Assert.Contains("""
              MapAssign @w
               Cast :: uint8
                Integer 300 :: int16
            """, dump);
        Assert.Contains("Map @b :: bool\n", dump);
    }

    [Fact]
    public void ACastToTypeofAStringIsNotSupportedYet()
    {
        Assert.Equal(["A cast to typeof a string is not supported yet"], Errors("""kprobe:f { $s = "a"; @x = (typeof($s))1; }"""));
    }
}
