using SharpTrace.Output;
using static SharpTrace.TestShared.Bpftrace017Text;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>
/// Our writers against real bpftrace 0.17 output. Each test holds the bpftrace script that produced its golden and
/// builds the same values by hand; the goldens are pasted from <c>./run-bpftrace.sh SCRIPT</c> (text) and
/// <c>./run-bpftrace.sh -f json SCRIPT</c> (JSON), which show lines as <c>cat -A</c> does.
/// bpftrace 0.17 also writes two empty lines before the exit maps in JSON; we never write empty lines
/// (DESIGN.md, "Map lifecycle"), so the JSON goldens leave them out. Where the newest bpftrace, our reference, prints
/// differently from 0.17, the test states it: histogram headers through <c>WithNewestHistogramHeaders</c>, other lines
/// written as the newest prints them, each with what 0.17 printed. Entries are handed over in a scrambled order,
/// as the kernel's hash maps would return them.
/// </summary>
public class BpftraceGoldenTests
{
    // BEGIN { @a = 1; @i = -9; @u = (uint64)-1; @s = "hello"; @t = (1, "b"); @n = (1, (2, "x")); exit(); }
    private static readonly MapSnapshot[] ScalarMaps =
    [
        Scalar("@u", U(ulong.MaxValue)), Scalar("@t", T(I(1), S("b"))), Scalar("@s", S("hello")),
        Scalar("@n", T(I(1), T(I(2), S("x")))), Scalar("@i", I(-9)), Scalar("@a", I(1)),
    ];

    [Fact]
    public void ScalarMapsAtExitText() => Assert.Equal(CatA("""
        $
        $
        @a: 1$
        @i: -9$
        @n: (1, (2, x))$
        @s: hello$
        @t: (1, b)$
        @u: 18446744073709551615$
        """), Text(w => w.MapsAtExit(ScalarMaps)));

    [Fact]
    public void ScalarMapsAtExitJson() => Assert.Equal(CatA("""
        {"type": "map", "data": {"@a": 1}}$
        {"type": "map", "data": {"@i": -9}}$
        {"type": "map", "data": {"@n": [1,[2,"x"]]}}$
        {"type": "map", "data": {"@s": "hello"}}$
        {"type": "map", "data": {"@t": [1,"b"]}}$
        {"type": "map", "data": {"@u": 18446744073709551615}}$
        """), Json(w => w.MapsAtExit(ScalarMaps)));

    // BEGIN { @b[1] = 20; @b[2] = 10; @b[3] = 35; @k["beta"] = 2; @k["alpha"] = 7; @s["x", 2] = 4; @s["y", 1] = 3;
    //         @u[1, "a"] = (1, "b"); @u[2, "a"] = (-3, "c"); exit(); }
    private static readonly MapSnapshot[] KeyedMaps =
    [
        Keyed("@b", E(I(35), 3), E(I(20), 1), E(I(10), 2)),
        Keyed("@k", E(I(7), "alpha"), E(I(2), "beta")),
        Keyed("@s", E(I(4), "x", 2), E(I(3), "y", 1)),
        Keyed("@u", E(T(I(-3), S("c")), 2, "a"), E(T(I(1), S("b")), 1, "a")),
    ];

    [Fact]
    public void KeyedMapsSortByValueText() => Assert.Equal(CatA("""
        $
        $
        @b[2]: 10$
        @b[1]: 20$
        @b[3]: 35$
        @k[beta]: 2$
        @k[alpha]: 7$
        @s[y, 1]: 3$
        @s[x, 2]: 4$
        @u[1, a]: (1, b)$
        @u[2, a]: (-3, c)$
        """), Text(w => w.MapsAtExit(KeyedMaps)));

    [Fact]
    public void KeyedMapsSortByValueJson() => Assert.Equal(CatA("""
        {"type": "map", "data": {"@b": {"2": 10, "1": 20, "3": 35}}}$
        {"type": "map", "data": {"@k": {"beta": 2, "alpha": 7}}}$
        {"type": "map", "data": {"@s": {"y,1": 3, "x,2": 4}}}$
        {"type": "map", "data": {"@u": {"1,a": [1,"b"], "2,a": [-3,"c"]}}}$
        """), Json(w => w.MapsAtExit(KeyedMaps)));

    // BEGIN { @c = count(); @c = count(); @su = sum(-3); @su = sum(10); @mi = min(4); @mi = min(-2); @ma = max(3);
    //         @ma = max(9); @av = avg(7); @av = avg(4); @st = stats(10); @st = stats(5); exit(); }
    private static readonly MapSnapshot[] Aggregations =
    [
        Scalar("@c", new CountValue(2)), Scalar("@su", new SumValue(7)), Scalar("@mi", new MinValue(-2)),
        Scalar("@ma", new MaxValue(9)), Scalar("@av", new AvgValue(11, 2)), Scalar("@st", new StatsValue(2, 15)),
    ];

