using System.Globalization;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// C types in scripts: kernel (BTF) and script-defined structs, member access, array indexing, dereference, casts,
// sizeof, offsetof, #define constants and enum values.
internal sealed partial class ExpressionBinder
{
    /// <summary>Integer type names of the bpftrace language, as casts and sizeof accept them.</summary>
    private static readonly Dictionary<string, CIntegerType> IntegerTypeNames = new(StringComparer.Ordinal)
    {
        ["int8"] = CBaseTypes.SignedChar, ["uint8"] = CBaseTypes.UnsignedChar,
        ["int16"] = CBaseTypes.Short, ["uint16"] = CBaseTypes.UnsignedShort,
        ["int32"] = CBaseTypes.Int, ["uint32"] = CBaseTypes.UnsignedInt,
        ["int64"] = CBaseTypes.Long, ["uint64"] = CBaseTypes.UnsignedLong,
    };

    private BoundExpression BindMemberAccess(FieldAccess access)
    {
        var target = BindExpression(access.Target);
        if (target.Type is ErrorType)
            return target;
        if (target.Type is TupleType { Names: not null } record)
            return BindRecordField(access, target, record);
        // As in the newest bpftrace, '.' on a pointer dereferences it (through any number of pointers) and '->' is
        // the same operator.
        var through = target;
        while (through.Type is PointerType { Target.Resolved: CPointerType inner } outer)
            through = new BoundMemoryRead(access.Target.Span, through, 0, new PointerType(inner.Target, outer.IsUserSpace || inner.IsUser), outer.IsUserSpace);
        if (through.Type is PointerType { Target.Resolved: CStructType pointed } pointer)
            return BindMember(access, through, pointed, pointer.IsUserSpace);
        if (target.Type is CValueType { CType.Resolved: CStructType value } valueType)
            return BindMember(access, target, value, valueType.IsUserSpace);
        _diagnostics.ReportNoFieldAccess(access.Span, access.Field, TypeNames.Of(target.Type));
        return Error(access.Span);
    }

    private BoundExpression BindMember(FieldAccess access, BoundExpression target, CStructType type, bool user)
    {
        if (!type.IsComplete)
        {
            _diagnostics.ReportUnknownStruct(access.Span, type.Name);
            return Error(access.Span);
        }
        if (type.FindMember(access.Field) is not { } member)
        {
            _diagnostics.ReportUnknownField(access.Span, type.Name, access.Field);
            return Error(access.Span);
        }
        // A zero-length (flexible) array member reached through a pointer is its address, typed as a pointer to its
        // element, so that `$d.y[i]` reads the element past the struct's end as the newest bpftrace reads it.
        if (member.Type.Resolved is CArrayType { Count: 0 } flexible && target.Type is PointerType && !member.IsBitfield)
            return new BoundBinary(access.Span, BoundBinaryOperatorKind.Add, target,
                new BoundIntegerLiteral(access.Span, member.Offset, BpfType.Int64), new PointerType(flexible.Element, user));
        if (ValueTypeOf(member.Type, user) is not { } valueType)
        {
            _diagnostics.ReportUnsupported(access.Span, $"Reading a field of type '{TypeNames.Of(member.Type)}'");
            return Error(access.Span);
        }
        var bitOffset = member.IsBitfield ? member.BitOffset % 8 : 0;
        if (IsCopy(target))
            return new BoundStoredMember(access.Span, target, member.Offset, valueType, bitOffset, member.BitfieldSize);
        return new BoundMemoryRead(access.Span, target, member.Offset, valueType, user, bitOffset, member.BitfieldSize);
    }

    /// <summary>How a C object in memory is seen by the program; null for types it cannot use (floats, 128-bit integers).</summary>
    private static BpfType? ValueTypeOf(CType type, bool user) => type.Resolved switch
    {
        CIntegerType { Size: <= 8 } i => new IntegerType(i.Size, i.IsSigned),
        CBoolType => new IntegerType(1, false),
        // The newest bpftrace's CreateEnum: an enum field keeps its width and is unsigned.
        CEnumType { Size: <= 8 } e => new IntegerType(e.Size, false) { Enum = e },
        CPointerType p => PointerTo(p.Target, user || p.IsUser),
        CArrayType { IsText: true, Count: > 0 } a => new StringType(a.TextCapacity),
        CArrayType { Count: > 0 } or CStructType { IsComplete: true } => new CValueType(type, user),
        CScriptValueType s => s.Value,
        _ => null,
    };

