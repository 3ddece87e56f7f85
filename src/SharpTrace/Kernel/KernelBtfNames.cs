using System.Buffers.Binary;
using System.Text;

namespace SharpTrace.Kernel;

/// <summary>Names in the string section of the kernel's BTF (/sys/kernel/btf/vmlinux), without parsing its types.</summary>
internal static class KernelBtfNames
{
    private const string VmlinuxPath = "/sys/kernel/btf/vmlinux";
    private const ushort Magic = 0xeb9f;

    /// <summary>
    /// Every name that starts with <paramref name="prefix"/>, with the prefix removed. Empty when the kernel
    /// has no BTF. Cheap enough for one lookup per compilation: one read and a scan of the string section.
    /// </summary>
    public static IEnumerable<string> WithPrefix(string prefix)
    {
        byte[] btf;
        try
        {
            btf = File.ReadAllBytes(VmlinuxPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        if (btf.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(btf) != Magic)
            yield break;
        // struct btf_header: magic, version, flags, hdr_len, type_off, type_len, str_off, str_len.
        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(btf.AsSpan(4));
        var stringsStart = (int)(headerLength + BinaryPrimitives.ReadUInt32LittleEndian(btf.AsSpan(16)));
        var stringsLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(btf.AsSpan(20));
        if (stringsStart < 0 || stringsStart + stringsLength > btf.Length)
            yield break;
        var wanted = Encoding.ASCII.GetBytes(prefix);
        var strings = btf.AsMemory(stringsStart, stringsLength);
        for (var start = 0; start < stringsLength;)
        {
            var end = strings.Span[start..].IndexOf((byte)0);
            end = end < 0 ? stringsLength : start + end;
            if (strings.Span[start..end].StartsWith(wanted))
                yield return Encoding.ASCII.GetString(strings.Span[(start + wanted.Length)..end]);
            start = end + 1;
        }
    }
}
