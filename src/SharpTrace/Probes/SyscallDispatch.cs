using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Kernel.Btf;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary>
/// Many <c>syscalls:sys_enter_*</c> (or <c>sys_exit_*</c>) tracepoints attached through one perf event on
/// <c>raw_syscalls:sys_enter</c> (<c>sys_exit</c>): a small program there tail-calls, by syscall number, the probe's own
/// program. Closing a tracepoint's last perf event waits for RCU grace periods under a kernel-wide lock, about 25 ms
/// each and one after another, so 361 perf events took 8-20 s to release; this takes one.
/// </summary>
/// <remarks>
/// Faithful because the kernel builds the syscall tracepoints on top of the raw one: a <c>syscalls</c> tracepoint's
/// program sees the regs pointer at offset 0, the syscall number at 8 and the arguments (enter) or the return value
/// (exit) from 16, 8 bytes each, which is exactly the raw tracepoint's <c>id</c>, <c>args[6]</c> and <c>ret</c>; the
/// probes' programs run unchanged (<c>probe</c>, <c>args</c>, filters). The kernel fires <c>sys_enter_NAME</c> only
/// for NAME's number (<see cref="SyscallNumbers"/>) and never for a 32-bit task's syscall (TS_COMPAT), which the
/// dispatcher checks too; numbers outside the table (x32, -1) find no program.
/// </remarks>
internal sealed class SyscallDispatch : IProbeAttachment
{
    /// <summary>Below this many tracepoints in one direction, each keeps its own perf event (closing them takes under 0.1 s).</summary>
    public const int MinimumTracepoints = 4;

    private const int TsCompat = 0x0002; // arch/x86/include/asm/thread_info.h
    private const int TableSize = 1024;

    private readonly BpfMap _programs;
    private readonly BpfProgram _dispatcher;
    private readonly PerfEvent _event;
    private readonly IReadOnlyList<int> _numbers;
    private bool _disposed;

    private SyscallDispatch(BpfMap programs, BpfProgram dispatcher, PerfEvent perfEvent, IReadOnlyList<int> numbers)
    {
        _programs = programs;
        _dispatcher = dispatcher;
        _event = perfEvent;
        _numbers = numbers;
    }

    /// <summary>
    /// Splits <paramref name="points"/> into those attached through a dispatcher, grouped by direction and keyed by
    /// syscall number, and the rest. A number two programs want stays with the rest, so that each of them keeps its own
    /// perf event and their order; so does everything when no table or no BTF is at hand.
    /// </summary>
    public static (IReadOnlyList<Group> Dispatched, IReadOnlyList<(ProbeSpec Spec, BpfProgram Program)> OnTheirOwn) Plan(
        IReadOnlyList<(ProbeSpec Spec, BpfProgram Program)> points, Lazy<SyscallNumbers> numbers)
    {
        var candidates = points.Where(p => p.Spec.Kind is TracepointProbe && p.Spec.Target == "syscalls"
            && p.Program.Type == BpfProgramType.Tracepoint).ToList();
        if (candidates.Count < MinimumTracepoints)
            return ([], points);
        var groups = new List<Group>();
        var dispatched = new HashSet<ProbeSpec>(ReferenceEqualityComparer.Instance);
        foreach (var direction in new[] { "sys_enter", "sys_exit" })
        {
            var byNumber = candidates.Where(p => p.Spec.Name.StartsWith(direction + "_", StringComparison.Ordinal))
                .Select(p => (p.Spec, p.Program, Number: numbers.Value.NumberOf(p.Spec.Name)))
                .Where(p => p.Number is >= 0 and < TableSize)
                .GroupBy(p => p.Number!.Value)
                .Where(g => g.Count() == 1)
                .Select(g => g.Single())
                .ToList();
            if (byNumber.Count < MinimumTracepoints)
                continue;
            groups.Add(new Group(direction, byNumber.Select(p => (p.Number!.Value, p.Program)).ToList()));
            foreach (var point in byNumber)
                dispatched.Add(point.Spec);
        }
        if (groups.Count == 0 || FindCompatStatusOffset() is not { } statusOffset)
            return ([], points);
        return (groups.Select(g => g with { StatusOffset = statusOffset }).ToList(), points.Where(p => !dispatched.Contains(p.Spec)).ToList());
    }

