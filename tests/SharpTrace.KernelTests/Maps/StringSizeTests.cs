using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// Maps, keys and variables of strings are as large as the longest string assigned (the newest bpftrace's
/// get_promoted_type; bpftrace 0.17 sizes them the same way): a shorter value or key is padded with zeros, so it
/// prints as assigned and a short key used twice is one entry; text and JSON output are unchanged by the sizes.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class StringSizeTests : KernelTest
{
    [Fact]
    public async Task StringsOfDifferentLengthsFromARealEventArePaddedToTheMapsSize()
    {
        // Two kill(1, 0) calls from `sh`: the first stores the longer strings, the second shorter ones over them. @k's
        // key is a string[18] ("a fairly long key"), comm's 16 bytes and "a" padded to it; @v a string[9].
        const string Match = "args->pid == 1 && args->sig == 0";
        var script = $$"""
            tracepoint:syscalls:sys_enter_kill /{{Match}}/ {
              @runs++;
              $s = "x";
              if (@runs == 1) { @v = "abcdefgh"; @t = (1, "a longer one"); $s = "abcdef"; @c = comm; }
              else { @v = "ab"; @t = (2, "s"); @c = "z"; }
              printf("%s|%d\n", $s, sizeof($s));
              @k["a"]++; @k[comm] = 5; @k["a fairly long key"] = 3;
              if (@runs == 2) { exit(); }
            }
            """;
        var text = await RunAsync(["-e", script]);
        var json = await RunAsync(["-f", "json", "-e", script]);

        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Equal("""
            abcdef|7
            x|7


            @c: z
            @k[a]: 2
            @k[a fairly long key]: 3
            @k[sh]: 5
            @runs: 2
            @t: (2, s)
            @v: ab

            """, text.Stdout);

        Assert.True(json.ExitCode == 0, json.Stderr);
        JsonLines.AssertEveryLineIsAnObject(json.Stdout);
        Assert.Equal(
        [
            """{"type": "printf", "data": "abcdef|7\n"}""",
            """{"type": "printf", "data": "x|7\n"}""",
            """{"type": "map", "data": {"@c": "z"}}""",
            """{"type": "map", "data": {"@k": {"a": 2, "a fairly long key": 3, "sh": 5}}}""",
            """{"type": "map", "data": {"@runs": 2}}""",
            """{"type": "map", "data": {"@t": [2,"s"]}}""",
            """{"type": "map", "data": {"@v": "ab"}}""",
        ], JsonLines.NonEmpty(json.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    private static async Task<RunResult> RunAsync(string[] arguments)
    {
        using var tool = SharpTraceRun.Start(arguments);
        await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
        for (var i = 0; i < 2; i++)
        {
            using var child = System.Diagnostics.Process.Start("sh", ["-c", "kill -0 1"])!;
            await child.WaitForExitAsync().WaitAsync(TracerProcess.DefaultTimeout);
        }
        return await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
    }

    [Fact]
    public async Task StringMapsKeysAndVariablesPrintAsBpftraceDoes()
    {
        // bpftrace 0.17 sizes strings as the newest does here: sizeof a variable or map is the longest string's size.
        const string script = """
            BEGIN { @m = "abcdef"; @m = "abc"; @k["a"] = 1; @k["abcd"] = 3; @k["a"]++; @t = (1, "abcdef"); @t = (2, "x");
                    $s = "a"; $s = "abcd"; @v = $s; printf("%d %d %d\n", sizeof($s), sizeof(@m), sizeof(@v)); exit(); }
            """;
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);

        const string output = "5 7 5\n\n\n@k[a]: 2\n@k[abcd]: 3\n@m: abc\n@t: (2, x)\n@v: abcd\n";
        Assert.Equal((0, output), (expected.ExitCode, expected.Stdout));
        Assert.Equal((0, output), (actual.ExitCode, actual.Stdout));
    }
}
