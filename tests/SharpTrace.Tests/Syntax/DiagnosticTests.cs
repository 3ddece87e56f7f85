using SharpTrace.Syntax;

namespace SharpTrace.Tests.Syntax;

/// <summary>Syntax errors, written with the offending text marked; wordings follow bpftrace 0.17.</summary>
public class DiagnosticTests
{
    [Theory]
    // Checked against bpftrace 0.17 (`bpftrace -d -e '...'`): same message, same token.
    [InlineData("BEGIN { @x = ⟦;⟧ }", "syntax error, unexpected ;")]
    [InlineData("BEGIN { ⟦;⟧ }", "syntax error, unexpected ;, expecting }")]
    [InlineData("BEGIN { if (1) { } else ⟦}⟧", "syntax error, unexpected }, expecting { or if")]
    [InlineData("BEGIN { @x[1 ⟦=⟧ 2 }", "syntax error, unexpected =, expecting ] or \",\"")]
    [InlineData("BEGIN { printf(\"a\" ⟦}⟧", "syntax error, unexpected }, expecting ) or \",\"")]
    [InlineData("BEGIN { $x = (1, ⟦}⟧", "syntax error, unexpected }")]
    [InlineData("BEGIN { @x = 1 + ⟦;⟧ }", "syntax error, unexpected ;")]
    [InlineData("BEGIN { if (1 ⟦{⟧ } }", "syntax error, unexpected {, expecting )")]
    [InlineData("BEGIN /1 ⟦{⟧ }", "syntax error, unexpected {, expecting end predicate")]
    [InlineData("BEGIN { $x = 1 ? 2 ⟦;⟧ }", "syntax error, unexpected ;, expecting :")]
    [InlineData("BEGIN { $x. ⟦}⟧", "syntax error, unexpected }")]
    [InlineData("k:f /1/ ⟦/⟧2/ {}", "syntax error, unexpected /, expecting {")]
    [InlineData("BEGIN { @x = 1 }⟦ END⟧", "unexpected end of file, expected {")]
    [InlineData("⟦BEGIN⟧", "unexpected end of file, expected {")]
    [InlineData("BEGIN { @x = 1 ⟦`⟧ }", "invalid character '`'")]
    [InlineData("BEGIN { ⟦\"\\q⟧\" }", "invalid escape character '\\q'")]
    [InlineData("BEGIN { ⟦pid⟧++ }", "The ++ operator must be applied to a map or variable")]
    [InlineData("BEGIN { } ⟦/* never⟧", "end of file during comment")]
    // The newest bpftrace reads an if/while condition without parentheses as a unary expression and a for header's
    // range ends as primary ones (its parser.cpp), so a binary one there stops before the block's "{" (0.17 wanted "(").
    [InlineData("BEGIN { if $x ⟦>⟧ 1 {} }", "syntax error, unexpected >, expecting {")]
    [InlineData("BEGIN { while $i ⟦<⟧ 5 { } }", "syntax error, unexpected <, expecting {")]
    [InlineData("BEGIN { for $i : 0..$n ⟦+⟧ 1 { } }", "syntax error, unexpected +, expecting {")]
    // A statement followed by neither ";" nor "}": the newest bpftrace's parser.cpp (0.17: "syntax error, unexpected
    // map, expecting }" at the same token), see MissingSemicolonTests.
    [InlineData("BEGIN { @x = 1 ⟦@y⟧ = 2 }", "syntax: expected ';'")]
    [InlineData("BEGIN { @x++ ⟦=⟧ 1; }", "syntax: expected ';'")]
    [InlineData("BEGIN { 1 ⟦=⟧ 2 }", "syntax: expected ';'")]
    [InlineData("BEGIN { @x = 1 ⟦)⟧ }", "syntax: expected ';'")]
    // The newest bpftrace's int_parser.cpp (0.17 says "stoull").
    [InlineData("BEGIN { @x = ⟦18446744073709551616⟧; }", "syntax: overflow error, maximum value is 18446744073709551615: 18446744073709551616")]
    public void ReportsSyntaxErrorAsBpftraceDoes(string annotated, string message) => AnnotatedText.AssertDiagnostics(annotated, message);

