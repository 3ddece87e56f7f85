using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// Where loop bodies find the probe's $variables: while a loop runs, they live in the probe's entry of a per-CPU
/// array ("loop_variables"), not on the probe's stack. The verifier knows nothing of a map value's contents, so a
/// body that counts or compares ($n++, if ($n == 2)) is verified once, not once per value $n could take.
/// </summary>
internal static class LoopVariables
{
    public const string MapName = "loop_variables";

    public static bool HasLoops(BoundProbe probe) =>
        probe.Body.Statements.Any(s => Contains(s, x => x is BoundForMap or BoundForRange, intoLoops: true));

    /// <summary>Bytes of the probe's variables, as the probe's prologue lays them out on its stack.</summary>
    public static int AreaSize(BoundProbe probe) => probe.Variables.Sum(v => TupleType.Align8(Math.Max(v.Type.Size, 1)));

    /// <summary>
    /// The entry of the per-CPU array: the variables, then the leave flag, then, when a for body returns a value
    /// (<see cref="ReturnsValueFromForBody"/>), that value.
    /// </summary>
    public static int EntrySize(BoundProbe probe) => AreaSize(probe) + (ReturnsValueFromForBody(probe.Body) ? 16 : 8);

    /// <summary>Whether a for body in <paramref name="statement"/> has <c>return VALUE</c> (in a loop nested in it too).</summary>
    public static bool ReturnsValueFromForBody(BoundStatement statement) =>
        Contains(statement, s => s is BoundForMap or BoundForRange && ReturnsValue(s), intoLoops: true);

    /// <summary>Whether <paramref name="statement"/> has <c>return VALUE</c>, in its loops too.</summary>
    public static bool ReturnsValue(BoundStatement statement) =>
        Contains(statement, s => s is BoundReturn { Value: not null }, intoLoops: true);

    /// <summary>Whether <paramref name="statement"/> or a statement nested in it matches (in loop bodies too if asked).</summary>
    public static bool Contains(BoundStatement statement, Func<BoundStatement, bool> match, bool intoLoops) =>
        match(statement) || statement switch
        {
            BoundBlock block => block.Statements.Any(s => Contains(s, match, intoLoops)),
            BoundIf s => Contains(s.Then, match, intoLoops) || (s.Else is { } e && Contains(e, match, intoLoops)),
            BoundForMap s => intoLoops && Contains(s.Body, match, intoLoops),
            BoundForRange s => intoLoops && Contains(s.Body, match, intoLoops),
            BoundWhile s => intoLoops && Contains(s.Body, match, intoLoops),
            BoundUnroll s => Contains(s.Body, match, intoLoops),
            _ => false,
        };
}
