using SharpTrace.Kernel.Btf;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// The C types of a BTF blob (the kernel's, from <c>/sys/kernel/btf/vmlinux</c>). Opening indexes the names of
/// tagged types and typedefs; a type's <see cref="CType"/> is built the first time it is asked for, and a struct's
/// members the first time they are used. Functions and enumerators are indexed on first lookup.
/// </summary>
internal sealed class BtfTypes : IKernelTypes
{
    private readonly CType?[] _types;
    private readonly Dictionary<string, int> _structs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _unions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _enums = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _named = new(StringComparer.Ordinal);
    private Dictionary<string, int>? _functions;
    private Dictionary<string, (int TypeId, int Index)>? _enumerators;

    public BtfTypes(BtfFile file)
    {
        File = file;
        _types = new CType?[file.TypeCount + 1];
        for (var id = 1; id <= file.TypeCount; id++)
        {
            var type = file[id];
            var kind = type.Kind;
            var index = kind switch
            {
                BtfKind.Struct => _structs,
                BtfKind.Union => _unions,
                BtfKind.Enum or BtfKind.Enum64 => _enums,
                BtfKind.Fwd => type.KindFlag ? _unions : _structs,
                BtfKind.Typedef or BtfKind.Int or BtfKind.Float => _named,
                _ => null,
            };
            if (index is null || type.NameOffset == 0)
                continue;
            var name = type.Name;
            // A definition wins over a forward declaration of the same tag; otherwise the first one stays.
            if (!index.TryGetValue(name, out var existing) || (file[existing].Kind == BtfKind.Fwd && kind != BtfKind.Fwd))
                index[name] = id;
        }
    }

    /// <summary>Opens the running kernel's BTF; null when the kernel publishes none.</summary>
    public static BtfTypes? LoadVmlinux() =>
        System.IO.File.Exists(BtfFile.VmlinuxPath) ? new BtfTypes(BtfFile.Load(BtfFile.VmlinuxPath)) : null;

    /// <summary>The raw records.</summary>
    public BtfFile File { get; }

    public CType? FindTagged(string keyword, string tag)
    {
        var index = keyword switch { "struct" => _structs, "union" => _unions, "enum" => _enums, _ => null };
        return index is not null && index.TryGetValue(tag, out var id) ? GetCType(id) : null;
    }

    public CType? FindNamed(string name) => _named.TryGetValue(name, out var id) ? GetCType(id) : null;

