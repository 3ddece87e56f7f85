namespace SharpTrace.Semantics;

/// <summary>Settings from the script's <c>config</c> block, the environment and the command line.</summary>
public sealed record ProgramConfig
{
    public int MaxStrlen { get; init; } = 64;
    public int MaxMapKeys { get; init; } = 4096;
    public bool PrintMapsOnExit { get; init; } = true;
}
