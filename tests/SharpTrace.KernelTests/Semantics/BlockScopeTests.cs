using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// Scratch variables live in their lexical block, as in the newest bpftrace (docs/language.md, "Variables and Maps"):
/// sibling blocks (if and else branches, another if) each hold their own <c>$v</c>, here an integer, a string and a tuple, set from a real event
/// (uprobes on tests/programs/struct_values.c, which calls inspect(&amp;first, 2), inspect(&amp;second, 1),
/// inspect(&amp;first, 3)). bpftrace 0.17 keeps one <c>$v</c> per probe and rejects the script (a type mismatch, listed
/// in docs/differences.md), so its expectation is 0.17's run of the same script with the siblings' variables renamed
/// apart, which is what the newest defines for it.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class BlockScopeTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private static string Script(string first, string second, string third) => $$"""
        uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect
        {
          if (arg1 == 2) { {{first}} = arg1 * 21; print({{first}}); }
          else { {{second}} = "other"; print({{second}}); }
          if (arg1 > 0) { {{third}} = (arg1, "x"); print({{third}}); }
        }
        uretprobe:{{TestPrograms.PathOf("struct_values")}}:main { exit(); }
        """;

    [Fact]
    public async Task SiblingBlocksHoldOneNameWithDifferentTypes()
    {
        var ours = Script("$v", "$v", "$v");
        var renamed = Script("$a", "$b", "$c");

        var expected = await TraceAsync(BpftraceRun.Start(["-e", renamed]));
        var actual = await TraceAsync(SharpTraceRun.Start(["-e", ours]));
        var expectedJson = await TraceAsync(BpftraceRun.Start(["-f", "json", "-e", renamed]));
        var actualJson = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", ours]));

        // inspect's index argument is 2, then 1, then 3. bpftrace 0.17 writes its exit section's two newlines even
        // with no map to print; we write none (DESIGN.md, "Output formats").
        const string Text = """
            42
            (2, x)
            other
            (1, x)
            other
            (3, x)

            """;
        Assert.Equal(Text + "\n\n", expected.Stdout);
        Assert.Equal((0, Text), (actual.ExitCode, actual.Stdout));
        Assert.Equal(JsonLines.NonEmpty(expectedJson.Stdout), JsonLines.NonEmpty(actualJson.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": 42}
            {"type": "value", "data": [2,"x"]}
            {"type": "value", "data": "other"}
            {"type": "value", "data": [1,"x"]}
            {"type": "value", "data": "other"}
            {"type": "value", "data": [3,"x"]}

            """), (actualJson.ExitCode, actualJson.Stdout));
    }

    [Fact]
    public async Task AVariableUsedAfterItsBlockIsAnError()
    {
        // The newest bpftrace's pre-type-check: "Undefined or undeclared variable" (0.17 accepts it).
        var result = await SharpTraceRun.RunAsync(["-e", "begin { if (1) { $b = \"hello\"; } print($b); }"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("stdin:1:40-42: ERROR: Undefined or undeclared variable: $b", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    private static async Task<RunResult> TraceAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("struct_values");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
