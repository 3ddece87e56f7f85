using System.Runtime.CompilerServices;

namespace SharpTrace.Semantics.CTypes;

/// <summary>
/// A C type as the kernel (BTF) or a script's C definitions describe it, with the x86-64 System V layout gcc uses.
/// Qualifiers (const, volatile, restrict) are dropped: they change nothing a trace program can observe.
/// </summary>
internal abstract record CType
{
    /// <summary>sizeof, in bytes.</summary>
    public abstract int Size { get; }

    /// <summary>_Alignof, in bytes.</summary>
    public abstract int Alignment { get; }

    /// <summary>The type as C spells it: <c>int</c>, <c>struct task_struct</c>, <c>char *</c>, <c>char[16]</c>.</summary>
    public abstract string Name { get; }

    /// <summary>This type with typedefs looked through (<c>pid_t</c> is <c>int</c>).</summary>
    public virtual CType Resolved => this;

    /// <summary>
    /// This type with typedefs looked through everywhere in it, also behind pointers and in array elements
    /// (<c>size_t *</c> is <c>long unsigned int *</c>): the newest bpftrace keeps no typedef names in its types, so a
    /// pointer to a typedef and a pointer to its target are one type.
    /// </summary>
    public virtual CType Canonical => Resolved;

    public sealed override string ToString() => Name;

    // C spells a declarator around its name: "int *", "char[16]", "int (*)[4]". Pointer and array names build
    // on this so nested types come out right.
    internal virtual string Declare(string declarator) => declarator.Length == 0 ? Name : Name + " " + declarator;
}

/// <summary><c>void</c>: the target of <c>void *</c> and the return type of functions returning nothing.</summary>
internal sealed record CVoidType : CType
{
    public static readonly CVoidType Instance = new();
    // gcc's extension: sizeof(void) is 1, which makes arithmetic on void * step by bytes.
    public override int Size => 1;
    public override int Alignment => 1;
    public override string Name => "void";
}

/// <summary>An integer type: <c>char</c> (signed on x86-64), <c>unsigned int</c>, <c>long</c>, <c>__int128</c>.</summary>
internal sealed record CIntegerType(string Name, int Size, bool IsSigned) : CType
{
    public override int Alignment => Size;
    public override string Name { get; } = Name;
    public override int Size { get; } = Size;
}

/// <summary><c>_Bool</c> (the kernel's <c>bool</c>).</summary>
internal sealed record CBoolType : CType
{
    public static readonly CBoolType Instance = new();

    /// <summary>The element of a script's <c>(bool[2])x</c>: bpftrace's <c>bool</c>, printed <c>true</c> or <c>false</c>.</summary>
    public static readonly CBoolType Script = new() { IsScriptBool = true };

    /// <summary>bpftrace's own bool rather than C's <c>_Bool</c> (which prints as the number it holds, as bpftrace 0.17 prints it).</summary>
    public bool IsScriptBool { get; private init; }

    public override int Size => 1;
    public override int Alignment => 1;
    public override string Name => IsScriptBool ? "bool" : "_Bool";
}

/// <summary><c>float</c>, <c>double</c>, <c>long double</c>.</summary>
internal sealed record CFloatType(string Name, int Size) : CType
{
    public override int Alignment => Size;
    public override string Name { get; } = Name;
    public override int Size { get; } = Size;
}

/// <summary>A pointer. <see cref="IsUser"/> marks a pointer the kernel tags <c>__user</c> (BTF type tag "user").</summary>
internal sealed record CPointerType(CType Target, bool IsUser = false) : CType
{
    public override int Size => 8;
    public override int Alignment => 8;
    public override string Name => Declare("");

    public override CType Canonical => Target.Canonical is var target && ReferenceEquals(target, Target) ? this : this with { Target = target };

    internal override string Declare(string declarator) =>
        Target is CArrayType or CFunctionType ? Target.Declare("(*" + declarator + ")") : Target.Declare("*" + declarator);
}

