using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>
/// Something a probe asks user space to do. Each output record starts with a u64 action id,
/// the action's index in <see cref="BoundProgram.Actions"/>, followed by its packed arguments.
/// </summary>
internal abstract record AsyncActionInfo(int Id);

/// <summary><c>exit()</c>: stop the run.</summary>
internal sealed record ExitAction(int Id) : AsyncActionInfo(Id);

/// <summary><c>print(@m, top, div)</c>: print the map as it was at the call (records described by <see cref="PrintSnapshot"/>); the <see cref="Top"/> largest entries (0: all),
/// values divided by <see cref="Div"/> (0: as they are).</summary>
internal sealed record PrintMapAction(int Id, MapSymbol Map, uint Top = 0, uint Div = 0) : AsyncActionInfo(Id);

/// <summary>An action with a printf-style format (<c>printf</c>, <c>cat</c>, <c>system</c>): arguments follow the id, each aligned to 8 bytes.</summary>
internal abstract record FormattedAction(int Id, string Format, IReadOnlyList<BpfType> ArgumentTypes) : AsyncActionInfo(Id)
{
    public int RecordSize => 8 + ArgumentTypes.Sum(t => TupleType.Align8(t.Size));
}

/// <summary><c>printf(fmt, ...)</c>: prints the formatted text.</summary>
internal sealed record PrintfAction(int Id, string Format, IReadOnlyList<BpfType> ArgumentTypes) : FormattedAction(Id, Format, ArgumentTypes);
