using SharpTrace.Builtins;
using SharpTrace.Builtins.Aggregations;
using SharpTrace.Kernel;
using SharpTrace.Probes;
using SharpTrace.Runtime;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// Turns a syntax tree into a bound, typed program. Map types are inferred to a fixpoint over the whole program,
/// so a map read in one probe before the probe that assigns it still gets its type.
/// </summary>
internal sealed partial class Binder
{
    private const int MaxPasses = 4;

    private readonly SyntaxTree _tree;
    private readonly ITracepointCatalog _tracepoints;
    private readonly IKernelTypes? _kernel;
    private readonly DiagnosticBag _declarationDiagnostics;
    private readonly CDeclarations? _declarations;
    private CTypeTable? _types;
    private readonly Dictionary<string, MapSymbol> _maps = new(StringComparer.Ordinal);
    // Binaries read by uprobe attach points, kept for the compilation (every fixpoint pass resolves them again).
    private readonly Dictionary<string, Kernel.Elf.ElfFile> _elfFiles = new(StringComparer.Ordinal);
    private DiagnosticBag _diagnostics;
    private List<AsyncActionInfo> _actions = [];
    private ProgramConfig _config;
    private bool _mapTypesChanged;
    // Maps assigned only values whose type was not known yet in this pass, such as @i in `@i = @i + 1`.
    private readonly HashSet<MapSymbol> _assignedUntyped = [];

    // State of the probe being bound.
    private ProbeKind _probeKind;
    private IReadOnlyList<ProbeSpec> _probeSpecs = [];
    private TracepointFormat? _tracepointFormat;
    private Dictionary<string, VariableSymbol> _variables = [];
    // Set while binding a probe with several attach points whose body needs one program for each.
    private bool _needsProgramPerAttachPoint;
    // Why the probe being bound cannot run on this machine though it type-checks (BoundProbe.CannotRun).
    private string? _probeCannotRun;

    private Binder(SyntaxTree tree, ITracepointCatalog tracepoints, ProgramConfig config, IKernelTypes? kernel)
    {
        _tree = tree;
        _tracepoints = tracepoints;
        _config = config;
        _kernel = kernel;
        _diagnostics = new DiagnosticBag(tree.Source);
        _declarationDiagnostics = new DiagnosticBag(tree.Source);
        _declarations = ReadDeclarations(tree, _declarationDiagnostics, kernel, config);
    }

    /// <summary>The C types the script can name: its own definitions, then the kernel's.</summary>
    private CTypeTable Types => _types ??= _declarations?.Types ?? new CTypeTable(_kernel);

    /// <summary>
    /// Binds a parsed program. Diagnostics include the syntax tree's own. <paramref name="kernelTypes"/> are the
    /// kernel's C types (BTF), asked only when the script names a type; null when the kernel has none.
    /// </summary>
    public static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(
        SyntaxTree tree, ITracepointCatalog tracepoints, ProgramConfig? config = null, IKernelTypes? kernelTypes = null)
    {
        if (tree.Diagnostics.Any(d => d.IsError))
            return (null, tree.Diagnostics);
        var binder = new Binder(tree, tracepoints, config ?? new ProgramConfig(), kernelTypes);
        var program = binder.BindToFixpoint();
        var diagnostics = tree.Diagnostics.Concat(binder._declarationDiagnostics.Items).Concat(binder._diagnostics.Items).ToList();
        return (diagnostics.Any(d => d.IsError) ? null : program, diagnostics);
    }

    private BoundProgram BindToFixpoint()
    {
        BoundProgram program;
        var pass = 0;
        do
        {
            _diagnostics = new DiagnosticBag(_tree.Source);
            _actions = [];
            _mapTypesChanged = false;
            program = BindProgram(_tree.Root);
            pass++;
            // A map whose only assignments read the map itself gets bpftrace's default type, an integer, and
            // the program is bound again with it.
            if (!_mapTypesChanged)
            {
                foreach (var map in _assignedUntyped.Where(m => m.ValueType is null))
                    SetMapValueType(map, BpfType.Int64);
            }
            _assignedUntyped.Clear();
        } while (_mapTypesChanged && pass < MaxPasses);

        foreach (var map in _maps.Values.Where(m => m.ValueType is null))
            _diagnostics.Error(_mapFirstUse.GetValueOrDefault(map), $"Undefined map: {map.Name}");
        var attachPoints = program.Probes.Sum(p => p.AttachPoints.Count);
        if (attachPoints > _config.MaxProbes)
            _diagnostics.Error(default, $"Can not attach more than {_config.MaxProbes} probes ({attachPoints} requested): raise max_probes (config or BPFTRACE_MAX_PROBES)");
        CheckDeclaredMapKinds();
        return program;
    }

    private BoundProgram BindProgram(ProgramNode root)
    {
        if (root.Config is { } config)
            _config = BindConfig(config, _config);
        BindMapDeclarations(root.MapDeclarations);
        var probes = new List<BoundProbe>();
        foreach (var probe in root.Probes)
            probes.AddRange(BindProbe(probe));
        return new BoundProgram(probes, _maps.Values.OrderBy(m => m.Index).ToList(), _actions, _config);
    }

