using SharpTrace.Bpf;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Lowering;

/// <summary>Expressions: integers into operands, conditions into branches, buffers (strings, tuples) into stack slots.</summary>
internal sealed partial class ProbeLowerer
{
    /// <summary>Branches to <paramref name="whenFalse"/> unless the condition holds; comparisons branch directly.</summary>
    private void LowerCondition(BoundExpression condition, IrLabel whenFalse)
    {
        switch (condition)
        {
            case BoundBinary { Operator: BoundBinaryOperatorKind.LogicalAnd } and:
                LowerCondition(and.Left, whenFalse);
                LowerCondition(and.Right, whenFalse);
                return;
            case BoundBinary { Operator: BoundBinaryOperatorKind.StringEqual or BoundBinaryOperatorKind.StringNotEqual } strings:
            {
                var holds = Ir.NewLabel("str_holds");
                if (strings.Operator == BoundBinaryOperatorKind.StringEqual)
                    LowerStringComparison(strings, holds, whenFalse);
                else
                    LowerStringComparison(strings, whenFalse, holds);
                Ir.Mark(holds);
                return;
            }
            case BoundBinary binary when Comparison(binary) is { } comparison:
            {
                var left = LowerScalar(binary.Left);
                var right = LowerScalar(binary.Right);
                Ir.Branch(IrBuilder.Negate(comparison), left, right, whenFalse);
                return;
            }
            default:
                Ir.Branch(IrCondition.Eq, LowerScalar(condition), new Imm(0), whenFalse);
                return;
        }
    }

    // The binder decided signedness (BoundOperators): a comparison maps to one condition.
    private static IrCondition? Comparison(BoundBinary binary) => binary.Operator switch
    {
        BoundBinaryOperatorKind.Equal => IrCondition.Eq,
        BoundBinaryOperatorKind.NotEqual => IrCondition.Ne,
        BoundBinaryOperatorKind.LessSigned => IrCondition.Slt,
        BoundBinaryOperatorKind.LessUnsigned => IrCondition.Lt,
        BoundBinaryOperatorKind.LessOrEqualSigned => IrCondition.Sle,
        BoundBinaryOperatorKind.LessOrEqualUnsigned => IrCondition.Le,
        BoundBinaryOperatorKind.GreaterSigned => IrCondition.Sgt,
        BoundBinaryOperatorKind.GreaterUnsigned => IrCondition.Gt,
        BoundBinaryOperatorKind.GreaterOrEqualSigned => IrCondition.Sge,
        BoundBinaryOperatorKind.GreaterOrEqualUnsigned => IrCondition.Ge,
        _ => null,
    };

