using SharpTrace.Output;
using SharpTrace.Records;
using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(Time))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>time()</c>, <c>time(fmt)</c>: asks user space to print the local wall-clock time when it handles the record,
/// formatted by strftime (<see cref="Output.StrftimeFormat"/>); bpftrace's default format is "%H:%M:%S\n".
/// </summary>
internal sealed class Time : BuiltinFunction
{
    public const string DefaultFormat = "%H:%M:%S\n";

    public override string Name => "time";

    public override bool IsStatement => true;

    public override Signature Signature { get; } = Signature.WithOptional(1, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        var format = DefaultFormat;
        if (call.Arguments.Count == 1)
        {
            if (call.Arguments[0] is not StringLiteral literal)
            {
                ReportStringLiteralExpected(call, call.Arguments[0], context.Bind(call.Arguments[0]).Type, context);
                return context.Error(call.Span);
            }
            format = literal.Value;
        }
        return new BoundTime(call.Span, context.AddAction(id => new TimeAction(id, format)));
    }
}

/// <summary>The record of a <c>time(fmt)</c> call: only its action id; the time is taken when user space reads it.</summary>
internal sealed record TimeAction(int Id, string Format) : AsyncAction(Id)
{
    public override string Kind => "time";

    public override IRecordHandler CreateHandler(IRecordContext context) => new Handler(this, context);

    private sealed class Handler(TimeAction time, IRecordContext context) : IRecordHandler
    {
        public void Handle(ReadOnlySpan<byte> record) => context.Output.Time(StrftimeFormat.FormatNow(time.Format));
    }
}

/// <summary>A bound <c>time(fmt)</c>: sends its record.</summary>
internal sealed record BoundTime(TextSpan Span, int Action) : BoundBuiltinCall(Span, BpfType.Void)
{
    internal override bool LowerStatement(Lowering.ProbeLowerer lowering)
    {
        lowering.LowerRecord(Action, []);
        return true;
    }
}