    private ProgramConfig BindConfig(ConfigBlock block, ProgramConfig config)
    {
        foreach (var entry in block.Entries)
        {
            var text = entry.Value switch
            {
                IntegerLiteral i => i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                BooleanLiteral b => b.Value ? "true" : "false",
                Identifier id => id.Name,
                StringLiteral str => str.Value,
                _ => null,
            };
            if (text is null)
            {
                _diagnostics.Error(entry.Value.Span, $"Invalid value for {entry.Key}: expected a literal");
                continue;
            }
            // A value from the environment or the command line wins over the script's (bpftrace's precedence).
            if (config.SetOutsideScript.Contains(ConfigVariables.Canonical(entry.Key)) && ConfigVariables.Names.Contains(ConfigVariables.Canonical(entry.Key)))
                continue;
            if (ConfigVariables.TrySet(config, entry.Key, text, out var error) is { } set)
                config = set;
            else
                _diagnostics.Error(entry.Span, error!);
        }
        return config;
    }

    private IEnumerable<BoundProbe> BindProbe(Probe probe)
    {
        var specs = new List<ProbeSpec>();
        foreach (var point in probe.AttachPoints)
            specs.AddRange(ProbeSpecResolver.Resolve(point, _tracepoints, _diagnostics, _elfFiles));
        if (specs.Count == 0)
            return [];
        if (specs.Select(s => s.Kind).Distinct().Count() > 1)
        {
            _diagnostics.Error(probe.AttachPoints[0].Span, "A probe's attach points must all be of one kind");
            return [];
        }

        var (diagnosticCount, actionCount) = (_diagnostics.Items.Count, _actions.Count);
        _needsProgramPerAttachPoint = false;
        var bound = BindProbeAt(probe, specs);
        if (!_needsProgramPerAttachPoint)
            return [bound];

        // The body names `probe`, or tracepoint args that lie at different offsets: one program per attach point,
        // as bpftrace compiles them. Errors in the body are reported once, from the first attach point.
        _diagnostics.TruncateTo(diagnosticCount);
        _actions.RemoveRange(actionCount, _actions.Count - actionCount);
        var probes = new List<BoundProbe>();
        foreach (var spec in specs)
        {
            var errors = _diagnostics.ErrorCount;
            probes.Add(BindProbeAt(probe, [spec]));
            if (_diagnostics.ErrorCount > errors)
                break;
        }
        return probes;
    }

    private BoundProbe BindProbeAt(Probe probe, IReadOnlyList<ProbeSpec> specs)
    {
        _probeKind = specs[0].Kind;
        _probeSpecs = specs;
        _tracepointFormat = _probeKind == ProbeKind.Tracepoint ? _tracepoints.Format(specs[0].Target, specs[0].Name) : null;
        _variables = new Dictionary<string, VariableSymbol>(StringComparer.Ordinal);
        _untypedVariables.Clear();
        _probeCannotRun = null;

        var predicate = probe.Predicate is null ? null : BindCondition(probe.Predicate, "Invalid type for predicate: ");
        if (_config.TargetPid is { } targetPid && _probeKind is not (ProbeKind.Begin or ProbeKind.End))
            predicate = OnlyForProcess(targetPid, probe.Span, predicate);
        var body = BindBlock(probe.Body);
        return new BoundProbe(probe.Span, _probeKind, specs, predicate, body, TakeProbeVariables()) { CannotRun = _probeCannotRun };
    }

    /// <summary>-p PID: the probe acts as if its predicate began with <c>pid == PID &amp;&amp;</c>.</summary>
    private static BoundExpression OnlyForProcess(int targetPid, TextSpan span, BoundExpression? predicate)
    {
        var pid = BuiltinVariable.All["pid"];
        BoundExpression filter = new BoundBinary(span, BinaryOperator.Equal,
            new BoundBuiltinVariable(span, pid, pid.Type), new BoundIntegerLiteral(span, targetPid, BpfType.Int64), BpfType.Int64);
        return predicate is null ? filter : new BoundBinary(span, BinaryOperator.LogicalAnd, filter, predicate, BpfType.Int64);
    }

    private BoundBlock BindBlock(Block block) =>
        new(block.Span, block.Statements.Select(BindStatement).OfType<BoundStatement>().ToList());

    private BoundStatement? BindStatement(Statement statement)
    {
        switch (statement)
        {
            case Block block:
                return BindBlock(block);
            case IfStatement s:
                return new BoundIf(s.Span, BindCondition(s.Condition, "Invalid condition in if(): "), BindBlock(s.Then), s.Else is null ? null : BindStatement(s.Else));
            case AssignmentStatement s:
                return BindAssignment(s);
            case ExpressionStatement { Expression: CallExpression call } s:
                return BindCallStatement(call, s.Span);
            case ExpressionStatement { Expression: IncrementExpression inc } s:
                return BindIncrement(inc, s.Span);
            case ExpressionStatement s:
                return new BoundExpressionStatement(s.Span, BindExpression(s.Expression));
            case LetStatement s:
                return BindLet(s);
            case ForMapStatement s:
                return BindForMap(s);
            case ForRangeStatement s:
                return BindForRange(s);
            case WhileStatement s:
                return BindWhile(s);
            case UnrollStatement s:
                return BindUnroll(s);
            case BreakStatement or ContinueStatement:
                return BindLoopJump(statement);
            case ReturnStatement s:
                return BindReturn(s);
            default:
                _diagnostics.ReportUnsupported(statement.Span, StatementName(statement));
                return null;
        }
    }

