// Counts openat() calls by command name for one second and prints what the library handed back.
// Run as root: sudo dotnet run --project samples/OpenatCounter
using SharpTrace.Samples;

var counts = await OpenatCounter.CountAsync(
    TimeSpan.FromSeconds(1),
    attached: () => Console.Error.WriteLine("Counting openat calls for one second..."));
foreach (var count in counts)
    Console.WriteLine(count);
