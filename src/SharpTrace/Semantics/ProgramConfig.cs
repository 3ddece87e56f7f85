namespace SharpTrace.Semantics;

/// <summary>Settings from the script's <c>config</c> block, the environment and the command line.</summary>
public sealed record ProgramConfig
{
    /// <summary>Bytes kept for a string (<c>max_strlen</c>).</summary>
    public int MaxStrlen { get; init; } = 1024;

    /// <summary>
    /// What a string value that fills its whole buffer, with no NUL, prints with after its text (<c>str_trunc_trailer</c>):
    /// the newest reference's mark of a truncated string.
    /// </summary>
    public string StrTruncTrailer { get; init; } = "..";

    /// <summary>Entries a keyed map can hold (<c>max_map_keys</c>).</summary>
    public int MaxMapKeys { get; init; } = 4096;

    /// <summary>Print every map with entries at exit (<c>print_maps_on_exit</c>).</summary>
    public bool PrintMapsOnExit { get; init; } = true;

    /// <summary>
    /// Pages of event buffer per CPU (<c>perf_rb_pages</c>). bpftrace sizes per-CPU perf buffers with it; we have
    /// one BPF ring buffer for all CPUs, sized as pages × CPUs rounded up to a power of two. Null keeps our 1 MiB.
    /// </summary>
    public int? PerfRbPages { get; init; }

    /// <summary>How stacks print (<c>stack_mode</c>: bpftrace, perf, raw or build_id).</summary>
    public string StackMode { get; init; } = "bpftrace";

    /// <summary>Whether C++ names of user frames are demangled (<c>cpp_demangle</c>).</summary>
    public bool CppDemangle { get; init; } = true;

    /// <summary>Whether user stack frames print their source file and line (<c>show_debug_info</c>).</summary>
    public bool ShowDebugInfo { get; init; }

    /// <summary>Whether Rust names of user frames are demangled (<c>rust_demangle</c>, sharptrace's own).</summary>
    public bool RustDemangle { get; init; } = true;

    /// <summary>How a bare <c>ustack</c> walks the user stack (<c>ustack_unwind</c>): <c>fp</c>, frame pointers, or <c>dwarf</c>, as <c>dw_ustack</c>.</summary>
    public string UstackUnwind { get; init; } = "fp";

    /// <summary>Most bytes of the user stack <c>dw_ustack</c> copies per event (<c>dw_ustack_size</c>), in whole pages: 4096 to 65536.</summary>
    public int DwUstackSize { get; init; } = 32768;

    /// <summary>The license the programs are loaded with (<c>license</c>); every accepted one is GPL-compatible.</summary>
    public string License { get; init; } = "GPL";

    /// <summary>Most probes a program may attach (<c>max_probes</c>).</summary>
    public int MaxProbes { get; init; } = 512;

    /// <summary>Most bytes of a file that <c>cat()</c> prints (<c>max_cat_bytes</c>).</summary>
    public int MaxCatBytes { get; init; } = 10240;

    /// <summary>
    /// What happens to an attach point that matches nothing or cannot attach (<c>missing_probes</c>): <c>error</c>
    /// (the default) fails the run, <c>warn</c> skips it with a warning, <c>ignore</c> skips it silently.
    /// </summary>
    public string MissingProbes { get; init; } = "error";

    /// <summary>Every config variable set so far, by canonical name, as its text: <c>config.NAME</c> reads those without a property here.</summary>
    internal System.Collections.Immutable.ImmutableDictionary<string, string> Settings { get; init; } =
        System.Collections.Immutable.ImmutableDictionary<string, string>.Empty;

    /// <summary>Whether unsafe builtins such as <c>system()</c> are allowed (<c>--unsafe</c>).</summary>
    public bool Unsafe { get; init; }

    /// <summary>
    /// Config variables already set by the environment or the command line. A script's <c>config</c> block does not
    /// change them: as in bpftrace, a value from outside the script wins over the script's own.
    /// </summary>
    public IReadOnlySet<string> SetOutsideScript { get; init; } = new HashSet<string>();