    private static string StatementName(Statement statement) => statement switch
    {
        LetStatement => "let",
        _ => statement.GetType().Name,
    };

    private BoundStatement? BindAssignment(AssignmentStatement s)
    {
        switch (s.Target)
        {
            case MapAccess map when s.CompoundOperator is null && s.Value is CallExpression call && AggregationFunction.All.ContainsKey(call.Name):
                return BindAggregate(map, call, s.Span);
            case MapAccess map:
            {
                var value = s.CompoundOperator is { } op
                    ? BindBinary(new BinaryExpression(s.Span, op, map, s.Value))
                    : BindExpression(s.Value);
                return AssignMap(map, value, s.Span);
            }
            case VariableExpression variable:
            {
                var value = s.CompoundOperator is { } op
                    ? BindBinary(new BinaryExpression(s.Span, op, variable, s.Value))
                    : BindExpression(s.Value);
                return AssignVariable(variable, value, s.Span);
            }
            default:
                _diagnostics.Error(s.Target.Span, "Only maps and variables can be assigned to");
                return null;
        }
    }

    private BoundStatement? BindIncrement(IncrementExpression inc, TextSpan span)
    {
        if (IncrementedType(inc.Target) is { } type && type is StringType or TupleType or AggregationType)
        {
            _diagnostics.ReportInvalidOperand(inc.Span, inc.IsIncrement ? "++" : "--", TypeName(type));
            return null;
        }
        DeclareIncrementedMap(inc.Target);
        var op = inc.IsIncrement ? BinaryOperator.Add : BinaryOperator.Subtract;
        var one = new IntegerLiteral(inc.Span, 1, "1");
        var sum = BindBinary(new BinaryExpression(inc.Span, op, inc.Target, one));
        return inc.Target switch
        {
            MapAccess map => AssignMap(map, sum, span),
            VariableExpression variable => AssignVariable(variable, sum, span),
            _ => ReportNotAssignable(inc.Target),
        };
    }

    private BoundStatement? ReportNotAssignable(Expression target)
    {
        _diagnostics.Error(target.Span, "Only maps and variables can be incremented");
        return null;
    }

    private BoundStatement? AssignMap(MapAccess access, BoundExpression value, TextSpan span)
    {
        if (value.Type is VoidType)
        {
            _diagnostics.Error(value.Span, "Cannot assign a value of type 'none' to a map");
            return null;
        }
        if (value.Type is CValueType stored)
        {
            _diagnostics.ReportUnsupported(value.Span, $"Storing a {stored} in a map");
            return null;
        }
        var map = GetMap(access.Name);
        var keys = BindKeys(map, access);
        if (value.Type is ErrorType && map.ValueType is null)
        {
            // Known after another pass, or a default then; a real error in the value was reported already.
            _assignedUntyped.Add(map);
            return null;
        }
        var storage = StorageType(value.Type);
        if (map.ValueType is null)
            SetMapValueType(map, storage);
        else if (!IsAssignable(map.ValueType, storage))
        {
            _diagnostics.ReportMapTypeMismatch(access.Span, map.Name, TypeName(MessageType(value.Type)), TypeName(map.ValueType));
            return null;
        }
        return new BoundMapAssign(span, map, keys, value);
    }

    private BoundStatement? AssignVariable(VariableExpression target, BoundExpression value, TextSpan span)
    {
        if (value.Type is VoidType or AggregationType)
        {
            _diagnostics.Error(value.Span, $"Cannot assign a value of type '{TypeName(value.Type)}' to a variable");
            return null;
        }
        if (value.Type is CValueType stored)
        {
            _diagnostics.ReportUnsupported(value.Span, $"Storing a {stored} in a variable");
            return null;
        }
        var type = value.Type is StringType ? new StringType(_config.MaxStrlen) : value.Type is IntegerType ? StorageType(value.Type) : value.Type;
        if (!_variables.TryGetValue(target.Name, out var variable))
            _variables[target.Name] = variable = new VariableSymbol(target.Name, type);
        else if (_untypedVariables.Remove(variable))
            variable.Type = type;
        else if (!IsAssignable(variable.Type, type))
        {
            // bpftrace points at the assignment's '='.
            _diagnostics.ReportVariableTypeMismatch(TokenSpan(target.Span.End, value.Span.Start, "=") ?? span, target.Name,
                TypeName(MessageType(value.Type)), TypeName(variable.Type));
            return null;
        }
        variable.IsAssigned = true;
        foreach (var assigned in _assignedInForBodies)
            assigned.Add(variable);
        return new BoundVariableAssign(span, variable, value);
    }

    private BoundStatement? BindAggregate(MapAccess access, CallExpression call, TextSpan span)
    {
        var function = AggregationFunction.All[call.Name];
        var arguments = call.Arguments.Select(BindExpression).ToList();
        if (arguments.Any(a => a.Type is ErrorType))
            return null;
        if (function.Bind(call, arguments, _diagnostics) is not { } type)
            return null;
        var map = GetMap(access.Name);
        var keys = BindKeys(map, access);
        if (map.ValueType is null)
            SetMapValueType(map, type);
        else if (map.ValueType is AggregationType { Kind: var kind } && kind == type.Kind && map.ValueType != type)
        {
            _diagnostics.Error(call.Span, kind == AggregationKind.Hist
                ? "Different bits in a single hist unsupported"
                : "Different lhist bounds in a single map unsupported");
            return null;
        }
        else if (map.ValueType != type)
        {
            _diagnostics.ReportMapTypeMismatch(access.Span, map.Name, TypeName(type), TypeName(map.ValueType));
            return null;
        }
        return new BoundAggregate(span, map, keys, type, arguments.Count > 0 ? arguments[0] : null);
    }

