using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Semantics;

/// <summary>Types as bpftrace names them in its messages, so every diagnostic words a type the same way.</summary>
internal static class TypeNames
{
    /// <summary>
    /// A type as the newest bpftrace names it in its messages and type dumps (its typestr): <c>int64</c>, <c>uint32</c>,
    /// <c>string[16]</c>, and C types in its own words: <c>int16[4]</c>, <c>uint64 *</c>, <c>string[16]</c> for a
    /// char array, <c>struct task_struct *</c>, typedefs looked through.
    /// </summary>
    public static string Of(BpfType type) => type switch
    {
        IntegerType { Enum: { } e } => e.Name,
        IntegerType i => (i.IsSigned ? "int" : "uint") + (i.Bytes * 8),
        StringType s => $"string[{s.Capacity}]",
        TupleType { Names: { } names } r => "record { " + string.Join(", ", r.Elements.Select((e, i) => "." + names[i] + " = " + Of(e))) + " }",
        TupleType t => "(" + string.Join(",", t.Elements.Select(Of)) + ")",
        // The newest bpftrace's buffer size counts the 4-byte length in front of the bytes.
        BufferType b => $"buffer[{b.Capacity + 4}]",
        AggregationType a => a.TypeName,
        CValueType c => Of(c.CType),
        PointerType p => Of(new CPointerType(p.Target)),
        _ => type.ToString() ?? "?",
    };

    /// <summary>A C type as the newest bpftrace names it (<see cref="Of(BpfType)"/>).</summary>
    public static string Of(CType type) => type.Canonical switch
    {
        CIntegerType { Size: 1 or 2 or 4 or 8 } i => (i.IsSigned ? "int" : "uint") + (i.Size * 8),
        CBoolType => "bool",
        // A function pointer keeps C's spelling ("void (*)(int)"): the newest bpftrace has no name for its target.
        CPointerType { Target: CFunctionType } p => p.Name,
        CPointerType p => Of(p.Target) + " *",
        CArrayType { IsText: true } a => $"string[{a.TextCapacity}]",
        CArrayType a => Of(a.Element) + "[" + a.Count + "]",
        // An anonymous struct or union is named by its members' types, as the newest bpftrace names it: "struct {int32,int8}".
        CStructType { Tag: null } s => (s.IsUnion ? "union" : "struct") + " {" + string.Join(",", s.Members.Select(m => Of(m.Type))) + "}",
        var other => other.Name,
    };

    /// <summary>The newest bpftrace's word for a kind of type ("(int provided)", "(string provided)"; 0.17 said "integer").</summary>
    public static string KindOf(BpfType type) => type switch
    {
        StringType => "string",
        PointerType => "pointer",
        IntegerType or ErrorType => "int",
        BoolType => "bool",
        StackType stack => stack.Kind,
        InetType => "inet",
        BufferType => "buffer",
        CValueType { CType.Resolved: CStructType s } => s.IsUnion ? "union" : "struct",
        CValueType => "array",
        TupleType { Names: not null } => "record",
        TupleType => "tuple",
        AggregationType a => a.ToString(),
        VoidType => "none",
        _ => type.ToString() ?? "?",
    };
}
