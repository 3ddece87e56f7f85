using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>s[i]</c> on strings and <c>t[N]</c> on tuples, as the newest bpftrace types them (type_resolver's ArrayAccess rule:
/// a string's element is an int8; a tuple's, at an index folded to a literal, is its element), and its type checker's
/// messages for the misuses.
/// </summary>
public class StringAndTupleIndexTests
{
    [Fact]
    public void AStringsElementIsAnInt8ReadFromTheCopyOrAtARunTimeIndex()
    {
        var (program, diagnostics) = SemanticKit.Bind(
            "BEGIN { $x = \"hello\"; $i = 1; @a = $x[1]; @b = $x[$i]; @c = comm[2 - 1]; @d = \"abc\"[2]; }");
        Assert.Empty(diagnostics);

        Assert.Contains("""
              MapAssign @a
               StoredMember +1 :: int8
                VariableRead $x :: string[6]
              MapAssign @b
               ArrayElement [6] copy :: int8
                VariableRead $x :: string[6]
                VariableRead $i :: int8
              MapAssign @c
               StoredMember +1 :: int8
                Builtin comm :: string[16]
              MapAssign @d
               Integer 99 :: int8
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void ACharArrayInMemoryIsIndexedWhereItIs()
    {
        // A script's char[8] is a string[9], as the newest's clang parser types it: the byte after the field too.
        var (program, diagnostics) = SemanticKit.Bind(
            "struct s { int id; char name[8]; } BEGIN { $p = (struct s *)0; $i = 1; @a = $p->name[3]; @b = $p->name[$i]; }");
        Assert.Empty(diagnostics);

        Assert.Contains("""
              MapAssign @a
               MemoryRead +3 kernel :: int8
                MemoryRead +4 kernel :: string[9]
                 VariableRead $p :: struct s *
              MapAssign @b
               ArrayElement [9] kernel :: int8
                MemoryRead +4 kernel :: string[9]
                 VariableRead $p :: struct s *
                VariableRead $i :: int8
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void ATupleIndexedByAConstantIsItsElement()
    {
        // The reference's example: `(1, "hello")[1 - 1]`, which its literal folding then folds to the literal 1.
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { $t = (1, \"a\"); @f = $t[1 - 1]; @g = $t[1]; @h = (1, \"hello\")[1 - 1]; }");
        Assert.Empty(diagnostics);

        Assert.Contains("""
              MapAssign @f
               TupleElement .0 :: int8
                VariableRead $t :: (int8,string[2])
              MapAssign @g
               TupleElement .1 :: string[2]
                VariableRead $t :: (int8,string[2])
              MapAssign @h
               Integer 1 :: int8
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Theory]
    // The newest bpftrace's messages (type_checker.cpp, ast_transformer.cpp, type_resolver.cpp).
    [InlineData("BEGIN { @x = ⟦\"abc\"[4]⟧; }", "the index 4 is out of bounds for array of size 4")]
    [InlineData("BEGIN { @x = ⟦\"abc\"[2 * 3]⟧; }", "the index 6 is out of bounds for array of size 4")]
    [InlineData("BEGIN { @x = ⟦comm[\"a\"]⟧; }", "The array index operator [] only accepts non-negative integer indices. Got: string[2]")]
    // A signed index that is not sign flexible (a literal, or a variable holding one, is) is refused: `$i + 1` is an
    // int64 (type_checker.cpp visit(ArrayAccess)).
    [InlineData("BEGIN { $s = \"abc\"; $i = 1; @x = ⟦$s[$i + 1]⟧; }", "The array index operator [] only accepts non-negative integer indices. Got: int64")]
    [InlineData("BEGIN { $s = \"abc\"; $i = -1; @x = ⟦$s[$i]⟧; }", "The array index operator [] only accepts non-negative integer indices. Got: int8")]
    [InlineData("struct s { int a[4]; } BEGIN { $p = (struct s *)0; $i = (int32)1; @x = ⟦$p->a[$i]⟧; }", "The array index operator [] only accepts non-negative integer indices. Got: int32")]
    [InlineData("BEGIN { $p = (int32 *)0; $i = -2; @x = ⟦$p[$i]⟧; }", "The array index operator [] only accepts non-negative integer indices. Got: int8")]
    [InlineData("BEGIN { $t = (1, \"a\"); $i = 0; @x = ⟦$t[$i]⟧; }", "Array-style access for tuples only valid for integer literals")]
    [InlineData("BEGIN { $t = (1, \"a\"); @x = ⟦$t[2]⟧; }", "Invalid tuple index: 2. Found 2 elements in tuple.")]
    [InlineData("BEGIN { @x = ⟦nsecs[0]⟧; }", "The array index operator [] can only be used on arrays, pointers, and tuples, found uint64.")]
    public void MisusesReportTheNewestBpftracesErrors(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);
}