    private BoundStatement? BindCallStatement(CallExpression call, TextSpan span)
    {
        switch (call.Name)
        {
            case "printf":
                return BindPrintf(call, span);
            case "exit":
                AddExitAction();
                if (call.Arguments.Count > 1)
                    _diagnostics.ReportWrongArgumentCount(call.Span, "exit", 0, call.Arguments.Count);
                else if (call.Arguments.Count == 1)
                    _diagnostics.ReportUnsupported(call.Arguments[0].Span, "An exit code argument");
                return new BoundExit(span);
            case "clear":
                return SingleMapArgument(call) is { } cleared ? new BoundClear(span, GetMap(cleared.Name)) : null;
            case "zero":
                return SingleMapArgument(call) is { } zeroed ? new BoundZero(span, GetMap(zeroed.Name)) : null;
            case "print":
                return BindPrintMap(call, span);
            case "delete":
                return BindDelete(call, span);
            default:
                if (AggregationFunction.All.ContainsKey(call.Name))
                {
                    _diagnostics.Error(call.Span, $"{call.Name}() should be directly assigned to a map");
                    return null;
                }
                return TryBindBuiltinStatement(call, span) ?? new BoundExpressionStatement(span, BindExpression(call));
        }
    }

    /// <summary>The one whole-map argument of clear(), zero() and print(), worded as bpftrace words the problems.</summary>
    private MapAccess? SingleMapArgument(CallExpression call)
    {
        if (call.Name == "print" && call.Arguments.Count > 3)
        {
            _diagnostics.Error(call.Span, $"print() takes up to 3 arguments ({call.Arguments.Count} provided)");
            return null;
        }
        if (call.Arguments.Count != 1)
        {
            _diagnostics.ReportWrongArgumentCount(call.Span, call.Name, 1, call.Arguments.Count);
            return null;
        }
        if (call.Arguments[0] is MapAccess { IsScalar: true } map)
            return map;
        if (call.Arguments[0] is MapAccess)
        {
            _diagnostics.Error(call.Span, $"The map passed to {call.Name}() should not be indexed by a key");
            return null;
        }
        _diagnostics.Error(call.Span, $"{call.Name}() expects a map to be provided");
        return null;
    }

    /// <summary><c>print(@m)</c>, <c>print(@m, top)</c>, <c>print(@m, top, div)</c>; top and div are integer literals.</summary>
    private BoundStatement? BindPrintMap(CallExpression call, TextSpan span)
    {
        if (call.Arguments.Count > 3)
        {
            _diagnostics.Error(call.Span, $"print() takes up to 3 arguments ({call.Arguments.Count} provided)");
            return null;
        }
        if (call.Arguments.Count == 0)
        {
            _diagnostics.ReportWrongArgumentCount(call.Span, "print", 1, 0);
            return null;
        }
        if (call.Arguments[0] is not MapAccess access)
        {
            _diagnostics.ReportUnsupported(call.Span, "print() of a value that is not a map");
            return null;
        }
        if (!access.IsScalar)
        {
            _diagnostics.Error(call.Span, "The map passed to print() should not be indexed by a key");
            return null;
        }
        var limits = new uint[2];
        for (var i = 1; i < call.Arguments.Count; i++)
        {
            switch (call.Arguments[i])
            {
                case IntegerLiteral literal:
                    limits[i - 1] = (uint)Math.Min(literal.Value, uint.MaxValue);
                    break;
                case UnaryExpression { Operator: UnaryOperator.Negate, Operand: IntegerLiteral }:
                    break; // bpftrace accepts a negative top or div and ignores it
                default:
                    var type = BindExpression(call.Arguments[i]).Type;
                    _diagnostics.Error(call.Span, $"print() expects a integer literal ({(type.IsInteger ? "integer" : TypeName(type))} provided)");
                    return null;
            }
        }
        // bpftrace 0.17 ignores top and div for stats maps (with a warning); we apply them (docs/output.md).
        var map = GetMap(access.Name);
        var (top, div) = (limits[0], limits[1]);
        return new BoundPrintMap(span, map, AddAction(id => new PrintMapAction(id, map, top, div)));
    }

    private BoundStatement? BindDelete(CallExpression call, TextSpan span)
    {
        // delete(@m[k]) and delete(@x) name the entry; delete(@m, k) passes the key apart.
        if (call.Arguments is [MapAccess entry])
        {
            var map = GetMap(entry.Name);
            if (entry.IsScalar && map.KeyTypes is { Count: > 0 })
                return new BoundClear(span, map);
            return new BoundDelete(span, map, BindKeys(map, entry));
        }
        if (call.Arguments is [MapAccess { IsScalar: true } target, var key])
        {
            var access = new MapAccess(target.Span, target.Name, key is TupleExpression tuple ? tuple.Elements : [key]);
            var map = GetMap(target.Name);
            return new BoundDelete(span, map, BindKeys(map, access));
        }
        _diagnostics.Error(call.Span, "delete() expects a map to be provided");
        return null;
    }

