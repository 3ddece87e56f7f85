namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Kernel types as the newest bpftrace gives them to values: a pointer to a function (a BTF FUNC_PROTO) is a
/// <c>void *</c> (its btf.cpp: nothing calls it, <c>ksym</c> names it), so one variable holds it and <c>(void *)0</c>
/// (tests/runtime/btf "function pointer types"); and a script that redefines a kernel type takes no other kernel
/// type into its C definitions by value (tests/runtime/btf "redefine_btf_type_missing_def"), in clang's words.
/// </summary>
public sealed class KernelTypeIdentityTests
{
    [Fact]
    public void AFunctionPointerMemberIsAVoidPointerAsTheNewestTypesIt()
    {
        var types = SemanticKit.Types("""
            kprobe:f { $workfn = (void *)0; $tl = (struct timer_list *)arg0; $workfn = $tl->function; @f[1] = $tl->function; @f[2] = (void *)0; }
            """);

        Assert.Contains("Variable $workfn :: void *\n", types, StringComparison.Ordinal);
        Assert.Contains("Map @f[int8] :: void *\n", types, StringComparison.Ordinal);
        Assert.Contains("MemoryRead +16 kernel :: void *\n", types, StringComparison.Ordinal);
    }

    [Fact]
    public void AScriptRedefiningAKernelStructTakesNoKernelStructByValue() =>
        SemanticKit.AssertDiagnostics(
            """struct task_struct { struct thread_info ⟦x⟧; } BEGIN { printf("%d\n", curtask.x.flags); }""",
            "field has incomplete type 'struct thread_info'");

    [Fact]
    public void AScriptRedefiningAKernelStructStillPointsAtKernelStructs()
    {
        // tests/runtime/btf "redefine_btf_type": the script's task_struct is the one curtask points at.
        Assert.Contains("MemoryRead +0 kernel :: int32\n",
            SemanticKit.Types("""struct task_struct { int x; struct thread_info *info; } BEGIN { printf("%d %d\n", curtask.x, curtask.info->flags); }"""),
            StringComparison.Ordinal);
        // tests/runtime/btf "user_supplied_c_def_using_btf": no kernel type redefined, a kernel struct by value.
        Assert.Empty(SemanticKit.Errors("struct foo { struct task_struct t; } BEGIN { }"));
    }
}
