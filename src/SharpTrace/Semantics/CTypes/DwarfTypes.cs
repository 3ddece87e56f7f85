using SharpTrace.Kernel.Dwarf;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// The C types of a user binary's DWARF, as <see cref="BtfTypes"/> adapts the kernel's BTF: a function's parameters
/// by name and type (what <c>args</c> of a uprobe holds), and their spelling in <c>-lv</c> as bpftrace prints it.
/// Pointers point into user memory. A type is built the first time it is asked for, a struct's members the first
/// time they are used.
/// </summary>
internal sealed class DwarfTypes(DwarfInfo info)
{
    private readonly Dictionary<int, CType> _types = [];
    private readonly Dictionary<string, CStructType?> _argumentRecords = new(StringComparer.Ordinal);
    private Dictionary<string, DwarfEntry>? _structs;

    /// <summary>The DWARF read.</summary>
    public DwarfInfo Info { get; } = info;

    /// <summary>
    /// The parameters of function <paramref name="function"/> in declaration order (unnamed ones named "" as in
    /// DWARF); null when the debug info has no such function.
    /// </summary>
    public IReadOnlyList<CParameter>? FunctionParameters(string function) =>
        Info.FindFunction(function) is { } entry
            ? Parameters(entry).Select(p => new CParameter(Info.Name(p) ?? "", GetCType(Info.TypeOf(p)))).ToList()
            : null;

    /// <summary>
    /// <c>args</c> of a uprobe of <paramref name="function"/> as a whole: a C struct of its parameters, each at the next
    /// multiple of its alignment (the verifier refuses misaligned stack stores), the size rounded up to 8 bytes. Built
    /// once per function, so that every binding pass (and every use of <c>args</c>) gets the same type, which a map
    /// or a tuple holding it compares equal to its next assignment. Null when the debug info has no such function.
    /// </summary>
    public CStructType? ArgumentsRecord(string function)
    {
        if (_argumentRecords.TryGetValue(function, out var cached))
            return cached;
        CStructType? record = null;
        if (FunctionParameters(function) is { } parameters)
        {
            var members = new List<CMember>();
            var offset = 0;
            foreach (var parameter in parameters)
            {
                var alignment = Math.Max(1, parameter.Type.Alignment);
                offset = (offset + alignment - 1) / alignment * alignment;
                members.Add(new CMember(parameter.Name, parameter.Type, offset * 8));
                offset += parameter.Type.Size;
            }
            var size = (offset + 7) / 8 * 8;
            record = new CStructType("uprobe_args", isUnion: false, size, () => new CStructBody(members, size, CLayout.InferAlignment(members, size)));
        }
        _argumentRecords[function] = record;
        return record;
    }

    /// <summary>
    /// The struct with tag <paramref name="tag"/> that a compilation unit defines at its top level (the first in file
    /// order), as the newest bpftrace looks a struct name up in a uprobe's binary: structs only, not unions, enums or
    /// typedefs. One type per DIE, so every binding pass and every use gets the same type. Null when none defines it.
    /// </summary>
    public CStructType? FindStruct(string tag)
    {
        if (_structs is null)
        {
            _structs = new Dictionary<string, DwarfEntry>(StringComparer.Ordinal);
            foreach (var unit in Info.Units)
                foreach (var entry in unit.Root?.Children ?? [])
                    if (entry.Tag == DwarfTag.StructureType && !entry.Has(DwarfAttribute.Declaration) && Info.Name(entry) is { Length: > 0 } name)
                        _structs.TryAdd(name, entry);
        }
        return _structs.TryGetValue(tag, out var found) ? GetCType(found) as CStructType : null;
    }

    /// <summary>
    /// The lines <c>-lv</c> prints under a uprobe of <paramref name="function"/>: each parameter's type as bpftrace
    /// spells DWARF types (<c>const char* name</c>, <c>struct point* p</c>) and its name; empty when there is no
    /// debug info for the function.
    /// </summary>
    public IReadOnlyList<string> ListedParameters(string function) =>
        Info.FindFunction(function) is { } entry
            ? Parameters(entry).Select(p => Info.Name(p) is { } name ? TypeName(Info.TypeOf(p)) + " " + name : TypeName(Info.TypeOf(p))).ToList()
            : [];

