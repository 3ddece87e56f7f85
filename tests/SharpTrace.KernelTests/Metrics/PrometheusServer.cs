using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace SharpTrace.KernelTests.Metrics;

/// <summary>
/// A real Prometheus server (the Debian package's /usr/bin/prometheus) for one test: a temporary config scraping one
/// target every second, temporary storage, listening on a free loopback port; killed and removed on dispose.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly string _directory;
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly int _port;

    private PrometheusServer(string directory, Process process, int port)
    {
        _directory = directory;
        _process = process;
        _port = port;
    }

    /// <summary>Starts Prometheus scraping <c>127.0.0.1:<paramref name="targetPort"/>/metrics</c> every second; waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(int targetPort, TimeSpan timeout)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: ./test.sh installs the prometheus package (apt-get install prometheus)");
        var directory = Directory.CreateTempSubdirectory("sharptrace-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: sharptrace
                static_configs:
                  - targets: ['127.0.0.1:{targetPort}']
            """);
        var port = Scraper.FreePort();
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start prometheus");
        var server = new PrometheusServer(directory, process, port);
        process.OutputDataReceived += (_, e) => server.Log(e.Data);
        process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.UntilAsync(async () =>
            {
                using var response = await Http.GetAsync($"http://127.0.0.1:{port}/-/ready");
                return response.IsSuccessStatusCode;
            }, timeout, "Prometheus to be ready");
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>The result vector of an instant query: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, string Value)>> QueryAsync(string promql)
    {
        var json = await Http.GetStringAsync($"http://127.0.0.1:{_port}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("success", root.GetProperty("status").GetString());
        return root.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => (
                (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                r.GetProperty("value")[1].GetString()!))
            .ToList();
    }

    /// <summary>The target's health and last scrape error as Prometheus reports them.</summary>
    public async Task<(string Health, string LastError)> TargetAsync()
    {
        var json = await Http.GetStringAsync($"http://127.0.0.1:{_port}/api/v1/targets");
        using var document = JsonDocument.Parse(json);
        var target = document.RootElement.GetProperty("data").GetProperty("activeTargets")[0];
        return (target.GetProperty("health").GetString()!, target.GetProperty("lastError").GetString()!);
    }

    /// <summary>Polls <paramref name="done"/> every 250 ms until it holds; fails with Prometheus's log after <paramref name="timeout"/>.</summary>
    public async Task UntilAsync(Func<Task<bool>> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                break;
            try
            {
                if (await done())
                    return;
            }
            catch (HttpRequestException e)
            {
                last = e;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"no {what} within {timeout} (prometheus {(_process.HasExited ? "exited" : "running")}); {last?.Message}\n{Logged()}");
    }

    private void Log(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.AppendLine(line);
    }

    private string Logged()
    {
        lock (_log)
            return _log.ToString();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in /tmp: harmless.
        }
    }
}
