using SharpTrace.Semantics;
using SharpTrace.Syntax.Ast;
using SharpTrace.Builtins;

[assembly: BuiltinProvider(typeof(ContainerOf))]

namespace SharpTrace.Builtins;

/// <summary>
/// <c>container_of(ptr, type, member)</c>: a pointer to the <c>type</c> whose <c>member</c> <c>ptr</c> points to, as
/// the newest bpftrace's library (and the kernel's macro) defines it: <c>(type *)((void *)ptr - offsetof(type, member))</c>,
/// bound as that expression, so the pointer keeps its address space and the type's errors are offsetof's and the cast's.
/// <c>type</c> is written as a type (<c>struct node</c>) or a type name; <c>member</c> a member's name or a path (<c>a.b</c>).
/// </summary>
internal sealed class ContainerOf : BuiltinFunction
{
    public override string Name => "container_of";

    public override Signature Signature { get; } = Signature.Of(ParameterKind.Syntax, ParameterKind.Syntax, ParameterKind.Syntax);

    protected override BoundExpression Bind(CallExpression call, IReadOnlyList<BoundExpression?> arguments, BuiltinContext context)
    {
        TypeSyntax? type = call.Arguments[1] switch
        {
            TypeExpression written => written.Type,
            Identifier name => new TypeSyntax(name.Span, name.Name, 0, null),
            _ => null,
        };
        if (type is null or { PointerDepth: > 0 } or { ArrayLength: not null })
        {
            context.Diagnostics.Error(call.Arguments[1].Span, "container_of() expects a struct or union type as its second argument");
            return context.Error(call.Span);
        }
        if (MemberPath(call.Arguments[2]) is not { } path)
        {
            context.Diagnostics.Error(call.Arguments[2].Span, "container_of() expects a member name as its third argument");
            return context.Error(call.Span);
        }
        var span = call.Span;
        var bytes = new CastExpression(span, new TypeSyntax(span, "void", 1, null), call.Arguments[0]);
        var start = new BinaryExpression(span, BinaryOperator.Subtract, bytes, new OffsetofExpression(span, type, null, path));
        return context.Bind(new CastExpression(span, type with { PointerDepth = 1 }, start));
    }

    private static IReadOnlyList<string>? MemberPath(Expression member) => member switch
    {
        Identifier name => [name.Name],
        FieldAccess { IsArrow: false } field when MemberPath(field.Target) is { } path => [.. path, field.Field],
        _ => null,
    };
}
