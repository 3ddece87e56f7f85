using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// Map key and value kinds, increments and deletes under sharptrace and bpftrace 0.17: text stdout is equal; JSON
/// stdout is equal once bpftrace's empty lines are dropped, and we assert that ours has none.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class MapKindsDifferentialTests : KernelTest
{
    public static TheoryData<string> Scripts => new()
    {
        """BEGIN { @s = "abc"; @k["x"] = 1; @k["yy"] = 2; @v[3] = "three"; @w["a"] = "b"; exit(); }""",
        """BEGIN { @t = (1, "b"); @u[1, "a"] = (2, "c"); @u[2, "b"] = (3, "d"); @n[-5] = 1; @n[7] = 2; exit(); }""",
        """BEGIN { @k[1, 2] = 3; @k[4, 5] = 6; @k2[7, "x"] = 8; @big = 0xffffffffff; @neg = -12; exit(); }""",
        "BEGIN { @x = 1; @x++; ++@x; @m[1] = 5; @m[1]--; --@m[1]; @m[2]++; $x = 3; $x++; $x += 4; @z = $x; exit(); }",
        "BEGIN { @y = 10; @y <<= 2; @y |= 1; @y ^= 3; @y -= 1; @y *= 3; @y += 7; @y &= 255; @y >>= 1; @d = 100; @d /= 7; @r = 100; @r %= 7; exit(); }",
        """BEGIN { @m[1] = 1; @m[2] = 2; @m[3] = 3; delete(@m[2]); @s["a"] = "x"; @s["b"] = "y"; delete(@s["a"]); exit(); }""",
        // Integer keys of other widths and signedness share a map (capable.bt reads @cap[$cap] with a uint64).
        "BEGIN { @m[1] = 1; $x = (uint64)2; @m[$x] = 2; $y = (uint8)3; @m[$y] = 3; @n[(uint32)4] = @m[(int16)1]; @n[-1] = 9; @w[(uint32)0xffffffff] = 2; exit(); }",
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task TextIsWhatBpftracePrints(string script)
    {
        await AgainstBpftrace.AssertTextMatchesAsync(script);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task JsonIsWhatBpftracePrintsWithoutItsEmptyLines(string script)
    {
        var expected = await AgainstBpftrace.AssertJsonLinesMatchAsync(script);
        // DESIGN.md: bpftrace writes two empty lines before the maps; we write none.
        Assert.Contains("\n\n", expected.Stdout);
    }

    [Fact]
    public async Task UnsignedKeysPastInt64PrintUnsignedAsTheNewestBpftraceWhereBpftracePrintsThemSigned()
    {
        // runtime/map "uint64 key" of the newest bpftrace: `@a[18446744073709551615] = 0` prints
        // `@a[18446744073709551615]: 0`; bpftrace 0.17 reads every 64-bit key as signed (`@a[-1]: 0`, docs/differences.md).
        const string script = "BEGIN { @a[18446744073709551615] = 0; @u[(uint64)-2, 1] = 2; @u[(uint64)1, 2] = 1; exit(); }";
        // Distinct values: bpftrace sorts a map by value, and equal values in no fixed order.
        var old = await BpftraceRun.RunAsync(["-e", script]);
        var text = await SharpTraceRun.RunAsync(["-e", script]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        Assert.Equal("\n\n@a[-1]: 0\n@u[1, 2]: 1\n@u[-2, 1]: 2\n", old.Stdout);
        Assert.Equal((0, "\n\n@a[18446744073709551615]: 0\n@u[1, 2]: 1\n@u[18446744073709551614, 1]: 2\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "map", "data": {"@a": {"18446744073709551615": 0}}}
            {"type": "map", "data": {"@u": {"1,2": 1, "18446744073709551614,1": 2}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task ClearThenAssignKeepsTheNewValueWhereBpftraceLosesIt()
    {
        const string script = "BEGIN { @x = 1; clear(@x); @x = 7; exit(); }";
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);

        // DESIGN.md rule 2: bpftrace clears asynchronously, after the 7 was written, and prints an empty line for @x.
        Assert.Equal("\n\n\n", expected.Stdout);
        Assert.Equal("\n\n@x: 7\n", actual.Stdout);
    }

    [Fact]
    public async Task DeletedScalarPrintsNothingWhereBpftracePrintsAnEmptyLine()
    {
        const string script = "BEGIN { @a = 1; @b = 2; delete(@a); exit(); }";
        var expected = await BpftraceRun.RunAsync(["-e", script]);
        var actual = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal("\n\n\n@b: 2\n", expected.Stdout);
        Assert.Equal("\n\n@b: 2\n", actual.Stdout);
    }
}
