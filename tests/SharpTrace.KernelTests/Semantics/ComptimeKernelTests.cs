using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// <c>if comptime</c>, <c>comptime</c> and the literal folding of the newest bpftrace, run: only the branch taken is
/// compiled (the other would not type-check), and folded values print as the reference folds them
/// (src/ast/passes/fold_literals.cpp and its tests/fold_literals.cpp). bpftrace 0.17 has no <c>comptime</c>, so
/// nothing here is differential.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ComptimeKernelTests : KernelTest
{
    private const string Script = """
        begin {
          $x = (uint32)5;
          if comptime is_unsigned_integer($x) { printf("unsigned %d\n", $x); } else { printf("%s\n", $x + "not a type-checked line"); }
          if comptime (sizeof($x) == 8) { @wide = 1; } else if comptime (sizeof($x) == 4) { @narrow = comptime (sizeof($x) * 2); }
          if comptime (!is_str($x)) { print(comptime ("ab" + "c")); }
          print(str(42));
          print(1 ? "yes" : 2);
          print((1, "a") == (1, "a"));
          print("foo"[0]);
        }
        """;

    [Fact]
    public async Task OnlyTheBranchesTakenRunAndFoldedValuesPrintAsTheReferenceFoldsThem()
    {
        var text = await SharpTraceRun.RunAsync(["-e", Script]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", Script]);

        Assert.Equal((0, "unsigned 5\nabc\n42\nyes\ntrue\n102\n\n\n@narrow: 8\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "printf", "data": "unsigned 5\n"}
            {"type": "value", "data": "abc"}
            {"type": "value", "data": "42"}
            {"type": "value", "data": "yes"}
            {"type": "value", "data": true}
            {"type": "value", "data": 102}
            {"type": "map", "data": {"@narrow": 8}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AComptimeOnlyTheRunCouldDecideIsTheReferencesError()
    {
        var result = await SharpTraceRun.RunAsync(["-e", "begin { $x = 1; if comptime ($x == 1) { exit(); } }"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("""
            stdin:1:20-38: ERROR: Unable to resolve comptime expression
            begin { $x = 1; if comptime ($x == 1) { exit(); } }
                               ~~~~~~~~~~~~~~~~~~

            """, result.Stderr);
    }
}
