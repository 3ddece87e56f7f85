using System.Text;

namespace SharpTrace.Semantics;

/// <summary>
/// Prints the bound (typed) tree, one node per line with its type, for <c>sharptrace -d types</c>:
/// <c>MemberRead ->pid :: int32</c>. Nodes this printer does not know print their kind and type.
/// </summary>
internal static class BoundTreePrinter
{
    public static string Print(BoundProgram program)
    {
        var text = new StringBuilder();
        foreach (var map in program.Maps)
        {
            var keys = map.KeyTypes is { Count: > 0 } k ? "[" + string.Join(", ", k.Select(Sized)) + "]" : "";
            text.Append("Map ").Append(map.Name).Append(keys).Append(" :: ").Append(map.ValueType is { } v ? Sized(v) : "?").Append('\n');
        }
        foreach (var probe in program.Probes)
        {
            text.Append("Probe ").Append(string.Join(",", probe.AttachPoints)).Append('\n');
            foreach (var variable in probe.Variables)
                text.Append(" Variable ").Append(variable.Name).Append(" :: ").Append(Sized(variable.Type)).Append('\n');
            if (probe.Predicate is { } predicate)
            {
                text.Append(" Predicate\n");
                Print(predicate, 2, text);
            }
            Print(probe.Body, 1, text);
        }
        return text.ToString();
    }

    // Every type with its strings' sizes, as the newest bpftrace's type dump names them (string[7], (int8,string[4])): an
    // expression's string is as large as its value can be (a literal its length and the NUL, str() max_strlen), a map or
    // variable as the longest string it holds.
    private static string Sized(BpfType type) => TypeNames.Of(type);

    private static void Print(BoundNode node, int depth, StringBuilder text)
    {
        text.Append(' ', depth).Append(Describe(node));
        if (node is BoundExpression e)
            text.Append(" :: ").Append(Sized(e.Type));
        text.Append('\n');
        foreach (var child in Children(node))
            Print(child, depth + 1, text);
    }

