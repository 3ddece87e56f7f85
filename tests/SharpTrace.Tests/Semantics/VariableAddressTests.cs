using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>&amp;$x</c> as the newest bpftrace types it (type_resolver.cpp's VariableAddr rule: a kernel pointer to the
/// variable's type; type_checker.cpp's and pre_type_check.cpp's errors).
/// </summary>
public class VariableAddressTests
{
    private static string Types(string script) => SemanticKit.Types(script);

    private static IReadOnlyList<string> Errors(string script) => SemanticKit.Errors(script);

    [Fact]
    public void AddressOfAVariableIsAPointerToItsType()
    {
        var dump = Types("BEGIN { $a = 1; $b = &$a; @c = &$a; $s = \"hello\"; $t = (int8 *)&$s; $u = *&$a; }");

        Assert.Contains("Variable $b :: int8 *\n", dump);
        Assert.Contains("Map @c :: int8 *\n", dump);
        Assert.Contains("   VariableAddress $a :: int8 *\n", dump);
        Assert.Contains("Variable $t :: int8 *\n", dump);
        Assert.Contains("Variable $u :: int8\n", dump);
    }

    [Fact]
    public void AddressOfAPointerVariableIsAPointerToAPointer()
    {
        var dump = Types("BEGIN { $p = (int32 *)0; $pp = &$p; $q = *$pp; }");

        // A cast's int32 is C's int here (bpftrace names it int32).
        Assert.Contains("Variable $pp :: int32 * *\n", dump);
        Assert.Contains("Variable $q :: int32 *\n", dump);
    }

    [Fact]
    public void AddressOfABoolTupleRecordOrLoopVariableIsAPointerToItsType()
    {
        // type_resolver.cpp's VariableAddr rule takes any variable's type: a bool, a tuple, a record, a for loop's variable.
        var dump = Types("""
            BEGIN { $b = true; $pb = &$b; $c = *$pb; $t = (1, "x"); $pt = &$t; $u = (*$pt).1; $r = (a = 1, b = 2); $pr = &$r; $s = *$pr;
              for ($i : 0..2) { $pi = &$i; } @m[1] = 2; for ($kv : @m) { $pk = &$kv; } }
            """);

        Assert.Contains("Variable $pb :: bool *\n", dump);
        Assert.Contains("Variable $c :: bool\n", dump);
        Assert.Contains("Variable $pt :: (int8,string[2]) *\n", dump);
        Assert.Contains("Variable $u :: string[2]\n", dump);
        Assert.Contains("Variable $pr :: record { .a = int8, .b = int8 } *\n", dump);
        Assert.Contains("Variable $s :: record { .a = int8, .b = int8 }\n", dump);
        Assert.Contains("Variable $pi :: int8 *\n", dump);
        Assert.Contains("Variable $pk :: (int8,int8) *\n", dump);
    }

    [Fact]
    public void AddressOfAValueUserSpaceTurnsIntoTextIsAPointerToItsTypeAndReadsBackAsIt()
    {
        // The reference's runtime/variable "variable address with builtin" (`$b = &$a; *$b` of a username): the pointer
        // is to the variable's own type, and `*` reads that type back, so it prints as the variable does.
        var dump = Types("""
            BEGIN { $a = username; $b = &$a; $c = *$b; $k = ksym(1); $pk = &$k; $i = ntop(0); $pi = &$i; $f = buf("ab", 2); $pf = &$f;
              $s = strftime("%H", 1); $ps = &$s; $y = kstack; $py = &$y; @u = username; $pm = &@u; print(*$pi); }
            kprobe:f { $y = usym(1); $py = &$y; $z = *$py; }
            """);

        Assert.Contains("Variable $b :: username_t *\n", dump);
        Assert.Contains("Variable $c :: username_t\n", dump);
        Assert.Contains("   VariableAddress $a :: username_t *\n", dump);
        Assert.Contains("Variable $pk :: ksym_t *\n", dump);
        Assert.Contains("Variable $pi :: inet[24] *\n", dump);
        Assert.Contains("   MemoryRead +0 kernel :: inet[24]\n    VariableRead $pi :: inet[24] *\n", dump);
        Assert.Contains("Variable $pf :: buffer[6] *\n", dump);
        Assert.Contains("Variable $ps :: timestamp *\n", dump);
        Assert.Contains("Variable $py :: kstack_bpftrace_127 *\n", dump);
        Assert.Contains("Variable $pm :: username_t *\n", dump);
        Assert.Contains("Variable $z :: usym_t\n", dump);
    }

    [Theory]
    // pre_type_check.cpp: the variable must exist; type_checker.cpp: and have a type.
    [InlineData("BEGIN { $b = &$a; }", "Undefined or undeclared variable: $a")]
    [InlineData("BEGIN { let $a; $b = &$a; }", "No type available for variable $a")]
    public void AddressOfErrors(string script, string message)
    {
        Assert.Equal([message], Errors(script));
    }
}
