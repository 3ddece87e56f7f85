using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

// Checks whose messages follow bpftrace's wording and spans closely: operand types, args outside its probes, casts.
internal sealed partial class ExpressionBinder
{
    private void ReportArgsNotAllowed(TextSpan span)
    {
        var kind = _probeKind.Run == ProbeRun.Attached ? _probeKind.Name : "special";
        _diagnostics.Error(span, $"The args builtin can only be used with tracepoint/kfunc/uprobeprobes ({kind} used here)");
    }

    /// <summary>The <c>(type)</c> part of a cast, where bpftrace reports problems with the cast.</summary>
    private TextSpan CastHead(CastExpression cast) =>
        TextSpan.FromBounds(cast.Span.Start, _context.TokenSpan(cast.Type.Span.End, cast.Operand.Span.Start, ")")?.End ?? cast.Span.End);

    /// <summary>
    /// A cast the newest bpftrace refuses, in its type checker's words: a struct or union value cannot be cast at all,
    /// anything else names both types.
    /// </summary>
    private void ReportInvalidCast(TextSpan head, BoundExpression operand, string target)
    {
        if (operand.Type is CValueType { CType.Resolved: CTypes.CStructType })
            _diagnostics.ReportCastFromCType(head, TypeNames.Of(operand.Type));
        else
            _diagnostics.ReportInvalidCast(head, TypeNames.Of(operand.Type), target);
    }

    /// <summary>How a value's type is named in a type mismatch: integers as stored (64-bit), strings as they are.</summary>
    public BpfType MessageType(BpfType type) => type is StringType ? type : _context.StorageType(type);

    /// <summary>
    /// An integer with a string (or a stack, a symbol) is a type mismatch over the whole expression; other combinations (two strings for
    /// arithmetic, pointers with strings, structs) are an operator that does not apply, reported at the operator.
    /// </summary>
    private void ReportInvalidOperands(BinaryExpression binary, BoundExpression left, BoundExpression right)
    {
        var op = OperatorText(binary.Operator);
        var integerAndString = (left.Type is IntegerType && PrintfChecker.PrintsAsText(right.Type)) || (PrintfChecker.PrintsAsText(left.Type) && right.Type is IntegerType);
        if (integerAndString)
            _diagnostics.ReportOperandTypeMismatch(binary.Span, op, binary.Left.Span, TypeNames.Of(left.Type), binary.Right.Span, TypeNames.Of(right.Type));
        else
            _diagnostics.ReportInvalidOperands(_context.TokenSpan(left.Span.End, right.Span.Start, op) ?? binary.Span, op, TypeNames.Of(left.Type), TypeNames.Of(right.Type));
    }

    private static string UnaryOperatorText(UnaryOperator op) => op switch
    {
        UnaryOperator.Negate => "-",
        UnaryOperator.LogicalNot => "!",
        UnaryOperator.BitwiseNot => "~",
        UnaryOperator.Dereference => "dereference",
        _ => "&",
    };
}