    [Fact]
    public void ScalarAggregationsText() => Assert.Equal(CatA("""
        $
        $
        @av: 5$
        $
        @c: 2$
        @ma: 9$
        @mi: -2$
        @st: count 2, average 7, total 15$
        $
        @su: 7$
        """), Text(w => w.MapsAtExit(Aggregations)));

    [Fact]
    public void ScalarAggregationsJson() => Assert.Equal(CatA("""
        {"type": "stats", "data": {"@av": 5}}$
        {"type": "map", "data": {"@c": 2}}$
        {"type": "map", "data": {"@ma": 9}}$
        {"type": "map", "data": {"@mi": -2}}$
        {"type": "stats", "data": {"@st": {"count": 2, "average": 7, "total": 15}}}$
        {"type": "map", "data": {"@su": 7}}$
        """), Json(w => w.MapsAtExit(Aggregations)));

    // BEGIN { @c["b"] = count(); @c["a"] = count(); @c["a"] = count(); @c["c"] = count(); @c["c"] = count();
    //         @c["c"] = count(); @av[1] = avg(90); @av[2] = avg(20); @av[3] = avg(50); @st[1] = stats(30);
    //         @st[2] = stats(10); @st[2] = stats(20); @st[3] = stats(5); exit(); }
    private static readonly MapSnapshot[] KeyedAggregations =
    [
        Keyed("@c", E(new CountValue(3), "c"), E(new CountValue(1), "b"), E(new CountValue(2), "a")),
        Keyed("@av", E(new AvgValue(50, 1), 3), E(new AvgValue(90, 1), 1), E(new AvgValue(20, 1), 2)),
        Keyed("@st", E(new StatsValue(1, 30), 1), E(new StatsValue(2, 30), 2), E(new StatsValue(1, 5), 3)),
    ];

    [Fact]
    public void KeyedAggregationsText() => Assert.Equal(CatA("""
        $
        $
        @av[2]: 20$
        @av[3]: 50$
        @av[1]: 90$
        $
        @c[b]: 1$
        @c[a]: 2$
        @c[c]: 3$
        @st[3]: count 1, average 5, total 5$
        @st[2]: count 2, average 15, total 30$
        @st[1]: count 1, average 30, total 30$
        $
        """), Text(w => w.MapsAtExit(KeyedAggregations)));

    [Fact]
    public void KeyedAggregationsJson() => Assert.Equal(CatA("""
        {"type": "stats", "data": {"@av": {"2": 20, "3": 50, "1": 90}}}$
        {"type": "map", "data": {"@c": {"b": 1, "a": 2, "c": 3}}}$
        {"type": "stats", "data": {"@st": {"3": {"count": 1, "average": 5, "total": 5}, "2": {"count": 2, "average": 15, "total": 30}, "1": {"count": 1, "average": 30, "total": 30}}}}$
        """), Json(w => w.MapsAtExit(KeyedAggregations)));

    // BEGIN { @h = hist(5); @h = hist(100); exit(); }
    [Fact]
    public void HistKeepsEmptyBucketsBetweenFilledOnes()
    {
        MapSnapshot[] maps = [Scalar("@h", HistValue.Of(5, 100))];
        Assert.Equal(WithNewestHistogramHeaders(CatA("""
            $
            $
            @h: $
            [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            [8, 16)                0 |                                                    |$
            [16, 32)               0 |                                                    |$
            [32, 64)               0 |                                                    |$
            [64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            """)), Text(w => w.MapsAtExit(maps)));
        Assert.Equal(CatA("""
            {"type": "hist", "data": {"@h": [{"min": 4, "max": 7, "count": 1}, {"min": 8, "max": 15, "count": 0}, {"min": 16, "max": 31, "count": 0}, {"min": 32, "max": 63, "count": 0}, {"min": 64, "max": 127, "count": 1}]}}$
            """), Json(w => w.MapsAtExit(maps)));
    }

