using SharpTrace.Output;
using static SharpTrace.Tests.Output.OutputTestKit;

namespace SharpTrace.Tests.Output;

/// <summary>
/// <c>-f folded</c> (docs/stacks.md): maps keyed by stacks as the lines flame graph tools read, <c>a;b;c N</c> with the
/// outermost caller first. The stacks here are built as the symbolizer builds them, innermost frame first.
/// </summary>
public sealed class FoldedStacksTests
{
    private const ulong Kernel = 0xffffffff81000000;
    private const ulong User = 0x401000;

    // A kernel stack as kstack holds it: the innermost frame first.
    private static StackValue K(params string[] symbols) => Stack(Kernel, StackMode.Bpftrace, symbols);

    private static StackValue U(params string[] symbols) => Stack(User, StackMode.Bpftrace, symbols);

    private static StackValue Stack(ulong start, StackMode mode, params string[] symbols) =>
        new(symbols.Select((s, i) => new StackFrame(start + (ulong)i * 0x100, s)).ToList(), mode);

    private static string Folded(Action<IOutputWriter> write, List<string>? notes = null)
    {
        var output = new StringWriter();
        var writer = new FoldedOutputWriter(output, notes is null ? null : notes.Add);
        write(writer);
        writer.Flush();
        return output.ToString();
    }

    [Fact]
    public void KstackMapFoldsRootFirstWithoutOffsets()
    {
        var map = Keyed("@",
            E(new CountValue(7), K("__x64_sys_getpid+4", "do_syscall_64+86", "entry_SYSCALL_64_after_hwframe+118")),
            E(new CountValue(2), K("schedule+48", "do_nanosleep+106", "hrtimer_nanosleep+191", "do_syscall_64+86", "entry_SYSCALL_64_after_hwframe+118")));

        Assert.Equal(
            """
            entry_SYSCALL_64_after_hwframe;do_syscall_64;__x64_sys_getpid 7
            entry_SYSCALL_64_after_hwframe;do_syscall_64;hrtimer_nanosleep;do_nanosleep;schedule 2

            """, Folded(w => w.MapsAtExit([map])));
    }

    [Fact]
    public void StacksThatDifferOnlyInOffsetsAddUp()
    {
        var map = Keyed("@",
            E(new CountValue(3), U("inner+4", "middle+20", "main+9")),
            E(new CountValue(5), U("inner+12", "middle+20", "main+9")));

        Assert.Equal("main;middle;inner 8\n", Folded(w => w.MapsAtExit([map])));
    }

    [Fact]
    public void MixedKeyPutsCommThenUserThenKernelFramesWhateverTheKeyOrder()
    {
        // @[kstack, ustack, comm]: the process runs user code, which enters the kernel.
        var map = Keyed("@", E(new CountValue(4), K("ksys_read+9", "do_syscall_64+86"), U("read+16", "main+30"), "cat"));

        Assert.Equal("cat;main;read;do_syscall_64;ksys_read 4\n", Folded(w => w.MapsAtExit([map])));
    }

    [Fact]
    public void CommAndPidKeyPartsAreRootFramesInKeyOrder()
    {
        var map = Keyed("@", E(new CountValue(1), "bash", 42, U("main+1")));

        Assert.Equal("bash;42;main 1\n", Folded(w => w.MapsAtExit([map])));
    }

    [Fact]
    public void EmptyKernelStackAddsNoFramesAndAKeyWithoutAnyFramesIsNamedSo()
    {
        var map = Keyed("@",
            E(new CountValue(9), K(), U("spin+3", "main+8")),
            E(new CountValue(6), K()));

        Assert.Equal(
            """
            [no frames] 6
            main;spin 9

            """, Folded(w => w.MapsAtExit([map])));
    }

    [Fact]
    public void UnknownAddressesAreUnknownAndRawModeKeepsTheAddress()
    {
        var map = Keyed("@",
            E(new CountValue(1), U("0x7f00dead", "main+8")),
            E(new CountValue(2), Stack(User, StackMode.Raw, "", "")));

        Assert.Equal(
            """
            0x401100;0x401000 2
            main;[unknown] 1

            """, Folded(w => w.MapsAtExit([map])));
    }

