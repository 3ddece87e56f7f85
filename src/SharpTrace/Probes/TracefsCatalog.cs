using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Probes;

/// <summary>The machine's tracepoints, read from tracefs (mounted on first use when missing).</summary>
internal sealed class TracefsCatalog : ITracepointCatalog
{
    private readonly Dictionary<(string, string), TracepointFormat?> _formats = [];
    private List<(string Category, string Name)>? _events;
    private List<string>? _rawTracepoints;
    private Tracefs? _tracefs;

    /// <summary>tracefs, mounted on first use.</summary>
    public Tracefs Tracefs => _tracefs ??= Tracefs.Open();

    public IEnumerable<(string Category, string Name)> List() => _events ??= Tracefs.ListEvents().ToList();

    /// <summary>Raw tracepoints from the kernel's BTF, which describes each as a typedef <c>btf_trace_NAME</c>.</summary>
    public IEnumerable<string> RawTracepoints() => _rawTracepoints ??= KernelBtfNames.WithPrefix("btf_trace_").ToList();

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
