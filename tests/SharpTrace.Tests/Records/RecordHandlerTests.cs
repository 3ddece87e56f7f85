using System.Buffers.Binary;
using System.Text;
using SharpTrace.Output;
using SharpTrace.Records;
using SharpTrace.Runtime;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Records;

/// <summary>Record layouts, and what each action's handler makes of its records, without the kernel.</summary>
public class RecordHandlerTests
{
    /// <summary>A run as a handler sees it: text output, warnings and exits collected, one map to decode.</summary>
    private sealed class Run : IRecordContext, IMapDecoder
    {
        private readonly StringWriter _text = new();

        public Run() => Output = new TextOutputWriter(_text);

        public IOutputWriter Output { get; }
        public List<string> Warnings { get; } = [];
        public int Exits { get; private set; }
        public List<int> DecodedEntryCounts { get; } = [];

        public string Text
        {
            get
            {
                Output.Flush();
                return _text.ToString();
            }
        }

        public void Warning(string message) => Warnings.Add(message);
        public void Exit(int code = 0) => Exits++;
        public RuntimeValue Decode(IRecordValueType type, ReadOnlySpan<byte> bytes) => ValueDecoder.Decode((BpfType)type, bytes, SharpTrace.Tests.Output.OfflineDecoding.Default());
        public IMapDecoder Map(string name) => this;
        public void AddUserStack(UserStackSample sample) { }

        public void AddUserProcess(int pid) { }

        public PrintSnapshot.EntryLayout PrintEntry => PrintSnapshot.Entry(keySize: 8, valueSize: 8, perCpu: false);

        public MapSnapshot Decode(IEnumerable<(byte[] Key, byte[] Value)> entries)
        {
            var list = entries.ToList();
            DecodedEntryCounts.Add(list.Count);
            return MapSnapshot.Keyed("@m", list.Select(e => new MapEntry(
                [new IntegerValue(BinaryPrimitives.ReadInt64LittleEndian(e.Key))],
                new IntegerValue(BinaryPrimitives.ReadInt64LittleEndian(e.Value)))).ToArray());
        }
    }

    [Fact]
    public void PackedFieldsStartEightByteAlignedAfterTheId()
    {
        var layout = RecordLayout.Packed([4, 16, 1]);

        Assert.Equal([new RecordField(8, 4), new RecordField(16, 16), new RecordField(32, 1)], layout.Fields);
        Assert.Equal(40, layout.Size);
        Assert.Equal(8, RecordLayout.IdOnly.Size);
    }

    [Fact]
    public void PrintfRecordIsFormattedFromTheFieldsItsLayoutPlaces()
    {
        var action = new PrintfAction(3, "%d %s|\n", [BpfType.Int64, new StringType(16)]);
        var record = new byte[action.Layout.Size];
        BinaryPrimitives.WriteUInt64LittleEndian(record, 3);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(action.Layout.Fields[0].Offset), -5);
        Encoding.UTF8.GetBytes("abc").CopyTo(record, action.Layout.Fields[1].Offset);
        var run = new Run();

        var handler = action.CreateHandler(run);
        handler.Handle(record);
        handler.Handle(record);

