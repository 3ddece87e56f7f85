namespace SharpTrace.CodeGen;

/// <summary>A program the code generator cannot produce (for example, one that needs too much stack).</summary>
public sealed class CompileException(string message) : Exception(message);

/// <summary>An error at a place in the script found while compiling for this kernel; the message is the whole diagnostic, location and source line included.</summary>
public sealed class LocatedCompileException(string diagnostic) : Exception(diagnostic);
