using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Builtins;

/// <summary>ncpus prints the number of possible CPUs that /sys/devices/system/cpu/possible lists, in text and JSON.</summary>
[Trait("Category", "Kernel")]
public sealed class NcpusTests : KernelTest
{
    private const string Script = """BEGIN { printf("%d\n", ncpus); @n = ncpus; exit(); }""";

    [Fact]
    public async Task PrintsThePossibleCpus()
    {
        var cpus = PossibleCpus();
        var result = await SharpTraceRun.RunAsync(["-e", Script]);

        Assert.Equal((0, $"{cpus}\n\n\n@n: {cpus}\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task JsonPrintsThePossibleCpus()
    {
        var cpus = PossibleCpus();
        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e", Script]);

        Assert.Equal(0, result.ExitCode);
        JsonLines.AssertEveryLineIsAnObject(result.Stdout);
        Assert.Equal(
            [$$"""{"type": "printf", "data": "{{cpus}}\n"}""", "{\"type\": \"map\", \"data\": {\"@n\": " + cpus + "}}"],
            JsonLines.NonEmpty(result.Stdout).Where(l => !l.Contains("attached_probes", StringComparison.Ordinal)));
    }

    /// <summary>The CPUs in /sys/devices/system/cpu/possible's ranges ("0-1", "0-3,6").</summary>
    private static int PossibleCpus() =>
        File.ReadAllText("/sys/devices/system/cpu/possible").Trim().Split(',')
            .Sum(range => range.Split('-') is [var first, var last] ? int.Parse(last) - int.Parse(first) + 1 : 1);
}
