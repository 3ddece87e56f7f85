using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Getopt))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>getopt("name"[, default[, "description"]])</c>: a named argument given after <c>--</c> on the command line
/// (<c>--name=value</c>, or <c>--name</c> for a boolean). The default's literal gives the type: none or a boolean is a
/// boolean, a string a string, a number an unsigned integer (a negative one a signed integer). The value is known when
/// the program is compiled, so the call is a constant; the checks are the newest bpftrace's, in its words.
/// </summary>
internal sealed class Getopt : BuiltinFunction
{
    public override string Name => "getopt";

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        var diagnostics = context.Diagnostics;
        if (call.Arguments.Count is 0 or > 3)
        {
            diagnostics.Error(call.Span, "The 'getopt' function can take a maximum of three arguments and a minimum of one argument.");
            return context.Error(call.Span);
        }
        if (call.Arguments[0] is not StringLiteral name)
        {
            diagnostics.Error(call.Arguments[0].Span, "First argument to 'getopt' must be a string literal.");
            return context.Error(call.Span);
        }
        var description = "";
        if (call.Arguments.Count == 3)
        {
            if (call.Arguments[2] is not StringLiteral text)
            {
                diagnostics.Error(call.Arguments[2].Span, "Function 'getopt' requires the third parameter to be a string literal.");
                return context.Error(call.Span);
            }
            description = text.Value;
        }
        (NamedArgumentKind Kind, string Default)? typed = call.Arguments.Count == 1 ? (NamedArgumentKind.Boolean, "false") : call.Arguments[1] switch
        {
            BooleanLiteral b => (NamedArgumentKind.Boolean, b.Value ? "true" : "false"),
            StringLiteral s => (NamedArgumentKind.String, s.Value),
            IntegerLiteral i => (NamedArgumentKind.Unsigned, i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            UnaryExpression { Operator: UnaryOperator.Negate, Operand: IntegerLiteral i } => (NamedArgumentKind.Signed, "-" + i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => null,
        };
        if (typed is not var (kind, defaultValue))
        {
            diagnostics.Error(call.Arguments[1].Span, "Second argument to 'getopt' must be a string literal, integer literal, or a boolean literal.");
            return context.Error(call.Span);
        }
        var argument = new NamedArgument(name.Value, kind, defaultValue, description);
        if (context.DefineNamedArgument?.Invoke(argument) is { } conflict)
        {
            diagnostics.Error(call.Span, conflict);
            return context.Error(call.Span);
        }
        if (NamedArguments.Value(argument, context.Config.NamedArguments, out var error) is not { } value)
        {
            diagnostics.Error(call.Span, error!);
            return context.Error(call.Span);
        }
        return kind switch
        {
            NamedArgumentKind.Boolean => context.Bind(new BooleanLiteral(call.Span, value == "true")),
            NamedArgumentKind.String => new BoundStringLiteral(call.Span, value),
            NamedArgumentKind.Unsigned => new BoundIntegerLiteral(call.Span, unchecked((long)ulong.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), BpfType.UInt64),
            _ => new BoundIntegerLiteral(call.Span, long.Parse(value, System.Globalization.CultureInfo.InvariantCulture), BpfType.Int64),
        };
    }
}
