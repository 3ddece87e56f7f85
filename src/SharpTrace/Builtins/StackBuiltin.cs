using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Output;
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

    public override bool IsVariable => true;

    public override Signature Signature { get; } = Signature.WithOptional(2, ParameterKind.Syntax, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> bound, BuiltinContext context)
    {
        var mode = ParseMode(context.Config.StackMode) ?? StackMode.Bpftrace;
        var depth = StackType.DefaultDepth;
        var arguments = call.Arguments;
        if (arguments.Count > 0 && arguments[0] is Identifier modeName)
        {
            if (ParseMode(modeName.Name) is not { } named)
            {
                context.Diagnostics.Error(modeName.Span, $"{Name}() expects a stack mode (bpftrace, perf or raw), got '{modeName.Name}'");
                return context.Error(call.Span);
            }
            mode = named;
            arguments = arguments.Skip(1).ToList();
        }
        if (arguments.Count > 1 || (arguments.Count == 1 && arguments[0] is not IntegerLiteral))
        {
            var provided = arguments[0] is StringLiteral ? "string" : "integer";
            context.Diagnostics.Error(call.Span, $"{Name}() expects a integer literal ({provided} provided)");
            return context.Error(call.Span);
        }
        if (arguments.Count == 1)
        {
            var limit = ((IntegerLiteral)arguments[0]).Value;
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
        new BoundBuiltinVariable(call.Span, new StackVariable(type), type);

    /// <summary>A stack mode's name as scripts and config write it; null for anything else.</summary>
    public static StackMode? ParseMode(string name) => name switch
    {
        "bpftrace" => StackMode.Bpftrace,
        "perf" => StackMode.Perf,
        "raw" => StackMode.Raw,
        _ => null,
    };

    /// <summary>
    /// The lowering: bpf_get_stackid walks the stack into the program's stack trace map for this depth and returns
    /// the stack's id. A user stack keeps the pid beside the id, because user space needs the process's mappings to
    /// name the addresses. A negative id (no stack, or a full map) is kept as it is and prints as an empty stack.
    /// </summary>
    private sealed class StackVariable(StackType type) : BuiltinVariable
    {
        private const int UserStackFlag = 1 << 8; // BPF_F_USER_STACK

        public override string Name => type.ToString();
        public override BpfType Type => type;

        internal override bool LowerInto(ProbeLowerer lowering, Slot slot, int offset, int size)
        {
            var ir = lowering.Ir;
            var id = ir.Call(HelperFunction.GetStackid, ir.Context, new MapHandle(lowering.StackMap(type)), new Imm(type.IsUser ? UserStackFlag : 0));
            ir.Store(new SlotAddress(slot, offset), 4, id);
            var pid = type.IsUser ? ir.Binary(IrBinaryOp.Shr, ir.Call(HelperFunction.GetCurrentPidTgid), new Imm(32)) : new Imm(0);
            ir.Store(new SlotAddress(slot, offset + 4), 4, pid);
            return true;
        }
    }
}
