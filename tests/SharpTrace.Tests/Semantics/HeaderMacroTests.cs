using SharpTrace.Semantics;
using SharpTrace.Semantics.CTypes;

namespace SharpTrace.Tests.Semantics;

/// <summary>Macros that scripts take from the headers they <c>#include</c>, and the kernel-internal fallback table.</summary>
public class HeaderMacroTests
{
    [Fact]
    public void AMacroOfAHeaderInAnIncludeDirectoryHasItsValue()
    {
        using var headers = new TempHeaders(("my/consts.h", "#ifndef MY_CONSTS_H\n#define MY_CONSTS_H\n#define ANSWER 42 /* the answer */\n#endif\n"));
        var c = CDeclarationKit.ReadClean("#include <my/consts.h>\nBEGIN { }", headers: headers.Search);
        Assert.Equal(42, c.MacroValue("ANSWER"));
        Assert.Null(c.MacroValue("QUESTION"));
        Assert.False(c.Macros.ContainsKey("ANSWER"));
    }

    [Fact]
    public void NestedIncludesAreFollowedQuotedOnesBesideTheIncludingFile()
    {
        using var headers = new TempHeaders(
            ("top.h", "#include \"sub/middle.h\"\n#define TOP (MIDDLE + 1)\n"),
            ("sub/middle.h", "# include \"bottom.h\"\n#include <other/far.h>\n#define MIDDLE (BOTTOM * 10)\n"),
            ("sub/bottom.h", "#define BOTTOM 4\n"),
            ("other/far.h", "#define FAR 0x10\n"));
        var c = CDeclarationKit.ReadClean("#include \"top.h\"\nBEGIN { }", headers: headers.Search);
        Assert.Equal(41, c.MacroValue("TOP"));
        Assert.Equal(4, c.MacroValue("BOTTOM"));
        Assert.Equal(16, c.MacroValue("FAR"));
    }

    [Fact]
    public void AMacroMayReferToMacrosDefinedLaterOrElsewhereWithCastsShiftsAndOrs()
    {
        using var headers = new TempHeaders(("flags.h", """
            #define AF_INET PF_INET
            #define PF_INET 2
            #define FLAGS ((unsigned int)1 << 3 | LOW)
            #define LOW \
                (0x1 | 0x2) // continued line
            #define NEGATIVE (-5)
            #define MAX(a, b) ((a) > (b) ? (a) : (b))
            #define NAME "a string"
            #define EMPTY
            #define SOCK_STREAM SOCK_STREAM
            #define LOOP_A LOOP_B
            #define LOOP_B LOOP_A
            """));
        var c = CDeclarationKit.ReadClean("#include <flags.h>\nenum sock_type { SOCK_STREAM = 1 };\nBEGIN { }", headers: headers.Search);
        Assert.Equal(2, c.MacroValue("AF_INET"));
        Assert.Equal(11, c.MacroValue("FLAGS"));
        Assert.Equal(-5, c.MacroValue("NEGATIVE"));
        Assert.Null(c.MacroValue("MAX"));
        Assert.Null(c.MacroValue("NAME"));
        Assert.Null(c.MacroValue("EMPTY"));
        // glibc defines enumerators as themselves; the name then means the enumerator, as in C.
        Assert.Equal(1, c.MacroValue("SOCK_STREAM"));
        Assert.Null(c.MacroValue("LOOP_A"));
    }

    [Fact]
    public void ConditionalsInHeadersAreIgnoredAndTheFirstDefinitionWins()
    {
        using var headers = new TempHeaders(("cond.h", "#ifdef __x86_64__\n#define WIDTH 64\n#else\n#define WIDTH 32\n#endif\n#undef WIDTH\n"));
        var c = CDeclarationKit.ReadClean("#include <cond.h>\nBEGIN { }", headers: headers.Search);
        Assert.Equal(64, c.MacroValue("WIDTH"));
    }

