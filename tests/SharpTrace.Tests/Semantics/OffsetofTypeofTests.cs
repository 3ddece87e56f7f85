namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>offsetof(typeof(…), f)</c>: the newest bpftrace's language.md lists offsetof among the "Type Context Builtins"
/// that take a type or an expression, and <c>typeof</c> names either; its tests/parser.cpp parses
/// <c>sizeof(typeof(int32))</c> as the type itself. bpftrace 0.17 has no typeof.
/// </summary>
public class OffsetofTypeofTests
{
    private const string Foo = "struct Foo { int a; int x; struct Bar { long b; int y; } bar; } ";

    [Theory]
    [InlineData("offsetof(typeof($f), x)", 4)]
    [InlineData("offsetof(typeof(struct Foo), x)", 4)]
    [InlineData("offsetof(typeof($f), bar.y)", 16)]
    [InlineData("offsetof(typeof(*$p), bar)", 8)]
    public void OffsetofTakesTheStructATypeofNames(string expression, int offset) =>
        Assert.Contains($"Integer {offset} ::", SemanticKit.Types(
            Foo + "kprobe:f { $p = (struct Foo *)arg0; $f = *$p; @o = " + expression + "; }"));

    [Fact]
    public void ATypeofThatIsNoStructIsRefused() =>
        Assert.Equal(["offsetof() needs a struct or union, not 'int8'"],
            SemanticKit.Errors("kprobe:f { $x = 1; @o = offsetof(typeof($x), a); }"));
}
