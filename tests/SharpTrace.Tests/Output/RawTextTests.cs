using System.Text;
using CsCheck;
using SharpTrace.Output;

namespace SharpTrace.Tests.Output;

public sealed class RawTextTests
{
    [Fact]
    public void BytesThatAreNotUtf8SurviveDecodingAndEncoding()
    {
        byte[] bytes = [(byte)'a', 0xff, (byte)'b', 0xc3, 0xa9, 0xe2, 0x82, 0xf0, 0x9f, 0x98, 0x80, 0xc3];

        var text = RawText.Decode(bytes);

        Assert.Equal("a\uDCFFb\u00e9\uDCE2\uDC82\U0001F600\uDCC3", text);
        Assert.Equal(bytes, RawText.GetBytes(text));
        Assert.Equal(bytes.Length, RawText.GetByteCount(text));
        Assert.Equal("a\uFFFDb\u00e9\uFFFD\uFFFD\U0001F600\uFFFD", RawText.ToValidUnicode(text));
    }

    [Fact]
    public void AnyBytesRoundTripThroughTheOutputWriterWhateverItsBufferBoundaries()
    {
        Gen.Select(Gen.Byte.Array[0, 64], Gen.Int[1, 8]).Sample((bytes, bufferSize) =>
        {
            var text = RawText.Decode(bytes);
            Assert.Equal(bytes, RawText.GetBytes(text));

            // A tiny writer buffer splits surrogate pairs across encoder calls.
            using var stream = new MemoryStream();
            using (var writer = new StreamWriter(stream, TextOutputWriter.ByteExactEncoding, bufferSize, leaveOpen: true))
                foreach (var c in text)
                    writer.Write(c);
            Assert.Equal(bytes, stream.ToArray());
        });
    }

    [Fact]
    public void ValidUtf8IsPlainText()
    {
        var text = "comm é \U0001F600";
        Assert.Equal(text, RawText.Decode(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(Encoding.UTF8.GetBytes(text), RawText.GetBytes(text));
    }
}
