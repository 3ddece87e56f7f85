using SharpTrace.Bpf;
using SharpTrace.Lowering;

namespace SharpTrace.Tests.Lowering;

/// <summary>The statements that send records lower to IR: on the stack as their layout says, or reserved in the ring buffer.</summary>
public sealed class RecordLoweringTests
{
    private static IrFunction Body(string script)
    {
        var probe = Assert.Single(LoweringKit.Compile(script).Lowered.Probes);
        Assert.True(probe.Body is not null, probe.NotSupported);
        return probe.Body!;
    }

    [Fact]
    public void TimeSendsARecordOfItsIdAlone()
    {
        var output = Assert.Single(Body("""BEGIN { time("%Y"); }""").Ops.OfType<OutputOp>());

        Assert.Equal(("time", 8), (output.Record.Kind, output.Size));
    }

    [Fact]
    public void CatAndSystemRecordsCarryTheirFormatArgumentsEightByteAligned()
    {
        var ir = LoweringKit.Ir("""BEGIN { cat("/proc/%d/%s", 7, "comm"); }""");

        Assert.Contains("store.u64 $s0+8, 7", ir);
        Assert.Contains("fill $s0+16, \"comm\\x00\"", ir);
        Assert.Contains("zero $s0+21, 3", ir);
        Assert.Contains("output cat #0, &$s0, 24", ir);
    }

    [Fact]
    public void JoinFillsARecordReservedInTheRingBufferAndSubmitsIt()
    {
        var ops = Body("BEGIN { $argv = 4096; join($argv); }").Ops;

        var reserve = Assert.Single(ops.OfType<ReserveOp>());
        Assert.Equal(("join", 8 + 16 * 1024), (reserve.Record.Kind, reserve.Size));
        Assert.Equal(reserve.Dst, Assert.Single(ops.OfType<SubmitOp>()).Record);
        var strings = ops.OfType<CallOp>().Where(c => c.Callee == new HelperCallee(HelperFunction.ProbeReadKernelStr)).ToList();
        Assert.Equal(16, strings.Count);
        Assert.All(strings, c => Assert.Equal(new Imm(1024), c.Arguments[1]));
        Assert.True(ops.ToList().IndexOf(reserve) < ops.ToList().IndexOf(ops.OfType<SubmitOp>().Single()));
    }

    [Fact]
    public void ReserveAndSubmitPrintAsReadableIr()
    {
        var ir = new IrBuilder("BEGIN");
        var record = ir.NewRegister();
        ir.Emit(new ReserveOp(record, new LoweredRecord(3, "join", SharpTrace.Records.RecordLayout.Packed([16])), 24));
        ir.Emit(new SubmitOp(record));
        ir.Return(new Imm(0));

        Assert.Equal("""
            BEGIN:
              %1 = reserve join #3, 24
              submit %1
              return 0

            """, IrPrinter.Print(ir.Build()));
    }

    [Fact]
    public void PrintReservesItsHeaderWalksTheMapAndSubmitsTheHeaderAfterTheWalk()
    {
        var ops = Body("BEGIN { @a[1] = 5; print(@a); }").Ops.ToList();

        var header = Assert.Single(ops.OfType<ReserveOp>());
        var walk = Assert.Single(ops.OfType<MapWalkOp>());
        var submit = Assert.Single(ops.OfType<SubmitOp>());
        Assert.Equal(("print", 40), (header.Record.Kind, header.Size)); // id, tag, cpu, kind, visited, lost
        Assert.Equal("@a", walk.Map.Ref.Name);
        Assert.Equal(header.Dst, submit.Record);
        Assert.True(ops.IndexOf(header) < ops.IndexOf(walk) && ops.IndexOf(walk) < ops.IndexOf(submit));

        // The callback sends one entry: the 24-byte start, the 8-byte key and the 8-byte value, copied from the walk's.
        var callback = walk.Callback;
        var entry = Assert.Single(callback.Body.Ops.OfType<ReserveOp>());
        Assert.Equal(24 + 8 + 8, entry.Size);
        Assert.Equal(entry.Dst, Assert.Single(callback.Body.Ops.OfType<SubmitOp>()).Record);
        var copies = callback.Body.Ops.OfType<CopyOp>().ToList();
        Assert.Contains(copies, c => c.From == new PointerAddress(callback.Parameters[1]) && c.To == new PointerAddress(entry.Dst, 24) && c.Size == 8);
        Assert.Contains(copies, c => c.From == new PointerAddress(callback.Parameters[2]) && c.To == new PointerAddress(entry.Dst, 32) && c.Size == 8);
        Assert.Empty(callback.Body.Ops.OfType<MapLookupPerCpuOp>());
    }

    [Fact]
    public void PrintOfAnAggregationSendsEveryCpusSlotAndSharesOneCallbackPerMap()
    {
        var ops = Body("BEGIN { @c[comm] = count(); print(@c); print(@c, 3, 10); }").Ops;

        var walks = ops.OfType<MapWalkOp>().ToList();
        Assert.Equal(2, walks.Count);
        Assert.Same(walks[0].Callback, walks[1].Callback);
        var callback = walks[0].Callback.Body;
        var entry = Assert.Single(callback.Ops.OfType<ReserveOp>());
        Assert.Equal(24 + 16 + 8 * SharpTrace.Kernel.BpfMap.PossibleCpuCount, entry.Size);
        Assert.Single(callback.Ops.OfType<MapLookupPerCpuOp>());
        Assert.Single(callback.Ops.OfType<NextCpuOp>());
    }
}
