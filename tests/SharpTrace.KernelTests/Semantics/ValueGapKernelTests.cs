using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// The newest bpftrace's smaller value rules, run in uprobes on tests/programs/struct_values.c (inspect(&amp;first, 2),
/// inspect(&amp;second, 1), inspect(&amp;first, 3); first has id 1, name "first", origin.x 3, tag.u 0x04030201; second
/// id 2, name "second", origin.x -5, tag.u 0xffffffff): bool array elements, pton()'s array cast and indexed, tuples and
/// records compared, <c>&amp;</c> of bools, tuples, records, loop variables and maps, <c>print(config)</c>. bpftrace 0.17
/// parses none of these (bool, records, <c>&amp;</c>, <c>config</c> are the newest's), so the whole stdout is compared,
/// in text and JSON, with what the newest reference defines.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ValueGapKernelTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private const string Types = """
        struct point { int x; int y; };
        union word { unsigned int u; unsigned short halves[2]; };
        struct record { int id; unsigned int counts[4]; short samples[4]; struct point origin; struct point corners[2]; union word tag; char name[8]; };

        """;

    private static string Script(string body, string config = "") => config + Types + $$"""
        uprobe:{{TestPrograms.PathOf("struct_values")}}:inspect { $r = (struct record *)arg0; {{body}} }
        uretprobe:{{TestPrograms.PathOf("struct_values")}}:main { exit(); }
        """;

    [Fact]
    public async Task BoolArrayElementsAreBoolsAndPtonsArrayIsCastAndIndexed()
    {
        // language.md "Array Casts": each bool is one byte of the integer (id 1: 0x00ff, id 2: 0x01fe), and
        // `(uint32)pton("127.0.0.1")` is the address's bytes as a little-endian integer, 0x0100007f. The indexes are
        // cast: the newest refuses a signed one (an int32 member, `-`'s int64).
        var script = Script("""
            $b = (bool[2])(uint16)($r->id * 255); $i = (uint32)($r->id - 1);
            print(($b[0], $b[1], $b[$i], !$b[1]));
            print(((uint32)pton("127.0.0.1"), pton("::1")[15], pton("10.20.30.40")[(uint32)$r->id], $r->tag.u == (uint32)pton("1.2.3.4")));
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            (true, false, true, true)
            (16777343, 1, 20, true)
            (true, true, true, false)
            (16777343, 1, 30, false)
            (true, false, true, true)
            (16777343, 1, 20, true)

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [true,false,true,true]}
            {"type": "value", "data": [16777343,1,20,true]}
            {"type": "value", "data": [true,true,true,false]}
            {"type": "value", "data": [16777343,1,30,false]}
            {"type": "value", "data": [true,false,true,true]}
            {"type": "value", "data": [16777343,1,20,true]}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task ACastToBoolOfAStringIsWhetherItIsNotEmpty()
    {
        // tests/type_checker.cpp cast_bool and the newest's codegen: (bool) of a string tests its first byte, so only ""
        // is false; an integer is true when not 0, a bool casts to an integer. bpftrace 0.17 has no bool type.
        var script = Script("""
            $e = $r->id == 1 ? "" : "x";
            print(((bool)$r->name, (bool)$e, (bool)"", (bool)"str", (bool)comm, (bool)($r->id - 1), (int64)($r->id == 2)));
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            (true, false, false, true, true, false, 0)
            (true, true, false, true, true, true, 1)
            (true, false, false, true, true, false, 0)

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [true,false,false,true,true,false,0]}
            {"type": "value", "data": [true,true,false,true,true,true,1]}
            {"type": "value", "data": [true,false,false,true,true,false,0]}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task TuplesAndRecordsCompareByValue()
    {
        // tests/self/tuple.bt and record.bt: integers of other sizes and strings of other lengths are equal when their
        // values are; records match their fields by name.
        var script = Script("""
            $t = ($r->id, $r->name);
            print(($t == (1, "first"), $t != (2, "second"), (a = $r->id, b = $r->origin.x) == (b = 3, a = 1)));
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            (true, true, true)
            (false, false, false)
            (true, true, true)

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [true,true,true]}
            {"type": "value", "data": [false,false,false]}
            {"type": "value", "data": [true,true,true]}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AddressesOfBoolsTuplesRecordsLoopVariablesAndMaps()
    {
        // type_resolver.cpp's VariableAddr rule (any variable) and MapAddr rule; a map's address is a kernel one.
        var script = Script("""
            $ok = $r->id == 1; $pb = &$ok; $t = ($r->id, "x"); $pt = &$t; $rec = (a = $r->id); $pr = &$rec;
            $sum = 0; for ($i : 0..3) { $p = &$i; $sum += *$p; }
            @m[$r->id] = $r->id * 10; $total = 0; for ($kv : @m) { $pk = &$kv; $total += (*$pk).1; }
            print((*$pb, (*$pt).0, (*$pr).a, $sum, $total, &@m != 0, (uint64)&@m >= 0xffff800000000000));
            """);

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            (true, 1, 1, 3, 10, true, true)
            (false, 2, 2, 3, 30, true, true)
            (true, 1, 1, 3, 30, true, true)


            @m[1]: 10
            @m[2]: 20

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 2}}
            {"type": "value", "data": [true,1,1,3,10,true,true]}
            {"type": "value", "data": [false,2,2,3,30,true,true]}
            {"type": "value", "data": [true,1,1,3,30,true,true]}
            {"type": "map", "data": {"@m": {"1": 10, "2": 20}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task PrintOfConfigPrintsTheWholeRecord()
    {
        // The newest bpftrace's builtins pass: `config` is a record of the settings, in its order, as a record prints.
        var script = Script("if ($r->id == 2) { print(config); }", "config = { max_strlen = 32; stack_mode = perf; perf_rb_pages = 16 }\n");

        var text = await TraceAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, "{ .cpp_demangle = true, .lazy_symbolication = true, .print_maps_on_exit = true, .use_blazesym = false, "
            + ".show_debug_info = false, .log_size = 1000000, .max_bpf_progs = 1024, .max_cat_bytes = 10240, .max_map_keys = 4096, "
            + ".max_probes = 512, .max_strlen = 32, .on_stack_limit = 32, .perf_rb_pages = 16, .str_trunc_trailer = .., "
            + ".unstable_import_statement = error, .unstable_tseries = warn, .unstable_typeinfo = error, .unstable_dw_ustack = warn, "
            + ".missing_probes = error, .stack_mode = perf, .license = GPL }\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, "{\"type\": \"attached_probes\", \"data\": {\"probes\": 2}}\n"
            + "{\"type\": \"value\", \"data\": {\"cpp_demangle\": true, \"lazy_symbolication\": true, \"print_maps_on_exit\": true, "
            + "\"use_blazesym\": false, \"show_debug_info\": false, \"log_size\": 1000000, \"max_bpf_progs\": 1024, \"max_cat_bytes\": 10240, "
            + "\"max_map_keys\": 4096, \"max_probes\": 512, \"max_strlen\": 32, \"on_stack_limit\": 32, \"perf_rb_pages\": 16, "
            + "\"str_trunc_trailer\": \"..\", \"unstable_import_statement\": \"error\", \"unstable_tseries\": \"warn\", "
            + "\"unstable_typeinfo\": \"error\", \"unstable_dw_ustack\": \"warn\", \"missing_probes\": \"error\", \"stack_mode\": \"perf\", "
            + "\"license\": \"GPL\"}}\n"), (json.ExitCode, json.Stdout));
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
