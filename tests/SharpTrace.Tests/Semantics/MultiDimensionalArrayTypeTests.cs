namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Arrays of arrays on <c>-d types</c> (issue #12's acceptance: a test per new type rule). The newest bpftrace names an
/// array by its element's name followed by its own count (types.cpp's typestr), so C's <c>unsigned int y[2][3]</c>, an
/// array of 2 arrays of 3, is <c>uint32[3][2]</c>; an element is <c>uint32[3]</c>; a constant index is checked against
/// the count of the dimension it indexes, in its words (type_checker.cpp, ArrayAccess).
/// </summary>
public class MultiDimensionalArrayTypeTests
{
    private const string Definition = "struct B { unsigned int y[2][3]; } ";

    [Fact]
    public void AnArrayOfArraysIsNamedByItsElementThenItsCount()
    {
        var dump = SemanticKit.Types(Definition + "begin { $p = (struct B *)0; $b = $p->y; $r = $b[1]; $e = $b[1][2]; @m[$b] = 1; @v = $p->y[0]; }");

        Assert.Contains(" Variable $b :: uint32[3][2]\n", dump);
        Assert.Contains(" Variable $r :: uint32[3]\n", dump);
        Assert.Contains(" Variable $e :: uint32\n", dump);
        Assert.Contains("Map @m[uint32[3][2]] :: ", dump);
        Assert.Contains("Map @v :: uint32[3]\n", dump);
    }

    [Theory]
    [InlineData(Definition + "begin { $p = (struct B *)0; $b = $p->y; $e = ⟦$b[1][3]⟧; }", "the index 3 is out of bounds for array of size 3")]
    [InlineData(Definition + "begin { $p = (struct B *)0; $f = ⟦$p->y[2]⟧[0]; }", "the index 2 is out of bounds for array of size 2")]
    public void AConstantIndexIsCheckedAgainstItsOwnDimension(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);
}
