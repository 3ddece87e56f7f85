using SharpTrace.KernelTests.Support;
using System.Diagnostics;
using SharpTrace.Kernel;
using static SharpTrace.KernelTests.Kernel.Insn;

namespace SharpTrace.KernelTests.Kernel;

[Trait("Category", "Kernel")]
public class RingBufferTests : KernelTest
{
    private const int Marker = 0x12345678;

    /// <summary>Writes 16 bytes: the marker, then bpf_get_current_pid_tgid().</summary>
    private static ulong[] OutputRecord(int ringBufferFd) => Program(
        Call(HelperGetCurrentPidTgid),
        StoreReg64(R10, -8, R0),
        StoreImm64(R10, -16, Marker),
        LoadMapFd(R1, ringBufferFd),
        MovReg(R2, R10),
        AddImm(R2, -16),
        MovImm(R3, 16),
        MovImm(R4, 0),
        Call(HelperRingbufOutput),
        MovImm(R0, 0),
        Exit());

    [Fact]
    public void RecordWrittenByTestRunIsPolledInOurOwnContext()
    {
        using var ringBuffer = RingBuffer.Create(4096 * 4);
        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, OutputRecord(ringBuffer.Map.Fd), "BEGIN");

        program.TestRun();
        var records = new List<byte[]>();
        var consumed = ringBuffer.Poll(1000, record => records.Add(record.ToArray()));

        Assert.Equal(1, consumed);
        var record = Assert.Single(records);
        Assert.Equal(16, record.Length);
        Assert.Equal((ulong)Marker, BitConverter.ToUInt64(record, 0));
        var pidTgid = BitConverter.ToUInt64(record, 8);
        Assert.Equal((ulong)Environment.ProcessId, pidTgid >> 32);
        Assert.Equal((ulong)Native.GetTid(), pidTgid & 0xffff_ffff);
    }

    [Fact]
    public void RecordsWrapAroundTheEndOfTheBuffer()
    {
        // 24-byte slots (8-byte header + 16) don't divide 4096, so records straddle the end as we go round: a record's
        // second half (the pid) is read from the kernel's second copy of the data pages, just after the first.
        using var ringBuffer = RingBuffer.Create(4096);
        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, OutputRecord(ringBuffer.Map.Fd), "BEGIN");

        var total = 0;
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 100; i++)
                program.TestRun();
            total += ringBuffer.Drain(record =>
            {
                Assert.Equal(16, record.Length);
                Assert.Equal((ulong)Marker, BitConverter.ToUInt64(record));
                Assert.Equal((ulong)Environment.ProcessId, BitConverter.ToUInt64(record[8..]) >> 32);
            });
        }
        Assert.Equal(500, total);
    }

    [Fact]
    public void AWindowSmallerThanTheBufferSlidesOverEveryRecordAndTheWrap()
    {
        // A 64 KiB buffer read through a 4 KiB window: 1,000 24-byte records a round fill six windows, and the
        // rounds go round the buffer (24 bytes do not divide it, so records straddle its end too).
        using var ringBuffer = RingBuffer.Create(64 * 1024, window: 4096);
        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, OutputRecord(ringBuffer.Map.Fd), "BEGIN");

        var total = 0;
        for (var round = 0; round < 8; round++)
        {
            for (var i = 0; i < 1000; i++)
                program.TestRun();
            total += ringBuffer.Drain(record =>
            {
                Assert.Equal(16, record.Length);
                Assert.Equal((ulong)Marker, BitConverter.ToUInt64(record));
                Assert.Equal((ulong)Environment.ProcessId, BitConverter.ToUInt64(record[8..]) >> 32);
            });
        }
        Assert.Equal(8000, total);
    }

    [Fact]
    public void ARecordLargerThanTheWindowIsMappedWhole()
    {
        // Reserves 10,000 bytes, writes a marker at both ends and submits: read through a 4 KiB window, three times
        // round a 16 KiB buffer, so one of them wraps.
        const int Length = 10_000;
        using var ringBuffer = RingBuffer.Create(16 * 1024, window: 4096);
        ulong[] instructions = Program(
            LoadMapFd(R1, ringBuffer.Map.Fd),
            MovImm(R2, Length),
            MovImm(R3, 0),
            Call(HelperRingbufReserve),
            JumpIfEqualImm(R0, 0, 5),
            StoreImm64(R0, 0, Marker),
            StoreImm64(R0, Length - 8, Marker + 1),
            MovReg(R1, R0),
            MovImm(R2, 0),
            Call(HelperRingbufSubmit),
            MovImm(R0, 0),
            Exit());
        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, instructions, "BEGIN");

        for (var round = 0; round < 3; round++)
        {
            program.TestRun();
            var records = new List<byte[]>();
            Assert.Equal(1, ringBuffer.Drain(record => records.Add(record.ToArray())));
            var record = Assert.Single(records);
            Assert.Equal(Length, record.Length);
            Assert.Equal((ulong)Marker, BitConverter.ToUInt64(record, 0));
            Assert.Equal((ulong)Marker + 1, BitConverter.ToUInt64(record, Length - 8));
        }
    }

    [Fact]
    public void DiscardedRecordsAreSkipped()
    {
        using var ringBuffer = RingBuffer.Create(4096);
        ulong[] instructions = Program(
            LoadMapFd(R1, ringBuffer.Map.Fd),
            MovImm(R2, 8),
            MovImm(R3, 0),
            Call(HelperRingbufReserve),
            JumpIfEqualImm(R0, 0, 3),     // reservation failed: skip the discard
            MovReg(R1, R0),
            MovImm(R2, 0),
            Call(HelperRingbufDiscard),
            OutputRecord(ringBuffer.Map.Fd));
        using var program = BpfProgram.Load(BpfProgramType.RawTracepoint, instructions, "BEGIN");

        program.TestRun();
        var lengths = new List<int>();
        Assert.Equal(1, ringBuffer.Drain(record => lengths.Add(record.Length)));
        Assert.Equal([16], lengths);
        Assert.Equal(0, ringBuffer.Drain(_ => Assert.Fail("no more records")));
    }

    [Fact]
    public void PollOnAnEmptyBufferReturnsAfterTheTimeout()
    {
        using var ringBuffer = RingBuffer.Create(4096);
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, ringBuffer.Poll(50, _ => Assert.Fail("no records")));
        Assert.InRange(clock.ElapsedMilliseconds, 40, 5000);
    }

    [Fact]
    public void SizeMustBeAPowerOfTwoOfPages() =>
        Assert.Throws<ArgumentException>(() => RingBuffer.Create(4096 * 3));

    [Fact]
    public void WindowMustBeWholePages() =>
        Assert.Throws<ArgumentException>(() => RingBuffer.Create(4096 * 4, window: 1000));
}