    [Fact]
    public void ArchitectureConditionalsChooseTheTargetsBranch()
    {
        // asm/unistd.h's shape: before, the i386 table came first and __NR_read was 3 (close) on x86-64.
        using var headers = new TempHeaders(
            ("unistd.h", "#ifndef GUARD\n#define GUARD\n# ifdef __i386__\n#  include <u32.h>\n# elif defined(__ILP32__)\n#  include <x32.h>\n# else\n#  include <u64.h>\n# endif\n#endif\n"),
            ("u32.h", "#define __NR_read 3\n"),
            ("x32.h", "#define __NR_read (0x40000000 + 0)\n"),
            ("u64.h", "#define __NR_read 0\n"),
            ("arch.h", "#if !defined __x86_64__\n#define BITS 32\n#elif SOMETHING_UNKNOWN\n#define BITS 128\n#endif\n#if __i386__\n#define MORE 1\n#else\n#define MORE 2\n#endif\n"));
        var c = CDeclarationKit.ReadClean("#include <unistd.h>\n#include <arch.h>\nBEGIN { }", headers: headers.Search);
        Assert.Equal(0, c.MacroValue("__NR_read"));
        // An unknown condition after a false one is read, as every unknown branch is.
        Assert.Equal(128, c.MacroValue("BITS"));
        Assert.Equal(2, c.MacroValue("MORE"));
    }

    [Fact]
    public void AnUnknownConditionalBeforeAnArchitectureOneKeepsBothBranches()
    {
        using var headers = new TempHeaders(("mixed.h", "#ifdef FEATURE\n#define A 1\n#elif defined(__x86_64__)\n#define A 2\n#define B 3\n#else\n#define C 4\n#endif\n"));
        var c = CDeclarationKit.ReadClean("#include <mixed.h>\nBEGIN { }", headers: headers.Search);
        Assert.Equal(((long?)1, (long?)3, (long?)null), (c.MacroValue("A"), c.MacroValue("B"), c.MacroValue("C")));
    }

    [Fact]
    public void EachFileIsReadOnceSoIncludeCyclesEnd()
    {
        using var headers = new TempHeaders(
            ("a.h", "#include \"b.h\"\n#define A 1\n"),
            ("b.h", "#include \"a.h\"\n#define B 2\n"));
        var c = CDeclarationKit.ReadClean("#include <a.h>\n#include <b.h>\nBEGIN { }", headers: headers.Search);
        Assert.Equal(1, c.MacroValue("A"));
        Assert.Equal(2, c.MacroValue("B"));
    }

    [Fact]
    public void NestedIncludesStopAtTheDepthBound()
    {
        using var headers = new TempHeaders();
        const int chain = HeaderMacros.MaxDepth + 5;
        for (var i = 0; i < chain; i++)
            headers.Write($"h{i}.h", $"#include \"h{i + 1}.h\"\n#define D{i} {i}\n");
        var c = CDeclarationKit.ReadClean("#include <h0.h>\nBEGIN { }", headers: headers.Search);
        // The script's include is the first level.
        Assert.Equal(HeaderMacros.MaxDepth - 1, c.MacroValue($"D{HeaderMacros.MaxDepth - 1}"));
        Assert.Null(c.MacroValue($"D{HeaderMacros.MaxDepth}"));
    }

