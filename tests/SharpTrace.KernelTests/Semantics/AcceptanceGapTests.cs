using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Stacks;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// The capabilities of issue #12 that its acceptance audit (notes/accept-12.md) found shown only by BEGIN probes, by a
/// part of the output, or in one format: here each is caused by a real event (uprobes on tests/programs/struct_values.c,
/// which calls inspect(&amp;first, 2), inspect(&amp;second, 1), inspect(&amp;first, 3), on probe_args and stack_chain) and the
/// whole stdout is compared in text and JSON, with bpftrace 0.17 where it runs the script as the newest bpftrace does,
/// otherwise with what the newest reference defines, named at each expectation.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class AcceptanceGapTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private const string Types = """
        struct point { int x; int y; };
        union word { unsigned int u; unsigned short halves[2]; };
        struct record { int id; unsigned int counts[4]; short samples[4]; struct point origin; struct point corners[2]; union word tag; char name[8]; };

        """;

    // first's and second's tag, as a union prints (the newest reference: as a struct, `{ .a = 1, .b = hello }`).
    private const string FirstTag = "{ .u = 67305985, .halves = [513,1027] }";
    private const string SecondTag = "{ .u = 4294967295, .halves = [65535,65535] }";

    private static string Script(string body, string atEnd = "exit();") => Types + $$"""
        uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect { $r = (struct record *)arg0; {{body}} }
        uretprobe:{{TestPrograms.PathOf("struct_values")}}:main { {{atEnd}} }
        """;

    [Fact]
    public async Task MapValuesAndTopAndDivComputedFromARealEventPrintAsBpftracePrintsTheirLiterals()
    {
        // The values are (id, arg1) 1,2 → 21; 2,1 → 12; 1,3 → 31, so $t is 2. bpftrace 0.17 takes only literals for top
        // and div and cannot print @m[k]: its run of the same values with the literals (2, 10, then 12 and no top)
        // is the expectation, as the newest prints print(@m, top, div) and a value.
        const string Store = "@m[$r->id, arg1] = (int64)arg1 * 10 + $r->id;";
        var ours = Script(Store, "$t = @m[2, 1] / 6; print(@m, $t, $t * 5); print(@m[2, 1]); print(@m, $t - 3); exit();");
        var literal = Script(Store, "print(@m, 2, 10); print(12); print(@m); exit();");

        var expected = await TraceAsync(BpftraceRun.Start(["-e", literal]));
        var actual = await TraceAsync(SharpTraceRun.Start(["-e", ours]));
        var expectedJson = await TraceAsync(BpftraceRun.Start(["-f", "json", "-e", literal]));
        var actualJson = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", ours]));

        Assert.Equal("""
            @m[1, 2]: 2
            @m[1, 3]: 3
            12
            @m[2, 1]: 12
            @m[1, 2]: 21
            @m[1, 3]: 31


            @m[2, 1]: 12
            @m[1, 2]: 21
            @m[1, 3]: 31

            """, expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
        Assert.Equal(JsonLines.NonEmpty(expectedJson.Stdout), JsonLines.NonEmpty(actualJson.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "map", "data": {"@m": {"1,2": 2, "1,3": 3}}}
            {"type": "value", "data": 12}
            {"type": "map", "data": {"@m": {"2,1": 12, "1,2": 21, "1,3": 31}}}
            {"type": "map", "data": {"@m": {"2,1": 12, "1,2": 21, "1,3": 31}}}

            """), (actualJson.ExitCode, actualJson.Stdout));
    }

    [Fact]
    public async Task UnionsPrintAndAreStoredInVariablesMapKeysAndRecordsAsTheNewestReferenceSays()
    {
        // The newest reference prints a union as it prints a struct (types_format.cpp: every member, in order), a map
        // key as its value's text, JSON keys that text without spaces; a map of records sorts by key.
        var script = Script("""
            print($r->tag); $u = $r->tag; @u[$r->tag] = $r->id; @t[$r->id] = (w = $u, h = $u.halves[1]);
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, $$"""
            {{FirstTag}}
            {{SecondTag}}
            {{FirstTag}}


            @t[1]: { .w = {{FirstTag}}, .h = 1027 }
            @t[2]: { .w = {{SecondTag}}, .h = 65535 }
            @u[{{FirstTag}}]: 1
            @u[{{SecondTag}}]: 2

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": {"u": 67305985, "halves": [513,1027]}}
            {"type": "value", "data": {"u": 4294967295, "halves": [65535,65535]}}
            {"type": "value", "data": {"u": 67305985, "halves": [513,1027]}}
            {"type": "map", "data": {"@t": {"1": {"w": {"u": 67305985, "halves": [513,1027]}, "h": 1027}, "2": {"w": {"u": 4294967295, "halves": [65535,65535]}, "h": 65535}}}}
            {"type": "map", "data": {"@u": {"{.u=67305985,.halves=[513,1027]}": 1, "{.u=4294967295,.halves=[65535,65535]}": 2}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task NestedTuplesAndRecordsWithArraysAndStructsAsMapKeysAndValuesFromARealEvent()
    {
        // text.cpp of the newest bpftrace: a map's several keys print without parentheses, a nested tuple with them,
        // records as structs; json.cpp: a key is that text without spaces, a value's tuples arrays and records objects.
        // Maps of counts sort by count, maps of tuples by key.
        var script = Script("""
            @k[$r->id, ($r->name, (a = $r->origin.x, b = $r->samples))] = count();
            @v[$r->id] = (($r->id, $r->name), (p = $r->origin, c = $r->corners[1]));
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """


            @k[2, (second, { .a = -5, .b = [7,-8,9,-10] })]: 1
            @k[1, (first, { .a = 3, .b = [-1,2,-3,4] })]: 2
            @v[1]: ((1, first), { .p = { .x = 3, .y = -4 }, .c = { .x = 5, .y = 6 } })
            @v[2]: ((2, second), { .p = { .x = -5, .y = 6 }, .c = { .x = 13, .y = 14 } })

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "map", "data": {"@k": {"2,(second,{.a=-5,.b=[7,-8,9,-10]})": 1, "1,(first,{.a=3,.b=[-1,2,-3,4]})": 2}}}
            {"type": "map", "data": {"@v": {"1": [[1,"first"],{"p": {"x": 3, "y": -4}, "c": {"x": 5, "y": 6}}], "2": [[2,"second"],{"p": {"x": -5, "y": 6}, "c": {"x": 13, "y": 14}}]}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task OrNotHasKeyAndStrcontainsAreBoolsOnARealEvent()
    {
        // The newest reference: `||` and `!` give bool (runtime/bool, type_resolver.cpp), stdlib.md "has_key":
        // `boolean has_key(map m, mapkey k)`, "strcontains": `bool strcontains(string haystack, string needle)`.
        // has_key runs before this call's @seen entry is made.
        var script = Script("""
            print(($r->id == 1 || arg1 > 2, !$r->id, has_key(@seen, $r->id), strcontains($r->name, "ir")));
            @seen[$r->id] = arg1 > 0;
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            (true, false, false, true)
            (false, false, false, false)
            (true, false, true, true)


            @seen[1]: true
            @seen[2]: true

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [true,false,false,true]}
            {"type": "value", "data": [false,false,false,false]}
            {"type": "value", "data": [true,false,true,true]}
            {"type": "map", "data": {"@seen": {"1": true, "2": true}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task ExitWithACodeFromARealEventIsTheTracersStatusInTextAndJson()
    {
        // stdlib.md "exit": `void exit([int code])`, the code the process exits with; END still runs.
        var script = Types + $$"""
            uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect /arg1 == 1/ { $r = (struct record *)arg0; print($r->name); exit($r->id + 40); }
            END { printf("end\n"); }
            """;

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((42, "second\nend\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((42, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": "second"}
            {"type": "printf", "data": "end\n"}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AKernelPointerInAMapKeepsItsAddressSpaceWhenReadInAUprobe()
    {
        // The newest reference: a pointer keeps its type and address space in a map (issue #12's `@a[0][0]`), so
        // curtask read back from @task in a uprobe, whose own casts point into user memory, still reads the kernel's
        // task: its pid and tgid are the program's, its comm the program's name.
        var script = Script("""
            @task[$r->id] = curtask; $t = @task[$r->id];
            print(($t->tgid == pid, @task[$r->id]->pid == tid, $t.comm));
            """, "delete(@task); exit();");

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, string.Concat(Enumerable.Repeat("(true, true, struct_values)\n", 3))), (text.ExitCode, text.Stdout));
        Assert.Equal((0, "{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n"
            + string.Concat(Enumerable.Repeat("{\"type\": \"value\", \"data\": [true,true,\"struct_values\"]}\n", 3))), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task NarrowingCastsAndArithmeticFromARealEventPrintWholeInTextAndJson()
    {
        // probe_args calls negate(5). The newest bpftrace (type_resolver.cpp, as IntegerTypingDifferentialTests
        // states against 0.17): `-` is int64, `~` of a literal a uint64, the comparison of a uint64 with -1 in int64;
        // a cast to a narrower integer keeps its low bits (150 as int8 is -106, -5 as uint8 251), as both bpftraces.
        var script = $$"""
            uprobe:{{TestPrograms.PathOf("probe_args")}}:negate {
              $x = (int32)arg0; $n = -$x; $u = (uint64)$x;
              @sub = $u - 7; @not = ~5; @cmp = $u < -1; @i8 = (int8)(arg0 * 30); @u8 = (uint8)$n; @neg = $n * 3;
              exit();
            }
            """;

        var text = await TraceProbeArgsAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceProbeArgsAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, "\n\n@cmp: false\n@i8: -106\n@neg: -15\n@not: 18446744073709551610\n@sub: -2\n@u8: 251\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "map", "data": {"@cmp": false}}
            {"type": "map", "data": {"@i8": -106}}
            {"type": "map", "data": {"@neg": -15}}
            {"type": "map", "data": {"@not": 18446744073709551610}}
            {"type": "map", "data": {"@sub": -2}}
            {"type": "map", "data": {"@u8": 251}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task PrintOfAUserStackInAUprobeMatchesBpftrace()
    {
        // Four frames, all in stack_chain (inner, middle, outer, main): the frames below main are libc's, which the
        // two name differently on this machine (StackTests.UstackFramesInTheProgramMatchBpftrace). A stack prints as in
        // bpftrace 0.17 in the newest (types_format.cpp: the symbolized text, a string in JSON).
        var script = $$"""uprobe:{{TestPrograms.PathOf("stack_chain")}}:inner { print(ustack(4)); @d = 1; exit(); }""";

        var expected = await StackTests.TraceStackChainAsync(BpftraceRun.Start(["-e", script]));
        var actual = await StackTests.TraceStackChainAsync(SharpTraceRun.Start(["-e", script]));
        var expectedJson = await StackTests.TraceStackChainAsync(BpftraceRun.Start(["-f", "json", "-e", script]));
        var actualJson = await StackTests.TraceStackChainAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Matches(@"\A\n        inner\+0\n        middle\+\d+\n        outer\+\d+\n        main\+\d+\n\n\n\n@d: 1\n\z", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
        Assert.Equal(JsonLines.NonEmpty(expectedJson.Stdout), JsonLines.NonEmpty(actualJson.Stdout));
    }

    [Fact]
    public async Task AnonymousMembersAndBitfieldsOfARealProgramsMemoryAsTheNewestBpftraceReadsAndPrintsThem()
    {
        // struct record's first 20 bytes and its tag (at 52) seen through script types with anonymous members: the
        // newest bpftrace's C parser gives the named parent every member of an anonymous struct or union, at its offset
        // (clang_parser.cpp), so they read and print flat; a bitfield prints as its bits (types_format.cpp). bpftrace
        // 0.17 reads and prints the same except that it prints a bitfield as its whole word: the lines without one are
        // compared with it. tag.u is 0x04030201 (lo 1, mid 0x020, hi 0x0403) and 0xffffffff.
        var script = $$"""
            struct head { int id; union { unsigned int counts[4]; struct { unsigned int c0; unsigned int c1; unsigned int c2; unsigned int c3; }; }; };
            union word { unsigned int u; struct { unsigned int lo : 4; unsigned int mid : 12; unsigned int hi : 16; }; };
            uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect {
              $h = (struct head *)arg0; $w = (union word *)(arg0 + 52); $c = *$h;
              printf("%d %u %u %u %u %u %u\n", $h->id, $h->c3, $h->c1, $c.c2, $w->lo, $w->mid, $w->hi);
              @h[$c.id] = $c; @w[$w->hi] = *$w; print(*$w);
            }
            uretprobe:{{TestPrograms.PathOf("struct_values")}}:main { exit(); }
            """;
        const string FirstWord = "{ .u = 67305985, .lo = 1, .mid = 32, .hi = 1027 }";
        const string SecondWord = "{ .u = 4294967295, .lo = 15, .mid = 4095, .hi = 65535 }";

        var expected = await TraceAsync(BpftraceRun.Start(["-e", script]));
        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, $$"""
            1 4000000000 2 3 1 32 1027
            {{FirstWord}}
            2 40 20 30 15 4095 65535
            {{SecondWord}}
            1 4000000000 2 3 1 32 1027
            {{FirstWord}}


            @h[1]: { .id = 1, .counts = [1,2,3,4000000000], .c0 = 1, .c1 = 2, .c2 = 3, .c3 = 4000000000 }
            @h[2]: { .id = 2, .counts = [10,20,30,40], .c0 = 10, .c1 = 20, .c2 = 30, .c3 = 40 }
            @w[1027]: {{FirstWord}}
            @w[65535]: {{SecondWord}}

            """), (text.ExitCode, text.Stdout));
        static IEnumerable<string> WithoutBitfields(string stdout) => stdout.Split('\n').Where(line => !line.Contains(".lo =", StringComparison.Ordinal));
        Assert.Equal(WithoutBitfields(expected.Stdout), WithoutBitfields(text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "1 4000000000 2 3 1 32 1027\n"}
            {"type": "value", "data": {"u": 67305985, "lo": 1, "mid": 32, "hi": 1027}}
            {"type": "printf", "data": "2 40 20 30 15 4095 65535\n"}
            {"type": "value", "data": {"u": 4294967295, "lo": 15, "mid": 4095, "hi": 65535}}
            {"type": "printf", "data": "1 4000000000 2 3 1 32 1027\n"}
            {"type": "value", "data": {"u": 67305985, "lo": 1, "mid": 32, "hi": 1027}}
            {"type": "map", "data": {"@h": {"1": {"id": 1, "counts": [1,2,3,4000000000], "c0": 1, "c1": 2, "c2": 3, "c3": 4000000000}, "2": {"id": 2, "counts": [10,20,30,40], "c0": 10, "c1": 20, "c2": 30, "c3": 40}}}}
            {"type": "map", "data": {"@w": {"1027": {"u": 67305985, "lo": 1, "mid": 32, "hi": 1027}, "65535": {"u": 4294967295, "lo": 15, "mid": 4095, "hi": 65535}}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AReturnedValueIsATestProbesVerdictInJson()
    {
        // The reference uses a probe's returned value in its test mode: a test passes when its program returned 0
        // (bpftrace.cpp), and json.cpp's test_result writes {"NAME": {"duration": ns, "passed": bool, "output": text}}.
        // The values come from a map, so the verdicts are made when the tests run; the durations vary.
        const string script = """
            BEGIN { @one = 1; }
            test:returns_zero { printf("zero\n"); return @one - 1; }
            test:returns_one { printf("one\n"); if (@one == 1) { return @one; } printf("not reached\n"); }
            """;

        var json = await SharpTraceRun.RunAsync(["--test", "-f", "json", "-e", script]);

        Assert.Equal((1, """
            {"type": "test_result", "data": {"returns_zero": {"duration": NS, "passed": true, "output": "zero\n"}}}
            {"type": "test_result", "data": {"returns_one": {"duration": NS, "passed": false, "output": "one\n"}}}

            """), (json.ExitCode, Regex.Replace(json.Stdout, "\"duration\": [0-9]+,", "\"duration\": NS,")));
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

    private static async Task<RunResult> TraceProbeArgsAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("probe_args");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
