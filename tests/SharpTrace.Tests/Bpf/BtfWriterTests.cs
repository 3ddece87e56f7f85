using System.Buffers.Binary;
using System.Text;
using SharpTrace.Bpf;

namespace SharpTrace.Tests.Bpf;

/// <summary>Blob layout checked against linux/btf.h: struct btf_header, struct btf_type and the info word.</summary>
public class BtfWriterTests
{
    private static uint U32(byte[] blob, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(offset));

    // BTF_INFO_KIND / BTF_INFO_VLEN from btf.h.
    private static int Kind(uint info) => (int)(info >> 24) & 0x1f;
    private static int Vlen(uint info) => (int)(info & 0xffff);

    private static string StringAt(byte[] blob, int offset)
    {
        var start = 24 + (int)U32(blob, 16) + offset;
        var end = Array.IndexOf(blob, (byte)0, start);
        return Encoding.UTF8.GetString(blob, start, end - start);
    }

    [Fact]
    public void HeaderDescribesTypeAndStringSections()
    {
        var btf = new BtfWriter();
        btf.AddInt("int", 4, signed: true);
        var blob = btf.Build();

        Assert.Equal(0xeB9F, BinaryPrimitives.ReadUInt16LittleEndian(blob)); // BTF_MAGIC
        Assert.Equal(0x9f, blob[0]);
        Assert.Equal(1, blob[2]);           // BTF_VERSION
        Assert.Equal(0, blob[3]);           // flags
        Assert.Equal(24u, U32(blob, 4));    // hdr_len = sizeof(struct btf_header)
        Assert.Equal(0u, U32(blob, 8));     // type_off
        Assert.Equal(16u, U32(blob, 12));   // type_len: btf_type (12) + the INT's u32
        Assert.Equal(16u, U32(blob, 16));   // str_off
        Assert.Equal(5u, U32(blob, 20));    // str_len: "\0int\0"
        Assert.Equal(24 + 16 + 5, blob.Length);
        Assert.Equal("\0int\0"u8.ToArray(), blob[40..]);
    }

    [Fact]
    public void IntTypeEncoding()
    {
        var btf = new BtfWriter();
        Assert.Equal(1, btf.AddInt("int", 4, signed: true));
        Assert.Equal(2, btf.AddInt("unsigned char", 1, signed: false));
        var blob = btf.Build();

        Assert.Equal(1u, U32(blob, 24));                // name_off of "int"
        Assert.Equal(0x01000000u, U32(blob, 28));       // kind BTF_KIND_INT (1) << 24, vlen 0
        Assert.Equal(4u, U32(blob, 32));                // size
        Assert.Equal(0x01000020u, U32(blob, 36));       // BTF_INT_SIGNED << 24 | 32 bits
        Assert.Equal("unsigned char", StringAt(blob, (int)U32(blob, 40)));
        Assert.Equal(1u, U32(blob, 48));
        Assert.Equal(0x00000008u, U32(blob, 52));       // unsigned, 8 bits, offset 0
    }

    [Fact]
    public void FunctionAndPrototypeEncoding()
    {
        var btf = new BtfWriter();
        var intType = btf.AddInt("int", 4, signed: true);           // 1: 16 bytes
        var voidPtr = btf.AddPointer(0);                            // 2: 12 bytes
        var proto = btf.AddFunctionProto(intType, ("ctx", voidPtr)); // 3: 12 + 8 bytes
        var func = btf.AddFunction("main", proto, BtfLinkage.Global); // 4: 12 bytes
        var callback = btf.AddFunction("cb", proto, BtfLinkage.Static); // 5
        Assert.Equal((2, 3, 4, 5), (voidPtr, proto, func, callback));
        var blob = btf.Build();
        var t = 24;

        var ptr = t + 16;
        Assert.Equal(0u, U32(blob, ptr));                            // pointers are anonymous
        Assert.Equal(2, Kind(U32(blob, ptr + 4)));                   // BTF_KIND_PTR
        Assert.Equal(0u, U32(blob, ptr + 8));                        // to void

        var p = ptr + 12;
        Assert.Equal(0u, U32(blob, p));
        Assert.Equal(0x0d000001u, U32(blob, p + 4));                 // BTF_KIND_FUNC_PROTO (13), vlen 1
        Assert.Equal(1u, U32(blob, p + 8));                          // returns int
        Assert.Equal("ctx", StringAt(blob, (int)U32(blob, p + 12))); // struct btf_param.name_off
        Assert.Equal(2u, U32(blob, p + 16));                         // struct btf_param.type

        var f = p + 20;
        Assert.Equal("main", StringAt(blob, (int)U32(blob, f)));
        Assert.Equal(0x0c000001u, U32(blob, f + 4));                 // BTF_KIND_FUNC (12), vlen = BTF_FUNC_GLOBAL
        Assert.Equal(3u, U32(blob, f + 8));                          // its FUNC_PROTO
        Assert.Equal(12, Kind(U32(blob, f + 16)));
        Assert.Equal(0, Vlen(U32(blob, f + 16)));                    // BTF_FUNC_STATIC
        Assert.Equal((uint)(f + 24 - 24), U32(blob, 12));            // type_len ends after the last FUNC
    }

