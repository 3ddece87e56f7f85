using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// The rows of issue #12's acceptance map (docs/acceptance-12.md) that no other kernel test showed whole, in text and
/// JSON, on a real event: print() of kernel stacks (a syscall tracepoint tests/programs/opener causes), and, from
/// uprobes on tests/programs/struct_values (which calls inspect(&amp;first, 2), inspect(&amp;second, 1),
/// inspect(&amp;first, 3)), print() of a map's value for every kind a map holds (structs, unions, arrays, tuples),
/// arrays of arrays, and strlen.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class AcceptanceMapTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private const string Opened = "/nonexistent-sharptrace-print-kstack";

    [Fact]
    public async Task PrintOfKernelStacksInATracepointMatchesBpftrace()
    {
        // The newest bpftrace formats a kstack as bpftrace 0.17 does (types_format.cpp calls get_stack: a newline,
        // then each frame on its line, indented by 8 spaces, or "\t<hex address> <symbol>" in perf mode), a string in
        // JSON, also inside a tuple and as a map's value: 0.17's run of the same script on the same kernel is the
        // expectation, whole. The tracepoint keeps its perf event when a probe takes a stack (docs/language.md), so
        // both see the stack from perf_syscall_enter.
        const string script = $$"""
            tracepoint:syscalls:sys_enter_openat /comm == "opener" && str(args->filename) == "{{Opened}}"/ {
              print(kstack(3)); $s = kstack(perf, 2); print(($s, 1)); @k = kstack(2); exit();
            }
            """;

        var expected = await TraceOpenerAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceOpenerAsync(SharpTraceRun.Start(["-e", script]));
        var expectedJson = await TraceOpenerAsync(BpftraceRun.Start(["-f", "json", "-e", script]));
        var actualJson = await TraceOpenerAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Matches(
            @"\A\n        perf_syscall_enter\+\d+\n        \S+\+\d+\n        \S+\+\d+\n\n"
            + @"\(\n\t[0-9a-f]{16} perf_syscall_enter\+\d+\n\t[0-9a-f]{16} \S+\+\d+\n, 1\)\n\n\n"
            + @"@k: \n        perf_syscall_enter\+\d+\n        \S+\+\d+\n\n\z",
            expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
        Assert.Equal(4, JsonLines.NonEmpty(expectedJson.Stdout).Count);
        Assert.Equal(0, actualJson.ExitCode);
        Assert.Equal(JsonLines.NonEmpty(expectedJson.Stdout), JsonLines.NonEmpty(actualJson.Stdout));
    }

    [Fact]
    public async Task PrintOfAMapValueOfEveryKindAndOfItsMembersAsTheNewestPrintsThem()
    {
        // stdlib.md "print": `print(@m[k])` prints that value as print() of any value does (output.h: structs, unions
        // and records are Records, arrays Arrays, tuples Tuples: text.cpp `{ .x = 3, .y = -4 }`, `[1,2]`, `(a, b)`;
        // json.cpp objects, arrays, arrays); a map of them prints at exit one line per key, in key order, after two
        // empty lines. bpftrace 0.17 cannot print @m[k] (it prints the same values through a variable; checked by hand).
        var script = $$"""
            struct point { int x; int y; };
            union word { unsigned int u; unsigned short halves[2]; };
            struct record { int id; unsigned int counts[4]; short samples[4]; struct point origin; struct point corners[2]; union word tag; char name[8]; };
            uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect {
              $r = (struct record *)arg0;
              @o[$r->id] = $r->origin; @w[$r->id] = $r->tag; @c[$r->id] = $r->counts; @p[$r->id] = ($r->name, $r->corners[0]);
            }
            uretprobe:{{TestPrograms.PathOf("struct_values")}}:main {
              print(@o[1]); print(@w[2]); print(@c[1]); print(@p[2]); print(@w[1].halves[1]); print(@o[2].y); print(@p[1].1.x);
              exit();
            }
            """;

        var text = await TraceStructValuesAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceStructValuesAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            { .x = 3, .y = -4 }
            { .u = 4294967295, .halves = [65535,65535] }
            [1,2,3,4000000000]
            (second, { .x = 11, .y = 12 })
            1027
            6
            1


            @c[1]: [1,2,3,4000000000]
            @c[2]: [10,20,30,40]
            @o[1]: { .x = 3, .y = -4 }
            @o[2]: { .x = -5, .y = 6 }
            @p[1]: (first, { .x = 1, .y = 2 })
            @p[2]: (second, { .x = 11, .y = 12 })
            @w[1]: { .u = 67305985, .halves = [513,1027] }
            @w[2]: { .u = 4294967295, .halves = [65535,65535] }

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": {"x": 3, "y": -4}}
            {"type": "value", "data": {"u": 4294967295, "halves": [65535,65535]}}
            {"type": "value", "data": [1,2,3,4000000000]}
            {"type": "value", "data": ["second",{"x": 11, "y": 12}]}
            {"type": "value", "data": 1027}
            {"type": "value", "data": 6}
            {"type": "value", "data": 1}
            {"type": "map", "data": {"@c": {"1": [1,2,3,4000000000], "2": [10,20,30,40]}}}
            {"type": "map", "data": {"@o": {"1": {"x": 3, "y": -4}, "2": {"x": -5, "y": 6}}}}
            {"type": "map", "data": {"@p": {"1": ["first",{"x": 1, "y": 2}], "2": ["second",{"x": 11, "y": 12}]}}}
            {"type": "map", "data": {"@w": {"1": {"u": 67305985, "halves": [513,1027]}, "2": {"u": 4294967295, "halves": [65535,65535]}}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task MultiDimensionalArraysAreReadIndexedStoredAndKeyedAsTheNewestRuntimeCasesShow()
    {
        // The newest's runtime/array "multi-dimensional array element access" cases (`.y[1][0]`, through a variable and a
        // map, printed `[[5,6],[7,8]]`, a map key `@x[[[5,6],[7,8]]]`, with another key `@x[[1,2,3,4], 42]`), here over
        // struct_values' memory seen through script types: counts (at 4) as uint32[2][2], samples (at 20) as
        // int16[2][2]; arg1 % 2 (0, 1, 1) an unsigned run-time index. A map whose key is a tuple sorts by its integer
        // fields only (types_format.cpp sort_by_key), then a count map by count, stably. JSON: nested arrays, a key's
        // text without spaces.
        var script = $$"""
            struct B { unsigned int y[2][2]; };
            struct S { short s[2][2]; };
            uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect {
              $p = (struct B *)(arg0 + 4); $i = arg1 % 2;
              printf("%u %u\n", $p.y[1][0], $p->y[$i][1]);
              $b = $p.y; @b[$b[0][0]] = $b; @m[$b[0][0]] = $b[1];
              @x[((struct S *)(arg0 + 20)).s, arg1] = count();
              print($b[$i]);
            }
            uretprobe:{{TestPrograms.PathOf("struct_values")}}:main { printf("%u\n", @b[1][1][1]); exit(); }
            """;

        var text = await TraceStructValuesAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceStructValuesAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            3 2
            [1,2]
            30 40
            [30,40]
            3 4000000000
            [3,4000000000]
            4000000000


            @b[1]: [[1,2],[3,4000000000]]
            @b[10]: [[10,20],[30,40]]
            @m[1]: [3,4000000000]
            @m[10]: [30,40]
            @x[[[7,-8],[9,-10]], 1]: 1
            @x[[[-1,2],[-3,4]], 2]: 1
            @x[[[-1,2],[-3,4]], 3]: 1

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "printf", "data": "3 2\n"}
            {"type": "value", "data": [1,2]}
            {"type": "printf", "data": "30 40\n"}
            {"type": "value", "data": [30,40]}
            {"type": "printf", "data": "3 4000000000\n"}
            {"type": "value", "data": [3,4000000000]}
            {"type": "printf", "data": "4000000000\n"}
            {"type": "map", "data": {"@b": {"1": [[1,2],[3,4000000000]], "10": [[10,20],[30,40]]}}}
            {"type": "map", "data": {"@m": {"1": [3,4000000000], "10": [30,40]}}}
            {"type": "map", "data": {"@x": {"[[7,-8],[9,-10]],1": 1, "[[-1,2],[-3,4]],2": 1, "[[-1,2],[-3,4]],3": 1}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task StrlenOfAStructsStringMemberAndOfALiteralOnARealEvent()
    {
        // Issue #12's "len() of strings": the newest has no len() of a string (stdlib.md "len": maps and stacks; its
        // macro fails otherwise, StackLenTests); a string's length is stdlib.md's "strlen" (`uint64 strlen(string exp)`,
        // the bytes before the NUL): "first" 5, "second" 6, "abc" 3.
        var script = $$"""
            struct record { int id; unsigned int counts[4]; short samples[4]; int origin[2]; int corners[4]; unsigned int tag; char name[8]; };
            uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect {
              $r = (struct record *)arg0; print((strlen($r->name), strlen("abc"), $r->name)); @n[$r->name] = strlen($r->name);
            }
            uretprobe:{{TestPrograms.PathOf("struct_values")}}:main { exit(); }
            """;

        var text = await TraceStructValuesAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceStructValuesAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            (5, 3, first)
            (6, 3, second)
            (5, 3, first)


            @n[first]: 5
            @n[second]: 6

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [5,3,"first"]}
            {"type": "value", "data": [6,3,"second"]}
            {"type": "value", "data": [5,3,"first"]}
            {"type": "map", "data": {"@n": {"first": 5, "second": 6}}}

            """), (json.ExitCode, json.Stdout));
    }

    private static async Task<RunResult> TraceOpenerAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("opener", Opened);
            return await tool.WaitForExitAsync(Bound);
        }
    }

    private static async Task<RunResult> TraceStructValuesAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(Bound);
            await TestPrograms.RunAsync("struct_values");
            return await tool.WaitForExitAsync(Bound);
        }
    }
}
