using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary>The machine's tracepoints, read from tracefs (mounted on first use when missing).</summary>
/// <param name="traceableFunctionsPath">The list of kernel functions kprobes may attach to; tracefs's available_filter_functions when null.</param>
internal sealed class TracefsCatalog(string? traceableFunctionsPath = null) : ITracepointCatalog
{
    private readonly Dictionary<(string, string), TracepointFormat?> _formats = [];
    private List<(string Category, string Name)>? _events;
    private List<string>? _rawTracepoints;
    private List<string>? _iterators;
    private Tracefs? _tracefs;
    private TraceableFunctions? _traceableFunctions;

    /// <summary>tracefs, mounted on first use.</summary>
    public Tracefs Tracefs => _tracefs ??= Tracefs.Open();

    public IEnumerable<(string Category, string Name)> List() => _events ??= Tracefs.ListEvents().ToList();

    /// <summary>Raw tracepoints from the kernel's BTF, which describes each as a typedef <c>btf_trace_NAME</c>.</summary>
    public IEnumerable<string> RawTracepoints() => _rawTracepoints ??= KernelBtfNames.WithPrefix("btf_trace_").ToList();

    /// <summary>
    /// Iterators from the kernel's BTF: a context struct <c>bpf_iter__NAME</c> and the function <c>bpf_iter_NAME</c> the
    /// program attaches to (the verifier's <c>__safe_trusted</c> variants of the structs are not iterators).
    /// </summary>
    public IEnumerable<string> Iterators()
    {
        if (_iterators is null)
        {
            var names = KernelBtfNames.WithPrefix("bpf_iter_").ToHashSet(StringComparer.Ordinal);
            _iterators = names.Where(n => n.StartsWith('_') && !n.EndsWith("__safe_trusted", StringComparison.Ordinal) && names.Contains(n[1..]))
                .Select(n => n[1..]).Order(StringComparer.Ordinal).ToList();
        }
        return _iterators;
    }

    /// <summary>The kernel functions kprobes may attach to, read once (an unreadable list says why).</summary>
    public TraceableFunctions TraceableFunctions() => _traceableFunctions ??= ReadTraceableFunctions();

    private TraceableFunctions ReadTraceableFunctions()
    {
        if (traceableFunctionsPath is not null)
            return Semantics.TraceableFunctions.Read(traceableFunctionsPath);
        try
        {
            return Semantics.TraceableFunctions.Read(Path.Combine(Tracefs.Root, "available_filter_functions"));
        }
        catch (KernelException e)
        {
            return Semantics.TraceableFunctions.Unreadable("/sys/kernel/tracing/available_filter_functions", e.Message);
        }
    }

    public TracepointFormat? Format(string category, string name)
    {
        if (_formats.TryGetValue((category, name), out var known))
            return known;
        TracepointFormat? format;
        try
        {
            format = Tracefs.ReadFormat(category, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or KernelException)
        {
            format = null; // reported by the caller as a positioned "tracepoint not found"
        }
        return _formats[(category, name)] = format;
    }
}