    /// <summary>The script's positional parameters, <c>$1</c> to <c>$N</c>, as given on the command line.</summary>
    public IReadOnlyList<string> PositionalParameters { get; init; } = [];

    /// <summary>
    /// The named arguments given after <c>--</c> (<c>--name=value</c>), by name without the dashes; a bare
    /// <c>--name</c> has a null value. <c>getopt</c> reads them.
    /// </summary>
    public IReadOnlyDictionary<string, string?> NamedArguments { get; init; } = new Dictionary<string, string?>();

    /// <summary>The process started by <c>-c</c>, the value of the <c>cpid</c> builtin; null without <c>-c</c>.</summary>
    public int? ChildPid { get; init; }

    /// <summary>The process given with <c>-p</c>: probes other than BEGIN/END only fire for it.</summary>
    public int? TargetPid { get; init; }

    /// <summary>Directories searched first for <c>#include</c>d headers (<c>-I</c>), before the system ones.</summary>
    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];

    /// <summary>Headers included before the script's own lines (<c>--include</c>), for their macros.</summary>
    public IReadOnlyList<string> IncludeFiles { get; init; } = [];

    /// <summary>
    /// Directories searched first for separate debug files (<c>--debuginfo</c>), each absolute or relative to the
    /// traced binary's directory, a leading <c>+</c> asking for the debuglink CRC-32 to be checked; an entry may hold
    /// several, colon-separated. The standard places (<c>/usr/lib/debug</c>, beside the binary, its <c>.debug</c>) follow.
    /// </summary>
    public IReadOnlyList<string> DebugInfoDirectories { get; init; } = [];

    /// <summary>The locator of separate debug files this configuration asks for (<see cref="DebugInfoDirectories"/>).</summary>
    internal Kernel.Elf.DebugFileLocator DebugFileLocator() => Kernel.Elf.DebugFileLocator.WithDirectories(DebugInfoDirectories);

    // The record's ToString with the lists' contents instead of their type names.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"MaxStrlen = {MaxStrlen}, MaxMapKeys = {MaxMapKeys}, PrintMapsOnExit = {PrintMapsOnExit}, ")
            .Append($"PerfRbPages = {PerfRbPages}, StackMode = {StackMode}, UstackUnwind = {UstackUnwind}, DwUstackSize = {DwUstackSize}, CppDemangle = {CppDemangle}, RustDemangle = {RustDemangle}, ShowDebugInfo = {ShowDebugInfo}, License = {License}, MaxProbes = {MaxProbes}, MaxCatBytes = {MaxCatBytes}, ")
            .Append($"MissingProbes = {MissingProbes}, StrTruncTrailer = {StrTruncTrailer}, ")
            .Append($"Unsafe = {Unsafe}, SetOutsideScript = [{string.Join(", ", SetOutsideScript.Order(StringComparer.Ordinal))}], ")
            .Append($"PositionalParameters = [{string.Join(", ", PositionalParameters)}], ChildPid = {ChildPid}, TargetPid = {TargetPid}, ")
            .Append($"IncludeDirectories = [{string.Join(", ", IncludeDirectories)}], IncludeFiles = [{string.Join(", ", IncludeFiles)}], ")
            .Append($"DebugInfoDirectories = [{string.Join(", ", DebugInfoDirectories)}]");
        return true;
    }

    /// <summary>
    /// This configuration with every <c>BPFTRACE_*</c> variable of <paramref name="environment"/> that names a config
    /// variable applied (as <c>sharptrace</c> reads them) and marked as set outside the script. Returns null, with the
    /// reason in <paramref name="error"/>, when a value is invalid.
    /// </summary>
    public ProgramConfig? WithEnvironment(IReadOnlyDictionary<string, string> environment, out string? error) =>
        ConfigVariables.FromEnvironment(this, environment, out error);
}
