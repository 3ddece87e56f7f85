using System.Buffers.Binary;
using System.Text;
using SharpTrace.Kernel;
using static SharpTrace.Tests.ExternalTool;

namespace SharpTrace.Tests.Kernel;

/// <summary>
/// /etc/ld.so.cache, where the newest bpftrace (through bcc's which_so) finds <c>uprobe:libc:malloc</c>'s library: the
/// first libc6 library of this machine's word size whose soname starts with <c>libNAME.so</c>.
/// </summary>
public sealed class LoaderCacheTests
{
    private const int X8664Libc6 = 0x0303; // FLAG_ELF_LIBC6 | FLAG_X8664_LIB64
    private const int I386Libc6 = 0x0003;

    [Fact]
    public void TheFirstLibraryOfThisMachineWhoseSonameStartsWithTheNameIsFound()
    {
        var cache = LoaderCache.Parse(GlibcCache(
            ("libcrypt.so.1", "/lib/x86_64-linux-gnu/libcrypt.so.1", X8664Libc6),
            ("libc.so.6", "/lib/i386-linux-gnu/libc.so.6", I386Libc6),
            ("libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", X8664Libc6),
            ("libc.so.5", "/old/libc.so.5", X8664Libc6)));

        Assert.NotNull(cache);
        Assert.Equal(4, cache.Entries.Count);
        // libcrypt.so.1 does not start with "libc.so"; the i386 libc is not this (64-bit) machine's.
        Assert.Equal("/lib/x86_64-linux-gnu/libc.so.6", cache.Find("c"));
        Assert.Equal("/lib/x86_64-linux-gnu/libcrypt.so.1", cache.Find("crypt"));
        Assert.Null(cache.Find("m"));
    }

    [Fact]
    public void TheGlibcTableAfterTheOldOneIsRead()
    {
        // ldconfig's compatible layout: the old ld.so-1.7.0 table (entries and their strings), aligned to 8, then the glibc one.
        var glibc = GlibcCache(("libz.so.1", "/usr/lib/libz.so.1", X8664Libc6));
        var old = new List<byte>(Encoding.ASCII.GetBytes("ld.so-1.7.0"));
        old.AddRange(new byte[16 - old.Count]);
        BinaryPrimitives.WriteUInt32LittleEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(old)[12..], 0);
        var bytes = old.Concat(glibc).ToArray();

        Assert.Equal("/usr/lib/libz.so.1", LoaderCache.Parse(bytes)?.Find("z"));
    }

    [Fact]
    public void BytesThatAreNoCacheOrAreCutShortAreNone()
    {
        var whole = GlibcCache(("libz.so.1", "/usr/lib/libz.so.1", X8664Libc6));

        Assert.Null(LoaderCache.Parse("not a cache at all, not at all"u8));
        Assert.Null(LoaderCache.Parse(whole.AsSpan(0, 50)));
        Assert.Null(LoaderCache.Load("/nonexistent/ld.so.cache"));
    }

    [Fact]
    public void ThisMachinesCacheGivesTheLibcLdconfigPrints()
    {
        // ldconfig -p: "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6".
        var line = Run("ldconfig", "-p").Split('\n')
            .First(l => l.TrimStart().StartsWith("libc.so.", StringComparison.Ordinal) && l.Contains(Environment.Is64BitProcess ? "64" : "libc6)", StringComparison.Ordinal));

        Assert.Equal(line[(line.IndexOf("=> ", StringComparison.Ordinal) + 3)..].Trim(), LoaderCache.Load()?.Find("c"));
    }

    // A glibc-ld.so.cache1.1 table: header, 24-byte entries, then the strings, offsets from the table's start.
    private static byte[] GlibcCache(params (string Name, string Path, int Flags)[] entries)
    {
        const int header = 48, entrySize = 24;
        var strings = new List<byte>();
        var offsets = new List<(int Key, int Value)>();
        var stringsStart = header + entries.Length * entrySize;
        foreach (var (name, path, _) in entries)
        {
            var key = stringsStart + strings.Count;
            strings.AddRange(Encoding.ASCII.GetBytes(name + "\0"));
            var value = stringsStart + strings.Count;
            strings.AddRange(Encoding.ASCII.GetBytes(path + "\0"));
            offsets.Add((key, value));
        }
        var bytes = new byte[stringsStart + strings.Count];
        Encoding.ASCII.GetBytes("glibc-ld.so.cache1.1").CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), (uint)entries.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), (uint)strings.Count);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = bytes.AsSpan(header + i * entrySize);
            BinaryPrimitives.WriteInt32LittleEndian(entry, entries[i].Flags);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], (uint)offsets[i].Key);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)offsets[i].Value);
        }
        strings.CopyTo(bytes, stringsStart);
        return bytes;
    }
}
