using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Kernel.Btf;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary>
/// <c>syscalls:sys_enter_*</c> (or <c>sys_exit_*</c>) tracepoints attached without a perf event: a small program on the
/// raw <c>sys_enter</c> (<c>sys_exit</c>) tracepoint, attached through a BPF link, tail-calls by syscall number the
/// probe's own program, compiled for the raw tracepoint (<c>Lowering.ProbeLowerer.SyscallDirectionOf</c>). Closing a
/// tracepoint's last perf event waits for RCU grace periods under a kernel-wide lock (20-50 ms each, one after
/// another: 361 of them took 8-20 s, two of them most of a short run); closing a raw tracepoint link does not wait.
/// A program with fewer than <see cref="MinimumTracepoints"/> of them keeps their perf events: the dispatcher runs for
/// every syscall of the machine, which costs more per event than the few perf events cost once at exit.
/// </summary>
/// <remarks>
/// Faithful because the kernel builds the syscall tracepoints on the raw ones: <c>sys_enter_NAME</c> fires on
/// <c>sys_enter</c> for NAME's number only (<see cref="SyscallNumbers"/>), never for a 32-bit task's syscall
/// (TS_COMPAT, checked here too), and its record holds the number and the argument registers the probe's program
/// reads itself from the raw tracepoint's <c>pt_regs</c>; numbers outside the table (x32, -1) find no program. Two
/// programs on one number go in two tables, each with its own link, attached in the script's order (the kernel runs
/// a tracepoint's programs in the order they were attached).
/// </remarks>
internal sealed class SyscallDispatch : IProbeAttachment
{
    /// <summary>
    /// Below this many <c>syscalls</c> tracepoints in a program, each keeps its own perf event. On this machine the
    /// dispatcher made a probe on one syscall cost 1.3-1.7 times bpftrace's per event (bench/run: it runs for every
    /// syscall of the machine, where the kernel skips unwatched ones for a perf event before any program runs), while
    /// releasing two perf events at exit took about 60 ms (docs/benchmarks.md).
    /// </summary>
    public const int MinimumTracepoints = 4;

    private const int TsCompat = 0x0002; // arch/x86/include/asm/thread_info.h
    private const int TableSize = 1024;
    private const int OrigAxOffset = 120; // struct pt_regs on x86-64

    // Up to this many numbers, the dispatcher compares the number with each before reading the task's status.
    private const int PrefilterLimit = 16;

    private readonly BpfMap _programs;
    private readonly BpfProgram _dispatcher;
    private readonly RawTracepointLink _link;
    private readonly IReadOnlyList<int> _numbers;
    private bool _disposed;

    private SyscallDispatch(BpfMap programs, BpfProgram dispatcher, RawTracepointLink link, IReadOnlyList<int> numbers)
    {
        _programs = programs;
        _dispatcher = dispatcher;
        _link = link;
        _numbers = numbers;
    }

    /// <summary>
    /// What this machine gives the raw path: the syscall numbers and where a task's thread_info.status lies (from
    /// BTF). <see cref="Find"/> is null without either (or for too few tracepoints), and then every syscalls
    /// tracepoint keeps its perf event.
    /// </summary>
    public sealed class Support
    {
        private readonly SyscallNumbers _numbers;

        private Support(SyscallNumbers numbers, int statusOffset) => (_numbers, StatusOffset) = (numbers, statusOffset);

        /// <summary>Where the running kernel keeps a task's thread_info.status.</summary>
        public int StatusOffset { get; }

        /// <summary>
        /// The raw path for a program of <paramref name="tracepoints"/> <c>syscalls</c> tracepoints: null below
        /// <see cref="MinimumTracepoints"/>, or when one of its needs is missing on this machine.
        /// </summary>
        public static Support? Find(int tracepoints)
        {
            if (tracepoints < MinimumTracepoints)
                return null;
            var numbers = SyscallNumbers.Load();
            if (numbers.NumberOf("sys_enter_openat") is null || FindCompatStatusOffset() is not { } offset)
                return null;
            return new Support(numbers, offset);
        }

