using SharpTrace.Records;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// Binds a probe's statements: assignments to maps and variables (their types unified across the program through the
/// map table), aggregations, the statement functions (printf, print, clear, delete, exit...), blocks and loops.
/// Expressions are bound by <see cref="ExpressionBinder"/>.
/// </summary>
internal sealed partial class StatementBinder
{
    private readonly BindingContext _context;
    private readonly ExpressionBinder _expressions;
    private readonly SyntaxTree _tree;
    private readonly ProgramConfig _config;
    private readonly DiagnosticBag _diagnostics;
    private readonly MapTable _maps;
    private readonly ProbeKind _probeKind;
    private readonly Dictionary<string, VariableSymbol> _variables;
    private readonly HashSet<VariableSymbol> _untypedVariables;
    private readonly ProbeScope _scope;

    public StatementBinder(BindingContext context, ProbeScope scope)
    {
        _context = context;
        _expressions = new ExpressionBinder(context, scope, BindIncrement, BindBlockExpression);
        _tree = context.Tree;
        _config = context.Config;
        _diagnostics = context.Diagnostics;
        _maps = context.Maps;
        _probeKind = scope.Kind;
        _variables = scope.Variables;
        _untypedVariables = scope.UntypedVariables;
        _scope = scope;
    }

    /// <summary>The probe's predicate, an integer.</summary>
    public BoundExpression BindPredicate(Expression predicate) => _expressions.BindCondition(predicate, "Invalid condition: ");

    /// <summary>A block (a probe's body, an if's or a loop's) in a scope of its own.</summary>
    public BoundBlock BindBlock(Block block) => BindScoped(() => BindStatements(block));

    private BoundBlock BindStatements(Block block) => new(block.Span, BindStatements(block.Statements));

    private List<BoundStatement> BindStatements(IEnumerable<Statement> statements) =>
        statements.Select(BindStatement).OfType<BoundStatement>().ToList();

    /// <summary><c>{ let $a = 1; $a + 1 }</c>: the statements and the value in a scope of their own.</summary>
    private BoundExpression BindBlockExpression(BlockExpression block)
    {
        var (statements, value) = BindScoped(() => (BindStatements(block.Statements), block.Value is null ? null : _expressions.BindExpression(block.Value)));
        // A block of a literal (or a tuple) alone is that value, as the reference folds it.
        if (statements.Count == 0 && value is not null && (LiteralFolding.IsLiteral(value) || value is BoundTuple))
            return value;
        return value?.Type is ErrorType ? value : new BoundBlockExpression(block.Span, statements, value);
    }

    /// <summary>
    /// <c>@m = { let $a = 100; avg($a) }</c>: as the newest bpftrace (runtime/call "block expression with map
    /// assignment"), the block's statements run in its own scope, then its last expression aggregates into the map.
    /// </summary>
    private BoundStatement? BindAggregateBlock(MapAccess map, BlockExpression block, CallExpression call, TextSpan span)
    {
        var (statements, aggregate) = BindScoped(() => (BindStatements(block.Statements), BindAggregate(map, call, span)));
        if (aggregate is null)
            return null;
        statements.Add(aggregate);
        return new BoundBlock(block.Span, statements);
    }

    // The variables each enclosing block brought in (by a let or by a first assignment), innermost last. As in the
    // newest bpftrace (docs/language.md, "Variables and Maps"), a scratch variable belongs to the innermost block where
    // it first appears, is seen by the blocks inside it, and is unknown again once that block ends: sibling blocks
    // each have their own $x, of its own type and in its own slot.
    private readonly List<List<VariableSymbol>> _blockScopes = [];
    /// <summary>Every variable of the probe, in the order they came to be (the order of their slots).</summary>
    private readonly List<VariableSymbol> _declared = [];

