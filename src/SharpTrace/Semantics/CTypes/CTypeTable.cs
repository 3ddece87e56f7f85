namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// The C types a script can name: its own definitions first, then the kernel's (BTF). Tagged types are named
/// <c>struct task_struct</c>, <c>union x</c>, <c>enum y</c>; other names are base types (<c>unsigned int</c>), typedefs
/// (<c>pid_t</c>) or, as bpftrace allows, a bare struct/union tag (<c>task_struct</c>).
/// </summary>
internal sealed class CTypeTable
{
    private readonly Dictionary<string, CType> _tagged = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CType> _typedefs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (CEnumType Type, long Value)> _enumerators = new(StringComparer.Ordinal);

    public CTypeTable(IKernelTypes? kernel = null) => Kernel = kernel;

    /// <summary>Where names not defined by the script are looked up; null when the kernel has no BTF.</summary>
    public IKernelTypes? Kernel { get; }

    /// <summary>The type called <paramref name="name"/>, or null.</summary>
    public CType? FindType(string name)
    {
        name = name.Trim();
        var words = name.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 2 && words[0] is "struct" or "union" or "enum")
            return FindTagged(words[0], words[1]);
        if (words.All(CBaseTypes.IsSpecifierWord))
            return CBaseTypes.FromWords(words);
        if (words.Length != 1)
            return null;
        return FindTypedef(name) ?? FindTagged("struct", name) ?? FindTagged("union", name);
    }

    /// <summary>A struct, union or enum by keyword and tag: the script's own definition, else the kernel's.</summary>
    public CType? FindTagged(string keyword, string tag) =>
        _tagged.TryGetValue(keyword + " " + tag, out var type) ? type : Kernel?.FindTagged(keyword, tag);

    /// <summary>A typedef name, the script's or the kernel's.</summary>
    public CType? FindTypedef(string name) =>
        _typedefs.TryGetValue(name, out var type) ? type : Kernel?.FindNamed(name);

    /// <summary>An enumerator of a script enum, else of a kernel enum.</summary>
    public (CEnumType Type, long Value)? FindEnumerator(string name) =>
        _enumerators.TryGetValue(name, out var found) ? found : Kernel?.FindEnumerator(name);

    /// <summary>The script's own struct, union or enum with this tag (not the kernel's).</summary>
    public CType? FindScriptTagged(string keyword, string tag) => _tagged.GetValueOrDefault(keyword + " " + tag);

    /// <summary>The script's own typedef called <paramref name="name"/> (not the kernel's).</summary>
    public CType? FindScriptTypedef(string name) => _typedefs.GetValueOrDefault(name);

    /// <summary>Whether the script itself defines an enumerator called <paramref name="name"/>.</summary>
    public bool FindScriptEnumerator(string name) => _enumerators.ContainsKey(name);

    /// <summary>Adds a script-defined struct, union or enum under its tag.</summary>
    public void AddTagged(string keyword, string tag, CType type) => _tagged[keyword + " " + tag] = type;

    /// <summary>Adds a script-defined typedef.</summary>
    public void AddTypedef(string name, CType type) => _typedefs[name] = type;

    /// <summary>Adds the enumerators of a script-defined enum.</summary>
    public void AddEnumerators(CEnumType type)
    {
        foreach (var value in type.Values)
            _enumerators[value.Name] = (type, value.Value);
    }

    /// <summary>The script's own struct/union/enum definitions, by their C name (<c>struct x</c>).</summary>
    public IReadOnlyDictionary<string, CType> ScriptTypes => _tagged;
}
