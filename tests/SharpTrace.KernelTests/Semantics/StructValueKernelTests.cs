using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// Structs, unions and arrays as values, read through uprobes on tests/programs/struct_values.c, which calls
/// inspect(&amp;first, 2), inspect(&amp;second, 1), inspect(&amp;first, 3): copies in variables, maps and tuples, their
/// members read back, map keys, run-time indexes, casts between integers and arrays, array comparison. The whole
/// stdout is compared, in text and JSON: with bpftrace 0.17 where it runs the script and prints as the newest
/// bpftrace does, otherwise with what the newest reference defines, written out (docs/differences.md).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class StructValueKernelTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    // The program's types, as the script declares them.
    private const string Types = """
        struct point { int x; int y; };
        union word { unsigned int u; unsigned short halves[2]; };
        struct record { int id; unsigned int counts[4]; short samples[4]; struct point origin; struct point corners[2]; union word tag; char name[8]; };

        """;

    private const string First =
        "{ .id = 1, .counts = [1,2,3,4000000000], .samples = [-1,2,-3,4], .origin = { .x = 3, .y = -4 }, .corners = [{ .x = 1, .y = 2 },{ .x = 5, .y = 6 }], .tag = { .u = 67305985, .halves = [513,1027] }, .name = first }";

    private const string Second =
        "{ .id = 2, .counts = [10,20,30,40], .samples = [7,-8,9,-10], .origin = { .x = -5, .y = 6 }, .corners = [{ .x = 11, .y = 12 },{ .x = 13, .y = 14 }], .tag = { .u = 4294967295, .halves = [65535,65535] }, .name = second }";

    private const string FirstJson =
        """{"id": 1, "counts": [1,2,3,4000000000], "samples": [-1,2,-3,4], "origin": {"x": 3, "y": -4}, "corners": [{"x": 1, "y": 2},{"x": 5, "y": 6}], "tag": {"u": 67305985, "halves": [513,1027]}, "name": "first"}""";

    private const string SecondJson =
        """{"id": 2, "counts": [10,20,30,40], "samples": [7,-8,9,-10], "origin": {"x": -5, "y": 6}, "corners": [{"x": 11, "y": 12},{"x": 13, "y": 14}], "tag": {"u": 4294967295, "halves": [65535,65535]}, "name": "second"}""";

    private static string Script(string body, string declarations = "") => Types + declarations + $$"""
        uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect { $r = (struct record *)arg0; {{body}} }
        uretprobe:{{TestPrograms.PathOf("struct_values")}}:main { exit(); }
        """;

    [Fact]
    public async Task CopiesInVariablesAndMapsAndTheirMembersMatchBpftrace()
    {
        var script = Script("""
            $s = *$r; $a = $r->samples; @s[$r->id] = *$r;
            printf("%d %d %d %d\n", $s.id, $s.origin.y, $a[1], $s.corners[1].x);
            printf("%d %d %d\n", @s[$r->id].samples[3], $s.tag.halves[1], $r->samples == $s.samples);
            @v = $s; @a = $a;
            """);

        var expected = await TraceAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceAsync(SharpTraceRun.Start(["-e", script]));

        Assert.Equal($"""
            1 -4 2 5
            4 1027 1
            2 6 -8 13
            -10 65535 1
            1 -4 2 5
            4 1027 1


            @a: [-1,2,-3,4]
            @s[1]: {First}
            @s[2]: {Second}
            @v: {First}

            """, expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task StructsAndArraysInTuplesAreLaidOutAsCStructsAsBpftraceLaysThemOut()
    {
        // The newest bpftrace's runtime/tuples "struct in tuple sizing" (an int32 and a struct of two ints: 12) and
        // "array in tuple sizing" (an int32 and an int[4]: 20) on this program's types; the third tuple mixes
        // alignments 1, 2 and 4 (1, a pad byte, 8, 1, a pad byte, 8, then the name). The newest's clang parser types the
        // script's char name[8] as a string[9] (its byte after the field), so the tuple holds 9 bytes of it: 29, 32 with
        // the struct's alignment; bpftrace 0.17 types it string[8]: 28 (docs/differences.md). The text is the same.
        var script = Script("""
            $t = ((int32)1, $r->origin); $u = ((int32)1, $r->counts); $v = ((int8)1, $r->samples, (int8)2, $r->origin, $r->name);
            printf("%d %d %d\n", sizeof($t), sizeof($u), sizeof($v));
            @t[$r->id] = $v;
            """);

        var expected = await TraceAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal("""
            12 20 28
            12 20 28
            12 20 28


            @t[1]: (1, [-1,2,-3,4], 2, { .x = 3, .y = -4 }, first)
            @t[2]: (1, [7,-8,9,-10], 2, { .x = -5, .y = 6 }, second)

            """, expected.Stdout);
        Assert.Equal((0, expected.Stdout.Replace("12 20 28", "12 20 32", StringComparison.Ordinal)), (actual.ExitCode, actual.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "12 20 32\n"}
            {"type": "printf", "data": "12 20 32\n"}
            {"type": "printf", "data": "12 20 32\n"}
            {"type": "map", "data": {"@t": {"1": [1,[-1,2,-3,4],2,{"x": 3, "y": -4},"first"], "2": [1,[7,-8,9,-10],2,{"x": -5, "y": 6},"second"]}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task CopiesAndTheirMembersPrintInJsonAsTheNewestBpftrace()
    {
        // bpftrace 0.17 puts spaces inside a struct's braces in JSON; the newest does not (docs/differences.md).
        var script = Script("""
            $s = *$r; $t = (1, *$r); @s[$r->id] = *$r;
            printf("%d %d\n", $t.1.tag.halves[1], @s[$r->id].corners[0].y);
            @v = $s; @a = $r->samples;
            """);

        var actual = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "1027 2\n"}
            {"type": "printf", "data": "65535 12\n"}
            {"type": "printf", "data": "1027 2\n"}
            {"type": "map", "data": {"@a": [-1,2,-3,4]}}

            """
            + $"{{\"type\": \"map\", \"data\": {{\"@s\": {{\"1\": {FirstJson}, \"2\": {SecondJson}}}}}}}\n"
            + $"{{\"type\": \"map\", \"data\": {{\"@v\": {FirstJson}}}}}\n"), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task StructsAndArraysAsMapKeysPrintAsTheNewestBpftrace()
    {
        // The newest bpftrace prints a struct in a key as it prints a value (bpftrace 0.17: without spaces, and its
        // unsigned members signed); JSON keys are that text without spaces (docs/differences.md).
        var script = Script("@[*$r] = count(); @c[$r->counts] = count(); @p[$r->origin, $r->id] = count();");

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, $$"""


            @[{{Second}}]: 1
            @[{{First}}]: 2
            @c[[10,20,30,40]]: 1
            @c[[1,2,3,4000000000]]: 2
            @p[{ .x = -5, .y = 6 }, 2]: 1
            @p[{ .x = 3, .y = -4 }, 1]: 2

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}

            """
            + $"{{\"type\": \"map\", \"data\": {{\"@\": {{\"{NoSpaces(Second)}\": 1, \"{NoSpaces(First)}\": 2}}}}}}\n"
            + """
            {"type": "map", "data": {"@c": {"[10,20,30,40]": 1, "[1,2,3,4000000000]": 2}}}
            {"type": "map", "data": {"@p": {"{.x=-5,.y=6},2": 1, "{.x=3,.y=-4},1": 2}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task ArraysIndexedAtRunTimeReadTheElementAndWarnPastTheEnd()
    {
        // arg1 is 2, 1, 3: corners[$j], $j = $i - 1, is past the end on the third call. bpftrace 0.17 takes literal
        // indexes only; the newest warns (its runtime_error) and reads on; we warn the same way and read zero. `$i - 1`
        // is an int64 (the newest's `-` is always signed), which the newest refuses as an index: hence the cast.
        var script = Script("""
            $s = *$r; $i = arg1;
            $j = (uint64)($i - 1);
            printf("%d %d %d %d\n", $r->samples[$i], $s.samples[$i], $r->corners[$j].y, $s.corners[$j].x);
            @k[$s.counts[$i]] = count();
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            -3 -3 6 5
            -8 -8 12 11
            4 4 0 0


            @k[3]: 1
            @k[20]: 1
            @k[4000000000]: 1

            """), (text.ExitCode, text.Stdout));
        // The printf is the script's line 6 (after three lines of types, the probe's first line and $j's); the columns
        // are the indexings'. `$i - 1` is int64 in the newest bpftrace (its `-` is always signed): it warns at compile
        // time that $i, a uint64 (arg1), is cast (its cast_creator's words), then at run time of the third call past the end.
        const string Cast = "WARNING: Expression of type: uint64 being cast to type: int64. This may cause unexpected results. Use an explicit cast to suppress this warning.";
        const string Warning = "WARNING: Array access out of bounds. This can lead to unexpected results.";
        Assert.Equal([$"stdin:5:15-17: {Cast}", $"stdin:6:58-73: {Warning}", $"stdin:6:77-91: {Warning}"],
            text.Stderr.Split('\n').Where(line => line.Contains("WARNING", StringComparison.Ordinal)));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "-3 -3 6 5\n"}
            {"type": "printf", "data": "-8 -8 12 11\n"}
            {"type": "runtime_error", "msg": "Array access out of bounds. This can lead to unexpected results.", "filename": "stdin", "line": 6, "col": 58}
            {"type": "runtime_error", "msg": "Array access out of bounds. This can lead to unexpected results.", "filename": "stdin", "line": 6, "col": 77}
            {"type": "printf", "data": "4 4 0 0\n"}
            {"type": "map", "data": {"@k": {"3": 1, "20": 1, "4000000000": 1}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task IntegersAndArraysCastToEachOtherAsTheNewestBpftrace()
    {
        // The newest reference's "Array Casts": an integer's bytes in memory order, and back (bpftrace 0.17 cannot parse them).
        var script = Script("""
            $b = (uint8[4])$r->tag.u;
            printf("%d %u %d\n", $b[0], (uint32)$r->tag.halves, ((int8[8])(uint64)12345)[0]);
            @b[$r->id] = $b; @h[(uint16[])(uint32)$r->id] = count();
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            1 67305985 57
            255 4294967295 57
            1 67305985 57


            @b[1]: [1,2,3,4]
            @b[2]: [255,255,255,255]
            @h[[2,0]]: 1
            @h[[1,0]]: 2

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "1 67305985 57\n"}
            {"type": "printf", "data": "255 4294967295 57\n"}
            {"type": "printf", "data": "1 67305985 57\n"}
            {"type": "map", "data": {"@b": {"1": [1,2,3,4], "2": [255,255,255,255]}}}
            {"type": "map", "data": {"@h": {"[2,0]": 1, "[1,0]": 2}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task StringsCastToByteArraysAndIntegersToBoolArraysAsTheNewestBpftrace()
    {
        // language.md "Data Types": `(int8[])"mystring"` (runtime/array "cast string to int array" prints
        // [104,101,108,108,111,0]); "Array Casts" and runtime/bool "bool array": `(bool[2])(uint16)1` is [true,false].
        // bpftrace 0.17 cannot parse either. A script's char[N] is a string[N+1] in the newest (clang_parser: the byte
        // after the field), so it casts to N+1 bytes: the record's name seen as a char[7] is the 8 bytes of its char[8].
        var script = Script(declarations: "struct tail { char name[7]; };\n", body: """
            print((int8[])"hello");
            $n = (struct tail *)(arg0 + offsetof(struct record, name));
            @n[$r->id] = (uint8[])$n->name; @f[$r->id] = (bool[2])(uint16)($r->id * 255);
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            [104,101,108,108,111,0]
            [104,101,108,108,111,0]
            [104,101,108,108,111,0]


            @f[1]: [true,false]
            @f[2]: [true,true]
            @n[1]: [102,105,114,115,116,0,0,0]
            @n[2]: [115,101,99,111,110,100,0,0]

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [104,101,108,108,111,0]}
            {"type": "value", "data": [104,101,108,108,111,0]}
            {"type": "value", "data": [104,101,108,108,111,0]}
            {"type": "map", "data": {"@f": {"1": [true,false], "2": [true,true]}}}
            {"type": "map", "data": {"@n": {"1": [102,105,114,115,116,0,0,0], "2": [115,101,99,111,110,100,0,0]}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task StringsAndTuplesIndexedAndStructTernariesAndRecordsOfStructsAsTheNewestBpftrace()
    {
        // The newest reference: a string's byte at any index (an int8; runtime/strcontains "indexing"), a tuple at a
        // constant index ("Tuples": `(1, "hello")[1 - 1]`), a ternary of two structs, a record holding a struct. bpftrace
        // 0.17 indexes neither strings nor tuples; the expected text is the program's data: the names "first",
        // "second", arg1 2, 1, 3, corners {1,2},{5,6} and {11,12},{13,14}, origin {3,-4}. `$i - 1` is an int64 (the
        // newest's `-` is always signed), which it refuses as an index: hence the cast.
        var script = Script("""
            $i = arg1; $s = *$r; $t = (1, $r->name); $c = (id = $r->id, at = $r->corners[1]);
            printf("%c%c %c%c %d %d\n", $r->name[0], $r->name[$i], $s.name[$i + 1], "abc"[2], $t[0], $t.1[$i]);
            print($c.at); print((at = $c.at, y = $c.at.y).y);
            @c[$i] = $c; @o[$r->id, $i] = $i > 2 ? $r->origin : $r->corners[(uint64)($i - 1)];
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            fr sc 1 114
            { .x = 5, .y = 6 }
            6
            se cc 1 101
            { .x = 13, .y = 14 }
            14
            fs tc 1 115
            { .x = 5, .y = 6 }
            6


            @c[1]: { .id = 2, .at = { .x = 13, .y = 14 } }
            @c[2]: { .id = 1, .at = { .x = 5, .y = 6 } }
            @c[3]: { .id = 1, .at = { .x = 5, .y = 6 } }
            @o[1, 2]: { .x = 5, .y = 6 }
            @o[1, 3]: { .x = 3, .y = -4 }
            @o[2, 1]: { .x = 11, .y = 12 }

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "fr sc 1 114\n"}
            {"type": "value", "data": {"x": 5, "y": 6}}
            {"type": "value", "data": 6}
            {"type": "printf", "data": "se cc 1 101\n"}
            {"type": "value", "data": {"x": 13, "y": 14}}
            {"type": "value", "data": 14}
            {"type": "printf", "data": "fs tc 1 115\n"}
            {"type": "value", "data": {"x": 5, "y": 6}}
            {"type": "value", "data": 6}
            {"type": "map", "data": {"@c": {"1": {"id": 2, "at": {"x": 13, "y": 14}}, "2": {"id": 1, "at": {"x": 5, "y": 6}}, "3": {"id": 1, "at": {"x": 5, "y": 6}}}}}
            {"type": "map", "data": {"@o": {"1,2": {"x": 5, "y": 6}, "1,3": {"x": 3, "y": -4}, "2,1": {"x": 11, "y": 12}}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task PtonsArrayCastsToAnIntegerIsIndexedAndComparedAsTheNewestBpftrace()
    {
        // The reference's "Array Casts" compares an address with `(uint32)pton("127.0.0.1")`: pton's bytes in memory
        // order. first's tag.u is 0x04030201, the bytes 1, 2, 3, 4; second's is 0xffffffff. bpftrace 0.17 cannot cast.
        // The index $r->id, an int32, is cast: the newest refuses a signed index.
        var script = Script("""@p[$r->id] = ((uint32)pton("1.2.3.4") == $r->tag.u, pton("1.2.3.4")[(uint32)$r->id], (uint8[4])$r->tag.u == pton("1.2.3.4"));""");

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """


            @p[1]: (true, 2, true)
            @p[2]: (false, 3, false)

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "map", "data": {"@p": {"1": [true,2,true], "2": [false,3,false]}}}

            """), (json.ExitCode, json.Stdout));
    }

    private static string NoSpaces(string text) => text.Replace(" ", "", StringComparison.Ordinal);

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