    /// <summary>
    /// Binds <paramref name="bind"/> in a block scope of its own (every kind of block: a probe's body, if, loops, block
    /// expressions), with a loop's <paramref name="loopVariable"/> in it: the variables that come to be in it are
    /// unknown again after it.
    /// </summary>
    private T BindScoped<T>(Func<T> bind, VariableSymbol? loopVariable = null)
    {
        _blockScopes.Add([]);
        if (loopVariable is not null)
        {
            _variables[loopVariable.Name] = loopVariable;
            _blockScopes[^1].Add(loopVariable);
        }
        var bound = bind();
        foreach (var variable in _blockScopes[^1])
        {
            _variables.Remove(variable.Name);
            // The newest bpftrace warns once the probe is checked; a variable nothing can assign after its block ends.
            if (variable is { OriginKind: VariableOrigin.Declaration, IsAssigned: false })
                _diagnostics.ReportVariableNeverAssigned(variable.Origin, variable.Name);
        }
        _blockScopes.RemoveAt(_blockScopes.Count - 1);
        return bound;
    }

    /// <summary>Brings <paramref name="variable"/> into the innermost block.</summary>
    private VariableSymbol Declare(VariableSymbol variable)
    {
        _variables[variable.Name] = variable;
        _declared.Add(variable);
        if (_blockScopes.Count > 0)
            _blockScopes[^1].Add(variable);
        return variable;
    }

    /// <summary>The second located error of a shadowing one: where the variable in scope came from.</summary>
    private void ReportOrigin(VariableSymbol variable)
    {
        switch (variable.OriginKind)
        {
            case VariableOrigin.Declaration:
                _diagnostics.ReportInitialDeclaration(variable.Origin);
                break;
            case VariableOrigin.LoopVariable:
                _diagnostics.ReportLoopVariableOrigin(variable.Origin);
                break;
            default:
                _diagnostics.ReportInitialAssignment(variable.Origin);
                break;
        }
    }

