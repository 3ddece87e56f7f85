using SharpTrace.Output;
using static SharpTrace.TestShared.Bpftrace017Text;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>
/// Histograms in text as the newest bpftrace prints them (output/text.cpp TextOutput::map and emit_map, types_format.cpp
/// build_histogram and build_linear_histogram): the header <c>@h:</c> or <c>@h[key]:</c> without a space, the buckets,
/// a blank line after each histogram. The expected texts are the reference's own: tests/runtime/outputs/hist.txt,
/// hist_2_values.txt and lhist.txt, and the TextOutput cases of tests/output.cpp, pasted as they are.
/// </summary>
public class NewestHistogramTextTests
{
    // runtime/call "hist": begin { @=hist(-1); @=hist(2); @=hist(3); @=hist(7); @=hist(20); }
    [Fact]
    public void HistIsTheReferencesHistTxt()
    {
        var map = Scalar("@", HistValue.Of(-1, 2, 3, 7, 20));
        var expected = CatA("""
            @:$
            (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
            [0]                    0 |                                                    |$
            [1]                    0 |                                                    |$
            [2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
            [8, 16)                0 |                                                    |$
            [16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
            $
            """);
        Assert.Equal(expected, Text(w => w.Map(map)));
        Assert.Equal("\n\n" + expected, Text(w => w.MapsAtExit([map])));
    }

    // runtime/call "hist_2_values": begin { @=hist(3);@=hist(20);}
    [Fact]
    public void HistOfTwoValuesIsTheReferencesHist2ValuesTxt() => Assert.Equal(CatA("""
        @:$
        [2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [4, 8)                 0 |                                                    |$
        [8, 16)                0 |                                                    |$
        [16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        """), Text(w => w.Map(Scalar("@", HistValue.Of(3, 20)))));

    // runtime/call "lhist": begin { @=lhist(2,0,10,2); @=lhist(3,0,10,2); @=lhist(7,0,10,2); @=lhist(-1,0,10,2);
    // @=lhist(11,0,10,2); exit()}
    [Fact]
    public void LhistIsTheReferencesLhistTxt() => Assert.Equal(CatA("""
        @:$
        (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
        [0, 2)                 0 |                                                    |$
        [2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [4, 6)                 0 |                                                    |$
        [6, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
        [8, 10)                0 |                                                    |$
        [10, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
        $
        """), Text(w => w.Map(Scalar("@", LinearHistValue.Of(0, 10, 2, 2, 3, 7, -1, 11)))));

    // tests/output.cpp TextOutput.lhist_no_suffix: a step that is not a multiple of 1024 gives no bound a suffix, not
    // even 640000 (625K), which bpftrace 0.17 writes as 625K.
    [Fact]
    public void LhistBoundsTakeNoSuffixUnlessTheStepIsAMultipleOf1024() => Assert.Equal(CatA("""
        @mymap:$
        [610000, 620000)       1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [620000, 630000)       1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [630000, 640000)       1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [640000, 650000)       1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [650000, 660000)       1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [660000, 670000)       1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        """), Text(w => w.Map(Scalar("@mymap", new LinearHistValue(610000, 670000, 10000, [0, 1, 1, 1, 1, 1, 1, 0])))));

    // tests/output.cpp TextOutput.lhist_suffix
    [Fact]
    public void LhistBoundsTakeSuffixesWhenTheStepIsAMultipleOf1024() => Assert.Equal(CatA("""
        @mymap:$
        [0, 1K)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [1K, 2K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [2K, 3K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [3K, 4K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [4K, 5K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        """), Text(w => w.Map(Scalar("@mymap", new LinearHistValue(0, 5 * 1024, 1024, [0, 1, 1, 1, 1, 1, 0])))));

