using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Runtime;

/// <summary>Turns bytes written by the BPF programs (records, map keys, map values) into typed runtime values.</summary>
internal static class ValueDecoder
{
    /// <summary>
    /// Decodes one value; stacks and symbols need <paramref name="symbols"/>, without it they print as raw hex. A
    /// string that fills its whole buffer (no NUL in it) ends with <paramref name="truncationTrailer"/>, the config's
    /// <c>str_trunc_trailer</c>, as the newest reference prints one.
    /// </summary>
    public static RuntimeValue Decode(BpfType type, ReadOnlySpan<byte> bytes, Symbolizer? symbols = null, string truncationTrailer = "") => type switch
    {
        StackType or KernelSymbolType or UserSymbolType => DecodeSymbolic(type, bytes, symbols),
        IntegerType { Enum: { } e } i => CValues.Enumerator(e, ReadUnsigned(bytes, i.Bytes)),
        IntegerType { IsSigned: true } i => new IntegerValue(ReadSigned(bytes, i.Bytes)),
        IntegerType i => new IntegerValue(unchecked((long)ReadUnsigned(bytes, i.Bytes)), IsSigned: false),
        PointerType => SymbolicValue.Address(ReadUnsigned(bytes, 8)),
        StringType s => new StringValue(DecodeString(bytes[..Math.Min(s.Capacity, bytes.Length)], truncationTrailer)),
        TupleType t => DecodeTuple(t, bytes, symbols, truncationTrailer),
        SelfDecodingType t => t.Decode(bytes),
        CValueType c => c.Decode(bytes),
        InetType => new StringValue(InetAddress.Format((long)ReadUnsigned(bytes, 8), bytes.Slice(InetType.AddressOffset, 16))),
        BufferType b => new BufferValue(bytes.Slice(BufferType.DataOffset, (int)Math.Min(ReadUnsigned(bytes, 8), (ulong)b.Capacity)).ToArray()),
        _ => throw new InvalidOperationException($"cannot decode a value of type {type}"),
    };

    private static RuntimeValue DecodeTuple(TupleType type, ReadOnlySpan<byte> bytes, Symbolizer? symbols, string truncationTrailer)
    {
        var elements = new List<RuntimeValue>(type.Elements.Count);
        for (var i = 0; i < type.Elements.Count; i++)
            elements.Add(Decode(type.Elements[i], bytes.Slice(type.OffsetOf(i), type.Elements[i].Size), symbols, truncationTrailer));
        // A record prints as bpftrace prints a struct: { .a = 1, .b = x }.
        if (type.Names is { } names)
            return new RecordValue(elements.Select((e, i) => new RecordMember(names[i], e)).ToList());
        return new TupleValue(elements);
    }

    private static RuntimeValue DecodeSymbolic(BpfType type, ReadOnlySpan<byte> bytes, Symbolizer? symbols)
    {
        var value = ReadUnsigned(bytes, 8);
        if (type is StackType { IsDwarf: true } unwound)
            return (symbols ?? new Symbolizer(() => Kernel.Kallsyms.Parse(TextReader.Null), _ => new ProcessMaps([]), _ => PerfMap.Empty))
                .UnwoundStack(unwound, new UInt128(ReadUnsigned(bytes[8..], 8), value));
        symbols ??= new Symbolizer(() => Kernel.Kallsyms.Parse(TextReader.Null), _ => new ProcessMaps([]), _ => PerfMap.Empty);
        return type switch
        {
            StackType stack => symbols.Stack(stack, value),
            KernelSymbolType => new StringValue(symbols.KernelSymbol(value)),
            _ => new StringValue(symbols.FunctionName((int)ReadUnsigned(bytes[12..], 4)) ?? symbols.UserSymbol(value, (int)ReadUnsigned(bytes[8..], 4))),
        };
    }

    public static string DecodeString(ReadOnlySpan<byte> bytes) => CValues.String(bytes);

    /// <summary>
    /// The text of a string value, with <paramref name="truncationTrailer"/> after it when no NUL ends it inside its
    /// buffer: the newest reference reads one byte more than a string keeps, so a string that still fills every byte
    /// was longer than its buffer (an empty buffer holds nothing, so it is never marked).
    /// </summary>
    public static string DecodeString(ReadOnlySpan<byte> bytes, string truncationTrailer) =>
        bytes.Length > 0 && bytes.IndexOf((byte)0) < 0 ? CValues.String(bytes) + truncationTrailer : CValues.String(bytes);

    private static long ReadSigned(ReadOnlySpan<byte> bytes, int size) => CValues.ReadSigned(bytes, size);

    private static ulong ReadUnsigned(ReadOnlySpan<byte> bytes, int size) => CValues.ReadUnsigned(bytes, size);
}
