using System.Globalization;
using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(WatchpointProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>watchpoint:ADDR:LEN:MODE</c> (<c>w</c>): a hardware breakpoint (PERF_TYPE_BREAKPOINT) on LEN bytes at the
/// absolute address ADDR, firing when they are read or written (<c>rw</c>), written (<c>w</c>) or executed (<c>x</c>),
/// the modes x86-64 offers. With <c>-p</c> or <c>-c</c> it watches every thread of that process (and the threads they
/// start); otherwise every CPU, whatever runs there. The newest bpftrace has dropped <c>asyncwatchpoint</c> and the
/// <c>FUNC+argN</c> form, so only absolute addresses are accepted, as there. Nothing of the context is read.
/// </summary>
internal sealed class WatchpointProbe : ProbeProvider
{
    // HW_BREAKPOINT_R, _W, _X (hw_breakpoint.h).
    private const uint Read = 1, Write = 2, Execute = 4;

    // x86-64 debug registers: data writes, data reads and writes, or instruction fetches (Intel SDM vol. 3, 17.2.4).
    private static readonly string[] Modes = ["rw", "w", "x"];

    public override string Name => "watchpoint";
    public override IReadOnlyList<string> Aliases => ["w"];
    public override BpfProgramType ProgramType => BpfProgramType.PerfEvent;

    // Checks and words as the newest bpftrace's attach point passes.
    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (point.Parts.Count != 3)
        {
            diagnostics.Error(point.Span, $"watchpoint probe type requires 3 arguments, found {point.Parts.Count}");
            return [];
        }
        if (!AttachPointText.TryParseInteger(point.Parts[0], out var address))
        {
            diagnostics.Error(point.Span, $"Invalid function/address argument: {point.Parts[0]} is not an address");
            return [];
        }
        if (!AttachPointText.TryParseInteger(point.Parts[1], out var length))
        {
            diagnostics.Error(point.Span, $"Invalid length argument: {point.Parts[1]} is not a number");
            return [];
        }
        var mode = new string(point.Parts[2].Order().ToArray());
        var problem = address == 0 ? "watchpoint must be attached to a non-zero address"
            : length is not (1 or 2 or 4 or 8) ? "watchpoint length must be one of (1,2,4,8)"
            : mode.Length == 0 || mode.Any(c => c is not ('r' or 'w' or 'x')) ? "watchpoint mode must be combination of (r,w,x)"
            : mode.Distinct().Count() != mode.Length ? "watchpoint modes may not be duplicated"
            : !Modes.Contains(mode) ? $"invalid watchpoint mode: {mode} (supported modes: {string.Join(',', Modes)})"
            : null;
        if (problem is not null)
        {
            diagnostics.Error(point.Span, problem);
            return [];
        }
        // -c's command is held before compiling, so its pid is known; --dry-run and -l give it as 0 (no process).
        var pid = resolution.Config?.TargetPid ?? resolution.Config?.ChildPid;
        pid = pid is > 0 ? pid : null;
        var target = pid is { } process ? $"/proc/{process}/exe" : "";
        return [new ProbeSpec(this, target, mode) { Offset = address, Period = length, Pid = pid }];
    }

    // bpftrace's name: the target (the process's binary), then the address in decimal, the length and the mode.
    public override string Describe(ProbeSpec spec) =>
        string.Join(':', new[] { Name, spec.Target, spec.Offset.ToString(CultureInfo.InvariantCulture),
            spec.Period.ToString(CultureInfo.InvariantCulture), spec.Name }.Where(part => part.Length > 0));

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs)
    {
        var type = spec.Name.Aggregate(0u, (bits, c) => bits | c switch { 'r' => Read, 'w' => Write, _ => Execute });
        var attr = new PerfEventAttr
        {
            Type = (uint)PerfEventType.Breakpoint,
            BreakpointType = type,
            Config1 = spec.Offset,
            // An instruction breakpoint covers a whole instruction: perf_event_open(2) wants sizeof(long).
            Config2 = (type & Execute) != 0 ? sizeof(long) : spec.Period,
            SamplePeriodOrFrequency = 1,
            WakeupEvents = 1,
            Flags = PerfEventFlags.Disabled | PerfEventFlags.Inherit,
        };
        if (spec.Pid is { } pid)
            return ProbeAttacher.AttachToEach(program, ThreadsOf(pid), tid => Open(attr, tid, cpu: -1, $"{spec} on thread {tid}"));
        return ProbeAttacher.AttachOnEveryCpu(program, cpu => Open(attr, pid: -1, cpu, $"{spec} on cpu {cpu}"));
    }

    private static PerfEvent Open(PerfEventAttr attr, int pid, int cpu, string description)
    {
        try
        {
            return PerfEvent.Open(attr, pid, cpu, description);
        }
        catch (KernelException e) when (e.Errno == NoSpace)
        {
            throw new ProbeUnavailableException(description, "No more HW registers left (every debug register is in use)");
        }
    }

    private const int NoSpace = 28; // ENOSPC

    // Every thread the process has now; those it starts later inherit the breakpoint.
    private static IReadOnlyList<int> ThreadsOf(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task")
                .Select(path => int.Parse(Path.GetFileName(path), CultureInfo.InvariantCulture)).Order().ToList();
        }
        catch (DirectoryNotFoundException)
        {
            throw new ProbeUnavailableException($"watchpoint on process {pid}", $"no such process: {pid}");
        }
    }
}
