using SharpTrace.Semantics;
using SharpTrace.Syntax;
using SharpTrace.Syntax.Ast;

namespace SharpTrace.Builtins;

/// <summary>
/// A function of one argument of a declared kind, such as <c>ksym(addr)</c> or <c>strerror(n)</c>: the name and the
/// kind go to the constructor, the signature check is <see cref="BuiltinFunction"/>'s, and the function says only how
/// it binds its checked argument.
/// </summary>
internal abstract class UnaryFunction(string name, ParameterKind kind) : BuiltinFunction
{
    public sealed override string Name => name;

    public sealed override Signature Signature { get; } = Signature.Of(kind);

    protected sealed override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context) =>
        Bind(call.Span, arguments[0]!);

    /// <summary>The bound call spanning <paramref name="span"/>, once its argument is bound and of the declared kind.</summary>
    protected abstract BoundExpression Bind(TextSpan span, BoundExpression argument);
}
