using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>
/// What turning a probe's bytes into printed values needs of the run, given whole to every decoder (records, map
/// snapshots, the live maps): the symbolizer that names stacks and addresses, and the config's
/// <c>str_trunc_trailer</c>, printed after a string that fills its whole buffer.
/// </summary>
internal sealed record DecodingContext(Symbolizer Symbols, string TruncationTrailer)
{
    /// <summary>The decoding of a run of a program compiled with <paramref name="config"/>.</summary>
    public static DecodingContext For(ProgramConfig config, Symbolizer symbols) => new(symbols, config.StrTruncTrailer);
}
