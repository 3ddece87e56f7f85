using SharpTrace.Semantics;
using SharpTrace.Syntax;

namespace SharpTrace.Builtins;

/// <summary>
/// A bound call with a printf-style format that user space acts on (<c>cat</c>, <c>system</c>): its record carries
/// the arguments after the action id, laid out as printf's, and the text is formatted when user space reads it.
/// </summary>
internal sealed record BoundFormattedCall(TextSpan Span, string Function, int Action, IReadOnlyList<BoundExpression> Arguments, IReadOnlyList<BpfType> ArgumentTypes)
    : BoundBuiltinCall(Span, BpfType.Void)
{
    public override string Description => $"Call {Function} #{Action}";
    public override IReadOnlyList<BoundExpression> Operands => Arguments;

    internal override bool LowerStatement(Lowering.ProbeLowerer lowering)
    {
        lowering.LowerRecord(Action, Arguments);
        return true;
    }
}
