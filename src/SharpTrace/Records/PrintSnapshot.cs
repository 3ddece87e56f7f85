using System.Buffers.Binary;

namespace SharpTrace.Records;

/// <summary>
/// The records by which <c>print(@m)</c> sends its map from the kernel, taken at the call. Each record starts with
/// the print's action id, the snapshot's tag (the time of the call) and the CPU it ran on, then the record's kind.
/// The header comes first (it is reserved before the walk) and says how many entries the walk visited and how many
/// the ring buffer had no room for; each entry record holds the key's bytes then the value's bytes, as a lookup of
/// the map would return them.
/// </summary>
internal static class PrintSnapshot
{
    public const int ActionOffset = 0;
    public const int TagOffset = 8;
    public const int CpuOffset = 16;
    public const int KindOffset = 20;
    public const int PayloadOffset = 24;
    public const int VisitedOffset = PayloadOffset;
    public const int LostOffset = PayloadOffset + 8;
    public const int HeaderSize = PayloadOffset + 16;
    /// <summary>Top and div computed at run time (signed; zero or less: all entries, undivided) follow the counts.</summary>
    public const int TopOffset = PayloadOffset + 16;
    public const int DivOffset = PayloadOffset + 24;
    public const int HeaderWithLimitsSize = PayloadOffset + 32;
    public const int HeaderKind = 1;
    public const int EntryKind = 0;

    /// <summary>
    /// Where an entry's key and value lie in an entry record: the key (8-byte aligned; a per-CPU array's u32 index
    /// widened to 8 bytes) at <see cref="PayloadOffset"/>, then the value, or for per-CPU maps one 8-byte aligned
    /// <see cref="Slot"/> per possible CPU, in CPU order.
    /// </summary>
    public readonly record struct EntryLayout(int KeyBytes, int Slot, int Cpus)
    {
        public int KeyOffset => PayloadOffset;
        public int ValueOffset => PayloadOffset + KeyBytes;
        public int ValueBytes => Slot * Cpus;
        public int Size => ValueOffset + ValueBytes;
    }

    /// <summary>The entry layout of a map whose kernel map has these key and value sizes, per-CPU or not.</summary>
    public static EntryLayout Entry(int keySize, int valueSize, bool perCpu) => perCpu
        ? new(RecordLayout.Align8(keySize), RecordLayout.Align8(valueSize), Kernel.BpfMap.PossibleCpuCount)
        : new(RecordLayout.Align8(keySize), valueSize, 1);
}

/// <summary>
/// <c>print(@m, top, div)</c>: prints the map as it was at the call (records described by <see cref="PrintSnapshot"/>);
/// the <see cref="Top"/> largest entries (0: all), values divided by <see cref="Div"/> (0: as they are), or, when
/// <see cref="LimitsInHeader"/>, the top and div the probe computed and wrote in the header.
/// </summary>
internal sealed record PrintMapAction(int Id, string Map, uint Top = 0, uint Div = 0, bool LimitsInHeader = false) : AsyncAction(Id)
{
    public override string Kind => "print";

    /// <summary>The header record's size: with room for top and div when they are computed at run time.</summary>
    public int HeaderSize => LimitsInHeader ? PrintSnapshot.HeaderWithLimitsSize : PrintSnapshot.HeaderSize;

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(this, context);

    /// <summary>Collects a snapshot's entries and prints the map once every entry arrived.</summary>
    private sealed class Handler(PrintMapAction print, IRecordContext context) : IRecordHandler
    {
        private readonly Dictionary<(ulong Tag, uint Cpu), Pending> _pending = [];

        private sealed class Pending(ulong expected, ulong lost, uint top, uint div)
        {
            public ulong Expected => expected;
            public ulong Lost => lost;
            public uint Top => top;
            public uint Div => div;
            public List<(byte[] Key, byte[] Value)> Entries { get; } = [];
        }

        public void Handle(ReadOnlySpan<byte> record)
        {
            if (record.Length < PrintSnapshot.PayloadOffset)
            {
                context.Warning($"ignored a print({print.Map}) record of {record.Length} bytes");
                return;
            }
            var id = (BinaryPrimitives.ReadUInt64LittleEndian(record[PrintSnapshot.TagOffset..]), BinaryPrimitives.ReadUInt32LittleEndian(record[PrintSnapshot.CpuOffset..]));
            var kind = BinaryPrimitives.ReadInt32LittleEndian(record[PrintSnapshot.KindOffset..]);
            Pending? pending;
            if (kind == PrintSnapshot.HeaderKind && record.Length >= print.HeaderSize)
            {
                var visited = BinaryPrimitives.ReadUInt64LittleEndian(record[PrintSnapshot.VisitedOffset..]);
                var lost = BinaryPrimitives.ReadUInt64LittleEndian(record[PrintSnapshot.LostOffset..]);
                if (lost > 0)
                    context.Warning($"print({print.Map}) is not shown: {lost} of its {visited} entries did not fit in the ring buffer");
                var (top, div) = print.LimitsInHeader
                    ? (Limit(record[PrintSnapshot.TopOffset..]), Limit(record[PrintSnapshot.DivOffset..]))
                    : (print.Top, print.Div);
                _pending[id] = pending = new Pending(visited - Math.Min(lost, visited), lost, top, div);
            }
            else if (kind == PrintSnapshot.EntryKind && _pending.TryGetValue(id, out pending))
            {
                var entry = context.Map(print.Map).PrintEntry;
                if (record.Length < entry.Size)
                {
                    context.Warning($"ignored a print({print.Map}) entry of {record.Length} bytes");
                    return;
                }
                pending.Entries.Add((record.Slice(entry.KeyOffset, entry.KeyBytes).ToArray(), record.Slice(entry.ValueOffset, entry.ValueBytes).ToArray()));
            }
            else
            {
                context.Warning($"ignored a print({print.Map}) record that belongs to no snapshot");
                return;
            }
            if ((ulong)pending.Entries.Count < pending.Expected)
                return;
            _pending.Remove(id);
            if (pending.Lost == 0)
                context.Output.Map(context.Map(print.Map).Decode(pending.Entries), pending.Top, pending.Div);
        }

        // As for literals: a negative top or div is ignored, one too large for 32 bits is as large as can be.
        private static uint Limit(ReadOnlySpan<byte> field) =>
            (uint)Math.Clamp(BinaryPrimitives.ReadInt64LittleEndian(field), 0, uint.MaxValue);
    }
}