    // BEGIN { @h = hist(-5); @h = hist(0); @h = hist(1); @h = hist(2); @h = hist(3); @h = hist(1023); @h = hist(1024);
    //         @h = hist(1048576); @h = hist(1073741824); @h = hist(2147483647); @h = hist(2147483647);
    //         @h = hist(2147483647); exit(); }
    [Fact]
    public void HistEdgesNegativeZeroOneAndSuffixes()
    {
        MapSnapshot[] maps =
        [
            Scalar("@h", HistValue.Of(-5, 0, 1, 2, 3, 1023, 1024, 1048576, 1073741824, 2147483647, 2147483647, 2147483647)),
        ];
        Assert.Equal(WithNewestHistogramHeaders(CatA("""
            $
            $
            @h: $
            (..., 0)               1 |@@@@@@@@@@@@@                                       |$
            [0]                    1 |@@@@@@@@@@@@@                                       |$
            [1]                    1 |@@@@@@@@@@@@@                                       |$
            [2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
            [4, 8)                 0 |                                                    |$
            [8, 16)                0 |                                                    |$
            [16, 32)               0 |                                                    |$
            [32, 64)               0 |                                                    |$
            [64, 128)              0 |                                                    |$
            [128, 256)             0 |                                                    |$
            [256, 512)             0 |                                                    |$
            [512, 1K)              1 |@@@@@@@@@@@@@                                       |$
            [1K, 2K)               1 |@@@@@@@@@@@@@                                       |$
            [2K, 4K)               0 |                                                    |$
            [4K, 8K)               0 |                                                    |$
            [8K, 16K)              0 |                                                    |$
            [16K, 32K)             0 |                                                    |$
            [32K, 64K)             0 |                                                    |$
            [64K, 128K)            0 |                                                    |$
            [128K, 256K)           0 |                                                    |$
            [256K, 512K)           0 |                                                    |$
            [512K, 1M)             0 |                                                    |$
            [1M, 2M)               1 |@@@@@@@@@@@@@                                       |$
            [2M, 4M)               0 |                                                    |$
            [4M, 8M)               0 |                                                    |$
            [8M, 16M)              0 |                                                    |$
            [16M, 32M)             0 |                                                    |$
            [32M, 64M)             0 |                                                    |$
            [64M, 128M)            0 |                                                    |$
            [128M, 256M)           0 |                                                    |$
            [256M, 512M)           0 |                                                    |$
            [512M, 1G)             0 |                                                    |$
            [1G, 2G)               4 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            """)), Text(w => w.MapsAtExit(maps)));
        Assert.Equal(CatA("""
            {"type": "hist", "data": {"@h": [{"max": -1, "count": 1}, {"min": 0, "max": 0, "count": 1}, {"min": 1, "max": 1, "count": 1}, {"min": 2, "max": 3, "count": 2}, {"min": 4, "max": 7, "count": 0}, {"min": 8, "max": 15, "count": 0}, {"min": 16, "max": 31, "count": 0}, {"min": 32, "max": 63, "count": 0}, {"min": 64, "max": 127, "count": 0}, {"min": 128, "max": 255, "count": 0}, {"min": 256, "max": 511, "count": 0}, {"min": 512, "max": 1023, "count": 1}, {"min": 1024, "max": 2047, "count": 1}, {"min": 2048, "max": 4095, "count": 0}, {"min": 4096, "max": 8191, "count": 0}, {"min": 8192, "max": 16383, "count": 0}, {"min": 16384, "max": 32767, "count": 0}, {"min": 32768, "max": 65535, "count": 0}, {"min": 65536, "max": 131071, "count": 0}, {"min": 131072, "max": 262143, "count": 0}, {"min": 262144, "max": 524287, "count": 0}, {"min": 524288, "max": 1048575, "count": 0}, {"min": 1048576, "max": 2097151, "count": 1}, {"min": 2097152, "max": 4194303, "count": 0}, {"min": 4194304, "max": 8388607, "count": 0}, {"min": 8388608, "max": 16777215, "count": 0}, {"min": 16777216, "max": 33554431, "count": 0}, {"min": 33554432, "max": 67108863, "count": 0}, {"min": 67108864, "max": 134217727, "count": 0}, {"min": 134217728, "max": 268435455, "count": 0}, {"min": 268435456, "max": 536870911, "count": 0}, {"min": 536870912, "max": 1073741823, "count": 0}, {"min": 1073741824, "max": 2147483647, "count": 4}]}}$
            """), Json(w => w.MapsAtExit(maps)));
    }

    // BEGIN { @neg = hist(-1); @neg = hist(-100); @zero = hist(0); @one = hist(1); @big = hist(1000000); exit(); }
    [Fact]
    public void HistWithASingleBucket()
    {
        MapSnapshot[] maps =
        [
            Scalar("@zero", HistValue.Of(0)), Scalar("@one", HistValue.Of(1)),
            Scalar("@neg", HistValue.Of(-1, -100)), Scalar("@big", HistValue.Of(1000000)),
        ];
        Assert.Equal(WithNewestHistogramHeaders(CatA("""
            $
            $
            @big: $
            [512K, 1M)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            @neg: $
            (..., 0)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            @one: $
            [1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            @zero: $
            [0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            """)), Text(w => w.MapsAtExit(maps)));
        Assert.Equal(CatA("""
            {"type": "hist", "data": {"@big": [{"min": 524288, "max": 1048575, "count": 1}]}}$
            {"type": "hist", "data": {"@neg": [{"max": -1, "count": 2}]}}$
            {"type": "hist", "data": {"@one": [{"min": 1, "max": 1, "count": 1}]}}$
            {"type": "hist", "data": {"@zero": [{"min": 0, "max": 0, "count": 1}]}}$
            """), Json(w => w.MapsAtExit(maps)));
    }

