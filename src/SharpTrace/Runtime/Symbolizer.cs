using System.Buffers.Binary;
using System.Globalization;
using SharpTrace.Kernel;
using SharpTrace.Kernel.Elf;
using SharpTrace.Output;
using SharpTrace.Records;
using SharpTrace.Runtime.Unwinding;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>
/// Turns what programs record about code locations into names, for one session: stack ids into stacks (through
/// the kernel's stack trace maps), kernel addresses into symbols through /proc/kallsyms (read once, on first
/// use), user addresses through the process's /proc/PID/maps and the ELF symbols of the mapped file (each file
/// read once), or for code a JIT compiled, through the process's <c>/tmp/perf-PID.map</c>. The probes report each
/// process whose user stack they take (<see cref="AddProcess"/>), so its mappings are read while it lives and its
/// frames are named also when it has exited before they print (bpftrace prints them as hex).
/// Memory is bounded: the mappings of at most <see cref="ProcessMapsBytes"/> and the symbol tables of at most
/// <see cref="SymbolTableBytes"/> (estimated) are kept, the least recently used forgotten first; a forgotten
/// table is read from its file again when needed, forgotten mappings of a process that has exited are lost.
/// </summary>
internal sealed class Symbolizer(
    Func<Kallsyms>? loadKallsyms = null, Func<int, ProcessMaps>? readProcessMaps = null, Func<int, PerfMap>? readPerfMap = null,
    DebugFileLocator? debugFiles = null)
{
    private readonly Func<int, ProcessMaps> _readProcessMaps = readProcessMaps ?? ProcessMaps.Read;
    private readonly Lazy<Kallsyms> _kallsyms = new(loadKallsyms ?? (() => Kallsyms.Load()));
    private readonly SizeBoundedCache<int, ProcessMaps> _processes = new(ProcessMapsBytes, m => m.EstimatedBytes);
    private readonly SizeBoundedCache<string, UserSymbolTable?> _files = new(SymbolTableBytes, t => t?.EstimatedBytes ?? 64, StringComparer.Ordinal);
    private readonly Dictionary<(int Depth, bool BuildId), BpfMap> _stackMaps = [];
    private readonly Dictionary<int, PerfMap> _perfMaps = [];
    private readonly Dictionary<int, string> _functionNames = [];
    private readonly Func<int, PerfMap> _readPerfMap = readPerfMap ?? PerfMap.Read;
    private readonly DebugFileLocator _debugFiles = debugFiles ?? new DebugFileLocator();
    private readonly SourceLines _sourceLines = new(debugFiles ?? new DebugFileLocator());
    private UnwoundStacks? _unwound;

    /// <summary>Bytes of process mappings kept (some 8,000 processes of 30 mapped files).</summary>
    public const long ProcessMapsBytes = 16L << 20;

    /// <summary>Bytes of ELF symbol tables kept (the functions of the mapped files, about 100 bytes a function).</summary>
    public const long SymbolTableBytes = 256L << 20;

    /// <summary>Whether C++ names of user frames are demangled (config <c>cpp_demangle</c>, on by default).</summary>
    public bool DemangleCpp { get; set; } = true;

    /// <summary>
    /// Whether user frames print their source file and line after the symbol in bpftrace mode
    /// (<c>main+22@/src/prog.c:14</c>; config <c>show_debug_info</c>, off by default).
    /// </summary>
    public bool ShowDebugInfo { get; set; }
    /// <summary>Whether Rust names of user frames are demangled (config <c>rust_demangle</c>, on by default); they are tried before C++'s.</summary>
    public bool DemangleRust { get; set; } = true;

    /// <summary>
    /// Registers the stack trace map that holds stacks of <paramref name="depth"/> frames: addresses, or with
    /// <paramref name="buildId"/> (BPF_F_STACK_BUILD_ID), build ids and offsets.
    /// </summary>
    public void AddStackMap(int depth, BpfMap map, bool buildId = false) => _stackMaps[(depth, buildId)] = map;

    /// <summary>
    /// The stack recorded as <paramref name="raw"/> (stack id in the low half, pid in the high half for user
    /// stacks). A stack id the map does not hold (bpf_get_stackid failed) gives a stack without frames.
    /// </summary>
    public StackValue Stack(StackType type, ulong raw)
    {
        var id = StackType.IdOf((uint)raw);
        var pid = (int)(raw >> 32);
        if (type.Mode == StackMode.BuildId)
            return BuildIdStack(id, type.Depth);
        var addresses = new List<ulong>();
        if (id >= 0 && _stackMaps.TryGetValue((type.Depth, false), out var map))
        {
            var key = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(key, id);
            var value = new byte[map.ValueSize];
            if (map.Lookup(key, value))
            {
                for (var i = 0; i + 8 <= value.Length; i += 8)
                {
                    var address = BinaryPrimitives.ReadUInt64LittleEndian(value.AsSpan(i));
                    if (address == 0)
                        break;
                    addresses.Add(address);
                }
            }
        }
        return Stack(type, addresses, pid);
    }

    /// <summary>
    /// The <c>ustack(build_id)</c> stack <paramref name="id"/>: the kernel stored each frame as a struct
    /// bpf_stack_build_id (status, build id, offset in the file or, status 2, the address), the rest of the value
    /// zeroed (status 0). Nothing needs naming: the frames print as the kernel gave them.
    /// </summary>
    private StackValue BuildIdStack(int id, int depth)
    {
        var frames = new List<StackFrame>();
        if (id >= 0 && _stackMaps.TryGetValue((depth, true), out var map))
        {
            var key = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(key, id);
            var value = new byte[map.ValueSize];
            if (map.Lookup(key, value))
            {
                for (var i = 0; i + Lowering.ProgramMaps.BuildIdFrameSize <= value.Length; i += Lowering.ProgramMaps.BuildIdFrameSize)
                {
                    if (BuildIdFrame(value.AsSpan(i, Lowering.ProgramMaps.BuildIdFrameSize)) is not { } frame)
                        break;
                    frames.Add(frame);
                }
            }
        }
        return new StackValue(frames, StackMode.BuildId);
    }

    /// <summary>
    /// A struct bpf_stack_build_id as the newest bpftrace prints it: with status 1 (valid) the build id in 40 lowercase
    /// hex digits, a space and the offset as <c>0x</c> and at least two hex digits; else the address in hex. Null for
    /// status 0, an empty entry (the stack ended).
    /// </summary>
    internal static StackFrame? BuildIdFrame(ReadOnlySpan<byte> entry)
    {
        var status = BinaryPrimitives.ReadInt32LittleEndian(entry);
        var offsetOrIp = BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]);
        return status switch
        {
            0 => null,
            1 => new StackFrame(offsetOrIp, $"{Convert.ToHexStringLower(entry.Slice(4, 20))} 0x{offsetOrIp.ToString("x2", CultureInfo.InvariantCulture)}"),
            _ => new StackFrame(offsetOrIp, offsetOrIp.ToString("x", CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>Unwinds a <c>dw_ustack</c> sample now, while its process lives (its mappings are read and kept).</summary>
    public void AddUserStack(UserStackSample sample) =>
        (_unwound ??= new UnwoundStacks(Maps)).Add(sample, StackType.MaxDepth);

    /// <summary>The <c>dw_ustack</c> whose sample id is <paramref name="id"/>, symbolized as <paramref name="type"/>'s mode prints it.</summary>
    public StackValue UnwoundStack(StackType type, UInt128 id)
    {
        var (pid, addresses) = _unwound?.Get(id) ?? ((int)(ulong)(id >> 64), []);
        return Stack(type, addresses.Take(type.Depth).ToList(), pid);
    }

    /// <summary>The id that stands for every <c>dw_ustack</c> sample with the same stack as sample <paramref name="id"/>.</summary>
    public UInt128 CanonicalSample(UInt128 id) => _unwound?.Canonical(id) ?? UInt128.Zero;

    /// <summary>A stack of the given addresses, symbolized as <paramref name="type"/>'s mode prints them.</summary>
    public StackValue Stack(StackType type, IReadOnlyList<ulong> addresses, int pid)
    {
        var perf = type.Mode == StackMode.Perf;
        var frames = addresses.SelectMany(a => type.Mode == StackMode.Raw ? [new StackFrame(a, "")]
            : type.IsUser ? UserFrames(a, pid, perf)
            : [new StackFrame(a, KernelSymbol(a, withOffset: true))]);
        return new StackValue(frames.ToList(), type.Mode);
    }

    /// <summary><c>name+offset</c> (or <c>name</c>) of a kernel address; <c>0x…</c> when no symbol holds it.</summary>
    public string KernelSymbol(ulong address, bool withOffset = false) => _kallsyms.Value.Resolve(address) is (var name, var offset)
        ? withOffset ? $"{name}+{offset.ToString(CultureInfo.InvariantCulture)}" : name
        : Hex(address);

    /// <summary>
    /// Names the user function whose <c>usym</c> values carry <paramref name="tag"/>: a uprobe's <c>func</c> of one
    /// function prints that name, also once its process has exited.
    /// </summary>
    public void NameFunction(int tag, string name) => _functionNames[tag] = name;

    /// <summary>The name <see cref="NameFunction"/> gave <paramref name="tag"/>, or null.</summary>
    public string? FunctionName(int tag) => _functionNames.GetValueOrDefault(tag);

    /// <summary>The address of a kernel symbol, or null (for <c>kaddr("name")</c>).</summary>
    public ulong? KernelAddress(string name) => _kallsyms.Value.AddressOf(name);

    /// <summary>
    /// <c>name+offset</c> (or <c>name</c>) of an address in process <paramref name="pid"/>, with <c> (module)</c>
    /// after it in perf mode; <c>0x…</c> (and <c> ([unknown])</c>) when it cannot be resolved.
    /// </summary>
    public string UserSymbol(ulong address, int pid, bool withOffset = false, bool withModule = false)
    {
        if (Maps(pid).Find(address) is { } mapping && SymbolTable(mapping.Path) is { } table
            && table.Elf.AddressOf(address - mapping.Start + mapping.FileOffset) is { } elfAddress
            && table.Resolve(elfAddress) is (var mangled, var offset))
        {
            var name = (DemangleRust ? RustDemangler.Demangle(mangled) : null) ?? (DemangleCpp ? CppDemangler.Demangle(mangled) : null) ?? mangled;
            var symbol = withOffset ? $"{name}+{offset.ToString(CultureInfo.InvariantCulture)}" : name;
            return withModule ? $"{symbol} ({mapping.Path})" : symbol;
        }
        if (JitSymbol(address, pid) is (var jitName, var jitOffset))
        {
            var symbol = withOffset ? $"{jitName}+{jitOffset.ToString(CultureInfo.InvariantCulture)}" : jitName;
            return withModule ? $"{symbol} ({PerfMap.PathOf(pid)})" : symbol;
        }
        return withModule ? $"{Hex(address)} ([unknown])" : Hex(address);
    }

    /// <summary>
    /// The frame of a user address; with <see cref="ShowDebugInfo"/>, as the newest bpftrace prints it from debug info:
    /// first a frame per function inlined there, innermost first (<c>[inlined] NAME@FILE:LINE</c>, in perf mode
    /// <c>NAME (inlined)</c>), then the symbol with <c>@FILE:LINE</c> after it (not in perf mode).
    /// </summary>
    private IEnumerable<StackFrame> UserFrames(ulong address, int pid, bool perf)
    {
        var symbol = UserSymbol(address, pid, withOffset: true, withModule: perf);
        if (!ShowDebugInfo || Maps(pid).Find(address) is not { } mapping || SymbolTable(mapping.Path) is not { } table
            || table.Elf.AddressOf(address - mapping.Start + mapping.FileOffset) is not { } elfAddress || table.Resolve(elfAddress) is null)
            return [new StackFrame(address, symbol)];
        var chain = _sourceLines.Inlined(mapping.Path, elfAddress);
        var frames = chain.Take(chain.Count - 1)
            .Select(f => new StackFrame(address, perf ? $"{f.Name} (inlined)" : $"[inlined] {f.Name}{Suffix(f.Position)}"))
            .ToList();
        var position = chain.Count > 0 ? chain[^1].Position : _sourceLines.Find(mapping.Path, elfAddress);
        frames.Add(new StackFrame(address, perf ? symbol : symbol + Suffix(position)));
        return frames;
    }

    private static string Suffix(Kernel.Dwarf.SourcePosition? position) => position is { } p ? "@" + p : "";

    /// <summary>
    /// The name a JIT gave the code at <paramref name="address"/> in <c>/tmp/perf-PID.map</c>: for code in no
    /// mapped ELF file (anonymous memory, or .NET's double-mapped memfd). The file is read again when it has grown
    /// since, as the JIT appends what it compiles.
    /// </summary>
    private (string Name, ulong Offset)? JitSymbol(ulong address, int pid)
    {
        if (!_perfMaps.TryGetValue(pid, out var map) || (map.Resolve(address) is null && PerfMap.CurrentLength(pid) > map.Length))
            _perfMaps[pid] = map = _readPerfMap(pid);
        return map.Resolve(address);
    }

    /// <summary>
    /// Reads the mappings of process <paramref name="pid"/> now (a probe took its user stack for the first time), in
    /// place of any read before: a new process may have the id of one that has exited.
    /// </summary>
    public void AddProcess(int pid) => _processes.Set(pid, _readProcessMaps(pid));

    /// <summary>The mappings of process <paramref name="pid"/>, read on first use and kept.</summary>
    private ProcessMaps Maps(int pid) => _processes.GetOrAdd(pid, _readProcessMaps);

    private UserSymbolTable? SymbolTable(string path) => _files.GetOrAdd(path, path =>
    {
        try
        {
            return new UserSymbolTable(ElfFile.Read(path, _debugFiles));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }
    });

    private static string Hex(ulong address) => "0x" + address.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>An ELF file's functions sorted by address, for lookups of the function holding an address.</summary>
    private sealed class UserSymbolTable
    {
        private readonly ElfSymbol[] _functions;
        private readonly ulong[] _starts;

        public UserSymbolTable(ElfFile elf)
        {
            Elf = elf;
            // A stable sort keeps .symtab's name first among aliases of one address.
            _functions = [.. elf.Functions.OrderBy(f => f.Address)];
            _starts = [.. _functions.Select(f => f.Address)];
            EstimatedBytes = 256 + _functions.Sum(f => 80L + 2L * f.Name.Length);
        }

        public ElfFile Elf { get; }

        /// <summary>What the table takes in memory, roughly: per function its record, name and start.</summary>
        public long EstimatedBytes { get; }

        /// <summary>The function whose [start, start + size) holds the address (or that starts exactly there, for sizeless symbols).</summary>
        public (string Name, ulong Offset)? Resolve(ulong address)
        {
            var index = Array.BinarySearch(_starts, address);
            if (index >= 0)
            {
                while (index > 0 && _starts[index - 1] == address)
                    index--;
                return (_functions[index].Name, 0);
            }
            // Nested or overlapping symbols: walk back over the candidates that start below the address.
            for (var i = ~index - 1; i >= 0 && i >= ~index - 8; i--)
            {
                var function = _functions[i];
                if (address < function.Address + function.Size)
                    return (function.Name, address - function.Address);
            }
            return null;
        }
    }
}
