using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// <c>watchpoint:ADDR:LEN:MODE</c>: hardware breakpoints on a variable of a test program (watch_target prints the
/// address of its global, waits for a line, then writes it three times and reads it once). The names and counts are
/// the newest bpftrace's (the probe is named <c>watchpoint:/proc/PID/exe:ADDRESS:LEN:MODE</c> with <c>-p</c>, the
/// address in decimal; <c>w</c> fires on each write, <c>rw</c> on reads too). A machine whose hypervisor does not
/// deliver debug-register traps (this project's test machine: <c>perf stat -e mem:ADDR:w</c> counts 0 there too) attaches
/// the breakpoints but never runs the probe: the tests then check that the run attaches, ends with the process and
/// prints nothing, and <see cref="MachineDeliversBreakpoints"/> says which case holds.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class WatchpointTests : KernelTest
{
    /// <summary>
    /// Whether a write breakpoint on memory of this process counts the writes (a counting PERF_TYPE_BREAKPOINT event,
    /// no BPF), asked of the kernel directly so the tests do not depend on what they test.
    /// </summary>
    private static bool MachineDeliversBreakpoints()
    {
        var memory = Marshal.AllocHGlobal(64);
        try
        {
            var attr = new byte[128];
            BitConverter.TryWriteBytes(attr.AsSpan(0), 5u); // PERF_TYPE_BREAKPOINT
            BitConverter.TryWriteBytes(attr.AsSpan(4), 128u);
            BitConverter.TryWriteBytes(attr.AsSpan(52), 2u); // HW_BREAKPOINT_W
            BitConverter.TryWriteBytes(attr.AsSpan(56), (ulong)memory);
            BitConverter.TryWriteBytes(attr.AsSpan(64), 8UL);
            var fd = (int)PerfEventOpen(298, attr, 0, -1, -1, 0);
            if (fd < 0)
                return false;
            for (var i = 0; i < 3; i++)
                Marshal.WriteInt64(memory, i);
            ulong count = 0;
            var read = Read(fd, ref count, 8);
            _ = Close(fd);
            return read == 8 && count > 0;
        }
        finally
        {
            Marshal.FreeHGlobal(memory);
        }
    }

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial long PerfEventOpen(long number, byte[] attr, int pid, int cpu, int group, ulong flags);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint Read(int fd, ref ulong buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private static string Repeated(string line, int times) => MachineDeliversBreakpoints() ? string.Concat(Enumerable.Repeat(line, times)) : "";

    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    /// <summary>watch_target, started: it has printed its variable's address and waits for a line to write it.</summary>
    private sealed class Target : IDisposable
    {
        private readonly WaitingProgram _program = new(TestPrograms.PathOf("watch_target"));

        public int Pid => _program.Pid;

        /// <summary>The variable's address as the program prints it (<c>0x55…</c>).</summary>
        public string Address => _program.FirstLine;

        public ulong AddressValue => ulong.Parse(Address.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        public Task WriteAndExitAsync() => _program.GoAndExitAsync();

        public void Dispose() => _program.Dispose();
    }

    private static async Task<RunResult> WatchAsync(string mode, params string[] options)
    {
        using var target = new Target();
        using var tool = SharpTraceRun.Start([.. options, "-p", target.Pid.ToString(CultureInfo.InvariantCulture), "-e",
            $$"""watchpoint:{{target.Address}}:8:{{mode}} { printf("%s %d\n", probe, pid); }"""]);
        await tool.WaitForAttachedAsync(Bound);
        await target.WriteAndExitAsync();
        var result = await tool.WaitForExitAsync(Bound);
        return result with { Stdout = result.Stdout.Replace(target.Pid.ToString(CultureInfo.InvariantCulture), "PID", StringComparison.Ordinal)
            .Replace(target.AddressValue.ToString(CultureInfo.InvariantCulture), "ADDR", StringComparison.Ordinal) };
    }

    [Fact]
    public async Task WriteWatchpointFiresOnEachWriteOfTheProcess()
    {
        var result = await WatchAsync("w");

        Assert.Equal((0, Repeated("watchpoint:/proc/PID/exe:ADDR:8:w PID\n", 3)), (result.ExitCode, result.Stdout));
        Assert.Contains("Attached 1 probe", result.Stderr);
    }

    [Fact]
    public async Task ReadWriteWatchpointFiresOnTheReadTooInJson()
    {
        var result = await WatchAsync("wr", "-f", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}",
                      .. Repeated("{\"type\": \"printf\", \"data\": \"watchpoint:/proc/PID/exe:ADDR:8:rw PID\\n\"}\n", 4).Split('\n', StringSplitOptions.RemoveEmptyEntries)],
            JsonLines.NonEmpty(result.Stdout));
    }

    [Fact]
    public async Task WithoutAProcessItWatchesEveryCpu()
    {
        using var target = new Target();
        using var tool = SharpTraceRun.Start(["-e",
            $$"""w:{{target.Address}}:4:w /pid == {{target.Pid}}/ { printf("%s\n", probe); } interval:ms:1500 { exit(); }"""]);
        await tool.WaitForAttachedAsync(Bound);
        await target.WriteAndExitAsync();
        var result = await tool.WaitForExitAsync(Bound);

        Assert.Equal((0, Repeated($"watchpoint:{target.AddressValue}:4:w\n", 3)), (result.ExitCode, result.Stdout));
        Assert.Contains("Attached 2 probes", result.Stderr);
    }

    [Theory]
    [InlineData("watchpoint:0x1000:3:w", "watchpoint length must be one of (1,2,4,8)")]
    [InlineData("watchpoint:0x1000:8:r", "invalid watchpoint mode: r (supported modes: rw,w,x)")]
    [InlineData("watchpoint:0x1000:8:ww", "watchpoint modes may not be duplicated")]
    [InlineData("watchpoint:0:8:w", "watchpoint must be attached to a non-zero address")]
    // Dropped by the newest bpftrace (with watchpoint:FUNC+argN): an unknown provider there, refused before anything loads.
    [InlineData("asyncwatchpoint:increment+arg1:4:w", "Invalid probe type: asyncwatchpoint")]
    [InlineData("aw:increment+arg1:4:w", "Invalid probe type: aw")]
    public async Task BadWatchpointsAreOneError(string point, string message)
    {
        var result = await SharpTraceRun.RunAsync(["-e", point + " { }"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"ERROR: {message}\n", result.Stderr);
    }
}