    /// <summary>The value of an integer expression.</summary>
    internal Operand LowerScalar(BoundExpression e)
    {
        switch (e)
        {
            case BoundIntegerLiteral literal:
                return new Imm(literal.Value);
            case BoundBuiltinVariable builtin:
                return _builtins.LowerVariable(builtin, this);
            case BoundTracepointField field when _syscall is not null:
                return LowerSyscallField(field.Field, field.Type is IntegerType { IsSigned: true });
            case BoundTracepointField { Field.IsDataLoc: false, Field.Size: 1 or 2 or 4 or 8 } field:
                return Ir.Load(new PointerAddress(Ir.Context, field.Field.Offset),
                    new IrInt(field.Field.Size, field.Type is IntegerType { IsSigned: true }));
            case BoundVariableRead read when _integerVariables.TryGetValue(read.Variable, out var register):
                return register;
            case BoundVariableRead read when _bufferVariables.TryGetValue(read.Variable, out var stored):
                return Ir.Load(new SlotAddress(stored), new IrInt(Math.Min(8, read.Type.Size), read.Type is IntegerType { IsSigned: true }));
            case BoundVariableAddress address:
                return new StackAddress(_bufferVariables[address.Variable]);
            case BoundMapAddress address:
            {
                var map = Ir.NewRegister();
                Ir.Emit(new MoveOp(map, new MapHandle(MapOf(address.Map))));
                return map;
            }
            case BoundContextArgument argument:
                return LowerContextArgument(argument);
            case BoundContextPointer:
                return Ir.Context;
            case BoundMemoryRead read:
                return LowerMemoryScalar(read);
            case BoundStoredMember member:
                return LowerStoredScalar(member);
            case BoundArrayElement element:
                return LowerArrayElementScalar(element);
            case BoundTupleElement element:
            {
                var address = ElementAddress(element);
                return Ir.Load(address, new IrInt(Math.Min(8, element.Type.Size), element.Type is IntegerType { IsSigned: true }));
            }
            case BoundMapRead read:
                return LowerMapReadScalar(read);
            case BoundDeleteValue delete:
                return LowerDeleteValue(delete);
            case BoundUnary unary:
                return LowerUnary(unary);
            case BoundCast { Type: BoolType } cast:
                return Boolean(IrCondition.Ne, LowerScalar(cast.Operand), new Imm(0));
            case BoundCast { Operand.Type: CValueType } cast:
                return LowerArrayToInteger(cast);
            case BoundArrayComparison comparison:
                return LowerArrayComparison(comparison);
            case BoundCast cast when cast.Operand.Type.IsInteger:
            {
                var value = LowerScalar(cast.Operand);
                if (cast.Type is not IntegerType { Bytes: < 8 } integer)
                    return value;
                var bits = new Imm(64 - integer.Bytes * 8);
                return Ir.Binary(integer.IsSigned ? IrBinaryOp.SignedShr : IrBinaryOp.Shr, Ir.Binary(IrBinaryOp.Shl, value, bits), bits);
            }
            case BoundIncrement increment:
            {
                LowerStatement(increment.Update);
                var updated = LowerScalar(increment.Read);
                // The value before a postfix step: a pointer moved by its element's size (a void * by one byte).
                var step = increment.Read.Type is PointerType { Target.Resolved: not CVoidType } pointer ? pointer.Target.Size : 1;
                return increment.IsPrefix ? updated : Ir.Binary(increment.IsIncrement ? IrBinaryOp.Sub : IrBinaryOp.Add, updated, new Imm(step));
            }
            case BoundBinary binary:
                return LowerBinary(binary);
            case BoundBlockExpression { Value: { } value } block:
                LowerStatements(block.Statements);
                return LowerScalar(value);
            case BoundTernary ternary:
            {
                var result = Ir.NewRegister();
                var otherwise = Ir.NewLabel("else");
                var end = Ir.NewLabel("end");
                LowerCondition(ternary.Condition, otherwise);
                Ir.Emit(new MoveOp(result, LowerScalar(ternary.WhenTrue)));
                Ir.Goto(end);
                Ir.Mark(otherwise);
                Ir.Emit(new MoveOp(result, LowerScalar(ternary.WhenFalse)));
                Ir.Mark(end);
                return result;
            }
            default:
                return _builtins.LowerCall(e, this) ?? throw NotSupported(e.GetType().Name);
        }
    }

    private Operand LowerUnary(BoundUnary unary)
    {
        var operand = LowerScalar(unary.Operand);
        return unary.Operator switch
        {
            BoundUnaryOperatorKind.Negate => Ir.Unary(IrUnaryOp.Neg, operand),
            BoundUnaryOperatorKind.BitwiseNot => Ir.Unary(IrUnaryOp.Not, operand),
            BoundUnaryOperatorKind.LogicalNot => Boolean(IrCondition.Eq, operand, new Imm(0)),
            _ => throw NotSupported("unary " + unary.Operator),
        };
    }

