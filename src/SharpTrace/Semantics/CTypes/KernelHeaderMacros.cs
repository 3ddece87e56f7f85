using System.Collections.Frozen;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// Macros of kernel-internal headers that tool scripts include but no header on a normal machine defines: the
/// installed <c>linux/sched.h</c> is the UAPI one, without the task states, and <c>linux/socket.h</c> without the
/// address families. When a script includes one of these headers, its macros here are added after whatever the
/// header on disk defines (a definition on disk wins, so real kernel headers given with <c>-I</c> take precedence).
/// Values are those of Linux 6.x (<c>include/linux/sched.h</c>, <c>include/linux/socket.h</c>); values may
/// refer to other macros, as in the kernel's sources. The table is documented in docs/language.md.
/// </summary>
internal static class KernelHeaderMacros
{
    private static readonly FrozenDictionary<string, (string Name, string Text)[]> ByHeader =
        new Dictionary<string, (string Name, string Text)[]>(StringComparer.Ordinal)
        {
            // Task states: task_struct.__state, the prev_state of sched:sched_switch (exit states: exit_state).
            ["linux/sched.h"] =
            [
                ("TASK_RUNNING", "0x0000"), ("TASK_INTERRUPTIBLE", "0x0001"), ("TASK_UNINTERRUPTIBLE", "0x0002"),
                ("__TASK_STOPPED", "0x0004"), ("__TASK_TRACED", "0x0008"), ("EXIT_DEAD", "0x0010"), ("EXIT_ZOMBIE", "0x0020"),
                ("EXIT_TRACE", "(EXIT_ZOMBIE | EXIT_DEAD)"), ("TASK_PARKED", "0x0040"), ("TASK_DEAD", "0x0080"),
                ("TASK_WAKEKILL", "0x0100"), ("TASK_WAKING", "0x0200"), ("TASK_NOLOAD", "0x0400"), ("TASK_NEW", "0x0800"),
                ("TASK_RTLOCK_WAIT", "0x1000"), ("TASK_FREEZABLE", "0x2000"), ("TASK_FROZEN", "0x8000"),
                ("TASK_STATE_MAX", "0x10000"), ("TASK_ANY", "(TASK_STATE_MAX - 1)"),
                ("TASK_KILLABLE", "(TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)"), ("TASK_STOPPED", "(TASK_WAKEKILL | __TASK_STOPPED)"),
                ("TASK_TRACED", "__TASK_TRACED"), ("TASK_IDLE", "(TASK_UNINTERRUPTIBLE | TASK_NOLOAD)"),
                ("TASK_NORMAL", "(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)"),
                ("TASK_REPORT", "(TASK_RUNNING | TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE | __TASK_STOPPED | __TASK_TRACED"
                    + " | EXIT_DEAD | EXIT_ZOMBIE | TASK_PARKED)"),
                ("TASK_COMM_LEN", "16"),
            ],
            // Address and protocol families (the same numbers as glibc's bits/socket.h).
            ["linux/socket.h"] =
            [
                ("AF_UNSPEC", "0"), ("AF_UNIX", "1"), ("AF_LOCAL", "1"), ("AF_INET", "2"), ("AF_AX25", "3"),
                ("AF_IPX", "4"), ("AF_APPLETALK", "5"), ("AF_NETROM", "6"), ("AF_BRIDGE", "7"), ("AF_ATMPVC", "8"),
                ("AF_X25", "9"), ("AF_INET6", "10"), ("AF_ROSE", "11"), ("AF_DECnet", "12"), ("AF_NETBEUI", "13"),
                ("AF_SECURITY", "14"), ("AF_KEY", "15"), ("AF_NETLINK", "16"), ("AF_ROUTE", "16"), ("AF_PACKET", "17"),
                ("AF_ASH", "18"), ("AF_ECONET", "19"), ("AF_ATMSVC", "20"), ("AF_RDS", "21"), ("AF_SNA", "22"),
                ("AF_IRDA", "23"), ("AF_PPPOX", "24"), ("AF_WANPIPE", "25"), ("AF_LLC", "26"), ("AF_IB", "27"),
                ("AF_MPLS", "28"), ("AF_CAN", "29"), ("AF_TIPC", "30"), ("AF_BLUETOOTH", "31"), ("AF_IUCV", "32"),
                ("AF_RXRPC", "33"), ("AF_ISDN", "34"), ("AF_PHONET", "35"), ("AF_IEEE802154", "36"), ("AF_CAIF", "37"),
                ("AF_ALG", "38"), ("AF_NFC", "39"), ("AF_VSOCK", "40"), ("AF_KCM", "41"), ("AF_QIPCRTR", "42"),
                ("AF_SMC", "43"), ("AF_XDP", "44"), ("AF_MCTP", "45"), ("AF_MAX", "46"), ("PF_UNSPEC", "AF_UNSPEC"),
                ("PF_UNIX", "AF_UNIX"), ("PF_LOCAL", "AF_LOCAL"), ("PF_INET", "AF_INET"), ("PF_AX25", "AF_AX25"),
                ("PF_IPX", "AF_IPX"), ("PF_APPLETALK", "AF_APPLETALK"), ("PF_NETROM", "AF_NETROM"),
                ("PF_BRIDGE", "AF_BRIDGE"), ("PF_ATMPVC", "AF_ATMPVC"), ("PF_X25", "AF_X25"), ("PF_INET6", "AF_INET6"),
                ("PF_ROSE", "AF_ROSE"), ("PF_DECnet", "AF_DECnet"), ("PF_NETBEUI", "AF_NETBEUI"),
                ("PF_SECURITY", "AF_SECURITY"), ("PF_KEY", "AF_KEY"), ("PF_NETLINK", "AF_NETLINK"),
                ("PF_ROUTE", "AF_ROUTE"), ("PF_PACKET", "AF_PACKET"), ("PF_ASH", "AF_ASH"), ("PF_ECONET", "AF_ECONET"),
                ("PF_ATMSVC", "AF_ATMSVC"), ("PF_RDS", "AF_RDS"), ("PF_SNA", "AF_SNA"), ("PF_IRDA", "AF_IRDA"),
                ("PF_PPPOX", "AF_PPPOX"), ("PF_WANPIPE", "AF_WANPIPE"), ("PF_LLC", "AF_LLC"), ("PF_IB", "AF_IB"),
                ("PF_MPLS", "AF_MPLS"), ("PF_CAN", "AF_CAN"), ("PF_TIPC", "AF_TIPC"), ("PF_BLUETOOTH", "AF_BLUETOOTH"),
                ("PF_IUCV", "AF_IUCV"), ("PF_RXRPC", "AF_RXRPC"), ("PF_ISDN", "AF_ISDN"), ("PF_PHONET", "AF_PHONET"),
                ("PF_IEEE802154", "AF_IEEE802154"), ("PF_CAIF", "AF_CAIF"), ("PF_ALG", "AF_ALG"), ("PF_NFC", "AF_NFC"),
                ("PF_VSOCK", "AF_VSOCK"), ("PF_KCM", "AF_KCM"), ("PF_QIPCRTR", "AF_QIPCRTR"), ("PF_SMC", "AF_SMC"),
                ("PF_XDP", "AF_XDP"), ("PF_MCTP", "AF_MCTP"), ("PF_MAX", "AF_MAX"),
            ],
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The headers the table knows, for documentation and tests.</summary>
    public static IEnumerable<string> Headers => ByHeader.Keys;

    /// <summary>The fallback macros of <paramref name="header"/> (as written in <c>#include</c>), or none.</summary>
    public static IReadOnlyList<(string Name, string Text)> For(string header) =>
        ByHeader.TryGetValue(header, out var macros) ? macros : [];
}
