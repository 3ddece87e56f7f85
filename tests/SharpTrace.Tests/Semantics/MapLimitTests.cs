using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Maps too large to create are refused while checking (<see cref="MapLimits"/>), at their declaration or their first
/// mention. bpftrace has no such limit (it asks the kernel, which takes minutes); the wording is ours.
/// </summary>
public class MapLimitTests
{
    [Theory]
    [InlineData("⟦let @p = percpuarray(20000000)⟧; BEGIN { @p[1] = count(); }",
        "@p asks for 20,000,000 entries: a map with a value per CPU holds at most 4,194,304 here (the kernel allocates every entry on every CPU when it creates the map, in one system call no signal interrupts)")]
    [InlineData("⟦let @h = hash(100000000)⟧; BEGIN { @h[1] = 1; }",
        "@h asks for 100,000,000 entries: a map holds at most 16,777,216 here (the kernel allocates every entry when it creates the map, in one system call no signal interrupts)")]
    [InlineData("⟦let @c = lruhash(5000000)⟧; BEGIN { @c[comm] = count(); }",
        "@c asks for 5,000,000 entries: a map with a value per CPU holds at most 4,194,304 here (the kernel allocates every entry on every CPU when it creates the map, in one system call no signal interrupts)")]
    public void TooManyEntriesAreRefusedAtTheDeclaration(string annotated, string message) => SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void TooMuchMemoryIsRefusedNamingWhatItWouldTake()
    {
        // 16,777,216 entries of a 64-byte key (eight int64s; the keys are laid out as a tuple, so eight int8 literals
        // would take 8 bytes) and an 8-byte value: 1.1 GiB.
        SemanticKit.AssertDiagnostics("⟦let @s = hash(16777216)⟧; BEGIN { @s[(int64)1, (int64)2, (int64)3, (int64)4, (int64)5, (int64)6, (int64)7, (int64)8] = 1; }",
            "@s needs 1.1 GiB of kernel memory (16,777,216 entries of 72 bytes): a map takes at most 1 GiB here");
    }

    [Fact]
    public void PerCpuValueMemoryCountsEveryCpu()
    {
        var map = new MapSymbol("@a", 0) { KeyTypes = [BpfType.Int64], ValueType = new AggregationType(AggregationKind.Stats) };

        Assert.Null(MapLimits.Problem(map, 4_000_000, possibleCpus: 2));
        Assert.Equal("@a needs 2.9 GiB of kernel memory (4,000,000 entries of 8 bytes of key and 16 of value on each of 48 CPUs): a map takes at most 1 GiB here",
            MapLimits.Problem(map, 4_000_000, possibleCpus: 48));
    }

    [Fact]
    public void MaxMapKeysSizesUndeclaredMapsAndTheErrorPointsAtTheirFirstMention()
    {
        var (_, diagnostics) = SemanticKit.Bind("config = { max_map_keys = 20000000 } BEGIN { @n = 1; @m[pid] = 2; }");

        var error = Assert.Single(diagnostics);
        Assert.StartsWith("@m asks for 20,000,000 entries: a map holds at most 16,777,216 here", error.Message);
        Assert.Equal("@m[pid]", "config = { max_map_keys = 20000000 } BEGIN { @n = 1; @m[pid] = 2; }"[error.Span.Start..error.Span.End]);
    }

    [Theory]
    [InlineData("let @p = percpuarray(4194304); BEGIN { @p[1] = count(); }")]
    [InlineData("let @h = hash(16777216); BEGIN { @h[1] = 1; }")]
    public void MapsAtTheLimitsAreAccepted(string script) => SemanticKit.AssertDiagnostics(script);
}
