using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// Scripts of the newest bpftrace's docs/language.md and docs/stdlib.md, run as written, compared with the output the
/// docs print beside them.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ReferenceExampleTests : KernelTest
{
    [Fact]
    public async Task PrintTopTwoOfAMapFilledByAForLoopWithoutParentheses()
    {
        // stdlib.md, "print": its "Sample output" is the two greatest entries.
        const string script = """
            BEGIN {
              $i = 11;
              for $elem : 1..$i {
                @[$elem] = $elem-1;
              }
              print(@, 2);
              clear(@);
              exit()
            }
            """;
        var result = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal((0, "@[9]: 8\n@[10]: 9\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task SyscallNameOfTheHeadersNrReadIsRead()
    {
        // stdlib.md, "syscall_name": outputs "read". <syscall.h> reaches asm/unistd.h, whose i386 branch is not x86-64's.
        const string script = """
            #include <syscall.h>
            begin {
              print(syscall_name(__NR_read)); // outputs "read"
            }
            """;
        var result = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal((0, "read\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task SizeofPrintsWhatLanguageMdSays()
    {
        // language.md, "sizeof": prints 4, 1 and 80.
        const string script = """
            begin {
            print(sizeof(uint32));               // prints 4 as uint32 is parsed as a type
            print(sizeof({ $a = (int8)1; $a })); // prints 1 as the expression evaluates to $a whose type is int8
            print(sizeof(uint32*[10]));          // prints 80 as the type is an array of 10 pointers to uint32
            }
            """;
        var result = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal((0, "4\n1\n80\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task APositionalParameterInsideAnAttachPointPartIsItsText()
    {
        // The newest bpftrace's parser reads uprobe:aa$1aa as aafooaa (0.17: "Found trailing text"); the child's
        // openat is the event.
        string[] args = ["-e", "tracepoint:syscalls:sys_$1_openat /pid == cpid/ { printf(\"%s\\n\", probe); exit(); }",
            "-c", $"{TestPrograms.PathOf("opener")} /nonexistent/sharptrace-param", "enter"];
        var result = await SharpTraceRun.RunAsync(args);

        Assert.Equal((0, "tracepoint:syscalls:sys_enter_openat\n"), (result.ExitCode, result.Stdout));
    }

    [Fact]
    public async Task DeleteReturnsWhetherAnElementWasDeleted()
    {
        // stdlib.md, "delete": false (0) when the key does not exist, and the value is usable in if and in assignments.
        const string script = """
            BEGIN {
              @a[1] = 1;
              if (delete(@a, 1)) { printf("deleted 1\n"); }
              if (delete(@a, 2)) { printf("deleted 2\n"); } else { printf("no 2\n"); }
              $did_delete = delete(@a, 1);
              if ($did_delete) { printf("deleted 1 again\n"); } else { printf("1 already gone\n"); }
              exit();
            }
            """;
        var result = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("deleted 1\nno 2\n1 already gone\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TernaryOfVoidCallsRunsOneOfThem()
    {
        // language.md, "Ternary operators": the statement prints true for $a == 1.
        const string script = """BEGIN { $a = 1; $a == 1 ? print("true") : print("false"); $a == 2 ? print("two") : print("not two"); exit(); }""";
        var result = await SharpTraceRun.RunAsync(["-e", script]);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("true\nnot two\n", result.Stdout, StringComparison.Ordinal);
    }
}
