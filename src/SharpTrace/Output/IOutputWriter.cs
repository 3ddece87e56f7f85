namespace SharpTrace.Output;

/// <summary>
/// Where a running program's output goes: bpftrace's text layout (<see cref="TextOutputWriter"/>) or its
/// one-object-per-line JSON (<see cref="JsonOutputWriter"/>). The runtime calls these as events arrive.
/// </summary>
public interface IOutputWriter
{
    /// <summary>All probes are attached. JSON writes an <c>attached_probes</c> record; text writes nothing here
    /// (the CLI prints <c>Attached N probes</c> to stderr).</summary>
    void AttachedProbes(int count);

    /// <summary>The text of one <c>printf()</c>, already formatted.</summary>
    void Printf(string text);

    /// <summary>The text of one <c>time()</c>, already formatted with strftime.</summary>
    void Time(string text);

    /// <summary>The strings of one <c>join()</c>, joined: text adds a newline, JSON writes a <c>join</c> record.</summary>
    void Join(string text);

    /// <summary>The contents of a file printed by <c>cat()</c>.</summary>
    void Cat(string text);

    /// <summary>The output of a command run by <c>system()</c>.</summary>
    void Syscall(string text);

    /// <summary>A non-map value printed by <c>print(expr)</c>.</summary>
    void Value(RuntimeValue value);

    /// <summary>
    /// An explicit <c>print(@m, top, div)</c> during the run: the <paramref name="top"/> largest entries (0: all),
    /// values divided by <paramref name="div"/> (0 or 1: as they are). An empty map prints nothing in text and
    /// <c>{"@m": {}}</c> in JSON.
    /// </summary>
    void Map(MapSnapshot map, uint top = 0, uint div = 0);

    /// <summary>
    /// The maps printed at exit: those with entries, in name order. Text starts with two newlines when at least one
    /// map prints, and prints nothing at all otherwise.
    /// </summary>
    void MapsAtExit(IReadOnlyList<MapSnapshot> maps);

    /// <summary>Events the kernel could not deliver because the ring buffer was full.</summary>
    void LostEvents(ulong count);

    /// <summary>
    /// A message of <c>errorf()</c> or <c>warnf()</c>. JSON writes an <c>errorf</c> or <c>warnf</c> record; text writes
    /// nothing here: bpftrace prints these to stderr (<see cref="ScriptMessage.Format"/>), which is the caller's.
    /// </summary>
    void ScriptMessage(ScriptMessage message)
    {
    }

    /// <summary>One test of a <c>--test</c> run has run (text: googletest's lines; JSON: a <c>test_result</c> record).</summary>
    void TestResult(TestResult result)
    {
    }

    /// <summary>One benchmark of a <c>--bench</c> run has run (text: a row of the table; JSON: a <c>benchmark_result</c> record).</summary>
    void BenchmarkResult(BenchmarkResult result)
    {
    }

    /// <summary>Pushes everything written so far to the underlying writer.</summary>
    void Flush();
}
