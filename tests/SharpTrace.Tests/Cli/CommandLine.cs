using SharpTrace.Cli;

namespace SharpTrace.Tests.Cli;

/// <summary>The command line parsed as the CLI parses it, for tests of its options.</summary>
internal static class CommandLine
{
    /// <summary>The options <paramref name="args"/> give; fails the test with the parser's error when they give none.</summary>
    public static CliOptions Parse(params string[] args)
    {
        var options = new CommandLineOptions().Parse(args, out _, out var error);
        Assert.True(options is not null, error);
        return options!;
    }

    /// <summary>The error <paramref name="args"/> give; fails the test when they parse.</summary>
    public static string ParseError(params string[] args)
    {
        var options = new CommandLineOptions().Parse(args, out _, out var error);
        Assert.Null(options);
        return error!;
    }
}
