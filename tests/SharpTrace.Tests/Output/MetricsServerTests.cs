using System.Net;
using System.Net.Sockets;
using System.Text;
using SharpTrace.Output;
using SharpTrace.Runtime;

namespace SharpTrace.Tests.Output;

/// <summary>The endpoint's HTTP without a trace: format negotiation, errors, limits, a port in use.</summary>
public sealed class MetricsServerTests
{
    private static MetricsServer Start() =>
        MetricsServer.Start(new IPEndPoint(IPAddress.Loopback, 0), format => format == MetricsFormat.OpenMetrics ? "om\n# EOF\n" : "prom\n");

    private static async Task<string> ExchangeAsync(MetricsServer server, byte[] request)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.LocalEndpoint);
        await socket.SendAsync(request);
        var response = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            response.Write(buffer, 0, read);
        return Encoding.UTF8.GetString(response.ToArray());
    }

    private static Task<string> GetAsync(MetricsServer server, string requestLine, string headers = "") =>
        ExchangeAsync(server, Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: test\r\n{headers}\r\n"));

    [Fact]
    public async Task PrometheusTextByDefault()
    {
        using var server = Start();
        Assert.Equal(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: 5\r\nConnection: close\r\n\r\nprom\n",
            await GetAsync(server, "GET /metrics HTTP/1.1"));
    }

    [Fact]
    public async Task OpenMetricsWhenTheScraperAsksForIt()
    {
        using var server = Start();
        var response = await GetAsync(server, "GET /metrics?x=1 HTTP/1.1",
            "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\nContent-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n", response);
        Assert.EndsWith("\r\n\r\nom\n# EOF\n", response);
    }

    [Theory]
    [InlineData("GET /other HTTP/1.1", "404 Not Found")]
    [InlineData("POST /metrics HTTP/1.1", "405 Method Not Allowed")]
    [InlineData("nonsense", "400 Bad Request")]
    [InlineData("GET /metrics SPDY/3", "400 Bad Request")]
    public async Task OtherRequestsGetAnError(string requestLine, string status)
    {
        using var server = Start();
        Assert.StartsWith($"HTTP/1.1 {status}\r\n", await GetAsync(server, requestLine));
    }

    [Fact]
    public async Task HeadGetsTheHeadersOnly()
    {
        using var server = Start();
        Assert.EndsWith("Content-Length: 5\r\nConnection: close\r\n\r\n", await GetAsync(server, "HEAD /metrics HTTP/1.1"));
    }

    [Fact]
    public async Task ARequestLargerThanTheLimitIsRefused()
    {
        using var server = Start();
        var request = Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nX: " + new string('a', MetricsServer.MaxRequestBytes) + "\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 431 ", await ExchangeAsync(server, request));
    }

    [Fact]
    public async Task ManyScrapersAtOnceAreAllServed()
    {
        using var server = Start();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GetAsync(server, "GET /metrics HTTP/1.1")));
        Assert.All(responses, r => Assert.EndsWith("\r\n\r\nprom\n", r));
    }

    [Fact]
    public void APortInUseIsOneClearError()
    {
        using var server = Start();
        var e = Assert.Throws<MetricsEndpointException>(() => MetricsServer.Start(server.LocalEndpoint, _ => ""));
        Assert.Equal($"cannot serve metrics on {server.LocalEndpoint}: address already in use", e.Message);
    }
}
