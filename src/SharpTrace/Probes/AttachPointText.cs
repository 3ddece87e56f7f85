using System.Globalization;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Probes;

/// <summary>Pieces of attach-point syntax several probe kinds share: numbers and <c>FUNC+OFFSET</c>.</summary>
internal static class AttachPointText
{
    /// <summary>
    /// Splits <c>FUNC+OFFSET</c> into the function and the offset (0 without one); false, with the error reported,
    /// when the offset is not a number or the probe kind takes none (return probes).
    /// </summary>
    public static bool TrySplitOffset(ref string function, bool offsetAllowed, AttachPoint point, DiagnosticBag diagnostics, out ulong offset)
    {
        offset = 0;
        if (function.LastIndexOf('+') is not (var plus and > 0))
            return true;
        if (!offsetAllowed)
        {
            diagnostics.Error(point.Span, "Offset not allowed");
            return false;
        }
        if (!TryParseInteger(function[(plus + 1)..], out offset))
        {
            diagnostics.Error(point.Span, $"Invalid offset: {function[(plus + 1)..]}");
            return false;
        }
        function = function[..plus];
        return true;
    }

    /// <summary>Decimal or 0x-prefixed hexadecimal, as attach points write numbers.</summary>
    public static bool TryParseInteger(string text, out ulong value) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
