using System.Diagnostics;
using SharpTrace.KernelTests.Support;
using SharpTrace.Samples;

namespace SharpTrace.KernelTests.Api;

/// <summary>The sample in samples/OpenatCounter, run in-process against the real kernel.</summary>
[Trait("Category", "Kernel")]
public sealed class OpenatCounterSampleTests : KernelTest
{
    [Fact]
    public async Task SampleCountsTheOpenatCallsOfAProcessStartedWhileItRuns()
    {
        var counts = await OpenatCounter.CountAsync(TimeSpan.FromSeconds(1), attached: () =>
        {
            using var opener = Process.Start(TestPrograms.PathOf("opener"), $"/tmp/sharptrace-sample-{Guid.NewGuid():N}");
            Assert.True(opener.WaitForExit(TracerProcess.DefaultTimeout));
        }).WaitAsync(TracerProcess.DefaultTimeout);

        // The opener opens its path once; the dynamic loader opens its libraries with openat too.
        var opener = Assert.Single(counts, c => c.Comm == "opener");
        Assert.InRange(opener.Count, 1UL, 100UL);
        Assert.Equal(counts.OrderByDescending(c => c.Count).Select(c => c.Count), counts.Select(c => c.Count));
    }
}