    // The parameters of an out-of-line copy of an inlined function are children of the concrete DIE; when it lists
    // none, those of its abstract origin.
    private IEnumerable<DwarfEntry> Parameters(DwarfEntry function)
    {
        var own = function.Children.Where(c => c.Tag == DwarfTag.FormalParameter).ToList();
        if (own.Count == 0 && function.Get(DwarfAttribute.AbstractOrigin) is { Kind: DwarfValueKind.Reference } origin
            && Info.EntryAt(origin.Number) is { } abstractFunction)
            return abstractFunction.Children.Where(c => c.Tag == DwarfTag.FormalParameter);
        return own;
    }

    /// <summary>A type as bpftrace names DWARF types in listings: pointers as <c>T*</c>, <c>T* const</c>, tags with their keyword.</summary>
    public string TypeName(DwarfEntry? type, int depth = 0)
    {
        if (type is null)
            return "void";
        if (depth > 16)
            return "<unknown type>";
        switch (type.Tag)
        {
            case DwarfTag.BaseType or DwarfTag.Typedef:
                return Info.Name(type) ?? "<unknown type>";
            case DwarfTag.PointerType:
                return Info.TypeOf(type) is { } target ? TypeName(target, depth + 1) + "*" : "void*";
            case DwarfTag.StructureType or DwarfTag.ClassType or DwarfTag.UnionType or DwarfTag.EnumerationType:
                var keyword = type.Tag switch { DwarfTag.StructureType => "struct ", DwarfTag.ClassType => "class ", DwarfTag.UnionType => "union ", _ => "enum " };
                return keyword + (Info.Name(type) ?? "<anonymous>");
            case DwarfTag.ConstType:
                var inner = Info.TypeOf(type);
                return inner?.Tag == DwarfTag.PointerType ? TypeName(inner, depth + 1) + " const" : "const " + TypeName(inner, depth + 1);
            default:
                return "<unknown type>";
        }
    }

    /// <summary>The C type of a type DIE; null is void.</summary>
    public CType GetCType(DwarfEntry? type)
    {
        if (type is null)
            return CVoidType.Instance;
        if (_types.TryGetValue(type.Offset, out var known))
            return known;
        // Placeholder against cycles through typedefs of incomplete types; structs break real cycles by loading lazily.
        _types[type.Offset] = CVoidType.Instance;
        var built = Build(type);
        _types[type.Offset] = built;
        return built;
    }

    private CType Build(DwarfEntry type)
    {
        var name = Info.Name(type);
        var size = (int)(DwarfInfo.Constant(type, DwarfAttribute.ByteSize) ?? 0);
        switch (type.Tag)
        {
            case DwarfTag.BaseType:
                return (int)(DwarfInfo.Constant(type, DwarfAttribute.Encoding) ?? 0) switch
                {
                    DwarfEncoding.Boolean => CBoolType.Instance,
                    DwarfEncoding.Float => new CFloatType(name ?? "double", size),
                    DwarfEncoding.Signed or DwarfEncoding.SignedChar => new CIntegerType(name ?? "int", size, true),
                    _ => new CIntegerType(name ?? "unsigned int", size, false),
                };
            case DwarfTag.PointerType or DwarfTag.ReferenceType or DwarfTag.RvalueReferenceType:
                return new CPointerType(GetCType(Info.TypeOf(type)), IsUser: true);
            case DwarfTag.ConstType or DwarfTag.VolatileType or DwarfTag.RestrictType or DwarfTag.AtomicType:
                return GetCType(Info.TypeOf(type));
            case DwarfTag.Typedef:
                return new CTypedefType(name ?? "", GetCType(Info.TypeOf(type)));
            case DwarfTag.StructureType or DwarfTag.ClassType or DwarfTag.UnionType:
                var isUnion = type.Tag == DwarfTag.UnionType;
                if (type.Has(DwarfAttribute.Declaration))
                    return new CStructType(name, isUnion);
                return new CStructType(name, isUnion, size, () => Body(type, size));
            case DwarfTag.EnumerationType:
                var values = type.Children.Where(c => c.Tag == DwarfTag.Enumerator)
                    .Select(c => new CEnumValue(Info.Name(c) ?? "", (long)(DwarfInfo.Constant(c, DwarfAttribute.ConstValue) ?? 0)))
                    .ToList();
                var underlying = GetCType(Info.TypeOf(type)).Resolved as CIntegerType;
                return new CEnumType(name, size > 0 ? size : 4, underlying?.IsSigned ?? values.Any(v => v.Value < 0), values);
            case DwarfTag.ArrayType:
                return Array(type);
            case DwarfTag.SubroutineType:
                var parameters = type.Children.Where(c => c.Tag == DwarfTag.FormalParameter)
                    .Select(c => new CParameter(Info.Name(c) ?? "", GetCType(Info.TypeOf(c)))).ToList();
                return new CFunctionType(GetCType(Info.TypeOf(type)), parameters, type.Children.Any(c => c.Tag == DwarfTag.UnspecifiedParameters));
            default:
                return CVoidType.Instance;
        }
    }

