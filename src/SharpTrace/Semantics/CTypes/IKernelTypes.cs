namespace SharpTrace.Semantics.CTypes;

/// <summary>The running kernel's C types (BTF on a real machine), as the semantic stage asks for them.</summary>
internal interface IKernelTypes
{
    /// <summary>The struct, union or enum with tag <paramref name="tag"/>; <paramref name="keyword"/> is "struct", "union" or "enum". Null if none.</summary>
    CType? FindTagged(string keyword, string tag);

    /// <summary>A typedef or base type by its name (<c>pid_t</c>, <c>u64</c>, <c>long unsigned int</c>); null if none.</summary>
    CType? FindNamed(string name);

    /// <summary>An enumerator of any kernel enum by name (<c>TASK_COMM_LEN</c>, <c>TCP_CLOSE</c>); null if none.</summary>
    (CEnumType Type, long Value)? FindEnumerator(string name);

    /// <summary>
    /// The arguments a raw tracepoint (<c>rawtracepoint:sched_switch</c>, <c>tracepoint</c> via BTF) passes, without the
    /// leading <c>void *__data</c>; null if the kernel has no such tracepoint.
    /// </summary>
    IReadOnlyList<CParameter>? FindTracepointArguments(string name);

    /// <summary>The prototype of the kernel function <paramref name="name"/> (what fentry and fexit probes see); null if BTF has no such function.</summary>
    CFunctionType? FindFunctionPrototype(string name);
}