    // BEGIN { @e[1, "x"] = hist(4); @e[1, "x"] = hist(5); @e[2, "y"] = hist(100); @e[3, "z"] = hist(10);
    //         @e[3, "z"] = hist(10); @e[3, "z"] = hist(40); exit(); }
    [Fact]
    public void KeyedHistsSortByTotalCount()
    {
        MapSnapshot[] maps =
        [
            Keyed("@e", E(HistValue.Of(10, 10, 40), 3, "z"), E(HistValue.Of(4, 5), 1, "x"), E(HistValue.Of(100), 2, "y")),
        ];
        Assert.Equal(WithNewestHistogramHeaders(CatA("""
            $
            $
            @e[2, y]: $
            [64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            @e[1, x]: $
            [4, 8)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            $
            @e[3, z]: $
            [8, 16)                2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
            [16, 32)               0 |                                                    |$
            [32, 64)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
            $
            """)), Text(w => w.MapsAtExit(maps)));
        Assert.Equal(CatA("""
            {"type": "hist", "data": {"@e": {"2,y": [{"min": 64, "max": 127, "count": 1}], "1,x": [{"min": 4, "max": 7, "count": 2}], "3,z": [{"min": 8, "max": 15, "count": 2}, {"min": 16, "max": 31, "count": 0}, {"min": 32, "max": 63, "count": 1}]}}}$
            """), Json(w => w.MapsAtExit(maps)));
    }

    // BEGIN { @l = lhist(-5, 0, 100, 10); @l = lhist(100, 0, 100, 10); @l = lhist(150, 0, 100, 10);
    //         @l = lhist(99, 0, 100, 10); @l = lhist(35, 0, 100, 10); @m = lhist(22, 0, 25, 10); @m = lhist(3, 0, 25, 10);
    //         @k = lhist(3000, 0, 4096, 1024); @k = lhist(5000, 0, 4096, 1024); @j = lhist(3145728, 0, 4194304, 1048576);
    //         @j = lhist(1048576, 0, 4194304, 1048576); @n = lhist(5, 0, 10, 1); @n = lhist(7, 0, 10, 1);
    //         @n = lhist(7, 0, 10, 1); @n = lhist(7, 0, 10, 1); @o = lhist(-1, 0, 10, 1); @p[2] = lhist(20, 0, 10, 1);
    //         @p[1] = lhist(3, 0, 10, 1); @p[1] = lhist(4, 0, 10, 1); exit(); }
    private static readonly MapSnapshot[] LinearHists =
    [
        Scalar("@l", LinearHistValue.Of(0, 100, 10, -5, 100, 150, 99, 35)),
        Scalar("@m", LinearHistValue.Of(0, 25, 10, 22, 3)),
        Scalar("@k", LinearHistValue.Of(0, 4096, 1024, 3000, 5000)),
        Scalar("@j", LinearHistValue.Of(0, 4194304, 1048576, 3145728, 1048576)),
        Scalar("@n", LinearHistValue.Of(0, 10, 1, 5, 7, 7, 7)),
        Scalar("@o", LinearHistValue.Of(0, 10, 1, -1)),
        Keyed("@p", E(LinearHistValue.Of(0, 10, 1, 3, 4), 1), E(LinearHistValue.Of(0, 10, 1, 20), 2)),
    ];

