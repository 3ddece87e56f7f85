using SharpTrace.KernelTests.Support;
using SharpTrace.Kernel;
using static SharpTrace.KernelTests.Kernel.Insn;

namespace SharpTrace.KernelTests.Kernel;

[Trait("Category", "Kernel")]
public class TracepointAttachTests : KernelTest
{
    [Fact]
    public void TracepointProgramCountsOurGetpidCalls()
    {
        // Count only this thread's calls: other processes (and runtime threads) may call getpid too.
        var tid = Native.GetTid();
        using var counter = BpfMap.Create(BpfMapType.Array, 4, 8, 1, "@calls");
        ulong[] instructions = Program(
            Call(HelperGetCurrentPidTgid),
            JumpIfNotEqualImm32(R0, tid, 9),  // to r0 = 0
            StoreImm32(R10, -4, 0),
            LoadMapFd(R1, counter.Fd),
            MovReg(R2, R10),
            AddImm(R2, -4),
            Call(HelperMapLookupElem),
            JumpIfEqualImm(R0, 0, 2),
            MovImm(R1, 1),
            AtomicAdd64(R0, 0, R1),
            MovImm(R0, 0),
            Exit());
        using var program = BpfProgram.Load(BpfProgramType.Tracepoint, instructions, "tracepoint:syscalls:sys_enter_getpid");

        var tracefs = Tracefs.Open();
        using (var tracepoint = PerfEvent.OpenTracepoint(
                   tracefs.GetEventId("syscalls", "sys_enter_getpid"), "tracepoint:syscalls:sys_enter_getpid"))
        {
            tracepoint.AttachProgram(program);
            // libc's getpid enters the kernel every time (glibc stopped caching it in 2.25).
            for (var i = 0; i < 5; i++)
                Native.GetPid();
        }
        Native.GetPid(); // detached: not counted

        var value = new byte[8];
        Assert.True(counter.Lookup(new byte[4], value));
        Assert.Equal(5UL, BitConverter.ToUInt64(value));
    }

    [Fact]
    public void OpeningAMissingTracepointSaysWhichOne()
    {
        var error = Assert.Throws<KernelException>(() => PerfEvent.OpenTracepoint(-5, "tracepoint:none:none"));
        Assert.StartsWith("open perf event tracepoint:none:none: ", error.Message);
    }
}
