using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// A <c>char[N]</c> member that fills its array with no NUL prints with the <c>str_trunc_trailer</c> wherever it is
/// printed, alone or inside a whole struct, as the newest bpftrace prints it: its DWARF (and BTF) types the member as
/// <c>string[N]</c> and it formats a record's members as any value of their type (types_format.cpp), marking a string
/// that fills its buffer. tests/programs/string_members.c calls show() once with a struct holding a full
/// <c>char[8]</c>, one with its NUL, an empty one and an array of structs of <c>char[4]</c> (the first full); the
/// uprobe prints it whole (print, map value, tuple, map key), its members with printf <c>%s</c>, in text and JSON. Its
/// <c>char grid[2][4]</c> is two <c>string[4]</c>, as BTF types it (the newest's DWARF reader keeps one string[4]).
/// bpftrace 0.17 prints no trailer (docs/differences.md).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class StringMemberTruncationTests : KernelTest
{
    private static string Program => TestPrograms.PathOf("string_members");

    private static string Script(string config = "") => config + $$"""
        uprobe:{{Program}}:show {
          print(*args.n);
          $n = args.n;
          printf("%s|%s|%s|%s|\n", $n->full, $n->fits, $n->empty, $n->tags[0].text);
          print($n->tags);
          @v = *$n; @t = ($n->id, *$n, $n->full); @k[$n->full, $n->tags[1]] = 1;
          exit();
        }
        """;

    private static async Task<RunResult> TraceAsync(TracerProcess tool)
    {
        using (tool)
            return await TestPrograms.RunWhileTracedAsync(tool, "string_members", "once");
    }

    [Fact]
    public async Task MembersThatFillTheirArrayAreMarkedInsideWholeStructsInTextAndJson()
    {
        var text = await TraceAsync(SharpTraceRun.Start(["-e", Script()]));
        var json = await TraceAsync(SharpTraceRun.Start(["-f", "json", "-e", Script()]));

        const string tags = "[{ .text = wxyz.. },{ .text = xy }]";
        const string names = "{ .id = 1, .full = abcdefgh.., .fits = seven!!, .empty = , .tags = " + tags + ", .grid = [pqrs..,tuv] }";
        Assert.Equal((0, $"""
            {names}
            abcdefgh..|seven!!||wxyz..|
            {tags}


            @k[abcdefgh.., {"{ .text = xy }"}]: 1
            @t: (1, {names}, abcdefgh..)
            @v: {names}

            """), (text.ExitCode, text.Stdout));
        const string tagsJson = """[{"text": "wxyz.."},{"text": "xy"}]""";
        const string namesJson = """{"id": 1, "full": "abcdefgh..", "fits": "seven!!", "empty": "", "tags": """ + tagsJson + """, "grid": ["pqrs..","tuv"]}""";
        Assert.Equal((0,
            "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n"
            + $"{{\"type\": \"value\", \"data\": {namesJson}}}\n"
            + "{\"type\": \"printf\", \"data\": \"abcdefgh..|seven!!||wxyz..|\\n\"}\n"
            + $"{{\"type\": \"value\", \"data\": {tagsJson}}}\n"
            + "{\"type\": \"map\", \"data\": {\"@k\": {\"abcdefgh..,{.text=xy}\": 1}}}\n"
            + $"{{\"type\": \"map\", \"data\": {{\"@t\": [1,{namesJson},\"abcdefgh..\"]}}}}\n"
            + $"{{\"type\": \"map\", \"data\": {{\"@v\": {namesJson}}}}}\n"),
            (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task TheMarkOfAMemberIsTheConfiguredTrailer()
    {
        var text = await TraceAsync(SharpTraceRun.Start(["-e", Script("config = { str_trunc_trailer = \"_xxx\" }\n")]));

        const string tags = "[{ .text = wxyz_xxx },{ .text = xy }]";
        const string names = "{ .id = 1, .full = abcdefgh_xxx, .fits = seven!!, .empty = , .tags = " + tags + ", .grid = [pqrs_xxx,tuv] }";
        Assert.Equal((0, $"""
            {names}
            abcdefgh_xxx|seven!!||wxyz_xxx|
            {tags}


            @k[abcdefgh_xxx, {"{ .text = xy }"}]: 1
            @t: (1, {names}, abcdefgh_xxx)
            @v: {names}

            """), (text.ExitCode, text.Stdout));
    }
}
