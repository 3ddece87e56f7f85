using SharpTrace.KernelTests.Support;
using System.Text;
using SharpTrace.Kernel;
using BpfFuncInfo = SharpTrace.Bpf.BpfFuncInfo;
using static SharpTrace.KernelTests.Kernel.Insn;

namespace SharpTrace.KernelTests.Kernel;

[Trait("Category", "Kernel")]
public class BpfProgramTests : KernelTest
{
    [Fact]
    public void RawTracepointProgramTestRunReturnsR0()
    {
        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, [MovImm(R0, 42), Exit()], "BEGIN");
        Assert.Equal(42u, program.TestRun());
        Assert.Equal(42u, program.TestRun(new byte[8]));
    }

    [Fact]
    public void VerifierRejectionCarriesTheLog()
    {
        // exit without setting r0: the verifier refuses to read an uninitialized return value.
        var error = Assert.Throws<BpfLoadException>(
            () => BpfProgram.Load(BpfProgramType.RawTracepoint, [Exit()], "tracepoint:syscalls:sys_enter_openat"));
        Assert.Equal(13, error.Errno);
        Assert.Equal("load program tracepoint:syscalls:sys_enter_openat: permission denied", error.Message);
        Assert.Contains("R0 !read_ok", error.VerifierLog);
    }

    [Fact]
    public void DisposedProgramsAndMapsLeaveTheKernel()
    {
        uint programId, mapId;
        using (var map = BpfMap.Create(BpfMapType.Array, 4, 8, 1, "@leak"))
        using (var program = BpfProgram.Load(BpfProgramType.RawTracepoint,
                   Program(LoadMapFd(R1, map.Fd), MovImm(R0, 0), Exit()), "leak_check"))
        {
            programId = program.Id;
            mapId = map.Id;
            Assert.Contains((programId, "leak_check"), KernelObjects.LoadedPrograms());
            Assert.Contains((mapId, "_leak"), KernelObjects.LoadedMaps());
        }

        // A program's id goes at once; the maps it used are released after an RCU grace period.
        Assert.DoesNotContain(programId, KernelObjects.LoadedPrograms().Select(p => p.Id));
        Assert.True(SpinWait.SpinUntil(
            () => !KernelObjects.LoadedMaps().Any(m => m.Id == mapId), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void BpfLoopCallbackLoadsWithFuncInfo()
    {
        using var btf = BpfBtf.Load(TwoFunctionBtf());
        ulong[] instructions = Program(
            MovImm(R1, 5),                // nr_loops
            LoadFunction(R2, 5),          // callback at 1 + 1 + 5 = 7
            MovImm(R3, 0),                // callback context
            MovImm(R4, 0),                // flags
            Call(HelperLoop),             // r0 = iterations done
            Exit(),
            MovImm(R0, 0),                // 7: callback: 0 = continue
            Exit());
        var funcInfo = new BtfFuncInfo(btf, [new BpfFuncInfo(0, 3), new BpfFuncInfo(7, 4)]);

        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, instructions, "loop", funcInfo: funcInfo);
        Assert.Equal(5u, program.TestRun());
    }

    [Fact]
    public void BpfLoopCallbackWithoutFuncInfoIsRejected()
    {
        ulong[] instructions = Program(
            MovImm(R1, 5), LoadFunction(R2, 5), MovImm(R3, 0), MovImm(R4, 0), Call(HelperLoop), Exit(),
            MovImm(R0, 0), Exit());
        var error = Assert.Throws<BpfLoadException>(
            () => BpfProgram.Load(BpfProgramType.RawTracepoint, instructions, "loop"));
        Assert.Contains("func_info", error.VerifierLog);
    }

    [Fact]
    public void BtfRejectionCarriesTheLog()
    {
        var blob = TwoFunctionBtf();
        blob[0] = 0; // break the magic
        var error = Assert.Throws<BpfLoadException>(() => BpfBtf.Load(blob));
        Assert.StartsWith("load BTF: ", error.Message);
    }

    /// <summary>
    /// BTF with [1] int, [2] int (void) prototype, [3] static func "main", [4] static func "cb";
    /// layout from linux/btf.h: 24-byte header, 12-byte btf_type records, string section.
    /// </summary>
    private static byte[] TwoFunctionBtf()
    {
        var strings = Encoding.ASCII.GetBytes("\0int\0main\0cb\0");
        const uint nameInt = 1, nameMain = 5, nameCb = 10;
        const uint kindInt = 1, kindFunc = 12, kindFuncProto = 13;
        uint[] types =
        [
            nameInt, kindInt << 24, 4, (1u << 24) | 32, // signed, 32 bits
            0, kindFuncProto << 24, 1,                   // returns [1], no parameters
            nameMain, kindFunc << 24, 2,                 // linkage static (vlen 0)
            nameCb, kindFunc << 24, 2,
        ];
        var typeBytes = types.SelectMany(BitConverter.GetBytes).ToArray();
        var header = new List<byte>();
        header.AddRange(BitConverter.GetBytes((ushort)0xeb9f)); // magic
        header.Add(1);                                          // version
        header.Add(0);                                          // flags
        header.AddRange(BitConverter.GetBytes(24u));            // hdr_len
        header.AddRange(BitConverter.GetBytes(0u));             // type_off
        header.AddRange(BitConverter.GetBytes((uint)typeBytes.Length));
        header.AddRange(BitConverter.GetBytes((uint)typeBytes.Length)); // str_off
        header.AddRange(BitConverter.GetBytes((uint)strings.Length));
        return [.. header, .. typeBytes, .. strings];
    }
}
