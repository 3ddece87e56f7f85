using System.Globalization;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Semantics;

/// <summary>
/// A script's <c>config = { name = value; ... }</c> block applied to the configuration from the environment and the
/// command line: literals only, each variable checked by <see cref="ConfigVariables"/>.
/// </summary>
internal static class ConfigBinder
{
    /// <summary>The configuration with the block's values set; a value set outside the script is kept (bpftrace's precedence).</summary>
    public static ProgramConfig Bind(ConfigBlock block, ProgramConfig config, DiagnosticBag diagnostics)
    {
        foreach (var entry in block.Entries)
        {
            if (LiteralText(entry.Value) is not { } text)
            {
                diagnostics.Error(entry.Value.Span, $"Invalid value for {entry.Key}: expected a literal");
                continue;
            }
            var key = entry.Key;
            if (ConfigVariables.Obsolete(key, out var renamed) is { } obsolete)
            {
                diagnostics.Warning(entry.Span, obsolete);
                if (renamed is null)
                    continue;
                key = renamed;
            }
            var name = ConfigVariables.Canonical(key);
            if (config.SetOutsideScript.Contains(name) && ConfigVariables.Names.Contains(name))
                continue;
            if (ConfigVariables.TrySet(config, key, text, out var error) is { } set)
                config = set;
            else
                diagnostics.Error(entry.Span, error!);
        }
        return config;
    }

    /// <summary>The value as config variables read it from the environment: a literal's text; null for other expressions.</summary>
    private static string? LiteralText(Expression value) => value switch
    {
        IntegerLiteral i => i.Value.ToString(CultureInfo.InvariantCulture),
        BooleanLiteral b => b.Value ? "true" : "false",
        Identifier id => id.Name,
        StringLiteral str => str.Value,
        _ => null,
    };
}
