namespace SharpTrace.Semantics;

/// <summary>
/// bpftrace's config variables: their names, their environment variables, and how a value sets each. A value comes
/// as text whether it was written in a script's <c>config</c> block or in the environment, so both parse alike.
/// </summary>
internal static class ConfigVariables
{
    private const string EnvironmentPrefix = "BPFTRACE_";

    private sealed record Variable(string Name, string Expected, bool HasEffect, Func<ProgramConfig, string, ProgramConfig?> Set);

    /// <summary>The licenses bpftrace accepts for its programs (all GPL-compatible, so GPL-only helpers stay callable).</summary>
    // Declared before the variables, whose initializer reads it.
    public static IReadOnlyList<string> Licenses { get; } =
        ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"];

    private static readonly Variable[] All =
    [
        new("max_strlen", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { MaxStrlen = n } : null),
        new("max_map_keys", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { MaxMapKeys = n } : null),
        new("print_maps_on_exit", "true or false", true, (c, v) => Boolean(v) is { } b ? c with { PrintMapsOnExit = b } : null),
        new("perf_rb_pages", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { PerfRbPages = n } : null),
        new("max_probes", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { MaxProbes = n } : null),
        new("max_cat_bytes", "a positive integer", true, (c, v) => Positive(v) is { } n ? c with { MaxCatBytes = n } : null),
        new("stack_mode", "bpftrace, perf, raw or build_id", true,
            (c, v) => v is "bpftrace" or "perf" or "raw" or "build_id" ? c with { StackMode = v } : null),
        new("cpp_demangle", "true or false", true, (c, v) => Boolean(v) is { } b ? c with { CppDemangle = b } : null),
        // Off by default, as bpftrace built without blazesym: stacks keep bpftrace 0.17's format unless asked.
        new("show_debug_info", "true or false", true, (c, v) => Boolean(v) is { } b ? c with { ShowDebugInfo = b } : null),
        // sharptrace's own: Rust names (legacy and v0) demangled as rustfilt prints them, like cpp_demangle for C++.
        new("rust_demangle", "true or false", true, (c, v) => Boolean(v) is { } b ? c with { RustDemangle = b } : null),
        // sharptrace's own: ustack unwound as dw_ustack is, where the probe kind allows it (docs/stacks.md).
        new("ustack_unwind", "fp or dwarf", true, (c, v) => v is "fp" or "dwarf" ? c with { UstackUnwind = v } : null),
        // sharptrace's own: the most user stack dw_ustack copies per event, as perf's --call-graph dwarf,SIZE.
        new("dw_ustack_size", "a number of bytes from 4096 to 65536", true,
            (c, v) => Positive(v) is { } n && n >= 4096 && n <= 65536 ? c with { DwUstackSize = n } : null),
        new("license", "one of " + string.Join(", ", Licenses), true, (c, v) => Licenses.Contains(v) ? c with { License = v } : null),
        // What a printed string that filled its whole buffer ends with, as the newest reference marks it truncated.
        new("str_trunc_trailer", "a string", true, (c, v) => c with { StrTruncTrailer = v }),
        new("missing_probes", "ignore, warn or error", true, (c, v) => v is "ignore" or "warn" or "error" ? c with { MissingProbes = v } : null),
        // Known to bpftrace, accepted and checked, but the features they tune do not exist here yet.
        new("max_bpf_progs", "a positive integer", false, (c, v) => Positive(v) is not null ? c : null),
        new("log_size", "a positive integer", false, (c, v) => Positive(v) is not null ? c : null),
        new("max_type_res_iterations", "an integer", false, (c, v) => long.TryParse(v, out _) ? c : null),
        new("on_stack_limit", "an integer", false, (c, v) => long.TryParse(v, out _) ? c : null),
        new("lazy_symbolication", "true or false", false, (c, v) => Boolean(v) is not null ? c : null),
        new("probe_inline", "true or false", false, (c, v) => Boolean(v) is not null ? c : null),
        new("cache_user_symbols", "PER_PID, PER_PROGRAM or NONE", false, (c, v) => v.ToUpperInvariant() is "PER_PID" or "PER_PROGRAM" or "NONE" or "0" or "1" ? c : null),
        new("use_blazesym", "true or false", false, (c, v) => Boolean(v) is not null ? c : null),
        // The newest reference's unstable feature flags: most features they guard are not built here, so they only
        // have to be valid.
        new("unstable_import_statement", "enable, warn or error", false, (c, v) => Unstable(v) ? c : null),
        // tseries reads this one from the settings: it warns or refuses as the reference does.
        new("unstable_tseries", "enable, warn or error", true, (c, v) => Unstable(v) ? c : null),
        new("unstable_typeinfo", "enable, warn or error", false, (c, v) => Unstable(v) ? c : null),
        new("unstable_dw_ustack", "enable, warn or error", false, (c, v) => Unstable(v) ? c : null),
    ];

    // Keys the newest bpftrace dropped: a config block naming one gets a warning, as there.
    private static readonly string[] Deprecated =
        ["symbol_source", "unstable_addr", "unstable_import", "unstable_macro", "unstable_map_decl"];

    // Keys bpftrace renamed: the old name still sets the new one, with a warning.
    private static readonly (string Old, string New)[] Renamed =
        [("strlen", "max_strlen"), ("no_cpp_demangle", "cpp_demangle"), ("cat_bytes_max", "max_cat_bytes"), ("map_keys_max", "max_map_keys")];

    // Settings bpftrace reads from the environment only.
    private static readonly string[] EnvironmentOnly = ["btf", "kernel_build", "kernel_source", "vmlinux"];

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
            if (EnvironmentOnly.Contains(name))
            {
                error = $"{key}: can only be set as an environment variable";
                return null;
            }
            error = $"Unrecognized config variable: {key}" + (Suggest(name) is { } s ? $" (did you mean {s}?)" : "");
            return null;
        }
        var set = variable.Set(config, value.Trim());
        error = set is null ? $"Invalid value for {variable.Name}: expected {variable.Expected}, got '{value}'" : null;
        return set is null ? null : set with { Settings = set.Settings.SetItem(variable.Name, value.Trim()) };
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

    /// <summary>
    /// The warning bpftrace gives for a key it no longer knows but accepts (deprecated: no effect) or renamed (the new
    /// name is set instead); null for any other key. <paramref name="replacement"/> is the renamed key's new name.
    /// </summary>
    public static string? Obsolete(string key, out string? replacement)
    {
        var name = Canonical(key);
        replacement = Renamed.FirstOrDefault(r => r.Old == name).New;
        if (replacement is not null)
            return $"{key} has been renamed, please use {replacement}";
        return Deprecated.Contains(name) ? $"{key} is deprecated and has no effect" : null;
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

    private static bool Unstable(string text) =>
        text.ToLowerInvariant() is "enable" or "warn" or "error" || Boolean(text) is not null;

    private static int? Positive(string text) => int.TryParse(text, out var n) && n > 0 ? n : null;

    private static bool? Boolean(string text) => text switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };
}