    /// <summary>
    /// A C pointer as a value: a pointer to a function is <c>void *</c>, as the newest bpftrace types a BTF
    /// FUNC_PROTO's pointer (nothing calls it; <c>ksym</c> names it), so one variable holds any function pointer and
    /// <c>(void *)0</c> alike (tests/runtime/btf "function pointer types").
    /// </summary>
    private static PointerType PointerTo(CType target, bool user) =>
        new(target.Resolved is CFunctionType ? CVoidType.Instance : target, user);

    private BoundExpression BindIndex(IndexExpression index)
    {
        var target = BindExpression(index.Target);
        var position = BindExpression(index.Index);
        if (target.Type is ErrorType || position.Type is ErrorType)
            return Error(index.Span);
        if (target is BoundStringLiteral literalText && LiteralFolding.FoldStringIndex(index.Span, literalText, position) is { } character)
            return character;
        // A constant index is folded first (`$a[1 + 2]`), as the newest bpftrace folds literals before checking bounds.
        if (position is not BoundIntegerLiteral && ConstantIndex(position) is { } folded)
            position = new BoundIntegerLiteral(position.Span, folded, BpfType.Int64);
        // A run-time index must not be signed, unless it is sign flexible (a variable holding a literal), as the newest
        // bpftrace's type checker requires: `$a[$i - 1]` is an int64 and refused, cast it (`(uint64)($i - 1)`).
        if (position is not BoundIntegerLiteral && position.Type is IntegerType { IsSigned: true, IsSignFlexible: false }
            && target.Type is CValueType { CType.Resolved: CArrayType } or StringType or PointerType)
        {
            _diagnostics.ReportNonIntegerIndex(index.Span, TypeNames.Of(position.Type));
            return Error(index.Span);
        }
        CType element;
        bool user;
        switch (target.Type)
        {
            case CValueType { CType.Resolved: CArrayType array } value:
                (element, user) = (array.Element, value.IsUserSpace);
                if (position is BoundIntegerLiteral { Value: var i } && (i < 0 || i >= array.Count))
                {
                    _diagnostics.ReportIndexOutOfBounds(index.Span, i, array.Count);
                    return Error(index.Span);
                }
                if (position is not BoundIntegerLiteral)
                    return BindArrayElement(index, target, position, array, user);
                break;
            case StringType text:
                return BindStringElement(index, target, position, text);
            case TupleType { Names: null } tuple:
                return BindTupleIndex(index, target, position, tuple);
            case PointerType pointer when position is not BoundIntegerLiteral && position.Type is IntegerType or BoolType:
                return BindPointerElement(index, target, pointer, position);
            case PointerType pointer:
                (element, user) = (pointer.Target, pointer.IsUserSpace);
                break;
            default:
                _diagnostics.ReportNotIndexable(index.Span, TypeNames.Of(target.Type));
                return Error(index.Span);
        }
        if (position is not BoundIntegerLiteral literal)
        {
            _diagnostics.ReportNonLiteralIndex(index.Span);
            return Error(index.Span);
        }
        if (element.Resolved is CVoidType)
        {
            ReportUnsizedIndex(index.Span);
            return Error(index.Span);
        }
        if (ValueTypeOf(element, user) is not { } type)
        {
            _diagnostics.ReportUnsupported(index.Span, $"Indexing elements of type '{TypeNames.Of(element)}'");
            return Error(index.Span);
        }
        var offset = checked((int)literal.Value * element.Size);
        return AsScriptBool(element, IsCopy(target) ? new BoundStoredMember(index.Span, target, offset, type) : new BoundMemoryRead(index.Span, target, offset, type, user));
    }

    /// <summary>
    /// An element of a script's bool array (<c>(bool[2])x</c>) is a bool, as the newest bpftrace types it: its byte
    /// read as an integer, then made <c>true</c> when not zero (the byte may hold any value an integer gave it).
    /// </summary>
    private static BoundExpression AsScriptBool(CType element, BoundExpression read) =>
        element.Resolved is CBoolType { IsScriptBool: true } ? new BoundCast(read.Span, read, BoolType.Instance) : read;

