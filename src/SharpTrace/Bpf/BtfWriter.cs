using System.Buffers.Binary;
using System.Text;
using SharpTrace.Kernel.Btf;

namespace SharpTrace.Bpf;

/// <summary>Linkage of a BTF function (enum btf_func_linkage). The kernel rejects BTF_FUNC_EXTERN in program BTF.</summary>
internal enum BtfLinkage
{
    /// <summary>Verified in the context of each call; required for callbacks (bpf_for_each_map_elem, bpf_loop).</summary>
    Static = 0,
    /// <summary>Verified once on its own from its BTF signature; what clang emits for a program's main function.</summary>
    Global = 1,
}

/// <summary>
/// Writes a raw BTF blob (linux/btf.h: struct btf_header, then the type section, then the string section) with the
/// few kinds a program's function info needs: INT, PTR, FUNC_PROTO and FUNC. Type ids start at 1; 0 is void.
/// </summary>
internal sealed class BtfWriter
{
    public const ushort Magic = BtfFormat.Magic;
    public const byte Version = BtfFormat.Version;
    public const int HeaderLength = BtfFormat.HeaderLength;

    public const int KindInt = (int)BtfKind.Int;
    public const int KindPtr = (int)BtfKind.Ptr;
    public const int KindFunc = (int)BtfKind.Func;
    public const int KindFuncProto = (int)BtfKind.FuncProto;

    /// <summary>BTF_INT_SIGNED, in the encoding byte of an INT's extra word.</summary>
    public const int IntSigned = BtfFormat.IntSigned;

    private readonly List<uint> _types = [];
    private readonly List<byte> _strings = [];
    private readonly Dictionary<string, int> _stringOffsets = new(StringComparer.Ordinal);
    private int _typeCount;

    public BtfWriter()
    {
        // Offset 0 is the empty name; the kernel requires the section to start with it.
        _strings.Add(0);
        _stringOffsets[""] = 0;
    }

    /// <summary>Number of types added so far; also the id of the last one.</summary>
    public int TypeCount => _typeCount;

    /// <summary>An integer type such as <c>int</c> (4, signed) or <c>long</c> (8, signed); returns its type id.</summary>
    public int AddInt(string name, int sizeBytes, bool signed)
    {
        if (sizeBytes is not (1 or 2 or 4 or 8 or 16))
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, "BTF integers are 1, 2, 4, 8 or 16 bytes");
        var encoding = signed ? IntSigned : 0;
        return AddType(AddString(name), KindInt, 0, (uint)sizeBytes, (uint)(encoding << 24 | sizeBytes * 8));
    }

    /// <summary>A pointer to <paramref name="targetTypeId"/> (0 for <c>void *</c>); returns its type id.</summary>
    public int AddPointer(int targetTypeId) => AddType(0, KindPtr, 0, CheckTypeId(targetTypeId));

    /// <summary>A function signature: return type (0 for void) and named parameters; returns its type id.</summary>
    public int AddFunctionProto(int returnTypeId, params ReadOnlySpan<(string Name, int TypeId)> parameters)
    {
        if (parameters.Length > 5)
            throw new ArgumentException("BPF functions take at most 5 arguments", nameof(parameters));
        var extra = new uint[parameters.Length * 2];
        for (var i = 0; i < parameters.Length; i++)
        {
            extra[2 * i] = AddString(parameters[i].Name);
            extra[2 * i + 1] = CheckTypeId(parameters[i].TypeId);
        }
        return AddType(0, KindFuncProto, parameters.Length, CheckTypeId(returnTypeId), extra);
    }

    /// <summary>A function with a name (a C identifier) and a FUNC_PROTO; its id goes into bpf_func_info.type_id.</summary>
    public int AddFunction(string name, int protoTypeId, BtfLinkage linkage)
    {
        if (!IsIdentifier(name))
            throw new ArgumentException($"'{name}' is not a C identifier; the kernel rejects it as a BTF function name", nameof(name));
        return AddType(AddString(name), KindFunc, (int)linkage, CheckTypeId(protoTypeId));
    }

    /// <summary>The blob for BPF_BTF_LOAD: header, types, strings.</summary>
    public byte[] Build()
    {
        var typeLength = _types.Count * 4;
        var strings = _strings.ToArray();
        var blob = new byte[HeaderLength + typeLength + strings.Length];
        var span = blob.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(span, Magic);
        span[2] = Version;
        span[3] = 0; // flags
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], HeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 0); // type_off, relative to the end of the header
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)typeLength); // str_off: strings follow the types
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)strings.Length);
        for (var i = 0; i < _types.Count; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(span[(HeaderLength + 4 * i)..], _types[i]);
        strings.CopyTo(span[(HeaderLength + typeLength)..]);
        return blob;
    }

    /// <summary>
    /// <paramref name="text"/> made into a C identifier (other characters become '_', a leading digit gets a '_'
    /// prefix), short enough for a kernel symbol name: probe names make function names this way.
    /// </summary>
    public static string ToIdentifier(string text)
    {
        var sb = new StringBuilder(text.Length + 1);
        foreach (var c in text)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (sb.Length == 0 || char.IsAsciiDigit(sb[0]))
            sb.Insert(0, '_');
        return sb.Length > 127 ? sb.ToString(0, 127) : sb.ToString();
    }

    private static bool IsIdentifier(string name) =>
        name.Length is > 0 and < 128 && ToIdentifier(name) == name;

    private uint CheckTypeId(int typeId)
    {
        if (typeId < 0 || typeId > _typeCount)
            throw new ArgumentOutOfRangeException(nameof(typeId), typeId, $"no such BTF type (ids 0..{_typeCount})");
        return (uint)typeId;
    }

    private int AddType(uint nameOffset, int kind, int vlen, uint sizeOrType, params ReadOnlySpan<uint> extra)
    {
        _types.Add(nameOffset);
        _types.Add((uint)(kind << 24 | vlen & 0xffff));
        _types.Add(sizeOrType);
        foreach (var word in extra)
            _types.Add(word);
        return ++_typeCount;
    }

    private uint AddString(string text)
    {
        if (text.Contains('\0'))
            throw new ArgumentException("BTF names cannot contain NUL", nameof(text));
        if (_stringOffsets.TryGetValue(text, out var offset))
            return (uint)offset;
        offset = _strings.Count;
        _strings.AddRange(Encoding.UTF8.GetBytes(text));
        _strings.Add(0);
        _stringOffsets[text] = offset;
        return (uint)offset;
    }
}

