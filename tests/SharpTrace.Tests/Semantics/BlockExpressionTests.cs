using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Block expressions (<c>{ let $a = 1; $a + 1 }</c>, the newest bpftrace's docs/language.md "Block Expressions"),
/// <c>let</c> scoped to its block, and <c>_ = expr;</c>.
/// </summary>
public class BlockExpressionTests
{
    [Fact]
    public void ABlockExpressionIsItsStatementsThenItsValue()
    {
        var tree = SyntaxTree.Parse("BEGIN { $x = { let $a = 1; $a + 1 }; }");
        Assert.Empty(tree.Diagnostics);

        var assignment = Assert.IsType<AssignmentStatement>(Assert.Single(tree.Root.Probes[0].Body.Statements));
        var block = Assert.IsType<BlockExpression>(assignment.Value);
        Assert.IsType<LetStatement>(Assert.Single(block.Statements));
        Assert.Equal("$a + 1", Unparser.Unparse(Assert.IsAssignableFrom<Expression>(block.Value)));
        Assert.Equal("{ let $a = 1; $a + 1 }", Unparser.Unparse(block));
    }

    [Fact]
    public void ABlockEndingInAnAggregationAggregatesIntoTheMapAfterItsStatements()
    {
        // The newest bpftrace's runtime/call "block expression with map assignment": `@ = { let $a = 100; avg($a) }`
        // prints `@: 100`; the let stays in the block.
        Assert.Equal("""
            Map @ :: avg_t
            Probe begin
             Variable $a :: int8
             Block
              Block
               VariableAssign $a
                Integer 100 :: int8
               Aggregate @ avg
                VariableRead $a :: int8

            """.Replace("\r", "", StringComparison.Ordinal), SemanticKit.Types("begin { @ = { let $a = 100; avg($a) }; }"));
        Assert.Equal(["Undefined or undeclared variable: $a"], SemanticKit.Errors("begin { @ = { let $a = 100; avg($a) }; @x = $a; }"));
    }

    [Fact]
    public void AConditionMayBeABlockExpression()
    {
        // The example, from the newest bpftrace's tests.
        var (program, diagnostics) = SemanticKit.Bind("begin { if ({ let $a = true; $a }) { printf(\"bob\\n\"); } }");

        Assert.Empty(diagnostics);
        var condition = Assert.IsType<BoundIf>(Assert.Single(program!.Probes[0].Body.Statements)).Condition;
        Assert.Equal(BoolType.Instance, Assert.IsType<BoundBlockExpression>(condition).Type);
    }

    [Theory]
    // The newest bpftrace's tests/parser.cpp block_expressions, with its spans: a block without a value parses (as a
    // block of no value), so the error is the missing ';' after it, over the next token.
    [InlineData("begin { $x = { $a = 1; $b = 2 } ⟦exit⟧(); }")]
    [InlineData("begin { $x = { $a = 1; $b = 2; } ⟦exit⟧(); }")]
    [InlineData("begin { $x = { $a = 1; $a } ⟦exit⟧(); }")]
    [InlineData("begin { $x = { $a = 1; count() } ⟦exit⟧(); }")]
    public void AMissingSemicolonAfterABlockExpressionIsReportedOverTheNextToken(string annotated)
    {
        var text = AnnotatedText.Parse(annotated);
        var diagnostic = Assert.Single(SyntaxTree.Parse(text.Text).Diagnostics);

        Assert.Equal(("syntax: expected ';'", text.Spans[0]), (diagnostic.Message, diagnostic.Span));
    }

    [Theory]
    // The newest bpftrace's parser takes a block or an if in a statement's place as an expression statement, which
    // may end with ';' (its parse_block); bpftrace 0.17: "syntax error, unexpected ;, expecting }".
    [InlineData("BEGIN { { $a = 1; }; print(1); }")]
    [InlineData("BEGIN { if (1) { $a = 1; } else { $a = 2; }; { 1 } print(2); }")]
    public void ABlockOrAnIfAsAStatementMayEndWithASemicolon(string script) =>
        Assert.Empty(SyntaxTree.Parse(script).Diagnostics);

    [Theory]
    // A block without a value has none, as in the newest bpftrace, where the error comes where the value is used (its
    // type checker's "Invalid expression for assignment"; ours names the type, as for a macro of no value).
    [InlineData("BEGIN { $x = ⟦{ $a = 1; }⟧; }")]
    [InlineData("BEGIN { $x = ⟦{ }⟧; }")]
    public void ABlockWithoutAValueIsNoneWhereAValueIsNeeded(string annotated) =>
        SemanticKit.AssertDiagnostics(annotated, "Cannot assign a value of type 'none' to a variable");

    [Theory]
    // language.md: "'scratch' variables cannot be accessed outside of their lexical block" (for a variable first
    // assigned without let as well: VariableScopeTests).
    [InlineData("BEGIN { { let $a = 1; } printf(\"%d\\n\", ⟦$a⟧); }")]
    [InlineData("BEGIN { $x = { let $a = 1; $a }; @y = ⟦$a⟧; }")]
    [InlineData("BEGIN { if (1) { let $a = 1; } @y = ⟦$a⟧; }")]
    public void ALetVariableIsUnknownAfterItsBlock(string annotated) =>
        SemanticKit.AssertDiagnostics(annotated, "Undefined or undeclared variable: $a");

    [Fact]
    public void SiblingBlocksMayEachLetTheSameNameWithItsOwnType()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { { let $a = 1; @i = $a; } { let $a = \"s\"; @s = $a; } $b = 1; if (1) { $b = 2; } @b = $b; }");

        Assert.Empty(diagnostics);
        Assert.Equal(["$a :: int8", "$a :: string", "$b :: int8"],
            program!.Probes[0].Variables.Select(v => $"{v.Name} :: {v.Type}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DiscardEvaluatesTheExpressionAndKeepsNothing()
    {
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { @m[1] = 1; _ = has_key(@m, 1); _ = 5; }");

        Assert.Empty(diagnostics);
        var statements = program!.Probes[0].Body.Statements;
        Assert.All(statements.Skip(1), s => Assert.IsType<BoundExpressionStatement>(s));
        Assert.Empty(program.Probes[0].Variables);
    }
}
