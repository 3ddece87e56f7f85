using SharpTrace.TestShared;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// hist, lhist and a keyed hist filled by real openat() events the test causes, printed with print(@h, top, div) and at
/// exit, as the newest bpftrace prints them (output/text.cpp, types_format.cpp): the header <c>@h:</c> without a space,
/// the buckets, a blank line after each histogram; lhist labels as the newest builds them. The same script under
/// bpftrace 0.17 differs exactly in the rows of docs/differences.md each assertion names.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class HistogramTextKernelTests : KernelTest
{
    // The n-th traced open (n = 1..4) adds 5n to @h, n to @l (step 1), 4n to @u (a range of 10 in steps of 3) and
    // 100n to @k under the opened path; the fourth prints @h with its counts divided by 2 and ends the run.
    // One str() copy: bpftrace 0.17 runs out of stack with more.
    private const string Script = """
        tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
          $p = str(args->filename);
          if (strncmp($p, "/nonexistent/hist-", 18) == 0) {
            @n++;
            @h = hist(@n * 5);
            @l = lhist(@n, 0, 3, 1);
            @u = lhist(@n * 4, 0, 10, 3);
            @k[$p] = hist(@n * 100);
            if (@n == 4) { print(@h, 0, 2); exit(); }
          }
        }
        """;

    // hist(5), hist(10), hist(15), hist(20), divided by 2: 0, 1, 0.
    private const string PrintedWithDiv = """
        @h:
        [4, 8)                 0 |                                                    |
        [8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
        [16, 32)               0 |                                                    |


        """;

    // Two newlines open the exit section; the maps in name order. @l: 1, 2, then 3 and 4 in the overflow bucket,
    // which starts at 3 (lhist(x, 0, 3, 1) puts 3 there too). @u: 4, 8, then 12 and 16 in the overflow bucket, which
    // holds 9 and up: lhist(x, 0, 10, 3)'s last bound in range is 9. @k: the path opened once first (smaller total).
    private const string AtExit = """


        @h:
        [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
        [8, 16)                2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
        [16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |

        @k[/nonexistent/hist-a]:
        [64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

        @k[/nonexistent/hist-b]:
        [128, 256)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
        [256, 512)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

        @l:
        [1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
        [2]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
        [3, ...)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

        @n: 4
        @u:
        [3, 6)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
        [6, 9)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
        [9, ...)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|


        """;

    [Fact]
    public async Task HistLhistAndKeyedHistPrintAsTheNewestBpftrace()
    {
        using var sharptrace = SharpTraceRun.Start(["-e", Script]);
        var actual = await OpenFourTimesAsync(sharptrace);

        Assert.Equal((0, (PrintedWithDiv + AtExit).ReplaceLineEndings("\n")), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task Bpftrace017DiffersOnlyInTheHeaderTheLhistLabelsAndTheBarsOfADividedHist()
    {
        using var bpftrace = BpftraceRun.Start(["-e", Script]);
        var expected = await OpenFourTimesAsync(bpftrace);
        Assert.Equal(0, expected.ExitCode);

        // docs/differences.md, rows "a histogram's header line", "a histogram printed with div" and "lhist bucket
        // labels": 0.17 writes "@h: ", draws the bars of print(@h, 0, 2) from the undivided counts, labels lhist buckets
        // of one value [1, 2) and @u's overflow bucket [10, ...). Each of those lines is replaced here by the newest's.
        var newest = Bpftrace017Text.WithNewestHistogramHeaders(expected.Stdout);
        foreach (var (bpftrace017, reference) in new[]
        {
            ("[4, 8)                 0 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |", "[4, 8)                 0 |                                                    |"),
            ("[16, 32)               0 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |", "[16, 32)               0 |                                                    |"),
            ("[1, 2)                 1 |", "[1]                    1 |"),
            ("[2, 3)                 1 |", "[2]                    1 |"),
            ("[10, ...)              2 |", "[9, ...)               2 |"),
        })
        {
            Assert.Contains(bpftrace017, newest, StringComparison.Ordinal);
            newest = newest.Replace(bpftrace017, reference, StringComparison.Ordinal);
        }
        Assert.Equal((PrintedWithDiv + AtExit).ReplaceLineEndings("\n"), newest);
    }

    [Fact]
    public async Task JsonHasTheSameBucketsAndDividedCounts()
    {
        using var sharptrace = SharpTraceRun.Start(["-f", "json", "-e", Script]);
        var actual = await OpenFourTimesAsync(sharptrace);

        Assert.Equal(0, actual.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(actual.Stdout);
        // json.cpp: "min" is the bucket's lower bound, "max" one less than its upper bound, none on an open side; @u's
        // overflow bucket starts at 9, as its text label (0.17: {"min": 10, …}).
        Assert.Equal(
        [
            """{"type": "attached_probes", "data": {"probes": 1}}""",
            """{"type": "hist", "data": {"@h": [{"min": 4, "max": 7, "count": 0}, {"min": 8, "max": 15, "count": 1}, {"min": 16, "max": 31, "count": 0}]}}""",
            """{"type": "hist", "data": {"@h": [{"min": 4, "max": 7, "count": 1}, {"min": 8, "max": 15, "count": 2}, {"min": 16, "max": 31, "count": 1}]}}""",
            """{"type": "hist", "data": {"@k": {"/nonexistent/hist-a": [{"min": 64, "max": 127, "count": 1}], "/nonexistent/hist-b": [{"min": 128, "max": 255, "count": 1}, {"min": 256, "max": 511, "count": 2}]}}}""",
            """{"type": "hist", "data": {"@l": [{"min": 1, "max": 1, "count": 1}, {"min": 2, "max": 2, "count": 1}, {"min": 3, "count": 2}]}}""",
            """{"type": "map", "data": {"@n": 4}}""",
            """{"type": "hist", "data": {"@u": [{"min": 3, "max": 5, "count": 1}, {"min": 6, "max": 8, "count": 1}, {"min": 9, "count": 2}]}}""",
        ], JsonLines.NonEmpty(actual.Stdout));
    }

    private static Task<RunResult> OpenFourTimesAsync(TracerProcess tool) =>
        TestPrograms.RunWhileTracedAsync(tool, "opener", "/nonexistent/hist-a", "/nonexistent/hist-b", "/nonexistent/hist-b", "/nonexistent/hist-b");
}
