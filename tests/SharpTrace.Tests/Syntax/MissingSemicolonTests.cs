using SharpTrace.Syntax;

namespace SharpTrace.Tests.Syntax;

/// <summary>
/// A statement followed by neither <c>;</c> nor <c>}</c> is the newest bpftrace's "syntax: expected ';'", placed on what
/// follows as its parser.cpp measures it (a name, a variable, a number, else one character; nothing at the end of the
/// text). bpftrace 0.17 said "syntax error, unexpected X, expecting }" (docs/differences.md).
/// </summary>
public class MissingSemicolonTests
{
    [Theory]
    // The expected text is the newest bpftrace's tests/parser.cpp (expression_statements_require_separator,
    // jump_statements_require_separator, tuple_assignment_error, block_expressions, config errors, let without let).
    [InlineData("begin { print(1) print(2); }", "stdin:1:18-23", "                 ~~~~~")]
    [InlineData("begin { _ = 1 print(2); }", "stdin:1:15-20", "              ~~~~~")]
    [InlineData("begin { let $x = 1 print(2); }", "stdin:1:20-25", "                   ~~~~~")]
    [InlineData("begin { $x = 1 print(2); }", "stdin:1:16-21", "               ~~~~~")]
    [InlineData("begin { $x++ print(2); }", "stdin:1:14-19", "             ~~~~~")]
    [InlineData("begin { break print(1); }", "stdin:1:15-20", "              ~~~~~")]
    [InlineData("begin { continue print(1); }", "stdin:1:18-23", "                 ~~~~~")]
    [InlineData("begin { return 1 print(1); }", "stdin:1:18-23", "                 ~~~~~")]
    [InlineData("i:s:1 { (1, 0) = 0 }", "stdin:1:16-17", "               ~")]
    [InlineData("i:s:1 { ((1, 0), 3).0.0 = 3 }", "stdin:1:25-26", "                        ~")]
    [InlineData("i:s:1 { ((1, 0), 3).0 = (0, 1) }", "stdin:1:23-24", "                      ~")]
    [InlineData("i:s:1 { (1, \"two\", (3, 4)).5 = \"six\"; }", "stdin:1:30-31", "                             ~")]
    [InlineData("i:s:1 { 0.1 = 1.0 }", "stdin:1:13-14", "            ~")]
    [InlineData("begin { $x: int8; }", "stdin:1:11-12", "          ~")]
    [InlineData("begin { $x: int8 = 1; }", "stdin:1:11-12", "          ~")]
    [InlineData("begin { $x = { $a = 1; $a } exit(); }", "stdin:1:29-33", "                            ~~~~")]
    [InlineData("begin { $x = { $a = 1; count() } exit(); }", "stdin:1:34-38", "                                 ~~~~")]
    [InlineData("config = { BPFTRACE_STACK_MODE=perf BPFTRACE_MAX_PROBES=2 } i:s:1 { exit(); }", "stdin:1:37-56",
        "                                    ~~~~~~~~~~~~~~~~~~~")]
    [InlineData("config = { BPFTRACE_STACK_MODE=perf } i:s:1 { BPFTRACE_MAX_PROBES=2; exit(); }", "stdin:1:66-67",
        "                                                                 ~")]
    public void IsReportedWhereTheNewestBpftraceReportsIt(string script, string location, string underline) =>
        Assert.Equal($"{location}: ERROR: syntax: expected ';'\n{script}\n{underline}\n",
            string.Concat(SyntaxTree.Parse(script).Diagnostics.Select(d => d.Format())));

    [Theory]
    // The same rule of the newest's parser.cpp (parse_sigiled_stmt_or_trailing_expr, error()) on 0.17's golden cases:
    // the next token's start and, for a name, number or variable, its length; the end of the text is an empty span.
    [InlineData("BEGIN { @x = 1", "stdin:1:15-15: ERROR: syntax: expected ';'\nBEGIN { @x = 1\n              \n")]
    [InlineData("BEGIN { @x = 1 ", "stdin:1:16-16: ERROR: syntax: expected ';'\nBEGIN { @x = 1 \n               \n")]
    [InlineData("BEGIN { @x = \"a\" \"b\"; }", "stdin:1:18-19: ERROR: syntax: expected ';'\nBEGIN { @x = \"a\" \"b\"; }\n                 ~\n")]
    [InlineData("BEGIN { $x = 1 2; }", "stdin:1:16-17: ERROR: syntax: expected ';'\nBEGIN { $x = 1 2; }\n               ~\n")]
    [InlineData("BEGIN { @x = 1 += 2; }", "stdin:1:16-17: ERROR: syntax: expected ';'\nBEGIN { @x = 1 += 2; }\n               ~\n")]
    [InlineData("BEGIN { @x = 1)); }", "stdin:1:15-16: ERROR: syntax: expected ';'\nBEGIN { @x = 1)); }\n              ~\n")]
    [InlineData("BEGIN { @x = 1 @yy = 2 }", "stdin:1:16-19: ERROR: syntax: expected ';'\nBEGIN { @x = 1 @yy = 2 }\n               ~~~\n")]
    [InlineData("BEGIN { @x = 1 0x1f; }", "stdin:1:16-20: ERROR: syntax: expected ';'\nBEGIN { @x = 1 0x1f; }\n               ~~~~\n")]
    public void IsPlacedByTheNewestBpftracesRule(string script, string expected) =>
        Assert.Equal(expected, string.Concat(SyntaxTree.Parse(script).Diagnostics.Select(d => d.Format())));

    [Fact]
    public void AStatementEndingABlockNeedsNone() =>
        Assert.Empty(SyntaxTree.Parse("begin { $x = 1; print($x) } end { if (1) { } print(2) }").Diagnostics);
}
