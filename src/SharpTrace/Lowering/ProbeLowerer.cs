using SharpTrace.Semantics;

namespace SharpTrace.Lowering;

/// <summary>
/// Lowers one bound probe to IR: statements here, expressions in ProbeLowerer.Expressions.cs, maps and
/// aggregations in ProbeLowerer.Maps.cs, the records sent to user space in ProbeLowerer.Records.cs, loops and map walks
/// in ProbeLowerer.Loops.cs. A construct it does not handle yet throws
/// <see cref="LoweringNotSupportedException"/>, which compilation reports as an error at the probe.
/// </summary>
internal sealed partial class ProbeLowerer
{
    private const int BpfAny = 0;

    private readonly BoundProbe _probe;
    private readonly IReadOnlyDictionary<MapSymbol, LoweredMap> _maps;
    private readonly IBuiltinLowerings _builtins;
    private readonly IReadOnlyDictionary<int, LoweredRecord> _records;
    private readonly Dictionary<VariableSymbol, VReg> _integerVariables = [];
    private readonly Dictionary<VariableSymbol, Slot> _bufferVariables = [];
    private readonly IrLabel _end;

    private ProbeLowerer(BoundProbe probe, IReadOnlyDictionary<MapSymbol, LoweredMap> maps, IReadOnlyDictionary<int, LoweredRecord> records,
        IBuiltinLowerings builtins)
    {
        _probe = probe;
        _maps = maps;
        _builtins = builtins;
        _records = records;
        Ir = new IrBuilder(probe.Name);
        _end = Ir.NewLabel("end");
    }

    /// <summary>The IR being built; builtins' lowering hooks add to it.</summary>
    public IrBuilder Ir { get; private set; }

    /// <summary>The probe being lowered: builtins that read its context (<c>argN</c>, <c>retval</c>) look at its kind.</summary>
    public BoundProbe Probe => _probe;

    /// <summary>The array holding the program's start time (<c>elapsed</c>).</summary>
    public LoweredMap StartTimeMap => _builtins.StartTimeMap();

    /// <summary>Whether a stack taken keeps its number of frames above its id (<c>len()</c> of a stack value asks for it).</summary>
    public bool StacksCarryDepth => _builtins.StacksCarryDepth;

    /// <summary>The stack trace map stacks of <paramref name="type"/> are recorded in.</summary>
    public LoweredMap StackMap(StackType type) => _builtins.StackMap(type);

    /// <summary>The per-CPU buffer of <paramref name="depth"/> frames a stack is copied to when only its depth is wanted.</summary>
    public LoweredMap StackFrameBuffer(int depth) => _builtins.StackFrameBuffer(depth);

    /// <summary>The LRU hash of processes whose user stacks were taken.</summary>
    public LoweredMap UserStackProcessMap() => _builtins.UserStackProcessMap();

    /// <summary>The per-CPU buffers <c>dw_ustack</c> records of <paramref name="bytes"/> are built in.</summary>
    public LoweredMap UserStackCopyMap(int bytes) => _builtins.UserStackCopyMap(bytes);

    /// <summary>
    /// Lowers the probe; <paramref name="loopVariables"/> is its entry of the loop_variables map when it has loops. With
    /// <paramref name="syscall"/>, a <c>syscalls</c> tracepoint probe is lowered for the raw syscall tracepoint of that
    /// direction (<see cref="SyscallDirectionOf"/>).
    /// </summary>
    public static IrFunction Lower(BoundProbe probe, IReadOnlyDictionary<MapSymbol, LoweredMap> maps, IReadOnlyDictionary<int, LoweredRecord> records,
        IBuiltinLowerings builtins, LoopVariablesEntry? loopVariables = null, SyscallDirection? syscall = null)
    {
        var lowerer = new ProbeLowerer(probe, maps, records, builtins) { _loopVariables = loopVariables, _syscall = syscall };
        lowerer.LowerProbe();
        return lowerer.Ir.Build();
    }