    private BoundStatement? BindPrintf(CallExpression call, TextSpan span)
    {
        if (BindFormat(call) is not { } bound)
            return null;
        var id = AddAction(id => new PrintfAction(id, bound.Format, bound.Types));
        return new BoundPrintf(span, id, bound.Arguments);
    }

    /// <summary>
    /// The format string literal and its arguments of <c>printf</c>, <c>cat</c> or <c>system</c>, checked against each
    /// other with bpftrace's words; null when an error was reported.
    /// </summary>
    private FormatArguments? BindFormat(CallExpression call)
    {
        if (call.Arguments.Count == 0)
        {
            _diagnostics.Error(call.Span, $"{call.Name}() requires at least one argument (0 provided)");
            return null;
        }
        if (call.Arguments[0] is not StringLiteral format)
        {
            _diagnostics.Error(call.Span, $"{call.Name}() expects a string literal ({TypeKindName(BindExpression(call.Arguments[0]).Type)} provided)");
            return null;
        }
        var arguments = call.Arguments.Skip(1).Select(BindExpression).ToList();
        if (arguments.Any(a => a.Type is ErrorType))
            return null;
        if (!CheckPrintfArguments(format.Value, arguments, call.Span, call.Name))
            return null;
        var types = arguments.Select(a => a.Type is IntegerType or PointerType ? StorageType(a.Type) : a.Type).ToList();
        return new FormatArguments(format.Value, arguments, types);
    }

    private void AddExitAction()
    {
        if (!_actions.OfType<ExitAction>().Any())
            AddAction(id => new ExitAction(id));
    }

    private int AddAction(Func<int, AsyncActionInfo> create)
    {
        var action = create(_actions.Count);
        _actions.Add(action);
        return action.Id;
    }

    private BoundExpression BindCondition(Expression expression, string message)
    {
        var bound = BindExpression(expression);
        if (!bound.Type.IsInteger && bound.Type is not ErrorType)
            _diagnostics.Error(expression.Span, message + TypeKindName(bound.Type));
        return bound;
    }

    private BoundExpression BindExpression(Expression expression)
    {
        switch (expression)
        {
            case IntegerLiteral literal:
                return new BoundIntegerLiteral(literal.Span, unchecked((long)literal.Value), literal.Value > long.MaxValue ? BpfType.UInt64 : BpfType.Int64);
            case BooleanLiteral literal:
                return new BoundIntegerLiteral(literal.Span, literal.Value ? 1 : 0, BpfType.Int64);
            case StringLiteral literal:
                return new BoundStringLiteral(literal.Span, literal.Value);
            case Identifier identifier:
                return BindIdentifier(identifier);
            case PositionalParameter parameter:
                return BindPositionalParameter(parameter);
            case PositionalParameterCount count:
                return new BoundIntegerLiteral(count.Span, _config.PositionalParameters.Count, BpfType.Int64);
            case VariableExpression variable:
                if (_variables.TryGetValue(variable.Name, out var symbol))
                {
                    if (!symbol.IsAssigned)
                        _diagnostics.ReportVariableUsedBeforeAssignment(variable.Span, variable.Name);
                    return new BoundVariableRead(variable.Span, symbol);
                }
                _diagnostics.ReportUndefinedVariable(variable.Span, variable.Name);
                return Error(variable.Span);
            case MapAccess access:
                return BindMapRead(access);
            case FieldAccess { Target: Identifier { Name: "args" } } field when _probeKind is ProbeKind.RawTracepoint or ProbeKind.Fentry or ProbeKind.Fexit:
                return BindBtfArgument(field);
            case FieldAccess { Target: Identifier { Name: "args" } } field:
                return BindTracepointField(field);
            case FieldAccess { IsArrow: false } field when IsTupleIndex(field.Field):
                return BindTupleElement(field);
            case IncrementExpression increment:
                return BindIncrementExpression(increment);
            case FieldAccess field:
                return BindMemberAccess(field);
            case IndexExpression index:
                return BindIndex(index);
            case CastExpression cast:
                return BindCast(cast);
            case SizeofExpression sizeofExpression:
                return BindSizeof(sizeofExpression);
            case OffsetofExpression offsetof:
                return BindOffsetof(offsetof);
            case UnaryExpression unary:
                return BindUnary(unary);
            case BinaryExpression binary:
                return BindBinary(binary);
            case TernaryExpression ternary:
                return BindTernary(ternary);
            case TupleExpression tuple:
            {
                var elements = tuple.Elements.Select(BindExpression).ToList();
                return new BoundTuple(tuple.Span, elements, new TupleType(elements.Select(e => e.Type).ToList()));
            }
            case CallExpression call:
                return BindCallExpression(call);
            default:
                _diagnostics.ReportUnsupported(expression.Span, "This expression");
                return Error(expression.Span);
        }
    }

    /// <summary>
    /// <c>$N</c> stands for the N-th command-line parameter, as bpftrace substitutes it: an integer literal when the
    /// text is a number, else a string literal; a parameter not given is 0 (and "" inside <c>str()</c>).
    /// </summary>
    private BoundExpression BindPositionalParameter(PositionalParameter parameter)
    {
        if (parameter.Index > _config.PositionalParameters.Count)
            return new BoundIntegerLiteral(parameter.Span, 0, BpfType.Int64);
        var text = _config.PositionalParameters[parameter.Index - 1];
        if (ParseInteger(text) is { } value)
            return new BoundIntegerLiteral(parameter.Span, value, BpfType.Int64);
        return new BoundStringLiteral(parameter.Span, text);
    }

