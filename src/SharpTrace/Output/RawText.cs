using System.Text;
using System.Text.Unicode;

namespace SharpTrace.Output;

/// <summary>
/// Bytes as text without losing the ones that are not UTF-8. A traced process's <c>comm</c>, a file name or a script's
/// string literal is a byte string, and bpftrace prints it byte for byte. SharpTrace keeps such values as .NET strings:
/// valid UTF-8 decodes as usual, and each byte of an invalid sequence (always 0x80-0xFF) becomes the lone low
/// surrogate U+DC80-U+DCFF, which valid UTF-8 can never produce (the scheme Python calls "surrogateescape"). Encoding
/// turns those characters back into their bytes, so text output is the traced bytes exactly; JSON output, which must be
/// UTF-8, prints them as U+FFFD instead (<see cref="ToValidUnicode"/>).
/// </summary>
internal static class RawText
{
    private const char FirstEscape = '\uDC80';
    private const char LastEscape = '\uDCFF';

    /// <summary>The character standing for the byte <paramref name="b"/> (0x80-0xFF) that is not part of valid UTF-8.</summary>
    public static char Escape(byte b) => (char)(0xDC00 + b);

    /// <summary>The text of <paramref name="bytes"/>: UTF-8, with each byte of an invalid sequence kept as its escape character.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
            return Encoding.UTF8.GetString(bytes);
        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
                text.Append(rune.ToString());
            else
                foreach (var b in bytes[..consumed])
                    text.Append(Escape(b));
            bytes = bytes[consumed..];
        }
        return text.ToString();
    }

    /// <summary>The bytes of <paramref name="text"/>: UTF-8, with escape characters turned back into their bytes.</summary>
    public static byte[] GetBytes(string text)
    {
        if (!HasEscapes(text))
            return Encoding.UTF8.GetBytes(text);
        var bytes = new byte[GetByteCount(text)];
        var pending = '\0';
        Encode(text, bytes, ref pending, flush: true);
        return bytes;
    }

    /// <summary>How many bytes <see cref="GetBytes"/> gives for <paramref name="text"/>.</summary>
    public static int GetByteCount(string text)
    {
        var pending = '\0';
        return HasEscapes(text) ? Encode(text, [], ref pending, flush: true, countOnly: true) : Encoding.UTF8.GetByteCount(text);
    }

    /// <summary><paramref name="text"/> with its escape characters replaced by U+FFFD, for output that must be valid Unicode.</summary>
    public static string ToValidUnicode(string text)
    {
        if (!HasEscapes(text))
            return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is >= FirstEscape and <= LastEscape && (i == 0 || !char.IsHighSurrogate(chars[i - 1])))
                chars[i] = '\uFFFD';
        return new string(chars);
    }

    private static bool HasEscapes(ReadOnlySpan<char> text) => text.IndexOfAnyInRange(FirstEscape, LastEscape) >= 0;

    /// <summary>
    /// Encodes <paramref name="chars"/> into <paramref name="bytes"/> (or only counts), returning the byte count.
    /// <paramref name="pendingHigh"/> carries a high surrogate whose pair may start the next call.
    /// </summary>
    private static int Encode(ReadOnlySpan<char> chars, Span<byte> bytes, ref char pendingHigh, bool flush, bool countOnly = false)
    {
        var written = 0;
        Span<byte> one = stackalloc byte[4];
        foreach (var c in chars)
        {
            if (pendingHigh != '\0')
            {
                var high = pendingHigh;
                pendingHigh = '\0';
                if (char.IsLowSurrogate(c))
                {
                    written += Put(new Rune(high, c), bytes, written, one, countOnly);
                    continue;
                }
                written += Put(Rune.ReplacementChar, bytes, written, one, countOnly);
            }
            if (char.IsHighSurrogate(c))
                pendingHigh = c;
            else if (c is >= FirstEscape and <= LastEscape)
            {
                if (!countOnly)
                    bytes[written] = (byte)(c - 0xDC00);
                written++;
            }
            else
                written += Put(char.IsLowSurrogate(c) ? Rune.ReplacementChar : new Rune(c), bytes, written, one, countOnly);
        }
        if (flush && pendingHigh != '\0')
        {
            pendingHigh = '\0';
            written += Put(Rune.ReplacementChar, bytes, written, one, countOnly);
        }
        return written;
    }

    private static int Put(Rune rune, Span<byte> bytes, int at, Span<byte> scratch, bool countOnly) =>
        rune.EncodeToUtf8(countOnly ? scratch : bytes[at..]);

    /// <summary>
    /// The encoding of text output: UTF-8 that writes escape characters as their original bytes. Its encoder keeps a
    /// high surrogate that ends one buffer for the low surrogate that starts the next.
    /// </summary>
    public sealed class OutputEncoding : Encoding
    {
        public static OutputEncoding Instance { get; } = new();

        public override int GetByteCount(char[] chars, int index, int count)
        {
            var pending = '\0';
            return Encode(chars.AsSpan(index, count), [], ref pending, flush: true, countOnly: true);
        }

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
        {
            var pending = '\0';
            return Encode(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex), ref pending, flush: true);
        }

        public override int GetCharCount(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count)).Length;

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
        {
            var text = Decode(bytes.AsSpan(byteIndex, byteCount));
            text.CopyTo(chars.AsSpan(charIndex));
            return text.Length;
        }

        // A BMP character is at most 3 bytes; a surrogate pair is 4 bytes for 2 characters; a pending high surrogate adds 3.
        public override int GetMaxByteCount(int charCount) => checked((charCount + 1) * 3);

        public override int GetMaxCharCount(int byteCount) => byteCount + 1;

        public override Encoder GetEncoder() => new OutputEncoder();

        public override byte[] GetPreamble() => [];

        private sealed class OutputEncoder : Encoder
        {
            private char _pendingHigh;

            public override int GetByteCount(char[] chars, int index, int count, bool flush)
            {
                var pending = _pendingHigh;
                return Encode(chars.AsSpan(index, count), [], ref pending, flush, countOnly: true);
            }

            public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex, bool flush) =>
                Encode(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex), ref _pendingHigh, flush);

            public override void Reset() => _pendingHigh = '\0';
        }
    }
}
