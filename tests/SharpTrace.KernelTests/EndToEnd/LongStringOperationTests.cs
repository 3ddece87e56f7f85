using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// The string operations that walk their operands' bytes (==, !=, strncmp, memcmp, strlen, strcontains, strstr) at
/// <c>max_strlen = 1024</c>, on a path of 841 bytes the kernel reads, against strings that differ from it only past
/// byte 64 or only past byte 512: they are loops, so every byte counts, however far, and the verifier accepts them
/// all in one program. The expectations follow the reference's definitions (docs/stdlib.md): strncmp is 0 when the
/// first n bytes agree; memcmp's sign is that of the first differing byte of the left less the right one; strstr is
/// the first offset of the needle or -1.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class LongStringOperationTests : KernelTest
{
    [Fact]
    public async Task StringOperationsSeeDifferencesPastByte64AndPastByte512()
    {
        var prefix = $"/tmp/sharptrace-ops-{Guid.NewGuid():N}"[..33];
        // Eight components of 101 bytes: "/0aaa...", "/1bbb...", ...; the call is made and fails, the tracepoint sees the path.
        var path = prefix + string.Concat(Enumerable.Range(0, 8).Select(i => $"/{i}" + new string((char)('a' + i), 99)));
        Assert.Equal(841, path.Length);
        static string Changed(string s, int at) => s[..at] + char.ToUpperInvariant(s[at]) + s[(at + 1)..];
        var differs100 = Changed(path, 100);
        var differs700 = Changed(path, 700);
        Assert.Equal('a', path[100]);
        Assert.Equal('g', path[700]);
        // Needles found once, at 130 (across "/1") and 735 (across "/7"), and ones that match there but for their last byte.
        var early = path.Substring(130, 10);
        var late = path.Substring(735, 12);
        Assert.Equal(("aaaa/1bbbb", "ggggg/7hhhhh"), (early, late));
        var lateMissing = late[..^1] + "X";
        // Three probes on the event, each its own program: the verifier walks every iteration of a loop, and one
        // program's walk is bounded (a million instructions), so the operations are spread over them.
        var head = $$"""
            tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
              $p = str(args.filename);
              if (strncmp($p, "{{prefix}}", {{prefix.Length}}) == 0) {
                $same = "{{path}}";
                $d100 = "{{differs100}}";
                $d700 = "{{differs700}}";
            """;
        var script = $$"""
            config = { max_strlen = 1024 }
            {{head}}
                @a = ($p == $same, $p == $d100, $p == $d700, $p != $same, $p != $d100, $p != $d700);
                @b = (strncmp($p, $d100, 100) == 0, strncmp($p, $d100, 101) == 0, strncmp($p, $d700, 700) == 0,
                      strncmp($p, $d700, 1024) == 0, strncmp($p, $same, 1024) == 0);
                exit();
              }
            }
            {{head}}
                @c = (memcmp($p, $same, {{path.Length}}) == 0, memcmp($p, $d100, {{path.Length}}) > 0,
                      memcmp($d700, $p, {{path.Length}}) < 0, memcmp($p, $d700, 700) == 0, strlen($p));
                @d = (strcontains($p, "{{late}}"), strcontains($p, "{{lateMissing}}"),
                      strstr($p, "{{early}}"), strstr($p, "{{late}}"), strstr($p, "{{lateMissing}}"));
                exit();
              }
            }
            {{head}}
                $early = "{{early}}";
                $late = "{{late}}";
                $lateMissing = "{{lateMissing}}";
                @e = (strcontains($p, $early), strcontains($p, $late), strcontains($p, $lateMissing),
                      strcontains($p, $same), strcontains($p, $d100), strcontains($p, $d700));
                @f = (strstr($p, $early), strstr($p, $late), strstr($p, $lateMissing), strstr($p, $same), strstr($p, $d700));
                exit();
              }
            }
            """;

        using var tool = SharpTraceRun.Start(["-e", script]);
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "\n\n"
            + "@a: (true, false, false, false, true, true)\n"
            + "@b: (true, false, true, false, true)\n"
            + $"@c: (true, true, true, true, {path.Length})\n"
            + "@d: (true, false, 130, 735, -1)\n"
            + "@e: (true, true, false, true, false, false)\n"
            + "@f: (130, 735, -1, 0, -1)\n",
            result.Stdout);
    }
}
