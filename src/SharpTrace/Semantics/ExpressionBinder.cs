using SharpTrace.Kernel;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// Binds a probe's expressions to typed bound expressions: literals, variables, map reads, operators (whose bound kind
/// it decides from the operand types), builtins, tracepoint and BTF arguments, C types.
/// </summary>
internal sealed partial class ExpressionBinder
{
    // The newest reference reads a str() one byte past max_strlen, to see it truncated, only while max_strlen is below this.
    private const int TruncationMarkLimit = 1024;

    private readonly BindingContext _context;
    private readonly ProbeScope _scope;
    // x++ used as a value updates x first: a statement, bound by the statement binder.
    private readonly Func<IncrementExpression, TextSpan, BoundStatement?> _bindIncrement;
    // A block expression's statements are bound by the statement binder, in a scope of their own.
    private readonly Func<BlockExpression, BoundExpression> _bindBlock;
    private readonly SyntaxTree _tree;
    private readonly ITracepointCatalog _tracepoints;
    private readonly IKernelTypes? _kernel;
    private readonly ProgramConfig _config;
    private readonly DiagnosticBag _diagnostics;
    private readonly MapTable _maps;
    private readonly ProbeKind _probeKind;
    private readonly IReadOnlyList<ProbeSpec> _probeSpecs;
    private readonly TracepointFormat? _tracepointFormat;
    private readonly Dictionary<string, VariableSymbol> _variables;

    public ExpressionBinder(BindingContext context, ProbeScope scope, Func<IncrementExpression, TextSpan, BoundStatement?> bindIncrement,
        Func<BlockExpression, BoundExpression> bindBlock)
    {
        _bindBlock = bindBlock;
        _context = context;
        _scope = scope;
        _bindIncrement = bindIncrement;
        _tree = context.Tree;
        _tracepoints = context.Tracepoints;
        _kernel = context.Kernel;
        _config = context.Config;
        _diagnostics = context.Diagnostics;
        _maps = context.Maps;
        _probeKind = scope.Kind;
        _probeSpecs = scope.Specs;
        _tracepointFormat = scope.TracepointFormat;
        _variables = scope.Variables;
    }

    /// <summary>
    /// The format string literal and its arguments of <c>printf</c>, <c>cat</c> or <c>system</c>, checked against each
    /// other with bpftrace's words; null when an error was reported.
    /// </summary>
    public FormatArguments? BindFormat(CallExpression call)
    {
        if (call.Arguments.Count == 0)
        {
            _diagnostics.Error(call.Span, $"{call.Name}() requires at least one argument (0 provided)");
            return null;
        }
        if (call.Arguments[0] is not StringLiteral format)
        {
            _diagnostics.Error(call.Span, $"{call.Name}() expects a string literal ({TypeNames.KindOf(BindExpression(call.Arguments[0]).Type)} provided)");
            return null;
        }
        var arguments = call.Arguments.Skip(1).Select(BindExpression).ToList();
        if (arguments.Any(a => a.Type is ErrorType))
            return null;
        if (PrintfChecker.Check(format.Value, arguments.Select(a => a.Type).ToList(), call.Name) is { } mismatch)
        {
            _diagnostics.Error(call.Span, mismatch);
            return null;
        }
        // A pointer is its number to %d and %x; %s prints it in hex as print() does (0x10), as the newest bpftrace does.
        var conversions = Output.PrintfFormat.Parse(format.Value).Conversions;
        var types = arguments.Select((a, i) => a.Type switch
        {
            PointerType pointer when conversions[i].Conversion == 's' => new PrintedPointerType(pointer),
            PointerType => BpfType.UInt64,
            IntegerType => _context.StorageType(a.Type),
            _ => a.Type,
        }).ToList();
        return new FormatArguments(format.Value, arguments, types);
    }

    public BoundExpression BindCondition(Expression expression, string message) => CheckCondition(BindExpression(expression), expression.Span, message);

    private BoundExpression CheckCondition(BoundExpression bound, TextSpan span, string message)
    {
        if (!bound.Type.IsInteger && bound.Type is not ErrorType)
            _diagnostics.Error(span, message + TypeNames.KindOf(bound.Type));
        return bound;
    }

    /// <summary>
    /// An expression's value. A map of an aggregation that has no value to read (hist, lhist, stats, tseries) is
    /// reported here, once; a comparison, a cast and an assignment report it in the newest bpftrace's words for each
    /// (<see cref="BindOperand"/>).
    /// </summary>
    public BoundExpression BindExpression(Expression expression) => Readable(BindOperand(expression));

