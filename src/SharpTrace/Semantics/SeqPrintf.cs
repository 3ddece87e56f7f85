using System.Text;
using SharpTrace.Syntax;

namespace SharpTrace.Semantics;

/// <summary>
/// <c>printf</c> in probes whose output is a seq_file (<see cref="ProbeContext.PrintsToSeqFile"/>: iterators), as
/// bpftrace compiles it: <c>bpf_seq_printf</c> in the probe, so the kernel formats the text and reading the iterator
/// (or <c>cat</c> of its pinned file) returns it. The kernel formats only its subset: flags <c>0+- </c> and a width,
/// <c>%d %i %u %x %X %c %s %p</c>, at most twelve arguments; integers are handed over as 64 bits (the conversion gets
/// <c>ll</c>, so <c>%d</c> of a u64 is not cut to 32 bits) and strings as their address on the probe's stack.
/// </summary>
internal static class SeqPrintf
{
    /// <summary>MAX_BPRINTF_VARARGS in the kernel.</summary>
    public const int MaxArguments = 12;

    /// <summary>The bound call, or null after reporting what the kernel cannot format.</summary>
    public static BoundSeqPrintf? Bind(TextSpan span, TextSpan formatSpan, FormatArguments bound, DiagnosticBag diagnostics)
    {
        if (bound.Arguments.Count > MaxArguments)
        {
            diagnostics.Error(span, $"printf in iter probes takes at most {MaxArguments} arguments (bpf_seq_printf)");
            return null;
        }
        var format = new StringBuilder();
        var text = bound.Format;
        var argument = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                format.Append(text[i]);
                continue;
            }
            if (i + 1 < text.Length && text[i + 1] == '%')
            {
                format.Append("%%");
                i++;
                continue;
            }
            var j = i + 1;
            var flags = new StringBuilder();
            while (j < text.Length && "0+- ".Contains(text[j], StringComparison.Ordinal))
                flags.Append(text[j++]);
            while (j < text.Length && char.IsAsciiDigit(text[j]))
                flags.Append(text[j++]);
            while (j < text.Length && "lhzjt".Contains(text[j], StringComparison.Ordinal))
                j++;
            var conversion = j < text.Length ? text[j] : '\0';
            var type = argument < bound.Arguments.Count ? bound.Arguments[argument].Type : null;
            var converted = conversion switch
            {
                'd' or 'i' or 'u' or 'x' or 'X' when type is not StringType => $"%{flags}ll{conversion}",
                'c' when type is not StringType => $"%{flags}c",
                'p' when type is not StringType => $"0x%{flags}llx",
                's' when type is StringType => $"%{flags}s",
                _ => null,
            };
            if (converted is null)
            {
                var what = conversion is 'd' or 'i' or 'u' or 'x' or 'X' or 'c' or 'p' or 's'
                    ? $"%{conversion} cannot print a value of type {TypeNames.Of(type!)}"
                    : $"%{conversion} is not one of %d %i %u %x %X %c %s %p";
                diagnostics.Error(formatSpan, $"printf in iter probes is formatted by the kernel (bpf_seq_printf): {what}");
                return null;
            }
            format.Append(converted);
            argument++;
            i = j;
        }
        return new BoundSeqPrintf(span, format.ToString(), bound.Arguments);
    }
}

/// <summary>A <c>printf</c> written to the context's seq_file: <see cref="Format"/> as the kernel takes it, then the arguments.</summary>
internal sealed record BoundSeqPrintf(TextSpan Span, string Format, IReadOnlyList<BoundExpression> Arguments) : BoundStatement(Span);
