using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Probes;

/// <summary>
/// A tracepoint field declared as an enum (<c>enum skb_drop_reason reason</c> in skb:kfree_skb's format) is of that
/// enum, as in the newest bpftrace's tests/runtime/call printf_enum_symbolize_tracepoint: <c>%s</c> and <c>print</c>
/// show the enumerator's name, <c>%d</c> and JSON the number. The event is a TCP connection refused on loopback,
/// which the kernel drops with SKB_DROP_REASON_NO_SOCKET.
/// </summary>
[Trait("Category", "Kernel")]
public sealed partial class EnumTracepointTests : KernelTest
{
    private const string Script = """
        tracepoint:skb:kfree_skb /args.reason == SKB_DROP_REASON_NO_SOCKET/ {
          $r = args.reason;
          printf("%d %s\n", args.reason, $r);
          print($r);
          exit();
        }
        """;

    [Fact]
    public async Task ADropReasonPrintsByNameInTextAndAsItsNumberInJson()
    {
        var text = await TraceRefusedConnectionAsync(SharpTraceRun.Start(["-e", Script]));
        var json = await TraceRefusedConnectionAsync(SharpTraceRun.Start(["-f", "json", "-e", Script]));

        Assert.Equal(0, text.ExitCode);
        var match = TextLines().Match(text.Stdout);
        Assert.True(match.Success, text.Stdout);
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(
            [
                """{"type": "attached_probes", "data": {"probes": 1}}""",
                $$"""{"type": "printf", "data": "{{match.Groups[1].Value}} SKB_DROP_REASON_NO_SOCKET\n"}""",
                $$"""{"type": "value", "data": {{match.Groups[1].Value}}}""",
            ],
            JsonLines.NonEmpty(json.Stdout));
    }

    // Connects to a loopback port nothing listens on (one just closed) until the tracer exits, bounded.
    private static async Task<RunResult> TraceRefusedConnectionAsync(TracerProcess tool)
    {
        using (tool)
        {
            await tool.WaitForAttachedAsync(TracerProcess.DefaultTimeout);
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
            }
            var exited = tool.WaitForExitAsync(TracerProcess.DefaultTimeout);
            for (var attempt = 0; attempt < 20 && !exited.IsCompleted; attempt++)
            {
                using var client = new TcpClient();
                await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
                await Task.WhenAny(exited, Task.Delay(200));
            }
            return await exited;
        }
    }

    [GeneratedRegex(@"\A(\d+) SKB_DROP_REASON_NO_SOCKET\nSKB_DROP_REASON_NO_SOCKET\n\z")]
    private static partial Regex TextLines();
}