    /// <summary>
    /// As <see cref="BindExpression"/>, but a read of an aggregation's map that has no value comes back typed as the
    /// aggregation (<c>hist_t</c>), for the caller to report in its own words.
    /// </summary>
    private BoundExpression BindOperand(Expression expression)
    {
        switch (expression)
        {
            case IntegerLiteral literal:
                return IntegerLiterals.Bind(literal.Span, unchecked((long)literal.Value), isUnsigned: literal.Value > long.MaxValue);
            case BooleanLiteral literal:
                return new BoundIntegerLiteral(literal.Span, literal.Value ? 1 : 0, BoolType.Instance);
            case StringLiteral literal:
                return new BoundStringLiteral(literal.Span, literal.Value);
            case Identifier identifier:
                return BindIdentifier(identifier);
            case PositionalParameter parameter:
                return BindPositionalParameter(parameter);
            case PositionalParameterCount count:
                return IntegerLiterals.Bind(count.Span, _config.PositionalParameters.Count);
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
            case FieldAccess { Target: Identifier { Name: "args" } } field when _probeKind.Context.Args is ArgsSource.BtfTracepoint or ArgsSource.BtfFunction or ArgsSource.DwarfFunction:
                return BindBtfArgument(field);
            case FieldAccess { Target: Identifier { Name: "args" } } field:
                return BindTracepointField(field);
            case FieldAccess { Target: Identifier { Name: "ctx" } } field:
                return BindContextField(field);
            case FieldAccess { Target: FieldAccess } field when BindContextStructMember(field) is { } member:
                return member;
            case FieldAccess { IsArrow: false } field when IsTupleIndex(field.Field):
                return BindTupleElement(field);
            case IncrementExpression increment:
                return BindIncrementExpression(increment);
            case FieldAccess { Target: Identifier { Name: "config" } target, IsArrow: false } field:
                // config.NAME: the config builtin with the name as its argument.
                return TryBindBuiltinFunction(new CallExpression(field.Span, "config", target.Span,
                    [new Identifier(new Syntax.TextSpan(field.Span.End - field.Field.Length, field.Field.Length), field.Field)]), bareName: false)
                    ?? BindMemberAccess(field);
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
                var elements = tuple.Elements.Select(e => BindElement(e, "tuple")).ToList();
                return new BoundTuple(tuple.Span, elements, new TupleType(elements.Select(e => e.Type).ToList()));
            }
            case RecordExpression record:
                return BindRecord(record);
            case CallExpression call:
                return BindCallExpression(call);
            case BlockExpression block:
                return _bindBlock(block);
            case TypeExpression { IsTypeof: true } type:
                _diagnostics.ReportTypeArgumentNotExpected(type.Span);
                return Error(type.Span);
            case TypeExpression type:
                _diagnostics.Error(type.Span, $"A type ({type.Type.Name}) is not a value: only container_of() takes one as an argument");
                return Error(type.Span);
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
            return IntegerLiterals.Bind(parameter.Span, 0);
        var text = _config.PositionalParameters[parameter.Index - 1];
        if (ParseInteger(text) is { } value)
            return IntegerLiterals.Bind(parameter.Span, unchecked((long)value.Bits), isUnsigned: value.Unsigned);
        return new BoundStringLiteral(parameter.Span, text);
    }

    /// <summary>
    /// A positional parameter's integer, read as an integer literal is (the newest bpftrace's to_uint/to_int: 0x hex,
    /// a leading 0 octal, underscores, suffixes, exponents), a value past int64 as a uint64; null for other text.
    /// </summary>
    private static (ulong Bits, bool Unsigned)? ParseInteger(string text)
    {
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        if (digits.Length == 0 || !char.IsAsciiDigit(digits[0]) || !Syntax.Lexer.TryParseInteger(digits, out var value, out _))
            return null;
        if (!negative)
            return (value, value > long.MaxValue);
        if (value > 1UL << 63)
            return null;
        return (unchecked(0UL - value), false);
    }

