using SharpTrace.KernelTests.Support;
namespace SharpTrace.KernelTests.Kernel;

public class InsnEncodingTests : KernelTest
{
    [Fact]
    public void EncodesFieldsAtTheBpfInsnOffsets()
    {
        // *(u64 *)(r10 - 8) = r1: opcode 0x7b, dst 10, src 1, off -8 (0xfff8), imm 0.
        Assert.Equal(0x0000_0000_fff8_1a7bUL, Insn.StoreReg64(Insn.R10, -8, Insn.R1));
        // r0 = -1: imm is the two's complement in the high word.
        Assert.Equal(0xffff_ffff_0000_00b7UL, Insn.MovImm(Insn.R0, -1));
        Assert.Equal(0x95UL, Insn.Exit());
    }
}
