namespace SharpTrace.Syntax;

/// <summary>A range of characters in a source text.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    /// <summary>The position just after the span.</summary>
    public int End => Start + Length;

    /// <summary>The span from <paramref name="start"/> up to (not including) <paramref name="end"/>.</summary>
    public static TextSpan FromBounds(int start, int end) => new(start, end - start);

    /// <summary>The smallest span covering this one and <paramref name="other"/>.</summary>
    public TextSpan Cover(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));

    /// <summary>The span as a half-open range of positions, <c>[start..end)</c>.</summary>
    public override string ToString() => $"[{Start}..{End})";
}