    private BoundExpression BindIdentifier(Identifier identifier)
    {
        if (identifier.Name == "probe")
        {
            _scope.NeedsProgramPerAttachPoint |= _probeSpecs.Count > 1;
            return new BoundStringLiteral(identifier.Span, _probeSpecs[0].ToString());
        }
        if (TryBindBuiltinFunction(identifier) is { } bound)
            return bound;
        if (identifier.Name == "retval" && BindFexitReturnValue(identifier) is { } returnValue)
            return returnValue;
        if (_context.Builtins.TryGetVariable(identifier.Name, out var builtin))
        {
            if (builtin.IsAllowedIn(_probeKind) && _probeKind.VariableProblem(_probeSpecs, builtin.Name) is { } problem)
                _diagnostics.Error(identifier.Span, problem);
            else if (!builtin.IsAllowedIn(_probeKind) && builtin.AllowedProbes is { } allowed)
                _diagnostics.ReportBuiltinOnlyIn(identifier.Span, builtin.Name, allowed, builtin.NotAllowedHint(_probeKind));
            else if (!builtin.IsAllowedIn(_probeKind))
                _diagnostics.ReportNotAllowedInProbe(identifier.Span, "Builtin " + builtin.Name, _probeKind.Name);
            return new BoundBuiltinVariable(identifier.Span, builtin, builtin.TypeIn(_context.Types));
        }
        if (BindConstant(identifier) is { } constant)
            return constant;
        if (identifier.Name == "ctx")
            return BindContextPointer(identifier);
        if (identifier.Name == "args" && _probeKind.Context.Args == ArgsSource.DwarfFunction)
            return BindUprobeArgsRecord(identifier);
        if (identifier.Name == "args" && _probeKind.Context.Args != ArgsSource.TracepointFormat)
            ReportArgsNotAllowed(identifier.Span);
        else if (identifier.Name == "args")
            _diagnostics.Error(identifier.Span, "args cannot be used as a value: name a field, e.g. args.filename");
        else
            _diagnostics.ReportUnknownIdentifier(identifier.Span, identifier.Name);
        return Error(identifier.Span);
    }

    private BoundExpression BindTracepointField(FieldAccess access)
    {
        if (_probeKind.Context.Args != ArgsSource.TracepointFormat || _tracepointFormat is null)
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
                _scope.NeedsProgramPerAttachPoint = true;
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
        {
            // A field of a known enum is unsigned, as the newest bpftrace's CreateEnum makes it.
            var enumType = TracepointEnum(field);
            type = new IntegerType(field.Size, field.IsSigned && enumType is null) { Enum = enumType };
        }
        else if (field.ArrayLength is int count and > 0 && field.Size % count == 0 && field.Size / count is 1 or 2 or 4 or 8 && !field.CType.Contains('*'))
        {
            // An array of integers (raw_syscalls:sys_enter's `unsigned long args[6]`): an array value, indexed and
            // printed as any other, named as the newest bpftrace names it from the event's BTF (uint64[6]).
            var bits = field.Size / count * 8;
            type = new CValueType(new CTypes.CArrayType(new CTypes.CIntegerType((field.IsSigned ? "int" : "uint") + bits, field.Size / count, field.IsSigned), count), false);
        }
        else
        {
            _diagnostics.ReportUnsupported(access.Span, $"A tracepoint field of type '{field.CType}'");
            return Error(access.Span);
        }
        return new BoundTracepointField(access.Span, field, type);
    }

    /// <summary>
    /// The enum a tracepoint field declares (<c>enum skb_drop_reason reason</c>), found among the script's and the
    /// kernel's types, so its values print by name as in the newest bpftrace; null for other fields or an unknown enum.
    /// </summary>
    private CEnumType? TracepointEnum(Kernel.TracepointField field) =>
        field.CType.StartsWith("enum ", StringComparison.Ordinal)
        && _context.Types.FindType(field.CType) is CEnumType { Size: var size } found && size == field.Size ? found : null;

    private BoundExpression BindMapRead(MapAccess access)
    {
        var map = _maps.Get(access.Name, new TextSpan(access.Span.Start, access.Name.Length));
        var keys = BindKeys(map, access);
        if (map.ValueType is null)
            return Error(access.Span);
        // An aggregation without a value to read is typed as itself: its reader reports it (BindExpression).
        var type = map.ValueType is AggregationType { ReadType: { } read } ? read : map.ValueType;
        return new BoundMapRead(access.Span, map, keys, type);
    }