    [Theory]
    // Our own wording where bpftrace 0.17's is unhelpful ("stoull", or a syntax error after a split token).
    [InlineData("BEGIN { @x = ⟦0x⟧; }", "invalid integer literal: 0x")]
    [InlineData("BEGIN { @x = ⟦09⟧; }", "invalid integer literal: 09")]
    [InlineData("BEGIN { @x = ⟦1ys⟧; }", "invalid integer literal: 1ys")]
    // bpftrace allows up to 2^63-1; our positional index is an int.
    [InlineData("BEGIN { @x = ⟦$0⟧; }", "param $0 is out of integer range [1, 2147483647]")]
    [InlineData("BEGIN { ⟦--⟧pid }", "The -- operator must be applied to a map or variable")]
    public void ReportsSyntaxErrorInOurOwnWords(string annotated, string message) => AnnotatedText.AssertDiagnostics(annotated, message);

    [Fact]
    public void PreprocessorDirectiveInABlockTakesTheRestOfTheLine() =>
        AnnotatedText.AssertDiagnostics("BEGIN { @x = 1 ⟦⟦#⟧ }⟧",
            "syntax: expected ';'", "syntax error, unexpected end of file, expecting }");

    /// <summary>
    /// The long parser fuzz (FuzzTests, case 826,821 of the fixed seed) found <c>tr…ace,#!point:syscalls:sys_t /…/ {…}</c>
    /// parsed without error, its second attach point <c>#!point:…</c>; the unparser writes it at the start of a line,
    /// where <c>#!</c> is a shebang comment, so the unparsed text lost it. bpftrace 0.17 refuses such an attach point.
    /// </summary>
    [Fact]
    public void AnAttachPointDoesNotStartWithHashAsInBpftrace()
    {
        foreach (var script in new[] { "BEGIN,#!x { }", "BEGIN { } #!x { }", "k:f,#!point:a /1/ { }" })
            Assert.True(SyntaxTree.Parse(script).Diagnostics.Count > 0, $"{script}: {AstPrinter.Print(SyntaxTree.Parse(script).Root)}");
        AnnotatedText.AssertDiagnostics("⟦⟦BEGIN,#⟧!⟧x { exit() }", "invalid character '#'", "syntax error, unexpected !, expecting {");
    }

    [Fact]
    public void NoAttachPoints() =>
        AnnotatedText.AssertDiagnostics("⟦⟧{ }", "No attach points for probe");

    [Fact]
    public void UnterminatedStringAlsoLeavesTheBlockOpen() =>
        AnnotatedText.AssertDiagnostics("BEGIN { ⟦\"abc }⟧⟦⟧",
            "unterminated string", "syntax: expected ';'");

    [Fact]
    public void UnterminatedCDefinition() =>
        AnnotatedText.AssertDiagnostics("⟦struct⟧ foo { int x; ", "unterminated struct definition");

    [Fact]
    public void ReportsIndependentErrorsInOneRun() =>
        AnnotatedText.AssertDiagnostics("""
            BEGIN { @x = ⟦;⟧ @y = 1; }
            END { @y = (1 ⟦}⟧
            kprobe:f { @z = 2 ⟦@w⟧ = 3; print(@z) }
            interval:s:1 { @a = 1 ⟦)⟧; @b = 2; }
            """,
            "syntax error, unexpected ;",
            "syntax error, unexpected }, expecting ) or \",\"",
            "syntax: expected ';'",
            "syntax: expected ';'");

