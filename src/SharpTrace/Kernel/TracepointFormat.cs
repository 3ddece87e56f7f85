using System.Globalization;

namespace SharpTrace.Kernel;

/// <summary>
/// One field of a tracepoint's record, from its tracefs format file. <c>CType</c> is the declared type without
/// the field name or array suffix ("const char *", "char" for "char comm[16]", "char[]" for "__data_loc char[]").
/// </summary>
internal sealed record TracepointField(
    string Name, string CType, int Offset, int Size, bool IsSigned, bool IsDataLoc, int? ArrayLength);

/// <summary>The layout of a tracepoint's record: the common_* header fields and the event's own fields.</summary>
internal sealed record TracepointFormat(
    string Name, int Id, IReadOnlyList<TracepointField> CommonFields, IReadOnlyList<TracepointField> Fields)
{
    /// <summary>Parses the text of events/CATEGORY/NAME/format.</summary>
    public static TracepointFormat Parse(string text)
    {
        string name = "";
        var id = 0;
        var common = new List<TracepointField>();
        var fields = new List<TracepointField>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("name:", StringComparison.Ordinal))
                name = line["name:".Length..].Trim();
            else if (line.StartsWith("ID:", StringComparison.Ordinal))
                id = int.Parse(line["ID:".Length..].Trim(), CultureInfo.InvariantCulture);
            else if (line.StartsWith("field:", StringComparison.Ordinal))
            {
                var field = ParseField(line);
                (field.Name.StartsWith("common_", StringComparison.Ordinal) ? common : fields).Add(field);
            }
        }
        return new TracepointFormat(name, id, common, fields);
    }

    // A line looks like "field:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;".
    private static TracepointField ParseField(string line)
    {
        var declaration = "";
        int offset = 0, size = 0;
        var isSigned = false;
        foreach (var part in line.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':');
            if (colon < 0)
                continue;
            var value = part[(colon + 1)..].Trim();
            switch (part[..colon])
            {
                case "field": declaration = value; break;
                case "offset": offset = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "size": size = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "signed": isSigned = value == "1"; break;
            }
        }

        var isDataLoc = declaration.StartsWith("__data_loc ", StringComparison.Ordinal);
        if (isDataLoc)
            declaration = declaration["__data_loc ".Length..].Trim();

        // "char comm[16]": the brackets follow the name ("__data_loc char[] name" has them in the type).
        int? arrayLength = null;
        if (declaration.EndsWith(']'))
        {
            var open = declaration.LastIndexOf('[');
            arrayLength = int.TryParse(declaration[(open + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n : null;
            declaration = declaration[..open].TrimEnd();
        }

        var nameStart = declaration.Length;
        while (nameStart > 0 && (char.IsAsciiLetterOrDigit(declaration[nameStart - 1]) || declaration[nameStart - 1] == '_'))
            nameStart--;
        var fieldName = declaration[nameStart..];
        var cType = declaration[..nameStart].Trim();
        return new TracepointField(fieldName, cType, offset, size, isSigned, isDataLoc, arrayLength);
    }
}
