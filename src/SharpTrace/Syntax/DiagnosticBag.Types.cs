namespace SharpTrace.Syntax;

// Problems with C types, members, casts and indexing, worded as bpftrace 0.17 words them.
public sealed partial class DiagnosticBag
{
    public void ReportUnknownStruct(TextSpan span, string name) => Error(span, $"Unknown struct/union: '{name}'");
    public void ReportUnknownField(TextSpan span, string type, string field) =>
        Error(span, $"Struct/union of type '{type}' does not contain a field named '{field}'");
    public void ReportNoFieldAccess(TextSpan span, string field, string type) =>
        Error(span, $"Can not access field '{field}' on expression of type '{type}'");
    public void ReportFieldAccessOnPointer(TextSpan span, string field, string type) =>
        Error(span, $"Can not access field '{field}' on type '{type}'. Try dereferencing it first, or using '->'");
    public void ReportIndexOutOfBounds(TextSpan span, long index, int size) =>
        Error(span, $"the index {index} is out of bounds for array of size {size}");
    public void ReportNotIndexable(TextSpan span, string kind) =>
        Error(span, $"The array index operator [] can only be used on arrays and pointers, found {kind}.");
    public void ReportNonLiteralIndex(TextSpan span) => Error(span, "The array index operator [] only accepts literal integer indices.");
    public void ReportInvalidDereference(TextSpan span, string type) => Error(span, $"Can not dereference type '{type}'");
    public void ReportInvalidCastOperand(TextSpan span, string type) => Error(span, $"Casts are not supported for type: \"{type}\"");
    public void ReportCastToStruct(TextSpan span, string type) => Error(span, $"Cannot cast to struct type \"{type}\"");
    public void ReportOffsetofNotStruct(TextSpan span, string type) => Error(span, $"offsetof() needs a struct or union, not '{type}'");
}