    private Operand LowerBinary(BoundBinary binary)
    {
        if (binary.Operator is BoundBinaryOperatorKind.LogicalAnd or BoundBinaryOperatorKind.LogicalOr)
        {
            var result = Ir.NewRegister();
            var shortCircuit = Ir.NewLabel("short");
            var end = Ir.NewLabel("end");
            var isAnd = binary.Operator == BoundBinaryOperatorKind.LogicalAnd;
            Ir.Branch(isAnd ? IrCondition.Eq : IrCondition.Ne, LowerScalar(binary.Left), new Imm(0), shortCircuit);
            Ir.Emit(new MoveOp(result, Boolean(IrCondition.Ne, LowerScalar(binary.Right), new Imm(0))));
            Ir.Goto(end);
            Ir.Mark(shortCircuit);
            Ir.Emit(new MoveOp(result, new Imm(isAnd ? 0 : 1)));
            Ir.Mark(end);
            return result;
        }
        if (binary.Operator is BoundBinaryOperatorKind.StringEqual or BoundBinaryOperatorKind.StringNotEqual)
        {
            var result = Ir.NewRegister();
            var equal = Ir.NewLabel("str_eq");
            var differ = Ir.NewLabel("str_ne");
            var end = Ir.NewLabel("str_end");
            var isEqual = binary.Operator == BoundBinaryOperatorKind.StringEqual;
            LowerStringComparison(binary, equal, differ);
            Ir.Mark(equal);
            Ir.Emit(new MoveOp(result, new Imm(isEqual ? 1 : 0)));
            Ir.Goto(end);
            Ir.Mark(differ);
            Ir.Emit(new MoveOp(result, new Imm(isEqual ? 0 : 1)));
            Ir.Mark(end);
            return result;
        }
        if (!binary.Left.Type.IsInteger || !binary.Right.Type.IsInteger)
            throw NotSupported("comparing " + binary.Left.Type);
        if (Comparison(binary) is { } comparison)
            return Boolean(comparison, LowerScalar(binary.Left), LowerScalar(binary.Right));
        var left = LowerScalar(binary.Left);
        var right = LowerScalar(binary.Right);
        var op = binary.Operator switch
        {
            BoundBinaryOperatorKind.Add => IrBinaryOp.Add,
            BoundBinaryOperatorKind.Subtract => IrBinaryOp.Sub,
            BoundBinaryOperatorKind.Multiply => IrBinaryOp.Mul,
            BoundBinaryOperatorKind.DivideUnsigned => IrBinaryOp.Div,
            BoundBinaryOperatorKind.ModuloUnsigned => IrBinaryOp.Mod,
            BoundBinaryOperatorKind.BitwiseAnd => IrBinaryOp.And,
            BoundBinaryOperatorKind.BitwiseOr => IrBinaryOp.Or,
            BoundBinaryOperatorKind.BitwiseXor => IrBinaryOp.Xor,
            BoundBinaryOperatorKind.ShiftLeft => IrBinaryOp.Shl,
            BoundBinaryOperatorKind.ShiftRightArithmetic => IrBinaryOp.SignedShr,
            BoundBinaryOperatorKind.ShiftRightLogical => IrBinaryOp.Shr,
            _ => throw NotSupported("operator " + binary.Operator),
        };
        return Ir.Binary(op, left, right);
    }

    /// <summary>1 when (left cond right), else 0.</summary>
    private Operand Boolean(IrCondition condition, Operand left, Operand right)
    {
        if (left is Imm a && right is Imm b)
            return new Imm(IrBuilder.Holds(condition, a.Value, b.Value) ? 1 : 0);
        var result = Ir.NewRegister();
        var end = Ir.NewLabel("end");
        Ir.Emit(new MoveOp(result, new Imm(1)));
        Ir.Branch(condition, left, right, end);
        Ir.Emit(new MoveOp(result, new Imm(0)));
        Ir.Mark(end);
        return result;
    }