    public IReadOnlyList<BoundExpression> BindKeys(MapSymbol map, MapAccess access)
    {
        var keys = access.Keys.Select(k => BindKey(k, access)).ToList();
        // @m[a, b] and @m[(a, b)] name the same key, as in the newest bpftrace, whose keys are always one tuple: the
        // form the map was first used with decides how the other is bound.
        if (map.KeyTypes is { Count: > 1 } known && keys is [BoundTuple { TupleType.Names: null } tuple] && tuple.Elements.Count == known.Count)
            keys = [.. tuple.Elements];
        // A tuple value that is read without running anything (`@m[$t]`, `delete(@m, $kv.0)`) is its elements.
        else if (map.KeyTypes is { Count: > 1 } several && keys is [{ Type: TupleType { Names: null } whole } one]
                 && whole.Elements.Count == several.Count && ReadsWithoutEffects(one))
            keys = [.. whole.Elements.Select((type, i) => (BoundExpression)new BoundTupleElement(one.Span, one, i, type))];
        else if (map.KeyTypes is [TupleType { Names: null } single] && keys.Count > 1 && single.Elements.Count == keys.Count
                 && keys.All(k => k.Type is not ErrorType))
            keys = [new BoundTuple(access.Span, keys, new TupleType(keys.Select(k => k.Type).ToList()))];
        // A string key keeps its own size (a comm key is 16 bytes); the map's key is as wide as its widest use.
        var keyTypes = keys.Select(k => k.Type is StringType ? k.Type : _context.MapStorageType(k.Type)).ToList();
        if (keys.Any(k => k.Type is ErrorType))
            return keys;
        foreach (var key in keys.Where(k => k.Type is VoidType or AggregationType))
            _diagnostics.Error(key.Span, $"Invalid map key type: '{TypeNames.Of(key.Type)}'");
        if (!_maps.UnifyKeys(map, keyTypes, access.Span, _diagnostics) || map.KeyTypes!.Count != keys.Count)
            return keys;
        // Each integer key is cast to the map's key type, as the newest bpftrace's cast_creator casts it.
        var converted = new List<BoundExpression>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            if (ConvertToMapType(keys[i], map.KeyTypes[i], map.Name, "key") is not { } key)
                return keys;
            converted.Add(key);
        }
        return converted;
    }

    private static bool ReadsWithoutEffects(BoundExpression value) =>
        value is BoundVariableRead || value is BoundTupleElement { Tuple: var inner } && ReadsWithoutEffects(inner);

    /// <summary>
    /// An integer written as a map's key or value whose type is <paramref name="target"/>: cast to it, with the newest
    /// bpftrace's "being cast" warning when it may not keep its value, or its error for a literal out of the target's
    /// range (<c>@a = -1; @a = 0xffffffffffffffff</c>: "Type mismatch for @a: trying to assign value of type 'uint64'
    /// when map already has a value type 'int64'"). Null after an error; other values are returned as they are.
    /// </summary>
    public BoundExpression? ConvertToMapType(BoundExpression value, BpfType target, string map, string part)
    {
        if (value.Type is not IntegerType source || target is not IntegerType wanted || source == wanted)
            return value;
        if (value is BoundIntegerLiteral literal)
        {
            if (!IntegerPromotion.Holds(wanted, literal.Value, source.IsSigned))
            {
                _diagnostics.Error(value.Span, $"Type mismatch for {map}: trying to assign {part} of type '{source}' when map already has a {part} type '{wanted}'");
                return null;
            }
        }
        else if (!IntegerPromotion.FitsInto(source, source.IsSignFlexible, wanted))
            _diagnostics.ReportImplicitIntegerCast(value.Span, source.ToString(), wanted.ToString());
        return new BoundCast(value.Span, value, wanted with { IsSignFlexible = false });
    }

    private BoundExpression BindUnary(UnaryExpression unary)
    {
        if (unary.Operator is UnaryOperator.AddressOf)
        {
            // The newest bpftrace takes the address of a variable or a map only (its parser's error otherwise).
            if (unary.Operand is VariableExpression variable)
                return BindVariableAddress(unary, variable);
            if (unary.Operand is MapAccess { IsScalar: true } map)
                return BindMapAddress(unary, map);
            _diagnostics.Error(unary.Span, "address-of operator (&) can only be used on a map or variable");
            return Error(unary.Span);
        }
        if (unary.Operator is UnaryOperator.Comptime)
            return BindComptime(unary) ?? Error(unary.Span);
        var operand = BindExpression(unary.Operand);
        if (operand.Type is ErrorType)
            return operand;
        if (unary.Operator is UnaryOperator.Dereference)
            return BindDereference(unary, operand);
        if (LiteralFolding.FoldUnary(unary.Span, unary.Operator, operand) is { } folded)
            return Folded(unary.Span, folded);
        if (!operand.Type.IsInteger || BoundOperators.Unary(unary.Operator) is not { } kind
            || (operand.Type is PointerType && kind != BoundUnaryOperatorKind.LogicalNot))
        {
            _diagnostics.ReportInvalidOperand(new TextSpan(unary.Span.Start, 1), UnaryOperatorText(unary.Operator), TypeNames.Of(operand.Type));
            return Error(unary.Span);
        }
        // The newest bpftrace: -x and ~x are int64 for a signed x, uint64 for an unsigned one.
        var type = kind == BoundUnaryOperatorKind.LogicalNot ? BoolType.Instance
            : operand.Type is IntegerType { IsSigned: false } ? BpfType.UInt64 : (BpfType)BpfType.Int64;
        return new BoundUnary(unary.Span, kind, operand, type);
    }

    public BoundExpression BindBinary(BinaryExpression binary)
    {
        var left = BindOperand(binary.Left);
        var right = BindOperand(binary.Right);
        if (left.Type is ErrorType || right.Type is ErrorType)
            return Error(binary.Span);
        if (left.Type is AggregationType || right.Type is AggregationType)
        {
            // As the newest bpftrace's type checker: an aggregation without a value to read is no operand.
            _diagnostics.ReportOperandTypeMismatch(binary.Span, OperatorText(binary.Operator), binary.Left.Span, TypeNames.Of(left.Type), binary.Right.Span, TypeNames.Of(right.Type));
            return Error(binary.Span);
        }
        if (LiteralFolding.Fold(binary.Span, binary.Operator, left, right) is { } folded)
            return Folded(binary.Span, folded);
        if (left.Type is TupleType || right.Type is TupleType)
            return BindTupleComparison(binary, left, right);
        if (left.Type is PointerType || right.Type is PointerType)
            return BindPointerBinary(binary, left, right);
        var isEquality = binary.Operator is BinaryOperator.Equal or BinaryOperator.NotEqual;
        if (left.Type is StringType && right.Type is StringType && isEquality)
            return new BoundBinary(binary.Span, BoundOperators.Binary(binary.Operator, left.Type, right.Type), left, right, BoolType.Instance);
        if (left.Type is CValueType { CType.Resolved: CArrayType } && right.Type is CValueType { CType.Resolved: CArrayType })
            return BindArrayComparison(binary, left, right);
        // Two buffers are equal when their lengths and bytes are (the bytes past a buffer's length are zero).
        if (left.Type is BufferType && right.Type is BufferType && isEquality)
            return new BoundArrayComparison(binary.Span, left, right, binary.Operator == BinaryOperator.Equal);
        if (!left.Type.IsInteger || !right.Type.IsInteger)
        {
            ReportInvalidOperands(binary, left, right);
            return Error(binary.Span);
        }
        if (left.Type is IntegerType l && right.Type is IntegerType r)
            return BindIntegerBinary(binary, left, l, right, r);
        // Comparisons, && and || are bool, and so is any operator on two bools, as the newest bpftrace types them.
        var unsigned = IsUnsigned64(left.Type) || IsUnsigned64(right.Type);
        var type = IsComparison(binary.Operator) || (left.Type is BoolType && right.Type is BoolType) ? (BpfType)BoolType.Instance
            : unsigned ? BpfType.UInt64 : BpfType.Int64;
        return new BoundBinary(binary.Span, BoundOperators.Binary(binary.Operator, left.Type, right.Type), left, right, type);
    }

    // An operator on two literals, folded as the newest bpftrace folds literals (LiteralFolding), with its messages.
    private BoundExpression Folded(TextSpan span, LiteralFolding.Result folded)
    {
        if (folded.Warning is { } warning)
            _diagnostics.Warning(span, warning);
        if (folded.Literal is { } literal)
            return literal;
        _diagnostics.Error(span, folded.Error!);
        return Error(span);
    }

    /// <summary>
    /// An operator on two integers, as the newest bpftrace types it (type_resolver.cpp's get_binop_int): a
    /// non-negative literal first takes the other operand's sign; arithmetic is int64 when an operand is signed or the
    /// operator is <c>-</c>, else uint64; comparisons are bool, compared in the type that holds both operands (signed
    /// when either is, past 32 bits int64). An operand that may not keep its value in the type it is computed in gets
    /// the "being cast" warning, a signed operand of a division or modulo by another type "signed operands".
    /// </summary>
    private BoundExpression BindIntegerBinary(BinaryExpression binary, BoundExpression left, IntegerType l, BoundExpression right, IntegerType r)
    {
        var op = binary.Operator;
        if (op is BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr)
            return new BoundBinary(binary.Span, BoundOperators.Binary(op, l, r), left, right, BoolType.Instance);
        var (lt, rt) = (l, r);
        if (l.IsSignFlexible && !r.IsSignFlexible)
            lt = l with { IsSigned = r.IsSigned, IsSignFlexible = false };
        else if (r.IsSignFlexible && !l.IsSignFlexible)
            rt = r with { IsSigned = l.IsSigned, IsSignFlexible = false };
        IntegerType computedIn;
        BpfType type;
        if (IsComparison(op))
        {
            computedIn = IntegerPromotion.Promote(l, l.IsSignFlexible, r, r.IsSignFlexible);
            type = BoolType.Instance;
        }
        else
        {
            var signed = lt.IsSigned || rt.IsSigned || op == BinaryOperator.Subtract;
            if (lt != rt && op is BinaryOperator.Divide or BinaryOperator.Modulo && (lt.IsSigned || rt.IsSigned))
                _diagnostics.ReportSignedOperands(binary.Span, OperatorText(op));
            computedIn = signed ? BpfType.Int64 : BpfType.UInt64;
            type = computedIn;
        }
        foreach (var (operand, operandType) in new[] { (left, l), (right, r) })
        {
            if (operand is not BoundIntegerLiteral && !IntegerPromotion.FitsInto(operandType, operandType.IsSignFlexible, computedIn))
                _diagnostics.ReportImplicitIntegerCast(operand.Span, operandType.ToString(), computedIn.ToString());
        }
        return new BoundBinary(binary.Span, BoundOperators.Binary(op, computedIn.IsSigned), left, right, type);
    }

    /// <summary>
    /// An operator with a pointer operand, as the newest bpftrace types it: pointer + integer, integer + pointer and
    /// pointer - integer are pointers of the same type, stepping by the pointee's size (as C, and bpftrace 0.17);
    /// comparisons, <c>&amp;&amp;</c> and <c>||</c> with a pointer or an integer are bools (compared unsigned);
    /// anything else is an operator that does not apply.
    /// </summary>
    private BoundExpression BindPointerBinary(BinaryExpression binary, BoundExpression left, BoundExpression right)
    {
        var pointer = (PointerType)(left.Type as PointerType ?? right.Type);
        var kind = BoundOperators.Binary(binary.Operator, left.Type, right.Type);
        if (left.Type is PointerType l && right.Type is PointerType r && IsComparison(binary.Operator))
        {
            if (l.Target != r.Target)
                _diagnostics.ReportDistinctPointerComparison(binary.Span, binary.Left.Span, TypeNames.Of(l.Target), binary.Right.Span, TypeNames.Of(r.Target));
            return new BoundBinary(binary.Span, kind, left, right, BoolType.Instance);
        }
        var other = left.Type is PointerType ? right : left;
        if (other.Type.IsInteger && other.Type is not PointerType)
        {
            if (IsComparison(binary.Operator))
                return new BoundBinary(binary.Span, kind, left, right, BoolType.Instance);
            var isStep = binary.Operator is BinaryOperator.Add || (binary.Operator is BinaryOperator.Subtract && left.Type is PointerType);
            if (isStep)
            {
                var size = pointer.Target.Resolved is CVoidType ? 1 : pointer.Target.Size;
                var scaled = size == 1 ? other : new BoundBinary(other.Span, BoundBinaryOperatorKind.Multiply, other,
                    new BoundIntegerLiteral(other.Span, size, BpfType.Int64), BpfType.Int64);
                var (a, b) = left.Type is PointerType ? (left, scaled) : (scaled, right);
                return new BoundBinary(binary.Span, kind, a, b, pointer);
            }
        }
        _diagnostics.ReportInvalidOperands(_context.TokenSpan(left.Span.End, right.Span.Start, OperatorText(binary.Operator)) ?? binary.Span,
            OperatorText(binary.Operator), TypeNames.Of(left.Type), TypeNames.Of(right.Type));
        return Error(binary.Span);
    }

    private static bool IsUnsigned64(BpfType type) => type is IntegerType { IsSigned: false, Bytes: 8 } or PointerType;

    private static bool IsComparison(BinaryOperator op) => op is BinaryOperator.Equal or BinaryOperator.NotEqual or BinaryOperator.Less
        or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual or BinaryOperator.LogicalAnd or BinaryOperator.LogicalOr;

    private BoundExpression BindTernary(TernaryExpression ternary)
    {
        var condition = BindExpression(ternary.Condition);
        if (LiteralFolding.Truth(condition) is null)
            CheckCondition(condition, ternary.Condition.Span, "Invalid condition in ternary: ");
        // "a ?: b" has one node for both (Parser.ParseExpression): bound once, its diagnostics said once, but lowered
        // as a branch too, so it runs again when true, as in the newest bpftrace.
        var whenTrue = ReferenceEquals(ternary.WhenTrue, ternary.Condition) ? condition : BindExpression(ternary.WhenTrue);
        var whenFalse = BindExpression(ternary.WhenFalse);
        if (whenTrue.Type is ErrorType || whenFalse.Type is ErrorType)
            return Error(ternary.Span);
        (var folded, condition) = LiteralFolding.FoldTernary(condition, whenTrue, whenFalse);
        if (folded is not null)
            return folded;
        if (whenTrue.Type is BoolType && whenFalse.Type is BoolType)
            return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, BoolType.Instance);
        if (whenTrue.Type is IntegerType left && whenFalse.Type is IntegerType right)
            return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, PromoteBranches(whenTrue, left, whenFalse, right));
        if (whenTrue.Type.IsInteger && whenFalse.Type.IsInteger)
            return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, BpfType.Int64);
        if (whenTrue.Type is StringType a && whenFalse.Type is StringType b)
            return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, new StringType(Math.Max(a.Capacity, b.Capacity)));
        if (whenTrue.Type is BufferType c && whenFalse.Type is BufferType d)
            return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, new BufferType(Math.Max(c.Capacity, d.Capacity)));
        // Two tuples (records) meet element by element, as the newest bpftrace promotes them: integers to the type
        // holding both, strings the longer; a record's fields in the first branch's order.
        if (whenTrue.Type is TupleType && whenFalse.Type is TupleType && IntegerPromotion.Promote(whenTrue.Type, false, whenFalse.Type, false) is { } tuple)
            return new BoundTernary(ternary.Span, condition, whenTrue, whenFalse, tuple);
        if (whenTrue.Type is CValueType x && whenFalse.Type is CValueType y)
            return BindValueTernary(ternary, condition, whenTrue, whenFalse, x, y);
        // The newest bpftrace's words and full types (0.17: "Ternary operator must return the same type: have 'integer' and 'string'").
        _diagnostics.Error(ternary.Span, $"Branches must return the same type or compatible types: have '{TypeNames.Of(whenTrue.Type)}' and '{TypeNames.Of(whenFalse.Type)}'");
        return Error(ternary.Span);
    }

    /// <summary>
    /// A ternary of two integers has the type holding both, as the newest bpftrace promotes branches (<c>c ? 1 : 2</c>
    /// is an int8); a branch that may not keep its value in it gets the "being cast" warning.
    /// </summary>
    private IntegerType PromoteBranches(BoundExpression whenTrue, IntegerType left, BoundExpression whenFalse, IntegerType right)
    {
        var type = IntegerPromotion.Promote(left, left.IsSignFlexible, right, right.IsSignFlexible)
            with { IsSignFlexible = left.IsSignFlexible && right.IsSignFlexible };
        foreach (var (branch, branchType) in new[] { (whenTrue, left), (whenFalse, right) })
        {
            if (branch is not BoundIntegerLiteral && !IntegerPromotion.FitsInto(branchType, branchType.IsSignFlexible, type))
                _diagnostics.ReportImplicitIntegerCast(branch.Span, branchType.ToString(), type.ToString());
        }
        return type;
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
                // str($N + n) skips n bytes of the parameter's text, as the reference folds it.
                var argument = call.Arguments[0] is BinaryExpression { Operator: BinaryOperator.Add, Left: PositionalParameter skipped } plus
                    ? plus with { Left = new StringLiteral(skipped.Span, skipped.Index <= _config.PositionalParameters.Count ? _config.PositionalParameters[skipped.Index - 1] : "") }
                    : call.Arguments[0];
                var pointer = BindExpression(argument);
                var length = call.Arguments.Count == 2 ? BindExpression(call.Arguments[1]) : null;
                if (LiteralFolding.FoldStr(call.Span, pointer, length) is { } folded)
                    return folded;
                if (pointer.Type is StringType)
                    return pointer;
                if (!pointer.Type.IsInteger)
                {
                    _diagnostics.Error(pointer.Span, $"str() expects an integer or a pointer, got '{TypeNames.Of(pointer.Type)}'");
                    return Error(call.Span);
                }
                if (length is not null && !length.Type.IsInteger)
                    _diagnostics.Error(length.Span, "str() expects an integer length");
                bool? user = pointer.Type is PointerType p ? p.IsUserSpace : _probeKind.Context.ReadsUserMemory ? true : null;
                // As the newest bpftrace: str(p, 8) is a string[9] (8 characters and the NUL), max_strlen at most.
                var capacity = length is BoundIntegerLiteral { Value: >= 0 and var n } && n < _config.MaxStrlen ? (int)n + 1 : _config.MaxStrlen;
                // The newest reads max_strlen + 1 bytes below 1024 and keeps max_strlen, so that a longer string keeps no NUL.
                return new BoundStr(call.Span, pointer, length, user, new StringType(capacity),
                    MarksTruncation: capacity == _config.MaxStrlen && _config.MaxStrlen < TruncationMarkLimit);
            }
            case "delete":
                return BindDeleteValue(call);
            case "printf" or "exit" or "clear" or "print" or "zero":
                _diagnostics.Error(call.Span, $"{call.Name}() should not be used in an assignment or as a map key");
                return Error(call.Span);
            default:
                if (TryBindBuiltinFunction(call, bareName: false) is { } bound)
                    return bound;
                // The newest reference spells every builtin variable as a function too: jiffies(), ncpus(), username().
                if (call.Arguments.Count == 0 && (_context.Builtins.TryGetVariable(call.Name, out _) || call.Name is "probe"))
                    return BindIdentifier(new Identifier(call.Span, call.Name));
                // bpftrace checks typeof arguments right after macro expansion, before it looks the function up: a
                // typeof passed to what is neither a macro nor a builtin is its error, not "Unknown function".
                if (call.Arguments.FirstOrDefault(a => a is TypeExpression { IsTypeof: true }) is { } typeArgument)
                    _diagnostics.ReportTypeArgumentNotExpected(typeArgument.Span);
                else if (_context.Builtins.IsAggregation(call.Name))
                    _diagnostics.Error(call.Span, $"{call.Name}() must be assigned directly to a map");
                else
                    _diagnostics.ReportUnknownFunction(call.NameSpan, call.Name);
                return Error(call.Span);
        }
    }

    private static bool IsTupleIndex(string field) => field.Length > 0 && field.All(char.IsAsciiDigit);

    private BoundExpression BindTupleElement(FieldAccess access)
    {
        var tuple = BindExpression(access.Target);
        if (tuple.Type is ErrorType)
            return tuple;
        if (tuple.Type is not TupleType { Names: null } type)
        {
            _diagnostics.Error(access.Span, $"Can not access index {access.Field} on expression of type '{TypeNames.Of(tuple.Type)}'");
            return Error(access.Span);
        }
        if (!int.TryParse(access.Field, out var index) || index >= type.Elements.Count)
        {
            _diagnostics.Error(access.Span, $"Invalid tuple index: {access.Field}. Found {type.Elements.Count} elements in tuple.");
            return Error(access.Span);
        }
        return LiteralFolding.FoldElement(tuple, index) ?? new BoundTupleElement(access.Span, tuple, index, type.Elements[index]);
    }

    /// <summary>
    /// A record <c>(a = 1, b = "x")</c>: a tuple whose elements have names (<see cref="TupleType.Names"/>), evaluated
    /// in the order written.
    /// </summary>
    private BoundExpression BindRecord(RecordExpression record)
    {
        var elements = record.Fields.Select(f => BindElement(f.Value, "record")).ToList();
        var names = record.Fields.Select(f => f.Name).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            var repeated = names.GroupBy(n => n, StringComparer.Ordinal).First(g => g.Count() > 1).Key;
            _diagnostics.Error(record.Span, $"Named argument list already contains name: {repeated}");
            return Error(record.Span);
        }
        if (elements.Any(e => e.Type is ErrorType))
            return Error(record.Span);
        return new BoundTuple(record.Span, elements, new TupleType(elements.Select(e => e.Type).ToList()) { Names = names });
    }

    /// <summary><c>$r.name</c> on a record: its element of that name.</summary>
    private BoundExpression BindRecordField(FieldAccess access, BoundExpression record, TupleType type)
    {
        var index = type.Names!.ToList().IndexOf(access.Field);
        if (index < 0)
        {
            _diagnostics.Error(access.Span, $"Record does not contain a field named '{access.Field}'");
            return Error(access.Span);
        }
        return LiteralFolding.FoldElement(record, index) ?? new BoundTupleElement(access.Span, record, index, type.Elements[index]);
    }

    /// <summary><c>$y = $x++</c>: the update as a statement, then a read of the target.</summary>
    private BoundExpression BindIncrementExpression(IncrementExpression increment)
    {
        if (_bindIncrement(increment, increment.Span) is not { } update)
            return Error(increment.Span);
        var read = BindExpression(increment.Target);
        if (read.Type is ErrorType)
            return read;
        return new BoundIncrement(increment.Span, update, read, increment.IsIncrement, increment.IsPrefix);
    }

    /// <summary>The type a <c>let</c> declares: <c>int32</c>, <c>string</c>, <c>struct task_struct *</c>.</summary>
    public BpfType? DeclaredType(TypeSyntax syntax)
    {
        // string[N] holds N bytes; a plain string takes its size from what is assigned (the binder widens it).
        if (syntax is { Name: "string", PointerDepth: 0, OuterPointerDepth: 0, Of: null })
            return new StringType(syntax.ArrayLength ?? 1);
        if (syntax.Of is not null)
            return TypeofType(syntax) switch
            {
                IntegerType integer => integer with { IsSignFlexible = false },
                AggregationType { ReadType: { } read } => read,
                // typeof($s) is the string's own size, as the newest bpftrace's: a longer string does not fit it.
                StringType of => of,
                { } of => _context.StorageType(of),
                null => null,
            };
        if (ResolveType(syntax, syntax.Span) is not { } type)
            return null;
        return type.Resolved switch
        {
            CTypes.CPointerType p => new PointerType(p.Target, _probeKind.Context.ReadsUserMemory || p.IsUser),
            // let $x: enum Foo is 64 bits, as an enumerator and a cast are (the reference's CreateEnum(64, name)).
            CTypes.CEnumType e => EnumValueType(e),
            _ => ValueTypeOf(type, false) as IntegerType,
        };
    }

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