    // The newest bpftrace labels lhist buckets differently from 0.17 (docs/differences.md, row "lhist bucket labels"):
    // with a step of 1 a bucket is one value, [5] (0.17: [5, 6)); the overflow bucket starts where the last bucket in
    // range would end, [20, ...) for @m's lhist(x, 0, 25, 10), which holds 20 and up (0.17: [25, ...)). Those lines
    // below are the newest's; the rest is 0.17's golden with the newest's header (WithNewestHistogramHeaders).
    [Fact]
    public void LinearHistsWithUnderflowOverflowAndSuffixesText() => Assert.Equal(WithNewestHistogramHeaders(CatA("""
        $
        $
        @j: $
        [1M, 2M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [2M, 3M)               0 |                                                    |$
        [3M, 4M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @k: $
        [2K, 3K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [3K, 4K)               0 |                                                    |$
        [4K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @l: $
        (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
        [0, 10)                0 |                                                    |$
        [10, 20)               0 |                                                    |$
        [20, 30)               0 |                                                    |$
        [30, 40)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
        [40, 50)               0 |                                                    |$
        [50, 60)               0 |                                                    |$
        [60, 70)               0 |                                                    |$
        [70, 80)               0 |                                                    |$
        [80, 90)               0 |                                                    |$
        [90, 100)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |$
        [100, ...)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @m: $
        [0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [10, 20)               0 |                                                    |$
        [20, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @n: $
        [5]                    1 |@@@@@@@@@@@@@@@@@                                   |$
        [6]                    0 |                                                    |$
        [7]                    3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @o: $
        (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @p[2]: $
        [10, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @p[1]: $
        [3]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [4]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        """)), Text(w => w.MapsAtExit(LinearHists)));

    // JSON: @m's overflow bucket starts at 20, as its text label says (0.17: {"min": 25, "count": 1}).
    [Fact]
    public void LinearHistsWithUnderflowOverflowAndSuffixesJson() => Assert.Equal(CatA("""
        {"type": "hist", "data": {"@j": [{"min": 1048576, "max": 2097151, "count": 1}, {"min": 2097152, "max": 3145727, "count": 0}, {"min": 3145728, "max": 4194303, "count": 1}]}}$
        {"type": "hist", "data": {"@k": [{"min": 2048, "max": 3071, "count": 1}, {"min": 3072, "max": 4095, "count": 0}, {"min": 4096, "count": 1}]}}$
        {"type": "hist", "data": {"@l": [{"max": -1, "count": 1}, {"min": 0, "max": 9, "count": 0}, {"min": 10, "max": 19, "count": 0}, {"min": 20, "max": 29, "count": 0}, {"min": 30, "max": 39, "count": 1}, {"min": 40, "max": 49, "count": 0}, {"min": 50, "max": 59, "count": 0}, {"min": 60, "max": 69, "count": 0}, {"min": 70, "max": 79, "count": 0}, {"min": 80, "max": 89, "count": 0}, {"min": 90, "max": 99, "count": 1}, {"min": 100, "count": 2}]}}$
        {"type": "hist", "data": {"@m": [{"min": 0, "max": 9, "count": 1}, {"min": 10, "max": 19, "count": 0}, {"min": 20, "count": 1}]}}$
        {"type": "hist", "data": {"@n": [{"min": 5, "max": 5, "count": 1}, {"min": 6, "max": 6, "count": 0}, {"min": 7, "max": 7, "count": 3}]}}$
        {"type": "hist", "data": {"@o": [{"max": -1, "count": 1}]}}$
        {"type": "hist", "data": {"@p": {"2": [{"min": 10, "count": 1}], "1": [{"min": 3, "max": 3, "count": 1}, {"min": 4, "max": 4, "count": 1}]}}}$
        """), Json(w => w.MapsAtExit(LinearHists)));

    // BEGIN { @a = 1; @b[1] = 2; @b[2] = 1; @c = hist(3); @d = count(); @e[1, "x"] = hist(4); @e[2, "y"] = hist(100);
    //         @e[2, "y"] = hist(100); @f = stats(10); @g[3] = stats(5); @h = avg(7); @i["k"] = avg(9);
    //         @j = lhist(5, 0, 100, 10); @k[5] = lhist(5, 0, 100, 10); @z = 3; exit(); }
    private static readonly MapSnapshot[] MixedMaps =
    [
        Scalar("@z", I(3)),
        Keyed("@k", E(LinearHistValue.Of(0, 100, 10, 5), 5)),
        Scalar("@j", LinearHistValue.Of(0, 100, 10, 5)),
        Keyed("@i", E(new AvgValue(9, 1), "k")),
        Scalar("@h", new AvgValue(7, 1)),
        Keyed("@g", E(new StatsValue(1, 5), 3)),
        Scalar("@f", new StatsValue(1, 10)),
        Keyed("@e", E(HistValue.Of(100, 100), 2, "y"), E(HistValue.Of(4), 1, "x")),
        Scalar("@d", new CountValue(1)),
        Scalar("@c", HistValue.Of(3)),
        Keyed("@b", E(I(2), 1), E(I(1), 2)),
        Scalar("@a", I(1)),
    ];

    [Fact]
    public void SeveralMapsAtExitInNameOrderWithBpftracesBlankLinesText() => Assert.Equal(WithNewestHistogramHeaders(CatA("""
        $
        $
        @a: 1$
        @b[2]: 1$
        @b[1]: 2$
        @c: $
        [2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @d: 1$
        @e[1, x]: $
        [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @e[2, y]: $
        [64, 128)              2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @f: count 1, average 10, total 10$
        $
        @g[3]: count 1, average 5, total 5$
        $
        @h: 7$
        $
        @i[k]: 9$
        $
        @j: $
        [0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @k[5]: $
        [0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @z: 3$
        """)), Text(w => w.MapsAtExit(MixedMaps)));

