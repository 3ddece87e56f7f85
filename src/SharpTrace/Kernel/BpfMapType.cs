namespace SharpTrace.Kernel;

/// <summary>enum bpf_map_type (bpf.h).</summary>
internal enum BpfMapType : uint
{
    Unspec = 0,
    Hash = 1,
    Array = 2,
    ProgArray = 3,
    PerfEventArray = 4,
    PerCpuHash = 5,
    PerCpuArray = 6,
    StackTrace = 7,
    CgroupArray = 8,
    LruHash = 9,
    LruPerCpuHash = 10,
    LpmTrie = 11,
    ArrayOfMaps = 12,
    HashOfMaps = 13,
    Queue = 22,
    Stack = 23,
    RingBuf = 27,
    BloomFilter = 30,
}
