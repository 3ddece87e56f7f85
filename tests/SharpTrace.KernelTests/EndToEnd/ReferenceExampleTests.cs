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
}
