using SharpTrace.Kernel;
using SharpTrace.Output;
using SharpTrace.Runtime;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Stacks;

/// <summary>
/// Stacks in text and JSON. Expected strings are bpftrace 0.17's output on this machine for
/// <c>tracepoint:syscalls:sys_enter_getppid { @[kstack] = count(); @p[kstack(perf)] = count(); @v = kstack(2); … }</c>.
/// </summary>
public class StackFormatTests
{
    private static readonly StackValue Kernel = new([
        new StackFrame(0xffffffff814c254b, "perf_syscall_enter+475"),
        new StackFrame(0xffffffff81423c90, "syscall_trace_enter+384"),
        new StackFrame(0xffffffff8225a85f, "do_syscall_64+527"),
        new StackFrame(0xffffffff81000130, "entry_SYSCALL_64_after_hwframe+118"),
    ]);

    private static StackValue Top2(StackMode mode = StackMode.Bpftrace) => new(Kernel.Frames.Take(2).ToList(), mode);

    [Fact]
    public void KeyFramesAreIndentedByFourAndTheKeyClosesOnItsOwnLine()
    {
        var map = MapSnapshot.Keyed("@", new MapEntry([Kernel], new CountValue(3)));

        Assert.Equal(
            "@[\n    perf_syscall_enter+475\n    syscall_trace_enter+384\n    do_syscall_64+527\n    entry_SYSCALL_64_after_hwframe+118\n]: 3\n",
            TextOutputWriter.FormatMap(map));
    }

    [Fact]
    public void PerfModeWritesATabTheHexAddressAndTheSymbol()
    {
        var map = MapSnapshot.Keyed("@p", new MapEntry([Top2(StackMode.Perf)], new CountValue(3)));

        Assert.Equal("@p[\n\tffffffff814c254b perf_syscall_enter+475\n\tffffffff81423c90 syscall_trace_enter+384\n]: 3\n",
            TextOutputWriter.FormatMap(map));
    }

    [Fact]
    public void RawModeWritesAddressesAlone()
    {
        // Raw mode is newer than bpftrace 0.17; this is the layout later versions print.
        Assert.Equal("\nffffffff814c254b\nffffffff81423c90\n", Top2(StackMode.Raw).Format(StackValue.KeyIndent));
    }

    [Fact]
    public void StackValuesAndTupleKeysPrintAsBpftracePrintsThem()
    {
        Assert.Equal("@v: \n        perf_syscall_enter+475\n        syscall_trace_enter+384\n\n",
            TextOutputWriter.FormatMap(MapSnapshot.Scalar("@v", Top2())));
        Assert.Equal("@t[\n    perf_syscall_enter+475\n    syscall_trace_enter+384\n, 5]: 3\n",
            TextOutputWriter.FormatMap(MapSnapshot.Keyed("@t", new MapEntry([Top2(), new IntegerValue(5)], new CountValue(3)))));
        Assert.Equal("\n        perf_syscall_enter+475\n        syscall_trace_enter+384\n|",
            PrintfFormatter.Format("%s|", [Top2()]));
    }

    [Fact]
    public void JsonKeysIndentByFourAndValuesByEight()
    {
        Assert.Equal("""{"type": "map", "data": {"@p": {"\n\tffffffff814c254b perf_syscall_enter+475\n\tffffffff81423c90 syscall_trace_enter+384\n": 3}}}""" + "\n",
            JsonOutputWriter.FormatMap(MapSnapshot.Keyed("@p", new MapEntry([Top2(StackMode.Perf)], new CountValue(3)))));
        Assert.Equal("""{"type": "map", "data": {"@t": {"\n    perf_syscall_enter+475\n    syscall_trace_enter+384\n,5": 3}}}""" + "\n",
            JsonOutputWriter.FormatMap(MapSnapshot.Keyed("@t", new MapEntry([Top2(), new IntegerValue(5)], new CountValue(3)))));
        Assert.Equal("""{"type": "map", "data": {"@v": "\n        perf_syscall_enter+475\n        syscall_trace_enter+384\n"}}""" + "\n",
            JsonOutputWriter.FormatMap(MapSnapshot.Scalar("@v", Top2())));
    }