        /// <summary>Whether every point is a syscalls tracepoint whose number is known.</summary>
        public bool Serves(IReadOnlyList<ProbeSpec> points) =>
            points.Count > 0 && points.All(p => p.Kind is TracepointProbe && p.Target == "syscalls" && NumberOf(p) is not null);

        /// <summary>The syscall number of a served point.</summary>
        public int? NumberOf(ProbeSpec point) => _numbers.NumberOf(point.Name) is { } n and >= 0 and < TableSize ? n : null;
    }

    /// <summary>
    /// Splits <paramref name="points"/> into the programs loaded for the raw syscall tracepoints, grouped into tables
    /// by direction (a number two programs want goes in a second table), and the rest, attached on their own.
    /// </summary>
    public static (IReadOnlyList<Group> Dispatched, IReadOnlyList<(ProbeSpec Spec, BpfProgram Program)> OnTheirOwn) Plan(
        IReadOnlyList<(ProbeSpec Spec, BpfProgram Program)> points, Support? support)
    {
        if (support is null)
            return ([], points);
        var dispatched = points.Where(p => p.Spec.Kind is TracepointProbe && p.Program.Type == BpfProgramType.RawTracepoint).ToList();
        var groups = new List<Group>();
        foreach (var direction in new[] { "sys_enter", "sys_exit" })
        {
            var tables = new List<Dictionary<int, BpfProgram>>();
            foreach (var (spec, program) in dispatched.Where(p => p.Spec.Name.StartsWith(direction + "_", StringComparison.Ordinal)))
            {
                var number = support.NumberOf(spec) ?? throw new InvalidOperationException($"{spec}: no syscall number");
                var table = tables.FirstOrDefault(t => !t.ContainsKey(number));
                if (table is null)
                    tables.Add(table = []);
                table[number] = program;
            }
            groups.AddRange(tables.Select(t => new Group(direction, t.Select(e => (e.Key, e.Value)).ToList(), support.StatusOffset)));
        }
        return (groups, points.Where(p => !dispatched.Contains(p)).ToList());
    }

    /// <summary>
    /// The tracepoints of one direction (<c>sys_enter</c> or <c>sys_exit</c>) and table: each syscall number's program,
    /// and where the running kernel keeps a task's thread_info.status.
    /// </summary>
    public sealed record Group(string Direction, IReadOnlyList<(int Number, BpfProgram Program)> Programs, int StatusOffset);

