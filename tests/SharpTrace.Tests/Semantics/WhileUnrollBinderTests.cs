using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>while</c> and <c>unroll</c>: the unroll count's rules and messages are bpftrace 0.17's (checked with
/// <c>bpftrace -e 'BEGIN { unroll(0) { } }'</c> and friends: same message, same underline).
/// </summary>
public sealed class WhileUnrollBinderTests
{
    [Theory]
    [InlineData("BEGIN { ⟦unroll(0)⟧ { } }", "unroll minimum value is 1")]
    [InlineData("BEGIN { ⟦unroll(-1)⟧ { } }", "unroll minimum value is 1")]
    [InlineData("BEGIN { ⟦unroll(101)⟧ { } }", "unroll maximum value is 100")]
    [InlineData("BEGIN { ⟦unroll( 101 )⟧ { } }", "unroll maximum value is 100")]
    [InlineData("BEGIN { ⟦unroll($1)⟧ { } }", "unroll minimum value is 1")] // no parameter given: $1 is 0
    [InlineData("BEGIN { unroll(2) { ⟦break⟧; } }", "'break' statement is not allowed outside of a loop")]
    [InlineData("BEGIN { unroll(2) { ⟦continue⟧; } }", "'continue' statement is not allowed outside of a loop")]
    [InlineData("BEGIN { while (⟦\"a\"⟧) { } }", "Invalid condition in while(): string")]
    public void ReportsTheProblemAtItsSpan(string annotated, string message)
    {
        var expected = AnnotatedText.Parse(annotated);
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(expected.Text), new NoTracepoints());

        Assert.Null(program);
        var error = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal((message, expected.Spans.Single()), (error.Message, error.Span));
    }

    [Theory]
    // bpftrace 0.17's grammar allows only an integer, a negative one, $N or $# as the count.
    [InlineData("BEGIN { $n = 3; ⟦unroll($n⟧) { } }", "syntax error, unexpected variable, expecting $# or - or positional parameter or integer")]
    [InlineData("BEGIN { ⟦unroll(\"a\"⟧) { } }", "syntax error, unexpected string, expecting $# or - or positional parameter or integer")]
    [InlineData("BEGIN { unroll(1 ⟦+⟧ 1) { } }", "syntax error, unexpected +, expecting )")]
    public void UnrollCountIsALiteralOrAParameter(string annotated, string message) => AnnotatedText.AssertDiagnostics(annotated, message);

    [Theory]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    [InlineData("$1", 7)]
    [InlineData("$#", 1)]
    public void UnrollCountIsKept(string count, int expected)
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse($"BEGIN {{ unroll({count}) {{ @u++; }} }}"), new NoTracepoints(),
            new ProgramConfig { PositionalParameters = ["7"] });

        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        var unroll = Assert.IsType<BoundUnroll>(Assert.Single(program!.Probes.Single().Body.Statements));
        Assert.Equal(expected, unroll.Count);
    }

    [Fact]
    public void BreakAndContinueInsideUnrollInsideWhileBelongToTheWhile()
    {
        var (program, diagnostics) = Binder.Bind(StandardBuiltins.Catalog,
            SyntaxTree.Parse("BEGIN { $i = 0; while ($i < 3) { $i++; unroll(2) { if ($i == 1) { continue; } break; } } }"), new NoTracepoints());

        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
    }

    [Fact]
    public void TypesDumpShowsTheLoopAndTheCount()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { $i = 0; while ($i < 3) { $i++; } unroll(2) { @u = 1; } }");
        Assert.Empty(diagnostics);

        Assert.Equal("""
            Map @u :: int8
            Probe begin
             Variable $i :: int64
             Block
              VariableAssign $i
               Cast :: int64
                Integer 0 :: int8
              While
               Binary Less :: bool
                VariableRead $i :: int64
                Integer 3 :: int8
               Block
                VariableAssign $i
                 Binary Add :: int64
                  VariableRead $i :: int64
                  Integer 1 :: int8
              Unroll 2
               Block
                MapAssign @u
                 Integer 1 :: int8

            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }

    private sealed class NoTracepoints : ITracepointCatalog
    {
        public IEnumerable<(string Category, string Name)> List() => [];
        public TracepointFormat? Format(string category, string name) => null;
    }
}
