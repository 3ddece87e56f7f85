using System.Text;
using SharpTrace.Builtins;
using SharpTrace.Semantics;

namespace SharpTrace.Tests.Output;

/// <summary>What user space makes of a join() record and of a cat() file, without the kernel.</summary>
public class JoinAndCatRecordTests
{
    private static byte[] JoinRecord(params string[] slots)
    {
        var record = new byte[JoinAction.RecordSize];
        for (var i = 0; i < slots.Length; i++)
            Encoding.UTF8.GetBytes(slots[i]).CopyTo(record, 8 + i * Join.ArgumentSize);
        return record;
    }

    [Fact]
    public void JoinStopsAtTheFirstEmptyString()
    {
        // An empty argument ends the list as a NULL pointer does (bpftrace 0.17 cannot tell them apart).
        var action = new JoinAction(0, ", ");

        Assert.Equal("ls, -l", action.Text(JoinRecord("ls", "-l", "", "after")));
    }

    [Fact]
    public void JoinOfSixteenFullSlotsPrintsAllOfThem()
    {
        var full = new string('x', Join.ArgumentSize);
        var text = new JoinAction(0, " ").Text(JoinRecord(Enumerable.Repeat(full, Join.MaxArguments).ToArray()));

        Assert.Equal(Join.MaxArguments * Join.ArgumentSize + Join.MaxArguments - 1, text.Length);
    }

    [Fact]
    public void JoinOfNothingIsEmpty() => Assert.Equal("", new JoinAction(0, " ").Text(JoinRecord()));

    [Fact]
    public void CatReadsAtMostMaxBytes()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "abcdefghij");
            var warnings = new List<string>();

            Assert.Equal("abcd", new CatAction(0, "", [], 4).Read(path, warnings.Add));
            Assert.Equal("abcdefghij", new CatAction(0, "", [], 10240).Read(path, warnings.Add));
            Assert.Empty(warnings);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CatReadsProcFilesThatReportNoLength() =>
        Assert.StartsWith("Name:", new CatAction(0, "", [], 10240).Read("/proc/self/status", _ => { }));

    [Theory]
    [InlineData("/nonexistent-sharptrace-file", "failed to open file '/nonexistent-sharptrace-file': No such file or directory")]
    [InlineData("/", "failed to open file '/': Is a directory")]
    public void CatOfAFileThatCannotBeReadPrintsNothingAndWarnsAsBpftrace(string path, string warning)
    {
        var warnings = new List<string>();

        Assert.Equal("", new CatAction(0, "", [], 10240).Read(path, warnings.Add));
        Assert.Equal([warning], warnings);
    }
}