    /// <summary><c>p[i]</c> with an index known only when the probe runs: the element at <c>p + i</c>, as in C.</summary>
    private BoundExpression BindPointerElement(IndexExpression index, BoundExpression target, PointerType pointer, BoundExpression position)
    {
        if (pointer.Target.Resolved is CVoidType)
        {
            ReportUnsizedIndex(index.Span);
            return Error(index.Span);
        }
        if (ValueTypeOf(pointer.Target, pointer.IsUserSpace) is not { } type)
        {
            _diagnostics.ReportUnsupported(index.Span, $"Indexing elements of type '{TypeNames.Of(pointer.Target)}'");
            return Error(index.Span);
        }
        var offset = new BoundBinary(position.Span, BoundBinaryOperatorKind.Multiply, position,
            new BoundIntegerLiteral(position.Span, pointer.Target.Size, BpfType.Int64), BpfType.Int64);
        var address = new BoundBinary(index.Span, BoundBinaryOperatorKind.Add, target, offset, pointer);
        return AsScriptBool(pointer.Target, new BoundMemoryRead(index.Span, address, 0, type, pointer.IsUserSpace));
    }

    // The newest bpftrace's type_checker.cpp words it so.
    private void ReportUnsizedIndex(TextSpan span) =>
        _diagnostics.Error(span, "The array index operator [] cannot be used on a pointer to an unsized type (void *).");

    /// <summary>
    /// <c>&amp;$x</c>: the address of the variable's place on the probe's stack, a pointer into kernel memory to its
    /// type, as the newest bpftrace types it (<c>int64 *</c>); the variable then lives on the stack, not in a register.
    /// </summary>
    private BoundExpression BindVariableAddress(UnaryExpression unary, VariableExpression variable)
    {
        if (!_variables.TryGetValue(variable.Name, out var symbol))
        {
            _diagnostics.ReportUndefinedVariable(variable.Span, variable.Name);
            return Error(unary.Span);
        }
        if (_scope.UntypedVariables.Contains(symbol))
        {
            // The newest bpftrace's words for `let $a; $b = &$a;`.
            _diagnostics.Error(unary.Span, $"No type available for variable {variable.Name}");
            return Error(unary.Span);
        }
        if (AddressedType(symbol.Type) is not { } target)
        {
            _diagnostics.ReportUnsupported(unary.Span, $"The address-of operator (&) on a variable of type '{TypeNames.Of(symbol.Type)}'");
            return Error(unary.Span);
        }
        // A pointer taken of a variable may be written through or passed on: the variable counts as assigned.
        symbol.IsAssigned = true;
        symbol.IsAddressTaken = true;
        return new BoundVariableAddress(unary.Span, symbol, new PointerType(target, IsUserSpace: false));
    }

    /// <summary>
    /// <c>&amp;@m</c>: the map itself, as the kernel holds it, for the newest bpftrace's standard library (whose C
    /// helpers take it as the map argument of <c>bpf_map_lookup_elem</c> and the like). Typed, as the reference types
    /// it, a kernel pointer to the map's value type (<c>void *</c> for an aggregation's); the value is the map's
    /// address in the kernel, not its value's, so reading through it reads the map's own header.
    /// </summary>
    private BoundExpression BindMapAddress(UnaryExpression unary, MapAccess access)
    {
        var map = _maps.Get(access.Name, new TextSpan(access.Span.Start, access.Name.Length));
        if (map.ValueType is null)
            return Error(unary.Span);
        var target = map.ValueType is AggregationType ? null : AddressedType(map.ValueType);
        return new BoundMapAddress(unary.Span, map, new PointerType(target ?? CVoidType.Instance, IsUserSpace: false));
    }

