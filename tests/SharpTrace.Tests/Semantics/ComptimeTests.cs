using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// <c>comptime e</c> and <c>if comptime (e) { } else { }</c>, as the newest bpftrace parses them (parser.cpp: a prefix
/// of a unary expression; <c>if comptime e</c> needs no parentheses) and folds them (fold_literals.cpp's Comptime and
/// IfExpr, type_resolver.cpp's re-folding once types are known): the branch not taken is dropped before type checking.
/// Cases are those of its tests/fold_literals.cpp where they apply, and its error for what only the run could know.
/// </summary>
public class ComptimeTests
{
    [Theory]
    [InlineData("if comptime (1 + 1) { }")]
    [InlineData("if (comptime 1) { }")]
    [InlineData("if comptime is_str(comm) { } else if comptime (sizeof(int32) == 4) { }")]
    public void ComptimeParsesAsAPrefixOperatorAndAnIfConditionWithoutParentheses(string body)
    {
        var tree = SyntaxTree.Parse($"BEGIN {{ {body} }}");
        Assert.Empty(tree.Diagnostics);
        var statement = Assert.IsType<IfStatement>(tree.Root.Probes[0].Body.Statements[0]);
        Assert.Equal(UnaryOperator.Comptime, Assert.IsType<UnaryExpression>(statement.Condition).Operator);
    }

    [Fact]
    public void ComptimeBindsAsTightlyAsTheOtherPrefixOperators()
    {
        var tree = SyntaxTree.Parse("BEGIN { @x = comptime (1, 0).0 == 1; }");
        Assert.Empty(tree.Diagnostics);
        var equal = Assert.IsType<BinaryExpression>(Assert.IsType<AssignmentStatement>(tree.Root.Probes[0].Body.Statements[0]).Value);
        Assert.Equal("comptime (1, 0).0", Unparser.Unparse(equal.Left));
    }

    [Theory]
    // fold_literals.cpp's conditional cases: each literal decides, the way eval_bool reads it.
    [InlineData("if (comptime 1) { @a = 1; } else { @b = 1; }", "@a")]
    [InlineData("if (comptime 0) { @a = 1; } else { @b = 1; }", "@b")]
    [InlineData("if (comptime -1) { @a = 1; } else { @b = 1; }", "@a")]
    [InlineData("if comptime (1 + 1) { @a = 1; } else { @b = 1; }", "@a")]
    [InlineData("if (comptime \"str\") { @a = 1; } else { @b = 1; }", "@a")]
    [InlineData("if (comptime \"\") { @a = 1; } else { @b = 1; }", "@b")]
    [InlineData("if (comptime true) { @a = 1; } else { @b = 1; }", "@a")]
    [InlineData("if (comptime false) { @a = 1; } else { @b = 1; }", "@b")]
    [InlineData("if comptime (false) { @a = 1; } else if comptime (true) { @b = 1; } else { @c = 1; }", "@b")]
    // Known once types are: the standard library's macros over typeinfo, sizeof and offsetof.
    [InlineData("$x = (uint32)1; if comptime is_unsigned_integer($x) { @a = 1; } else { @b = 1; }", "@a")]
    [InlineData("$x = (uint32)1; if comptime (sizeof($x) == 8) { @a = 1; } else { @b = 1; }", "@b")]
    [InlineData("if comptime (!is_ptr(comm) && sizeof(comm) == 16) { @a = 1; } else { @b = 1; }", "@a")]
    public void OnlyTheBranchTakenIsBound(string body, string map)
    {
        var (program, diagnostics) = SemanticKit.Bind($"BEGIN {{ {body} }}");
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Equal([map], program.Maps.Select(m => m.Name));
        Assert.DoesNotContain("If", SharpTrace.Semantics.BoundTreePrinter.Print(program), StringComparison.Ordinal);
    }

    [Fact]
    public void TheBranchNotTakenMayHoldCodeThatWouldNotTypeCheck()
    {
        var (program, diagnostics) = SemanticKit.Bind("""
            BEGIN {
              $s = "a";
              if comptime is_str($s) { @ok = 1; } else { @bad = $s + 1; $s->x; undefined_function(); }
              if comptime (!is_str($s)) { @bad2 = $s * 2; }
            }
            """);
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.Equal(["@ok"], program.Maps.Select(m => m.Name));
    }

    [Fact]
    public void AnIfComptimeWithNoBranchTakenLeavesNothingSoABlockOfALiteralFolds() =>
        // fold_literals.cpp's expr_stmt_collapse: `{ if comptime (false) {} 1 }` is 1.
        Assert.Contains("MapAssign @x\n   Integer 1 :: int8\n", SemanticKit.Types("BEGIN { @x = { if comptime (false) { } 1 }; }"));

    [Theory]
    [InlineData("comptime (1, 0).0", "Integer 1 :: int8")]
    [InlineData("comptime (1, 1 + 1).1", "Integer 2 :: int8")]
    [InlineData("comptime (\"a\" + \"b\")", "String \"ab\" :: string[3]")]
    [InlineData("comptime comptime 5", "Integer 5 :: int8")]
    [InlineData("comptime (sizeof(int32) * 2)", "Integer 8 :: int8")]
    [InlineData("comptime is_str(comm)", "Boolean true :: bool")]
    public void AComptimeExpressionIsTheLiteralItEvaluatesTo(string expression, string node) =>
        Assert.Contains($"MapAssign @x\n   {node}\n", SemanticKit.Types($"BEGIN {{ @x = {expression}; }}"));

    [Theory]
    // fold_literals.cpp's comptime cases, then type_resolver.cpp's error once nothing more can be folded.
    [InlineData("BEGIN { $x = 0; @y = ⟦comptime ($x + 1)⟧; }", "Unable to resolve comptime expression")]
    [InlineData("BEGIN { @x = 0; @y = ⟦comptime (@x + 1)⟧; }", "Unable to resolve comptime expression")]
    [InlineData("BEGIN { $x = 1; @y = ⟦comptime ($x, 1 + 1).0⟧; }", "Unable to resolve comptime expression")]
    [InlineData("BEGIN { if ⟦comptime (pid == 1)⟧ { @x = 1; } }", "Unable to resolve comptime expression")]
    [InlineData("BEGIN { if comptime (⟦0xffffffffffffffff + 1⟧) { @x = 1; } }", "unable to fold literals due to overflow or underflow")]
    public void WhatOnlyTheRunCouldKnowIsTheReferencesError(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void AComptimeTupleAccessPastItsEndIsTheAccessError() =>
        SemanticKit.AssertDiagnostics("BEGIN { @y = comptime ⟦(1, 0).2⟧; }", "Invalid tuple index: 2. Found 2 elements in tuple.");

    [Fact]
    public void TheAstNamesComptime()
    {
        var printed = AstPrinter.Print(SyntaxTree.Parse("BEGIN { if comptime (1) { } }").Root);
        Assert.Contains("Unary comptime", printed, StringComparison.Ordinal);
        var condition = Assert.IsType<IfStatement>(SyntaxTree.Parse("BEGIN { if comptime 1 { } }").Root.Probes[0].Body.Statements[0]).Condition;
        Assert.Equal("comptime 1", Unparser.Unparse(condition));
    }
}