    [Fact]
    public void RecoversInsideNestedBlocks()
    {
        var tree = SyntaxTree.Parse("BEGIN { if (1) { @x = ; @y = 2; } @z = 3; } END { @w = 4 }");
        Assert.Single(tree.Diagnostics);
        Assert.Equal(2, tree.Root.Probes.Count);
        var block = tree.Root.Probes[0].Body;
        Assert.Equal(2, block.Statements.Count);
    }

    [Fact]
    public void EndOfFileErrorIsReportedOnce()
    {
        var tree = SyntaxTree.Parse("BEGIN { if (1) { while (1) { { ");
        Assert.Single(tree.Diagnostics);
        Assert.Equal("syntax error, unexpected end of file, expecting }", tree.Diagnostics[0].Message);
    }

    [Fact]
    public void DeepNestingIsReportedNotOverflowed()
    {
        var tree = SyntaxTree.Parse("BEGIN { @x = " + new string('(', 100_000) + "1" + new string(')', 100_000) + "; }");
        Assert.Contains(tree.Diagnostics, d => d.Message.Contains("nested too deeply"));
        var blocks = SyntaxTree.Parse("BEGIN " + new string('{', 50_000) + new string('}', 50_000));
        Assert.Contains(blocks.Diagnostics, d => d.Message.Contains("nested too deeply"));
        var unary = SyntaxTree.Parse("BEGIN { @x = " + string.Concat(Enumerable.Repeat("- ", 100_000)) + "1; }");
        Assert.Contains(unary.Diagnostics, d => d.Message.Contains("nested too deeply"));
    }

    [Fact]
    public void LongOperatorChainsAreReportedOnceNotOverflowedLaterAndThousandTermChainsBind()
    {
        // A flat chain parses in a loop but builds a left-deep tree that the binder, -d ast and the code generator
        // walk recursively: 55,000 terms used to overflow the stack even with --dry-run.
        var chain = "BEGIN { @x = " + string.Join(" + ", Enumerable.Repeat("1", 55_000)) + "; }";
        var tree = SyntaxTree.Parse(chain);
        var error = Assert.Single(tree.Diagnostics);
        Assert.Equal("syntax error, program is nested too deeply", error.Message);
        Assert.Equal(chain.IndexOf('+', StringComparison.Ordinal) + 1024 * 4, error.Span.Start);

        // bpftrace compiles chains of 1,000 terms; so do the parser and the binder.
        var thousand = "BEGIN { $y = 1; @x = " + string.Join(" + ", Enumerable.Repeat("$y", 1000)) + "; }";
        Assert.Empty(SyntaxTree.Parse(thousand).Diagnostics);
        var (program, diagnostics) = SharpTrace.Tests.Semantics.SemanticKit.Bind(thousand);
        Assert.Empty(diagnostics);
        Assert.NotNull(program);
        Assert.NotEmpty(SharpTrace.Semantics.BoundTreePrinter.Print(program));
    }

    [Theory]
    // bpftrace 0.17 on files ending in a line break (`printf 'BEGIN {\n' > d.bt; bpftrace -d d.bt`): the end of
    // the file is on a line of its own, which is not shown.
    [InlineData("BEGIN {\n", "stdin:2:1-1: ERROR: syntax error, unexpected end of file, expecting }\n")]
    [InlineData("BEGIN { } /* never\nends\n", "stdin:3:1-1: ERROR: end of file during comment\n")]
    public void EndOfFileAfterALineBreakHasNoSourceLine(string text, string expected) =>
        Assert.Equal(expected, string.Concat(SyntaxTree.Parse(text).Diagnostics.Select(d => d.Format())));

    [Fact]
    public void DiagnosticFormatMatchesBpftrace()
    {
        var tree = SyntaxTree.Parse("BEGIN { @x = 1 @y = 2 }");
        Assert.Equal("""
            stdin:1:16-18: ERROR: syntax: expected ';'
            BEGIN { @x = 1 @y = 2 }
                           ~~

            """.ReplaceLineEndings("\n"), tree.Diagnostics[0].Format());
    }
}
