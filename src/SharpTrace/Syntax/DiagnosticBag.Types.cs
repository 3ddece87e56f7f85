namespace SharpTrace.Syntax;

// Problems with C types, members, casts and indexing, worded as bpftrace 0.17 words them.
internal sealed partial class DiagnosticBag
{
    public void ReportUnknownStruct(TextSpan span, string name) => Error(span, $"Unknown struct/union: '{name}'");
    public void ReportUnresolvedType(TextSpan span, string name) => Error(span, $"Cannot resolve unknown type \"{name}\"");
    public void ReportUnknownField(TextSpan span, string type, string field) =>
        Error(span, $"Struct/union of type '{type}' does not contain a field named '{field}'");
    public void ReportNoFieldAccess(TextSpan span, string field, string type) =>
        Error(span, $"Can not access field '{field}' on expression of type '{type}'");
    public void ReportIndexOutOfBounds(TextSpan span, long index, int size) =>
        Error(span, $"the index {index} is out of bounds for array of size {size}");
    // The newest bpftrace's words (0.17: "on arrays and pointers, found integer.").
    public void ReportNotIndexable(TextSpan span, string type) =>
        Error(span, $"The array index operator [] can only be used on arrays, pointers, and tuples, found {type}.");
    public void ReportNonLiteralIndex(TextSpan span) => Error(span, "The array index operator [] only accepts literal integer indices.");
    public void ReportNonIntegerIndex(TextSpan span, string type) =>
        Error(span, $"The array index operator [] only accepts non-negative integer indices. Got: {type}");
    public void ReportInvalidDereference(TextSpan span, string type) =>
        Error(span, $"The dereference operator can not be used on expressions of type '{type}'");
    public void ReportInvalidOperand(TextSpan span, string op, string type) =>
        Error(span, $"The {op} operator can not be used on expressions of type '{type}'");
    public void ReportInvalidOperands(TextSpan span, string op, string left, string right) =>
        Error(span, $"The {op} operator can not be used on expressions of types {left}, {right}");
    // As the type mismatch, with the types pointed at.
    public void ReportDistinctPointerComparison(TextSpan span, TextSpan leftSpan, string left, TextSpan rightSpan, string right) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Warning, Source, span, $"comparison of distinct pointer types: {left}, {right}")
        {
            Context = [(leftSpan, $"left ({left})"), (rightSpan, $"right ({right})")],
        });
    // The newest bpftrace points at each operand too, naming its type ("left (int8)", "right (string[2])").
    public void ReportOperandTypeMismatch(TextSpan span, string op, TextSpan leftSpan, string left, TextSpan rightSpan, string right) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Error, Source, span, $"Type mismatch for '{op}': comparing {left} with {right}")
        {
            Context = [(leftSpan, $"left ({left})"), (rightSpan, $"right ({right})")],
        });
    public void ReportAggregationAssignedToVariable(TextSpan span, string aggregation) =>
        Error(span, $"Value '{aggregation}' cannot be assigned to a scratch variable.");
    // The newest bpftrace's wording (type_resolver, cast_creator), over the whole assignment, for a value that does not
    // fit a variable's type, declared (`let $s: string[3] = "abcd"`) or from an earlier assignment (0.17: "already
    // contains a value of type", at the '=').
    public void ReportVariableTypeMismatch(TextSpan span, string variable, string assigned, string declared) =>
        Error(span, $"Type mismatch for {variable}: trying to assign value of type '{assigned}' when variable already has a type '{declared}'");
    public void ReportImplicitIntegerCast(TextSpan span, string from, string to) =>
        Warning(span, $"Expression of type: {from} being cast to type: {to}. This may cause unexpected results. Use an explicit cast to suppress this warning.");
    public void ReportSignedOperands(TextSpan span, string op) =>
        Warning(span, $"signed operands for '{op}' can lead to undefined behavior (cast to unsigned to silence warning)");
    public void ReportVariableUsedBeforeAssignment(TextSpan span, string variable) =>
        Warning(span, $"Variable used before it was assigned: {variable}");
    // The newest bpftrace's pre-type-check words for a let that redeclares a variable in scope, and the note that
    // points at the variable it would shadow (a second located error, as bpftrace prints its context).
    public void ReportVariableShadowing(TextSpan span, string variable) =>
        Error(span, $"Variable {variable} was already declared. Variable shadowing is not allowed.");
    public void ReportLoopVariableShadowing(TextSpan span, string variable) =>
        Error(span, $"Loop declaration shadows existing variable: {variable}");
    public void ReportInitialDeclaration(TextSpan span) => Error(span, "This is the initial declaration.");
    public void ReportInitialAssignment(TextSpan span) => Error(span, "This is the initial assignment.");
    public void ReportLoopVariableOrigin(TextSpan span) => Error(span, "This is the loop variable.");
    public void ReportVariableNeverAssigned(TextSpan span, string variable) =>
        Warning(span, $"Variable {variable} was never assigned to.");
    public void ReportCastFromCType(TextSpan span, string type) => Error(span, $"Cannot cast from C type \"{type}\"");
    public void ReportUnnecessaryCast(TextSpan span, string type) => Warning(span, $"Unnecessary cast: expression is already of type {type}");
    public void ReportCastArraySize(TextSpan span) =>
        Error(span, "Cannot determine array size: the element size is incompatible with the cast integer size");
    public void ReportInvalidCast(TextSpan span, string from, string to) => Error(span, $"Cannot cast from \"{from}\" to \"{to}\"");
    public void ReportUnknownEnum(TextSpan span, string tag) => Error(span, $"Unknown enum: {tag}");
    public void ReportNoEnumVariant(TextSpan span, string tag, string value) => Error(span, $"Enum: {tag} doesn't contain a variant value of {value}");
    public void ReportOffsetofNotStruct(TextSpan span, string type) => Error(span, $"offsetof() needs a struct or union, not '{type}'");
}