    /// <summary>
    /// Writes the value into <paramref name="size"/> bytes of <paramref name="slot"/> at <paramref name="offset"/>.
    /// With <paramref name="padStrings"/>, bytes after a string's end are zero (keys and stored values compare whole);
    /// a record read by user space up to the NUL does without.
    /// </summary>
    internal void LowerInto(BoundExpression e, Slot slot, int offset, int size, bool padStrings)
    {
        var to = new SlotAddress(slot, offset);
        if (offset % 8 != 0 && IsWrittenInWords(e.Type))
        {
            // A timestamp, usym or inet in a tuple may start anywhere (their alignment is 1, as the newest bpftrace's
            // byte arrays): built at a word boundary, then copied byte-wise where it goes.
            var aside = Ir.NewSlot(size);
            LowerInto(e, aside, 0, size, padStrings);
            Ir.Copy(to, new SlotAddress(aside, 0), size);
            return;
        }
        if (e.Type.IsInteger)
        {
            Ir.Store(to, Math.Min(size, 8) is var bytes && bytes is 1 or 2 or 4 ? bytes : 8, LowerScalar(e));
            return;
        }
        switch (e)
        {
            case BoundStringLiteral literal:
            {
                var bytes = new byte[size];
                var encoded = literal.Bytes;
                Array.Copy(encoded, bytes, Math.Min(encoded.Length, size - 1));
                Ir.Fill(slot, offset, bytes);
                break;
            }
            case BoundBuiltinVariable builtin:
                _builtins.LowerVariableInto(builtin, this, slot, offset, Math.Min(size, builtin.Type.Size));
                Ir.Zero(slot, offset + builtin.Type.Size, size - builtin.Type.Size);
                break;
            case BoundTracepointField field when _syscall is not null:
                Ir.Store(to, Math.Min(size, 8) is var fieldBytes && fieldBytes is 1 or 2 or 4 ? fieldBytes : 8, LowerSyscallField(field.Field, false));
                Ir.Zero(slot, offset + 8, size - 8);
                break;
            case BoundTracepointField { Field.IsDataLoc: true } field:
            {
                // A __data_loc field holds the string's length (high 16 bits) and its offset in the record (low 16).
                if (padStrings)
                    Ir.Zero(slot, offset, size);
                var location = Ir.Load(new PointerAddress(Ir.Context, field.Field.Offset), IrInt.U32);
                var address = Ir.Binary(IrBinaryOp.Add, Ir.Binary(IrBinaryOp.And, location, new Imm(0xffff)), Ir.Context);
                Ir.CallVoid(HelperFunction.ProbeReadKernelStr, new StackAddress(slot, offset), new Imm(Math.Min(size, field.Type.Size)), address);
                break;
            }
            case BoundTracepointField field:
            {
                var address = Ir.Binary(IrBinaryOp.Add, Ir.Context, new Imm(field.Field.Offset));
                Ir.CallVoid(HelperFunction.ProbeReadKernel, new StackAddress(slot, offset), new Imm(Math.Min(size, field.Type.Size)), address);
                Ir.Zero(slot, offset + field.Type.Size, size - field.Type.Size);
                break;
            }
            case BoundStr str:
                LowerStr(str, slot, offset, size, padStrings);
                break;
            case BoundVariableRead read when _bufferVariables.TryGetValue(read.Variable, out var variable):
                Ir.Copy(to, new SlotAddress(variable), Math.Min(size, read.Type.Size));
                Ir.Zero(slot, offset + read.Type.Size, size - read.Type.Size);
                break;
            case BoundMapRead read:
                LowerMapReadInto(read, slot, offset, size);
                break;
            case BoundMemoryRead read:
                LowerMemoryInto(read, slot, offset, size);
                break;
            case BoundArgumentsRecord record:
                LowerArgumentsRecordInto(record, slot, offset, size);
                break;
            case BoundStoredMember member:
                LowerStoredInto(member, slot, offset, size);
                break;
            case BoundCast { Type: StringType, Operand.Type: StringType } cast:
                // (string[64])$s: the string in a larger one, padded with zeros.
                LowerInto(cast.Operand, slot, offset, size, padStrings: true);
                break;
            case BoundCast { Type: CValueType, Operand.Type: StringType } cast:
                // A string's bytes are the array's: the string as it is stored, padded with zeros.
                LowerInto(cast.Operand, slot, offset, size, padStrings: true);
                break;
            case BoundCast { Type: CValueType } cast:
                LowerIntegerToArray(cast, slot, offset, size);
                break;
            case BoundCast { Type: SelfDecodingType, Operand.Type: IntegerType } cast:
                // (username_t)1000: the integer, widened to 64 bits, is the value user space names.
                Ir.Store(to, 8, LowerScalar(cast.Operand));
                Ir.Zero(slot, offset + 8, size - 8);
                break;
            case BoundArrayElement element:
                LowerArrayElementInto(element, slot, offset, size);
                break;
            case BoundTupleElement element:
                Ir.Copy(to, ElementAddress(element), Math.Min(size, element.Type.Size));
                Ir.Zero(slot, offset + element.Type.Size, size - element.Type.Size);
                break;
            case BoundTuple tuple:
                for (var i = 0; i < tuple.Elements.Count; i++)
                {
                    var elementSize = tuple.TupleType.Elements[i].Size;
                    var at = offset + tuple.TupleType.OffsetOf(i);
                    LowerInto(tuple.Elements[i], slot, at, elementSize, padStrings);
                    Ir.Zero(slot, at + elementSize, tuple.TupleType.SlotSize(i) - elementSize);
                }
                break;
            case BoundBlockExpression { Value: { } value } block:
                LowerStatements(block.Statements);
                LowerInto(value, slot, offset, size, padStrings);
                break;
            case BoundTernary ternary:
            {
                var otherwise = Ir.NewLabel("else");
                var end = Ir.NewLabel("end");
                LowerCondition(ternary.Condition, otherwise);
                LowerBranchInto(ternary.WhenTrue, ternary.Type, slot, offset, size, padStrings);
                Ir.Goto(end);
                Ir.Mark(otherwise);
                LowerBranchInto(ternary.WhenFalse, ternary.Type, slot, offset, size, padStrings);
                Ir.Mark(end);
                break;
            }
            default:
                if (!_builtins.LowerCallInto(e, this, slot, offset, size))
                    throw NotSupported($"a {e.Type} value of {e.GetType().Name}");
                Ir.Zero(slot, offset + e.Type.Size, size - e.Type.Size);
                break;
        }
    }

