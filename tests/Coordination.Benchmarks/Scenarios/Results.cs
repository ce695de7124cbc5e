using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Coordination.Benchmarks;

/// <summary>One figure of a scenario, next to the baseline measured in the same run.</summary>
public sealed record Measurement(
    string Metric,
    double System,
    double? Baseline,
    string Unit,
    string? Goal = null,
    bool? GoalMet = null)
{
    /// <summary>System divided by baseline (for a rate: the share of the baseline reached; for a time: how many times longer).</summary>
    public double? Ratio => Baseline is > 0 ? System / Baseline.Value : null;
}

/// <summary>What one scenario measured, what it verified, and what it found limiting.</summary>
public sealed record ScenarioResult(string Id, string Name, IReadOnlyList<Measurement> Measurements, IReadOnlyList<string> Notes)
{
    [JsonIgnore]
    public bool AllGoalsMet => Measurements.All(m => m.GoalMet != false);
}

/// <summary>Latency samples in milliseconds and the percentiles the report uses.</summary>
public sealed class Samples
{
    private readonly List<double> _values = [];

    public int Count
    {
        get
        {
            lock (_values)
            {
                return _values.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_values)
        {
            _values.Add(milliseconds);
        }
    }

    public void AddElapsed(long startTimestamp, long endTimestamp) =>
        Add(Stopwatch.GetElapsedTime(startTimestamp, endTimestamp).TotalMilliseconds);

    /// <summary>Nearest-rank percentile, so p100 is the maximum and every figure is a real sample.</summary>
    public double Percentile(double p)
    {
        lock (_values)
        {
            if (_values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _values.Order().ToArray();
            var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
            return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
        }
    }

    public double Max => Percentile(100);
}

/// <summary>The machine the figures come from, so a reader can judge them.</summary>
public sealed record MachineInfo(int Cores, string Memory, string LoadAverageBefore, string LoadAverageAfter, string Runtime, string Os)
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string TotalMemory()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kb = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return kb == 0 ? "n/a" : $"{kb / 1024.0 / 1024.0:F1} GiB";
    }
}

public sealed record BenchReport(
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    string Command,
    MachineInfo Machine,
    BenchSettings Settings,
    IReadOnlyList<ScenarioResult> Scenarios);

/// <summary>Thrown when a scenario loses, duplicates or misorders something: the one failure a benchmark must never hide.</summary>
public sealed class BenchmarkFailure(string message) : Exception(message);
