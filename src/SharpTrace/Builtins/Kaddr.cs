using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Kaddr))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>kaddr("name")</c>: the address of a kernel symbol, looked up in /proc/kallsyms when the script is compiled. A
/// symbol the kernel does not list (data symbols need CONFIG_KALLSYMS_ALL) lets the script type-check; the run fails
/// before anything loads with an error at the call, as the newest bpftrace's code generator gives it.
/// </summary>
internal sealed class Kaddr : BuiltinFunction
{
    public override string Name => "kaddr";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        // A string literal once literals are folded, as in the newest bpftrace: str($1) is one (runtime/other
        // "positional as string literal").
        var bound = context.Bind(call.Arguments[0]);
        if (bound is not BoundStringLiteral { Value: var symbol })
        {
            ReportStringLiteralExpected(call, call.Arguments[0], bound.Type, context);
            return context.Error(call.Span);
        }
        var address = context.Kallsyms().AddressOf(symbol);
        if (address is null)
            context.CannotCompile?.Invoke(call.Span, $"Failed to resolve kernel symbol: {symbol}");
        return new BoundKaddr(call.Span, unchecked((long)(address ?? 0)));
    }
}

/// <summary>
/// The address <c>kaddr</c> found: a constant in the code, but not a literal, as in the newest bpftrace (whose code
/// generator puts it in), so <c>str(kaddr("name"))</c> reads the string there and <c>is_literal()</c> of it is false.
/// </summary>
internal sealed record BoundKaddr(Syntax.TextSpan Span, long Address) : BoundBuiltinCall(Span, BpfType.UInt64)
{
    internal override Lowering.Operand? Lower(Lowering.ProbeLowerer lowering) => new Lowering.Imm(Address);
}
