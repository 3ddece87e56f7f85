using System.Globalization;
using System.Text;

namespace SharpTrace.Output;

/// <summary>Internet addresses as text, the way glibc's inet_ntop writes them (so as bpftrace prints <c>ntop</c>).</summary>
internal static class InetAddress
{
    /// <summary>
    /// The address for its family: AF_INET (2) as <c>1.2.3.4</c> from the first 4 bytes, AF_INET6 (10) in the
    /// compressed form from 16 bytes; any other family prints as an empty string, as in bpftrace.
    /// </summary>
    public static string Format(long family, ReadOnlySpan<byte> address) => family switch
    {
        2 => FormatV4(address[..4]),
        10 => FormatV6(address[..16]),
        _ => "",
    };

    private static string FormatV4(ReadOnlySpan<byte> a) =>
        string.Create(CultureInfo.InvariantCulture, $"{a[0]}.{a[1]}.{a[2]}.{a[3]}");

    // glibc's rules: the longest run of two or more zero groups (the first of equal runs) becomes "::"; an address
    // whose first 96 bits are zero (but not ::1 or ::) or that is IPv4-mapped (::ffff:0:0/96) ends in dotted IPv4.
    private static string FormatV6(ReadOnlySpan<byte> a)
    {
        Span<int> words = stackalloc int[8];
        for (var i = 0; i < 8; i++)
            words[i] = (a[2 * i] << 8) | a[2 * i + 1];
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (words[i] != 0)
            {
                i++;
                continue;
            }
            var start = i;
            while (i < 8 && words[i] == 0)
                i++;
            if (i - start > bestLength)
                (bestStart, bestLength) = (start, i - start);
        }
        if (bestLength < 2)
            bestStart = -1;

        var text = new StringBuilder();
        for (var i = 0; i < 8; i++)
        {
            if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLength)
            {
                if (i == bestStart)
                    text.Append(':');
                continue;
            }
            if (i != 0)
                text.Append(':');
            var embedsV4 = i == 6 && bestStart == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xffff));
            if (embedsV4)
            {
                text.Append(FormatV4(a[12..16]));
                break;
            }
            text.Append(words[i].ToString("x", CultureInfo.InvariantCulture));
        }
        if (bestStart >= 0 && bestStart + bestLength == 8)
            text.Append(':');
        return text.ToString();
    }
}
