using System.Collections.Concurrent;
using SharpTrace.Runtime;

namespace SharpTrace.Tests.Probes;

public sealed class ConcurrentReleaseTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(361)]
    public void ReleasesEveryItemExactlyOnce(int count)
    {
        var released = new ConcurrentBag<int>();

        ConcurrentRelease.Run(Enumerable.Range(0, count).ToList(), released.Add);

        Assert.Equal(Enumerable.Range(0, count), released.Order());
    }

    [Fact]
    public void BlockingReleasesOverlap()
    {
        // Eight releases that each wait 200 ms take far less than 1.6 s when they run side by side.
        var clock = System.Diagnostics.Stopwatch.StartNew();

        ConcurrentRelease.Run(Enumerable.Range(0, 8).ToList(), _ => Thread.Sleep(200));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.2), $"took {clock.Elapsed}");
    }
}