    [Fact]
    public void SeveralMapsAtExitInNameOrderJson() => Assert.Equal(CatA("""
        {"type": "map", "data": {"@a": 1}}$
        {"type": "map", "data": {"@b": {"2": 1, "1": 2}}}$
        {"type": "hist", "data": {"@c": [{"min": 2, "max": 3, "count": 1}]}}$
        {"type": "map", "data": {"@d": 1}}$
        {"type": "hist", "data": {"@e": {"1,x": [{"min": 4, "max": 7, "count": 1}], "2,y": [{"min": 64, "max": 127, "count": 2}]}}}$
        {"type": "stats", "data": {"@f": {"count": 1, "average": 10, "total": 10}}}$
        {"type": "stats", "data": {"@g": {"3": {"count": 1, "average": 5, "total": 5}}}}$
        {"type": "stats", "data": {"@h": 7}}$
        {"type": "stats", "data": {"@i": {"k": 9}}}$
        {"type": "hist", "data": {"@j": [{"min": 0, "max": 9, "count": 1}]}}$
        {"type": "hist", "data": {"@k": {"5": [{"min": 0, "max": 9, "count": 1}]}}}$
        {"type": "map", "data": {"@z": 3}}$
        """), Json(w => w.MapsAtExit(MixedMaps)));

    // BEGIN { @b[1] = 20; @b[2] = 10; @b[3] = 35; @c = hist(3); @c = hist(3); @c = hist(3); @c = hist(40);
    //         @i["k"] = avg(90); @i["j"] = avg(20); @i["l"] = avg(50); @a = 1; @t = (10, "a", -7);
    //         print(@b, 2, 10); print(@c, 0, 2); print(@i, 2, 10); print(@a, 0, 2); print(@t, 0, 2);
    //         clear(@b); clear(@c); clear(@i); clear(@a); clear(@t); exit(); }
    // (bpftrace 0.17 then prints eight empty lines for the cleared maps at exit; see DifferencesFromBpftraceTests.)
    private static void PrintWithTopAndDiv(IOutputWriter w)
    {
        w.Map(Keyed("@b", E(I(35), 3), E(I(10), 2), E(I(20), 1)), top: 2, div: 10);
        w.Map(Scalar("@c", HistValue.Of(3, 3, 3, 40)), top: 0, div: 2);
        w.Map(Keyed("@i", E(new AvgValue(90, 1), "k"), E(new AvgValue(20, 1), "j"), E(new AvgValue(50, 1), "l")), top: 2, div: 10);
        w.Map(Scalar("@a", I(1)), top: 0, div: 2);
        w.Map(Scalar("@t", T(I(10), S("a"), I(-7))), top: 0, div: 2);
    }

    // The newest bpftrace divides a histogram's counts before it scales the bars (docs/differences.md, row "a
    // histogram printed with div"): [32, 64) counts 0 after the division and has no bar, where 0.17 scales the bars by
    // the undivided counts and draws |@@@@@@@@@@@@@@@@@ | for it. That line is the newest's; the rest 0.17's golden with
    // the newest's header (WithNewestHistogramHeaders).
    [Fact]
    public void PrintWithTopAndDivText() => Assert.Equal(WithNewestHistogramHeaders(CatA("""
        @b[1]: 2$
        @b[3]: 3$
        @c: $
        [2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        [4, 8)                 0 |                                                    |$
        [8, 16)                0 |                                                    |$
        [16, 32)               0 |                                                    |$
        [32, 64)               0 |                                                    |$
        $
        @i[l]: 5$
        @i[k]: 9$
        $
        @a: 0$
        @t: (5, a, -3)$
        """)), Text(PrintWithTopAndDiv));

    [Fact]
    public void PrintWithTopAndDivJson() => Assert.Equal(CatA("""
        {"type": "map", "data": {"@b": {"1": 2, "3": 3}}}$
        {"type": "hist", "data": {"@c": [{"min": 2, "max": 3, "count": 1}, {"min": 4, "max": 7, "count": 0}, {"min": 8, "max": 15, "count": 0}, {"min": 16, "max": 31, "count": 0}, {"min": 32, "max": 63, "count": 0}]}}$
        {"type": "stats", "data": {"@i": {"l": 5, "k": 9}}}$
        {"type": "map", "data": {"@a": 0}}$
        {"type": "map", "data": {"@t": [5,"a",-3]}}$
        """), Json(PrintWithTopAndDiv));

