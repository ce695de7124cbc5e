using System.Diagnostics;

namespace Coordination.Benchmarks;

/// <summary>Drives an operation: closed loop (N clients back to back) or open loop (a fixed arrival rate).</summary>
public static class Load
{
    /// <summary>
    /// <paramref name="clients"/> loops, each running <paramref name="operation"/> back to back for
    /// warm-up plus duration. Returns completions per second inside the measured window, and how many
    /// ran in all. Any failure stops the run: a benchmark must not hide a lost command behind a rate.
    /// </summary>
    public static async Task<(double PerSecond, long Operations)> ClosedLoopAsync(int clients, TimeSpan warmup, TimeSpan duration, Func<Task> operation)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + Ticks(warmup);
        var stopAt = measureFrom + Ticks(duration);
        long completed = 0;
        long operations = 0;
        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                await operation();
                Interlocked.Increment(ref operations);
                var end = Stopwatch.GetTimestamp();
                if (end >= measureFrom && end < stopAt)
                {
                    Interlocked.Increment(ref completed);
                }
            }
        }));
        await Task.WhenAll(loops);
        return (completed / duration.TotalSeconds, operations);
    }

    /// <summary>Runs <paramref name="operation"/> exactly <paramref name="count"/> times with at most <paramref name="inFlight"/> at once.</summary>
    public static async Task CountAsync(int count, int inFlight, Func<int, Task> operation)
    {
        var next = -1;
        var loops = Enumerable.Range(0, Math.Min(inFlight, count)).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await operation(i);
            }
        }));
        await Task.WhenAll(loops);
    }

    /// <summary>
    /// Starts <paramref name="operation"/> at <paramref name="perSecond"/> until cancelled (or
    /// <paramref name="count"/> starts), whether or not earlier ones finished — the arrival pattern of
    /// independent consular officers. Returns how many completed; rethrows the first failure.
    /// </summary>
    public static async Task<long> OpenLoopAsync(double perSecond, Func<int, Task> operation, CancellationToken stop, int count = int.MaxValue)
    {
        var start = Stopwatch.GetTimestamp();
        var running = new List<Task>();
        long completed = 0;
        for (var i = 0; i < count && !stop.IsCancellationRequested; i++)
        {
            var due = start + (long)(i / perSecond * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var index = i;
            running.Add(Task.Run(async () =>
            {
                await operation(index);
                Interlocked.Increment(ref completed);
            }));
            if (running.Count > 256)
            {
                running.RemoveAll(t => t.IsCompletedSuccessfully);
                if (running.FirstOrDefault(t => t.IsFaulted) is { } failed)
                {
                    await failed;
                }
            }
        }

        await Task.WhenAll(running);
        return completed;
    }

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
