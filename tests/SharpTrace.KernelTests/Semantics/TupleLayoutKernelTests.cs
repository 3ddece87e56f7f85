using System.Globalization;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// Tuples holding bools, inet, timestamps and usym laid out as the newest bpftrace lays them out (a bool is one byte,
/// the byte arrays start anywhere), set from a real event, printed, stored as a map value and used as a map key; a
/// bare <c>let</c> in a for body starting each iteration at zero; positional parameters as the literals
/// <c>ustack()</c> and <c>kaddr()</c> take. Uprobes on tests/programs/struct_values.c, which calls
/// inspect(&amp;first, 2), inspect(&amp;second, 1), inspect(&amp;first, 3). bpftrace 0.17 has neither bools nor
/// let, so the expectations are what the newest reference defines, compared whole in text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class TupleLayoutKernelTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private static string Script(string body, string end = "") => $$"""
        uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect { {{body}} }
        uretprobe:{{TestPrograms.PathOf("struct_values")}}:main { {{end}} exit(); }
        """;

    [Fact]
    public async Task TuplesOfBoolsAndByteArraysPrintStoreAndKeyAsTheNewest()
    {
        // The tuple is 44 bytes in the newest bpftrace (1+1+24+1+16+1, all aligned at 1): inet at 2 and the
        // timestamp at 27, each written off a word boundary.
        var script = Script("""
            $t = ((int8)arg1, arg1 == 2, ntop(0x0100007f), (int8)-1, strftime("x", arg1), arg1 > 2);
            print($t);
            @v[arg1] = $t; print(@v[arg1]);
            @k[(int8)arg1, arg1 == 2, strftime("y", arg1)] = arg1; print(@k[(int8)arg1, arg1 == 2, strftime("y", arg1)]);
            @s = sizeof($t);
            """, "clear(@v);");

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            (2, true, 127.0.0.1, -1, x, false)
            (2, true, 127.0.0.1, -1, x, false)
            2
            (1, false, 127.0.0.1, -1, x, false)
            (1, false, 127.0.0.1, -1, x, false)
            1
            (3, false, 127.0.0.1, -1, x, true)
            (3, false, 127.0.0.1, -1, x, true)
            3


            @k[1, false, y]: 1
            @k[2, true, y]: 2
            @k[3, false, y]: 3
            @s: 44

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [2,true,"127.0.0.1",-1,"x",false]}
            {"type": "value", "data": [2,true,"127.0.0.1",-1,"x",false]}
            {"type": "value", "data": 2}
            {"type": "value", "data": [1,false,"127.0.0.1",-1,"x",false]}
            {"type": "value", "data": [1,false,"127.0.0.1",-1,"x",false]}
            {"type": "value", "data": 1}
            {"type": "value", "data": [3,false,"127.0.0.1",-1,"x",true]}
            {"type": "value", "data": [3,false,"127.0.0.1",-1,"x",true]}
            {"type": "value", "data": 3}
            {"type": "map", "data": {"@k": {"1,false,y": 1, "2,true,y": 2, "3,false,y": 3}}}
            {"type": "map", "data": {"@s": 44}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AUsymInATupleAndAPositionalStackLimit()
    {
        // A uprobe on inner of tests/programs/stack_chain, held alive so that its addresses are named: usym starts
        // at 1 in the tuple and the key (the newest's usym_t is a byte array); runtime/other "positional ustack":
        // ustack($1) with $1 = 1 is ustack(1), the probed function's frame alone.
        var script = $$"""
            config = { show_debug_info = false }
            uprobe:{{TestPrograms.PathOf("stack_chain")}}:inner
            {
              $t = ((int8)1, usym(reg("ip")), true); print($t); @k[(int8)2, usym(reg("ip"))] = 1;
              printf("%s#%s@\n", ustack($1), ustack(1));
              exit();
            }
            """;

        var text = await HeldAsync(SharpTraceRun.Start(["-e", script, "1"]));
        var json = await HeldAsync(SharpTraceRun.Start(["-f", "json", "-e", script, "1"]));

        Assert.Equal((0, "(1, inner, true)\n\n        inner+0\n#\n        inner+0\n@\n\n\n@k[2, inner]: 1\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": [1,"inner",true]}
            {"type": "printf", "data": "\n        inner+0\n#\n        inner+0\n@\n"}
            {"type": "map", "data": {"@k": {"2,inner": 1}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task ABareLetInAForBodyStartsEachIterationAtZero()
    {
        // The newest bpftrace's for body is a callback that zeroes its variables on entry: $x is 0 in every
        // iteration. A while body is no callback, so $w keeps the previous iteration's value.
        var script = Script("""
            for ($i : 0..3) { let $x; printf("%d ", $x); $x = $i + arg1; }
            $j = 0; while ($j < 3) { let $w; printf("%d ", $w); $w = $j + 10; $j++; }
            printf("\n");
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal((0, "0 0 0 0 10 11 \n0 0 0 0 10 11 \n0 0 0 0 10 11 \n"), (text.ExitCode, text.Stdout));
    }

    [Fact]
    public async Task StrOfAPositionalParameterIsKaddrsSymbol()
    {
        // runtime/other "positional as string literal": kaddr(str($1)) with $1 = vfs_read, checked against kallsyms.
        var expected = File.ReadLines("/proc/kallsyms").Select(l => l.Split(' ')).First(f => f.Length >= 3 && f[2] == "vfs_read")[0];

        var result = await SharpTraceRun.RunAsync(["-e", "begin { @ = kaddr(str($1)); exit() }", "vfs_read"]);

        Assert.Equal((0, $"@: {ulong.Parse(expected, NumberStyles.HexNumber, CultureInfo.InvariantCulture)}\n"), (result.ExitCode, result.Stdout.TrimStart('\n')));
    }

    private static async Task<RunResult> HeldAsync(TracerProcess tool)
    {
        using (tool)
            return await TestPrograms.HoldWhileTracedAsync(tool, "stack_chain");
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
