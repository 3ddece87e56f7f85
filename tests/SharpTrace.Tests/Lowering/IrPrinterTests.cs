using SharpTrace.Bpf;
using SharpTrace.Lowering;

namespace SharpTrace.Tests.Lowering;

public sealed class IrPrinterTests
{
    [Fact]
    public void OperationsPrintAsReadableIr()
    {
        var ir = new IrBuilder("kprobe:f");
        var key = ir.NewSlot(8);
        var skip = ir.NewLabel("skip");
        var pid = ir.Binary(IrBinaryOp.Shr, ir.Call(HelperFunction.GetCurrentPidTgid), new Imm(32));
        ir.Store(new SlotAddress(key), 8, pid);
        var value = ir.Lookup(LoweringKit.Map, new StackAddress(key));
        ir.Branch(IrCondition.Eq, value, new Imm(0), skip);
        ir.Emit(new AddToOp(new PointerAddress(value, 8), new Imm(1)));
        ir.Mark(skip);
        ir.Return(new Imm(0));

        Assert.Equal("""
            kprobe:f:
              slots $s0[8]
              %1 = call bpf_get_current_pid_tgid()
              %2 = %1 >> 32
              store.u64 $s0, %2
              %3 = lookup map[@m], &$s0
              if %3 == 0 goto skip0
              add.u64 [%3+8], 1
            skip0:
              return 0

            """, IrPrinter.Print(ir.Build()));
    }

    [Fact]
    public void StringConstantsPrintQuotedAndZerosAsZeroFills()
    {
        var ir = new IrBuilder("BEGIN");
        var slot = ir.NewSlot(8);
        ir.Fill(slot, 0, "hi\n\0"u8.ToArray());
        ir.Zero(slot, 4, 4);

        Assert.Equal(["fill $s0, \"hi\\x0a\\x00\"", "zero $s0+4, 4"], ir.Build().Ops.Select(IrPrinter.Format));
    }

    [Fact]
    public void AProbeLoweringDoesNotCoverSaysWhatItLacks()
    {
        // Every construct of the language lowers now (the golden scripts check it); a probe without IR is built by hand.
        var lowered = LoweringKit.Compile("BEGIN { @x = 1; } tracepoint:syscalls:sys_enter_openat { @c[comm] = count(); print(@c); }").Lowered;
        var program = lowered with { Probes = [lowered.Probes[0], lowered.Probes[1] with { Body = null, NotSupported = "SomeStatement" }] };

        var text = IrPrinter.Print(program);

        Assert.Contains("begin:\n  slots", text);
        Assert.Contains("tracepoint:syscalls:sys_enter_openat:\n  not supported yet: SomeStatement", text);
    }

    [Fact]
    public void PrintfLowersToOneRecordOnTheStack()
    {
        var text = LoweringKit.Ir("""tracepoint:syscalls:sys_enter_openat { printf("%d %s\n", pid, comm); }""");

        Assert.Contains("store.u64 $s0, 0", text); // the action id
        Assert.Contains("call bpf_get_current_comm(&$s0+16, 16)", text);
        Assert.Contains("output printf #0, &$s0, 32", text);
        Assert.DoesNotContain("zero", text); // every byte of the record is written by a store or the helper
    }
}