/// <summary><c>T[Count]</c>; a flexible array member has <see cref="Count"/> 0.</summary>
internal sealed record CArrayType(CType Element, int Count) : CType
{
    /// <summary>
    /// The program sees this array as a string. Where the type comes from decides, as in the newest bpftrace: a
    /// script's C declaration when the element, typedefs looked through, is plain <c>char</c> (not <c>signed char</c>
    /// or <c>unsigned char</c>, so not <c>int8_t</c> or <c>uint8_t</c>); BTF when the element is any one-byte integer, typedefs looked through (<c>u8</c>
    /// too); DWARF when the element is directly a character base type (<c>char</c>, <c>signed char</c>,
    /// <c>unsigned char</c>, not <c>uint8_t</c>).
    /// </summary>
    public bool IsText { get; init; }

    /// <summary>
    /// The capacity of the string the program reads from this array: its length, or one more for a script's
    /// declaration, as the newest bpftrace's clang parser types <c>char s[N]</c> as <c>string[N+1]</c> (the byte after
    /// the field tells whether the text ended: <c>hello</c> in a <c>char s[5]</c> followed by a NUL is not truncated).
    /// </summary>
    public int TextCapacity => Count + (ReadsTerminator ? 1 : 0);

    /// <summary>A script's <c>char</c> array: read with the byte after it (<see cref="TextCapacity"/>).</summary>
    public bool ReadsTerminator { get; init; }

    public override int Size => Element.Size * Count;
    public override int Alignment => Element.Alignment;
    public override string Name => Declare("");

    public override CType Canonical => Element.Canonical is var element && ReferenceEquals(element, Element) ? this : this with { Element = element };

    internal override string Declare(string declarator) => Element.Declare(declarator + "[" + Count + "]").Replace(" [", "[", StringComparison.Ordinal);
}

/// <summary>A typedef name for <see cref="Target"/>: <c>pid_t</c>, <c>u64</c>.</summary>
internal sealed record CTypedefType(string Name, CType Target) : CType
{
    public override int Size => Target.Size;
    public override int Alignment => Target.Alignment;
    public override string Name { get; } = Name;
    public override CType Resolved => Target.Resolved;
    public override CType Canonical => Target.Canonical;
}

/// <summary>A function parameter; <see cref="Name"/> is empty when the declaration gives none.</summary>
internal sealed record CParameter(string Name, CType Type);

/// <summary>A function type, as pointed to by a function pointer or named by a tracepoint's <c>btf_trace_</c> typedef.</summary>
internal sealed record CFunctionType(CType ReturnType, IReadOnlyList<CParameter> Parameters, bool IsVariadic) : CType
{
    // gcc's extension, like void.
    public override int Size => 1;
    public override int Alignment => 1;
    public override string Name => Declare("");

    internal override string Declare(string declarator)
    {
        var parameters = string.Join(", ", Parameters.Select(p => p.Type.Name));
        if (IsVariadic)
            parameters = parameters.Length == 0 ? "..." : parameters + ", ...";
        return ReturnType.Declare(declarator + "(" + (parameters.Length == 0 ? "void" : parameters) + ")");
    }

    public bool Equals(CFunctionType? other) =>
        other is not null && ReturnType == other.ReturnType && IsVariadic == other.IsVariadic && Parameters.SequenceEqual(other.Parameters);

    public override int GetHashCode() => HashCode.Combine(ReturnType, Parameters.Count, IsVariadic);
}

/// <summary>One enumerator of an enum.</summary>
internal sealed record CEnumValue(string Name, long Value);

/// <summary>
/// An enum. Two enums are the same type only if they are the same object (C's rule for tagged types), which also
/// keeps equality cheap.
/// </summary>
internal sealed record CEnumType(string? Tag, int Size, bool IsSigned, IReadOnlyList<CEnumValue> Values) : CType
{
    public override int Size { get; } = Size;
    public override int Alignment => Size;
    public override string Name => "enum " + (Tag ?? "(anonymous)");

    public bool Equals(CEnumType? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);
}

/// <summary>
/// A value of the script's own type that C has no name for (a tuple or record; a value user space turns into text,
/// such as <c>username</c>, <c>ksym</c> or <c>inet</c>), as the target of a pointer to a variable holding one
/// (<c>&amp;$t</c>): named and sized as bpftrace names and lays it out, read back whole with its type, so it prints as
/// the variable does.
/// </summary>
internal sealed record CScriptValueType(BpfType Value) : CType
{
    public override int Size => Value.Size;
    public override int Alignment => Value.Alignment;
    public override string Name => TypeNames.Of(Value);
}