    /// <summary>
    /// The C type a variable's stack place holds, or null for the types no variable holds (aggregations, none). A bool
    /// is read through its pointer as its first byte (the place holds 0 or 1 in 8 bytes); a tuple, a record, and a value
    /// user space turns into text (username, ksym, usym, inet, buf, a stack, strftime's timestamp…) is the script's own
    /// type, read back whole: the newest bpftrace takes the address of a variable of any type.
    /// </summary>
    private static CType? AddressedType(BpfType type) => type switch
    {
        BoolType => CBoolType.Script,
        IntegerType i => new CIntegerType(i.Plain.ToString(), i.Size, i.IsSigned),
        PointerType p => new CPointerType(p.Target, p.IsUserSpace),
        StringType s => new CArrayType(CBaseTypes.Char, s.Capacity) { IsText = true },
        CValueType c => c.CType,
        TupleType or SelfDecodingType or KernelSymbolType or UserSymbolType or InetType or BufferType or StackType => new CScriptValueType(type),
        _ => null,
    };

    private BoundExpression BindDereference(UnaryExpression unary, BoundExpression operand)
    {
        // An integer is an address, as in bpftrace (loads.bt reads *kaddr("avenrun")): a 64-bit read.
        if (operand.Type is IntegerType)
            return new BoundMemoryRead(unary.Span, operand, 0, BpfType.Int64, _probeKind.Context.ReadsUserMemory);
        if (operand.Type is not PointerType pointer)
        {
            _diagnostics.ReportInvalidDereference(new TextSpan(unary.Span.Start, 1), TypeNames.Of(operand.Type));
            return Error(unary.Span);
        }
        if (pointer.Target.Resolved is CVoidType || ValueTypeOf(pointer.Target, pointer.IsUserSpace) is not { } type)
        {
            _diagnostics.ReportInvalidDereference(new TextSpan(unary.Span.Start, 1), TypeNames.Of(operand.Type));
            return Error(unary.Span);
        }
        return AsScriptBool(pointer.Target, new BoundMemoryRead(unary.Span, operand, 0, type, pointer.IsUserSpace));
    }

    private BoundExpression BindCast(CastExpression cast)
    {
        var operand = BindOperand(cast.Operand);
        if (operand.Type is ErrorType)
            return operand;
        var head = CastHead(cast);
        if (operand.Type is AggregationType aggregation)
        {
            // As the newest bpftrace's type checker: only count, sum, min, max and avg maps cast to an integer.
            _diagnostics.ReportInvalidCast(head, aggregation.TypeName, cast.Type.Written);
            return Error(cast.Span);
        }
        if (cast.Type is { Name: "string", PointerDepth: 0, OuterPointerDepth: 0, Of: null })
            return BindCastToString(cast, operand);
        if (cast.Type is { PointerDepth: 0, OuterPointerDepth: 0, ArrayLength: null, Of: null }
            && _context.Builtins.CastableType(cast.Type.Name) is { } named)
            return BindCastToNamedType(cast, head, operand, named);
        // (int32[4]*)x, (bool[2]*)x: a pointer to an array, not an array.
        if (cast.Type.OuterPointerDepth > 0)
        {
            if (ResolveType(cast.Type, head) is not { Resolved: CPointerType p })
                return Error(cast.Span);
            if (!operand.Type.IsInteger)
            {
                ReportInvalidCast(head, operand, TypeNames.Of(p));
                return Error(cast.Span);
            }
            var user = operand.Type is PointerType from ? from.IsUserSpace : _probeKind.Context.ReadsUserMemory || p.IsUser;
            return new BoundCast(cast.Span, operand, new PointerType(p.Target, user));
        }
        // (bool)x is x != 0; (bool)$b of a bool is the newest bpftrace's warning.
        var toBool = cast.Type is { Name: "bool", PointerDepth: 0, ArrayLength: null, Of: null }
            || (cast.Type.Of is not null && TypeofType(cast.Type) is BoolType);
        if (toBool && operand.Type is BoolType)
        {
            _diagnostics.ReportUnnecessaryCast(head, TypeNames.Of(operand.Type));
            return operand;
        }
        if (toBool && operand.Type.IsInteger)
            return new BoundCast(cast.Span, operand, BoolType.Instance);
        // (bool)"str", (bool)comm: whether the string is not empty, as the newest bpftrace casts a string (its first byte).
        if (toBool && operand.Type is StringType)
            return new BoundCast(cast.Span, StringByte(cast.Span, operand, 0), BoolType.Instance);
        if (toBool && cast.Type.Of is null)
        {
            ReportInvalidCast(head, operand, "bool");
            return Error(cast.Span);
        }
        // (bool[2])x: bpftrace's bool, whatever C type the kernel names bool.
        if (cast.Type is { Name: "bool", ArrayLength: not null })
            return BindCastToArray(cast, operand);
        if (ResolveType(cast.Type, head) is not { } target)
            return Error(cast.Span);
        if (cast.Type.ArrayLength is not null)
            return BindCastToArray(cast, operand);
        if (target.Resolved is CEnumType { Size: <= 8 } enumType)
            return BindEnumCast(cast, head, operand, enumType);
        if (operand.Type is CValueType { CType.Resolved: CArrayType })
            return BindCastOfArray(cast, head, operand, target);
        if (!operand.Type.IsInteger || target.Resolved is CStructType)
        {
            ReportInvalidCast(head, operand, TypeNames.Of(target));
            return Error(cast.Span);
        }
        switch (target.Resolved)
        {
            case CPointerType p:
            {
                // An address that came from a user program's registers points into its memory, as bpftrace assumes.
                var user = operand.Type is PointerType from ? from.IsUserSpace : _probeKind.Context.ReadsUserMemory || p.IsUser;
                // A narrow signed integer becomes an address zero-extended, as the newest bpftrace's inttoptr does:
                // (uint8 *)-1 is 0xff (its docs/language.md, Macros; tests/runtime/macro).
                if (operand.Type is IntegerType { IsSigned: true, Bytes: < 8 } narrow && operand is not BoundIntegerLiteral { Value: >= 0 })
                    operand = new BoundCast(operand.Span, operand, new IntegerType(narrow.Bytes, false));
                return new BoundCast(cast.Span, operand, new PointerType(p.Target, user));
            }
            case CIntegerType { Size: <= 8 } or CBoolType:
                var type = ValueTypeOf(target, false)!;
                // A literal takes the cast's type (its own is only the smallest that holds it), and an aggregation's
                // read is its count_t, sum_t…, so neither warns.
                if (operand is not (BoundIntegerLiteral or BoundMapRead { Map.ValueType: AggregationType })
                    && operand.Type is IntegerType { Enum: null } source && source.Plain == type)
                {
                    _diagnostics.ReportUnnecessaryCast(head, TypeNames.Of(type));
                    return operand;
                }
                return new BoundCast(cast.Span, operand, type);
            default:
                _diagnostics.ReportUnsupported(cast.Span, $"A cast to '{TypeNames.Of(target)}'");
                return Error(cast.Span);
        }
    }

