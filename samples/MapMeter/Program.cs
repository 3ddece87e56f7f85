// Counts openat() calls by command name and exports the live map through the OpenTelemetry SDK's Prometheus
// exporter, at http://localhost:9464/metrics, until Ctrl-C. Run as root: sudo dotnet run --project samples/MapMeter
using OpenTelemetry;
using OpenTelemetry.Metrics;
using SharpTrace;

const string MeterName = "SharpTrace.Samples.MapMeter";

var compiled = TraceScript.Compile("tracepoint:syscalls:sys_enter_openat { @opens[comm] = count(); }");
if (compiled.Program is not { } program)
{
    foreach (var diagnostic in compiled.Diagnostics)
        Console.Error.Write(diagnostic.Format());
    return 1;
}

// The SDK listens to the meter by name; the run creates it, and each collection reads the maps.
using var meters = Sdk.CreateMeterProviderBuilder()
    .AddMeter(MeterName)
    .AddPrometheusHttpListener(listener =>
    {
        listener.Host = "localhost";
        listener.Port = 9464;
    })
    .Build();

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var options = new RunOptions { MeterName = MeterName, MetricsLabels = [new("host", Environment.MachineName)] };
await foreach (var traceEvent in program.RunAsync(options, stop.Token))
{
    if (traceEvent is StartedEvent)
        Console.Error.WriteLine("Tracing openat; metrics at http://localhost:9464/metrics (Ctrl-C ends)");
}
return 0;
