namespace SharpTrace.Semantics;

/// <summary>The strftime() formats of one compilation; a timestamp value holds the id of its format.</summary>
internal sealed class TimestampFormats
{
    private readonly List<string> _formats = [];

    public int IdOf(string format)
    {
        var id = _formats.IndexOf(format);
        if (id >= 0)
            return id;
        _formats.Add(format);
        return _formats.Count - 1;
    }

    /// <summary>The format with <paramref name="id"/>; null for an id no call has (a zeroed value).</summary>
    public string? this[ulong id] => id < (ulong)_formats.Count ? _formats[(int)id] : null;
}
