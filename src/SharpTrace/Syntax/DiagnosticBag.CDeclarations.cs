namespace SharpTrace.Syntax;

// Problems in a script's C definitions and preprocessor lines, worded as clang words them (bpftrace passes clang's
// messages through).
internal sealed partial class DiagnosticBag
{
    public void ReportInvalidCCharacter(TextSpan span, string character) => Error(span, $"invalid character '{character}' in C definition");
    public void ReportInvalidCInteger(TextSpan span, string text) => Error(span, $"invalid integer constant '{text}'");
    public void ReportUnterminatedCLiteral(TextSpan span) => Error(span, "missing terminating quote character");
    public void ReportCExpected(TextSpan span, string expected) => Error(span, $"expected {expected}");
    public void ReportUnknownCTypeName(TextSpan span, string name) => Error(span, $"unknown type name '{name}'");
    public void ReportInvalidCTypeSpecifiers(TextSpan span, string words) => Error(span, $"invalid combination of type specifiers '{words}'");
    public void ReportCRedefinition(TextSpan span, string name) => Error(span, $"redefinition of '{name}'");
    public void ReportCDuplicateMember(TextSpan span, string name) => Error(span, $"duplicate member '{name}'");
    public void ReportCIncompleteField(TextSpan span, string type) => Error(span, $"field has incomplete type '{type}'");
    public void ReportCIncompleteElement(TextSpan span, string type) => Error(span, $"array has incomplete element type '{type}'");
    public void ReportCBitfieldType(TextSpan span, string name, string type) => Error(span, $"bit-field '{name}' has non-integral type '{type}'");
    public void ReportCBitfieldWidth(TextSpan span, string name, long width, int typeBits) =>
        Error(span, width < 0
            ? $"bit-field '{name}' has negative width ({width})"
            : $"width of bit-field '{name}' ({width} bits) exceeds the width of its type ({typeBits} bits)");
    public void ReportCNotConstant(TextSpan span) => Error(span, "expression is not an integer constant expression");
    public void ReportCUndeclaredIdentifier(TextSpan span, string name) => Error(span, $"use of undeclared identifier '{name}'");
    public void ReportCDivisionByZero(TextSpan span) => Error(span, "division by zero in constant expression");
    public void ReportCTypeTooLarge(TextSpan span) => Error(span, $"type is too large (more than {int.MaxValue} bytes)");
    public void ReportCArraySize(TextSpan span, long size) => Error(span, $"array size {size} is negative or too large");
    public void ReportIncludeNotFound(TextSpan span, string header) => Error(span, $"'{header}' file not found");
    public void ReportUnterminatedConditional(TextSpan span) => Error(span, "unterminated conditional directive");
    public void ReportUnmatchedConditional(TextSpan span, string directive) => Error(span, $"#{directive} without #if");
    public void ReportInvalidDefine(TextSpan span) => Error(span, "macro name must be an identifier");
}
