namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Kernel types as the newest bpftrace gives them to values: a pointer to a function (a BTF FUNC_PROTO) is a
/// <c>void *</c> (its btf.cpp: nothing calls it, <c>ksym</c> names it), so one variable holds it and <c>(void *)0</c>
/// (tests/runtime/btf "function pointer types").
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
}