    // tests/output.cpp TextOutput.lhist_overflow_only and lhist_underflow_only
    [Fact]
    public void LhistWithOnlyItsOverflowOrUnderflowBucket()
    {
        Assert.Equal(CatA("""
            @mymap:$
            [100, ...)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            """), Text(w => w.Map(Scalar("@mymap", new LinearHistValue(0, 100, 10, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])))));
        Assert.Equal(CatA("""
            @mymap:$
            (..., 10)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            """), Text(w => w.Map(Scalar("@mymap", new LinearHistValue(10, 110, 10, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])))));
    }

    // build_linear_histogram labels each bucket by its upper bound and text.cpp prints two adjacent integer bounds as
    // one value: with a step of 1 every bucket in range is [v]. The overflow bucket is labelled by the last bound in
    // range, min + k * step <= max: lhist(x, 0, 10, 3) puts 9 and 10 in it (1 + (v - min) / step), so it is [9, ...).
    [Fact]
    public void LhistOfStepOneHasSingleValueBucketsAndTheOverflowStartsAtTheLastBoundInRange()
    {
        Assert.Equal(CatA("""
            @:$
            (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            [0]                    0 |                                                    |$
            [1]                    0 |                                                    |$
            [2]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            [3]                    0 |                                                    |$
            [4]                    0 |                                                    |$
            [5]                    0 |                                                    |$
            [6]                    0 |                                                    |$
            [7]                    0 |                                                    |$
            [8]                    0 |                                                    |$
            [9]                    0 |                                                    |$
            [10, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            """), Text(w => w.Map(Scalar("@", LinearHistValue.Of(0, 10, 1, -5, 2, 12)))));
        var uneven = Scalar("@", LinearHistValue.Of(0, 10, 3, 3, 9, 10, 40));
        Assert.Equal(CatA("""
            @:$
            [3, 6)                 1 |@@@@@@@@@@@@@@@@@                                   |$
            [6, 9)                 0 |                                                    |$
            [9, ...)               3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            """), Text(w => w.Map(uneven)));
        // JSON takes the bounds from the same labels (json.cpp: "min" the previous label).
        Assert.Equal("{\"type\": \"hist\", \"data\": {\"@\": [{\"min\": 3, \"max\": 5, \"count\": 1}, {\"min\": 6, \"max\": 8, \"count\": 0}, "
            + "{\"min\": 9, \"count\": 3}]}}\n", Json(w => w.Map(uneven)));
    }

    // emit_map: each entry of a keyed map of histograms is "@h[key]:", its buckets and a blank line; a tuple key is
    // written without its parentheses. Entries in order of their total count.
    [Fact]
    public void KeyedHistogramsEachHaveAHeaderAndABlankLine() => Assert.Equal(CatA("""
        @h[1, a]:$
        [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @h[2, b]:$
        [8, 16)                2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [16, 32)               0 |                                                    |$
        [32, 64)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
        $
        @l[x]:$
        [20, 30)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        """), Text(w =>
        {
            w.Map(Keyed("@h", E(HistValue.Of(10, 12, 40), 2, "b"), E(HistValue.Of(5), 1, "a")));
            w.Map(Keyed("@l", E(LinearHistValue.Of(0, 100, 10, 25), "x")));
        }));

    // build_histogram divides each count by div before text.cpp scales the bars to the largest (divided) count; a
    // bucket whose count divides to 0 has no bar. top keeps the histograms of the largest totals.
    [Fact]
    public void PrintWithTopAndDivDividesTheCountsTheBarsAreScaledBy() => Assert.Equal(CatA("""
        @h[2]:$
        [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
        [8, 16)                0 |                                                    |$
        [16, 32)               0 |                                                    |$
        [32, 64)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [64, 128)              0 |                                                    |$
        $
        """), Text(w => w.Map(Keyed("@h",
            E(HistValue.Of(5, 5, 5, 40, 40, 40, 40, 100), 2),
            E(HistValue.Of(3), 1)), top: 1, div: 2)));

    // The helper the tests of 0.17's goldens go through changes a histogram's header and nothing else: not a stack value
    // (its frames follow "@s: " on indented lines), not a string value that ends in ": ".
    [Fact]
    public void WithNewestHistogramHeadersChangesOnlyHistogramHeaders() => Assert.Equal(
        "@h:\n[4, 8)  1 |@|\n\n@k[1]:\n(..., 0)  1 |@|\n\n@z:\n\n@s: \n        f+1\n@t: a: \n@u: b\n",
        WithNewestHistogramHeaders(
            "@h: \n[4, 8)  1 |@|\n\n@k[1]: \n(..., 0)  1 |@|\n\n@z: \n\n@s: \n        f+1\n@t: a: \n@u: b\n"));

    // A histogram whose buckets are all 0 (after zero()) has no bucket lines: its header and the blank line.
    [Fact]
    public void ZeroedHistogramIsItsHeaderAndABlankLine() => Assert.Equal("@h:\n\n@l[1]:\n\n", Text(w =>
    {
        w.Map(Scalar("@h", new HistValue(new ulong[Histogram.Log2BucketCount])));
        w.Map(Keyed("@l", E(new LinearHistValue(0, 10, 5, new ulong[Histogram.LinearBucketCount(0, 10, 5)]), 1)));
    }));
}