    // int a[2][3]: one subrange per dimension, the first the outermost.
    private CType Array(DwarfEntry type)
    {
        var elementEntry = Info.TypeOf(type);
        var element = GetCType(elementEntry);
        // The newest bpftrace's rule: an array is a string when its element's DIE is itself a character base type; a
        // typedef (uint8_t) or a qualifier (const char) in between keeps it an array. Only the innermost dimension is
        // the string (char grid[2][4] is two string[4], as BTF types it; the newest's DWARF reader keeps string[4]).
        var isText = elementEntry is { Tag: DwarfTag.BaseType }
            && (int)(DwarfInfo.Constant(elementEntry, DwarfAttribute.Encoding) ?? 0) is DwarfEncoding.SignedChar or DwarfEncoding.UnsignedChar;
        var counts = type.Children.Where(c => c.Tag == DwarfTag.SubrangeType).Select(Count).ToList();
        if (counts.Count == 0)
            counts.Add(0);
        for (var i = counts.Count - 1; i >= 0; i--)
            element = new CArrayType(element, counts[i]) { IsText = isText && i == counts.Count - 1 };
        return element;
    }

    private static int Count(DwarfEntry subrange)
    {
        if (DwarfInfo.Constant(subrange, DwarfAttribute.Count) is { } count)
            return (int)count;
        // A flexible array member has no upper bound (or, from some compilers, an upper bound of -1).
        return subrange.Get(DwarfAttribute.UpperBound) is { Kind: DwarfValueKind.Constant or DwarfValueKind.Signed } bound && (long)bound.Number >= 0
            ? (int)bound.Number + 1
            : 0;
    }

    private CStructBody Body(DwarfEntry type, int size)
    {
        var members = new List<CMember>();
        foreach (var member in type.Children.Where(c => c.Tag == DwarfTag.Member))
        {
            var memberType = GetCType(Info.TypeOf(member));
            var bitSize = (int)(DwarfInfo.Constant(member, DwarfAttribute.BitSize) ?? 0);
            int bitOffset;
            if (DwarfInfo.Constant(member, DwarfAttribute.DataBitOffset) is { } dataBitOffset)
                bitOffset = (int)dataBitOffset;
            else
            {
                var byteOffset = (int)(DwarfInfo.Constant(member, DwarfAttribute.DataMemberLocation) ?? 0);
                bitOffset = byteOffset * 8;
                // DWARF 2/3 bitfields: DW_AT_bit_offset counts from the storage unit's most significant bit.
                if (bitSize > 0 && DwarfInfo.Constant(member, DwarfAttribute.BitOffset) is { } fromTop)
                {
                    var unit = (int)(DwarfInfo.Constant(member, DwarfAttribute.ByteSize) ?? (ulong)memberType.Size);
                    bitOffset += unit * 8 - (int)fromTop - bitSize;
                }
            }
            members.Add(new CMember(Info.Name(member) ?? "", memberType, bitOffset, bitSize));
        }
        return new CStructBody(members, size, CLayout.InferAlignment(members, size));
    }
}