/// <summary>One struct bpf_func_info: the function starting at instruction <paramref name="InstructionOffset"/> has BTF FUNC <paramref name="TypeId"/>.</summary>
internal readonly record struct BpfFuncInfo(int InstructionOffset, int TypeId)
{
    /// <summary>sizeof(struct bpf_func_info); the loader passes it as func_info_rec_size.</summary>
    public const int RecordSize = 8;

    /// <summary>The records as the kernel reads them (u32 insn_off, u32 type_id each, little-endian).</summary>
    public static byte[] Encode(IReadOnlyList<BpfFuncInfo> records)
    {
        var bytes = new byte[records.Count * RecordSize];
        for (var i = 0; i < records.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * RecordSize), (uint)records[i].InstructionOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * RecordSize + 4), (uint)records[i].TypeId);
        }
        return bytes;
    }
}

/// <summary>
/// The BTF and function info for loading one assembled program.
/// <para>
/// What the loader must do: load <see cref="Btf"/> with BPF_BTF_LOAD (btf, btf_size) to get a BTF fd; then in
/// BPF_PROG_LOAD set prog_btf_fd to that fd, func_info to <see cref="FuncInfo"/>, func_info_cnt to
/// <see cref="FuncInfoCount"/> and func_info_rec_size to <see cref="BpfFuncInfo.RecordSize"/> (8). line_info is not
/// needed: leave line_info, line_info_cnt and line_info_rec_size zero. The loaded program keeps its own reference to
/// the BTF, so the BTF fd can be closed afterwards.
/// </para>
/// <para>
/// The kernel checks (kernel/bpf/verifier.c, check_btf_func): one record per function, main first at offset 0,
/// offsets increasing and equal to where the verifier finds the functions (the targets of calls and of callback
/// address loads), each type id a FUNC. A callback (BPF_PSEUDO_FUNC target) must have static linkage ("callback
/// function not static"), and any program loading a callback address must have func_info at all ("missing btf
/// func_info"). Programs with bpf-to-bpf calls but no callbacks load without BTF too.
/// </para>
/// </summary>
internal sealed record ProgramBtf(byte[] Btf, IReadOnlyList<BpfFuncInfo> Records)
{
    /// <summary>The func_info records as the kernel reads them.</summary>
    public byte[] FuncInfo => BpfFuncInfo.Encode(Records);

    public int FuncInfoCount => Records.Count;

    /// <summary>
    /// BTF for <paramref name="program"/>: main is <c>int name(void *ctx)</c> with global linkage, as clang emits it
    /// (the verifier checks main against the program type, not its BTF; static is accepted too), and every subprogram is
    /// <c>long label(void *, void *, void *, void *)</c> with static linkage. A static function's BTF arguments are
    /// only advisory to the verifier, so this one signature serves bpf_for_each_map_elem and bpf_loop callbacks alike.
    /// </summary>
    public static ProgramBtf Create(AssembledProgram program, string mainName)
    {
        var btf = new BtfWriter();
        var intType = btf.AddInt("int", 4, signed: true);
        var longType = btf.AddInt("long", 8, signed: true);
        var voidPointer = btf.AddPointer(0);
        var mainProto = btf.AddFunctionProto(intType, ("ctx", voidPointer));
        var records = new List<BpfFuncInfo>
        {
            new(0, btf.AddFunction(BtfWriter.ToIdentifier(mainName), mainProto, BtfLinkage.Global)),
        };
        if (program.Subprograms.Count > 0)
        {
            var callbackProto = btf.AddFunctionProto(longType,
                ("map", voidPointer), ("key", voidPointer), ("value", voidPointer), ("ctx", voidPointer));
            foreach (var subprogram in program.Subprograms)
                records.Add(new(subprogram.InstructionOffset,
                    btf.AddFunction(BtfWriter.ToIdentifier(subprogram.Label.Name), callbackProto, BtfLinkage.Static)));
        }
        return new ProgramBtf(btf.Build(), records);
    }
}
