namespace SharpTrace.Records;

/// <summary>A field of a record: its offset from the record's start and its size.</summary>
internal readonly record struct RecordField(int Offset, int Size);

/// <summary>
/// How a record is laid out: the u64 action id at offset 0, then its fields. Computed once per action, read by the
/// code that writes the record (Lowering, CodeGen) and by the code that reads it (the action's handler).
/// </summary>
internal sealed class RecordLayout
{
    /// <summary>The bytes of the action id that starts every record.</summary>
    public const int IdSize = 8;

    /// <summary>A record of the id alone (<c>exit()</c>, <c>time()</c>).</summary>
    public static readonly RecordLayout IdOnly = Packed([]);

    private RecordLayout(IReadOnlyList<RecordField> fields, int size) => (Fields, Size) = (fields, size);

    /// <summary>The fields after the id, in order.</summary>
    public IReadOnlyList<RecordField> Fields { get; }

    /// <summary>The record's bytes, the id included.</summary>
    public int Size { get; }

    /// <summary>The id, then fields of these sizes, each starting 8-byte aligned (the gaps are zeroed by the writer).</summary>
    public static RecordLayout Packed(IEnumerable<int> sizes)
    {
        var fields = new List<RecordField>();
        var offset = IdSize;
        foreach (var size in sizes)
        {
            fields.Add(new RecordField(offset, size));
            offset += Align8(size);
        }
        return new RecordLayout(fields, offset);
    }

    public static int Align8(int size) => (size + 7) & ~7;
}
