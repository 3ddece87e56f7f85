using SharpTrace.Kernel;

namespace SharpTrace.Semantics;

/// <summary>The tracepoints the binder may attach to, and their argument layouts (tracefs on a real machine).</summary>
internal interface ITracepointCatalog
{
    IEnumerable<(string Category, string Name)> List();

    /// <summary>The format of a tracepoint, or null when it does not exist.</summary>
    TracepointFormat? Format(string category, string name);

    /// <summary>The names raw tracepoints can attach to (e.g. "sched_switch"); none unless the catalog knows them.</summary>
    IEnumerable<string> RawTracepoints() => [];

    /// <summary>The kernel's BPF iterators (<c>task</c>, <c>task_file</c>: BTF's <c>struct bpf_iter__NAME</c>); none unless the catalog knows them.</summary>
    IEnumerable<string> Iterators() => [];

    /// <summary>
    /// The kernel functions kprobes may attach to (available_filter_functions), which kprobe wildcards expand over; null
    /// when the catalog does not know them (kprobe attach points are then taken as written).
    /// </summary>
    TraceableFunctions? TraceableFunctions() => null;
}
