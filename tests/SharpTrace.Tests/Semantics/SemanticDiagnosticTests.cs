namespace SharpTrace.Tests.Semantics;

/// <summary>
/// Semantic errors and warnings, written with the offending text marked (⟦ ⟧) and the expected message beside it.
/// Kernel types come from <see cref="SemanticKit.Kernel"/> (a small task_struct), not from this machine's BTF.
/// </summary>
public class SemanticDiagnosticTests
{
    [Theory]
    // Each checked against bpftrace 0.17 (`bpftrace -d -e '...'`): same message, same span. (0.17 leaves out the
    // closing quote after the map's type in map type mismatches; we write it.)
    // Maps and variables
    // The newest bpftrace's words and spans (tests/type_checker.cpp mismatched_call_types, its `@x = 0; @x = "a"` and
    // `$b = "hi"; $b = @b` cases): the value's own type, over the whole assignment, "already has a type" (0.17: "already
    // contains a value of type", at the map or the '=').
    [InlineData("BEGIN { @x = 1; ⟦@x = \"a\"⟧; }", "Type mismatch for @x: trying to assign value of type 'string[2]' when map already has a type 'int8'")]
    [InlineData("BEGIN { @x = \"abc\"; ⟦@x = 1⟧; }", "Type mismatch for @x: trying to assign value of type 'int8' when map already has a type 'string[4]'")]
    [InlineData("BEGIN { @x = count(); ⟦@x = 1⟧; }", "Type mismatch for @x: trying to assign value of type 'int8' when map already has a type 'count_t'")]
    [InlineData("BEGIN { @x = 1; @x = ⟦count()⟧; }", "Type mismatch for @x: trying to assign value of type 'count_t' when map already has a type 'int8'")]
    [InlineData("BEGIN { @x = count(); @x = ⟦sum(1)⟧; }", "Type mismatch for @x: trying to assign value of type 'sum_t' when map already has a type 'count_t'")]
    [InlineData("BEGIN { @x = count(); @x = ⟦sum(pid)⟧; }", "Type mismatch for @x: trying to assign value of type 'usum_t' when map already has a type 'count_t'")]
    [InlineData("BEGIN { @x = 1; @x = ⟦hist(0)⟧; }", "Type mismatch for @x: trying to assign value of type 'hist_t' when map already has a type 'int8'")]
    [InlineData("BEGIN { @ = count(); ⟦@ += 5⟧ }", "Type mismatch for @: trying to assign value of type 'uint64' when map already has a type 'count_t'")]
    [InlineData("BEGIN { @x = 1; } END { ⟦@x = \"a\"⟧; }", "Type mismatch for @x: trying to assign value of type 'string[2]' when map already has a type 'int8'")]
    [InlineData("BEGIN { @x[pid] = 1; ⟦@x⟧ = 1; }", "@x used as a map without an explicit key (scalar map), previously used with an explicit key (non-scalar map)")]
    [InlineData("BEGIN { $x = 1; ⟦$x = \"a\"⟧; }", "Type mismatch for $x: trying to assign value of type 'string[2]' when variable already has a type 'int8'")]
    [InlineData("BEGIN { $x = \"a\"; ⟦$x = 1⟧; }", "Type mismatch for $x: trying to assign value of type 'int8' when variable already has a type 'string[2]'")]
    [InlineData("struct Foo { int a; } BEGIN { $f = (struct Foo *)0; ⟦$f = 1⟧; }", "Type mismatch for $f: trying to assign value of type 'int8' when variable already has a type 'struct Foo *'")]
    [InlineData("BEGIN { printf(\"%d\\n\", ⟦$y⟧); }", "Undefined or undeclared variable: $y")]
    [InlineData("BEGIN { @x = ⟦$y⟧ + 1; }", "Undefined or undeclared variable: $y")]
    [InlineData("BEGIN { $x = 1; $x++; ⟦$y⟧++; }", "Undefined or undeclared variable: $y")]
    // printf
    [InlineData("BEGIN { ⟦printf(\"%d\\n\", 1, 2)⟧; }", "printf: Too many arguments for format string (2 supplied, 1 expected)")]
    [InlineData("BEGIN { ⟦printf(\"%d %d\\n\", 1)⟧; }", "printf: Not enough arguments for format string (1 supplied, 2 expected)")]
    [InlineData("BEGIN { ⟦printf(\"%d\\n\", \"a\")⟧; }", "printf: %d specifier expects a value of type integer (string supplied)")]
    [InlineData("BEGIN { ⟦printf(\"%d\\n\", (1, 2))⟧; }", "printf: %d specifier expects a value of type integer (tuple supplied)")]
    [InlineData("BEGIN { @x = sizeof(curtask); ⟦printf(\"%r\\n\", @x)⟧; }", "printf: %r specifier expects a value of type buffer (integer supplied)")]
    [InlineData("BEGIN { ⟦printf(1)⟧; }", "printf() expects a string literal (int provided)")]
    [InlineData("BEGIN { ⟦printf()⟧; }", "printf() requires at least one argument (0 provided)")]
    // Functions: argument counts and types, where they may be used
    [InlineData("BEGIN { @x = ⟦count(1)⟧; }", "count() requires no arguments (1 provided)")]
    [InlineData("BEGIN { @x = ⟦sum()⟧; }", "sum() requires one argument (0 provided)")]
    [InlineData("BEGIN { @x = ⟦sum(1, 2)⟧; }", "sum() requires one argument (2 provided)")]
    // The newest's type_resolver names the full type for sum/min/max/avg/stats; its type_checker's signature check
    // names the kind for hist/lhist/tseries ("int arguments"). 0.17: "integer arguments (string provided)" for all.
    [InlineData("BEGIN { @x = ⟦sum(\"a\")⟧; }", "sum() only supports integer arguments (string[2] provided)")]
    [InlineData("BEGIN { @x = ⟦avg(comm)⟧; }", "avg() only supports integer arguments (string[16] provided)")]
    [InlineData("BEGIN { @x = ⟦max(\"abc\")⟧; }", "max() only supports integer arguments (string[4] provided)")]
    [InlineData("BEGIN { @x = ⟦stats(comm)⟧; }", "stats() only supports integer arguments (string[16] provided)")]
    [InlineData("BEGIN { @x = ⟦hist(comm)⟧; }", "hist() only supports int arguments (string provided)")]
    [InlineData("BEGIN { @x = ⟦lhist(comm, 0, 10, 1)⟧; }", "lhist() only supports int arguments (string provided)")]
    [InlineData("BEGIN { ⟦count()⟧; }", "count() must be assigned directly to a map")]
    [InlineData("BEGIN { $x = ⟦count()⟧; }", "count() must be assigned directly to a map")]
    [InlineData("BEGIN { @x = (1, ⟦count()⟧); }", "count() must be assigned directly to a map")]
    [InlineData("BEGIN { ⟦clear()⟧; }", "clear() requires one argument (0 provided)")]
    [InlineData("BEGIN { ⟦clear(1)⟧; }", "clear() expects a map to be provided")]
    [InlineData("BEGIN { ⟦delete(1)⟧; }", "delete() expects a map to be provided")]
    // exit(code) is the newest reference's (0.17 said "exit() requires no arguments"): its words for too many.
    [InlineData("BEGIN { ⟦exit(1, 2)⟧; }", "exit() takes up to one argument (2 provided)")]
    [InlineData("BEGIN { @x = 1; ⟦print(@x, 1, 2, 3)⟧; }", "print() takes up to 3 arguments (4 provided)")]
    [InlineData("BEGIN { @x = ⟦str()⟧; }", "str() requires at least one argument (0 provided)")]
    [InlineData("BEGIN { @x = ⟦str(1, 2, 3)⟧; }", "str() takes up to 2 arguments (3 provided)")]
    [InlineData("BEGIN { @x = ⟦printf(\"a\")⟧; }", "printf() should not be used in an assignment or as a map key")]
    [InlineData("BEGIN { @x = ⟦exit()⟧; }", "exit() should not be used in an assignment or as a map key")]
    // The newest reference's delete() is a bool (stdlib.md); deleting a whole keyed map still has no value.
    [InlineData("BEGIN { @y[1] = 1; @x = ⟦delete(@y)⟧; }", "delete() of a whole map should not be used in an assignment or as a map key")]
    [InlineData("BEGIN { ⟦nope⟧(); }", "Unknown function: nope")]
    [InlineData("BEGIN { @x = ⟦nope⟧(1); }", "Unknown function: nope")]
    // nsecs is also a function in the newest bpftrace (nsecs(boot)); 0.17 said "Unknown function: nsecs" here.
    [InlineData("BEGIN { @x = ⟦nsecs(1)⟧; }", "nsecs() only supports timestamp_mode arguments (int provided)")]
    [InlineData("BEGIN { @x = ⟦uid⟧(1); }", "Unknown function: uid")]
    [InlineData("BEGIN { @x = ⟦nope⟧; }", "Unknown identifier: 'nope'")]
    // Operators
    // (An operator on two literals folds first, as the newest bpftrace folds literals: LiteralFoldingTests.)
    // The newest names the types without quotes (type_checker.cpp's macro case: "comparing string[7] with int8").
    [InlineData("BEGIN { $i = 1; @x = ⟦$i + \"a\"⟧; }", "Type mismatch for '+': comparing int8 with string[2]")]
    [InlineData("BEGIN { @x = ⟦1 << \"a\"⟧; }", "Type mismatch for '<<': comparing int8 with string[2]")]
    [InlineData("BEGIN { $i = 1; @x = ⟦\"a\" + $i⟧; }", "Type mismatch for '+': comparing string[2] with int8")]
    [InlineData("BEGIN { $s = \"ab\"; if (⟦$s == 1⟧) { } }", "Type mismatch for '==': comparing string[3] with int8")]
    [InlineData("BEGIN { $s = \"ab\"; if (⟦1 < $s⟧) { } }", "Type mismatch for '<': comparing int8 with string[3]")]
    [InlineData("BEGIN { @x = \"a\" ⟦-⟧ comm; }", "The - operator can not be used on expressions of types string[2], string[16]")]
    [InlineData("BEGIN { @x = comm ⟦<⟧ \"a\"; }", "The < operator can not be used on expressions of types string[16], string[2]")]
    [InlineData("BEGIN { @x = curtask ⟦+⟧ \"a\"; }", "The + operator can not be used on expressions of types struct task_struct *, string[2]")]
    [InlineData("BEGIN { @x = ⟦-⟧\"a\"; }", "The - operator can not be used on expressions of type 'string[2]'")]
    [InlineData("BEGIN { @x = ⟦!⟧comm; }", "The ! operator can not be used on expressions of type 'string[16]'")]
    [InlineData("BEGIN { @x = ⟦*⟧curtask->comm; }", "The dereference operator can not be used on expressions of type 'string[16]'")]
    // The newest's words and types (type_checker.cpp: "have 'int8' and 'string[5]'"); 0.17: "Ternary operator must
    // return the same type: have 'integer' and 'string'".
    [InlineData("BEGIN { $c = 1; @x = ⟦$c ? 2 : \"a\"⟧; }", "Branches must return the same type or compatible types: have 'int8' and 'string[2]'")]
    // Builtins outside their probe kinds
    [InlineData("BEGIN { @x = ⟦retval⟧; }", "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes")]
    [InlineData("profile:hz:99 { @x = ⟦retval⟧; }", "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes")]
    [InlineData("tracepoint:syscalls:sys_enter_openat { @x = ⟦retval⟧; }", "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes (try to use args->ret instead)")]
    [InlineData("BEGIN { @x = ⟦args⟧.foo; }", "The args builtin can only be used with tracepoint/kfunc/uprobeprobes (special used here)")]
    [InlineData("BEGIN { @x = ⟦args⟧; }", "The args builtin can only be used with tracepoint/kfunc/uprobeprobes (special used here)")]
    [InlineData("tracepoint:syscalls:sys_enter_openat { @x = ⟦args->nope⟧; }", "Struct/union of type 'struct _tracepoint_syscalls_sys_enter_openat' does not contain a field named 'nope'")]
    // Kernel and script types: members, indexing, casts, sizeof
    [InlineData("BEGIN { @x = ⟦curtask->foo⟧; }", "Struct/union of type 'struct task_struct' does not contain a field named 'foo'")]
    // '.' on a pointer dereferences it, as in the newest bpftrace (0.17: "Try dereferencing it first, or using '->'").
    [InlineData("BEGIN { @x = ⟦curtask.nope⟧; }", "Struct/union of type 'struct task_struct' does not contain a field named 'nope'")]
    [InlineData("BEGIN { @x = ⟦curtask->mm->nope⟧; }", "Struct/union of type 'struct mm_struct' does not contain a field named 'nope'")]
    [InlineData("BEGIN { @x = ⟦curtask->se.nope⟧; }", "Struct/union of type 'struct sched_entity' does not contain a field named 'nope'")]
    [InlineData("BEGIN { @x = ⟦curtask->thread_info.nope⟧; }", "Struct/union of type 'struct thread_info' does not contain a field named 'nope'")]
    [InlineData("struct Foo { int a; } BEGIN { @x = ⟦((struct Foo *)0)->b⟧; }", "Struct/union of type 'struct Foo' does not contain a field named 'b'")]
    [InlineData("BEGIN { $x = 1; @x = ⟦$x.a⟧; }", "Can not access field 'a' on expression of type 'int8'")]
    [InlineData("BEGIN { @x = ⟦curtask->comm[16]⟧; }", "the index 16 is out of bounds for array of size 16")]
    [InlineData("BEGIN { @x = ⟦pid[1]⟧; }", "The array index operator [] can only be used on arrays, pointers, and tuples, found uint32.")]
    [InlineData("BEGIN { @x = ⟦curtask->cpus_mask.bits[5]⟧; }", "the index 5 is out of bounds for array of size 4")]
    // The newest type_resolver.cpp over the type written (0.17: "Unknown struct/union: 'struct nope'" over the cast's head).
    [InlineData("BEGIN { @x = (⟦struct nope *⟧)0; }", "Cannot resolve unknown type \"struct nope\"")]
    [InlineData("BEGIN { @x = ⟦(struct task_struct)⟧0; }", "Cannot cast from \"int8\" to \"struct task_struct\"")]
    [InlineData("BEGIN { @x = ⟦(uint32)⟧\"abc\"; }", "Cannot cast from \"string[4]\" to \"uint32\"")]
    [InlineData("BEGIN { @x = (⟦int33⟧)1; }", "Cannot resolve unknown type \"int33\"")]
    // The newest type_checker.cpp (string alone is string[0]); 0.17: "Unknown struct/union: 'string'".
    [InlineData("BEGIN { @x = ⟦(string)⟧1; }", "Cannot cast from \"int8\" to \"string\"")]
    [InlineData("BEGIN { @x = ⟦sizeof(struct nope)⟧; }", "Unknown identifier: 'struct nope'")]
    public void ReportsSemanticErrorAsBpftraceDoes(string annotated, string message) => SemanticKit.AssertDiagnostics(annotated, message);

