using SharpTrace.Syntax;

namespace SharpTrace.Semantics;

/// <summary>
/// A value read from kernel or user memory: a struct member (<c>curtask->pid</c>, <c>$s.a.b</c>), an array
/// element with a constant index, or a dereference (<c>*$p</c>). Its address is <see cref="Base"/>'s value when that
/// is a pointer, or <see cref="Base"/>'s own address when that is itself a struct or array in memory, plus
/// <see cref="Offset"/>. Struct and array results (<see cref="CValueType"/>) are not read, only addressed.
/// </summary>
internal sealed record BoundMemoryRead(TextSpan Span, BoundExpression Base, int Offset, BpfType Type, bool IsUserSpace,
    int BitOffset = 0, int BitfieldSize = 0) : BoundExpression(Span, Type)
{
    public bool IsBitfield => BitfieldSize > 0;
}

/// <summary><c>(uint8)x</c>, <c>(struct task_struct *)x</c>: the operand's value, truncated or reinterpreted.</summary>
internal sealed record BoundCast(TextSpan Span, BoundExpression Operand, BpfType Type) : BoundExpression(Span, Type);
