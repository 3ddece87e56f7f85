using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

// The members of union bpf_attr (bpf.h) that we use, each laid out at the kernel's offsets and sized to the
// last field we fill: the kernel accepts a shorter attr and treats the missing tail as zero.

/// <summary>BPF_MAP_CREATE, through map_ifindex.</summary>
[StructLayout(LayoutKind.Explicit, Size = 48)]
internal unsafe struct MapCreateAttr
{
    [FieldOffset(0)] public uint MapType;
    [FieldOffset(4)] public uint KeySize;
    [FieldOffset(8)] public uint ValueSize;
    [FieldOffset(12)] public uint MaxEntries;
    [FieldOffset(16)] public uint MapFlags;
    [FieldOffset(28)] public fixed byte MapName[16];
}

/// <summary>BPF_MAP_LOOKUP_BATCH, through flags.</summary>
[StructLayout(LayoutKind.Explicit, Size = 56)]
internal struct MapBatchAttr
{
    [FieldOffset(0)] public ulong InBatch;
    [FieldOffset(8)] public ulong OutBatch;
    [FieldOffset(16)] public ulong Keys;
    [FieldOffset(24)] public ulong Values;
    [FieldOffset(32)] public uint Count;
    [FieldOffset(36)] public uint MapFd;
    [FieldOffset(40)] public ulong ElemFlags;
    [FieldOffset(48)] public ulong Flags;
}

/// <summary>BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY and BPF_MAP_FREEZE.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct MapElemAttr
{
    [FieldOffset(0)] public uint MapFd;
    [FieldOffset(8)] public ulong Key;
    [FieldOffset(16)] public ulong ValueOrNextKey;
    [FieldOffset(24)] public ulong Flags;
}

/// <summary>BPF_PROG_LOAD, through attach_btf_id.</summary>
[StructLayout(LayoutKind.Explicit, Size = 112)]
internal unsafe struct ProgLoadAttr
{
    [FieldOffset(0)] public uint ProgType;
    [FieldOffset(4)] public uint InsnCount;
    [FieldOffset(8)] public ulong Insns;
    [FieldOffset(16)] public ulong License;
    [FieldOffset(24)] public uint LogLevel;
    [FieldOffset(28)] public uint LogSize;
    [FieldOffset(32)] public ulong LogBuf;
    [FieldOffset(48)] public fixed byte ProgName[16];
    [FieldOffset(68)] public uint ExpectedAttachType;
    [FieldOffset(72)] public uint ProgBtfFd;
    [FieldOffset(76)] public uint FuncInfoRecSize;
    [FieldOffset(80)] public ulong FuncInfo;
    [FieldOffset(88)] public uint FuncInfoCount;
    [FieldOffset(108)] public uint AttachBtfId;
}

/// <summary>BPF_LINK_CREATE for a perf event (attach type BPF_PERF_EVENT), through perf_event.bpf_cookie.</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct LinkCreateAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(4)] public uint TargetFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint Flags;
    [FieldOffset(16)] public ulong BpfCookie;
}

/// <summary>BPF_LINK_CREATE for an iterator (attach type BPF_TRACE_ITER), through iter_info_len.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct IterLinkCreateAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(16)] public ulong IterInfo;
    [FieldOffset(24)] public uint IterInfoLength;
}

/// <summary>BPF_ITER_CREATE.</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct IterCreateAttr
{
    [FieldOffset(0)] public uint LinkFd;
    [FieldOffset(4)] public uint Flags;
}

/// <summary>BPF_OBJ_PIN.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct ObjPinAttr
{
    [FieldOffset(0)] public ulong Pathname;
    [FieldOffset(8)] public uint BpfFd;
    [FieldOffset(12)] public uint FileFlags;
}

/// <summary>BPF_LINK_CREATE for uprobes (attach type BPF_TRACE_UPROBE_MULTI), through uprobe_multi.pid.</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct UprobeMultiLinkCreateAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(16)] public ulong Path;
    [FieldOffset(24)] public ulong Offsets;
    [FieldOffset(32)] public ulong RefCtrOffsets;
    [FieldOffset(40)] public ulong Cookies;
    [FieldOffset(48)] public uint Count;
    [FieldOffset(52)] public uint Flags;
    [FieldOffset(56)] public uint Pid;
}

/// <summary>BPF_LINK_CREATE for a multi-kprobe link, through kprobe_multi.cookies.</summary>
[StructLayout(LayoutKind.Explicit, Size = 48)]
internal struct KprobeMultiLinkCreateAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(16)] public uint Flags;
    [FieldOffset(20)] public uint Count;
    [FieldOffset(24)] public ulong Symbols;
    [FieldOffset(32)] public ulong Addresses;
    [FieldOffset(40)] public ulong Cookies;
}

/// <summary>BPF_PROG_TEST_RUN, through cpu.</summary>
[StructLayout(LayoutKind.Explicit, Size = 72)]
internal struct TestRunAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(4)] public uint Retval;
    [FieldOffset(8)] public uint DataSizeIn;
    [FieldOffset(16)] public ulong DataIn;
    [FieldOffset(32)] public uint Repeat;
    [FieldOffset(36)] public uint Duration;
    [FieldOffset(40)] public uint CtxSizeIn;
    [FieldOffset(48)] public ulong CtxIn;
    [FieldOffset(64)] public uint Flags;
    [FieldOffset(68)] public uint Cpu;
}

/// <summary>BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID.</summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
internal struct GetIdAttr
{
    [FieldOffset(0)] public uint StartId;
    [FieldOffset(4)] public uint NextId;
    [FieldOffset(8)] public uint OpenFlags;
}

/// <summary>BPF_OBJ_GET_INFO_BY_FD.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct ObjInfoAttr
{
    [FieldOffset(0)] public uint BpfFd;
    [FieldOffset(4)] public uint InfoLen;
    [FieldOffset(8)] public ulong Info;
}

/// <summary>BPF_BTF_LOAD, through btf_log_true_size (an output since Linux 6.4, ignored before).</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct BtfLoadAttr
{
    [FieldOffset(0)] public ulong Btf;
    [FieldOffset(8)] public ulong LogBuf;
    [FieldOffset(16)] public uint BtfSize;
    [FieldOffset(20)] public uint LogSize;
    [FieldOffset(24)] public uint LogLevel;
}

/// <summary>The head of struct bpf_prog_info, through name.</summary>
[StructLayout(LayoutKind.Explicit, Size = 80)]
internal unsafe struct ProgInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(64)] public fixed byte Name[16];
}

/// <summary>The head of struct bpf_map_info, through name.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct MapInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public uint KeySize;
    [FieldOffset(12)] public uint ValueSize;
    [FieldOffset(16)] public uint MaxEntries;
    [FieldOffset(20)] public uint MapFlags;
    [FieldOffset(24)] public fixed byte Name[16];
}

/// <summary>BPF_RAW_TRACEPOINT_OPEN.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct RawTracepointOpenAttr
{
    [FieldOffset(0)] public ulong Name;
    [FieldOffset(8)] public uint ProgFd;
}
