using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// <c>let $x;</c> after a block that assigned <c>$x</c> is a new variable holding zero, as in the newest bpftrace,
/// whose variables live in their block: its runtime/variable cases "variable doesn't escape scope" and "late variable
/// declaration" (scripts/variable_scope.bt, scripts/variable_scope_late_decl.bt), found by bench/conformance.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class LetRedeclarationTests : KernelTest
{
    [Fact]
    public async Task ALetInASiblingBlockStartsAtZero()
    {
        // EXPECT 0 (the second block's $x is not the first block's 1, so the if does not set it to 5).
        const string Script = "begin { if 1 { $x = 1; } if 1 { let $x; if $x { $x = 5; } print($x); } exit(); }";
        var result = await SharpTraceRun.RunAsync(["-q", "-e", Script]);

        Assert.Equal((0, "0\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task ALetAfterBlocksThatAssignedTheNameStartsAtZero()
    {
        // EXPECT (a, 1), (b, 2), (c, 0); then @a printed at exit.
        const string Script = """
            begin
            {
              @a[1] = 1;
              if 1 {
                $x = 1;
                print(("a", $x));
              }

              for $kv : @a {
                $x = 2;
                print(("b", $x));
              }

              let $x;
              if 0 {
                $x = 3;
              }
              print(("c", $x));

              exit();
            }
            """;
        var result = await SharpTraceRun.RunAsync(["-q", "-e", Script]);

        Assert.Equal((0, "(a, 1)\n(b, 2)\n(c, 0)\n\n\n@a[1]: 1\n"), (result.ExitCode, result.Stdout));
    }
}
