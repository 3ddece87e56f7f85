using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Maps;

/// <summary>
/// Increments and decrements used as values, and tuple elements, under sharptrace and bpftrace 0.17 (which has both,
/// but no for loops): text stdout is equal, JSON stdout equal once bpftrace's empty lines are dropped. Every script
/// leaves a map to print, since bpftrace writes its exit section's two newlines even when no map is printed.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class IncrementDifferentialTests : KernelTest
{
    public static TheoryData<string> Scripts => new()
    {
        """BEGIN { $x = 5; $y = $x++; $z = ++$x; $w = $x--; $v = --$x; printf("%d %d %d %d %d\n", $x, $y, $z, $w, $v); @x = $x; exit(); }""",
        """BEGIN { @x = 1; $a = @x++; $b = ++@x; @m[3] = 10; $c = @m[3]--; $d = --@m[3]; $e = @new++; printf("%d %d %d %d %d\n", $a, $b, $c, $d, $e); exit(); }""",
        """BEGIN { $i = 0; if ($i++ == 0) { printf("post %d\n", $i); } if (++$i == 2) { printf("pre %d\n", $i); } @k[$i++] = $i; exit(); }""",
        """BEGIN { $t = (1, "two", (3, 4)); printf("%d %s %d %d\n", $t.0, $t.1, $t.2.0, $t.2.1); @u = $t.2; exit(); }""",
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
        await AgainstBpftrace.AssertJsonLinesMatchAsync(script);
    }
}
