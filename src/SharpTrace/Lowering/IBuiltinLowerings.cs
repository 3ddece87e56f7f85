using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// How builtins lower, handed to Lowering by the composition root (Lowering does not know the builtins' files): a
/// builtin variable's value, and an aggregation function's update.
/// </summary>
internal interface IBuiltinLowerings
{
    /// <summary>The value of an integer builtin variable; throws <see cref="LoweringNotSupportedException"/> when it does not lower yet.</summary>
    Operand LowerVariable(BoundBuiltinVariable variable, ProbeLowerer lowering);

    /// <summary>Writes a buffer builtin variable (comm) into a stack slot; throws when it does not lower yet.</summary>
    void LowerVariableInto(BoundBuiltinVariable variable, ProbeLowerer lowering, Slot slot, int offset, int size);

    /// <summary>
    /// The integer value of a builtin function's call (<c>bswap(x)</c>), or null when <paramref name="call"/> is not a
    /// builtin call; throws <see cref="LoweringNotSupportedException"/> when it does not lower yet.
    /// </summary>
    Operand? LowerCall(BoundExpression call, ProbeLowerer lowering);

    /// <summary>
    /// Writes the value of a builtin function's call that is not an integer (<c>ntop</c>, <c>buf</c>, <c>ksym</c>)
    /// into a stack slot; false when <paramref name="call"/> is not a builtin call, throws when it does not lower yet.
    /// </summary>
    bool LowerCallInto(BoundExpression call, ProbeLowerer lowering, Slot slot, int offset, int size);

    /// <summary>The array holding the time the program started (<c>elapsed</c>), in the map table from its first use.</summary>
    LoweredMap StartTimeMap();

    /// <summary>The array exit() sets (<see cref="ProgramMaps.ExitFlag"/>), in the map table from its first use.</summary>
    LoweredMap ExitFlagMap();

    /// <summary>
    /// Where an <c>interval</c> probe's period state lies (<see cref="ClaimPeriodOp"/>), in the map table from its first
    /// use; null for a probe that runs at every event.
    /// </summary>
    MapValueAddress? PeriodState(BoundProbe probe);

    /// <summary>Whether the program's stacks carry their number of frames (<see cref="BoundProgram.StacksCarryDepth"/>).</summary>
    bool StacksCarryDepth { get; }

    /// <summary>The stack trace map for stacks of <paramref name="type"/> (one per depth), in the map table from its first use.</summary>
    LoweredMap StackMap(StackType type);

    /// <summary>The per-CPU buffer of <paramref name="depth"/> frames stacks are copied to when only their depth is wanted (<see cref="ProgramMaps.StackFrameBuffer"/>).</summary>
    LoweredMap StackFrameBuffer(int depth);

    /// <summary>The LRU hash of processes whose user stacks were taken (<see cref="ProgramMaps.UserStackProcesses"/>), in the map table from its first use.</summary>
    LoweredMap UserStackProcessMap();

    /// <summary>The per-CPU buffers of <paramref name="bytes"/> that <c>dw_ustack</c> records are built in (<see cref="ProgramMaps.UserStackCopies"/>).</summary>
    LoweredMap UserStackCopyMap(int bytes);

    /// <summary>A builtin call used as a statement (join, time, cat, system): sends its record; throws when it does not lower yet.</summary>
    void LowerStatement(BoundExpression call, ProbeLowerer lowering);

    /// <summary>The aggregation function filling maps of this type.</summary>
    IAggregationLowering Aggregation(AggregationType type);
}

/// <summary>An aggregation function's updates in IR.</summary>
internal interface IAggregationLowering
{
    /// <summary>Updates the slot at <paramref name="slot"/> (a map value) with <paramref name="value"/> (0 for count).</summary>
    void LowerUpdate(IrBuilder ir, Address slot, Operand value);

    /// <summary>Builds the slot of an entry this update creates in <paramref name="slot"/>.</summary>
    void LowerFirst(IrBuilder ir, Slot slot, Operand value);

    /// <summary>hist and lhist: the bucket index of <paramref name="value"/>.</summary>
    Operand LowerBucket(IrBuilder ir, Operand value, AggregationType type);

    /// <summary>
    /// The whole update of <paramref name="map"/> at <paramref name="key"/> (its bucket at <paramref name="bucketOffset"/>
    /// still to be written), for a function whose bucket and slot come from one reading (tseries: the clock); false
    /// when the hooks above do it.
    /// </summary>
    bool LowerWhole(IrBuilder ir, LoweredMap map, Slot key, int bucketOffset, Operand value, AggregationType type) => false;
}
