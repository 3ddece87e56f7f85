using SharpTrace.Output;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Semantics;

/// <summary>printf argument checks, against bpftrace 0.17 runs (script in each comment).</summary>
public class PrintfCheckerTests
{
    // BEGIN { printf("%d\n", 1, 2); exit(); }
    //   stdin:1:9-29: ERROR: printf: Too many arguments for format string (2 supplied, 1 expected)
    // BEGIN { printf("%d %d\n", 1); exit(); }
    //   stdin:1:9-29: ERROR: printf: Not enough arguments for format string (1 supplied, 2 expected)
    // BEGIN { printf("%d\n", "a"); exit(); }
    //   stdin:1:9-28: ERROR: printf: %d specifier expects a value of type integer (string supplied)
    // BEGIN { printf("%-5lld\n", "a"); exit(); }
    //   stdin:1:9-32: ERROR: printf: %lld specifier expects a value of type integer (string supplied)
    // BEGIN { printf("%r\n", 1); exit(); }
    //   stdin:1:9-26: ERROR: printf: %r specifier expects a value of type buffer (integer supplied)
    [Fact]
    public void ArgumentChecksUseBpftracesWording()
    {
        Assert.Equal("printf: Too many arguments for format string (2 supplied, 1 expected)",
            PrintfChecker.Check(PrintfFormat.Parse("%d\n"), ["integer", "integer"]));
        Assert.Equal("printf: Not enough arguments for format string (1 supplied, 2 expected)",
            PrintfChecker.Check(PrintfFormat.Parse("%d %d\n"), ["integer"]));
        Assert.Equal("printf: %d specifier expects a value of type integer (string supplied)",
            PrintfChecker.Check(PrintfFormat.Parse("%d\n"), ["string"]));
        Assert.Equal("printf: %lld specifier expects a value of type integer (string supplied)",
            PrintfChecker.Check(PrintfFormat.Parse("%-5lld\n"), ["string"]));
        Assert.Equal("printf: %r specifier expects a value of type buffer (integer supplied)",
            PrintfChecker.Check(PrintfFormat.Parse("%r\n"), ["integer"]));
        Assert.Null(PrintfChecker.Check(PrintfFormat.Parse("%s %d %%\n"), ["string", "integer"]));
    }

    // BEGIN { printf("%s\n", 1); exit(); }
    //   bpftrace 0.17: stdin:1:9-26: ERROR: printf: %s specifier expects a value of type string (integer supplied)
    //   the newest bpftrace (format_string.cpp: "s" takes any type) prints "1"; so do we (docs/differences.md). Only
    //   what has no value fits no conversion.
    [Fact]
    public void PercentSTakesAnyValueAsTheNewestBpftraceDoes()
    {
        foreach (var type in new[] { "integer", "bool", "enum", "pointer", "tuple", "record", "struct", "array", "buffer" })
            Assert.Null(PrintfChecker.Check(PrintfFormat.Parse("%s\n"), [type]));
        Assert.Equal("printf: %s specifier expects a value of type string (none supplied)",
            PrintfChecker.Check(PrintfFormat.Parse("%s\n"), ["none"]));
        Assert.Equal("printf: %d specifier expects a value of type integer (tuple supplied)",
            PrintfChecker.Check(PrintfFormat.Parse("%d\n"), ["tuple"]));
    }

    // BEGIN { printf("%s %d %s\n", comm, pid, ksym(0)); exit(); } runs: symbols print as text, pointers as integers.
    // BEGIN { cat("%d", "a"); exit(); }
    //   stdin:1:9-23: ERROR: cat: %d specifier expects a value of type integer (string supplied)
    [Fact]
    public void BoundTypesAreNamedAsTheConversionsTakeThem()
    {
        Assert.Null(PrintfChecker.Check("%s %d %s\n", [new StringType(16), BpfType.UInt64, KernelSymbolType.Instance]));
        Assert.Equal("cat: %d specifier expects a value of type integer (string supplied)",
            PrintfChecker.Check("%d", [new StringType(16)], "cat"));
    }

    // BEGIN { printf("%2147483648d\n", 1); exit(); }: bpftrace 0.17 runs it and dies with "FATAL: format() error
    // occurred: Value too large for defined data type"; %2147483647d made sharptrace run out of memory.
    [Theory]
    [InlineData("%2147483648d", "integer")]
    [InlineData("%2147483647d", "integer")]
    [InlineData("%99999999999999999999s", "string")]
    [InlineData("%.1048577s", "string")]
    public void HugeFieldWidthsAreRefusedBeforeRunning(string conversion, string type) =>
        Assert.Equal($"printf: {conversion} asks for more than 1048576 characters (the largest field width or precision)",
            PrintfChecker.Check(PrintfFormat.Parse(conversion + "\n"), [type]));

    [Fact]
    public void AMebibyteFieldIsAllowed()
    {
        Assert.Null(PrintfChecker.Check(PrintfFormat.Parse("%1048576d\n"), ["integer"]));
        Assert.Equal(1 << 20, PrintfFormat.Parse("%1048576d").Format([new SharpTrace.Output.IntegerValue(7)]).Length);
    }
}
