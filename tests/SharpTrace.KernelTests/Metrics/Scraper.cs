using System.Net;
using System.Net.Sockets;

namespace SharpTrace.KernelTests.Metrics;

/// <summary>Scrapes a metrics endpoint as Prometheus does, and finds free loopback ports for one.</summary>
internal static class Scraper
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>GET /metrics; with <paramref name="openMetrics"/> it asks for OpenMetrics as Prometheus does.</summary>
    public static async Task<(string ContentType, string Body)> ScrapeAsync(int port, bool openMetrics = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/metrics");
        if (openMetrics)
            request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Scrapes until <paramref name="done"/> holds for the text, bounded by <paramref name="timeout"/>; returns that text.</summary>
    public static async Task<string> UntilAsync(int port, Func<string, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = (await ScrapeAsync(port)).Body;
            if (done(last))
                return last;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the endpoint did not show {what} within {timeout}; last scrape:\n{last}");
    }
}
