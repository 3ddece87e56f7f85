namespace SharpTrace.Tests.Golden;

/// <summary>
/// One dump a golden file holds for each script: the file's suffix (<c>NAME.SUFFIX.txt</c>) and how a compiled
/// program prints it, as <c>sharptrace -d SUFFIX</c> does.
/// </summary>
internal sealed record GoldenDump(string Suffix, Func<TraceProgram, string> Print)
{
    /// <summary>Every dump checked for every script. A new <c>-d</c> stage is one line here, then a bless run.</summary>
    public static IReadOnlyList<GoldenDump> All { get; } =
    [
        new("types", program => program.DescribeTypes()),
        new("ir", program => program.DescribeIr()),
        new("bpf", program => program.Disassemble()),
    ];
}