    private void LowerProbe()
    {
        if (_builtins.PeriodState(_probe) is { } state && ProgramMaps.PeriodOf(_probe) is { } period)
            Ir.Emit(new ClaimPeriodOp(state, period, _end));
        foreach (var variable in _probe.Variables)
        {
            if (InRegister(variable))
            {
                var register = Ir.NewRegister();
                _integerVariables[variable] = register;
                Ir.Emit(new MoveOp(register, new Imm(0)));
            }
            else
            {
                var slot = Ir.NewSlot(variable.Type.Size, variable.IsAddressTaken);
                _bufferVariables[variable] = slot;
                Ir.Zero(slot, 0, Align8(variable.Type.Size));
            }
        }
        if (_probe.Predicate is { } predicate)
            LowerCondition(predicate, _end);
        LowerStatement(_probe.Body);
        Ir.Mark(_end);
        Ir.Return(new Imm(0));
    }

    internal static int Align8(int size) => (size + 7) & ~7;

    private static LoweringNotSupportedException NotSupported(string construct) => new(construct);

    internal void LowerStatement(BoundStatement statement)
    {
        if (!Ir.IsReachable)
            return;
        switch (statement)
        {
            case BoundBlock block:
                foreach (var s in block.Statements)
                    LowerStatement(s);
                break;
            case BoundIf s:
            {
                var otherwise = Ir.NewLabel("else");
                var end = Ir.NewLabel("endif");
                LowerCondition(s.Condition, otherwise);
                LowerStatement(s.Then);
                if (s.Else is { } elseBranch)
                {
                    Ir.Goto(end);
                    Ir.Mark(otherwise);
                    LowerStatement(elseBranch);
                    Ir.Mark(end);
                }
                else
                    Ir.Mark(otherwise);
                break;
            }
            case BoundUnroll s:
                for (var i = 0; i < s.Count; i++)
                    LowerStatement(s.Body);
                break;
            case BoundExpressionStatement s:
                LowerDiscarded(s.Expression);
                break;
            case BoundVariableAssign s:
                LowerVariableAssign(s);
                break;
            case BoundVariableReset s when _integerVariables.TryGetValue(s.Variable, out var register):
                Ir.Emit(new MoveOp(register, new Imm(0)));
                break;
            case BoundVariableReset s:
                if (_bufferVariables.TryGetValue(s.Variable, out var stored))
                    Ir.Zero(stored, 0, s.Variable.Type.Size);
                break;
            case BoundMapAssign s:
                LowerMapAssign(s);
                break;
            case BoundAggregate s:
                LowerAggregate(s);
                break;
            case BoundPrintf s:
                LowerRecord(s.Action, s.Arguments);
                break;
            case BoundSeqPrintf s:
                LowerSeqPrintf(s);
                break;
            case BoundExit s:
                LowerExit(s);
                break;
            case BoundDelete s:
                LowerDelete(s.Map, s.Keys, s.MissingWarning);
                break;
            case BoundClear s:
                LowerClear(s.Map);
                break;
            case BoundPrintMap s:
                LowerPrintMap(s);
                break;
            case BoundPrintValue s:
                LowerPrintValue(s);
                break;
            default:
                if (!TryLowerLoopStatement(statement))
                    throw NotSupported(statement.GetType().Name);
                break;
        }
    }

    private void LowerDiscarded(BoundExpression expression)
    {
        if (expression is BoundBlockExpression block)
        {
            LowerStatements(block.Statements);
            if (block.Value is { } value)
                LowerDiscarded(value);
        }
        else if (expression.Type.IsInteger)
            LowerScalar(expression);
        else if (expression.Type.Size > 0)
            LowerInto(expression, Ir.NewSlot(expression.Type.Size), 0, expression.Type.Size, padStrings: false);
        else if (expression.Type is VoidType)
            _builtins.LowerStatement(expression, this);
        else
            throw NotSupported(expression.GetType().Name + " as a statement");
    }

    private void LowerVariableAssign(BoundVariableAssign s)
    {
        if (_integerVariables.TryGetValue(s.Variable, out var register))
        {
            var value = LowerScalar(s.Value);
            Ir.Emit(new MoveOp(register, value));
            return;
        }
        var slot = _bufferVariables[s.Variable];
        LowerAs(s.Value, s.Variable.Type, slot, 0, padStrings: true);
    }

    private void LowerStatements(IEnumerable<BoundStatement> statements)
    {
        foreach (var statement in statements)
            LowerStatement(statement);
    }

    /// <summary>An integer variable lives in a register, unless the program takes its address (<c>&amp;$x</c>).</summary>
    private static bool InRegister(VariableSymbol variable) => variable.Type.IsInteger && !variable.IsAddressTaken;

    private static bool IsHistogram(MapSymbol map) => map.ValueType is AggregationType { HasBucketKey: true };
}
