using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.Benchmarks;

/// <summary>Runs the scenarios in one process against one system, each next to its baseline, and reports them.</summary>
public static class BenchmarkRunner
{
    public static readonly IReadOnlyList<string> AllScenarios = [FanOut.Id, DurableThroughput.Id, FlagLatency.Id, CatchUp.Id, Surge.Id, Escalation.Id, EmailLatency.Id];

    public static async Task<BenchReport> RunAsync(BenchSettings settings, IReadOnlySet<string> only, string command, Action<string> log)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var loadBefore = MachineInfo.LoadAverage();
        var results = new List<ScenarioResult>();
        await using (var system = await BenchSystem.StartAsync(settings, log))
        {
            await WarmUpAsync(system, log);

            // Scenario 2 loads the system at a share of scenario 1's saturation; alone, it assumes a modest rate.
            var saturation = 100.0;
            foreach (var id in AllScenarios.Where(only.Contains))
            {
                // Each scenario starts from a collected heap, so none pays for the garbage of the one before
                // it (a full collection of a large heap during scenario 6 is late by its pause).
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                var scenario = Stopwatch.StartNew();
                log($"scenario {id}");
                try
                {
                    switch (id)
                    {
                        case FanOut.Id:
                            results.Add(await FanOut.RunAsync(system, log));
                            break;
                        case DurableThroughput.Id:
                            var (result, rate) = await DurableThroughput.RunAsync(system, log);
                            results.Add(result);
                            saturation = rate;
                            break;
                        case FlagLatency.Id:
                            results.Add(await FlagLatency.RunAsync(system, saturation, log));
                            break;
                        case CatchUp.Id:
                            results.Add(await CatchUp.RunAsync(system, log));
                            break;
                        case Surge.Id:
                            results.Add(await Surge.RunAsync(system, log));
                            break;
                        case Escalation.Id:
                            results.Add(await Escalation.RunAsync(system, log));
                            break;
                        case EmailLatency.Id:
                            results.Add(await EmailLatency.RunAsync(system, log));
                            break;
                    }
                }
                catch (Exception ex) when (ex is BenchmarkFailure or TimeoutException or HttpRequestException)
                {
                    log($"scenario {id} FAILED: {ex.Message}");
                    results.Add(new ScenarioResult(id, $"scenario {id}", [], [$"FAILED: {ex.Message}"]));
                }

                log(string.Create(CultureInfo.InvariantCulture, $"scenario {id} took {scenario.Elapsed.TotalSeconds:F0} s"));
            }
        }

        var machine = new MachineInfo(Environment.ProcessorCount, MachineInfo.TotalMemory(), loadBefore, MachineInfo.LoadAverage(),
            RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription);
        return new BenchReport(startedAt, clock.Elapsed, command, machine, settings, results);
    }

    /// <summary>Flags from 16 officers, one dashboard listening, for <see cref="BenchSettings.Warmup"/>.</summary>
    public static async Task WarmUpAsync(BenchSystem system, Action<string> log)
    {
        log(string.Create(CultureInfo.InvariantCulture, $"warming up for {system.Settings.Warmup.TotalSeconds:F0} s (16 officers flagging, one dashboard)"));
        await using var dashboard = await Dashboards.ListenAsync(system.Processes.WebUrl, system.Receivers[0].Token, (_, _) => { });
        var (rate, _) = await Load.ClosedLoopAsync(16, TimeSpan.Zero, system.Settings.Warmup, () => system.FlagAsync(system.RandomReceiver()));
        await dashboard.SinceAsync(0);
        log(string.Create(CultureInfo.InvariantCulture, $"warm-up done: {rate:F0} flags/s"));
    }

    public static bool Failed(BenchReport report) => report.Scenarios.Any(s => s.Measurements.Count == 0);

    public static async Task WriteJsonAsync(BenchReport report, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Converters = { new JsonStringEnumConverter() },
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, options));
    }

    /// <summary>The results as a Markdown table: system, baseline from the same run, and their ratio.</summary>
    public static string Table(BenchReport report)
    {
        var text = new StringBuilder();
        text.AppendLine("| # | scenario | metric | system | baseline | system/baseline | goal | met |");
        text.AppendLine("|---|---|---|---:|---:|---:|---|---|");
        foreach (var scenario in report.Scenarios)
        {
            if (scenario.Measurements.Count == 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {scenario.Id} | {scenario.Name} | {string.Join("; ", scenario.Notes)} | | | | | no |");
            }

            foreach (var m in scenario.Measurements)
            {
                var ratio = m.Ratio is { } r ? (m.Unit == "/s" ? r.ToString("P0", CultureInfo.InvariantCulture) : r.ToString("0.00", CultureInfo.InvariantCulture) + "×") : "";
                var met = m.GoalMet switch { true => "yes", false => "**no**", null => "" };
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {scenario.Id} | {scenario.Name} | {m.Metric} | {Format(m.System, m.Unit)} | {(m.Baseline is { } b ? Format(b, m.Unit) : "")} | {ratio} | {m.Goal} | {met} |");
            }
        }

        return text.ToString();
    }

    public static string Notes(BenchReport report) =>
        string.Join(Environment.NewLine, report.Scenarios.SelectMany(s => s.Notes.Select(n => $"- {s.Id}: {n}")));

    private static string Format(double value, string unit) => double.IsNaN(value)
        ? "n/a"
        : unit switch
        {
            "/s" => value.ToString("N0", CultureInfo.InvariantCulture) + "/s",
            "ms" => value.ToString(value < 100 ? "0.0" : "N0", CultureInfo.InvariantCulture) + " ms",
            _ => value.ToString("0.0", CultureInfo.InvariantCulture) + " " + unit,
        };
}
