using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Output;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// What <c>kstack</c> and <c>ustack</c> share: the forms <c>kstack</c>, <c>kstack(N)</c>, <c>kstack(mode)</c> and
/// <c>kstack(mode, N)</c>, checked as bpftrace checks them; the mode defaults to the config's <c>stack_mode</c>.
/// </summary>
internal abstract class StackBuiltin : BuiltinFunction
{
    protected abstract bool IsUser { get; }

    /// <summary>
    /// Whether the stack can be taken as build ids and offsets (<c>ustack</c> only, as in bpftrace): elsewhere
    /// <c>(build_id)</c> is an error and a <c>stack_mode = build_id</c> config falls back to raw with a warning.
    /// </summary>
    protected virtual bool AllowsBuildId => IsUser;

    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.WithOptional(2, ParameterKind.Syntax, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> bound, BuiltinContext context)
    {
        var mode = ParseMode(context.Config.StackMode) ?? StackMode.Bpftrace;
        if (mode == StackMode.BuildId && !AllowsBuildId)
        {
            context.Diagnostics.Warning(call.Span, "'build_id' stack mode can only be used for ustack. Falling back to 'raw' mode.");
            mode = StackMode.Raw;
        }
        var depth = StackType.DefaultDepth;
        var arguments = call.Arguments;
        if (arguments.Count > 0 && arguments[0] is Identifier modeName)
        {
            if (ParseMode(modeName.Name) is not { } named)
            {
                context.Diagnostics.Error(modeName.Span, $"{Name}() expects a stack mode (bpftrace, perf, raw or build_id), got '{modeName.Name}'");
                return context.Error(call.Span);
            }
            if (named == StackMode.BuildId && !AllowsBuildId)
            {
                context.Diagnostics.Error(call.Span, "'build_id' stack mode can only be used for ustack");
                return context.Error(call.Span);
            }
            mode = named;
            arguments = arguments.Skip(1).ToList();
        }
        if (arguments.Count > 1)
        {
            context.Diagnostics.Error(call.Span, "Expected stack mode as first argument");
            return context.Error(call.Span);
        }
        if (arguments.Count == 1)
        {
            // The limit is an integer literal once literals are folded, as in the newest bpftrace: a positional
            // parameter holding a number (runtime/other "positional ustack") or a constant expression is one.
            var limitValue = context.Bind(arguments[0]);
            if (limitValue is not BoundIntegerLiteral { Type: IntegerType, Value: >= 0 and var limit })
            {
                if (limitValue.Type is not ErrorType)
                    context.Diagnostics.Error(call.Span, $"{Name}: invalid limit value");
                return context.Error(call.Span);
            }
            if (limit > StackType.MaxDepth)
            {
                context.Diagnostics.Error(call.Span, $"{Name}([int limit]): limit shouldn't exceed {StackType.MaxDepth}, {limit} given");
                return context.Error(call.Span);
            }
            if (limit == 0)
            {
                context.Diagnostics.Error(call.Span, $"{Name}([int limit]): limit must be at least 1");
                return context.Error(call.Span);
            }
            depth = (int)limit;
        }
        return Create(call, new StackType(IsUser, mode, depth), context);
    }

    /// <summary>The bound stack of the checked <paramref name="type"/>: bpf_get_stackid's, unless a sibling walks the stack otherwise.</summary>
    protected virtual BoundExpression Create(CallExpression call, StackType type, BuiltinContext context) =>
        new BoundBuiltinVariable(call.Span,
            new StackVariable(type, type.IsUser && type.Mode != StackMode.BuildId ? context.AddAction(id => new UserStackProcessAction(id)) : null), type);

    /// <summary>
    /// The number of frames of the stack <paramref name="stack"/> takes, in IR, without taking it (<c>len(kstack)</c>);
    /// null when <paramref name="stack"/> is not a stack taken by bpf_get_stackid (a <c>dw_ustack</c>).
    /// </summary>
    internal static Operand? LowerDepthOf(IBuiltinVariable stack, ProbeLowerer lowering) =>
        stack is StackVariable variable ? variable.LowerDepth(lowering) : null;

    /// <summary>A stack mode's name as scripts and config write it; null for anything else.</summary>
    public static StackMode? ParseMode(string name) => name switch
    {
        "bpftrace" => StackMode.Bpftrace,
        "perf" => StackMode.Perf,
        "raw" => StackMode.Raw,
        "build_id" => StackMode.BuildId,
        _ => null,
    };

