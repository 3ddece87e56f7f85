namespace SharpTrace.CodeGen;

/// <summary>A program the code generator cannot produce (for example, one that needs too much stack).</summary>
public sealed class CompileException(string message) : Exception(message);