    /// <summary>
    /// <c>(username_t)1000</c>: an integer taken as a value user space names, as the newest bpftrace's type checker
    /// allows it from an integer only (a string, a pointer or a bool is its cast error); a cast to the type the
    /// value already has is its warning.
    /// </summary>
    private BoundExpression BindCastToNamedType(CastExpression cast, TextSpan head, BoundExpression operand, SelfDecodingType type)
    {
        if (operand.Type.Equals(type))
        {
            _diagnostics.ReportUnnecessaryCast(head, TypeNames.Of(type));
            return operand;
        }
        if (operand.Type is not IntegerType)
        {
            ReportInvalidCast(head, operand, TypeNames.Of(type));
            return Error(cast.Span);
        }
        return new BoundCast(cast.Span, operand, type);
    }

    /// <summary>
    /// <c>(enum Foo)x</c>: an integer of that enum, 64 bits as the newest bpftrace makes it, printed by name. A literal
    /// that is none of its values is the reference's error; any other integer is taken as it is (and prints as its
    /// number when no enumerator has it).
    /// </summary>
    private BoundExpression BindEnumCast(CastExpression cast, TextSpan head, BoundExpression operand, CEnumType type)
    {
        if (!operand.Type.IsInteger)
        {
            ReportInvalidCast(head, operand, type.Name);
            return Error(cast.Span);
        }
        if (operand is BoundIntegerLiteral { Type: IntegerType { Enum: null }, Value: var value } && !type.Values.Any(v => v.Value == value))
        {
            var written = operand.Type is IntegerType { IsSigned: false } ? ((ulong)value).ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
            _diagnostics.ReportNoEnumVariant(head, type.Tag ?? "(anonymous)", written);
            return Error(cast.Span);
        }
        return new BoundCast(cast.Span, operand, EnumValueType(type));
    }

