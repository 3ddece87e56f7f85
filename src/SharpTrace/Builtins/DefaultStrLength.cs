using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(DefaultStrLength))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>default_str_length()</c> (or bare <c>default_str_length</c>): the size of the string <c>str()</c> reads when no
/// length is given, the config's <c>max_strlen</c>, as the reference's macro takes <c>sizeof(str((int8*)0))</c>; a
/// compile-time uint64, as <c>sizeof</c> is.
/// </summary>
internal sealed class DefaultStrLength : StdlibMacro
{
    public override string Name => "default_str_length";

    public override bool IsVariable => true;

    protected override int ParameterCount => 0;

    protected override BoundExpression BindMacro(CallExpression call, BuiltinContext context) =>
        new BoundIntegerLiteral(call.Span, context.Config.MaxStrlen, BpfType.UInt64);
}
