using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// Forty-three string operations of every kind that walks its operands' bytes (==, !=, strncmp, memcmp with a literal
/// and a variable count, strlen, strcontains and strstr with literal and variable needles) in one probe at
/// <c>max_strlen = 1024</c>: each loop longer than a few bytes is a bpf_loop callback the verifier checks once, so
/// the probe stays far below the verifier's million instructions (inline loops walked per byte passed it at about
/// thirty such operations). The path the test opens is 841 bytes; the strings it is compared with differ from it
/// only past byte 64 (at 100) or only past byte 512 (at 700). The expectations follow the reference's definitions
/// (docs/stdlib.md): strncmp is 0 when the first n bytes agree; memcmp's sign is that of the first differing byte of
/// the left less the right one; strstr is the first offset of the needle or -1; strlen counts up to the NUL.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ManyStringOperationTests : KernelTest
{
    private static readonly string Prefix = $"/tmp/sharptrace-many-{Guid.NewGuid():N}"[..34];

    // Eight components of 101 bytes: "/0aaa...", "/1bbb...", ...; the call is made and fails, the tracepoint sees the path.
    private static readonly string Path = Prefix + string.Concat(Enumerable.Range(0, 8).Select(i => $"/{i}" + new string((char)('a' + i), 99)))[1..];

    private static string Changed(string s, int at) => s[..at] + char.ToUpperInvariant(s[at]) + s[(at + 1)..];

    private static string Script()
    {
        var (d100, d700) = (Changed(Path, 100), Changed(Path, 700));
        var (early, late) = (Path.Substring(130, 10), Path.Substring(735, 12));
        var lateMissing = late[..^1] + "X";
        return $$"""
            config = { max_strlen = 1024 }
            tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
              $p = str(args.filename);
              if (strncmp($p, "{{Prefix}}", {{Prefix.Length}}) == 0) {
                $same = "{{Path}}";
                $d100 = "{{d100}}";
                $d700 = "{{d700}}";
                $early = "{{early}}";
                $late = "{{late}}";
                $lateMissing = "{{lateMissing}}";
                $n700 = 700;
                $n701 = 701;
                @a = ($p == $same, $p == $d100, $p == $d700, $p != $same, $p != $d100, $p != $d700);
                @b = (strncmp($p, $d100, 100) == 0, strncmp($p, $d100, 101) == 0, strncmp($p, $d700, 700) == 0,
                      strncmp($p, $d700, 1024) == 0, strncmp($p, $same, 1024) == 0, strncmp($d100, $d700, 64) == 0);
                @c = (memcmp($p, $same, {{Path.Length}}) == 0, memcmp($p, $d100, {{Path.Length}}) > 0,
                      memcmp($d700, $p, {{Path.Length}}) < 0, memcmp($p, $d700, 700) == 0,
                      memcmp($p, $d700, $n700) == 0, memcmp($p, $d700, $n701));
                @d = (strlen($p), strlen($d700), strlen($early), strlen($late));
                @e = (strcontains($p, "{{late}}"), strcontains($p, "{{lateMissing}}"),
                      strstr($p, "{{early}}"), strstr($p, "{{late}}"), strstr($p, "{{lateMissing}}"));
                @f = (strcontains($p, $early), strcontains($p, $late), strcontains($p, $lateMissing),
                      strcontains($p, $same), strcontains($p, $d100), strcontains($p, $d700));
                @g = (strstr($p, $early), strstr($p, $late), strstr($p, $lateMissing), strstr($p, $same), strstr($p, $d700));
                @h = ($d100 != $d700, strlen($lateMissing), strcontains($d700, $late), strstr($d100, $early),
                      memcmp($d100, $d700, 64) == 0);
                exit();
              }
            }
            """;
    }

    [Fact]
    public void ThePathDiffersWhereTheTestSays()
    {
        Assert.Equal(841, Path.Length);
        Assert.Equal(('a', 'g'), (Path[100], Path[700]));
        Assert.Equal(("aaaa/1bbbb", "ggggg/7hhhhh"), (Path.Substring(130, 10), Path.Substring(735, 12)));
        Assert.Equal(1, Path.Split("ggggg/7hhhhh").Length - 1);
    }

    [Fact]
    public async Task FortyThreeOperationsInOneProbeLoadAndAgreeInText()
    {
        using var tool = SharpTraceRun.Start(["-e", Script()]);
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", Path);

        Assert.Equal(0, result.ExitCode);
        // 'g' less 'G': the first difference of memcmp($p, $d700, 701), at byte 700.
        Assert.Equal(
            "\n\n"
            + "@a: (true, false, false, false, true, true)\n"
            + "@b: (true, false, true, false, true, true)\n"
            + "@c: (true, true, true, true, true, 32)\n"
            + "@d: (841, 841, 10, 12)\n"
            + "@e: (true, false, 130, 735, -1)\n"
            + "@f: (true, true, false, true, false, false)\n"
            + "@g: (130, 735, -1, 0, -1)\n"
            + "@h: (true, 12, true, 130, true)\n",
            result.Stdout);
    }

    [Fact]
    public async Task FortyThreeOperationsInOneProbeLoadAndAgreeInJson()
    {
        using var tool = SharpTraceRun.Start(["-f", "json", "-e", Script()]);
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", Path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n"
            + "{\"type\": \"map\", \"data\": {\"@a\": [true,false,false,false,true,true]}}\n"
            + "{\"type\": \"map\", \"data\": {\"@b\": [true,false,true,false,true,true]}}\n"
            + "{\"type\": \"map\", \"data\": {\"@c\": [true,true,true,true,true,32]}}\n"
            + "{\"type\": \"map\", \"data\": {\"@d\": [841,841,10,12]}}\n"
            + "{\"type\": \"map\", \"data\": {\"@e\": [true,false,130,735,-1]}}\n"
            + "{\"type\": \"map\", \"data\": {\"@f\": [true,true,false,true,false,false]}}\n"
            + "{\"type\": \"map\", \"data\": {\"@g\": [130,735,-1,0,-1]}}\n"
            + "{\"type\": \"map\", \"data\": {\"@h\": [true,12,true,130,true]}}\n",
            result.Stdout);
    }
}
