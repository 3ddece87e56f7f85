using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// A zero-length (flexible) array member read through a struct pointer, in a uprobe on tests/programs/flexible_array.c,
/// whose consume() gets a packet with len 3 and data[] { 7, 8, 9 } past the struct's fixed part. The newest bpftrace
/// reads such elements (runtime/array "variable array element access - assign to map"; type_checker.cpp checks a
/// constant index only against a size that is not zero, and codegen's run-time bound of a zero-sized array never
/// fails); bpftrace 0.17 refuses both indexes ("the index 0 is out of bounds for array of size 0", "only accepts
/// literal integer indices"), so the expectation is the newest reference's, stated here. Whole stdout, text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class FlexibleArrayMemberTests : KernelTest
{
    private static string Script() =>
        "struct packet { int len; int data[0]; }\n" +
        $"uprobe:{TestPrograms.PathOf("flexible_array")}:consume {{\n" +
        "  $p = (struct packet *)arg0;\n" +
        "  @first = $p.data[0];\n" +
        "  $i = (uint32)2;\n" +
        "  @last = $p->data[$i];\n" +
        "  exit();\n}\n";

    private static async Task<RunResult> TraceConsumeAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
            await TestPrograms.RunAsync("flexible_array");
            return await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
        }
    }

    [Fact]
    public async Task ElementsOfAZeroLengthArrayMemberAreReadPastTheStruct()
    {
        var text = await TraceConsumeAsync(SharpTraceRun.Start(["-e", Script()]));
        var json = await TraceConsumeAsync(SharpTraceRun.Start(["-f", "json", "-e", Script()]));

        Assert.Equal((0, "\n\n@first: 7\n@last: 9\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "map", "data": {"@first": 7}}
            {"type": "map", "data": {"@last": 9}}

            """), (json.ExitCode, json.Stdout));
    }
}