    [Fact]
    public void StacksCompareByFrames()
    {
        Assert.Equal(Top2(), new StackValue([.. Kernel.Frames.Take(2)]));
        Assert.Equal(Top2().GetHashCode(), new StackValue([.. Kernel.Frames.Take(2)]).GetHashCode());
        Assert.NotEqual(Top2(), Top2(StackMode.Perf));
    }

    [Fact]
    public void SymbolizerNamesKernelFramesAndLeavesUnknownAddressesAsHex()
    {
        var kallsyms = Kallsyms.Parse(new StringReader("ffffffff8225a650 T do_syscall_64\n"));
        var symbols = new Symbolizer(() => kallsyms, _ => new ProcessMaps([]));

        var kernel = symbols.Stack(new StackType(false, StackMode.Bpftrace, 127), [0xffffffff8225a85f, 0x10], pid: 0);
        var user = symbols.Stack(new StackType(true, StackMode.Perf, 127), [0x7fc0b6f9f4f7], pid: 1);

        Assert.Equal("\n    do_syscall_64+527\n    0x10\n", kernel.Format(StackValue.KeyIndent));
        // bpftrace 0.17 printed this for a process that had exited.
        Assert.Equal("\n\t7fc0b6f9f4f7 0x7fc0b6f9f4f7 ([unknown])\n", user.Format(StackValue.KeyIndent));
        Assert.Equal("do_syscall_64", symbols.KernelSymbol(0xffffffff8225a700));
    }

    [Fact]
    public void SymbolizerNamesUserFramesThroughTheMappingAndTheElfSymbols()
    {
        // This test's own process has libc mapped; getpid is one of its exported, sized functions.
        var self = Environment.ProcessId;
        var maps = ProcessMaps.Read(self);
        var libc = maps.Mappings.First(m => Path.GetFileName(m.Path) == "libc.so.6").Path;
        var elf = SharpTrace.Kernel.Elf.ElfFile.Read(libc);
        var function = elf.Functions.First(f => f.Name == "getpid");
        var offset = elf.FileOffsetOf(function.Address + 5)!.Value;
        var mapping = maps.Mappings.First(m => m.Path == libc && offset >= m.FileOffset && offset < m.FileOffset + (m.End - m.Start));
        var address = mapping.Start + (offset - mapping.FileOffset);

        var symbols = new Symbolizer(() => Kallsyms.Parse(TextReader.Null));

        Assert.Equal("getpid+5", symbols.UserSymbol(address, self, withOffset: true));
        Assert.Equal($"getpid+5 ({libc})", symbols.UserSymbol(address, self, withOffset: true, withModule: true));
        Assert.Equal("getpid", symbols.UserSymbol(address, self));
    }

    [Fact]
    public void ProcessMapsKeepFileMappingsOnly()
    {
        var maps = ProcessMaps.Parse(new StringReader("""
            55c871b75000-55c871b77000 r--p 00000000 fe:00 247270                     /usr/bin/cat
            55c871b77000-55c871b7c000 r-xp 00002000 fe:00 247270                     /usr/bin/cat
            7ffd1a5f0000-7ffd1a611000 rw-p 00000000 00:00 0                          [stack]
            7ffd1a7d4000-7ffd1a7d6000 r-xp 00000000 00:00 0                          [vdso]
            7f00aa000000-7f00aa001000 rw-p 00000000 00:00 0
            """));

        Assert.Equal(2, maps.Mappings.Count);
        Assert.Equal(new ProcessMapping(0x55c871b77000, 0x55c871b7c000, 0x2000, "/usr/bin/cat"), maps.Find(0x55c871b77010));
        Assert.Null(maps.Find(0x7ffd1a7d4000));
    }
}
