using SharpTrace.Kernel;
using SharpTrace.Runtime;

namespace SharpTrace.Tests.Output;

/// <summary>The decoding of a run without the machine's symbols: stacks and addresses print as raw hex.</summary>
internal static class OfflineDecoding
{
    /// <summary>A fresh context (its symbolizer keeps state) whose strings that fill their buffer end with <paramref name="truncationTrailer"/>.</summary>
    public static DecodingContext With(string truncationTrailer) =>
        new(new Symbolizer(() => Kallsyms.Parse(TextReader.Null), _ => new ProcessMaps([]), _ => PerfMap.Empty), truncationTrailer);

    /// <summary>As a run with the default config decodes: the trailer is <c>..</c>.</summary>
    public static DecodingContext Default() => With(new SharpTrace.Semantics.ProgramConfig().StrTruncTrailer);
}
