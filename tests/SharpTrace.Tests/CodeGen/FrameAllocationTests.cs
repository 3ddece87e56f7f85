using SharpTrace.CodeGen;
using SharpTrace.Lowering;
using SharpTrace.Tests.Lowering;

namespace SharpTrace.Tests.CodeGen;

public sealed class FrameAllocationTests
{
    [Fact]
    public void SlotsWhoseLifetimesDoNotOverlapShareTheirBytes()
    {
        var a = new Slot(0, 16);
        var b = new Slot(1, 8);
        var c = new Slot(2, 12);
        var (offsets, size) = FrameAllocator.Allocate(new Dictionary<Slot, LiveInterval>
        {
            [a] = new(0, 3),
            [b] = new(2, 5), // overlaps a
            [c] = new(4, 6), // overlaps b only: reuses a's bytes
        });

        Assert.Equal(-16, offsets[a]);
        Assert.Equal(-24, offsets[b]);
        Assert.Equal(-16, offsets[c]); // 12 bytes rounded up to 16, where a was
        Assert.Equal(24, size);
    }

    [Fact]
    public void MapKeysOfSuccessiveStatementsReuseOneSlot()
    {
        var (lowered, _) = LoweringKit.Compile("BEGIN { @a = 1; @b = 2; @c = 3; }");
        var function = lowered.Probes[0].Body!;
        var (_, frame) = IrTranslator.Layout(function, lowered);

        // Each statement's key and value (8 bytes each) and the counter key; three statements fit the frame of one.
        Assert.Equal(6, function.Slots.Count);
        Assert.Equal(3, frame.Values.Distinct().Count());
    }

    [Fact]
    public void AFrameOverTheStackLimitIsACompileError()
    {
        var ir = new IrBuilder("BEGIN");
        var big = ir.NewSlot(300);
        var other = ir.NewSlot(300);
        ir.Zero(big, 0, 300);
        ir.Zero(other, 0, 300);
        ir.Emit(new MapUpdateOp(LoweringKit.Map, new StackAddress(big), new StackAddress(other), 0));
        ir.Return(new Imm(0));

        var e = Assert.Throws<CompileException>(() => IrTranslator.Translate(ir.Build(), LoweringKit.Program()));
        Assert.Contains("more than 512 bytes of BPF stack", e.Message);
    }
}
