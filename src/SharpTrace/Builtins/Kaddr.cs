using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary><c>kaddr("name")</c>: the address of a kernel symbol, looked up in /proc/kallsyms when the script is compiled.</summary>
internal sealed class Kaddr : BuiltinFunction
{
    public override string Name => "kaddr";

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (call.Arguments.Count != 1)
        {
            context.Diagnostics.ReportWrongArgumentCount(call.Span, Name, 1, call.Arguments.Count);
            return context.Error(call.Span);
        }
        if (call.Arguments[0] is not StringLiteral symbol)
        {
            context.Diagnostics.Error(call.Span, $"{Name}() expects a string literal ({(call.Arguments[0] is IntegerLiteral ? "integer" : "expression")} provided)");
            return context.Error(call.Span);
        }
        if (context.Kallsyms().AddressOf(symbol.Value) is not { } address)
        {
            context.Diagnostics.Error(call.Span, $"Failed to resolve kernel symbol: {symbol.Value}");
            return context.Error(call.Span);
        }
        return new BoundIntegerLiteral(call.Span, unchecked((long)address), BpfType.UInt64);
    }
}