    private static string Describe(BoundNode node) => node switch
    {
        BoundIntegerLiteral { Type: BoolType } b => b.Value != 0 ? "Boolean true" : "Boolean false",
        BoundIntegerLiteral { Type: IntegerType { IsSigned: false } } u => "Integer " + unchecked((ulong)u.Value),
        BoundIntegerLiteral i => "Integer " + i.Value,
        BoundStringLiteral s => "String \"" + s.Value.Replace("\n", "\\n", StringComparison.Ordinal) + "\"",
        BoundBuiltinVariable b => "Builtin " + b.Builtin.Name,
        BoundTracepointField f => "TracepointField args." + f.Field.Name,
        BoundMapRead m => "MapRead " + m.Map.Name,
        BoundDeleteValue d => "Delete " + d.Map.Name,
        BoundVariableRead v => "VariableRead " + v.Variable.Name,
        BoundVariableAddress v => "VariableAddress " + v.Variable.Name,
        BoundMapAddress m => "MapAddress " + m.Map.Name,
        BoundUnary u => "Unary " + u.Operator,
        BoundBinary b => "Binary " + BoundOperators.Name(b.Operator),
        BoundMemoryRead m => $"MemoryRead +{m.Offset}" + (m.IsBitfield ? $" bits {m.BitOffset}:{m.BitfieldSize}" : "") + (m.IsUserSpace ? " user" : " kernel"),
        BoundStoredMember m => $"StoredMember +{m.Offset}" + (m.IsBitfield ? $" bits {m.BitOffset}:{m.BitfieldSize}" : ""),
        BoundArrayElement a => $"ArrayElement [{a.Count}]" + (!a.InMemory ? " copy" : a.IsUserSpace ? " user" : " kernel"),
        BoundArrayComparison c => c.IsEqual ? "ArrayComparison ==" : "ArrayComparison !=",
        BoundCast => "Cast",
        BoundStr s => "Str" + s.FromUserSpace switch { true => " user", false => " kernel", null => " user or kernel" },
        BoundMapAssign m => "MapAssign " + m.Map.Name,
        BoundAggregate a => $"Aggregate {a.Map.Name} {a.Kind.ToString().ToLowerInvariant()}",
        BoundVariableAssign v => "VariableAssign " + v.Variable.Name,
        BoundVariableReset v => "VariableReset " + v.Variable.Name,
        BoundPrintf p => "Printf #" + p.Action,
        BoundSeqPrintf p => "SeqPrintf \"" + p.Format.Replace("\n", "\\n", StringComparison.Ordinal) + "\"",
        BoundContextArgument { EndsProbeIfNull: true } a => $"ContextArgument {a.Index}, ends the probe if null",
        BoundContextPointer => "Ctx",
        BoundCall { Description: { } description } => description,
        BoundClear c => "Clear " + c.Map.Name,
        BoundDelete d => "Delete " + d.Map.Name,
        BoundPrintMap p => "Print " + p.Map.Name,
        BoundPrintValue p => "PrintValue #" + p.Action,
        BoundForMap f => $"ForMap {f.Variable.Name} : {f.Map.Name}",
        BoundForRange f => $"ForRange {f.Variable.Name}",
        BoundUnroll u => $"Unroll {u.Count}",
        BoundTupleElement { Tuple.Type: TupleType { Names: { } names } } t => "RecordField ." + names[t.Index],
        BoundTupleElement t => "TupleElement ." + t.Index,
        BoundTuple { TupleType.Names: not null } => "Record",
        BoundIncrement i => (i.IsPrefix ? "Prefix" : "Postfix") + (i.IsIncrement ? " ++" : " --"),
        _ => node.GetType().Name.StartsWith("Bound", StringComparison.Ordinal) ? node.GetType().Name["Bound".Length..] : node.GetType().Name,
    };

    private static IEnumerable<BoundNode> Children(BoundNode node) => node switch
    {
        BoundMapRead m => m.Keys,
        BoundDeleteValue d => d.Keys,
        BoundUnary u => [u.Operand],
        BoundBinary b => [b.Left, b.Right],
        BoundTernary t => [t.Condition, t.WhenTrue, t.WhenFalse],
        BoundTuple t => t.Elements,
        BoundStr s => s.Length is null ? [s.Pointer] : [s.Pointer, s.Length],
        BoundMemoryRead m => [m.Base],
        BoundStoredMember m => [m.Value],
        BoundArrayElement a => [a.Array, a.Index],
        BoundArrayComparison c => [c.Left, c.Right],
        BoundCast c => [c.Operand],
        BoundBlock b => b.Statements,
        BoundIf i => i.Else is null ? [i.Condition, i.Then] : [i.Condition, i.Then, i.Else],
        BoundExpressionStatement s => [s.Expression],
        BoundMapAssign m => [.. m.Keys, m.Value],
        BoundAggregate a => a.Argument is null ? a.Keys : [.. a.Keys, a.Argument],
        BoundVariableAssign v => [v.Value],
        BoundPrintf p => p.Arguments,
        BoundSeqPrintf p => p.Arguments,
        BoundExit { Code: { } code } => [code],
        BoundPrintValue p => [p.Value],
        BoundPrintMap { Top: { } top, Div: { } div } => [top, div],
        BoundCall c => c.Operands,
        BoundDelete d => d.Keys,
        BoundForMap f => [f.Body],
        BoundForRange f => [f.From, f.To, f.Body],
        BoundWhile w => [w.Condition, w.Body],
        BoundUnroll u => [u.Body],
        BoundTupleElement t => [t.Tuple],
        BoundIncrement i => [i.Update],
        BoundBlockExpression b => b.Value is null ? b.Statements : [.. b.Statements, b.Value],
        _ => [],
    };
}
