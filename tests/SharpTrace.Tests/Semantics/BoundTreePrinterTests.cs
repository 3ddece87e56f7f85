using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary><c>-d types</c>: the bound tree with each expression's type.</summary>
public class BoundTreePrinterTests
{
    [Fact]
    public void PrintsEveryExpressionWithItsType()
    {
        var (program, diagnostics) = SemanticKit.Bind(
            """BEGIN { $t = (struct task_struct *)curtask; @c[comm] = count(); printf("%s %d %d\n", $t->comm, $t->parent->pid, $t->in_iowait); }""");
        Assert.Empty(diagnostics);

        Assert.Equal("""
            Map @c[string[16]] :: count_t
            Probe begin
             Variable $t :: struct task_struct *
             Block
              VariableAssign $t
               Cast :: struct task_struct *
                Builtin curtask :: struct task_struct *
              Aggregate @c count
               Builtin comm :: string[16]
              Printf #0
               MemoryRead +120 kernel :: string[16]
                VariableRead $t :: struct task_struct *
               MemoryRead +80 kernel :: int32
                MemoryRead +104 kernel :: struct task_struct *
                 VariableRead $t :: struct task_struct *
               MemoryRead +88 bits 1:1 kernel :: uint32
                VariableRead $t :: struct task_struct *

            """.Replace("\r", "", StringComparison.Ordinal), BoundTreePrinter.Print(program!));
    }
}