    /// <summary>
    /// The type of an enumerator and of a cast to an enum: unsigned 64 bits, as the newest bpftrace's CreateEnum types
    /// them whatever the C enum's own size and sign (an enumerator of -2 is 0xfffffffffffffffe, printed by its name).
    /// </summary>
    private static IntegerType EnumValueType(CEnumType type) => BpfType.UInt64 with { Enum = type };

    /// <summary>The C type a type name written in the script stands for; reports and returns null when unknown.</summary>
    private CType? ResolveType(TypeSyntax syntax, TextSpan span)
    {
        if (syntax.Of is not null)
            return TypeofType(syntax) is { } of ? CTypeOf(of, span) : null;
        // string[64]* points at 64 characters: for string, [N] is its size (the newest bpftrace), not an array.
        if (syntax is { Name: "string", PointerDepth: 0, ArrayLength: int size })
            return WrapPointers(new CArrayType(CBaseTypes.Char, size) { IsText = true }, syntax.OuterPointerDepth);
        CType? type = IntegerTypeNames.GetValueOrDefault(syntax.Name) ?? FindType(syntax.Name);
        if (type is null && syntax.Name.StartsWith("enum ", StringComparison.Ordinal))
        {
            _diagnostics.ReportUnknownEnum(span, syntax.Name["enum ".Length..].Trim());
            return null;
        }
        if (type is null)
        {
            // The newest bpftrace's type resolver, over the type written (in a cast, inside its parentheses).
            _diagnostics.ReportUnresolvedType(syntax.Span, syntax.Name);
            return null;
        }
        // An array's integers keep their script names (int32[4], not int[4]), as the newest bpftrace names them.
        if (syntax.ArrayLength is not null && type is CIntegerType named && IntegerTypeNames.ContainsKey(syntax.Name))
            type = new CIntegerType(syntax.Name, named.Size, named.IsSigned);
        type = WrapPointers(type, syntax.PointerDepth);
        if (syntax.ArrayLength is int length)
            type = WrapPointers(new CArrayType(type, length), syntax.OuterPointerDepth);
        return type;
    }

    /// <summary>
    /// The C type a type name in this probe stands for, as the newest bpftrace resolves it: the script's own
    /// definition; in a uprobe or uretprobe, a struct its binary's DWARF defines (<c>struct Foo</c> or the bare tag,
    /// from the first of the probe's binaries that has it, or as an earlier probe resolved the name); then the kernel's
    /// BTF; then a struct an earlier uprobe took from its binary. Null when nothing defines it.
    /// </summary>
    private CType? FindType(string name)
    {
        if (UserStructTag(name) is not { } tag)
            return _context.Types.FindType(name);
        if (_context.Types.FindScriptTagged("struct", tag) is { } script)
            return script;
        var uprobe = _probeKind.Name is "uprobe" or "uretprobe";
        if (uprobe && FindUserStruct(tag) is { } user)
            return user;
        return _context.Types.FindType(name) ?? _context.UserStructs.GetValueOrDefault(tag);
    }

