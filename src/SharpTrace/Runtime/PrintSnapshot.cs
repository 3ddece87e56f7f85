using System.Buffers.Binary;
using SharpTrace.Output;

namespace SharpTrace.Runtime;

/// <summary>
/// Collects the records by which <c>print(@m)</c> sends its map from the kernel, taken at the call, and prints
/// the map once every entry arrived. Each record starts with the print's action id, the snapshot's tag (the time of
/// the call) and the CPU it ran on, then the record's kind. The header comes first (it is reserved before the walk)
/// and says how many entries the walk visited and how many the ring buffer had no room for; each entry record
/// holds the key's bytes then the value's bytes, as a lookup of the map would return them.
/// </summary>
internal sealed class PrintSnapshot(Func<PrintMapAction, MapReader> reader, IOutputWriter output, Action<string> warning)
{
    public const int ActionOffset = 0;
    public const int TagOffset = 8;
    public const int CpuOffset = 16;
    public const int KindOffset = 20;
    public const int PayloadOffset = 24;
    public const int VisitedOffset = PayloadOffset;
    public const int LostOffset = PayloadOffset + 8;
    public const int HeaderSize = PayloadOffset + 16;
    public const int HeaderKind = 1;
    public const int EntryKind = 0;

    /// <summary>The size of an entry record of a map with these key and value sizes.</summary>
    public static int EntrySize(int keySize, int valueBytes) => PayloadOffset + keySize + valueBytes;

    private readonly Dictionary<(ulong Tag, uint Cpu), Pending> _pending = [];

    private sealed class Pending(PrintMapAction print, ulong expected, ulong lost)
    {
        public PrintMapAction Print => print;
        public ulong Expected => expected;
        public ulong Lost => lost;
        public List<(byte[] Key, byte[] Value)> Entries { get; } = [];
    }

    /// <summary>Handles one record of <paramref name="print"/>; prints the map when its last entry arrived.</summary>
    public void Handle(PrintMapAction print, ReadOnlySpan<byte> record)
    {
        if (record.Length < PayloadOffset)
        {
            warning($"ignored a print({print.Map.Name}) record of {record.Length} bytes");
            return;
        }
        var id = (BinaryPrimitives.ReadUInt64LittleEndian(record[TagOffset..]), BinaryPrimitives.ReadUInt32LittleEndian(record[CpuOffset..]));
        var kind = BinaryPrimitives.ReadInt32LittleEndian(record[KindOffset..]);
        Pending? pending;
        if (kind == HeaderKind && record.Length >= HeaderSize)
        {
            var visited = BinaryPrimitives.ReadUInt64LittleEndian(record[VisitedOffset..]);
            var lost = BinaryPrimitives.ReadUInt64LittleEndian(record[LostOffset..]);
            if (lost > 0)
                warning($"print({print.Map.Name}) is not shown: {lost} of its {visited} entries did not fit in the ring buffer");
            _pending[id] = pending = new Pending(print, visited - Math.Min(lost, visited), lost);
        }
        else if (kind == EntryKind && _pending.TryGetValue(id, out pending))
        {
            var map = reader(print);
            var keySize = map.RecordKeySize;
            var entry = record[PayloadOffset..];
            if (entry.Length < keySize + map.ValueBytes)
            {
                warning($"ignored a print({print.Map.Name}) entry of {record.Length} bytes");
                return;
            }
            pending.Entries.Add((entry[..keySize].ToArray(), entry[keySize..].ToArray()));
        }
        else
        {
            warning($"ignored a print({print.Map.Name}) record that belongs to no snapshot");
            return;
        }
        if ((ulong)pending.Entries.Count < pending.Expected)
            return;
        _pending.Remove(id);
        if (pending.Lost == 0)
            output.Map(reader(print).Decode(pending.Entries), print.Top, print.Div);
    }
}
