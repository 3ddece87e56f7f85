using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary><c>sharptrace -d ast</c> prints the syntax tree and stops; syntax errors print as bpftrace prints them.</summary>
[Trait("Category", "Kernel")]
public sealed class DumpAstTests : KernelTest
{
    [Fact]
    public async Task DumpAstPrintsTheTreeAndLoadsNothing()
    {
        var result = await SharpTraceRun.RunAsync(["-d", "ast", "-e", "BEGIN /$1/ { @x[1] = -2; }"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""
            Program
             Probe
              AttachPoint "BEGIN" provider="BEGIN" parts=[]
              Predicate
               PositionalParameter $1
              Block
               Assignment =
                Map @x
                 Integer 1
                Unary -
                 Integer 2

            """.ReplaceLineEndings("\n"), result.Stdout);
        Assert.DoesNotContain("Attached", result.Stderr);
    }

    [Fact]
    public async Task DumpAstReportsEverySyntaxErrorAndFails()
    {
        var result = await SharpTraceRun.RunAsync(["-d", "ast", "-e", "BEGIN { @x = ; }\nEND { @y = (1, 2; }\nk:f { @z = 1 + * ; }"]);

        Assert.Equal(1, result.ExitCode);
        // The first error's three lines are bpftrace 0.17's, byte for byte.
        Assert.StartsWith("""
            stdin:1:14-15: ERROR: syntax error, unexpected ;
            BEGIN { @x = ; }
                         ~

            """.ReplaceLineEndings("\n"), result.Stderr);
        Assert.Contains("stdin:2:16-18: ERROR: syntax error, unexpected ;, expecting ) or \",\"\n", result.Stderr);
        Assert.Contains("stdin:3:18-19: ERROR: syntax error, unexpected ;\n", result.Stderr);
    }
}