    /// <summary>Loads the dispatcher for <paramref name="group"/> and links it to the raw syscall tracepoint; all or nothing.</summary>
    public static SyscallDispatch Attach(Group group)
    {
        var table = BpfMap.Create(BpfMapType.ProgArray, 4, 4, TableSize, $"{group.Direction}_progs");
        BpfProgram? dispatcher = null;
        try
        {
            foreach (var (number, program) in group.Programs)
                table.Update(BitConverter.GetBytes(number), BitConverter.GetBytes(program.Fd));
            dispatcher = BpfProgram.Load(BpfProgramType.RawTracepoint,
                DispatcherCode(group.Direction == "sys_exit", group.StatusOffset, group.Programs.Select(p => p.Number).ToList()).Link(_ => table.Fd), $"rawtracepoint:{group.Direction}");
            var link = RawTracepointLink.Open(group.Direction, dispatcher);
            return new SyscallDispatch(table, dispatcher, link, group.Programs.Select(p => p.Number).ToList());
        }
        catch
        {
            dispatcher?.Dispose();
            table.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>if (!(current->thread_info.status &amp; TS_COMPAT)) bpf_tail_call(ctx, table, number); return 0;</c>, the
    /// number being the raw <c>sys_enter</c>'s <c>id</c>, or at <c>sys_exit</c> <c>regs-&gt;orig_ax</c> (which the
    /// syscall tracepoints read too). With a few numbers, the others return before the status is read: the program
    /// runs for every syscall of the machine.
    /// </summary>
    private static AssembledProgram DispatcherCode(bool exit, int statusOffset, IReadOnlyList<int> numbers)
    {
        var asm = new Assembler();
        var done = asm.NewLabel("done");
        var table = new MapRef("programs");
        asm.Mov(Reg.R6, Reg.R1);
        if (exit)
        {
            asm.Load(Size.U64, Reg.R3, Reg.R6, 0).Alu(AluOp.Add, Reg.R3, OrigAxOffset)
                .Mov(Reg.R1, Reg.R10).Alu(AluOp.Add, Reg.R1, -8)
                .Mov(Reg.R2, 8)
                .Call(HelperFunction.ProbeReadKernel)
                .Load(Size.U64, Reg.R7, Reg.R10, -8);
        }
        else
            asm.Load(Size.U64, Reg.R7, Reg.R6, 8);
        if (numbers.Count <= PrefilterLimit)
        {
            var wanted = asm.NewLabel("wanted");
            foreach (var number in numbers)
                asm.JumpIf(JumpOp.Eq, Reg.R7, number, wanted);
            asm.Jump(done).Mark(wanted);
        }
        asm.Call(HelperFunction.GetCurrentTask)
            .Mov(Reg.R3, Reg.R0).Alu(AluOp.Add, Reg.R3, statusOffset)
            .Mov(Reg.R1, Reg.R10).Alu(AluOp.Add, Reg.R1, -16)
            .Mov(Reg.R2, 4)
            .Call(HelperFunction.ProbeReadKernel)
            .Load(Size.U32, Reg.R0, Reg.R10, -16)
            .JumpIf(JumpOp.Set, Reg.R0, TsCompat, done)
            .Mov(Reg.R1, Reg.R6)
            .LoadMapFd(Reg.R2, table)
            .Mov(Reg.R3, Reg.R7)
            .Call(HelperFunction.TailCall)
            .Mark(done)
            .Mov(Reg.R0, 0)
            .Exit();
        return asm.Assemble();
    }

    // Where the running kernel keeps a task's thread_info.status (x86: thread_info is task_struct's first member);
    // null when BTF does not say, and then nothing is dispatched. The kernel's BTF is mapped where it can be (Linux
    // 6.16+): reading its 5 MiB through sysfs takes a system call per page, 5 to 100 ms here.
    private static unsafe int? FindCompatStatusOffset()
    {
        try
        {
            using var file = File.OpenHandle(BtfFile.VmlinuxPath);
            var length = (int)RandomAccess.GetLength(file);
            MemoryMapping? mapping = null;
            try
            {
                mapping = MemoryMapping.Map((int)file.DangerousGetHandle(), 0, length, Native.ProtRead, "map the kernel's BTF", shared: false);
            }
            catch (KernelException)
            {
                // Before Linux 6.16 the file cannot be mapped: read it.
            }
            using (mapping)
            {
                ReadOnlySpan<byte> blob = mapping is null ? File.ReadAllBytes(BtfFile.VmlinuxPath) : new ReadOnlySpan<byte>(mapping.Address, length);
                return BtfFile.FindMemberOffset(blob, "task_struct"u8, "thread_info"u8) is { } info
                    && BtfFile.FindMemberOffset(blob, "thread_info"u8, "status"u8) is { } status
                    ? info + status
                    : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Detaches the dispatcher: none of the group's programs runs any more.</summary>
    public void Stop() => _link.Stop();

    /// <summary>Empties the table (so the kernel drops the programs now, not from deferred work), then closes everything.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _link.Dispose();
        _dispatcher.Dispose();
        try
        {
            foreach (var number in _numbers)
                _programs.Delete(BitConverter.GetBytes(number));
        }
        catch (KernelException)
        {
            // Closing the table empties it too, a moment later.
        }
        _programs.Dispose();
    }
}