    [Fact]
    public void PerfModeFramesLoseTheirModule()
    {
        var map = Keyed("@", E(new CountValue(3), Stack(User, StackMode.Perf, "inner+0 (/tmp/my prog)", "main+20 (/tmp/my prog)", "0x7f00 ([unknown])")));

        Assert.Equal("[unknown];main;inner 3\n", Folded(w => w.MapsAtExit([map])));
    }

    [Fact]
    public void SeparatorsAndControlCharactersInNamesCannotBreakALine()
    {
        var map = Keyed("@", E(new CountValue(1), "a;b\nc", U("operator++4", "main+1")));

        Assert.Equal("a:b?c;main;operator+ 1\n", Folded(w => w.MapsAtExit([map])));
    }

    [Fact]
    public void SumsAveragesAndHistogramsWeighByWhatTheyAddedUp()
    {
        var sum = Keyed("@ns", E(new SumValue(1500), U("wait+1", "main+2")));
        var avg = Keyed("@avg", E(new AvgValue(30, 3), U("main+2")));
        var hist = Keyed("@h", E(new HistValue([0, 2, 3]), U("main+2")));

        Assert.Equal("main;wait 1500\n", Folded(w => w.Map(sum)));
        Assert.Equal("main 10\n", Folded(w => w.Map(avg)));
        Assert.Equal("main 5\n", Folded(w => w.Map(hist)));
    }

    [Fact]
    public void SeveralStackMapsAtExitStartWithTheirNames()
    {
        var reads = Keyed("@reads", E(new CountValue(4), U("read+1", "main+2")));
        var writes = Keyed("@writes", E(new CountValue(1), U("write+1", "main+2")));

        Assert.Equal(
            """
            @reads;main;read 4
            @writes;main;write 1

            """, Folded(w => w.MapsAtExit([writes, reads])));
    }

    [Fact]
    public void MapsWithoutStacksAreLeftOutAtExitWithANote()
    {
        var notes = new List<string>();
        var stacks = Keyed("@", E(new CountValue(2), U("main+2")));
        var comms = Keyed("@c", E(new CountValue(5), "bash"));

        var text = Folded(w => w.MapsAtExit([Scalar("@x", new IntegerValue(1)), comms, stacks]), notes);

        Assert.Equal("main 2\n", text);
        Assert.Equal(["-f folded prints only maps keyed by stacks, with numbers as values: @c, @x not printed"], notes);
    }

    [Fact]
    public void PrintOfAMapWithoutStacksIsTextAndPrintOfAStackMapIsFoldedWithTopAndDiv()
    {
        var comms = Keyed("@c", E(new CountValue(5), "bash"));
        var stacks = Keyed("@",
            E(new CountValue(20), U("a+1", "main+2")),
            E(new CountValue(40), U("b+1", "main+2")),
            E(new CountValue(10), U("c+1", "main+2")));

        Assert.Equal("@c[bash]: 5\n", Folded(w => w.Map(comms)));
        Assert.Equal("main;a 2\nmain;b 4\n", Folded(w => w.Map(stacks, top: 2, div: 10)));
    }

    [Fact]
    public void PrintfAndOtherEventsPrintAsText()
    {
        Assert.Equal("hi 1\nLost 3 events\n", Folded(w =>
        {
            w.Printf("hi 1\n");
            w.LostEvents(3);
        }));
    }

    [Fact]
    public void NoMapsAtExitPrintNothing() => Assert.Equal("", Folded(w => w.MapsAtExit([])));

    [Fact]
    public void ParseReadsWhatFormatWrote()
    {
        var stacks = new[] { new FoldedStack(["main", "a b", "c"], 3), new FoldedStack(["x"], 12) };

        Assert.Equal(stacks, FoldedStacks.Parse(FoldedStacks.Format(stacks)));
        Assert.Equal("line 2: expected 'frame;frame;... count', got 'main;a'",
            Assert.Throws<FormatException>(() => FoldedStacks.Parse("main 1\nmain;a\n")).Message);
    }
}