    /// <summary>
    /// The lowering: bpf_get_stackid walks the stack into the program's stack trace map for this depth and returns
    /// the stack's id. A user stack keeps the pid beside the id, because user space needs the process's mappings to
    /// name the addresses. A negative id (no stack, or a full map) is kept as it is and prints as an empty stack.
    /// The first time a user stack of a process is taken (its pid is not in the program's LRU hash of them), a record
    /// tells user space, which reads the process's mappings at once: so its frames are named also when the process
    /// has exited by the time the stack prints. Later stacks of the process cost one map lookup.
    /// A <c>ustack(build_id)</c> needs no mappings (the kernel stores each frame as its file's build id and the
    /// offset in it): it is taken into a map of its own, created with BPF_F_STACK_BUILD_ID, and tells user space nothing.
    /// </summary>
    private sealed class StackVariable(StackType type, int? processAction) : BuiltinVariable
    {
        private const int UserStackFlag = 1 << 8; // BPF_F_USER_STACK

        public override string Name => type.Written;
        public override BpfType Type => type;

        internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
        {
            var ir = lowering.Ir;
            var id = ir.Call(HelperFunction.GetStackid, ir.Context, new MapHandle(lowering.StackMap(type)), new Imm(type.IsUser ? UserStackFlag : 0));
            ir.Store(new SlotAddress(slot, offset), 4, id);
            if (lowering.StacksCarryDepth)
            {
                // The frames go above the id (StackType.IdBits) of a stack the map holds; a failed walk keeps its error.
                var recorded = ir.NewLabel("depth_recorded");
                ir.Branch(IrCondition.Slt, id, new Imm(0), recorded);
                ir.Store(new SlotAddress(slot, offset + StackType.IdBits / 8), 2, LowerDepth(lowering));
                ir.Mark(recorded);
            }
            if (processAction is not { } action)
            {
                ir.Store(new SlotAddress(slot, offset + 4), 4, new Imm(0));
                return true;
            }
            var pid = ir.InRegister(ir.Binary(IrBinaryOp.Shr, ir.Call(HelperFunction.GetCurrentPidTgid), new Imm(32)));
            ir.Store(new SlotAddress(slot, offset + 4), 4, pid);
            var processes = lowering.UserStackProcessMap();
            var key = ir.NewSlot(8);
            ir.Store(new SlotAddress(key), 8, pid);
            var known = ir.NewLabel("process_known");
            ir.Branch(IrCondition.Ne, ir.Lookup(processes, new StackAddress(key)), new Imm(0), known);
            ir.CallVoid(HelperFunction.MapUpdateElem, new MapHandle(processes), new StackAddress(key), new StackAddress(key), new Imm(0));
            lowering.LowerReservedRecord(action, record => ir.Store(new PointerAddress(record, RecordLayout.IdSize), 8, pid));
            ir.Mark(known);
            return true;
        }

        /// <summary>
        /// The number of frames the stack has now: bpf_get_stack copies it (addresses, at most the type's depth) into
        /// this CPU's buffer and returns the bytes copied; 0 when it fails. Build-id stacks count the same frames.
        /// </summary>
        public Operand LowerDepth(ProbeLowerer lowering)
        {
            var ir = lowering.Ir;
            var frames = ir.NewRegister();
            ir.Emit(new MoveOp(frames, new Imm(0)));
            var done = ir.NewLabel("depth_done");
            var key = ir.NewSlot(8);
            ir.Store(new SlotAddress(key), 8, new Imm(0));
            var buffer = ir.InRegister(ir.Lookup(lowering.StackFrameBuffer(type.Depth), new StackAddress(key)));
            ir.Branch(IrCondition.Eq, buffer, new Imm(0), done);
            var bytes = ir.InRegister(ir.Call(HelperFunction.GetStack, ir.Context, buffer, new Imm(type.Depth * 8), new Imm(type.IsUser ? UserStackFlag : 0)));
            ir.Branch(IrCondition.Sle, bytes, new Imm(0), done);
            ir.Emit(new MoveOp(frames, ir.Binary(IrBinaryOp.Shr, bytes, new Imm(3))));
            ir.Mark(done);
            return frames;
        }
    }
}

/// <summary>
/// The record a probe sends the first time it takes a user stack of a process: the process id. Its handler reads the
/// process's mappings now, while it lives, also after exit(), since stacks printed at exit may be the process's.
/// </summary>
internal sealed record UserStackProcessAction(int Id) : AsyncAction(Id)
{
    public static readonly RecordLayout Fields = RecordLayout.Packed([8]);

    public override string Kind => "ustack_process";

    public override RecordLayout Layout => Fields;

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(context);

    private sealed class Handler(IRecordContext context) : IRecordHandler
    {
        public bool HandlesAfterExit => true;

        public void Handle(ReadOnlySpan<byte> record)
        {
            if (record.Length >= Fields.Fields[0].Offset + 8)
                context.AddUserProcess((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(record[Fields.Fields[0].Offset..]));
        }
    }
}
