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
        var strings = ops.OfType<CallOp>().Where(c => c.Helper == HelperFunction.ProbeReadKernelStr).ToList();
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
}
