using SharpTrace.Kernel;
using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;
using SharpTrace.Syntax;
using SharpTrace.Tests.Syntax;

namespace SharpTrace.Tests.Semantics;

/// <summary>Binds scripts against a small hand-written kernel (C types and tracepoints), without the real one.</summary>
internal static class SemanticKit
{
    /// <summary>The kernel types scripts see: just enough of task_struct and friends, in C.</summary>
    public static IKernelTypes Kernel { get; } = new CKernelTypes("""
        struct load_weight { unsigned long weight; unsigned int inv_weight; };
        struct sched_entity { struct load_weight load; unsigned long long vruntime; };
        struct cpumask { unsigned long bits[4]; };
        struct mm_struct { unsigned long mmap_base; };
        struct thread_info { unsigned long flags; };
        struct task_struct {
            struct thread_info thread_info;
            unsigned int __state;
            struct sched_entity se;
            struct cpumask cpus_mask;
            struct mm_struct *mm;
            int pid;
            int tgid;
            unsigned int in_execve : 1;
            unsigned int in_iowait : 1;
            struct task_struct *real_parent;
            struct task_struct *parent;
            union { int a; long b; };
            char comm[16];
            struct task_struct *group_leader;
        };
        struct nope_fwd;
        struct bpf_iter_meta { void *seq; unsigned long long session_id; unsigned long long seq_num; };
        struct inode { unsigned long i_ino; };
        struct path { void *mnt; void *dentry; };
        struct file { struct inode *f_inode; unsigned int f_flags; struct path f_path; };
        struct vm_area_struct { unsigned long vm_start; unsigned long vm_end; struct file *vm_file; };
        struct bpf_iter__task { union { struct bpf_iter_meta *meta; }; union { struct task_struct *task; }; };
        struct bpf_iter__task_file {
            union { struct bpf_iter_meta *meta; };
            union { struct task_struct *task; };
            unsigned int fd;
            union { struct file *file; };
        };
        struct bpf_iter__task_vma {
            union { struct bpf_iter_meta *meta; };
            union { struct task_struct *task; };
            union { struct vm_area_struct *vma; };
        };
        enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID };
        struct pt_regs { unsigned long di; unsigned long si; unsigned long ip; };
        struct bpf_perf_event_data { struct pt_regs regs; unsigned long long sample_period; unsigned long long addr; };
        struct timer_list { struct timer_list *next; unsigned long expires; void (*function)(struct timer_list *); unsigned int flags; };
        """);

    public static ITracepointCatalog Tracepoints { get; } = new KitTracepoints();

    public static (BoundProgram? Program, IReadOnlyList<Diagnostic> Diagnostics) Bind(string script, ProgramConfig? config = null) =>
        Binder.Bind(StandardBuiltins.Catalog, SyntaxTree.Parse(script), Tracepoints, config, kernelTypes: Kernel);

    /// <summary>The <c>-d types</c> dump of a script that binds without errors (warnings allowed).</summary>
    public static string Types(string script)
    {
        var (program, diagnostics) = Bind(script);
        Assert.True(program is not null, string.Concat(diagnostics.Select(d => d.Format())));
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        return BoundTreePrinter.Print(program!).Replace("\r", "", StringComparison.Ordinal);
    }

    /// <summary>The messages of a script's errors.</summary>
    public static IReadOnlyList<string> Errors(string script) =>
        Bind(script).Diagnostics.Where(d => d.IsError).Select(d => d.Message).ToList();

    public static void AssertDiagnostics(string annotated, params string[] messages) =>
        AnnotatedText.AssertDiagnostics(annotated, text => Bind(text).Diagnostics, messages);

    public static void AssertDiagnostics(string annotated, ProgramConfig config, params string[] messages) =>
        AnnotatedText.AssertDiagnostics(annotated, text => Bind(text, config).Diagnostics, messages);

    /// <summary>Kernel types read from C text by our own declaration parser, standing in for BTF.</summary>
    private sealed class CKernelTypes : IKernelTypes
    {
        private readonly CTypeTable _types;

        public CKernelTypes(string c)
        {
            var tree = SyntaxTree.Parse(c);
            var diagnostics = new DiagnosticBag(tree.Source);
            _types = CDeclarations.Read(tree.Root, diagnostics, null, HeaderSearch.None, asScript: false).Types;
            Assert.Empty(diagnostics.Items);
        }

        public CType? FindTagged(string keyword, string tag) => _types.FindScriptTagged(keyword, tag);
        public CType? FindNamed(string name) => _types.FindTypedef(name);
        public (CEnumType Type, long Value)? FindEnumerator(string name) => _types.FindEnumerator(name);
        public IReadOnlyList<CParameter>? FindTracepointArguments(string name) => null;
        public CFunctionType? FindFunctionPrototype(string name) => null;
    }

    /// <summary>syscalls:sys_enter_openat and sched:sched_process_exec, with their formats as this kernel gives them.</summary>
    private sealed class KitTracepoints : ITracepointCatalog
    {
        private static readonly TracepointFormat Openat = TracepointFormat.Parse("""
            name: sys_enter_openat
            ID: 782
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:int __syscall_nr;	offset:8;	size:4;	signed:1;
            	field:int dfd;	offset:16;	size:8;	signed:0;
            	field:const char * filename;	offset:24;	size:8;	signed:0;
            	field:int flags;	offset:32;	size:8;	signed:0;
            	field:umode_t mode;	offset:40;	size:8;	signed:0;

            print fmt: ""
            """);

        private static readonly TracepointFormat Exec = TracepointFormat.Parse("""
            name: sched_process_exec
            ID: 300
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
            	field:pid_t pid;	offset:12;	size:4;	signed:1;
            	field:pid_t old_pid;	offset:16;	size:4;	signed:1;

            print fmt: ""
            """);

        public IEnumerable<(string Category, string Name)> List() => [("syscalls", "sys_enter_openat"), ("sched", "sched_process_exec")];

        public IEnumerable<string> Iterators() => ["task", "task_file", "task_vma"];

        public TracepointFormat? Format(string category, string name) => (category, name) switch
        {
            ("syscalls", "sys_enter_openat") => Openat,
            ("sched", "sched_process_exec") => Exec,
            _ => null,
        };
    }
}