    private static long? ParseInteger(string text)
    {
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        ulong value;
        var parsed = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(digits[2..], System.Globalization.NumberStyles.AllowHexSpecifier, null, out value)
            : ulong.TryParse(digits, System.Globalization.NumberStyles.None, null, out value);
        if (!parsed || value > long.MaxValue)
            return null;
        return negative ? -(long)value : (long)value;
    }

    private BoundExpression BindIdentifier(Identifier identifier)
    {
        if (identifier.Name == "cpid")
        {
            if (_config.ChildPid is { } childPid)
                return new BoundIntegerLiteral(identifier.Span, childPid, BpfType.UInt32);
            _diagnostics.Error(identifier.Span, "cpid cannot be used without child command (-c)");
            return Error(identifier.Span);
        }
        if (identifier.Name == "probe")
        {
            _needsProgramPerAttachPoint |= _probeSpecs.Count > 1;
            return new BoundStringLiteral(identifier.Span, _probeSpecs[0].ToString());
        }
        if (TryBindBuiltinFunction(identifier) is { } bound)
            return bound;
        if (identifier.Name == "retval" && BindFexitReturnValue(identifier) is { } returnValue)
            return returnValue;
        if (BuiltinVariable.TryGet(identifier.Name, out var builtin))
        {
            if (!builtin.IsAllowedIn(_probeKind) && builtin.AllowedProbes is { } allowed)
                _diagnostics.ReportBuiltinOnlyIn(identifier.Span, builtin.Name, allowed, builtin.NotAllowedHint(_probeKind));
            else if (!builtin.IsAllowedIn(_probeKind))
                _diagnostics.ReportNotAllowedInProbe(identifier.Span, "Builtin " + builtin.Name, _probeKind.ToString().ToLowerInvariant());
            return new BoundBuiltinVariable(identifier.Span, builtin, builtin.TypeIn(Types));
        }
        if (BindConstant(identifier) is { } constant)
            return constant;
        if (identifier.Name == "args" && _probeKind != ProbeKind.Tracepoint)
            ReportArgsNotAllowed(identifier.Span);
        else if (identifier.Name == "args")
            _diagnostics.Error(identifier.Span, "args cannot be used as a value: name a field, e.g. args.filename");
        else
            _diagnostics.ReportUnknownIdentifier(identifier.Span, identifier.Name);
        return Error(identifier.Span);
    }

    private BoundExpression BindTracepointField(FieldAccess access)
    {
        if (_probeKind != ProbeKind.Tracepoint || _tracepointFormat is null)
        {
            ReportArgsNotAllowed(access.Target.Span);
            return Error(access.Span);
        }
        var field = _tracepointFormat.Fields.FirstOrDefault(f => f.Name == access.Field);
        if (field is null)
        {
            _diagnostics.ReportUnknownTracepointField(access.Span, $"{_probeSpecs[0].Target}_{_probeSpecs[0].Name}", access.Field);
            return Error(access.Span);
        }
        foreach (var other in _probeSpecs.Skip(1))
        {
            var otherField = _tracepoints.Format(other.Target, other.Name)?.Fields.FirstOrDefault(f => f.Name == access.Field);
            if (otherField is null || otherField.Offset != field.Offset || otherField.Size != field.Size || otherField.CType != field.CType)
                _needsProgramPerAttachPoint = true;
        }
        BpfType type;
        if (field.IsDataLoc && field.CType.Contains("char", StringComparison.Ordinal))
            type = new StringType(_config.MaxStrlen);
        else if (field.IsDataLoc)
        {
            _diagnostics.ReportUnsupported(access.Span, $"A __data_loc tracepoint field of type '{field.CType}'");
            return Error(access.Span);
        }
        else if (field.ArrayLength is int length && field.CType.Contains("char", StringComparison.Ordinal))
            type = new StringType(length);
        else if (field.CType.Contains('*'))
            type = TracepointPointerType(field.CType, user: _probeSpecs[0].Target == "syscalls");
        else if (field.Size is 1 or 2 or 4 or 8 && field.ArrayLength is null)
            type = new IntegerType(field.Size, field.IsSigned);
        else
        {
            _diagnostics.ReportUnsupported(access.Span, $"A tracepoint field of type '{field.CType}'");
            return Error(access.Span);
        }
        return new BoundTracepointField(access.Span, field, type);
    }

    private BoundExpression BindMapRead(MapAccess access)
    {
        var map = GetMap(access.Name, new TextSpan(access.Span.Start, access.Name.Length));
        var keys = BindKeys(map, access);
        if (map.ValueType is null)
            return Error(access.Span);
        var type = map.ValueType switch
        {
            AggregationType { Kind: AggregationKind.Count or AggregationKind.Sum or AggregationKind.Min or AggregationKind.Max } => BpfType.Int64,
            AggregationType a => ReportUnreadable(access, a),
            var t => t,
        };
        return new BoundMapRead(access.Span, map, keys, type);
    }

