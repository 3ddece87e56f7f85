using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// Strings of <c>max_strlen = 1024</c> (the default, as the newest bpftrace's) do not fit the 512-byte BPF stack: the
/// slots holding them live in a per-CPU scratch map, one entry per function (probe or loop body). The values are
/// checked in full: a path the test opens, read by the kernel, printed, used as a map key and value, in a tuple.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class LongStringTests : KernelTest
{
    [Fact]
    public async Task APathOfNineHundredBytesIsReadPrintedAndStoredInFull()
    {
        var prefix = $"/tmp/sharptrace-long-{Guid.NewGuid():N}"[..33];
        // Components of 100 bytes (a name may have 255): the call is made and fails, the tracepoint sees the path.
        var path = prefix + string.Concat(Enumerable.Range(0, 8).Select(i => $"/{i}" + new string((char)('a' + i), 99)));
        Assert.InRange(path.Length, 800, 1000);
        var script = $$"""
            tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
              $p = str(args.filename);
              if (strncmp($p, "{{prefix}}", {{prefix.Length}}) == 0) {
                @paths[$p] = $p;
                @opens[$p] = count();
                printf("open %s %d\n", $p, strlen($p));
                print(($p, 7));
                @t = ($p, 8);
                exit();
              }
            }
            """;

        using var tool = SharpTraceRun.Start(["-e", script]);
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", path);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            $"open {path} {path.Length}\n({path}, 7)\n\n\n@opens[{path}]: 1\n@paths[{path}]: {path}\n@t: ({path}, 8)\n",
            result.Stdout);
    }

    [Fact]
    public async Task ByDefaultAStringKeepsAHundredBytesWhereBpftrace017KeepsSixtyThree()
    {
        // bpftrace 0.17's max_strlen is 64 (63 bytes and the NUL); the newest's, and ours, 1024.
        var prefix = $"/tmp/sharptrace-long-{Guid.NewGuid():N}"[..33];
        var path = prefix + "/" + new string('x', 66);
        Assert.Equal(100, path.Length);
        var script = $$"""
            tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
              $p = str(args->filename);
              if (strncmp($p, "{{prefix}}", {{prefix.Length}}) == 0) { printf("open %s\n", $p); @[$p] = 1; exit(); }
            }
            """;

        using var bpftrace = BpftraceRun.Start(["-e", script]);
        var expected = await TestPrograms.RunWhileTracedAsync(bpftrace, "opener", path);
        using var tool = SharpTraceRun.Start(["-e", script]);
        var actual = await TestPrograms.RunWhileTracedAsync(tool, "opener", path);

        Assert.Equal((0, $"open {path[..63]}\n\n\n@[{path[..63]}]: 1\n"), (expected.ExitCode, expected.Stdout));
        Assert.Equal((0, $"open {path}\n\n\n@[{path}]: 1\n"), (actual.ExitCode, actual.Stdout));
    }

    [Fact]
    public async Task StringsOfNineThousandBytesInATupleLiveInSeveralScratchEntries()
    {
        // The newest's runtime/call "str_big_for" (max_strlen 9999, a 5556-byte path as key and value, printed as a
        // tuple in a loop): more than one 32 KiB scratch entry holds, so the slots spread over several.
        var prefix = $"/tmp/sharptrace-big-{Guid.NewGuid():N}"[..32];
        // Components of 100 bytes: the open fails (no such directory), the tracepoint still reads the whole path.
        var path = prefix + string.Concat(Enumerable.Range(0, 55).Select(i => "/" + new string((char)('a' + i % 26), 99)));
        Assert.InRange(path.Length, 5500, 5600);
        var script = $$"""
            config = { max_strlen = 9999 }
            tracepoint:syscalls:sys_enter_openat /comm == "opener"/ {
              if (strncmp(str(args.filename), "{{prefix}}", {{prefix.Length}}) == 0) {
                @map[str(args.filename)] = str(args.filename);
                for ($kv : @map) { print($kv); }
                exit();
              }
            }
            """;

        using var tool = SharpTraceRun.Start(["-e", script]);
        var result = await TestPrograms.RunWhileTracedAsync(tool, "opener", path);

        Assert.Equal((0, $"({path}, {path})\n\n\n@map[{path}]: {path}\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task SeveralLongVariablesLiveInTheProbeAndInItsLoopBodies()
    {
        var result = await SharpTraceRun.RunAsync(["-e", """
            BEGIN {
              $a = str(1); $b = str(22); $c = str(333);
              @m[$a, $b] = $c;
              printf("%s %s %s\n", $a, $b, $c);
              for ($kv : @m) { $s = $kv.0.1; printf("for %s %s\n", $s, $kv.1); }
              for ($i : 0..2) { printf("%d %s %s\n", $i, $a, $c); }
              exit();
            }
            """]);

        Assert.Equal((0, "1 22 333\nfor 22 333\n0 1 333\n1 1 333\n\n\n@m[1, 22]: 333\n"), (result.ExitCode, result.Stdout));
    }
}
