namespace SharpTrace.Semantics;

/// <summary>
/// bpftrace's config variables: their names, their environment variables, and how a value sets each. A value comes
/// as text whether it was written in a script's <c>config</c> block or in the environment, so both parse alike.
/// </summary>
internal static class ConfigVariables
{
    private const string EnvironmentPrefix = "BPFTRACE_";

    private sealed record Variable(string Name, string Expected, bool HasEffect, Func<ProgramConfig, string, ProgramConfig?> Set);

    private static readonly Variable[] All =
    [
        new("max_strlen", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { MaxStrlen = n } : null),
        new("max_map_keys", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { MaxMapKeys = n } : null),
        new("print_maps_on_exit", "true or false", true, (c, v) => Boolean(v) is { } b ? c with { PrintMapsOnExit = b } : null),
        new("perf_rb_pages", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { PerfRbPages = n } : null),
        new("max_probes", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { MaxProbes = n } : null),
        new("max_cat_bytes", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { MaxCatBytes = n } : null),
        new("stack_mode", "bpftrace, perf or raw", true, (c, v) => v is "bpftrace" or "perf" or "raw" ? c with { StackMode = v } : null),
        // Known to bpftrace, accepted and checked, but the features they tune do not exist here yet.
        new("max_bpf_progs", "a positive integer", false, (c, v) => Positive(v) is not null ? c : null),
        new("log_size", "a positive integer", false, (c, v) => Positive(v) is not null ? c : null),
        new("max_type_res_iterations", "an integer", false, (c, v) => long.TryParse(v, out _) ? c : null),
        new("on_stack_limit", "an integer", false, (c, v) => long.TryParse(v, out _) ? c : null),
        new("cpp_demangle", "true or false", false, (c, v) => Boolean(v) is not null ? c : null),
        new("lazy_symbolication", "true or false", false, (c, v) => Boolean(v) is not null ? c : null),
        new("probe_inline", "true or false", false, (c, v) => Boolean(v) is not null ? c : null),
        new("str_trunc_trailer", "a string", false, (c, _) => c),
        new("missing_probes", "ignore, warn or error", false, (c, v) => v is "ignore" or "warn" or "error" ? c : null),
        new("cache_user_symbols", "PER_PID, PER_PROGRAM or NONE", false, (c, v) => v is "PER_PID" or "PER_PROGRAM" or "NONE" or "0" or "1" ? c : null),
    ];

    // bpftrace 0.17's older environment names for three of the variables.
    private static readonly (string Environment, string Name)[] LegacyEnvironmentNames =
    [
        ("BPFTRACE_STRLEN", "max_strlen"),
        ("BPFTRACE_MAP_KEYS_MAX", "max_map_keys"),
        ("BPFTRACE_CAT_BYTES_MAX", "max_cat_bytes"),
    ];

    /// <summary>Every config variable name, in lower case without the BPFTRACE_ prefix.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(v => v.Name).ToList();

    /// <summary>The variables that change what SharpTrace does; the others are accepted and checked only.</summary>
    public static IReadOnlyList<string> Effective { get; } = All.Where(v => v.HasEffect).Select(v => v.Name).ToList();

    /// <summary>The variable's canonical name: lower case, without the BPFTRACE_ prefix (bpftrace accepts both).</summary>
    public static string Canonical(string key)
    {
        var name = key.ToLowerInvariant();
        return name.StartsWith("bpftrace_", StringComparison.Ordinal) ? name["bpftrace_".Length..] : name;
    }

    /// <summary>Sets <paramref name="key"/> from its text; returns null and an error message when the key or value is wrong.</summary>
    public static ProgramConfig? TrySet(ProgramConfig config, string key, string value, out string? error)
    {
        var name = Canonical(key);
        if (All.FirstOrDefault(v => v.Name == name) is not { } variable)
        {
            error = $"Unrecognized config variable: {key}" + (Suggest(name) is { } s ? $" (did you mean {s}?)" : "");
            return null;
        }
        var set = variable.Set(config, value.Trim());
        error = set is null ? $"Invalid value for {variable.Name}: expected {variable.Expected}, got '{value}'" : null;
        return set;
    }

    /// <summary>
    /// Applies every BPFTRACE_* variable of <paramref name="environment"/> that names a config variable, and marks them
    /// set outside the script. Returns null with an error message for an invalid value.
    /// </summary>
    public static ProgramConfig? FromEnvironment(ProgramConfig config, IReadOnlyDictionary<string, string> environment, out string? error)
    {
        var fixedNames = new HashSet<string>(config.SetOutsideScript);
        foreach (var (variable, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!variable.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
                continue;
            var name = LegacyEnvironmentNames.FirstOrDefault(l => l.Environment == variable).Name ?? Canonical(variable);
            if (!Names.Contains(name))
                continue; // BPFTRACE_BTF, BPFTRACE_VMLINUX and others are not config variables.
            if (TrySet(config, name, value, out error) is not { } set)
            {
                error = $"environment variable {variable}: {error}";
                return null;
            }
            config = set;
            fixedNames.Add(name);
        }
        error = null;
        return config with { SetOutsideScript = fixedNames };
    }

    /// <summary>The known name closest to <paramref name="name"/>, if it is close enough to be a typo.</summary>
    public static string? Suggest(string name)
    {
        var best = All.Select(v => (v.Name, Distance: EditDistance(name, v.Name))).MinBy(c => c.Distance);
        return best.Distance <= Math.Max(2, name.Length / 3) ? best.Name : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    private static int? Positive(string text) => int.TryParse(text, out var n) && n > 0 ? n : null;

    private static bool? Boolean(string text) => text switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };
}