    private BpfType ReportUnreadable(MapAccess access, AggregationType type)
    {
        _diagnostics.ReportUnsupported(access.Span, $"Reading a value of a {type} map");
        return ErrorType.Instance;
    }

    private IReadOnlyList<BoundExpression> BindKeys(MapSymbol map, MapAccess access)
    {
        var keys = access.Keys.Select(BindExpression).ToList();
        // A string key keeps its own size (a comm key is 16 bytes); the map's key is as wide as its widest use.
        var keyTypes = keys.Select(k => k.Type is StringType ? k.Type : StorageType(k.Type)).ToList();
        if (keys.Any(k => k.Type is ErrorType))
            return keys;
        foreach (var key in keys.Where(k => k.Type is VoidType or AggregationType))
            _diagnostics.Error(key.Span, $"Invalid map key type: '{TypeName(key.Type)}'");
        if (map.KeyTypes is null)
        {
            map.KeyTypes = keyTypes;
            _mapTypesChanged = true;
        }
        else if (!map.KeyTypes.SequenceEqual(keyTypes, KeyTypeComparer.Instance))
        {
            var expected = string.Join(", ", map.KeyTypes.Select(TypeName));
            var actual = string.Join(", ", keyTypes.Select(TypeName));
            _diagnostics.Error(access.Span, $"Argument mismatch for {map.Name}: trying to access with arguments: [{actual}] when map expects arguments: [{expected}]");
        }
        else if (map.KeyTypes.Zip(keyTypes).Any(p => p is (StringType known, StringType used) && used.Capacity > known.Capacity))
        {
            map.KeyTypes = map.KeyTypes.Zip(keyTypes)
                .Select(p => p is (StringType known, StringType used) && used.Capacity > known.Capacity ? used : p.First).ToList();
            _mapTypesChanged = true;
        }
        return keys;
    }

    /// <summary>
    /// Integer keys of any width and signedness fit one map, and strings of any size (bpftrace 0.17 accepts <c>@m[1]</c> and <c>@m[(uint64)x]</c>
    /// together): a key is stored at the map's key width, and the first use decides how it prints.
    /// </summary>
    private sealed class KeyTypeComparer : IEqualityComparer<BpfType>
    {
        public static readonly KeyTypeComparer Instance = new();

        public bool Equals(BpfType? x, BpfType? y) =>
            (x?.IsInteger == true && y?.IsInteger == true) || (x is StringType && y is StringType) || object.Equals(x, y);

        public int GetHashCode(BpfType type) => type.IsInteger ? 0 : type is StringType ? 1 : type.GetHashCode();
    }

    private BoundExpression BindUnary(UnaryExpression unary)
    {
        var operand = BindExpression(unary.Operand);
        if (operand.Type is ErrorType)
            return operand;
        if (unary.Operator is UnaryOperator.Dereference)
            return BindDereference(unary, operand);
        if (!operand.Type.IsInteger || unary.Operator is UnaryOperator.AddressOf)
        {
            _diagnostics.ReportInvalidOperand(new TextSpan(unary.Span.Start, 1), UnaryOperatorText(unary.Operator), TypeName(operand.Type));
            return Error(unary.Span);
        }
        return new BoundUnary(unary.Span, unary.Operator, operand, BpfType.Int64);
    }

    private BoundExpression BindBinary(BinaryExpression binary)
    {
        var left = BindExpression(binary.Left);
        var right = BindExpression(binary.Right);
        if (left.Type is ErrorType || right.Type is ErrorType)
            return Error(binary.Span);
        var isEquality = binary.Operator is BinaryOperator.Equal or BinaryOperator.NotEqual;
        if (left.Type is StringType && right.Type is StringType && isEquality)
            return new BoundBinary(binary.Span, binary.Operator, left, right, BpfType.Int64);
        if (!left.Type.IsInteger || !right.Type.IsInteger)
        {
            ReportInvalidOperands(binary, left, right);
            return Error(binary.Span);
        }
        var unsigned = IsUnsigned64(left.Type) || IsUnsigned64(right.Type);
        return new BoundBinary(binary.Span, binary.Operator, left, right, unsigned && !IsComparison(binary.Operator) ? BpfType.UInt64 : BpfType.Int64);
    }

    private static bool IsUnsigned64(BpfType type) => type is IntegerType { IsSigned: false, Bytes: 8 } or PointerType;

    private static bool IsComparison(BinaryOperator op) => op is BinaryOperator.Equal or BinaryOperator.NotEqual or BinaryOperator.Less
        or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual or BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr;

