// Calls JitLoop.Spin.Busy (a JIT-compiled method, never inlined) in a loop until stdin is closed, after printing
// "ready". Run with DOTNET_PerfMapEnabled=1, the runtime writes /tmp/perf-PID.map, which names Busy's code.
using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace JitLoop;

public static class Spin
{
    private static volatile bool s_stop;

    public static int Main()
    {
        var watcher = new Thread(() =>
        {
            while (Console.In.Read() >= 0)
            {
            }
            s_stop = true;
        }) { IsBackground = true };
        watcher.Start();
        Console.WriteLine("ready");
        Console.Out.Flush();
        long total = 0;
        while (!s_stop)
            total += Busy(1000);
        return total == 42 ? 1 : 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Busy(int n)
    {
        long sum = 0;
        for (var i = 0; i < n; i++)
            sum += i * (long)i ^ n;
        return sum;
    }
}
