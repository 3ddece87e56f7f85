using SharpTrace.Output;

namespace SharpTrace.Tests.Output;

/// <summary>
/// <c>--test</c> and <c>--bench</c> results as the newest bpftrace prints them (output/text.cpp, output/json.cpp), except
/// that a test's duration is printed in its unit (bpftrace prints the unit's size there: "(1000 us)" for any time in µs).
/// </summary>
public sealed class SelfRunResultsTests
{
    private const string Green = "\u001b[32m", Red = "\u001b[31m", Reset = "\u001b[0m";

    [Fact]
    public void PassingTestPrintsHeaderRunAndOkAndTheLastTheSummary()
    {
        string[] tests = ["a", "b"];

        var first = new TestResult(tests, 0, 1_500, [true], "hidden\n").FormatText();
        var last = new TestResult(tests, 1, 20, [true, false], "line one\n\nline two\n").FormatText();

        Assert.Equal($"{Green}[==========]{Reset} Running 2 tests.\n{Green}[ RUN      ]{Reset} a\n{Green}[       OK ]{Reset} a (1 us)\n", first);
        Assert.Equal(
            $"{Green}[ RUN      ]{Reset} b\nline one\nline two\n{Red}[  FAILED  ]{Reset} b (20 ns)\n"
            + $"{Green}[==========]{Reset} 2 tests ran.\n{Green}[  PASSED  ]{Reset} 1 test.\n"
            + $"{Red}[  FAILED  ]{Reset} 1 test, listed below:\n{Red}[  FAILED  ]{Reset} b\n",
            last);
    }

    [Fact]
    public void BenchmarkTableHasAHeaderAndARuleBeforeTheFirstRow()
    {
        string[] benchmarks = ["count", "lhist"];

        var text = new BenchmarkResult(benchmarks, 0, 40, 65536).FormatText() + new BenchmarkResult(benchmarks, 1, 88, 32768).FormatText();

        Assert.Equal(
            "Benchmark".PadRight(41) + "Time(ns)       Iterations\n" + new string('-', 66) + "\n"
            + "count".PadRight(41) + "40             65536\n"
            + "lhist".PadRight(41) + "88             32768\n",
            text);
    }

    [Fact]
    public void JsonHasATestResultAndABenchmarkResultRecord()
    {
        var output = new StringWriter();
        var json = new JsonOutputWriter(output);

        json.TestResult(new TestResult(["okay"], 0, 123, [true], "out\n"));
        json.BenchmarkResult(new BenchmarkResult(["count"], 0, 40, 1000));

        Assert.Equal(
            "{\"type\": \"test_result\", \"data\": {\"okay\": {\"duration\": 123, \"passed\": true, \"output\": \"out\\n\"}}}\n"
            + "{\"type\": \"benchmark_result\", \"data\": {\"count\": {\"average\": 40, \"iters\": 1000}}}\n",
            output.ToString());
    }
}
