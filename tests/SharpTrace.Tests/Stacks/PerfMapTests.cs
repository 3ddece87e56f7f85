using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Runtime;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Stacks;

/// <summary>JIT perf maps (<c>/tmp/perf-PID.map</c>): parsing, lookups, and user frames named through them.</summary>
public sealed class PerfMapTests
{
    // Lines as .NET 10 wrote them with DOTNET_PerfMapEnabled=1 (first two) and as Node's --perf-basic-prof does.
    private const string Lines = """
        7F1C2A4B0000 2A void [jit_loop] JitLoop.Spin::Busy(int32)[Optimized]
        7F1C2A4B0100 1F0 int32 [jit_loop] JitLoop.Spin::Main()[Tier0]
        0x7f1c2a4c0000 0x40 LazyCompile:~fib /app/fib.js:1
        not a line
        7F1C2A4D0000 0 zero-sized code is left out
        """;

    [Fact]
    public void LinesNameTheirRangesWithOffsets()
    {
        var map = PerfMap.Parse(new StringReader(Lines));

        Assert.Equal(("void [jit_loop] JitLoop.Spin::Busy(int32)[Optimized]", 0UL), map.Resolve(0x7F1C2A4B0000));
        Assert.Equal(("void [jit_loop] JitLoop.Spin::Busy(int32)[Optimized]", 0x29UL), map.Resolve(0x7F1C2A4B0029));
        Assert.Null(map.Resolve(0x7F1C2A4B002A));
        Assert.Equal(("int32 [jit_loop] JitLoop.Spin::Main()[Tier0]", 0x10UL), map.Resolve(0x7F1C2A4B0110));
        Assert.Equal(("LazyCompile:~fib /app/fib.js:1", 4UL), map.Resolve(0x7f1c2a4c0004));
        Assert.Null(map.Resolve(0x7F1C2A4D0000));
        Assert.Null(map.Resolve(0x1000));
    }

    [Fact]
    public void CodeCompiledAgainAtAnAddressIsNamedByTheLaterLine()
    {
        // Tiered compilation frees Tier0 code; its memory may hold the optimized code of another method later.
        var map = PerfMap.Parse(new StringReader("""
            1000 100 old
            1000 80 new
            1040 10 inner
            """));

        Assert.Equal(("new", 0x10UL), map.Resolve(0x1010));
        Assert.Equal(("inner", 0x2UL), map.Resolve(0x1042));
        Assert.Equal(("old", 0x90UL), map.Resolve(0x1090));
    }

    [Fact]
    public void UserFramesInNoMappedFileAreNamedFromThePerfMap()
    {
        var symbols = new Symbolizer(() => Kallsyms.Parse(TextReader.Null), _ => new ProcessMaps([]),
            pid => pid == 4242 ? PerfMap.Parse(new StringReader(Lines)) : PerfMap.Empty);

        var stack = symbols.Stack(new StackType(true, StackMode.Bpftrace, 127), [0x7F1C2A4B0010, 0x7F1C2A4B0150, 0x10], pid: 4242);
        var perf = symbols.Stack(new StackType(true, StackMode.Perf, 127), [0x7F1C2A4B0010], pid: 4242);

        Assert.Equal("""

                void [jit_loop] JitLoop.Spin::Busy(int32)[Optimized]+16
                int32 [jit_loop] JitLoop.Spin::Main()[Tier0]+80
                0x10

            """, stack.Format(StackValue.KeyIndent));
        Assert.Equal("\n\t7f1c2a4b0010 void [jit_loop] JitLoop.Spin::Busy(int32)[Optimized]+16 (/tmp/perf-4242.map)\n",
            perf.Format(StackValue.KeyIndent));
    }
}
