namespace SharpTrace.Syntax;

// Macro definitions and their expansion, worded as bpftrace's macro expansion pass words them. What bpftrace adds as
// context to an error (the closest definition, the original one) is an error of its own at that place.
internal sealed partial class DiagnosticBag
{
    public void ReportBuiltinAsMacroParameter(TextSpan span, string name) =>
        Error(span, $"syntax: builtin '{name}' can't be used as a macro argument");
    public void ReportDuplicateMacroParameter(TextSpan span, string kind, string name) =>
        Error(span, $"{kind} for macro argument has already been used: {name}");
    public void ReportMacroRedefinition(TextSpan span, string name, TextSpan original)
    {
        Error(span, $"Redefinition of macro: {name}");
        Error(original, "This is the original definition.");
    }
    public void ReportMacroArgumentsMismatch(TextSpan span, string name) =>
        Error(span, $"Call to {name}() has arguments that do not match any definition.");
    public void ReportClosestMacroArity(TextSpan definition, string name, int expected, int actual) =>
        Error(definition, $"The closest definition of {name}() has a different number of arguments. Expected: {expected} but got {actual}");
    public void ReportMismatchedMacroArgument(TextSpan argument, string name, string expected, string parameter, string actual, TextSpan parameterSpan)
    {
        Error(argument, $"Mismatched arg. {name}() expects {expected} for arg {parameter} but got {actual}.");
        Error(parameterSpan, "This is the argument in the closest definition.");
    }
    public void ReportRecursiveMacroCall(TextSpan span, IEnumerable<string> chain) =>
        Error(span, $"Recursive macro call detected. Call chain: {string.Join(" > ", chain)}");
    public void ReportUnhygienicMapAccess(TextSpan span, string map) =>
        Error(span, $"Unhygienic access to map: {map}. Maps must be passed into the macro as arguments.");
    // bpftrace has no message for this: worded as its unhygienic map access.
    public void ReportUnhygienicVariableAccess(TextSpan span, string variable) =>
        Error(span, $"Unhygienic access to variable: {variable}. Variables must be passed into the macro as arguments.");
    public void ReportDeclarationShadowsMacroArgument(TextSpan span, string variable) =>
        Error(span, $"Variable declaration shadows macro arg {variable}");
    public void ReportTypeArgumentNotExpected(TextSpan span) =>
        Error(span, "When used as a call argument, `typeof` builtin only valid for macro calls that are expecting a type parameter");
    public void ReportOffsetofFieldPathNotIdentifiers(TextSpan argument) =>
        Error(argument, "FieldAccess expressions must be made up entirely of idents (e.g. a.b.c) to replace the second argument in `offsetof`");
    public void ReportInvalidTypeParameterReplacement(TextSpan argument, string macro, string parameter, string type) =>
        Error(argument, $"Invalid replacement for macro '{macro}' type parameter '{parameter}' which makes up the type '{type}'");

    // Imports, worded as bpftrace's parser and import resolution word them.
    public void ReportImportAfterDefinitions(TextSpan span) => Error(span, "root imports must appear before probes and functions");
    public void ReportImportNotFound(TextSpan span, string checkedPath) =>
        Error(span, $"Unable to find suitable path for import (checked: {checkedPath})");
    public void ReportImportWorldWritable(TextSpan span, string path) =>
        Error(span, $"cowardly refusing to import from a directory with global write permissions: \"{path}\"");
    public void ReportUnknownImportType(TextSpan span, string fileName) => Error(span, $"unknown import type: \"{fileName}\"");
    public void ReportImportReadError(TextSpan span, string path, string reason) => Error(span, $"error reading import '\"{path}\"': {reason}");
    public void ReportConfigInImport(TextSpan span) => Error(span, "invalid `config` within import");
}
