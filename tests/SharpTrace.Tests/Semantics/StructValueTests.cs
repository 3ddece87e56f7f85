using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Structs, unions and arrays as values (the newest bpftrace's language): copies in variables and maps, their members
/// read back from the copy, array elements at run-time indexes, casts between integers and integer arrays, array
/// comparison; the types <c>-d types</c> prints and bpftrace's messages for the misuses.
/// </summary>
public class StructValueTests
{
    private const string Record = "struct point { int x; int y; } struct rec { int id; short s[4]; struct point p[2]; unsigned int f : 3; } ";

    [Fact]
    public void StructsAndArraysAreCopiedIntoVariablesAndMapKeysAndTheirMembersReadFromTheCopy()
    {
        // id at 0, s at 4 (4 shorts), p at 12 (two 8-byte points), the bitfield f in the word at 28.
        var (program, diagnostics) = SemanticKit.Bind(Record + """
            BEGIN { $r = (struct rec *)0; $v = *$r; $a = $r->s; @m[$v.id] = $v; @k[$a] = count(); @j[*$r] = count();
              print(($v.s[1], $v.f, @m[1].p[1].y, $a[2], (1, $v).1.p[0].x)); }
            """);
        Assert.Empty(diagnostics);

        Assert.Equal("""
            Map @m[int32] :: struct rec
            Map @k[int16[4]] :: count_t
            Map @j[struct rec] :: count_t
            Probe begin
             Variable $r :: struct rec *
             Variable $v :: struct rec
             Variable $a :: int16[4]
             Block
              VariableAssign $r
               Cast :: struct rec *
                Integer 0 :: int8
              VariableAssign $v
               MemoryRead +0 kernel :: struct rec
                VariableRead $r :: struct rec *
              VariableAssign $a
               MemoryRead +4 kernel :: int16[4]
                VariableRead $r :: struct rec *
              MapAssign @m
               StoredMember +0 :: int32
                VariableRead $v :: struct rec
               VariableRead $v :: struct rec
              Aggregate @k count
               VariableRead $a :: int16[4]
              Aggregate @j count
               MemoryRead +0 kernel :: struct rec
                VariableRead $r :: struct rec *
              PrintValue #0
               Tuple :: (int16,uint32,int32,int16,int32)
                StoredMember +2 :: int16
                 StoredMember +4 :: int16[4]
                  VariableRead $v :: struct rec
                StoredMember +28 bits 0:3 :: uint32
                 VariableRead $v :: struct rec
                StoredMember +4 :: int32
                 StoredMember +8 :: struct point
                  StoredMember +12 :: struct point[2]
                   MapRead @m :: struct rec
                    Cast :: int32
                     Integer 1 :: int8
                StoredMember +4 :: int16
                 VariableRead $a :: int16[4]
                StoredMember +0 :: int32
                 StoredMember +0 :: struct point
                  StoredMember +12 :: struct point[2]
                   TupleElement .1 :: struct rec
                    Tuple :: (int8,struct rec)
                     Integer 1 :: int8
                     VariableRead $v :: struct rec

            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void AnArrayIndexedByAnExpressionIsAnElementCheckedAtRunTimeInMemoryOrInACopy()
    {
        var (program, diagnostics) = SemanticKit.Bind(Record + """
            BEGIN { $r = (struct rec *)0; $v = *$r; $i = 1; $j = 2; print(($r->s[$i], $v.s[$j], $r->p[$i].y, $v.p[$i].x)); }
            """);
        Assert.Empty(diagnostics);

        Assert.Contains("""
               Tuple :: (int16,int16,int32,int32)
                ArrayElement [4] kernel :: int16
                 MemoryRead +4 kernel :: int16[4]
                  VariableRead $r :: struct rec *
                 VariableRead $i :: int8
                ArrayElement [4] copy :: int16
                 StoredMember +4 :: int16[4]
                  VariableRead $v :: struct rec
                 VariableRead $j :: int8
                MemoryRead +4 kernel :: int32
                 ArrayElement [2] kernel :: struct point
                  MemoryRead +12 kernel :: struct point[2]
                   VariableRead $r :: struct rec *
                  VariableRead $i :: int8
                StoredMember +0 :: int32
                 ArrayElement [2] copy :: struct point
                  StoredMember +12 :: struct point[2]
                   VariableRead $v :: struct rec
                  VariableRead $i :: int8
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void TernariesOfStructsOrArraysOfOneTypeAreCopiesOfThatType()
    {
        // The newest bpftrace types a ternary's branches alike (type_resolver's IfExpr rule): a struct or array copy.
        var (program, diagnostics) = SemanticKit.Bind(Record + "BEGIN { $r = (struct rec *)0; $v = nsecs > 1 ? *$r : *($r + 1); $p = (nsecs > 1 ? $r->p[0] : $v.p[1]).y; }");
        Assert.Empty(diagnostics);

        Assert.Contains("""
              VariableAssign $v
               Ternary :: struct rec
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
        Assert.Contains("""
              VariableAssign $p
               StoredMember +4 :: int32
                Ternary :: struct point
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void IntegersAndIntegerArraysCastToEachOtherAndArraysCompare()
    {
        var (program, diagnostics) = SemanticKit.Bind(
            "BEGIN { $a = (uint8[4])(uint32)7; $b = (int16[])(int32)9; $c = (int8[8])12345; print(((uint32)$a, $a == (uint8[4])(uint32)8, $b != $b, $c)); }");
        Assert.Empty(diagnostics);

        // The element keeps bpftrace's name, so a uint8 array prints as numbers, not as a string.
        Assert.Contains("""
             Variable $a :: uint8[4]
             Variable $b :: int16[2]
             Variable $c :: int8[8]
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
        Assert.Contains("""
               Tuple :: (uint32,bool,bool,int8[8])
                Cast :: uint32
                 VariableRead $a :: uint8[4]
                ArrayComparison == :: bool
                 VariableRead $a :: uint8[4]
                 Cast :: uint8[4]
                  Cast :: uint32
                   Integer 8 :: int8
                ArrayComparison != :: bool
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void PtonsArrayCastsToAnIntegerIsIndexedAndCompared()
    {
        // The reference's "Array Casts" example compares an address with `(uint32)pton("127.0.0.1")`.
        var (program, diagnostics) = SemanticKit.Bind(
            "BEGIN { $a = pton(\"1.2.3.4\"); @x = ((uint32)pton(\"127.0.0.1\"), $a[1], $a == pton(\"1.2.3.4\")); }");
        Assert.Empty(diagnostics);

        Assert.Contains("""
              MapAssign @x
               Tuple :: (uint32,uint8,bool)
                Cast :: uint32
                 Pton :: uint8[4]
                StoredMember +1 :: uint8
                 VariableRead $a :: uint8[4]
                ArrayComparison == :: bool
                 VariableRead $a :: uint8[4]
                 Pton :: uint8[4]
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void StringsAndIntegersCastToByteAndBoolArrays()
    {
        // language.md "Data Types": a string casts back to an int array, `(int8[])"mystring"`, its size the
        // string's (NUL included); "Array Casts": `(bool[2])(uint16)1` is a bool array.
        var (program, diagnostics) = SemanticKit.Bind(
            "BEGIN { $s = (int8[])\"hello\"; $u = (uint8[6])\"hello\"; $w = (int16[3])\"hello\"; $b = (bool[2])(uint16)1; $c = (bool[])(uint32)1; }");
        Assert.Empty(diagnostics);

        Assert.Contains("""
             Variable $s :: int8[6]
             Variable $u :: uint8[6]
             Variable $w :: int16[3]
             Variable $b :: bool[2]
             Variable $c :: bool[4]
            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    [Fact]
    public void ABoolArrayPrintsTrueAndFalseInTextAndJson()
    {
        // runtime/bool "bool array": `@a = (bool[2])(uint16)1` prints `@a: [true,false]`.
        var value = CValues.Decode(new CArrayType(CBoolType.Script, 2), [1, 0], "..");

        Assert.Equal("[true,false]", TextOutputWriter.FormatValue(value));
        Assert.Equal("[true,false]", JsonOutputWriter.FormatValue(value, 1));
    }

    [Theory]
    // The newest bpftrace's messages (its type checker); a cast's is over the cast's parenthesized type, as our other cast errors.
    [InlineData("BEGIN { $r = (struct rec *)0; @x = ⟦$r->s[4]⟧; }", "the index 4 is out of bounds for array of size 4")]
    [InlineData("BEGIN { $r = (struct rec *)0; $v = *$r; @x = ⟦$v.s[7]⟧; }", "the index 7 is out of bounds for array of size 4")]
    [InlineData("BEGIN { $r = (struct rec *)0; @x = ⟦$r->s[2 + 5]⟧; }", "the index 7 is out of bounds for array of size 4")]
    [InlineData("BEGIN { $r = (struct rec *)0; @x = ⟦$r->s[\"a\"]⟧; }", "The array index operator [] only accepts non-negative integer indices. Got: string[2]")]
    [InlineData("BEGIN { @x = ⟦(uint8[4])⟧(uint64)1; }", "Cannot cast from \"uint64\" to \"uint8[4]\"")]
    [InlineData("BEGIN { @x = ⟦(uint8[16])⟧(uint64)1; }", "Cannot cast from \"uint64\" to \"uint8[16]\"")]
    [InlineData("BEGIN { @x = ⟦(int32[])⟧(int16)1; }", "Cannot determine array size: the element size is incompatible with the cast integer size")]
    [InlineData("BEGIN { @x = ⟦(uint8[2])⟧\"abc\"; }", "Cannot cast from \"string[4]\" to \"uint8[2]\"")]
    [InlineData("BEGIN { @x = ⟦(bool[64])⟧1; }", "Cannot cast from \"int8\" to \"bool[64]\"")]
    [InlineData("BEGIN { $r = (struct rec *)0; @x = ⟦(uint32)⟧$r->s; }", "Cannot cast from \"int16[4]\" to \"uint32\"")]
    [InlineData("BEGIN { $r = (struct rec *)0; @x = ⟦$r->s < $r->s⟧; }", "The < operator cannot be used on arrays.")]
    [InlineData("BEGIN { $r = (struct rec *)0; @x = ⟦$r->s == $r->p⟧; }", "Only arrays of same size support comparison operators.")]
    [InlineData("BEGIN { @x = ⟦(uint8[4])(uint32)1 == (int8[4])(uint32)1⟧; }", "Only arrays of same sized integer support comparison operators.")]
    [InlineData("BEGIN { $r = (struct rec *)0; $v = ⟦1 ? *$r : $r->p[0]⟧; }",
        "Branches must return the same type or compatible types: have 'struct rec' and 'struct point'")]
    [InlineData("BEGIN { $r = (struct rec *)0; $v = ⟦1 ? $r->s : $r->p⟧; }",
        "Branches must return the same type or compatible types: have 'int16[4]' and 'struct point[2]'")]
    public void MisusesReportTheNewestBpftracesErrors(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(Record + annotated, message);
}
