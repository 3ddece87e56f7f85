using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>
/// <c>printf("%gr", flags)</c>: a kernel allocation's GFP flags by name, as the newest bpftrace prints them
/// (<c>GFP_KERNEL</c>, <c>GFP_ATOMIC|__GFP_HIGHMEM</c>, <c>0</c>; bits without a name as one <c>0x…</c> at the end).
/// </summary>
internal static class GfpFlags
{
    // Bit numbers of include/linux/gfp_types.h (bit 9 unused).
    private const ulong Dma = 1UL << 0, HighMem = 1UL << 1, Dma32 = 1UL << 2, Movable = 1UL << 3, High = 1UL << 5,
        Io = 1UL << 6, Fs = 1UL << 7, Zero = 1UL << 8, DirectReclaim = 1UL << 10, KswapdReclaim = 1UL << 11,
        Write = 1UL << 12, NoWarn = 1UL << 13, RetryMayFail = 1UL << 14, NoFail = 1UL << 15, NoRetry = 1UL << 16,
        MemAlloc = 1UL << 17, Comp = 1UL << 18, NoMemAlloc = 1UL << 19, HardWall = 1UL << 20, ThisNode = 1UL << 21,
        Account = 1UL << 22, ZeroTags = 1UL << 23, SkipZero = 1UL << 24, SkipKasan = 1UL << 25, NoObjExt = 1UL << 26;

    private const ulong Kernel = DirectReclaim | KswapdReclaim | Io | Fs;
    private const ulong NoIo = DirectReclaim | KswapdReclaim;
    private const ulong NoFs = NoIo | Io;
    private const ulong User = NoFs | Fs | HardWall;
    private const ulong HighUser = User | HighMem;
    private const ulong HighUserMovable = HighUser | Movable | SkipKasan;
    private const ulong TranshugeLight = (HighUserMovable | Comp | NoMemAlloc | NoWarn) & ~(DirectReclaim | KswapdReclaim);

    // The kernel's order (include/trace/events/mmflags.h, __def_gfpflag_names): compound masks first, so that a
    // matching mask takes its bits and what is left shows flag by flag.
    private static readonly (ulong Mask, string Name)[] Names =
    [
        (TranshugeLight | DirectReclaim, "GFP_TRANSHUGE"),
        (TranshugeLight, "GFP_TRANSHUGE_LIGHT"),
        (HighUserMovable, "GFP_HIGHUSER_MOVABLE"),
        (HighUser, "GFP_HIGHUSER"),
        (User, "GFP_USER"),
        (Kernel | Account, "GFP_KERNEL_ACCOUNT"),
        (Kernel, "GFP_KERNEL"),
        (NoFs, "GFP_NOFS"),
        (High | KswapdReclaim, "GFP_ATOMIC"),
        (NoIo, "GFP_NOIO"),
        (KswapdReclaim | NoWarn, "GFP_NOWAIT"),
        (Dma, "GFP_DMA"),
        (HighMem, "__GFP_HIGHMEM"),
        (Dma32, "GFP_DMA32"),
        (High, "__GFP_HIGH"),
        (Io, "__GFP_IO"),
        (Fs, "__GFP_FS"),
        (Zero, "__GFP_ZERO"),
        (DirectReclaim, "__GFP_DIRECT_RECLAIM"),
        (KswapdReclaim, "__GFP_KSWAPD_RECLAIM"),
        (Write, "__GFP_WRITE"),
        (NoWarn, "__GFP_NOWARN"),
        (RetryMayFail, "__GFP_RETRY_MAYFAIL"),
        (NoFail, "__GFP_NOFAIL"),
        (NoRetry, "__GFP_NORETRY"),
        (MemAlloc, "__GFP_MEMALLOC"),
        (Comp, "__GFP_COMP"),
        (NoMemAlloc, "__GFP_NOMEMALLOC"),
        (HardWall, "__GFP_HARDWALL"),
        (ThisNode, "__GFP_THISNODE"),
        (Account, "__GFP_ACCOUNT"),
        (ZeroTags, "__GFP_ZEROTAGS"),
        (SkipZero, "__GFP_SKIP_ZERO"),
        (SkipKasan, "__GFP_SKIP_KASAN"),
        (NoObjExt, "__GFP_NO_OBJ_EXT"),
    ];

    /// <summary>The names of the flags in <paramref name="flags"/>, joined by <c>|</c>; <c>0</c> for none.</summary>
    public static string Format(ulong flags)
    {
        if (flags == 0)
            return "0";
        var text = new StringBuilder();
        var left = flags;
        foreach (var (mask, name) in Names)
        {
            if ((left & mask) != mask)
                continue;
            text.Append(text.Length > 0 ? "|" : "").Append(name);
            left &= ~mask;
        }
        if (left != 0)
            text.Append(text.Length > 0 ? "|" : "").Append("0x").Append(left.ToString("x", CultureInfo.InvariantCulture));
        return text.ToString();
    }
}
