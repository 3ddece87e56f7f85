using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.EndToEnd;

/// <summary>
/// buf() of a struct's members, as the newest bpftrace's runtime/call "buf" (x86-64, little endian): a pointer and a
/// char array (a string) with a length, arrays of bytes and wider integers without one (all their bytes). In a struct
/// the script declares only plain <c>char</c> arrays are strings, so <c>uint8_t c[4]</c> is an array there.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class BufOfArraysTests : KernelTest
{
    [Fact]
    public async Task BufOfAPointerAStringAndArraysPrintsTheirBytes()
    {
        var script = $$"""
            struct MyStruct { const char* a; char b[4]; uint8_t c[4]; int d[4]; uint16_t e[4]; uint64_t f[4] };
            uprobe:{{TestPrograms.PathOf("byte_arrays")}}:fill {
              $s = (struct MyStruct *)arg0;
              printf("P: %r-%r-%r-%r-%r-%r\n", buf($s.a, 4), buf($s.b, 4), buf($s.c), buf($s.d), buf($s.e), buf($s.f));
              exit();
            }
            """;

        using var tool = SharpTraceRun.Start(["-e", script]);
        var result = await TestPrograms.HoldWhileTracedAsync(tool, "byte_arrays");

        // The reference's expectation, byte for byte.
        Assert.Equal((0, @"P: \x09\x08\x07\x06-\x05\x04\x03\x02-\x01\x02\x03\x04-\x05\x00\x00\x00\x06\x00\x00\x00\x07\x00\x00\x00\x08\x00\x00\x00-"
            + @"\x09\x00\x0a\x00\x0b\x00\x0c\x00-\x0d\x00\x00\x00\x00\x00\x00\x00\x0e\x00\x00\x00\x00\x00\x00\x00\x0f\x00\x00\x00\x00\x00\x00\x00"
            + @"\x10\x00\x00\x00\x00\x00\x00\x00" + "\n"), (result.ExitCode, result.Stdout));
    }
}
