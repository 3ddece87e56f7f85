using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>The stack trace maps behind <c>kstack</c> and <c>ustack</c>, created as the probes that use them are emitted.</summary>
internal sealed partial class ProgramMaps
{
    /// <summary>Distinct stacks each stack trace map can hold (bpftrace's default map size).</summary>
    public const int StackMapEntries = 4096;

    private readonly Dictionary<int, MapRef> _stackMaps = [];

    /// <summary>
    /// The BPF_MAP_TYPE_STACK_TRACE map for stacks of <paramref name="type"/>'s depth. One map per depth serves
    /// kernel and user stacks and every print mode: the mode only matters in user space, and bpf_get_stackid's
    /// flags say which stack to walk.
    /// </summary>
    public MapRef StackMap(StackType type)
    {
        if (!_stackMaps.TryGetValue(type.Depth, out var map))
        {
            map = Add(new MapDefinition(new MapRef($"stack_{type.Depth}"), BpfMapType.StackTrace, 4, type.Depth * 8, StackMapEntries, null)).Ref;
            _stackMaps[type.Depth] = map;
        }
        return map;
    }
}
