using System.Globalization;
using SharpTrace.Kernel.Dwarf;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Probes;

/// <summary>
/// <c>uprobe:BINARY@FILE:LINE[:COLUMN]</c>, as the newest bpftrace writes a uprobe on a source statement: the file is
/// matched against the ends of the paths in the binary's line tables (<c>readline.c</c>, <c>lib/readline.c</c>), and
/// the probe goes where that line's statements start. bpftrace attaches at the line's lowest address only; here each
/// function holding the line (inlined copies included) gets a probe at its lowest is_stmt row, as a debugger places a
/// breakpoint. The messages are bpftrace's.
/// </summary>
internal static class UprobeSourceLocation
{
    /// <summary>Whether <paramref name="point"/> names a source location (an <c>@</c> after the binary).</summary>
    public static bool Names(AttachPoint point) => point.Parts.Count > 0 && point.Parts[0].Contains('@');

    /// <summary>The probes at the source location <paramref name="point"/> names; none, after an error, when it names no code.</summary>
    public static IEnumerable<ProbeSpec> Resolve(ProbeKind kind, bool isReturn, AttachPoint point, ProbeResolution resolution)
    {
        var diagnostics = resolution.Diagnostics;
        if (isReturn)
        {
            diagnostics.Error(point.Span, "Source code location not allowed");
            return [];
        }
        var at = point.Parts[0].IndexOf('@');
        var target = point.Parts[0][..at];
        string[] location = [point.Parts[0][(at + 1)..], .. point.Parts.Skip(1)];
        if (Wildcard.Has(target))
        {
            diagnostics.Error(point.Span, "Cannot use wildcards with source code location");
            return [];
        }
        if (location.Length is not (2 or 3) || location[0].Length == 0 || location[1].Length == 0)
        {
            diagnostics.Error(point.Span, $"Invalid uprobe arguments, expected format: {kind.Name}:TARGET@FILE:LINE[:COL]");
            return [];
        }
        var file = location[0];
        if (!AttachPointText.TryParseInteger(location[1], out var line) || line > int.MaxValue)
        {
            diagnostics.Error(point.Span, $"Invalid line number: invalid integer: {location[1]}");
            return [];
        }
        ulong column = 0;
        if (location.Length == 3 && (!AttachPointText.TryParseInteger(location[2], out column) || column > int.MaxValue))
        {
            diagnostics.Error(point.Span, $"Invalid column number: invalid integer: {location[2]}");
            return [];
        }
        if (target.Length == 0)
        {
            diagnostics.Error(point.Span, "Unspecified target binary, cannot attach by source code location.");
            return [];
        }
        if (UprobeTargets.Open(kind.Name, target, point, resolution) is not ({ } path, { } elf))
            return [];
        if (resolution.DebugInfo.Lines(path) is not { } lines)
        {
            diagnostics.Error(point.Span, $"No DWARF debug info found for '{target}', cannot attach by source code location.");
            return [];
        }

        var files = lines.FilesEndingWith(file);
        if (files.Count == 0)
        {
            diagnostics.Error(point.Span, $"No compilation unit matches {file}");
            return [];
        }
        if (files.Count > 1)
        {
            diagnostics.Error(point.Span, $"Ambiguous source path, matches multiple files: {string.Join(", ", files)}");
            return [];
        }
        var rows = lines.RowsAt(files[0], (int)line, (int)column);
        var statements = rows.Where(r => r.IsStatement).ToList() is { Count: > 0 } starts ? starts : rows;
        // The lowest address of the line in each function: a loop's line has rows at its start and at its test.
        var addresses = statements
            .GroupBy(r => elf.Functions.FirstOrDefault(f => r.Address >= f.Address && r.Address < f.Address + f.Size)?.Address ?? r.Address)
            .Select(g => g.Min(r => r.Address))
            .Order()
            .ToList();
        var specs = addresses
            .Select(address => elf.FileOffsetOf(address) is { } fileOffset ? new ProbeSpec(kind, path) { Offset = address, FileOffset = fileOffset } : null)
            .OfType<ProbeSpec>()
            .ToList();
        if (specs.Count == 0)
        {
            var written = $"{file}:{line.ToString(CultureInfo.InvariantCulture)}" + (column > 0 ? $":{column.ToString(CultureInfo.InvariantCulture)}" : "");
            diagnostics.Error(point.Span, $"Unable to map '{written}' to address");
        }
        return specs;
    }
}
