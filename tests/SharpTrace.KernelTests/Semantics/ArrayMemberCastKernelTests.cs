using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// A <c>uint8_t</c> array member of a struct the script declares is an array of integers, not a string, as the newest
/// bpftrace's clang parser types it (a string only for plain <c>char</c>): its runtime/array "cast int array to int
/// proberead" on tests/programs/array_access.c (the same struct, y = aa bb cc dd) casts it to an int32 and prints
/// <c>y: ddccbbaa</c> on little-endian. The same member read through DWARF (<c>args.a</c>) is an array too.
/// Expectations are the newest reference's, written out (bpftrace 0.17 cannot cast an array).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ArrayMemberCastKernelTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    [Fact]
    public async Task AUint8ArrayMemberOfAScriptStructCastsToAnInt32()
    {
        // The reference's script, word for word but for the program's path.
        var script = $$"""struct A { int x[4]; uint8_t y[4]; } uprobe:{{TestPrograms.PathOf("array_access")}}:test_arrays { $y = (int32)((struct A *)arg0).y; printf("y: %x\n", $y); exit()}""";

        var text = await TraceAsync(SharpTraceRun.Start(["--include", "stdint.h", "-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["--include", "stdint.h", "-f", "json", "-e", script]));

        Assert.Equal((0, "y: ddccbbaa\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "printf", "data": "y: ddccbbaa\n"}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AUint8ArrayMemberPrintsAsNumbersFromTheScriptsDeclarationAndFromDwarf()
    {
        var script = $$"""
            struct A { int x[4]; uint8_t y[4]; }
            uprobe:{{TestPrograms.PathOf("array_access")}}:test_arrays { $a = (struct A *)arg0; print($a.y); print(*$a); print(args.a->y); exit(); }
            """;

        var text = await TraceAsync(SharpTraceRun.Start(["--include", "stdint.h", "-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["--include", "stdint.h", "-f", "json", "-e", script]));

        Assert.Equal((0, """
            [170,187,204,221]
            { .x = [1,2,3,4], .y = [170,187,204,221] }
            [170,187,204,221]

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": [170,187,204,221]}
            {"type": "value", "data": {"x": [1,2,3,4], "y": [170,187,204,221]}}
            {"type": "value", "data": [170,187,204,221]}

            """), (json.ExitCode, json.Stdout));
    }

    private static async Task<RunResult> TraceAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("array_access");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