    // `struct Foo` or a bare `Foo` that is no base type nor script typedef: names the newest looks up in DWARF.
    private string? UserStructTag(string name)
    {
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is ["struct", var tag])
            return tag;
        if (words is [var bare] && !CBaseTypes.IsSpecifierWord(bare) && _context.Types.FindScriptTypedef(bare) is null
            && _context.Types.FindScriptTagged("union", bare) is null)
            return bare;
        return null;
    }

    private CStructType? FindUserStruct(string tag)
    {
        if (_context.UserStructs.TryGetValue(tag, out var known))
            return known;
        foreach (var spec in _probeSpecs)
            if (spec.DebugInfo?.FindStruct(spec.Target, tag) is { } found)
            {
                _context.UserStructs[tag] = found;
                return found;
            }
        return null;
    }

    private static CType WrapPointers(CType type, int depth)
    {
        for (var i = 0; i < depth; i++)
            type = new CPointerType(type);
        return type;
    }

    /// <summary>
    /// <c>(string[64])$s</c>: a string into a larger one (zero-padded), as the newest bpftrace casts strings; a smaller
    /// one, or anything else, is <c>Cannot cast from "string[6]" to "string[2]"</c>, the same size an "Unnecessary cast".
    /// <c>string</c> alone is <c>string[0]</c> there, so it takes no string.
    /// </summary>
    private BoundExpression BindCastToString(CastExpression cast, BoundExpression operand)
    {
        var target = new StringType(cast.Type.ArrayLength ?? 0);
        if (operand.Type is not StringType source || source.Capacity > target.Capacity)
        {
            ReportInvalidCast(CastHead(cast), operand, target.Capacity == 0 ? "string" : TypeNames.Of(target));
            return Error(cast.Span);
        }
        if (source.Capacity == target.Capacity)
        {
            _diagnostics.ReportUnnecessaryCast(CastHead(cast), TypeNames.Of(source));
            return operand;
        }
        return new BoundCast(cast.Span, operand, target);
    }


    private BoundExpression BindSizeof(SizeofExpression sizeof_)
    {
        int size;
        if (sizeof_.Type is { Of: not null } typeofSyntax)
        {
            if (TypeofType(typeofSyntax) is not { } type)
                return Error(sizeof_.Span);
            size = type is AggregationType ? AggregationType.DeclaredSize : DeclaredSize(type);
        }
        else if (sizeof_.Type is { } typeSyntax)
        {
            var type = IntegerTypeNames.GetValueOrDefault(typeSyntax.Name) ?? FindType(typeSyntax.Name);
            if (type is null)
            {
                _diagnostics.ReportUnknownIdentifier(sizeof_.Span, typeSyntax.Name);
                return Error(sizeof_.Span);
            }
            // An array of pointers ("uint32*[10]") is ten 8-byte elements; a pointer to an array ("uint32[10]*") one pointer.
            size = typeSyntax.OuterPointerDepth > 0 ? 8 : (typeSyntax.PointerDepth > 0 ? 8 : type.Size) * (typeSyntax.ArrayLength ?? 1);
        }
        else if (sizeof_.Operand is Identifier { Name: var name } && !_context.Builtins.TryGetVariable(name, out _)
            && _context.Types.FindTypedef(name) is { } typedef)
        {
            // A typedef name the parser took for an identifier: the script's, else the kernel's from BTF
            // (`sizeof(uint64_t)`, `sizeof(pid_t)`), as the newest bpftrace resolves it (runtime/builtin "sizeof_btf_int").
            size = typedef.Size;
        }
        else
        {
            // Only the operand's type matters: it is bound, never evaluated.
            var operand = BindExpression(sizeof_.Operand!);
            NoteIntrospected(operand);
            if (operand.Type is ErrorType)
                return operand;
            size = DeclaredSize(operand.Type);
        }
        return IntegerLiterals.Bind(sizeof_.Span, size);
    }

    // A bool is one byte to sizeof, as the newest bpftrace's (runtime/builtin "sizeof": `sizeof(1 == 1)` is 1),
    // though we keep it in a 64-bit slot.
    private static int DeclaredSize(BpfType type) => type is BoolType ? 1 : type.Size;

    private BoundExpression BindOffsetof(OffsetofExpression offsetof)
    {
        CType? type;
        if (offsetof.Type is { Of: not null } typeofSyntax)
        {
            // offsetof(typeof($s), f), offsetof(typeof(struct foo), f): the struct a typeof names.
            if (TypeofType(typeofSyntax) is not { } of)
                return Error(offsetof.Span);
            if (of is not CValueType value)
            {
                _diagnostics.ReportOffsetofNotStruct(offsetof.Span, TypeNames.Of(of));
                return Error(offsetof.Span);
            }
            type = value.CType;
        }
        else if (offsetof.Type is { } typeSyntax)
        {
            type = FindType(typeSyntax.Name);
            if (type is null)
            {
                _diagnostics.ReportUnknownStruct(offsetof.Span, typeSyntax.Name);
                return Error(offsetof.Span);
            }
        }
        else
        {
            var operand = BindExpression(offsetof.Operand!);
            if (operand.Type is ErrorType)
                return operand;
            if (operand.Type is not CValueType value)
            {
                _diagnostics.ReportOffsetofNotStruct(offsetof.Span, TypeNames.Of(operand.Type));
                return Error(offsetof.Span);
            }
            type = value.CType;
        }
        if (type.Resolved is not CStructType structType)
        {
            _diagnostics.ReportOffsetofNotStruct(offsetof.Span, type.Name);
            return Error(offsetof.Span);
        }
        var current = structType;
        var offset = 0;
        for (var step = 0; step < offsetof.FieldPath.Count; step++)
        {
            var name = offsetof.FieldPath[step];
            if (current.FindMember(name) is not { } member)
            {
                _diagnostics.ReportUnknownField(offsetof.Span, current.Name, name);
                return Error(offsetof.Span);
            }
            offset += member.Offset;
            if (member.Type.Resolved is CStructType inner)
                current = inner;
            else if (step < offsetof.FieldPath.Count - 1)
            {
                _diagnostics.ReportNoFieldAccess(offsetof.Span, offsetof.FieldPath[step + 1], member.Type.Name);
                return Error(offsetof.Span);
            }
        }
        return IntegerLiterals.Bind(offsetof.Span, offset);
    }

    /// <summary>
    /// A <c>#define</c> constant (the script's, then the included headers') or an enum value (the script's, then the
    /// kernel's); null if the name is neither.
    /// </summary>
    private BoundExpression? BindConstant(Identifier identifier)
    {
        if (_context.Declarations?.MacroValue(identifier.Name) is { } value)
            return IntegerLiterals.Bind(identifier.Span, value);
        if (_context.Types.FindEnumerator(identifier.Name) is { } enumerator)
            return new BoundIntegerLiteral(identifier.Span, enumerator.Value, EnumValueType(enumerator.Type));
        return null;
    }

    /// <summary>
    /// The type of <c>typeof(expression)</c>: the expression's, as a variable or map would hold it (docs/language.md
    /// "Type Context Builtins": the expression is only typed, never run); null when it has an error.
    /// </summary>
    private BpfType? TypeofType(TypeSyntax syntax)
    {
        // A typedef name the parser took for an identifier (`typeof(size_t)`): that type, the script's or the kernel's
        // from BTF, as the newest bpftrace resolves it (runtime/btf "vmlinux integer types").
        if (syntax.Of is Identifier { Name: var name } && !_context.Builtins.TryGetVariable(name, out _) && _context.Types.FindTypedef(name) is not null)
            return DeclaredType(new TypeSyntax(syntax.Span, name, 0, null));
        var operand = BindExpression(syntax.Of!);
        NoteIntrospected(operand);
        // A read of count(), sum(), min() or max()'s map is its integer, but its type is the map's (count_t, sum_t).
        if (operand is BoundMapRead { Map.ValueType: AggregationType aggregation })
            return aggregation;
        // A string is its own size (typeof($s) of `$s = "a"` is a string[2]), as the newest bpftrace types it.
        return operand.Type is ErrorType ? null : operand.Type is IntegerType or StringType ? operand.Type : _context.StorageType(operand.Type);
    }

    /// <summary>The C type a cast to <c>typeof(...)</c> names: integers, bools and pointers; reported otherwise.</summary>
    private CType? CTypeOf(BpfType type, TextSpan span)
    {
        switch (type)
        {
            case IntegerType { Enum: { } e }:
                return e;
            case IntegerType or AggregationType { ReadType: not null }:
                var i = type as IntegerType ?? ((AggregationType)type).ReadType!;
                return IntegerTypeNames[(i.IsSigned ? "int" : "uint") + i.Bytes * 8];
            case BoolType:
                return CBoolType.Instance;
            case PointerType p:
                return new CPointerType(p.Target, p.IsUserSpace);
            case CValueType c:
                return c.CType;
            default:
                _diagnostics.ReportUnsupported(span, $"A cast to typeof a {TypeNames.KindOf(type)}");
                return null;
        }
    }

    /// <summary>The C type a tracepoint field declares (<c>const char *</c>, <c>struct sk_buff *</c>), pointers only.</summary>
    private PointerType TracepointPointerType(string declared, bool user)
    {
        var depth = declared.Count(c => c == '*');
        var words = declared.Replace("*", " ", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("const" or "volatile" or "__user" or "__restrict" or "restrict"));
        CType target = _context.Types.FindType(string.Join(' ', words)) ?? CVoidType.Instance;
        for (var i = 1; i < depth; i++)
            target = new CPointerType(target);
        return new PointerType(target, user);
    }

}