    // BEGIN { @a = 1; @b[1] = 2; @b[2] = 1; @c = hist(3); @f = stats(10); @h = avg(7); @i["k"] = avg(9);
    //         @i["j"] = avg(2); @k[5] = lhist(5, 0, 100, 10); print(@a); print(@b); print(@c); print(@f); print(@h);
    //         print(@i); print(@k); printf("end\n"); clear(@a); clear(@b); clear(@c); clear(@f); clear(@h);
    //         clear(@i); clear(@k); exit(); }
    // (bpftrace 0.17 then prints empty lines for the cleared maps at exit; we print nothing: see DifferencesFromBpftraceTests.)
    private static void ExplicitPrints(IOutputWriter w)
    {
        w.Map(Scalar("@a", I(1)));
        w.Map(Keyed("@b", E(I(2), 1), E(I(1), 2)));
        w.Map(Scalar("@c", HistValue.Of(3)));
        w.Map(Scalar("@f", new StatsValue(1, 10)));
        w.Map(Scalar("@h", new AvgValue(7, 1)));
        w.Map(Keyed("@i", E(new AvgValue(9, 1), "k"), E(new AvgValue(2, 1), "j")));
        w.Map(Keyed("@k", E(LinearHistValue.Of(0, 100, 10, 5), 5)));
        w.Printf("end\n");
        w.MapsAtExit([Empty("@a", true), Empty("@b"), Empty("@c", true), Empty("@f", true), Empty("@h", true), Empty("@i"), Empty("@k")]);
    }

    [Fact]
    public void ExplicitPrintOfEveryKindText() => Assert.Equal(WithNewestHistogramHeaders(CatA("""
        @a: 1$
        @b[2]: 1$
        @b[1]: 2$
        @c: $
        [2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        @f: count 1, average 10, total 10$
        $
        @h: 7$
        $
        @i[j]: 2$
        @i[k]: 9$
        $
        @k[5]: $
        [0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|$
        $
        end$
        """)), Text(ExplicitPrints));

    [Fact]
    public void ExplicitPrintOfEveryKindJson() => Assert.Equal(CatA("""
        {"type": "map", "data": {"@a": 1}}$
        {"type": "map", "data": {"@b": {"2": 1, "1": 2}}}$
        {"type": "hist", "data": {"@c": [{"min": 2, "max": 3, "count": 1}]}}$
        {"type": "stats", "data": {"@f": {"count": 1, "average": 10, "total": 10}}}$
        {"type": "stats", "data": {"@h": 7}}$
        {"type": "stats", "data": {"@i": {"j": 2, "k": 9}}}$
        {"type": "hist", "data": {"@k": {"5": [{"min": 0, "max": 9, "count": 1}]}}}$
        {"type": "printf", "data": "end\n"}$
        """), Json(ExplicitPrints));

    // BEGIN { @b[1] = 20; @c = hist(3); @l = lhist(5, 0, 100, 10); @f[1] = stats(10); @i["k"] = avg(90);
    //         zero(@b); zero(@c); zero(@l); zero(@f); zero(@i); exit(); }
    private static readonly MapSnapshot[] ZeroedMaps =
    [
        Keyed("@b", E(I(0), 1)),
        Scalar("@c", new HistValue(new ulong[Histogram.Log2BucketCount])),
        Scalar("@l", new LinearHistValue(0, 100, 10, new ulong[Histogram.LinearBucketCount(0, 100, 10)])),
        Keyed("@f", E(new StatsValue(0, 0), 1)),
        Keyed("@i", E(new AvgValue(0, 0), "k")),
    ];

    [Fact]
    public void ZeroedMapsKeepTheirEntriesText() => Assert.Equal(WithNewestHistogramHeaders(CatA("""
        $
        $
        @b[1]: 0$
        @c: $
        $
        @f[1]: count 0, average 0, total 0$
        $
        @i[k]: 0$
        $
        @l: $
        $
        """)), Text(w => w.MapsAtExit(ZeroedMaps)));

    [Fact]
    public void ZeroedMapsKeepTheirEntriesJson() => Assert.Equal(CatA("""
        {"type": "map", "data": {"@b": {"1": 0}}}$
        {"type": "hist", "data": {"@c": []}}$
        {"type": "stats", "data": {"@f": {"1": {"count": 0, "average": 0, "total": 0}}}}$
        {"type": "stats", "data": {"@i": {"k": 0}}}$
        {"type": "hist", "data": {"@l": []}}$
        """), Json(w => w.MapsAtExit(ZeroedMaps)));

