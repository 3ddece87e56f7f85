using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// Run-time effects of map value types as the newest bpftrace defines them: a count read in the program is a uint64
/// (so `@c - 2` is a signed int64, `@c / 2` unsigned), an avg reads as its average over every CPU, `delete()`'s value on hist/lhist and per-CPU array maps, and
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
    public async Task AnAvgReadsAsItsAverage()
    {
        // The newest bpftrace reads an avg_t as total / count (irbuilderbpf.cpp CreatePerCpuMapAggElems): (5 + 8) / 2,
        // a signed total divided as its magnitude, so (-5 - 8) / 2 is -6 (toward zero), unsigned ones divided as
        // such; a missing key reads 0; a for loop's value is the average too.
        var result = await SharpTraceRun.RunAsync(["-q", "--no-print-maps", "-e", """
            BEGIN {
              @a = avg(5); @a = avg(8); $x = @a;
              @n[1] = avg(-5); @n[1] = avg(-8); @u = avg((uint64)7); @u = avg((uint64)8);
              @k[1] = avg(10); @k[1] = avg(5);
              printf("%d %d %d %u %d|", $x, @a + 1, @n[1], @u, @n[2]);
              for ($kv : @k) { printf("%d %d\n", $kv.0, $kv.1); }
              exit();
            }
            """]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("6 7 -6 7 0|1 7\n", result.Stdout);
    }

    [Fact]
    public async Task AnAvgReadInTheProgramCombinesEveryCpu()
    {
        // Three kill(1, 0) calls, two on CPU 0 and one on a second CPU: every CPU's totals and counts are summed before
        // the division, so the average of 4, 4 and 14 is 22 / 3 = 7 and of their negations -7 (not the floor, -8).
        const string Match = "args->pid == 1 && args->sig == 0";
        var script = $$"""
            tracepoint:syscalls:sys_enter_kill /{{Match}}/ { @a = avg(cpu * 10 + 4); @n[1] = avg(-(int64)(cpu * 10 + 4)); @runs++; }
            tracepoint:syscalls:sys_enter_kill /{{Match}} && @runs == 3/ { printf("%d %d\n", @a, @n[1]); exit(); }
            """;
        using var tool = SharpTraceRun.Start(["-q", "--no-print-maps", "-e", script]);
        await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
        var secondCpu = Environment.ProcessorCount > 1 ? 1 : 0;
        foreach (var cpu in new[] { 0, 0, secondCpu })
        {
            using var child = System.Diagnostics.Process.Start("taskset", ["-c", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), "sh", "-c", "kill -0 1"])!;
            await child.WaitForExitAsync().WaitAsync(TracerProcess.DefaultTimeout);
        }
        var result = await tool.WaitForExitAsync(TracerProcess.DefaultTimeout);

        var average = (12 + 10 * secondCpu) / 3;
        Assert.Equal((0, $"{average} {-average}\n"), (result.ExitCode, result.Stdout));
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
