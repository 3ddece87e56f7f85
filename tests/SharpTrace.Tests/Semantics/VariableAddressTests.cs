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
        Assert.Contains("Variable $t :: int8 *\n", dump.Replace("signed char *", "int8 *", StringComparison.Ordinal));
        Assert.Contains("Variable $u :: int8\n", dump);
    }

    [Fact]
    public void AddressOfAPointerVariableIsAPointerToAPointer()
    {
        var dump = Types("BEGIN { $p = (int32 *)0; $pp = &$p; $q = *$pp; }");

        // A cast's int32 is C's int here (bpftrace names it int32).
        Assert.Contains("Variable $pp :: int **\n", dump);
        Assert.Contains("Variable $q :: int *\n", dump);
    }

    [Theory]
    // pre_type_check.cpp: the variable must exist; type_checker.cpp: and have a type.
    [InlineData("BEGIN { $b = &$a; }", "Undefined or undeclared variable: $a")]
    [InlineData("BEGIN { let $a; $b = &$a; }", "No type available for variable $a")]
    // Not yet here: the address of a value kept in another shape than its C type, or of a loop's counter.
    [InlineData("BEGIN { $a = (1, \"x\"); $b = &$a; }", "The address-of operator (&) on a variable of type '(int8,string[2])' is not supported yet")]
    [InlineData("BEGIN { for ($i : 0..2) { $b = &$i; } }", "The address-of operator (&) on a loop's variable is not supported yet")]
    public void AddressOfErrors(string script, string message)
    {
        Assert.Equal([message], Errors(script));
    }
}