    private BoundStatement? BindStatement(Statement statement)
    {
        switch (statement)
        {
            case Block block:
                return BindBlock(block);
            case IfStatement { Condition: UnaryExpression { Operator: UnaryOperator.Comptime } comptime } s:
                // Only the branch taken is bound: the other may hold code that would not type-check.
                return _expressions.BindComptimeCondition(comptime) switch
                {
                    true => BindBlock(s.Then),
                    false when s.Else is not null => BindStatement(s.Else),
                    _ => null,
                };
            case IfStatement s:
                return new BoundIf(s.Span, _expressions.BindIfCondition(s.Condition), BindBlock(s.Then), s.Else is null ? null : BindStatement(s.Else));
            case AssignmentStatement s:
                return BindAssignment(s);
            case ExpressionStatement { Expression: CallExpression call } s:
                return BindCallStatement(call, s.Span);
            case ExpressionStatement { Expression: IncrementExpression inc } s:
                return BindIncrement(inc, s.Span);
            case ExpressionStatement { Expression: TernaryExpression { WhenTrue: CallExpression whenTrue, WhenFalse: CallExpression whenFalse } ternary } s:
                return BindTernaryOfCalls(ternary, whenTrue, whenFalse, s.Span);
            case ExpressionStatement s:
                return new BoundExpressionStatement(s.Span, _expressions.BindExpression(s.Expression));
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

    /// <summary>
    /// <c>cond ? print("a") : print("b");</c> runs one call or the other, and <c>f() ?: print("b");</c> runs f() again
    /// when true (its value unused), else the call; f() is bound once, so its diagnostics are said once. As the newest
    /// bpftrace types a ternary (type_resolver, type_checker): both branches are calls without a value or both have
    /// one ("Branches must return the same type..."), and the condition has a value (<c>print("a") ?: print("b")</c>
    /// is "Invalid condition: void").
    /// </summary>
    private BoundStatement? BindTernaryOfCalls(TernaryExpression ternary, CallExpression whenTrue, CallExpression whenFalse, TextSpan span)
    {
        var isShort = ReferenceEquals(ternary.Condition, whenTrue);
        var (trueIsVoid, falseIsVoid) = (_expressions.HasNoValue(whenTrue), _expressions.HasNoValue(whenFalse));
        if (isShort && trueIsVoid)
        {
            _diagnostics.Error(ternary.Span, "Invalid condition: void");
            return null;
        }
        if (trueIsVoid != falseIsVoid)
        {
            var condition = isShort ? null : _expressions.BindExpression(ternary.Condition);
            var valued = _expressions.BindExpression(trueIsVoid ? whenFalse : whenTrue);
            if (condition?.Type is ErrorType || valued.Type is ErrorType)
                return null;
            var type = TypeNames.Of(valued.Type);
            _diagnostics.Error(ternary.Span, $"Branches must return the same type or compatible types: have '{(trueIsVoid ? "void" : type)}' and '{(trueIsVoid ? type : "void")}'");
            return null;
        }
        if (!isShort)
            return BindStatement(new IfStatement(span, ternary.Condition,
                new Block(whenTrue.Span, [new ExpressionStatement(whenTrue.Span, whenTrue)]),
                new Block(whenFalse.Span, [new ExpressionStatement(whenFalse.Span, whenFalse)])));
        var bound = _expressions.BindIfCondition(ternary.Condition);
        return new BoundIf(span, bound, new BoundExpressionStatement(bound.Span, bound),
            BindBlock(new Block(whenFalse.Span, [new ExpressionStatement(whenFalse.Span, whenFalse)])));
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
            case MapAccess map when s.CompoundOperator is null && s.Value is CallExpression call && _context.Builtins.IsAggregation(call.Name):
                return BindAggregate(map, call, s.Span);
            case MapAccess map when s.CompoundOperator is null && s.Value is BlockExpression { Value: CallExpression call } block
                                    && _context.Builtins.IsAggregation(call.Name):
                return BindAggregateBlock(map, block, call, s.Span);
            case MapAccess map:
            {
                var value = s.CompoundOperator is { } op
                    ? _expressions.BindBinary(new BinaryExpression(s.Span, op, map, s.Value))
                    : _expressions.BindMapValue(s.Value);
                return AssignMap(map, value, s.Span);
            }
            case VariableExpression variable:
            {
                var value = s.CompoundOperator is { } op
                    ? _expressions.BindBinary(new BinaryExpression(s.Span, op, variable, s.Value))
                    : _expressions.BindVariableValue(s.Value, s.Span);
                return value is null ? null : AssignVariable(variable, value, s.Span);
            }
            case Identifier { Name: "_" } when s.CompoundOperator is null:
            {
                // "_ = expr;" evaluates the expression and discards its value.
                var value = _expressions.BindExpression(s.Value);
                return value.Type is ErrorType ? null : new BoundExpressionStatement(s.Span, value);
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
            _diagnostics.ReportInvalidOperand(inc.Span, inc.IsIncrement ? "++" : "--", TypeNames.Of(type));
            return null;
        }
        DeclareIncrementedMap(inc.Target);
        var op = inc.IsIncrement ? BinaryOperator.Add : BinaryOperator.Subtract;
        var one = new IntegerLiteral(inc.Span, 1, "1");
        var sum = _expressions.BindBinary(new BinaryExpression(inc.Span, op, inc.Target, one));
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
        // A struct, union or array is copied into the map's value whole; its members are read back from the copy.
        var map = _maps.Written(access.Name, access.Span);
        var keys = _expressions.BindKeys(map, access);
        if (value.Type is ErrorType && map.ValueType is null)
        {
            // Known after another pass, or a default then; a real error in the value was reported already.
            _maps.AssignedUntyped(map);
            return null;
        }
        if (value is BoundMapRead { Map.ValueType: AggregationType source } && (map.ValueType is not IntegerType || source.ReadType is null))
        {
            // As the newest bpftrace: an aggregation's value goes into a map that holds integers already, or through a
            // cast; hist, lhist, stats and tseries have none.
            _maps.Refused(map);
            _diagnostics.Error(span, $"Map value '{source.TypeName}' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `{map.Name} = {AggregationExample(source.Kind)};`.");
            return null;
        }
        // Integers keep their width and widen to hold every value assigned, as the newest bpftrace types a map.
        var storage = _context.MapStorageType(value.Type);
        if (map.ValueType is null)
            _maps.SetValueType(map, storage);
        else if (map.ValueType is AggregationType)
        {
            _diagnostics.ReportMapValueTypeMismatch(span, map.Name, value.Type is IntegerType i ? i.ToString() : TypeNames.Of(value.Type), TypeNames.Of(map.ValueType));
            return null;
        }
        else if (_maps.ReportLockedValue(map, storage, span, _diagnostics))
            return null;
        else if (!_maps.PromoteValue(map, storage) && !IsAssignable(map.ValueType, storage))
        {
            // The newest bpftrace names the value's own type (a literal 1 is an int8) and marks the whole assignment.
            _diagnostics.ReportMapValueTypeMismatch(span, map.Name, TypeNames.Of(value.Type), TypeNames.Of(map.ValueType));
            return null;
        }
        if (_expressions.ConvertToMapType(value, map.ValueType!, map.Name, "value") is not { } converted)
            return null;
        return new BoundMapAssign(span, map, keys, converted);
    }

    /// <summary>The call bpftrace's message suggests for a map of this aggregation (type_resolver's AGGREGATE_HINTS).</summary>
    private static string AggregationExample(AggregationKind kind) => kind switch
    {
        AggregationKind.Count => "count()",
        AggregationKind.Stats => "stats(arg2)",
        AggregationKind.Lhist => "lhist(rand %10, 0, 10, 1)",
        AggregationKind.Tseries => "tseries(rand %10, 10s, 1)",
        _ => kind.ToString().ToLowerInvariant() + "(retval)",
    };

    private BoundStatement? AssignVariable(VariableExpression target, BoundExpression value, TextSpan span,
        TextSpan? origin = null, VariableOrigin originKind = VariableOrigin.Assignment)
    {
        if (value.Type is VoidType or AggregationType)
        {
            _diagnostics.Error(value.Span, $"Cannot assign a value of type '{TypeNames.Of(value.Type)}' to a variable");
            return null;
        }
        // Integers keep their own width (the newest bpftrace's `$a = 1` is an int8), widened by later assignments.
        // A string keeps its size (`$s = "a"` is a string[2]) and the variable widens to the longest assigned.
        var type = value.Type is CValueType ? _context.StorageType(value.Type) : value.Type;
        if (!_variables.TryGetValue(target.Name, out var variable))
        {
            var at = origin ?? span;
            variable = Declare(new VariableSymbol(target.Name, HintedType(at.Start, target.Name, type)) { Origin = at, OriginKind = originKind });
        }
        else if (_untypedVariables.Remove(variable))
            variable.Type = HintedType(variable.Origin.Start, target.Name, type);
        else if (!variable.HasDeclaredType && Widened(variable.Type, type) is { } widened)
        {
            variable.Type = widened;
            _context.VariableTypes.Record(variable.Origin.Start, variable.Name, widened);
        }
        // Assigned as far as scoping goes even when the value does not fit (that error is said on its own).
        variable.IsAssigned = true;
        if (variable.HasDeclaredType && variable.Type is StringType declared && type is StringType { Capacity: var size } && size > declared.Capacity)
        {
            // The newest bpftrace's cast_creator: a string longer than a declared string[N] does not fit; the error
            // covers the whole assignment (`let` included).
            _diagnostics.ReportVariableTypeMismatch(span, target.Name, TypeNames.Of(type), TypeNames.Of(declared));
            return null;
        }
        if (!IsAssignable(variable.Type, type))
        {
            // As the newest bpftrace: the value's own type (a literal 1 is an int8), over the whole assignment.
            _diagnostics.ReportVariableTypeMismatch(span, target.Name, TypeNames.Of(value.Type), TypeNames.Of(variable.Type));
            return null;
        }
        if (ConvertInteger(value, variable.Type, target.Name, span) is not { } converted)
            return null;
        variable.IsAssigned = true;
        foreach (var body in _forBodies)
            body.Assigned.Add(variable);
        return new BoundVariableAssign(span, variable, converted);
    }

    /// <summary>
    /// A variable's first type in this pass: what it is assigned, widened to what it reached in the last pass (the
    /// variable is known by where it came to be, <paramref name="origin"/>: sibling blocks' variables of one name differ).
    /// </summary>
    private BpfType HintedType(int origin, string name, BpfType type) =>
        _context.VariableTypes.Find(origin, name) is { } hint && IntegerPromotion.Promote(hint, Flexible(hint), type, Flexible(type)) is not null
            ? Widened(hint, type) ?? hint
            : type;

    /// <summary>
    /// The type that holds both a variable's values so far and <paramref name="value"/> (integers and the integers in
    /// tuples promoted, strings the longer); null when it is the current one or the two don't meet.
    /// </summary>
    private static BpfType? Widened(BpfType current, BpfType value)
    {
        if (current is not (IntegerType or TupleType or StringType) || IntegerPromotion.Promote(current, Flexible(current), value, Flexible(value)) is not { } promoted)
            return null;
        if (promoted is IntegerType integer)
            promoted = integer with { IsSignFlexible = Flexible(current) && Flexible(value) };
        return promoted == current && Flexible(promoted) == Flexible(current) ? null : promoted;
    }

    private static bool Flexible(BpfType type) => type is IntegerType { IsSignFlexible: true };

    /// <summary>
    /// An integer value written where <paramref name="target"/> is the type: cast to it as the newest bpftrace casts it,
    /// with its warning when the value may not keep its value ("being cast"), or its type-mismatch error for a literal
    /// outside the target's range (<c>let $a: uint16 = -1</c>). Other values are returned as they are.
    /// </summary>
    private BoundExpression? ConvertInteger(BoundExpression value, BpfType target, string name, TextSpan span)
    {
        if (value.Type is not IntegerType source || target is not IntegerType wanted || source == wanted)
            return value;
        if (value is BoundIntegerLiteral literal)
        {
            if (!IntegerPromotion.Holds(wanted, literal.Value, source.IsSigned))
            {
                _diagnostics.ReportVariableTypeMismatch(span, name, TypeNames.Of(source), TypeNames.Of(wanted));
                return null;
            }
        }
        else if (!IntegerPromotion.FitsInto(source, source.IsSignFlexible, wanted))
            _diagnostics.ReportImplicitIntegerCast(value.Span, source.ToString(), wanted.ToString());
        return new BoundCast(value.Span, value, wanted);
    }

    private BoundStatement? BindAggregate(MapAccess access, CallExpression call, TextSpan span)
    {
        var function = _context.Builtins.Aggregation(call.Name);
        var arguments = call.Arguments.Select(_expressions.BindExpression).ToList();
        if (arguments.Any(a => a.Type is ErrorType))
            return null;
        if (function.Bind(call, arguments, _diagnostics, _config) is not { } type)
            return null;
        var map = _maps.Written(access.Name, access.Span);
        var keys = _expressions.BindKeys(map, access);
        if (map.ValueType is null)
            _maps.SetValueType(map, type);
        else if (map.ValueType is AggregationType same && same.Kind == type.Kind && same with { IsSigned = type.IsSigned } == type)
        {
            // sum(-1) and sum((uint32)1) fill one map, as in the newest bpftrace: it is signed when one of them is.
            if (type.IsSigned && !same.IsSigned)
                _maps.SetValueType(map, type);
        }
        else if (map.ValueType is AggregationType { Kind: var kind } && kind == type.Kind)
        {
            _diagnostics.Error(call.Span, kind switch
            {
                AggregationKind.Hist => "Different bits in a single hist unsupported",
                AggregationKind.Tseries => "Different tseries bounds in a single map unsupported",
                _ => "Different lhist bounds in a single map unsupported",
            });
            return null;
        }
        else
        {
            _diagnostics.ReportMapValueTypeMismatch(call.Span, map.Name, TypeNames.Of(type), TypeNames.Of(map.ValueType));
            return null;
        }
        return new BoundAggregate(span, map, keys, (AggregationType)map.ValueType!, arguments.Count > 0 ? arguments[0] : null);
    }

    private BoundStatement? BindCallStatement(CallExpression call, TextSpan span)
    {
        switch (call.Name)
        {
            case "printf":
                return BindPrintf(call, span);
            case "exit":
                return BindExit(call, span);
            case "clear":
                return SingleMapArgument(call) is { } cleared ? new BoundClear(span, _maps.Get(cleared.Name)) : null;
            case "zero":
                return SingleMapArgument(call) is { } zeroed ? new BoundZero(span, _maps.Get(zeroed.Name)) : null;
            case "print":
                return BindPrintMap(call, span);
            case "delete":
                return BindDelete(call, span);
            default:
                if (_context.Builtins.IsAggregation(call.Name))
                {
                    _diagnostics.Error(call.Span, $"{call.Name}() must be assigned directly to a map");
                    return null;
                }
                return _expressions.TryBindBuiltinStatement(call, span) ?? new BoundExpressionStatement(span, _expressions.BindExpression(call));
        }
    }

    /// <summary>
    /// <c>exit()</c>, or <c>exit(code)</c> with an integer code that becomes the process's exit status (the newest
    /// reference's form; 0.17 takes no argument).
    /// </summary>
    private BoundStatement? BindExit(CallExpression call, TextSpan span)
    {
        if (call.Arguments.Count > 1)
        {
            _diagnostics.Error(call.Span, $"exit() takes up to one argument ({call.Arguments.Count} provided)");
            return null;
        }
        if (call.Arguments.Count == 0)
        {
            _context.AddExitAction();
            return new BoundExit(span);
        }
        var code = _expressions.BindExpression(call.Arguments[0]);
        if (code.Type is ErrorType)
            return null;
        if (!code.Type.IsInteger)
        {
            _diagnostics.Error(call.Span, $"exit() only supports int arguments ({TypeNames.KindOf(code.Type)} provided)");
            return null;
        }
        return new BoundExit(span, code, _context.AddExitCodeAction());
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

    /// <summary>
    /// <c>print(@m)</c>, <c>print(@m, top)</c>, <c>print(@m, top, div)</c> (top and div any integer expressions), or
    /// <c>print(value)</c> of anything else (<see cref="BindPrintValue"/>).
    /// </summary>
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
        if (call.Arguments[0] is not MapAccess { IsScalar: true } access)
            return BindPrintValue(call, span);
        var limits = new uint[2];
        var expressions = new BoundExpression?[2];
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
                    var bound = _expressions.BindExpression(call.Arguments[i]);
                    if (bound.Type is ErrorType)
                        return null;
                    if (!bound.Type.IsInteger || bound.Type is PointerType)
                    {
                        _diagnostics.Error(call.Span, $"print() expects a int literal ({TypeNames.KindOf(bound.Type)} provided)");
                        return null;
                    }
                    expressions[i - 1] = bound;
                    break;
            }
        }
        // bpftrace 0.17 ignores top and div for stats maps (with a warning); we apply them (docs/output.md).
        var map = _maps.Written(access.Name, access.Span);
        if (_loopDepth > 0)
            _diagnostics.Warning(call.Span, "Due to it's asynchronous nature using 'print()' in a loop can lead to unexpected behavior. "
                + "The map will likely be updated before the runtime can 'print' it."); // the newest's words, its spelling
        var (top, div) = (limits[0], limits[1]);
        // Top and div known only at run time travel in the snapshot's header (PrintSnapshot.TopOffset).
        var inHeader = expressions.Any(e => e is not null);
        if (inHeader)
        {
            expressions[0] ??= new BoundIntegerLiteral(call.Span, top, BpfType.Int64);
            expressions[1] ??= new BoundIntegerLiteral(call.Span, div, BpfType.Int64);
        }
        var action = _context.AddAction(id => new PrintMapAction(id, map.Name, top, div, inHeader));
        return new BoundPrintMap(span, map, action, expressions[0], expressions[1]);
    }

