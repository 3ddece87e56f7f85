using System.Runtime.CompilerServices;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// A member of a struct or union. <see cref="Name"/> is empty for an anonymous struct/union member, whose own
/// members are reachable as if they were members of the enclosing type.
/// </summary>
internal sealed record CMember(string Name, CType Type, int BitOffset, int BitfieldSize = 0)
{
    /// <summary>Byte offset of the member (of the byte holding its first bit, for a bitfield).</summary>
    public int Offset => BitOffset / 8;
    public bool IsBitfield => BitfieldSize > 0;
    public bool IsAnonymous => Name.Length == 0;
}

/// <summary>
/// Where a (possibly nested, possibly inside anonymous members) field lies relative to the start of the outer type.
/// </summary>
internal sealed record CFieldLocation(CType Type, int BitOffset, int BitfieldSize)
{
    public int Offset => BitOffset / 8;
    public bool IsBitfield => BitfieldSize > 0;
}

/// <summary>The members, size and alignment of a complete struct or union.</summary>
internal sealed record CStructBody(IReadOnlyList<CMember> Members, int Size, int Alignment);

/// <summary>
/// A struct or union. Members are produced on first use (so a kernel type pulls in only what a script touches,
/// and self-referential types like <c>task_struct</c> need no cycle handling). A type declared but not defined
/// (<c>struct foo;</c>, BTF FWD) is incomplete until <see cref="Define"/> is called. Two struct types are the same
/// only if they are the same object.
/// </summary>
internal sealed record CStructType : CType
{
    private Func<CStructBody>? _load;
    private CStructBody? _body;
    private readonly int _knownSize;

    /// <summary>An incomplete type, to be given a body with <see cref="Define"/>.</summary>
    public CStructType(string? tag, bool isUnion)
    {
        Tag = tag;
        IsUnion = isUnion;
        _knownSize = -1;
    }

    /// <summary>A complete type whose body is read when first needed; <paramref name="size"/> is known up front.</summary>
    public CStructType(string? tag, bool isUnion, int size, Func<CStructBody> load)
    {
        Tag = tag;
        IsUnion = isUnion;
        _knownSize = size;
        _load = load;
    }

    /// <summary>The tag (<c>task_struct</c>), or null for an anonymous struct.</summary>
    public string? Tag { get; }
    public bool IsUnion { get; }
    public bool IsComplete => _body is not null || _load is not null;

    public override string Name => (IsUnion ? "union " : "struct ") + (Tag ?? "(anonymous)");
    public override int Size => _knownSize >= 0 ? _knownSize : Body?.Size ?? 0;
    public override int Alignment => Body?.Alignment ?? 1;

    /// <summary>The members in declaration order; empty for an incomplete type.</summary>
    public IReadOnlyList<CMember> Members => Body?.Members ?? [];

    private CStructBody? Body
    {
        get
        {
            if (_body is null && _load is not null)
            {
                _body = _load();
                _load = null;
            }
            return _body;
        }
    }

    /// <summary>Completes a declared-only type (a script's <c>struct foo;</c> followed by its definition).</summary>
    public void Define(CStructBody body)
    {
        if (IsComplete)
            throw new InvalidOperationException($"{Name} is already defined");
        _body = body;
    }

    /// <summary>The member called <paramref name="name"/>, looking inside anonymous members as C does; null if none.</summary>
    public CFieldLocation? FindMember(string name)
    {
        foreach (var member in Members)
        {
            if (member.Name == name)
                return new CFieldLocation(member.Type, member.BitOffset, member.BitfieldSize);
            if (member.IsAnonymous && member.Type.Resolved is CStructType inner && inner.FindMember(name) is { } found)
                return found with { BitOffset = member.BitOffset + found.BitOffset };
        }
        return null;
    }

    /// <summary>
    /// The field at <paramref name="path"/> (<c>offsetof(struct x, a.b)</c>): each step but the last must be a struct
    /// or union member; null if a step does not exist.
    /// </summary>
    public CFieldLocation? FindField(IReadOnlyList<string> path)
    {
        CFieldLocation? location = null;
        CType current = this;
        var bitOffset = 0;
        foreach (var name in path)
        {
            if (current.Resolved is not CStructType type || type.FindMember(name) is not { } member)
                return null;
            bitOffset += member.BitOffset;
            location = member with { BitOffset = bitOffset };
            current = member.Type;
        }
        return location;
    }

    public bool Equals(CStructType? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);
}