    /// <summary>
    /// Values whose lowering may store whole 8-byte words: all but integers (stored at their own width, which their
    /// alignment matches), strings, tuples, structs and arrays (filled, copied or read by helpers byte-exactly).
    /// </summary>
    private static bool IsWrittenInWords(BpfType type) =>
        !type.IsInteger && type is not (StringType or TupleType or CValueType or VoidType);

    /// <summary>
    /// A ternary's branch: a tuple whose elements are narrower than the ternary's (<c>c ? ("a", "bb") : ("ccc", "d")</c>)
    /// is laid out as the ternary's type, the bytes after it zero.
    /// </summary>
    private void LowerBranchInto(BoundExpression branch, BpfType type, Slot slot, int offset, int size, bool padStrings)
    {
        if (branch.Type is TupleType && type is TupleType && !branch.Type.Equals(type))
        {
            LowerAs(branch, type, slot, offset, padStrings);
            Ir.Zero(slot, offset + type.Size, size - type.Size);
        }
        else
            LowerInto(branch, slot, offset, size, padStrings);
    }

    /// <summary>
    /// Writes the value laid out as <paramref name="target"/> (a map's value or key, a variable, a printf argument). A
    /// tuple's type may be narrower than its target's (<c>(comm, 1)</c> stored in a map of <c>(string[64], int64)</c>):
    /// its elements then go to the target's offsets. A record's fields may come in another order than the target's
    /// (<c>$r = (a = 1, b = 2); $r = (b = 3, a = 4)</c>): each goes to the target's field of its name.
    /// </summary>
    internal void LowerAs(BoundExpression e, BpfType target, Slot slot, int offset, bool padStrings)
    {
        if (e.Type is not TupleType source || target is not TupleType wide || source.Equals(wide))
        {
            LowerInto(e, slot, offset, target.Size, padStrings);
            return;
        }
        if (e is BoundTuple tuple)
        {
            // Written order is evaluation order; a record's field goes to the target's field of its name.
            for (var i = 0; i < tuple.Elements.Count; i++)
            {
                var j = source.PositionIn(wide, i);
                var element = wide.Elements[j];
                var at = offset + wide.OffsetOf(j);
                LowerAs(tuple.Elements[i], element, slot, at, padStrings);
                Ir.Zero(slot, at + element.Size, wide.SlotSize(j) - element.Size);
            }
            return;
        }
        var built = Ir.NewSlot(source.Size);
        LowerInto(e, built, 0, source.Size, padStrings: true);
        ConvertTuple(source, wide, built, 0, slot, offset);
    }

