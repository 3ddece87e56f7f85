using SharpTrace.Output;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Fail))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>fail(fmt, args...)</c>: stops the compilation with the formatted text as an error at the call, as the newest
/// bpftrace's type checker does whenever it reaches one (a run-time <c>if</c> around it does not help; an
/// <c>if comptime</c> whose other branch is taken does, since the branch not taken is never bound). Its arguments
/// must be literals once folded (a positional parameter is one), the first a string; an argument whose folding fails
/// (an overflow) is that error alone, as the reference stops after folding.
/// </summary>
internal sealed class Fail : BuiltinFunction
{
    public override string Name => "fail";

    public override bool IsStatement => true;

    // The reference's pre-type-check allows 1 to 128 arguments.
    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        if (HasArgumentCount(call, context, 1, 128) && Message(call.Span, call.Arguments, context) is { } message)
            context.Diagnostics.Error(call.Span, message);
        return context.Error(call.Span);
    }

    /// <summary>
    /// The text <c>fail(arguments)</c> stops with; null after reporting, at <paramref name="span"/>, in the reference's
    /// words, that an argument is not a literal or the first not a string.
    /// </summary>
    public static string? Message(TextSpan span, IReadOnlyList<Expression> arguments, BuiltinContext context)
    {
        var values = new List<RuntimeValue>();
        string? format = null;
        var valid = true;
        for (var i = 0; i < arguments.Count; i++)
        {
            var value = CompileTime.Fold(arguments[i], context, out var failed);
            if (failed)
                valid = false;
            else if (value is null)
            {
                context.Diagnostics.Error(span, "fail() arguments need to be literals");
                valid = false;
            }
            else if (i == 0 && value is StringValue text)
                format = text.Value;
            else if (i == 0)
            {
                context.Diagnostics.Error(span, "first argument to fail() must be a string literal");
                valid = false;
            }
            else if (value is not TupleValue) // the reference formats strings, integers and booleans, and skips tuples
                values.Add(value);
        }
        return valid && format is not null ? Format(format, values) : null;
    }

    // As the reference formats: each conversion that has an argument with the text before it, then the text after the
    // last conversion (so "size %d" without arguments is "").
    private static string Format(string format, IReadOnlyList<RuntimeValue> values)
    {
        var conversions = PrintfFormat.Parse(format).Conversions;
        if (values.Count >= conversions.Count)
            return PrintfFormatter.Format(format, values.Take(conversions.Count).ToList());
        var last = conversions[^1];
        var formatted = values.Count == 0 ? "" : PrintfFormatter.Format(format[..(conversions[values.Count - 1].Offset + conversions[values.Count - 1].Text.Length)], values);
        return formatted + format[(last.Offset + last.Text.Length)..];
    }
}