    /// <summary>
    /// <c>print(value)</c>: any printable value that is not a whole map (<c>@m[k]</c> included), sent in a record of
    /// its own and printed with its type's decoding.
    /// </summary>
    private BoundStatement? BindPrintValue(CallExpression call, TextSpan span)
    {
        if (call.Arguments.Count != 1)
        {
            _diagnostics.Error(call.Span, $"Non-map print() only takes 1 argument, {call.Arguments.Count} found");
            return null;
        }
        var value = _expressions.BindPrinted(call.Arguments[0], call.Span);
        if (value.Type is ErrorType)
            return null;
        if (value.Type is VoidType or AggregationType)
        {
            _diagnostics.Error(call.Span, $"{TypeNames.Of(value.Type)} type passed to print() is not printable");
            return null;
        }
        BpfType type = value.Type is PointerType pointer ? new PrintedPointerType(pointer) : value.Type;
        return new BoundPrintValue(span, _context.AddAction(id => new PrintValueAction(id, type)), value);
    }

    private BoundStatement? BindDelete(CallExpression call, TextSpan span)
    {
        // delete(@m[k]) and delete(@x) name the entry; delete(@m, k) passes the key apart.
        if (call.Arguments is [MapAccess entry])
        {
            var map = _maps.Get(entry.Name);
            if (entry.IsScalar && map.KeyTypes is { Count: > 0 })
                return new BoundClear(span, map);
            return new BoundDelete(span, map, _expressions.BindKeys(map, entry)) { MissingWarning = DeleteWarning(call.Span) };
        }
        if (call.Arguments is [MapAccess { IsScalar: true } target, var key])
        {
            var access = new MapAccess(target.Span, target.Name, key is TupleExpression tuple ? tuple.Elements : [key]);
            var map = _maps.Get(target.Name);
            return new BoundDelete(span, map, _expressions.BindKeys(map, access)) { MissingWarning = DeleteWarning(call.Span) };
        }
        _diagnostics.Error(call.Span, "delete() expects a map to be provided");
        return null;
    }