    /// <summary>The type id of the FUNC named <paramref name="name"/>, or 0.</summary>
    public int FindFunction(string name)
    {
        if (_functions is null)
        {
            _functions = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var id = 1; id <= File.TypeCount; id++)
                if (File[id].Kind == BtfKind.Func)
                    _functions.TryAdd(File[id].Name, id);
        }
        return _functions.GetValueOrDefault(name);
    }

    public (CEnumType Type, long Value)? FindEnumerator(string name)
    {
        if (_enumerators is null)
        {
            _enumerators = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
            for (var id = 1; id <= File.TypeCount; id++)
            {
                var type = File[id];
                if (type.Kind is BtfKind.Enum or BtfKind.Enum64)
                    for (var i = 0; i < type.Vlen; i++)
                        _enumerators.TryAdd(File.GetString(type.EnumeratorNameOffset(i)), (id, i));
            }
        }
        if (!_enumerators.TryGetValue(name, out var found))
            return null;
        return ((CEnumType)GetCType(found.TypeId), File[found.TypeId].Enumerator(found.Index).Value);
    }

    public IReadOnlyList<CParameter>? FindTracepointArguments(string name)
    {
        // The typedef gives the types; the probe stub (or, on older kernels, the __bpf_trace_ wrapper) has the same
        // prototype with the parameter names.
        if (FindNamed("btf_trace_" + name) is not CTypedefType { Target: CPointerType { Target: CFunctionType typed } })
            return null;
        var parameters = typed.Parameters;
        foreach (var function in (ReadOnlySpan<string>)["__probestub_" + name, "__bpf_trace_" + name])
            if (FindFunction(function) is > 0 and var id && GetCType(File[id].TypeId) is CFunctionType named
                && named.Parameters.Count == parameters.Count)
            {
                parameters = named.Parameters;
                break;
            }
        return parameters.Skip(1).Select((p, i) => p.Name.Length > 0 ? p : p with { Name = "arg" + i }).ToList();
    }

    public CFunctionType? FindFunctionPrototype(string name) =>
        FindFunction(name) is > 0 and var id ? GetCType(File[id].TypeId) as CFunctionType : null;

    /// <summary>The C type of BTF type <paramref name="id"/> (0 is void); qualifiers and declaration tags are looked through.</summary>
    public CType GetCType(int id)
    {
        if (id == 0)
            return CVoidType.Instance;
        return _types[id] ??= Build(File[id]);
    }

    private CType Build(BtfType type)
    {
        switch (type.Kind)
        {
            case BtfKind.Int:
                if ((type.IntEncoding & BtfFormat.IntBool) != 0)
                    return CBoolType.Instance;
                return new CIntegerType(type.Name, type.Size, (type.IntEncoding & BtfFormat.IntSigned) != 0);
            case BtfKind.Float:
                return new CFloatType(type.Name, type.Size);
            case BtfKind.Ptr:
                return new CPointerType(GetCType(type.TypeId), IsUserTagged(type.TypeId));
            case BtfKind.Array:
                var (element, _, count) = type.Array;
                var elementType = GetCType(element);
                // The newest bpftrace takes an array of any one-byte integer (u8 and __s8 too, typedefs and qualifiers
                // looked through; _Bool is not an integer here) for a string.
                return new CArrayType(elementType, count) { IsText = elementType.Resolved is CIntegerType { Size: 1 } };
            case BtfKind.Struct or BtfKind.Union:
                return new CStructType(NameOrNull(type), type.Kind == BtfKind.Union, type.Size, () => BuildBody(type));
            case BtfKind.Fwd:
                return new CStructType(type.Name, type.KindFlag);
            case BtfKind.Enum or BtfKind.Enum64:
                var values = new CEnumValue[type.Vlen];
                for (var i = 0; i < values.Length; i++)
                {
                    var (name, value) = type.Enumerator(i);
                    values[i] = new CEnumValue(name, value);
                }
                return new CEnumType(NameOrNull(type), type.Size, type.KindFlag, values);
            case BtfKind.Typedef:
                return new CTypedefType(type.Name, GetCType(type.TypeId));
            case BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag or BtfKind.DeclTag
                or BtfKind.Func or BtfKind.Var:
                // Qualifiers and tags change nothing a trace program sees; a function or variable is described by its type.
                return GetCType(type.TypeId);
            case BtfKind.FuncProto:
                var parameters = new List<CParameter>(type.Vlen);
                var variadic = false;
                for (var i = 0; i < type.Vlen; i++)
                {
                    var (name, typeId) = type.Parameter(i);
                    if (typeId == 0 && i == type.Vlen - 1)
                        variadic = true;
                    else
                        parameters.Add(new CParameter(name, GetCType(typeId)));
                }
                return new CFunctionType(GetCType(type.TypeId), parameters, variadic);
            case BtfKind.Datasec:
                // A section is an opaque byte range as far as C is concerned.
                return new CArrayType(CBaseTypes.UnsignedChar, type.Size);
            default:
                throw new InvalidDataException($"BTF type {type} has an unknown kind");
        }
    }

    private CStructBody BuildBody(BtfType type)
    {
        var members = new CMember[type.Vlen];
        for (var i = 0; i < members.Length; i++)
        {
            var member = type.Member(i);
            members[i] = new CMember(member.Name, GetCType(member.TypeId), member.BitOffset, member.BitfieldSize);
        }
        return new CStructBody(members, type.Size, CLayout.InferAlignment(members, type.Size));
    }

    // The kernel's __user annotation reaches BTF as a type tag "user" on the pointee (const/volatile may come first).
    private bool IsUserTagged(int id)
    {
        while (id != 0 && File[id] is { Kind: BtfKind.TypeTag or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict } type)
        {
            if (type.Kind == BtfKind.TypeTag && type.Name == "user")
                return true;
            id = type.TypeId;
        }
        return false;
    }

    private static string? NameOrNull(BtfType type) => type.NameOffset == 0 ? null : type.Name;
}
