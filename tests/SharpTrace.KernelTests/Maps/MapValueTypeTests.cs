using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// Run-time effects of map value types as the newest bpftrace defines them: a count read in the program is a uint64
/// (so `@c - 2` is a signed int64, `@c / 2` unsigned), `delete()`'s value on hist/lhist and per-CPU array maps, and
/// the run-time warning of a discarded delete that found nothing (stdlib/base.bt "delete", output/text.cpp).
/// bpftrace 0.17 reads aggregations as int64, has no value for delete() and gives no warning.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class MapValueTypeTests : KernelTest
{
    [Fact]
    public async Task ACountReadsAsAnUnsignedIntegerWhoseDifferenceIsSigned()
    {
        var result = await SharpTraceRun.RunAsync(["-e", """
            BEGIN { @c = count(); @s = sum(-5); printf("%d %d %d %d\n", @c - 2, @c + 1, @s - 1, @c > 0); clear(@c); clear(@s); exit(); }
            """]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("-1 2 -6 1\n", result.Stdout);
    }

    [Fact]
    public async Task DeleteOfAHistogramOrPerCpuArrayKeyIsTrueWhenSomethingWasDeleted()
    {
        var result = await SharpTraceRun.RunAsync(["-e", """
            let @p = percpuarray(4);
            BEGIN { @h[1] = hist(5); @h[1] = hist(100); @l = lhist(3, 0, 10, 1); @p[1] = count();
                    printf("%d %d %d %d %d %d\n", delete(@h, 1), delete(@h, 1), delete(@h, 2), delete(@l), delete(@p, 1), delete(@p, 1));
                    exit(); }
            """]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        // Every map is empty afterwards: nothing is printed at exit.
        Assert.Equal("1 0 0 1 1 0\n", result.Stdout);
    }

    [Fact]
    public async Task ADiscardedDeleteOfAMissingKeyWarnsAtRunTime()
    {
        var result = await SharpTraceRun.RunAsync(["-e", """BEGIN { @a[2] = 1; delete(@a, 2); delete(@a, 3); if (delete(@a, 4)) { } $d = delete(@a[5]); exit(); }"""]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stdout);
        // One warning: the delete of 3, whose value is discarded; the deletes whose value is used don't warn.
        Assert.Contains("stdin:1:35-48: WARNING: Can't delete map element because it does not exist.\nAdditional Info - helper: 3, retcode: -2\n", result.Stderr);
        Assert.Single(result.Stderr.Split('\n'), line => line.Contains("Can't delete", StringComparison.Ordinal));
    }
}
