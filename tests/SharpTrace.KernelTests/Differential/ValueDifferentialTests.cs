using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Differential;

/// <summary>
/// Values the Lowering stage covers, under sharptrace and bpftrace 0.17: string comparisons with literals of every
/// length around a word, tuple elements, tuples stored into maps whose strings are wider than the tuple's, and an
/// expression deep enough that its values spill to the stack.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ValueDifferentialTests : KernelTest
{
    public static TheoryData<string> Scripts => new()
    {
        """BEGIN { $a = "x"; $b = "abcdefg"; $c = "abcdefgh"; $d = "abcdefghi"; $e = "abcdefghijklmno"; $f = ""; printf("%d %d %d %d %d %d\n", $a == "x", $b == "abcdefg", $c == "abcdefgh", $d == "abcdefghi", $e == "abcdefghijklmno", $f == ""); printf("%d %d %d %d %d %d\n", $a == "xy", $b == "abcdefgh", $c == "abcdefg", $d != "abcdefghj", "abcdefghijklmno" != $e, $f != "a"); printf("%d %d %d\n", $b == $c, $c == $c, $d != $e); if ($c == "abcdefgh" && $a != "y") { printf("both\n"); } @ok = (int64)($d == "abcdefghi"); exit(); }""",
        """BEGIN { $t = ((int8)-3, "ab", ((int16)-7, 9)); @m[1] = ("xyz", -5, "zz"); $u = @m[1]; printf("%d %s %d %d\n", $t.0, $t.1, $t.2.0, $t.2.1); printf("%s %d %s %d\n", @m[1].0, @m[1].1, $u.2, @m[2].1); @e = $t.2.0 + $u.1; @s = $t.1; @n[1] = (((int8)-1, "q"), "a"); @x["k"] = ("v", (int16)-3); exit(); }""",
        "BEGIN { $x = 3; @r = ($x * 2 + ($x * 3 + ($x * 4 + ($x * 5 + ($x * 6 + ($x * 7 + ($x * 8 + ($x * 9 + ($x * 10 + ($x * 11 + ($x * 12 + ($x * 13 + ($x * 14 + ($x * 15 + ($x * 16 + ($x * 17 + ($x * 18 + ($x * 19 + ($x * 20 + ($x * 21 + ($x * 22 + ($x * 23 + ($x * 24 + ($x * 25 + ($x * 26 + ($x * 27 + ($x * 28 + ($x * 29 + ($x * 30 + ($x * 31 + ($x * 32 + ($x * 33 + ($x * 34 + ($x * 35 + ($x * 36 + ($x * 37 + ($x * 38 + ($x * 39 + ($x * 40 + ($x * 41 + ($x * 42 + ($x * 43 + ($x * 44 + ($x * 45 + ($x * 46 + ($x * 47 + ($x * 48 + ($x * 49 + ($x * 50 + ($x * 51 + ($x * 52 + ($x * 53 + ($x * 54 + ($x * 55 + ($x * 56 + ($x * 57 + ($x * 58 + ($x * 59 + ($x * 60 + ($x * 61 + ($x * 62 + ($x * 63 + ($x * 64 + ($x * 65 + $x)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))); exit(); }",
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task TextIsWhatBpftracePrints(string script)
    {
        await AgainstBpftrace.AssertTextMatchesAsync(script);
    }
}