    [Theory]
    // Where bpftrace 0.17's message or span is unhelpful or does not exist, in our own words.
    // 0.17 points at line 1, column 1 for an if condition, and at the slashes for a predicate.
    [InlineData("BEGIN { $s = \"a\"; if (⟦$s⟧) { @x = 1; } }", "Invalid condition in if(): string")]
    [InlineData("BEGIN /⟦\"a\"⟧/ { @x = 1; }", "Invalid condition: string")]
    [InlineData("BEGIN { @x = ⟦1 ? comm : 2⟧; $s = \"a\"; @y = ⟦$s⟧ ? 1 : 2; }", "Branches must return the same type or compatible types: have 'string[16]' and 'int8'", "Invalid condition in ternary: string")]
    // 0.17 names char * "int8" and the type of an int64 variable behind -> "unsigned int64".
    [InlineData("tracepoint:syscalls:sys_enter_openat { @x = ⟦args->filename->x⟧; }", "Can not access field 'x' on expression of type 'int8 *'")]
    [InlineData("BEGIN { $x = 1; @x = ⟦$x->a⟧; }", "Can not access field 'a' on expression of type 'int8'")]
    [InlineData("BEGIN { @x = ⟦curtask->pid->x⟧; }", "Can not access field 'x' on expression of type 'int32'")]
    // 0.17 adds "Undefined map: @x" and "Invalid expression for assignment: none" after the first error.
    [InlineData("BEGIN { @x = @y; }", "")]
    // 0.17 has no offsetof().
    [InlineData("BEGIN { @x = ⟦offsetof(struct task_struct, nope)⟧; }", "Struct/union of type 'struct task_struct' does not contain a field named 'nope'")]
    [InlineData("BEGIN { @x = ⟦offsetof(struct task_struct, se.nope)⟧; }", "Struct/union of type 'struct sched_entity' does not contain a field named 'nope'")]
    [InlineData("BEGIN { @x = ⟦offsetof(struct nope, a)⟧; }", "Unknown struct/union: 'struct nope'")]
    [InlineData("BEGIN { $x = 1; @x = ⟦offsetof($x, a)⟧; }", "offsetof() needs a struct or union, not 'int8'")]
    // Declared but never defined.
    [InlineData("BEGIN { @x = ⟦((struct nope_fwd *)0)->a⟧; }", "Unknown struct/union: 'struct nope_fwd'")]
    [InlineData("BEGIN { @x = ⟦*⟧(struct nope_fwd *)0; }", "The dereference operator can not be used on expressions of type 'struct nope_fwd *'")]
    [InlineData("config = { ⟦nope = 1⟧ } BEGIN { }", "Unrecognized config variable: nope")]
    public void ReportsSemanticErrorInOurOwnWords(string annotated, params string[] messages)
    {
        if (messages is [""])
            SemanticKit.AssertDiagnostics(annotated.Replace("@y", "⟦@y⟧", StringComparison.Ordinal), "Undefined map: @y");
        else
            SemanticKit.AssertDiagnostics(annotated, messages);
    }

    [Fact]
    public void VariableReadBeforeItsFirstAssignmentIsAWarning()
    {
        // Newer bpftrace's warning (0.17 has no `let`); the variable reads as zero.
        SemanticKit.AssertDiagnostics("BEGIN { let $y; printf(\"%d\\n\", ⟦$y⟧); $y = 1; }", "Variable used before it was assigned: $y");
        var (program, diagnostics) = SemanticKit.Bind("BEGIN { let $y; printf(\"%d\\n\", $y); $y = 1; }");
        Assert.NotNull(program);
        Assert.False(Assert.Single(diagnostics).IsError);
    }

    [Fact]
    public void TypedLetDeclaresTheVariablesType()
    {
        SemanticKit.AssertDiagnostics("BEGIN { let $s: string; ⟦$s = 1⟧; }",
            "Type mismatch for $s: trying to assign value of type 'int8' when variable already has a type 'string[1]'");
        SemanticKit.AssertDiagnostics("BEGIN { let $t: struct task_struct *; $t = curtask; @ = $t->pid; }");
    }
}