    [Fact]
    public void StringsAreSharedAndStartWithTheEmptyName()
    {
        var btf = new BtfWriter();
        var i = btf.AddInt("int", 4, true);
        var p = btf.AddPointer(0);
        btf.AddFunctionProto(i, ("ctx", p));
        btf.AddFunctionProto(i, ("ctx", p));
        var blob = btf.Build();
        Assert.Equal("\0int\0ctx\0"u8.ToArray(), blob[(24 + (int)U32(blob, 16))..]);
    }

    [Fact]
    public void FunctionNamesMustBeIdentifiers()
    {
        var btf = new BtfWriter();
        var proto = btf.AddFunctionProto(0);
        Assert.Throws<ArgumentException>(() => btf.AddFunction("tracepoint:x", proto, BtfLinkage.Static));
        Assert.Equal("tracepoint_syscalls_sys_enter_openat", BtfWriter.ToIdentifier("tracepoint:syscalls:sys_enter_openat"));
        Assert.Equal("_1abc", BtfWriter.ToIdentifier("1abc"));
        Assert.Equal("BEGIN", BtfWriter.ToIdentifier("BEGIN"));
    }

    [Fact]
    public void UnknownTypeIdsAreRejected()
    {
        var btf = new BtfWriter();
        Assert.Throws<ArgumentOutOfRangeException>(() => btf.AddPointer(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => btf.AddFunction("f", 7, BtfLinkage.Static));
    }

    [Fact]
    public void FuncInfoRecordsAreInsnOffThenTypeId()
    {
        var bytes = BpfFuncInfo.Encode([new(0, 4), new(12, 5)]);
        Assert.Equal(8, BpfFuncInfo.RecordSize); // sizeof(struct bpf_func_info)
        Assert.Equal(new byte[] { 0, 0, 0, 0, 4, 0, 0, 0, 12, 0, 0, 0, 5, 0, 0, 0 }, bytes);
    }

    [Fact]
    public void ProgramBtfHasOneStaticFunctionPerSubprogram()
    {
        var asm = new Assembler();
        var callback = asm.NewLabel("clear_elem");
        asm.LoadMapFd(Reg.R1, new MapRef("@m"))
           .LoadFunctionAddress(Reg.R2, callback)
           .Mov(Reg.R3, 0).Mov(Reg.R4, 0)
           .Call(HelperFunction.ForEachMapElem)
           .Mov(Reg.R0, 0).Exit()
           .Mark(callback)
           .Mov(Reg.R0, 0).Exit();
        var program = asm.Assemble();
        var btf = ProgramBtf.Create(program, "tracepoint:syscalls:sys_enter_openat");

        Assert.Equal(2, btf.FuncInfoCount);
        Assert.Equal(0u, U32(btf.FuncInfo, 0));
        Assert.Equal(9u, U32(btf.FuncInfo, 8)); // where clear_elem starts
        var blob = btf.Btf;
        var main = (int)U32(btf.FuncInfo, 4);
        var cb = (int)U32(btf.FuncInfo, 12);

        // Walk the type section to find each type's offset (INT has one extra u32, FUNC_PROTO two per param).
        var offsets = new List<int> { 0 };
        var typeEnd = 24 + (int)U32(blob, 12);
        for (var at = 24; at < typeEnd;)
        {
            offsets.Add(at);
            var info = U32(blob, at + 4);
            at += 12 + Kind(info) switch { 1 => 4, 13 => 8 * Vlen(info), _ => 0 };
        }
        Assert.Equal(12, Kind(U32(blob, offsets[main] + 4)));
        Assert.Equal(1, Vlen(U32(blob, offsets[main] + 4))); // global
        Assert.Equal("tracepoint_syscalls_sys_enter_openat", StringAt(blob, (int)U32(blob, offsets[main])));
        Assert.Equal(12, Kind(U32(blob, offsets[cb] + 4)));
        Assert.Equal(0, Vlen(U32(blob, offsets[cb] + 4)));   // static, as callbacks must be
        Assert.Equal("clear_elem", StringAt(blob, (int)U32(blob, offsets[cb])));
        var cbProto = (int)U32(blob, offsets[cb] + 8);
        Assert.Equal(13, Kind(U32(blob, offsets[cbProto] + 4)));
        Assert.Equal(4, Vlen(U32(blob, offsets[cbProto] + 4)));
    }

    [Fact]
    public void ProgramWithoutSubprogramsHasOnlyMain()
    {
        var asm = new Assembler();
        asm.Mov(Reg.R0, 0).Exit();
        var btf = ProgramBtf.Create(asm.Assemble(), "BEGIN");
        Assert.Equal(1, btf.FuncInfoCount);
        Assert.Equal(8, btf.FuncInfo.Length);
    }
}
