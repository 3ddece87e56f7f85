using System.Text;
using SharpTrace.Bpf;
using SharpTrace.Lowering;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Debugf))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>debugf(fmt, ...)</c>: <c>bpf_trace_printk</c> in the probe, so the text goes to the kernel's trace buffer
/// (<c>/sys/kernel/tracing/trace_pipe</c>), not to our output, as bpftrace does it. The kernel formats it, so the
/// format is the reference's subset: at most three arguments, <c>%d %u %x %p</c> for integers and <c>%s</c> for
/// strings (handed over as the address of the string on the probe's stack); the reference warns that it is not for
/// production use.
/// </summary>
internal sealed class Debugf : BuiltinFunction
{
    /// <summary>bpf_trace_printk takes at most three arguments after the format (bpf-helpers(7)).</summary>
    public const int MaxArguments = 3;

    public override string Name => "debugf";

    public override bool IsStatement => true;

    public override BoundExpression Bind(CallExpression call, BuiltinContext context)
    {
        // The reference's checks and words, in its order: its pre-type check, the printf checks, then debugf's own.
        context.Diagnostics.Warning(call.Span,
            "The debugf() builtin is not recommended for production use. For more information see bpf_trace_printk in bpf-helpers(7).");
        if (call.Arguments.Count - 1 > MaxArguments)
        {
            context.Diagnostics.Error(call.Span, $"cannot use more than {MaxArguments} conversion specifiers");
            return context.Error(call.Span);
        }
        if (context.BindFormat(call) is not { } bound)
            return context.Error(call.Span);
        var ok = true;
        var conversions = Conversions(bound.Format);
        for (var i = 0; i < bound.Arguments.Count && i < conversions.Count; i++)
        {
            var conversion = conversions[i];
            if (conversion is not ('d' or 'u' or 'x' or 'p' or 's'))
            {
                context.Diagnostics.Error(call.Arguments[0].Span, $"Invalid format specifier for `debugf`: {conversion}");
                ok = false;
            }
            else if ((conversion == 's') != (bound.Arguments[i].Type is StringType))
            {
                context.Diagnostics.Error(bound.Arguments[i].Span, $"Type does not match format specifier: {conversion}");
                ok = false;
            }
        }
        return ok ? new BoundDebugf(call.Span, bound.Format, bound.Arguments) : context.Error(call.Span);
    }

    /// <summary>The conversion letter of each of the format's conversions (<c>%%</c> is none).</summary>
    private static List<char> Conversions(string format)
    {
        var conversions = new List<char>();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
                continue;
            if (i + 1 < format.Length && format[i + 1] == '%')
            {
                i++;
                continue;
            }
            var j = i + 1;
            while (j < format.Length && "-+ #0123456789.lhzjt".Contains(format[j], StringComparison.Ordinal))
                j++;
            if (j < format.Length)
                conversions.Add(format[j]);
            i = j;
        }
        return conversions;
    }
}

/// <summary>A bound <c>debugf</c>: the format on the probe's stack, then one bpf_trace_printk call.</summary>
internal sealed record BoundDebugf(TextSpan Span, string Format, IReadOnlyList<BoundExpression> Arguments) : BoundBuiltinCall(Span, BpfType.Void)
{
    public override string Description => "Call debugf \"" + Format.Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
    public override IReadOnlyList<BoundExpression> Operands => Arguments;

    internal override bool LowerStatement(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var bytes = Encoding.UTF8.GetBytes(Format + "\0");
        var format = ir.NewSlot(ProbeLowerer.Align8(bytes.Length));
        ir.Fill(format, 0, bytes);
        var arguments = new List<Operand> { new StackAddress(format), new Imm(bytes.Length) };
        foreach (var argument in Arguments)
        {
            if (argument.Type is StringType text)
            {
                var slot = ir.NewSlot(ProbeLowerer.Align8(text.Size + 1));
                lowering.LowerInto(argument, slot, 0, text.Size, padStrings: true);
                ir.Zero(slot, text.Size, ProbeLowerer.Align8(text.Size + 1) - text.Size);
                arguments.Add(new StackAddress(slot));
            }
            else
                arguments.Add(lowering.LowerScalar(argument));
        }
        ir.Call(HelperFunction.TracePrintk, [.. arguments]);
        return true;
    }
}