    private BoundExpression BindTernary(TernaryExpression ternary)
    {
        var condition = BindCondition(ternary.Condition, "Invalid condition in ternary: ");
        var whenTrue = BindExpression(ternary.WhenTrue);
        var whenFalse = BindExpression(ternary.WhenFalse);
        if (whenTrue.Type is ErrorType || whenFalse.Type is ErrorType)
            return Error(ternary.Span);
        if (whenTrue.Type.IsInteger && whenFalse.Type.IsInteger)
            return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, BpfType.Int64);
        if (whenTrue.Type is StringType a && whenFalse.Type is StringType b)
            return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, new StringType(Math.Max(a.Capacity, b.Capacity)));
        _diagnostics.Error(ternary.Span, $"Ternary operator must return the same type: have '{TypeKindName(whenTrue.Type)}' and '{TypeKindName(whenFalse.Type)}'");
        return Error(ternary.Span);
    }

    private BoundExpression BindCallExpression(CallExpression call)
    {
        switch (call.Name)
        {
            case "str":
            {
                if (call.Arguments.Count is < 1 or > 2)
                {
                    _diagnostics.Error(call.Span, call.Arguments.Count == 0
                        ? "str() requires at least one argument (0 provided)"
                        : $"str() takes up to 2 arguments ({call.Arguments.Count} provided)");
                    return Error(call.Span);
                }
                // str($N) is the parameter's text, even when it looks like a number.
                if (call.Arguments[0] is PositionalParameter parameter)
                    return new BoundStringLiteral(call.Span, parameter.Index <= _config.PositionalParameters.Count ? _config.PositionalParameters[parameter.Index - 1] : "");
                var pointer = BindExpression(call.Arguments[0]);
                var length = call.Arguments.Count == 2 ? BindExpression(call.Arguments[1]) : null;
                if (pointer.Type is StringType)
                    return pointer;
                if (!pointer.Type.IsInteger)
                {
                    _diagnostics.Error(pointer.Span, $"str() expects an integer or a pointer, got '{TypeName(pointer.Type)}'");
                    return Error(call.Span);
                }
                if (length is not null && !length.Type.IsInteger)
                    _diagnostics.Error(length.Span, "str() expects an integer length");
                bool? user = pointer.Type is PointerType p ? p.IsUserSpace : ProbeSpec.ReadsUserMemory(_probeKind) ? true : null;
                return new BoundStr(call.Span, pointer, length, user, new StringType(_config.MaxStrlen));
            }
            case "has_key":
                return BindHasKey(call);
            case "len":
                return BindLen(call);
            case "printf" or "exit" or "clear" or "delete" or "print" or "zero":
                _diagnostics.Error(call.Span, $"{call.Name}() should not be used in an assignment or as a map key");
                return Error(call.Span);
            default:
                if (TryBindBuiltinFunction(call, bareName: false) is { } bound)
                    return bound;
                if (AggregationFunction.All.ContainsKey(call.Name))
                    _diagnostics.Error(call.Span, $"{call.Name}() should be directly assigned to a map");
                else
                    _diagnostics.ReportUnknownFunction(call.NameSpan, call.Name);
                return Error(call.Span);
        }
    }

    private MapSymbol GetMap(string name, TextSpan? use = null)
    {
        if (!_maps.TryGetValue(name, out var map))
            _maps[name] = map = new MapSymbol(name, _maps.Count);
        if (use is { } span)
            _mapFirstUse.TryAdd(map, span);
        return map;
    }

    private void SetMapValueType(MapSymbol map, BpfType type)
    {
        map.ValueType = type;
        _mapTypesChanged = true;
    }

    /// <summary>How a value of this type is kept in a map or a variable: integers as 8 bytes, strings at max_strlen.</summary>
    private BpfType StorageType(BpfType type) => type switch
    {
        IntegerType i => new IntegerType(8, i.IsSigned),
        PointerType => BpfType.UInt64,
        StringType => new StringType(_config.MaxStrlen),
        TupleType t => new TupleType(t.Elements.Select(StorageType).ToList()),
        _ => type,
    };

    // A pointer variable keeps its pointer type: an integer or another pointer type is a mismatch, as in bpftrace.
    private static bool IsAssignable(BpfType existing, BpfType value) =>
        existing == value || value is ErrorType || existing is ErrorType
        || (existing.IsInteger && value.IsInteger && existing is not PointerType && value is not PointerType);

    /// <summary>A type as bpftrace names it in messages: <c>int64</c>, <c>unsigned int32</c>, <c>string[16]</c>, <c>struct task_struct *</c>.</summary>
    private static string TypeName(BpfType type) => type switch
    {
        IntegerType i => (i.IsSigned ? "int" : "unsigned int") + (i.Bytes * 8),
        StringType s => $"string[{s.Capacity}]",
        TupleType t => "(" + string.Join(",", t.Elements.Select(TypeName)) + ")",
        _ => type.ToString() ?? "?",
    };

    private static string OperatorText(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+", BinaryOperator.Subtract => "-", BinaryOperator.Multiply => "*", BinaryOperator.Divide => "/",
        BinaryOperator.Modulo => "%", BinaryOperator.BitwiseAnd => "&", BinaryOperator.BitwiseOr => "|", BinaryOperator.BitwiseXor => "^",
        BinaryOperator.ShiftLeft => "<<", BinaryOperator.ShiftRight => ">>", BinaryOperator.Equal => "==", BinaryOperator.NotEqual => "!=",
        BinaryOperator.Less => "<", BinaryOperator.LessOrEqual => "<=", BinaryOperator.Greater => ">", BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.LogicalAnd => "&&", BinaryOperator.LogicalOr => "||", _ => op.ToString(),
    };

    private static BoundExpression Error(TextSpan span) => new BoundErrorExpression(span);
}

/// <summary>The type of an expression that already has an error reported; it silences follow-up errors.</summary>
internal sealed record ErrorType : BpfType
{
    public static readonly ErrorType Instance = new();
    public override int Size => 8;
    public override bool IsInteger => true;
    public override string ToString() => "error";
}

internal sealed record BoundErrorExpression(TextSpan Span) : BoundExpression(Span, ErrorType.Instance);