    /// <summary>A discarded delete that finds nothing warns at run time, as the newest bpftrace's does.</summary>
    private int DeleteWarning(TextSpan call)
    {
        var location = SourceLocation.Of(_diagnostics.Source, call);
        return _context.AddAction(id => new RuntimeErrorAction(id, RuntimeErrorAction.DeleteOfMissingElement, location)
        {
            Helper = new Output.HelperFailure("No such file or directory", HelperId: 3, ReturnCode: -2),
        });
    }

    private BoundStatement? BindPrintf(CallExpression call, TextSpan span)
    {
        if (_expressions.BindFormat(call) is not { } bound)
            return null;
        if (_probeKind.Context.PrintsToSeqFile)
            return SeqPrintf.Bind(span, call.Arguments[0].Span, bound, _diagnostics);
        var id = _context.AddAction(id => new PrintfAction(id, bound.Format, bound.Types));
        return new BoundPrintf(span, id, bound.Arguments);
    }

    /// <summary>
    /// <c>let $x</c>, <c>let $x: type</c>, <c>let $x = value</c>: a variable of the innermost block, declared (with or
    /// without a type) before its first assignment; naming a variable already in scope is an error, as the newest
    /// bpftrace allows no shadowing.
    /// </summary>
    private BoundStatement? BindLet(LetStatement let)
    {
        // The value first: as in the newest bpftrace, it cannot name the variable it declares.
        var value = let.Value is null ? null : _expressions.BindVariableValue(let.Value, let.Span);
        if (let.Value is not null && value is null)
            return null;
        var declaration = DeclarationSpan(let);
        if (_variables.TryGetValue(let.Variable, out var existing))
        {
            _diagnostics.ReportVariableShadowing(declaration, let.Variable);
            ReportOrigin(existing);
            return null;
        }
        var declared = let.Type is null ? null : _expressions.DeclaredType(let.Type);
        // As the newest bpftrace: `let $s: string` is a string whose size the assignments decide (it widens), while
        // `let $s: string[3]` keeps its size and a longer string assigned to it is a type mismatch.
        var sized = declared is not null && let.Type is not { Name: "string", PointerDepth: 0, OuterPointerDepth: 0, Of: null, ArrayLength: null };
        if (declared is not null && !sized)
            declared = HintedType(declaration.Start, let.Variable, declared);
        if (value is not null)
        {
            if (declared is not null)
                Declare(new VariableSymbol(let.Variable, declared) { IsAssigned = false, HasDeclaredType = sized, Origin = declaration, OriginKind = VariableOrigin.Declaration });
            return AssignVariable(new VariableExpression(let.Span, let.Variable), value, let.Span, declaration, VariableOrigin.Declaration);
        }
        var variable = Declare(new VariableSymbol(let.Variable, declared ?? BpfType.Int64)
        {
            IsAssigned = false, HasDeclaredType = sized, Origin = declaration, OriginKind = VariableOrigin.Declaration,
        });
        if (declared is null)
            _untypedVariables.Add(variable);
        if (_forBodies.Count > 0)
            _forBodies[^1].Declared.Add(new BoundVariableReset(let.Span, variable));
        return null;
    }

