using SharpTrace.Kernel;
using SharpTrace.Kernel.Elf;
using SharpTrace.Output;
using SharpTrace.Runtime;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Stacks;

/// <summary>
/// The symbolizer's memory of processes and files: mappings read while a process lives name its frames after it has
/// exited, and the caches stay within their byte bounds, forgetting the least recently used first.
/// </summary>
public sealed class SymbolCacheTests
{
    [Fact]
    public void FramesOfAProcessReportedWhileAliveAreNamedAfterItExited()
    {
        // libc, as this test's own process maps it: one of its functions, mapped at a made-up address.
        var libc = ProcessMaps.Read(Environment.ProcessId).Mappings.First(m => m.Path.Contains("libc.so", StringComparison.Ordinal)).Path;
        var elf = ElfFile.Read(libc);
        var function = elf.Functions.First(f => f.Size > 16 && elf.FileOffsetOf(f.Address) is not null);
        const ulong Base = 0x7f00_0000_0000;
        var address = Base + elf.FileOffsetOf(function.Address)!.Value + 5;
        var alive = true;
        var reads = 0;
        var symbols = new Symbolizer(() => Kallsyms.Parse(TextReader.Null), pid =>
        {
            reads++;
            return alive && pid == 4242 ? new ProcessMaps([new ProcessMapping(Base, Base + (1UL << 32), 0, libc)]) : new ProcessMaps([]);
        }, _ => PerfMap.Empty) { DemangleCpp = false };

        symbols.AddProcess(4242);
        alive = false;
        var stack = symbols.Stack(new StackType(true, StackMode.Bpftrace, 127), [address], pid: 4242);
        var forgotten = symbols.Stack(new StackType(true, StackMode.Bpftrace, 127), [address], pid: 4343);

        Assert.Equal($"\n    {function.Name}+5\n", stack.Format(StackValue.KeyIndent));
        Assert.Equal($"\n    0x{address:x}\n", forgotten.Format(StackValue.KeyIndent));
        Assert.Equal(2, reads);
    }

    [Fact]
    public void AReportedProcessIsReadAgainInPlaceOfAnEarlierOneOfTheSameId()
    {
        var generation = 0;
        var symbols = new Symbolizer(() => Kallsyms.Parse(TextReader.Null),
            _ => new ProcessMaps([new ProcessMapping(0x1000, 0x2000, 0, $"/gone/{++generation}")]), _ => PerfMap.Empty);

        var first = symbols.UserSymbol(0x1800, 7, withModule: true);
        symbols.AddProcess(7);
        var second = symbols.UserSymbol(0x1800, 7, withModule: true);

        // Files that cannot be read leave the address unnamed; the reads show which mappings were used.
        Assert.Equal(("0x1800 ([unknown])", 2), (first, generation));
        Assert.Equal("0x1800 ([unknown])", second);
    }

    [Fact]
    public void TheCacheForgetsTheLeastRecentlyUsedBeyondItsCapacity()
    {
        var cache = new SizeBoundedCache<string, int>(100, v => v);

        cache.Set("a", 40);
        cache.Set("b", 40);
        Assert.True(cache.TryGet("a", out _)); // a is now more recent than b
        cache.Set("c", 40);

        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var a) && a == 40);
        Assert.True(cache.TryGet("c", out _));
        Assert.Equal((2, 80L), (cache.Count, cache.Size));
    }

    [Fact]
    public void AValueLargerThanTheCapacityIsKeptAloneUntilTheNext()
    {
        var cache = new SizeBoundedCache<int, long>(100, v => v);
        cache.Set(1, 30);
        cache.Set(2, 500);

        Assert.Equal((1, 500L), (cache.Count, cache.Size));
        Assert.True(cache.TryGet(2, out _));

        cache.Set(3, 30);
        Assert.Equal((1, 30L), (cache.Count, cache.Size));
    }

    [Fact]
    public void ReplacingAValueCountsOnlyTheNewSize()
    {
        var created = 0;
        var cache = new SizeBoundedCache<int, int>(100, v => v);

        Assert.Equal(10, cache.GetOrAdd(1, _ => { created++; return 10; }));
        Assert.Equal(10, cache.GetOrAdd(1, _ => { created++; return 99; }));
        cache.Set(1, 60);

        Assert.Equal((1, 1, 60L), (created, cache.Count, cache.Size));
    }
}
