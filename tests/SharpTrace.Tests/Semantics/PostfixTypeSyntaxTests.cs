using SharpTrace.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// The newest bpftrace's postfix type syntax (docs/language.md "Type Syntax"): <c>*</c> and <c>[N]</c> read left to
/// right, so <c>int32[4]*</c> points at an array of 4 int32 and <c>int32*[4]</c> is an array of 4 pointers; for
/// <c>string</c>, <c>[N]</c> is its size, and a string casts to a larger one (type_checker.cpp, tests cast_string and
/// cast_same_type). bpftrace 0.17 has neither.
/// </summary>
public class PostfixTypeSyntaxTests
{
    private static string Types(string script) => SemanticKit.Types(script);

    private static IReadOnlyList<string> Errors(string script) => SemanticKit.Errors(script);

    [Theory]
    // The newest tests/parser.cpp: cast_array_then_pointer, cast_struct_array_then_pointer, cast_mixed_suffix_levels,
    // cast_sized_type_pointer_normalization; types named as its types.cpp typestr names them ("int32[4] *").
    [InlineData("(int32[4]*)arg0", "int32[4] *")]
    [InlineData("(uint8[16]*)arg0", "uint8[16] *")]
    [InlineData("(struct task_struct[2]*)arg0", "struct task_struct[2] *")]
    [InlineData("(int32*[4]*)arg0", "int32 *[4] *")]
    [InlineData("(string[64]*)arg0", "string[64] *")]
    public void AStarAfterTheArrayMakesAPointerToTheArray(string cast, string type) =>
        Assert.Contains($" Variable $p :: {type}\n", Types($"kprobe:f {{ $p = {cast}; }}"));

    [Theory]
    // language.md: "sizeof(uint32*[10]) prints 80 as the type is an array of 10 pointers to uint32".
    [InlineData("uint32*[10]", 80)]
    [InlineData("uint32[10]*", 8)]
    [InlineData("int32*[4]*", 8)]
    [InlineData("int32[4]", 16)]
    public void SizeofTellsAnArrayOfPointersFromAPointerToAnArray(string type, int size) =>
        Assert.Contains($"Integer {size} ::", Types($"BEGIN {{ @x = sizeof({type}); }}"));

    [Fact]
    public void ADeclarationTakesAPointerToAnArray()
    {
        var dump = Types("kprobe:f { let $p: int32[4]*; $p = (int32[4]*)arg0; @v = *$p; }");
        Assert.Contains(" Variable $p :: int32[4] *\n", dump);
        Assert.Contains("Map @v :: int32[4]\n", dump);
    }

    [Fact]
    public void ThePostfixTypeRoundTrips()
    {
        const string Script = "kprobe:f { $p = (int32*[4]*)arg0; let $q: struct task_struct[2]*; }";
        var tree = SyntaxTree.Parse(Script);
        Assert.Empty(tree.Diagnostics);
        var again = SyntaxTree.Parse(Unparser.Unparse(tree.Root));
        Assert.Empty(again.Diagnostics);
        Assert.Equal(AstPrinter.Print(tree.Root), AstPrinter.Print(again.Root));
        Assert.Contains("Type int32 *[4]*", AstPrinter.Print(tree.Root));
    }

    [Fact]
    public void AStringCastsToALargerString()
    {
        var dump = Types("kprobe:f { $a = (string[10])\"hello\"; }");
        Assert.Contains("""
               Cast :: string[10]
                String "hello" :: string[6]
            """, dump);
        Assert.Empty(Errors("kprobe:f { $a = (string[10])\"hello\"; }"));
    }

    [Theory]
    // type_checker.cpp: "Cannot cast from \"" rhs "\" to \"" ty "\""; `string` alone is string[0], named "string".
    [InlineData("kprobe:f { $a = (string[2])\"hello\"; }", "Cannot cast from \"string[6]\" to \"string[2]\"")]
    [InlineData("kprobe:f { $a = (string[2])5; }", "Cannot cast from \"int8\" to \"string[2]\"")]
    [InlineData("kprobe:f { $a = (string)5; }", "Cannot cast from \"int8\" to \"string\"")]
    [InlineData("kprobe:f { $a = (int32[4]*)\"abc\"; }", "Cannot cast from \"string[4]\" to \"int32[4] *\"")]
    public void OtherStringCastsAreRefused(string script, string error) =>
        Assert.Equal([error], Errors(script));

    [Fact]
    public void ACastToTheSameStringSizeWarns()
    {
        // type_checker.cpp cast_same_type: `(string[6])"hello"` warns, `(string[10])"hello"` doesn't.
        var (program, diagnostics) = SemanticKit.Bind("kprobe:f { $a = (string[6])\"hello\"; }");
        Assert.NotNull(program);
        Assert.Equal(["Unnecessary cast: expression is already of type string[6]"],
            diagnostics.Where(d => !d.IsError).Select(d => d.Message));
    }
}
