using System.Runtime.InteropServices;

namespace SharpTrace.Kernel;

/// <summary>perf_event_attr.type (perf_event.h); dynamic PMUs such as uprobe have a type read from sysfs.</summary>
internal enum PerfEventType : uint
{
    Hardware = 0,
    Software = 1,
    Tracepoint = 2,
    HardwareCache = 3,
    Raw = 4,
    Breakpoint = 5,
}

/// <summary>The single-bit fields of perf_event_attr that a tracer sets.</summary>
[Flags]
internal enum PerfEventFlags : ulong
{
    None = 0,
    Disabled = 1UL << 0,
    Inherit = 1UL << 1,
    ExcludeUser = 1UL << 4,
    ExcludeKernel = 1UL << 5,
    ExcludeHypervisor = 1UL << 6,
    ExcludeIdle = 1UL << 7,
    Frequency = 1UL << 10,
    Watermark = 1UL << 14,
}

/// <summary>struct perf_event_attr (perf_event.h) up to sig_data: PERF_ATTR_SIZE_VER7, 128 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = SizeVer7)]
internal struct PerfEventAttr
{
    /// <summary>PERF_ATTR_SIZE_VER7, the size of this layout.</summary>
    public const int SizeVer7 = 128;

    /// <summary>PMU: one of <see cref="PerfEventType"/> or a dynamic PMU type.</summary>
    [FieldOffset(0)] public uint Type;

    /// <summary>Size of this struct as passed; set by <see cref="PerfEvent.Open"/>.</summary>
    [FieldOffset(4)] public uint Size;

    /// <summary>Event within the PMU: tracepoint id, software counter, uprobe flags.</summary>
    [FieldOffset(8)] public ulong Config;

    /// <summary>Sample every N events, or N times a second with <see cref="PerfEventFlags.Frequency"/>.</summary>
    [FieldOffset(16)] public ulong SamplePeriodOrFrequency;

    /// <summary>PERF_SAMPLE_* bits.</summary>
    [FieldOffset(24)] public ulong SampleType;

    /// <summary>PERF_FORMAT_* bits.</summary>
    [FieldOffset(32)] public ulong ReadFormat;

    /// <summary>The bit fields (disabled, inherit, exclude_*, freq, ...).</summary>
    [FieldOffset(40)] public PerfEventFlags Flags;

    /// <summary>Wake up every N events (or bytes with watermark).</summary>
    [FieldOffset(48)] public uint WakeupEvents;

    /// <summary>Breakpoint type (HW_BREAKPOINT_*).</summary>
    [FieldOffset(52)] public uint BreakpointType;

    /// <summary>config1: breakpoint address, uprobe path pointer.</summary>
    [FieldOffset(56)] public ulong Config1;

    /// <summary>config2: breakpoint length, uprobe offset.</summary>
    [FieldOffset(64)] public ulong Config2;
}