    // BEGIN { @s = "x\"y\\z\n\t"; @m["a\"b"] = 1; @m["x,y"] = 2; @n["q\\"] = "v\"\n";
    //         printf("%s|\n", "a\"b\\c/\x01\x1f\x7f"); exit(); }
    private static void Escaping(IOutputWriter w)
    {
        w.Printf(PrintfFormatter.Format("%s|\n", [S("a\"b\\c/\x01\x1f\x7f")]));
        w.MapsAtExit(
        [
            Scalar("@s", S("x\"y\\z\n\t")),
            Keyed("@m", E(I(2), "x,y"), E(I(1), "a\"b")),
            Keyed("@n", E(S("v\"\n"), "q\\")),
        ]);
    }

    [Fact]
    public void SpecialCharactersText() => Assert.Equal(CatA("""
        a"b\c/^A^_^?|$
        $
        $
        @m[a"b]: 1$
        @m[x,y]: 2$
        @n[q\]: v"$
        $
        @s: x"y\z$
        ^I$
        """), Text(Escaping));

    [Fact]
    public void SpecialCharactersAreEscapedAsBpftraceDoesJson() => Assert.Equal(CatA("""
        {"type": "printf", "data": "a\"b\\c/\u0001\u001f^?|\n"}$
        {"type": "map", "data": {"@m": {"a\"b": 1, "x,y": 2}}}$
        {"type": "map", "data": {"@n": {"q\\": "v\"\n"}}}$
        {"type": "map", "data": {"@s": "x\"y\\z\n\t"}}$
        """), Json(Escaping));

    // BEGIN { print(5); print("str"); print((1, "a")); print((uint64)-1); print((1, (2, "x")));
    //         printf("no newline"); printf("|\n"); exit(); }
    private static void Values(IOutputWriter w)
    {
        w.Value(I(5));
        w.Value(S("str"));
        w.Value(T(I(1), S("a")));
        w.Value(U(ulong.MaxValue));
        w.Value(T(I(1), T(I(2), S("x"))));
        w.Printf("no newline");
        w.Printf("|\n");
        w.MapsAtExit([]);
    }

    [Fact]
    public void PrintedValuesText() => Assert.Equal(CatA("""
        5$
        str$
        (1, a)$
        18446744073709551615$
        (1, (2, x))$
        no newline|$
        """), Text(Values));

    [Fact]
    public void PrintedValuesJson() => Assert.Equal(CatA("""
        {"type": "value", "data": 5}$
        {"type": "value", "data": "str"}$
        {"type": "value", "data": [1,"a"]}$
        {"type": "value", "data": 18446744073709551615}$
        {"type": "value", "data": [1,[2,"x"]]}$
        {"type": "printf", "data": "no newline"}$
        {"type": "printf", "data": "|\n"}$
        """), Json(Values));

    // echo -n filecontent > /tmp/f.txt
    // bpftrace --unsafe -e 'BEGIN { cat("/tmp/f.txt"); printf("|\n"); system("echo hi"); printf("|\n"); time("%H");
    //                               printf("|\n"); exit(); }'   (the hour was 08)
    private static void AsyncTexts(IOutputWriter w)
    {
        w.Cat("filecontent");
        w.Printf("|\n");
        w.Syscall("hi\n");
        w.Printf("|\n");
        w.Time("08");
        w.Printf("|\n");
    }

    [Fact]
    public void CatSystemAndTimeText() => Assert.Equal(CatA("""
        filecontent|$
        hi$
        |$
        08|$
        """), Text(AsyncTexts));

    [Fact]
    public void CatSystemAndTimeJson() => Assert.Equal(CatA("""
        {"type": "cat", "data": "filecontent"}$
        {"type": "printf", "data": "|\n"}$
        {"type": "syscall", "data": "hi\n"}$
        {"type": "printf", "data": "|\n"}$
        {"type": "time", "data": "08"}$
        {"type": "printf", "data": "|\n"}$
        """), Json(AsyncTexts));

    // bpftrace -e 'tracepoint:syscalls:sys_enter_execve /pid == cpid/ { join(args->argv); join(args->argv, ","); }'
    //     -c "/bin/true a bb ccc"   (and with -f json)
    private static void Joins(IOutputWriter w)
    {
        w.Join("/bin/true a bb ccc");
        w.Join("/bin/true,a,bb,ccc");
    }

    [Fact]
    public void JoinText() => Assert.Equal(CatA("""
        /bin/true a bb ccc$
        /bin/true,a,bb,ccc$
        """), Text(Joins));

    [Fact]
    public void JoinJson() => Assert.Equal(CatA("""
        {"type": "join", "data": "/bin/true a bb ccc"}$
        {"type": "join", "data": "/bin/true,a,bb,ccc"}$
        """), Json(Joins));
}
