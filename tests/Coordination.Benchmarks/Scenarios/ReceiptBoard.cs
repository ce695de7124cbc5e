using System.Diagnostics;

namespace Coordination.Benchmarks;

/// <summary>
/// Counts what dashboards received, by key (a case id, an item id or an echo tag), with the
/// <see cref="Stopwatch"/> timestamps of the first and last receipt. Stopwatch reads the
/// system-wide monotonic clock, so receipts reported by client processes compare with sends here.
/// </summary>
public sealed class ReceiptBoard
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Keys
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    public long Total
    {
        get
        {
            lock (_entries)
            {
                return _entries.Values.Sum(e => (long)e.Count);
            }
        }
    }

    public void Record(string key, long timestamp)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry { First = timestamp, Last = timestamp };
                _entries[key] = entry;
            }

            entry.Count++;
            entry.First = Math.Min(entry.First, timestamp);
            entry.Last = Math.Max(entry.Last, timestamp);
            entry.Signal();
        }
    }

    public bool Has(string key)
    {
        lock (_entries)
        {
            return _entries.ContainsKey(key);
        }
    }

    /// <summary>Waits until <paramref name="key"/> was received <paramref name="expected"/> times; returns the first and last receipt.</summary>
    public async Task<(long First, long Last)> WaitAsync(string key, int expected, TimeSpan timeout)
    {
        Task wait;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                entry = new Entry { First = long.MaxValue, Last = long.MinValue };
                _entries[key] = entry;
            }

            if (entry.Count >= expected)
            {
                return (entry.First, entry.Last);
            }

            entry.Expected = expected;
            entry.Done ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = entry.Done.Task;
        }

        try
        {
            await wait.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new BenchmarkFailure($"{key} reached {CountOf(key)} of {expected} dashboards within {timeout.TotalSeconds:F0} s");
        }

        lock (_entries)
        {
            var entry = _entries[key];
            return (entry.First, entry.Last);
        }
    }

    /// <summary>Waits until every key in <paramref name="keys"/> was received at least once, or the timeout; returns the keys still missing.</summary>
    public async Task<IReadOnlyList<string>> WaitAllAsync(IReadOnlyCollection<string> keys, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            List<string> missing;
            lock (_entries)
            {
                missing = keys.Where(k => !_entries.TryGetValue(k, out var e) || e.Count == 0).ToList();
            }

            if (missing.Count == 0 || Stopwatch.GetTimestamp() > deadline)
            {
                return missing;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The latest receipt among <paramref name="keys"/>.</summary>
    public long LastOf(IEnumerable<string> keys)
    {
        lock (_entries)
        {
            return keys.Select(k => _entries.TryGetValue(k, out var e) && e.Count > 0 ? e.Last : long.MinValue).DefaultIfEmpty(long.MinValue).Max();
        }
    }

    private int CountOf(string key)
    {
        lock (_entries)
        {
            return _entries.TryGetValue(key, out var e) ? e.Count : 0;
        }
    }

    private sealed class Entry
    {
        public int Count;
        public long First;
        public long Last;
        public int Expected = int.MaxValue;
        public TaskCompletionSource? Done;

        public void Signal()
        {
            if (Count >= Expected)
            {
                Done?.TrySetResult();
            }
        }
    }
}
