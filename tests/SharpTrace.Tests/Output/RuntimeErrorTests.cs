using SharpTrace.Output;

namespace SharpTrace.Tests.Output;

/// <summary>The warnings programs send at run time (an array index past the end), printed as bpftrace prints its runtime errors.</summary>
public class RuntimeErrorTests
{
    [Fact]
    public void ARuntimeErrorIsAWarningInTextAndARuntimeErrorRecordInJson()
    {
        var message = new ScriptMessage(false, "Array access out of bounds. This can lead to unexpected results.", "stdin", 1, 30, "stdin:1:30-40")
        {
            RecordType = "runtime_error",
        };

        Assert.Equal("stdin:1:30-40: WARNING: Array access out of bounds. This can lead to unexpected results.", message.Format());
        var json = new StringWriter();
        new JsonOutputWriter(json).ScriptMessage(message);
        // bpftrace's record (src/output/json.cpp, runtime_error): the message in "msg", the place in filename, line and col.
        Assert.Equal("""{"type": "runtime_error", "msg": "Array access out of bounds. This can lead to unexpected results.", "filename": "stdin", "line": 1, "col": 30}""" + "\n",
            json.ToString());
    }
}
