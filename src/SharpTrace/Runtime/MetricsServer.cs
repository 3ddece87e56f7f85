using System.Net;
using System.Net.Sockets;
using System.Text;
using SharpTrace.Output;

namespace SharpTrace.Runtime;

/// <summary>
/// A small HTTP/1.1 server for <c>GET /metrics</c> on a socket of its own (AOT-safe, no HTTP stack). Each request is
/// read and answered on the thread pool, never on the run's thread; a request is bounded in size and time, a slow
/// or vanished scraper only loses its own connection, and at most <see cref="MaxConnections"/> are served at once.
/// </summary>
internal sealed class MetricsServer : IDisposable
{
    /// <summary>Requests larger than this (request line and headers) are refused with 431.</summary>
    public const int MaxRequestBytes = 8192;

    /// <summary>
    /// Connections served at once; more are closed at once. Each holds at most a request buffer and a task, so the bound
    /// is generous: a burst of scrapers, or stalled ones waiting for their timeout, must not crowd out a real scrape.
    /// </summary>
    public const int MaxConnections = 256;

    private const int Backlog = 128;

    /// <summary>How long a scraper may take to send its request, and to take the response.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly Func<MetricsFormat, string> _render;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private MetricsServer(Socket listener, Func<MetricsFormat, string> render)
    {
        _listener = listener;
        _render = render;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The address and port it listens on.</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>
    /// Listens on <paramref name="endpoint"/> at once, so that a port in use fails before anything is loaded; each
    /// scrape gets the text <paramref name="render"/> gives for the format it asked for.
    /// </summary>
    public static MetricsServer Start(IPEndPoint endpoint, Func<MetricsFormat, string> render)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endpoint);
            listener.Listen(Backlog);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            var reason = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "address already in use",
                SocketError.AddressNotAvailable => "address not available on this machine",
                SocketError.AccessDenied => "permission denied",
                _ => e.Message,
            };
            throw new MetricsEndpointException($"cannot serve metrics on {Format(endpoint)}: {reason}", e);
        }
        return new MetricsServer(listener, render);
    }

    /// <summary>An endpoint as <c>--metrics</c> spells it: <c>127.0.0.1:9100</c>, <c>[::1]:9100</c>.</summary>
    public static string Format(IPEndPoint endpoint) => endpoint.ToString();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                    return;
                continue;
            }
            if (Interlocked.Increment(ref _connections) > MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            client.NoDelay = true;
            var request = await ReadRequestAsync(client).ConfigureAwait(false);
            var (status, contentType, body) = Respond(request);
            await WriteResponseAsync(client, status, contentType, body, head: request?.Method == "HEAD").ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // The scraper went away or was too slow: only its connection is lost.
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref _connections);
        }
    }

    private sealed record Request(string Method, string Path, string Accept, bool TooLarge);

    /// <summary>The request line and headers, or null when they are malformed.</summary>
    private async Task<Request?> ReadRequestAsync(Socket client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(RequestTimeout);
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        int end;
        while ((end = HeaderEnd(buffer.AsSpan(0, length))) < 0)
        {
            if (length == buffer.Length)
                return new Request("", "", "", TooLarge: true);
            var read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            if (read == 0)
                throw new IOException("the scraper closed the connection");
            length += read;
        }
        var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            return null;
        var accept = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .Where(h => h.Length == 2 && h[0].Trim().Equals("Accept", StringComparison.OrdinalIgnoreCase))
            .Select(h => h[1].Trim())
            .FirstOrDefault() ?? "";
        return new Request(requestLine[0], requestLine[1].Split('?')[0], accept, TooLarge: false);
    }

    private static int HeaderEnd(ReadOnlySpan<byte> received)
    {
        var end = received.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end;
    }

    private (string Status, string ContentType, string Body) Respond(Request? request)
    {
        const string plain = "text/plain; charset=utf-8";
        if (request is null)
            return ("400 Bad Request", plain, "malformed request\n");
        if (request.TooLarge)
            return ("431 Request Header Fields Too Large", plain, "request too large\n");
        if (request.Method is not ("GET" or "HEAD"))
            return ("405 Method Not Allowed", plain, "only GET /metrics\n");
        if (request.Path == "/")
            return ("200 OK", plain, "sharptrace: the maps are at /metrics\n");
        if (request.Path != "/metrics")
            return ("404 Not Found", plain, "not found: the maps are at /metrics\n");
        var format = request.Accept.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
            ? MetricsFormat.OpenMetrics
            : MetricsFormat.Prometheus;
        try
        {
            return ("200 OK", OpenMetricsWriter.ContentType(format), _render(format));
        }
        catch (Exception e) when (e is Kernel.KernelException or InvalidOperationException or ArgumentException)
        {
            return ("500 Internal Server Error", plain, "cannot read the maps: " + e.Message + "\n");
        }
    }

    private async Task WriteResponseAsync(Socket client, string status, string contentType, string body, bool head)
    {
        var content = Encoding.UTF8.GetBytes(body);
        var header = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(ResponseTimeout);
        await client.SendAsync(header, SocketFlags.None, timeout.Token).ConfigureAwait(false);
        if (!head)
        {
            for (var sent = 0; sent < content.Length;)
                sent += await client.SendAsync(content.AsMemory(sent), SocketFlags.None, timeout.Token).ConfigureAwait(false);
        }
        client.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Stops listening and ends every connection still open.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _accepting.Wait(TimeSpan.FromSeconds(1));
    }
}