    /// <summary>
    /// The tracepoints of one direction (<c>sys_enter</c> or <c>sys_exit</c>): each syscall number's program, and where
    /// the running kernel keeps a task's thread_info.status.
    /// </summary>
    public sealed record Group(string Direction, IReadOnlyList<(int Number, BpfProgram Program)> Programs, int StatusOffset = 0);

    /// <summary>Loads the dispatcher for <paramref name="group"/> and attaches it to the raw syscall tracepoint; all or nothing.</summary>
    public static SyscallDispatch Attach(Group group, Tracefs tracefs)
    {
        var table = BpfMap.Create(BpfMapType.ProgArray, 4, 4, TableSize, $"{group.Direction}_progs");
        BpfProgram? dispatcher = null;
        PerfEvent? perfEvent = null;
        try
        {
            foreach (var (number, program) in group.Programs)
                table.Update(BitConverter.GetBytes(number), BitConverter.GetBytes(program.Fd));
            var name = $"tracepoint:raw_syscalls:{group.Direction}";
            dispatcher = BpfProgram.Load(BpfProgramType.Tracepoint, DispatcherCode(group.StatusOffset).Link(_ => table.Fd), name);
            perfEvent = PerfEvent.OpenTracepoint(tracefs.GetEventId("raw_syscalls", group.Direction), name);
            perfEvent.AttachProgram(dispatcher);
            return new SyscallDispatch(table, dispatcher, perfEvent, group.Programs.Select(p => p.Number).ToList());
        }
        catch
        {
            perfEvent?.Dispose();
            dispatcher?.Dispose();
            table.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>if (!(current->thread_info.status &amp; TS_COMPAT)) bpf_tail_call(ctx, table, ctx->id); return 0;</c>
    /// </summary>
    private static AssembledProgram DispatcherCode(int statusOffset)
    {
        var asm = new Assembler();
        var done = asm.NewLabel("done");
        var table = new MapRef("programs");
        asm.Mov(Reg.R6, Reg.R1)
            .Call(HelperFunction.GetCurrentTask)
            .Mov(Reg.R3, Reg.R0).Alu(AluOp.Add, Reg.R3, statusOffset)
            .Mov(Reg.R1, Reg.R10).Alu(AluOp.Add, Reg.R1, -8)
            .Mov(Reg.R2, 4)
            .Call(HelperFunction.ProbeReadKernel)
            .Load(Size.U32, Reg.R0, Reg.R10, -8)
            .JumpIf(JumpOp.Set, Reg.R0, TsCompat, done)
            .Mov(Reg.R1, Reg.R6)
            .LoadMapFd(Reg.R2, table)
            .Load(Size.U64, Reg.R3, Reg.R6, 8)
            .Call(HelperFunction.TailCall)
            .Mark(done)
            .Mov(Reg.R0, 0)
            .Exit();
        return asm.Assemble();
    }

    // Where the running kernel keeps a task's thread_info.status (x86: thread_info is task_struct's first member);
    // null when BTF does not say, and then nothing is dispatched.
    private static int? FindCompatStatusOffset()
    {
        try
        {
            var btf = BtfFile.Load();
            return MemberOffset(btf, "task_struct", "thread_info") is { } info && MemberOffset(btf, "thread_info", "status") is { } status
                ? info + status
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    private static int? MemberOffset(BtfFile btf, string structName, string memberName)
    {
        for (var id = 1; id <= btf.TypeCount; id++)
        {
            var type = btf[id];
            if (type.Kind != BtfKind.Struct || type.Name != structName)
                continue;
            for (var i = 0; i < type.Vlen; i++)
            {
                var member = type.Member(i);
                if (member.Name == memberName && member.BitfieldSize == 0)
                    return member.BitOffset / 8;
            }
        }
        return null;
    }

    /// <summary>Detaches the dispatcher: none of the group's programs runs any more.</summary>
    public void Stop() => _event.Stop();

    /// <summary>Empties the table (so the kernel drops the programs now, not from deferred work), then closes everything.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _event.Dispose();
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
