using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>
/// strncmp and strcontains on the paths a test program opens, compared with bpftrace 0.17 running the same script and
/// with what the paths are; is_err on real pointers and kptr/uptr reads; in text and JSON.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class StringBuiltinTests : KernelTest
{
    // One str() copy: bpftrace 0.17 runs out of stack with more.
    private const string Script = """
        tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
          $path = str(args->filename);
          if (strncmp($path, "/nonexistent/st-", 16) == 0) {
            printf("%d %d %d %d %d\n", strncmp($path, "/nonexistent/st-abc", 19), strncmp($path, "/nonexistent/st-abd", 18),
              strcontains($path, "needle"), strcontains($path, "st-"), strcontains("xneedlex", $path));
            @n++; if (@n == 2) { exit(); }
          }
        }
        """;

    [Fact]
    public async Task ComparisonsOfOpenedPathsMatchBpftrace()
    {
        using var bpftrace = BpftraceRun.Start(["-e", Script]);
        var expected = await OpenTwiceAsync(bpftrace);
        using var sharptrace = SharpTraceRun.Start(["-e", Script]);
        var actual = await OpenTwiceAsync(sharptrace);

        // "/nonexistent/st-abc-needle": equal to "…st-abc" in 19 bytes, to "…st-abd" in 18, contains both needles.
        // "/nonexistent/st-abd": differs from "…st-abc" at byte 19, equals "…st-abd" in 18, has "st-" but no "needle".
        Assert.Equal("0 0 1 1 0\n1 0 0 1 0\n\n\n@n: 2\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task JsonHasTheResults()
    {
        var script = """
            tracepoint:syscalls:sys_enter_openat /comm == "opener" && strcontains(str(args->filename), "/st-")/ {
              @r[strncmp(str(args->filename), "/nonexistent/st-abc", 19), strcontains(str(args->filename), "needle"),
                 is_err(curtask), is_err(-2), kptr(curtask)->pid == pid] = 1;
              @n++; if (@n == 2) { exit(); }
            }
            """;
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", script]);
        var actual = await OpenTwiceAsync(sharptrace);

        Assert.Equal(0, actual.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        Assert.Equal(
        [
            """{"type": "map", "data": {"@n": 2}}""",
            // strcontains and is_err are bools, as the newest reference types them; a bool in a JSON key is its text.
            """{"type": "map", "data": {"@r": {"0,true,false,true,true": 1, "1,false,false,true,true": 1}}}""",
        ], JsonLines.NonEmpty(actual.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    private static Task<RunResult> OpenTwiceAsync(TracerProcess tool) =>
        TestPrograms.RunWhileTracedAsync(tool, "opener", "/nonexistent/st-abc-needle", "/nonexistent/st-abd");
}