    [Fact]
    public void AMissingHeaderIsSilentWithBtfAndAnErrorWithout()
    {
        using var headers = new TempHeaders();
        var withBtf = CDeclarationKit.ReadClean("#include <net/sock.h>\nBEGIN { }", new FakeKernelTypes(), headers.Search);
        Assert.Null(withBtf.MacroValue("AF_INET"));
        var (_, diagnostics) = CDeclarationKit.Read("#include <net/sock.h>\nBEGIN { }", kernel: null, headers: headers.Search);
        Assert.Equal("'net/sock.h' file not found", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void TheScriptsOwnDefineWinsAndConditionalsSeeHeaderMacros()
    {
        using var headers = new TempHeaders(("h.h", "#define SIZE 8\n#define SHARED 1\n"));
        var c = CDeclarationKit.ReadClean("""
            #include <h.h>
            #define SHARED 2
            #ifdef SIZE
            struct s { char name[SIZE]; };
            #endif
            #if SIZE > 4
            #define BIG 1
            #endif
            BEGIN { }
            """, headers: headers.Search);
        Assert.Equal(2, c.MacroValue("SHARED"));
        Assert.Equal(8, c.Struct("struct s").Size);
        Assert.Equal(1, c.MacroValue("BIG"));
    }

    [Fact]
    public void IncludeFilesFromTheCommandLineAreReadBeforeTheScript()
    {
        using var headers = new TempHeaders(("extra.h", "#define EXTRA 7\n"));
        var c = CDeclarationKit.ReadClean("BEGIN { }", headers: headers.Search, includeFiles: ["extra.h"]);
        Assert.Equal(7, c.MacroValue("EXTRA"));
    }

    [Fact]
    public void KernelInternalMacrosComeFromTheFallbackTable()
    {
        var c = CDeclarationKit.ReadClean("#include <linux/sched.h>\n#include <linux/socket.h>\nBEGIN { }", new FakeKernelTypes());
        Assert.Equal(0, c.MacroValue("TASK_RUNNING"));
        Assert.Equal(1, c.MacroValue("TASK_INTERRUPTIBLE"));
        Assert.Equal(2, c.MacroValue("TASK_UNINTERRUPTIBLE"));
        Assert.Equal(0x102, c.MacroValue("TASK_KILLABLE"));
        Assert.Equal(0x7f, c.MacroValue("TASK_REPORT"));
        Assert.Equal(2, c.MacroValue("AF_INET"));
        Assert.Equal(10, c.MacroValue("PF_INET6"));
        Assert.Equal(1, c.MacroValue("AF_UNIX"));
    }

    [Fact]
    public void FallbackMacrosApplyOnlyToTheHeaderThatHasThem()
    {
        var c = CDeclarationKit.ReadClean("#include <linux/socket.h>\nBEGIN { }", new FakeKernelTypes());
        Assert.Null(c.MacroValue("TASK_RUNNING"));
    }

    [Fact]
    public void AHeaderOnDiskWinsOverTheFallbackTable()
    {
        using var headers = new TempHeaders(("linux/sched.h", "#define TASK_RUNNING 99\n#define SCHED_FIFO 1\n"));
        var c = CDeclarationKit.ReadClean("#include <linux/sched.h>\nBEGIN { }", headers: headers.Search);
        Assert.Equal(99, c.MacroValue("TASK_RUNNING"));
        Assert.Equal(1, c.MacroValue("SCHED_FIFO"));
        Assert.Equal(2, c.MacroValue("TASK_UNINTERRUPTIBLE"));
    }

    [Fact]
    public void SystemDirectoriesEndWithUsrIncludeAfterTheIncludeDirectories()
    {
        var search = HeaderSearch.WithSystemDirectories(["/opt/inc"]);
        Assert.Equal("/opt/inc", search.Directories[0]);
        Assert.Equal("/usr/local/include", search.Directories[1]);
        Assert.Equal("/usr/include", search.Directories[^1]);
    }

    [Fact]
    public void LogicalLinesJoinContinuationsAndDropComments()
    {
        var lines = HeaderMacros.LogicalLines("#define A \\\n  1 /* one\n two */ + 2 // end\n#define S \"/* not a comment */\"\n").ToList();
        Assert.Equal(["#define A   1   + 2 ", "#define S \"/* not a comment */\""], lines);
    }

    // ---- In the binder ----

    [Fact]
    public void AHeaderMacroTypesAsAnInteger()
    {
        using var headers = new TempHeaders(("bind/consts.h", "#define LIMIT (1 << 4)\n"));
        var config = new ProgramConfig { IncludeDirectories = [headers.Directory] };
        var (program, diagnostics) = SemanticKit.Bind("#include <bind/consts.h>\nBEGIN { @x = LIMIT; @y = TASK_RUNNING; }", config);
        Assert.Contains("Unknown identifier: 'TASK_RUNNING'", diagnostics.Select(d => d.Message));
        (program, diagnostics) = SemanticKit.Bind("#include <bind/consts.h>\n#include <linux/sched.h>\nBEGIN { @x = LIMIT; @y = TASK_RUNNING + 1; }", config);
        Assert.Empty(diagnostics);
        var printed = BoundTreePrinter.Print(program!);
        Assert.Contains("Map @x :: int8", printed, StringComparison.Ordinal); // a map keeps the literal's width
        Assert.Contains("Integer 16 :: int8", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownMacroIsStillAnUnknownIdentifier()
    {
        using var headers = new TempHeaders(("bind/known.h", "#define KNOWN 1\n#define TEXT \"t\"\n"));
        var config = new ProgramConfig { IncludeDirectories = [headers.Directory] };
        SemanticKit.AssertDiagnostics("#include <bind/known.h>\nBEGIN { @x = KNOWN + ⟦UNKNOWN⟧; }", config, "Unknown identifier: 'UNKNOWN'");
        SemanticKit.AssertDiagnostics("#include <bind/known.h>\nBEGIN { @x = ⟦TEXT⟧; }", config, "Unknown identifier: 'TEXT'");
        SemanticKit.AssertDiagnostics("#include <no/such/header.h>\nBEGIN { @x = ⟦AF_INET⟧; }", config, "Unknown identifier: 'AF_INET'");
    }
}
