using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Cli;

/// <summary>
/// <c>-q</c> with <c>-f json</c> writes no attached_probes record: the newest bpftrace writes it only when not quiet,
/// and its runtime/json-output cases (run with <c>-q -f json</c>) expect exactly the program's records, as
/// bench/conformance found.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class QuietJsonTests : KernelTest
{
    [Fact]
    public async Task QuietJsonHoldsOnlyTheProgramsRecords()
    {
        // runtime/json-output "multiple maps": runtime/outputs/multiple_maps.ndjson, one map record per map.
        var result = await SharpTraceRun.RunAsync(["-q", "-f", "json", "-e", """begin { @map1["key1"] = 2; @map2["key2"] = 3;  }"""]);

        Assert.Equal(
            (0, "{\"type\": \"map\", \"data\": {\"@map1\": {\"key1\": 2}}}\n{\"type\": \"map\", \"data\": {\"@map2\": {\"key2\": 3}}}\n", ""),
            (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task WithoutQuietTheAttachedProbesRecordComesFirst()
    {
        var result = await SharpTraceRun.RunAsync(["-f", "json", "-e", "begin { @scalar = 5;  }"]);

        Assert.Equal(
            (0, "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n{\"type\": \"map\", \"data\": {\"@scalar\": 5}}\n"),
            (result.ExitCode, result.Stdout));
    }
}
