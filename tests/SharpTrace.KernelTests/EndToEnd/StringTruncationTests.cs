using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// A string cut to <c>max_strlen</c> prints with the <c>str_trunc_trailer</c> (<c>..</c> by default), as the newest
/// bpftrace marks it (types_format.cpp; its runtime/call "str_truncated" and "str_truncated_custom"): below 1024 its
/// str() reads one byte more than it keeps, so a string of max_strlen bytes or more keeps max_strlen of them, no NUL,
/// and the trailer follows wherever the string is printed. bpftrace 0.17 keeps max_strlen - 1 bytes and prints no
/// trailer (docs/differences.md). The paths are opened by the test program, the tracepoint reads them.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class StringTruncationTests : KernelTest
{
    private const int MaxStrlen = 40;

    // 30 bytes, unique to the test, so that other programs' opens are not seen.
    private static string Prefix() => $"/tmp/sharptrace-trunc-{Guid.NewGuid():N}"[..30];

    private static string Script(string prefix, string arrow = ".") => $$"""
        tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
          $p = str(args{{arrow}}filename);
          if (strncmp($p, "{{prefix}}", {{prefix.Length}}) == 0) {
            printf("P: %s\n", $p);
            @k[$p] = $p;
            exit();
          }
        }
        """;

    [Theory]
    [InlineData(MaxStrlen - 1, false)] // fits with its NUL
    [InlineData(MaxStrlen, true)]      // fills every byte: the newest marks it too
    [InlineData(MaxStrlen + 25, true)]
    public async Task AStringCutToMaxStrlenPrintsWithTheTrailerInPrintfMapKeysAndValues(int length, bool cut)
    {
        var prefix = Prefix();
        var path = prefix + new string('x', length - prefix.Length);
        var shown = cut ? path[..MaxStrlen] + ".." : path;

        using var tool = SharpTraceRun.Start(["-e", Script(prefix)], new Dictionary<string, string> { ["BPFTRACE_MAX_STRLEN"] = $"{MaxStrlen}" });
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", path);

        Assert.Equal((0, $"P: {shown}\n\n\n@k[{shown}]: {shown}\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task PrintOfTheStringAndOfATupleHoldingItAreMarkedInTextAndJson()
    {
        var prefix = Prefix();
        var path = prefix + new string('y', 30);
        var script = $$"""
            config = { max_strlen = {{MaxStrlen}} }
            tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
              $p = str(args.filename);
              if (strncmp($p, "{{prefix}}", {{prefix.Length}}) == 0) { print($p); print(($p, 1)); @t = ($p, 2); exit(); }
            }
            """;
        var shown = path[..MaxStrlen] + "..";

        using var text = SharpTraceRun.Start(["-e", script]);
        var textResult = await TestPrograms.RunWhileTracedAsync(text, "opener", path);
        using var json = SharpTraceRun.Start(["-f", "json", "-e", script]);
        var jsonResult = await TestPrograms.RunWhileTracedAsync(json, "opener", path);

        Assert.Equal((0, $"{shown}\n({shown}, 1)\n\n\n@t: ({shown}, 2)\n"), (textResult.ExitCode, textResult.Stdout));
        Assert.Equal((0,
            "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n"
            + $"{{\"type\": \"value\", \"data\": \"{shown}\"}}\n"
            + $"{{\"type\": \"value\", \"data\": [\"{shown}\",1]}}\n"
            + $"{{\"type\": \"map\", \"data\": {{\"@t\": [\"{shown}\",2]}}}}\n"),
            (jsonResult.ExitCode, jsonResult.Stdout));
    }

    [Theory]
    [InlineData("environment")]
    [InlineData("config")]
    public async Task TheTrailerIsTheConfigsStrTruncTrailer(string from)
    {
        var prefix = Prefix();
        var path = prefix + new string('z', 20);
        var script = (from == "config" ? $"config = {{ max_strlen = {MaxStrlen}; str_trunc_trailer = \"_xxx\" }}\n" : "") + Script(prefix);
        var environment = from == "config"
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["BPFTRACE_MAX_STRLEN"] = $"{MaxStrlen}", ["BPFTRACE_STR_TRUNC_TRAILER"] = "_xxx" };

        using var tool = SharpTraceRun.Start(["-e", script], environment);
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", path);

        var shown = path[..MaxStrlen] + "_xxx";
        Assert.Equal((0, $"P: {shown}\n\n\n@k[{shown}]: {shown}\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task Bpftrace017KeepsOneByteLessAndPrintsNoTrailer()
    {
        var prefix = Prefix();
        var path = prefix + new string('w', 20);
        // 0.17 names the variable BPFTRACE_STRLEN (we read it too) and spells args->filename.
        var environment = new Dictionary<string, string> { ["BPFTRACE_STRLEN"] = $"{MaxStrlen}" };

        using var bpftrace = BpftraceRun.Start(["-e", Script(prefix, "->")], environment);
        var expected = await TestPrograms.RunWhileTracedAsync(bpftrace, "opener", path);
        using var tool = SharpTraceRun.Start(["-e", Script(prefix, "->")], environment);
        var actual = await TestPrograms.RunWhileTracedAsync(tool, "opener", path);

        var old = path[..(MaxStrlen - 1)];
        Assert.Equal((0, $"P: {old}\n\n\n@k[{old}]: {old}\n"), (expected.ExitCode, expected.Stdout));
        var shown = path[..MaxStrlen] + "..";
        Assert.Equal((0, $"P: {shown}\n\n\n@k[{shown}]: {shown}\n"), (actual.ExitCode, actual.Stdout));
    }

    // runtime/other "short non null-terminated string print": the newest's clang parser types a script's char[N] as
    // string[N+1], read with the byte after the field, so "hello" in a char[5] followed by its NUL is whole, and in a
    // char[4] (five bytes read, no NUL) it is cut and marked. bpftrace 0.17 refuses `.` on a struct pointer.
    [Theory]
    [InlineData(5, "hello")]
    [InlineData(4, "hello..")]
    public async Task AScriptsCharArrayMemberIsReadWithTheByteAfterIt(int length, string shown)
    {
        var program = TestPrograms.PathOf("short_strings");
        var script = $$"""struct F {char s[{{length}}];} u:{{program}}:print { $a = ((struct F*)arg0).s; printf("%s %s\n", $a, $a); print($a); }""";

        var text = await SharpTraceRun.RunAsync(["-q", "-c", program, "-e", script]);
        var json = await SharpTraceRun.RunAsync(["-q", "-f", "json", "-c", program, "-e", script]);

        Assert.Equal((0, $"{shown} {shown}\n{shown}\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, $$"""
            {"type": "printf", "data": "{{shown}} {{shown}}\n"}
            {"type": "value", "data": "{{shown}}"}

            """), (json.ExitCode, json.Stdout));
    }
}
