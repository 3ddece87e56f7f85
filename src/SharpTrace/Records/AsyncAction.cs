using SharpTrace.Output;

namespace SharpTrace.Records;

/// <summary>
/// Something a probe asks user space to do, sent as one ring buffer record: a u64 id (the action's index in the
/// program's record table, <c>BoundProgram.Actions</c>), then the action's payload. The action says how its record
/// is laid out (<see cref="Layout"/>), for the code that writes it, and how user space handles it
/// (<see cref="CreateHandler"/>), for the session that reads it.
/// </summary>
internal abstract record AsyncAction(int Id)
{
    /// <summary>What sends the record, in the script's words (<c>printf</c>, <c>exit</c>…), as <c>-d ir</c> prints it.</summary>
    public abstract string Kind { get; }

    /// <summary>The record's fields after the id (print's snapshot records have their own layout, <see cref="PrintSnapshot"/>).</summary>
    public virtual RecordLayout Layout => RecordLayout.IdOnly;

    /// <summary>The types of the fields as the handler decodes them (the writer lays each value out as its type), when it has any.</summary>
    public virtual IReadOnlyList<IRecordValueType> FieldTypes => [];

    /// <summary>The ring buffer a program sending this record needs at least (a power of two), when <c>perf_rb_pages</c> does not say; 0 for the default.</summary>
    public virtual int RingBufferBytes => 0;

    /// <summary>The handler of this action's records for one run; it may keep state between records (a snapshot's entries).</summary>
    public abstract IRecordHandler CreateHandler(IRecordContext context);
}

/// <summary>Handles the records of one action during one run.</summary>
internal interface IRecordHandler
{
    /// <summary>Handles one record, its id included.</summary>
    void Handle(ReadOnlySpan<byte> record);

    /// <summary>Whether records that come after exit() are still handled (they print nothing, but what they hold may be printed at exit).</summary>
    bool HandlesAfterExit => false;
}

/// <summary>What a record handler may use of the run: the output, warnings, exit, and the decoding of values and maps.</summary>
internal interface IRecordContext
{
    IOutputWriter Output { get; }

    /// <summary>Reports a problem that does not stop the run.</summary>
    void Warning(string message);

    /// <summary>Ends the run with <paramref name="code"/> as its exit code: what the probes sent after this record is not printed.</summary>
    void Exit(int code = 0);

    /// <summary>The value of a field of type <paramref name="type"/> held in <paramref name="bytes"/>.</summary>
    RuntimeValue Decode(IRecordValueType type, ReadOnlySpan<byte> bytes);

    /// <summary>The script map named <paramref name="name"/>, to decode the entries a probe sent of it.</summary>
    IMapDecoder Map(string name);

    /// <summary>Unwinds a <c>dw_ustack</c> sample now, while its process lives, for the values that name it.</summary>
    void AddUserStack(UserStackSample sample);

    /// <summary>Reads the mappings of process <paramref name="pid"/> now, while it lives, for the user stacks of it printed later.</summary>
    void AddUserProcess(int pid);

    /// <summary>Names the user function whose <c>usym</c> values carry <paramref name="tag"/> (a probe's <c>func</c>), whatever their address.</summary>
    void NameUserFunction(int tag, string name)
    {
    }
}

/// <summary>A type whose values a record carries (the binder's value types): how many bytes one takes.</summary>
internal interface IRecordValueType
{
    int Size { get; }
}

/// <summary>Turns the key and value bytes of a script map's entries into a snapshot to print.</summary>
internal interface IMapDecoder
{
    /// <summary>Where an entry's key and value lie in a <c>print()</c> entry record of this map.</summary>
    PrintSnapshot.EntryLayout PrintEntry { get; }

    MapSnapshot Decode(IEnumerable<(byte[] Key, byte[] Value)> entries);
}