    /// <summary>Moves a tuple's elements from its own layout to a wider one (a record's fields to their names' places), element by element.</summary>
    private void ConvertTuple(TupleType source, TupleType target, Slot from, int fromOffset, Slot to, int toOffset)
    {
        for (var i = 0; i < source.Elements.Count; i++)
        {
            var j = source.PositionIn(target, i);
            var (s, t) = (source.Elements[i], target.Elements[j]);
            var (src, dst) = (fromOffset + source.OffsetOf(i), toOffset + target.OffsetOf(j));
            if (s is TupleType innerSource && t is TupleType innerTarget)
                ConvertTuple(innerSource, innerTarget, from, src, to, dst);
            else if (s.IsInteger && t.IsInteger && s.Size != t.Size)
                Ir.Store(new SlotAddress(to, dst), t.Size, Ir.Load(new SlotAddress(from, src), new IrInt(s.Size, s is IntegerType { IsSigned: true })));
            else
            {
                var copied = Math.Min(s.Size, t.Size);
                Ir.Copy(new SlotAddress(to, dst), new SlotAddress(from, src), copied);
                Ir.Zero(to, dst + copied, t.Size - copied);
            }
            Ir.Zero(to, dst + t.Size, target.SlotSize(j) - t.Size);
        }
    }

    /// <summary>
    /// str(p) and str(p, n): the length clamped to the buffer so the verifier sees a bounded size. A str() that marks
    /// truncation ends like the newest reference's read of one byte more than it keeps: when the read filled the buffer
    /// (its last byte the NUL) and more was asked for, the source's byte at that place replaces the NUL, so a longer
    /// string keeps no NUL and a string that just fits gets its NUL back.
    /// </summary>
    private void LowerStr(BoundStr str, Slot slot, int offset, int size, bool padStrings)
    {
        var capacity = Math.Min(size, str.StringType.Capacity);
        if (padStrings)
            Ir.Zero(slot, offset, size);
        Operand length = new Imm(capacity);
        // Whether more than the buffer may be asked for: null when it may (no length, or a literal one too long),
        // otherwise the requested length to compare at run time, or no extra byte at all.
        var marks = str.MarksTruncation && capacity == str.StringType.Capacity && capacity > 0;
        Operand? longerThan = null;
        if (str.Length is { } lengthExpression)
        {
            var requested = LowerScalar(lengthExpression);
            if (requested is Imm constant)
            {
                marks &= (ulong)constant.Value > (ulong)capacity;
                length = new Imm((ulong)constant.Value > (ulong)capacity ? capacity : constant.Value);
            }
            else
            {
                var clamped = Ir.NewRegister();
                var ok = Ir.NewLabel("len_ok");
                Ir.Emit(new MoveOp(clamped, requested));
                Ir.Branch(IrCondition.Le, clamped, new Imm(capacity), ok);
                Ir.Emit(new MoveOp(clamped, new Imm(capacity)));
                Ir.Mark(ok);
                length = clamped;
                longerThan = requested;
            }
        }
        var pointer = LowerScalar(str.Pointer);
        Callee readString = str.FromUserSpace switch
        {
            true => HelperFunction.ProbeReadUserStr,
            false => HelperFunction.ProbeReadKernelStr,
            null => HelperFunction.ProbeReadStr,
        };
        if (!marks)
        {
            Ir.CallVoid(readString, new StackAddress(slot, offset), length, pointer);
            return;
        }
        var read = Ir.Call(readString, new StackAddress(slot, offset), length, pointer);
        var whole = Ir.NewLabel("str_whole");
        Ir.Branch(IrCondition.Ne, read, new Imm(capacity), whole);
        if (longerThan is not null)
            Ir.Branch(IrCondition.Le, longerThan, new Imm(capacity), whole);
        Ir.CallVoid(str.FromUserSpace switch
        {
            true => HelperFunction.ProbeReadUser,
            false => HelperFunction.ProbeReadKernel,
            null => HelperFunction.ProbeRead,
        }, new StackAddress(slot, offset + capacity - 1), new Imm(1), Ir.Binary(IrBinaryOp.Add, pointer, new Imm(capacity - 1)));
        Ir.Mark(whole);
    }
}