        Assert.Equal("-5 abc|\n-5 abc|\n", run.Text);
        Assert.Equal(32, action.Layout.Size);
    }

    [Fact]
    public void ShortPrintfRecordIsIgnoredWithAWarning()
    {
        var action = new PrintfAction(0, "%d\n", [BpfType.Int64]);
        var run = new Run();

        action.CreateHandler(run).Handle(new byte[8]);

        Assert.Equal("", run.Text);
        Assert.Single(run.Warnings);
    }

    [Fact]
    public void ExitRecordEndsTheRun()
    {
        var run = new Run();

        new ExitAction(0).CreateHandler(run).Handle(new byte[8]);

        Assert.Equal(1, run.Exits);
        Assert.Equal("", run.Text);
    }

    [Fact]
    public void PrintSnapshotPrintsTheMapOnceEveryEntryArrived()
    {
        var run = new Run();
        var handler = new PrintMapAction(1, "@m").CreateHandler(run);

        handler.Handle(Header(tag: 7, visited: 2, lost: 0));
        handler.Handle(Entry(tag: 7, key: 1, value: 10));
        Assert.Equal("", run.Text);
        handler.Handle(Entry(tag: 7, key: 2, value: 20));

        Assert.Equal([2], run.DecodedEntryCounts);
        Assert.Equal("@m[1]: 10\n@m[2]: 20\n", run.Text); // as bpftrace 0.17 prints print(@m)
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void PrintSnapshotWithLostEntriesIsNotPrinted()
    {
        var run = new Run();
        var handler = new PrintMapAction(1, "@m").CreateHandler(run);

        handler.Handle(Header(tag: 7, visited: 2, lost: 1));
        handler.Handle(Entry(tag: 7, key: 1, value: 10));

        Assert.Equal("", run.Text);
        Assert.Contains(run.Warnings, w => w.Contains("1 of its 2 entries", StringComparison.Ordinal));
    }

    [Fact]
    public void PrintSnapshotTakesTopAndDivFromTheHeaderWhenComputedAtRunTime()
    {
        var run = new Run();
        var handler = new PrintMapAction(1, "@m", LimitsInHeader: true).CreateHandler(run);

        var header = Header(tag: 7, visited: 2, lost: 0, size: PrintSnapshot.HeaderWithLimitsSize);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(PrintSnapshot.TopOffset), 1);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(PrintSnapshot.DivOffset), 10);
        handler.Handle(header);
        handler.Handle(Entry(tag: 7, key: 1, value: 10));
        handler.Handle(Entry(tag: 7, key: 2, value: 20));

        Assert.Equal("@m[2]: 2\n", run.Text); // the largest entry, divided by 10
    }

    [Fact]
    public void PrintSnapshotIgnoresANegativeTopComputedAtRunTime()
    {
        var run = new Run();
        var handler = new PrintMapAction(1, "@m", LimitsInHeader: true).CreateHandler(run);

        var header = Header(tag: 7, visited: 1, lost: 0, size: PrintSnapshot.HeaderWithLimitsSize);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(PrintSnapshot.TopOffset), -1);
        handler.Handle(header);
        handler.Handle(Entry(tag: 7, key: 1, value: 10));

        Assert.Equal("@m[1]: 10\n", run.Text);
    }

    [Fact]
    public void PrintValueRecordPrintsItsValueAsALine()
    {
        var run = new Run();
        var type = new TupleType([BpfType.Int64, new StringType(4)]);
        var action = new PrintValueAction(3, type);
        var record = new byte[action.Layout.Size];
        BinaryPrimitives.WriteUInt64LittleEndian(record, 3);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(8), -5);
        "ab"u8.CopyTo(record.AsSpan(16));

        action.CreateHandler(run).Handle(record);

        Assert.Equal("(-5, ab)\n", run.Text); // as bpftrace 0.17 prints print((-5, "ab"))
        Assert.Equal(8 + 16, action.Layout.Size);
    }

    private static byte[] Header(ulong tag, ulong visited, ulong lost, int size = PrintSnapshot.HeaderSize)
    {
        var record = new byte[size];
        Start(record, tag, PrintSnapshot.HeaderKind);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(PrintSnapshot.VisitedOffset), visited);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(PrintSnapshot.LostOffset), lost);
        return record;
    }

    private static byte[] Entry(ulong tag, long key, long value)
    {
        var layout = PrintSnapshot.Entry(8, 8, perCpu: false);
        var record = new byte[layout.Size];
        Start(record, tag, PrintSnapshot.EntryKind);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(layout.KeyOffset), key);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(layout.ValueOffset), value);
        return record;
    }

    private static void Start(byte[] record, ulong tag, int kind)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(PrintSnapshot.ActionOffset), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(PrintSnapshot.TagOffset), tag);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(PrintSnapshot.CpuOffset), 0);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(PrintSnapshot.KindOffset), kind);
    }
}