    /// <summary><c>let $x</c>: where bpftrace points for a declaration (the keyword and the name, not the value).</summary>
    private TextSpan DeclarationSpan(LetStatement let)
    {
        var at = _tree.Source.Text.IndexOf(let.Variable, let.Span.Start, StringComparison.Ordinal);
        return at >= 0 && at + let.Variable.Length <= let.Span.End ? TextSpan.FromBounds(let.Span.Start, at + let.Variable.Length) : let.Span;
    }

    /// <summary>The current type of a variable or map about to be incremented; null when it has none yet.</summary>
    private BpfType? IncrementedType(Expression target) => target switch
    {
        VariableExpression v => _variables.GetValueOrDefault(v.Name)?.Type,
        MapAccess m => _maps.Find(m.Name)?.ValueType,
        _ => null,
    };

    /// <summary><c>@m[k]++</c> declares a map nothing else gave a type yet: it holds integers, starting at 0.</summary>
    private void DeclareIncrementedMap(Expression target)
    {
        if (target is MapAccess access && _maps.Get(access.Name) is { ValueType: null } map)
            _maps.SetValueType(map, BpfType.Int64);
    }

    // A pointer variable keeps its pointer type: an integer or another pointer type is a mismatch, as in bpftrace; a
    // bool and an integer are a mismatch too. A record may come with its fields in another order (the newest bpftrace).
    private static bool IsAssignable(BpfType existing, BpfType value) =>
        existing == value || value is ErrorType || existing is ErrorType
        || (existing is StringType wide && value is StringType narrow && narrow.Capacity <= wide.Capacity)
        || (existing is TupleType tuple && value is TupleType other && tuple.Holds(other))
        || (existing.IsInteger && value.IsInteger && existing is not (PointerType or BoolType) && value is not (PointerType or BoolType));
}
