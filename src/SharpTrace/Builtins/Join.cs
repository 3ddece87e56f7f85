using System.Text;
using SharpTrace.Lowering;
using SharpTrace.Bpf;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Join))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>join(char *arr[], sep)</c>: the probe reads the strings of a pointer array (execve's argv) into one record, at
/// most <see cref="MaxArguments"/> of them, each cut to <see cref="ArgumentSize"/> bytes with its NUL, as bpftrace 0.17
/// does; user space prints them joined by the separator (default " ") up to the first empty or missing one, then a newline.
/// </summary>
internal sealed class Join : BuiltinFunction
{
    /// <summary>bpftrace 0.17's join_argnum: the strings read.</summary>
    public const int MaxArguments = 16;

    /// <summary>bpftrace 0.17's join_argsize: bytes kept per string, its NUL included.</summary>
    public const int ArgumentSize = 1024;

    public override string Name => "join";

    public override bool IsStatement => true;

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Any, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var array = arguments[0]!;
        var failed = false;
        if (array.Type is not (IntegerType or PointerType))
        {
            // bpftrace's words, the function's name left out as bpftrace leaves it out.
            context.Diagnostics.Error(call.Span, $"() only supports int or pointer arguments ({TypeNames.KindOf(array.Type)} provided)");
            failed = true;
        }
        var separator = " ";
        if (call.Arguments.Count == 2)
        {
            if (call.Arguments[1] is StringLiteral literal)
                separator = literal.Value;
            else
            {
                var type = context.Bind(call.Arguments[1]).Type;
                context.Diagnostics.Error(call.Span, $"{Name}() expects a string literal ({TypeNames.KindOf(type)} provided)");
                failed = true;
            }
        }
        if (failed)
            return context.Error(call.Span);
        var user = array.Type is PointerType pointer ? pointer.IsUserSpace : context.ProbeKind.Context.ReadsUserMemory;
        return new BoundJoin(call.Span, context.AddAction(id => new JoinAction(id, separator)), array, user);
    }
}

/// <summary>
/// The record of a <c>join(arr, sep)</c> call: after the action id, <see cref="Join.MaxArguments"/> string slots of
/// <see cref="Join.ArgumentSize"/> bytes; user space prints them joined.
/// </summary>
internal sealed record JoinAction(int Id, string Separator) : AsyncAction(Id)
{
    /// <summary>The string slots after the id.</summary>
    public static readonly RecordLayout Slots = RecordLayout.Packed(Enumerable.Repeat(Join.ArgumentSize, Join.MaxArguments));

    public static int RecordSize => Slots.Size;

    public override string Kind => "join";

    public override RecordLayout Layout => Slots;

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(this, context);

    private sealed class Handler(JoinAction join, IRecordContext context) : IRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> record) => context.Output.Join(join.Text(record));
    }

    /// <summary>The record's strings up to the first empty one (a NULL pointer ends the array), joined by the separator.</summary>
    public string Text(ReadOnlySpan<byte> record)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Slots.Fields.Count && Slots.Fields[i].Offset + Slots.Fields[i].Size <= record.Length; i++)
        {
            var slot = record.Slice(Slots.Fields[i].Offset, Slots.Fields[i].Size);
            var length = slot.IndexOf((byte)0);
            if (length == 0)
                break;
            if (i > 0)
                text.Append(Separator);
            text.Append(Output.RawText.Decode(length < 0 ? slot : slot[..length]));
        }
        return text.ToString();
    }
}

/// <summary>A bound <c>join(arr, sep)</c>: reads each pointer of the array, then its string, straight into a reserved ring buffer record.</summary>
internal sealed record BoundJoin(TextSpan Span, int Action, BoundExpression Array, bool FromUserSpace) : BoundBuiltinCall(Span, BpfType.Void)
{
    public override IReadOnlyList<BoundExpression> Operands => [Array];

    /// <summary>
    /// The array's address, then the record reserved in the ring buffer; per slot, the pointer is read into a stack slot
    /// and its string straight into the record. Like bpftrace, every slot is read: past the array's NULL the pointer
    /// reads fail or point anywhere, and user space stops at the first empty string (a failed read leaves its slot zeroed).
    /// </summary>
    internal override bool LowerStatement(ProbeLowerer lowering)
    {
        var ir = lowering.Ir;
        var array = ir.InRegister(lowering.LowerScalar(Array));
        var element = ir.NewSlot(8);
        lowering.LowerReservedRecord(Action, record =>
        {
            var fields = JoinAction.Slots.Fields;
            for (var i = 0; i < fields.Count; i++)
            {
                ir.CallVoid(FromUserSpace ? HelperFunction.ProbeReadUser : HelperFunction.ProbeReadKernel,
                    new StackAddress(element), new Imm(8), ir.Binary(IrBinaryOp.Add, array, new Imm(i * 8)));
                var pointer = ir.Load(new SlotAddress(element), IrInt.U64);
                ir.CallVoid(FromUserSpace ? HelperFunction.ProbeReadUserStr : HelperFunction.ProbeReadKernelStr,
                    ir.Binary(IrBinaryOp.Add, record, new Imm(fields[i].Offset)), new Imm(fields[i].Size), pointer);
            }
        });
        return true;
    }
}
