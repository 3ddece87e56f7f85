namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Strings are sized as the newest bpftrace sizes them (types.cpp get_promoted_type: a string meeting a string is the
/// longer one): a literal is its length and the NUL (<c>"abc"</c> a <c>string[4]</c>), <c>comm</c> 16 bytes,
/// <c>str(p)</c> max_strlen and <c>str(p, n)</c> n + 1; a map's values and keys, a variable, and the strings in tuples
/// and records they hold are as large as the longest string assigned. The expectations are the reference's own
/// (tests/type_resolver.cpp variable_promotion_strings, _tuples, _records; map_value_promotion_*, map_key_promotion_*;
/// tests/type_checker.cpp typeof_decls). Explicit max_strlen where it matters: the default may change.
/// </summary>
public class StringSizeTypeTests
{
    [Theory]
    [InlineData("@a = \"str\";", "Map @a :: string[4]")]
    [InlineData("@a = \"str\"; @a = \"longer\";", "Map @a :: string[7]")]
    [InlineData("@a = \"longer\"; @a = \"str\";", "Map @a :: string[7]")]
    [InlineData("$b = \"longer\"; @a = \"str\"; @a = $b;", "Map @a :: string[7]")]
    [InlineData("@a = (1, \"str\");", "Map @a :: (int8,string[4])")]
    [InlineData("@a = ((uint32)1, \"str\"); @a = (1, \"longer\");", "Map @a :: (uint32,string[7])")]
    [InlineData("@a = ((uint32)1, (\"str\", (int16)2)); @a = (1, (\"longer\", (uint16)2));", "Map @a :: (uint32,(string[7],int32))")]
    [InlineData("@a = (x = (uint32)1, y = \"str\"); @a = (y = \"longer\", x = (int32)1);", "Map @a :: record { .x = int64, .y = string[7] }")]
    [InlineData("@a = comm; @a = \"x\";", "Map @a :: string[16]")]
    [InlineData("@a = \"x\"; @a = comm;", "Map @a :: string[16]")]
    [InlineData("@a = \"a string longer than comm\"; @a = comm;", "Map @a :: string[26]")]
    public void AMapOfStringsIsAsLargeAsTheLongestAssigned(string statements, string map)
    {
        Assert.Contains(map + "\n", SemanticKit.Types($"BEGIN {{ {statements} }}"));
    }

    [Theory]
    [InlineData("@a[\"str\"] = 1;", "Map @a[string[4]] :: int8")]
    [InlineData("@a[\"str\"] = 1; @a[\"longer\"] = 2;", "Map @a[string[7]] :: int8")]
    [InlineData("@a[\"longer\"] = 1; $x = @a[\"str\"];", "Map @a[string[7]] :: int8")]
    [InlineData("@a[1, \"str\"] = 1; @a[(uint16)2, \"longer\"] = 2;", "Map @a[uint16, string[7]] :: int8")]
    [InlineData("@a[(1, \"str\")] = 1; @a[(2, \"longer\")] = 2;", "Map @a[(int8,string[7])] :: int8")]
    [InlineData("@a[(x = 1, y = \"str\")] = 1; @a[(y = \"longer\", x = 2)] = 2;", "Map @a[record { .x = int8, .y = string[7] }] :: int8")]
    [InlineData("@a[\"x\"] = 1; @a[comm] = 2;", "Map @a[string[16]] :: int8")]
    public void AMapsStringKeyIsAsLargeAsTheLongestUsed(string statements, string map)
    {
        Assert.Contains(map + "\n", SemanticKit.Types($"BEGIN {{ {statements} }}"));
    }

    [Theory]
    [InlineData("@a = str(arg0); @a = \"x\";", "Map @a :: string[32]")]
    [InlineData("@a = \"x\"; @a = str(arg0);", "Map @a :: string[32]")]
    [InlineData("@a = str(arg0, 4); @a = \"x\";", "Map @a :: string[5]")]
    [InlineData("@a = str(arg0, 4); @a = \"longer\";", "Map @a :: string[7]")]
    [InlineData("@a = str(arg0, 100);", "Map @a :: string[32]")]
    [InlineData("@a[str(arg0)] = 1; @a[\"x\"] = 2;", "Map @a[string[32]] :: int8")]
    [InlineData("@a = (\"x\", 1); @a = (str(arg0), 2);", "Map @a :: (string[32],int8)")]
    public void AStrOfMaxStrlenMakesTheMapMaxStrlen(string statements, string map)
    {
        Assert.Contains(map + "\n", SemanticKit.Types($"config = {{ max_strlen = 32 }} kprobe:f {{ {statements} }}"));
    }

    [Theory]
    [InlineData("$a = \"str\";", "Variable $a :: string[4]")]
    [InlineData("$a = \"str\"; $a = \"longer\";", "Variable $a :: string[7]")]
    [InlineData("$a = \"str\"; $b = \"longer\"; $a = $b;", "Variable $a :: string[7]")]
    [InlineData("$a = (1, \"str\"); $a = (2, \"longer\");", "Variable $a :: (int8,string[7])")]
    [InlineData("$a = (x = \"str\", y = 1); $a = (y = 2, x = \"longer\");", "Variable $a :: record { .x = string[7], .y = int8 }")]
    [InlineData("let $a: string = \"hi\"; $a = \"muchmuchlongerstr\";", "Variable $a :: string[18]")]
    [InlineData("let $a: string[8] = \"hi\";", "Variable $a :: string[8]")]
    [InlineData("$a = \"str\"; @m = $a; $a = \"longer\";", "Map @m :: string[7]")]
    public void AVariableOfStringsIsAsLargeAsTheLongestAssigned(string statements, string variable)
    {
        Assert.Contains(variable + "\n", SemanticKit.Types($"BEGIN {{ {statements} }}"));
    }

    [Fact]
    public void TheVariablesATupleWasBuiltFromKeepTheirSizes()
    {
        // type_resolver.cpp: "Make sure the referenced variables don't change size".
        var types = SemanticKit.Types("BEGIN { $b = (\"str\", (int16)2); $a = ((uint32)1, $b); $c = (\"longer\", (uint16)2); $a = (1, $c); }");

        Assert.Contains("Variable $a :: (uint32,(string[7],int32))\n", types);
        Assert.Contains("Variable $b :: (string[4],int16)\n", types);
        Assert.Contains("Variable $c :: (string[7],uint16)\n", types);
    }

    [Theory]
    [InlineData("kprobe:f { ⟦let $x: string[3] = \"helloooooo\"⟧; }",
        "Type mismatch for $x: trying to assign value of type 'string[11]' when variable already has a type 'string[3]'")]
    [InlineData("kprobe:f { let $x: string[3] = \"hi\"; ⟦$x = \"helloooooo\"⟧; }",
        "Type mismatch for $x: trying to assign value of type 'string[11]' when variable already has a type 'string[3]'")]
    [InlineData("kprobe:f { $s = \"foo\"; let $x: typeof($s); ⟦$x = \"longer\"⟧; }",
        "Type mismatch for $x: trying to assign value of type 'string[7]' when variable already has a type 'string[4]'")]
    public void AStringLongerThanAVariablesDeclaredSizeIsTheReferencesTypeMismatch(string annotated, string message)
    {
        SemanticKit.AssertDiagnostics(annotated, message);
    }

    [Theory]
    [InlineData("kprobe:f { let $x: string[3] = \"hi\"; $x = \"ab\"; }")]
    [InlineData("kprobe:f { let $y: string = \"hi\"; $y = \"muchmuchlongerstr\"; }")]
    [InlineData("kprobe:f { $x = \"foo\"; let $y: string = $x; $y = \"bar\"; }")]
    [InlineData("kprobe:f { $x = \"foo\"; let $y: typeof($x); $y = \"bar\"; }")]
    public void AStringThatFitsItsDeclarationIsAccepted(string script)
    {
        Assert.Empty(SemanticKit.Errors(script));
    }
}
