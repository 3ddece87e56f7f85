using System.Buffers.Binary;
using SharpTrace.Bpf;
using SharpTrace.Builtins;
using SharpTrace.Lowering;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

[assembly: BuiltinProvider(typeof(DwUstack))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>dw_ustack</c>, <c>dw_ustack(N)</c>, <c>dw_ustack(mode[, N])</c> (bpftrace 0.26's name): the user stack, whole
/// also for code built without frame pointers. The probe copies the user registers and up to
/// <c>dw_ustack_size</c> bytes of the user stack into a record; user space unwinds the copy with the call frame
/// information (<c>.eh_frame</c>, <c>.debug_frame</c>) of the mapped files as soon as it reads the record, while the
/// process lives. The value is the sample's id, which map keys hold like a stack id.
/// </summary>
internal sealed class DwUstack : StackBuiltin
{
    public const int PageSize = 4096;

    /// <summary>The ring buffer a program with <c>dw_ustack</c> gets (without <c>perf_rb_pages</c>): 200 records of 32 KiB fit.</summary>
    public const int RingBufferBytes = 8 << 20;

    public override string Name => "dw_ustack";
    protected override bool IsUser => true;

    // Unwound in user space from a copy: there is no build id of the kernel's to print (ustack(build_id) has them).
    protected override bool AllowsBuildId => false;

    protected override BoundExpression Create(CallExpression call, StackType type, BuiltinContext context)
    {
        if (!CanUnwind(context.ProbeKind))
        {
            context.Diagnostics.Error(call.Span, $"dw_ustack can only be used in uprobe, uretprobe, usdt and profile probes, not in {context.ProbeKind.Name}");
            return context.Error(call.Span);
        }
        return Unwound(call, type, context);
    }

    /// <summary>Whether the context of <paramref name="kind"/>'s programs holds the user registers (a pt_regs, or a perf event's, which starts with one).</summary>
    public static bool CanUnwind(ProbeKind kind) => kind.Name is "uprobe" or "uretprobe" or "usdt" or "profile";

    /// <summary>A stack of <paramref name="type"/>'s mode and depth, unwound from a copy (also a bare <c>ustack</c> under <c>ustack_unwind = dwarf</c>).</summary>
    public static BoundExpression Unwound(CallExpression call, StackType type, BuiltinContext context)
    {
        var dwarf = type with { IsDwarf = true };
        var pages = (context.Config.DwUstackSize + PageSize - 1) / PageSize;
        var action = context.AddAction(id => new UserStackSampleAction(id, pages));
        return new BoundBuiltinVariable(call.Span, new SampleVariable(dwarf, action, pages), dwarf);
    }

    /// <summary>
    /// The lowering: the sample's id (nanoseconds since boot; the CPU and the process id) goes into the value, and a
    /// record built in this CPU's buffer gets the id, the registers and the stack pages one by one from the page
    /// holding the stack pointer, until a read fails (the top of the stack) or <paramref name="pages"/> are copied;
    /// it goes to the ring buffer with only the pages copied.
    /// </summary>
    private sealed class SampleVariable(StackType type, int action, int pages) : BuiltinVariable
    {
        // struct pt_regs on x86-64 (also the start of struct bpf_perf_event_data).
        private const short BpOffset = 32, BxOffset = 40, IpOffset = 128, SpOffset = 152;

        public override string Name => type.ToString();
        public override BpfType Type => type;

        internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
        {
            var ir = lowering.Ir;
            var time = ir.InRegister(ir.Call(HelperFunction.KtimeGetNs));
            var cpu = ir.Call(HelperFunction.GetSmpProcessorId);
            var pid = ir.Binary(IrBinaryOp.Shr, ir.Call(HelperFunction.GetCurrentPidTgid), new Imm(32));
            var tag = ir.InRegister(ir.Binary(IrBinaryOp.Or, ir.Binary(IrBinaryOp.Shl, cpu, new Imm(32)), pid));
            ir.Store(new SlotAddress(slot, offset), 8, time);
            ir.Store(new SlotAddress(slot, offset + 8), 8, tag);
            var layout = UserStackSampleAction.LayoutOf(pages);
            var fields = layout.Fields;
            var key = ir.NewSlot(8);
            ir.Store(new SlotAddress(key), 8, cpu);
            var record = ir.InRegister(ir.Lookup(lowering.UserStackCopyMap(layout.Size), new StackAddress(key)));
            var done = ir.NewLabel("sample_done");
            ir.Branch(IrCondition.Eq, record, new Imm(0), done);
            Operand Register(short at) => ir.Load(new PointerAddress(ir.Context, at), IrInt.U64);
            ir.Store(new PointerAddress(record), 8, new Imm(action));
            ir.Store(new PointerAddress(record, (short)fields[0].Offset), 8, time);
            ir.Store(new PointerAddress(record, (short)fields[1].Offset), 8, tag);
            ir.Store(new PointerAddress(record, (short)fields[2].Offset), 8, Register(IpOffset));
            var sp = ir.InRegister(Register(SpOffset));
            ir.Store(new PointerAddress(record, (short)fields[3].Offset), 8, sp);
            ir.Store(new PointerAddress(record, (short)fields[4].Offset), 8, Register(BpOffset));
            ir.Store(new PointerAddress(record, (short)fields[5].Offset), 8, Register(BxOffset));
            var stackBase = ir.InRegister(ir.Binary(IrBinaryOp.And, sp, new Imm(~(long)(PageSize - 1))));
            ir.Store(new PointerAddress(record, (short)fields[6].Offset), 8, stackBase);
            ir.Store(new PointerAddress(record, (short)fields[7].Offset), 8, new Imm(0));
            var copied = ir.NewLabel("stack_copied");
            for (var page = 0; page < pages; page++)
            {
                var result = ir.Call(HelperFunction.ProbeReadUser,
                    ir.Binary(IrBinaryOp.Add, record, new Imm(fields[8].Offset + page * PageSize)), new Imm(PageSize),
                    ir.Binary(IrBinaryOp.Add, stackBase, new Imm(page * PageSize)));
                ir.Branch(IrCondition.Ne, result, new Imm(0), copied);
                ir.Store(new PointerAddress(record, (short)fields[7].Offset), 8, new Imm(page + 1));
            }
            ir.Mark(copied);
            // The count read back is checked against the most pages, so that the verifier knows the size's bounds.
            var count = ir.InRegister(ir.Load(new PointerAddress(record, (short)fields[7].Offset), IrInt.U64));
            ir.Branch(IrCondition.Gt, count, new Imm(pages), done);
            var length = ir.InRegister(ir.Binary(IrBinaryOp.Add, ir.Binary(IrBinaryOp.Shl, count, new Imm(12)), new Imm(fields[8].Offset)));
            lowering.LowerOutputFrom(action, record, length);
            ir.Mark(done);
            return true;
        }
    }
}

/// <summary>
/// The record of a <c>dw_ustack</c> sample: its id (two words), the registers ip, sp, bp and rbx, the address of
/// the first page copied, the number of pages copied, then the pages (at most <paramref name="StackPages"/>; the
/// record ends after the last page copied). Its handler hands the sample to the unwinder, also after exit(), since
/// map keys printed at exit may name it.
/// </summary>
internal sealed record UserStackSampleAction(int Id, int StackPages) : AsyncAction(Id)
{
    /// <summary>The layout of records of up to <paramref name="pages"/> pages.</summary>
    public static RecordLayout LayoutOf(int pages) => RecordLayout.Packed([8, 8, 8, 8, 8, 8, 8, 8, pages * DwUstack.PageSize]);

    public override string Kind => "dw_ustack";

    public override RecordLayout Layout => LayoutOf(StackPages);

    public override int RingBufferBytes => DwUstack.RingBufferBytes;

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(context, StackPages);

    /// <summary>The sample a record of up to <paramref name="maxPages"/> pages holds; null for a record too short to be one.</summary>
    public static UserStackSample? Decode(ReadOnlySpan<byte> record, int maxPages)
    {
        var fields = LayoutOf(maxPages).Fields;
        if (record.Length < fields[8].Offset)
            return null;
        var words = new ulong[8];
        for (var i = 0; i < words.Length; i++)
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(record[fields[i].Offset..]);
        ulong Word(int i) => words[i];
        var pages = (int)Math.Min(Word(7), (ulong)maxPages);
        var bytes = Math.Min(pages * DwUstack.PageSize, record.Length - fields[8].Offset);
        return new UserStackSample(new UInt128(Word(1), Word(0)), (int)(uint)Word(1), Word(2), Word(3), Word(4), Word(5), Word(6),
            record.Slice(fields[8].Offset, bytes).ToArray());
    }

    private sealed class Handler(IRecordContext context, int maxPages) : IRecordHandler
    {
        public bool HandlesAfterExit => true;

        public void Handle(ReadOnlySpan<byte> record)
        {
            if (Decode(record, maxPages) is { } sample)
                context.AddUserStack(sample);
        }
    }
}
