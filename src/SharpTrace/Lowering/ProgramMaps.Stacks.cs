using SharpTrace.Bpf;
using SharpTrace.Kernel;
using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>The stack trace maps behind <c>kstack</c> and <c>ustack</c>, created as the probes that use them are emitted.</summary>
internal sealed partial class ProgramMaps
{
    /// <summary>Distinct stacks each stack trace map can hold (bpftrace's default map size).</summary>
    public const int StackMapEntries = 4096;

    /// <summary>Processes <see cref="UserStackProcesses"/> remembers: the least recently seen are forgotten beyond.</summary>
    public const int UserStackProcessEntries = 4096;

    /// <summary>BPF_F_STACK_BUILD_ID: a stack trace map whose values are struct bpf_stack_build_id, not addresses.</summary>
    public const uint StackBuildIdFlag = 1 << 5;

    /// <summary>The size of struct bpf_stack_build_id: s32 status, u8 build_id[20], then (padded to 8) u64 offset or ip.</summary>
    public const int BuildIdFrameSize = 32;

    private readonly Dictionary<(int Depth, bool BuildId), MapRef> _stackMaps = [];
    private MapRef? _userStackProcesses;
    private readonly Dictionary<int, MapRef> _userStackCopies = [];
    private readonly Dictionary<int, MapRef> _stackFrameBuffers = [];

    /// <summary>
    /// The BPF_MAP_TYPE_STACK_TRACE map for stacks of <paramref name="type"/>'s depth. One map per depth serves
    /// kernel and user stacks and every print mode but build_id: the mode only matters in user space, and
    /// bpf_get_stackid's flags say which stack to walk. <c>ustack(build_id)</c> has maps of its own, created with
    /// BPF_F_STACK_BUILD_ID, whose frames the kernel stores as a build id and an offset in the file.
    /// </summary>
    public MapRef StackMap(StackType type)
    {
        var buildId = type.Mode == Output.StackMode.BuildId;
        if (!_stackMaps.TryGetValue((type.Depth, buildId), out var map))
        {
            map = Add(buildId
                ? new MapDefinition(new MapRef($"stack_bid_{type.Depth}"), BpfMapType.StackTrace, 4, type.Depth * BuildIdFrameSize,
                    StackMapEntries, null, StackBuildIdFlag)
                : new MapDefinition(new MapRef($"stack_{type.Depth}"), BpfMapType.StackTrace, 4, type.Depth * 8, StackMapEntries, null)).Ref;
            _stackMaps[(type.Depth, buildId)] = map;
        }
        return map;
    }

    /// <summary>
    /// An LRU hash of the process ids whose user stacks the probes have taken (pid, u32, to a u64 that is not read):
    /// a probe tells user space about a process the first time it takes its stack, so that user space reads its
    /// mappings while it lives, and its frames can be named after it has exited.
    /// </summary>
    public MapRef UserStackProcesses => _userStackProcesses ??=
        Add(new MapDefinition(new MapRef("ustack_pids"), BpfMapType.LruHash, 4, 8, UserStackProcessEntries, null)).Ref;

    /// <summary>
    /// A per-CPU array of one buffer of <paramref name="depth"/> frames (8 bytes each): bpf_get_stack copies a stack
    /// there only to count its frames (<c>len(kstack)</c>), since a stack trace map cannot be read by a program.
    /// </summary>
    public MapRef StackFrameBuffer(int depth)
    {
        if (!_stackFrameBuffers.TryGetValue(depth, out var map))
            _stackFrameBuffers[depth] = map = Add(new MapDefinition(new MapRef($"stack_frames_{depth}"), BpfMapType.PerCpuArray, 4, depth * 8, 1, null)).Ref;
        return map;
    }

    /// <summary>
    /// An array of one <paramref name="bytes"/>-byte buffer per possible CPU, indexed by the CPU: a <c>dw_ustack</c>
    /// record is built there (the stack copy is larger than a per-CPU map value may be) and sent with the bytes it
    /// holds, so that a shallow stack takes little of the ring buffer.
    /// </summary>
    public MapRef UserStackCopies(int bytes)
    {
        if (!_userStackCopies.TryGetValue(bytes, out var map))
            _userStackCopies[bytes] = map = Add(new MapDefinition(new MapRef($"dw_ustack_{bytes}"), BpfMapType.Array, 4, bytes,
                BpfMap.PossibleCpuCount, null)).Ref;
        return map;
    }
}
