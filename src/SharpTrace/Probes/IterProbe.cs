using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: ProbeKindProvider(typeof(IterProbe))]

namespace SharpTrace.Probes;

/// <summary>
/// <c>iter:NAME</c> (<c>it</c>) and <c>iter:NAME:PIN</c>: a BPF iterator over kernel objects (<c>task</c>,
/// <c>task_file</c>, <c>task_vma</c> and whatever else the kernel's BTF offers as <c>struct bpf_iter__NAME</c>).
/// The program is a tracing program (BPF_TRACE_ITER, attached to BTF's <c>bpf_iter_NAME</c>) run once per object
/// when the iterator is read; <c>ctx</c> points to the <c>struct bpf_iter__NAME</c> (<c>ctx->task</c>,
/// <c>ctx->file</c>, <c>ctx->vma</c>…) and <c>printf</c> writes to the iterator's text. The session reads the
/// iterator to its end, prints the text and ends the run; with a pin path it pins the link in bpffs (relative paths
/// under /sys/fs/bpf) and ends, and each <c>cat</c> of the file runs the iterator again. With <c>-p PID</c> a task
/// iterator visits only that process.
/// </summary>
internal sealed class IterProbe : ProbeProvider
{
    public override string Name => "iter";
    public override IReadOnlyList<string> Aliases => ["it"];
    public override BpfProgramType ProgramType => BpfProgramType.Tracing;
    public override ProbeContext Context { get; } = new() { PrintsToSeqFile = true };

    // The process goes to the kernel with the link; a predicate on pid would test the reader.
    public override bool FiltersTargetPid => false;

    public override string? ContextStruct(ProbeSpec spec) => "bpf_iter__" + spec.Target;

    // bpftrace's words for each mistake.
    public override IEnumerable<ProbeSpec> Resolve(AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (point.Parts.Count is not (1 or 2))
        {
            diagnostics.Error(point.Span, "iter probe type takes 2 arguments (1 optional)");
            return [];
        }
        if (point.Parts.Any(Wildcard.Has))
        {
            diagnostics.Error(point.Span, "iter probe type does not support wildcards");
            return [];
        }
        var name = point.Parts[0];
        if (name.Length == 0)
        {
            diagnostics.Error(point.Span, "iter should specify a iterator's name");
            return [];
        }
        if (!resolution.Tracepoints.Iterators().Contains(name))
        {
            diagnostics.Error(point.Span, $"iter {name} not available for your kernel version.");
            return [];
        }
        return [new ProbeSpec(this, name, point.Parts.Count == 2 ? point.Parts[1] : "") { Pid = resolution.Config?.TargetPid }];
    }

    public override string? AttachPointsProblem(IReadOnlyList<ProbeSpec> specs) =>
        specs.Count > 1 ? "iter probe only supports one attach point." : null;

    /// <summary>iter:task, or iter:task:PIN.</summary>
    public override string Describe(ProbeSpec spec) => spec.Name.Length > 0 ? $"iter:{spec.Target}:{spec.Name}" : $"iter:{spec.Target}";

    public override (uint AttachType, uint AttachBtfId)? LoadTarget(ProbeSpec spec) =>
        (IteratorLink.AttachType, IteratorLink.FunctionId(spec.Target));

    public override IProbeAttachment Attach(ProbeSpec spec, BpfProgram program, Func<Tracefs> tracefs) =>
        IteratorLink.Create(program, spec.ToString(), spec.Pid, spec.Name);

    protected override IEnumerable<ListedProbe> Listing(ListingMachine machine) =>
        machine.Tracepoints.Iterators().Select(name => new ListedProbe($"iter:{name}"));

    /// <summary>As bpftrace: an iterator BTF describes but the kernel loads no program for is left out, with a warning.</summary>
    public override IEnumerable<string> List(string pattern, ListingMachine machine, Action<string> warning)
    {
        var listed = new List<string>();
        foreach (var name in base.List(pattern, machine, warning))
        {
            var iterator = name["iter:".Length..];
            if (machine.IteratorLoads(iterator))
                listed.Add(name);
            else
                warning($"The kernel contains bpf_iter__{iterator} struct but does not support loading an iterator program against it.");
        }
        return listed;
    }

    /// <summary><c>-lv</c>, as bpftrace: what <c>ctx</c> holds besides <c>meta</c>, from the prototype of <c>bpf_iter_NAME</c>.</summary>
    public override string ListArguments(string[] parts, ListingMachine machine)
    {
        if (parts is not [_, var name] || machine.KernelFunctionArguments("bpf_iter_" + name) is not { Count: > 0 } arguments)
            return "";
        return string.Concat(arguments.Skip(1).Select(argument => $"    {argument.Type.Name} {argument.Name}\n"));
    }
}
