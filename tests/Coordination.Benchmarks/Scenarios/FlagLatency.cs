using System.Diagnostics;
using System.Globalization;
using Coordination.Contracts.Feeds;
using Microsoft.AspNetCore.SignalR.Client;

namespace Coordination.Benchmarks;

/// <summary>
/// 2. Flag → dashboard latency: from sending POST /api/cases to the receiving NGO's SignalR
/// client holding the ReferralReceived push; at idle, then while other officers flag at a share of
/// scenario 1's saturation rate. Baseline probe, alternated with the system's: one committed raw
/// INSERT, then one SignalR round trip through the bare echo hub, measured the same way.
/// </summary>
public static class FlagLatency
{
    public const string Id = "2";

    public static async Task<ScenarioResult> RunAsync(BenchSystem system, double saturationPerSecond, Action<string> log)
    {
        var s = system.Settings;
        var probeTarget = system.Receivers[0];
        var board = new ReceiptBoard();
        await using var dashboard = await Dashboards.ListenAsync(system.Processes.WebUrl, probeTarget.Token, (item, at) =>
        {
            if (item.Type == FeedItemType.ReferralReceived && item.CaseId is { } caseId)
            {
                board.Record(caseId, at);
            }
        });
        var echoBoard = new ReceiptBoard();
        await using var echo = await system.Echo.ConnectAsync(echoBoard);

        var measurements = new List<Measurement>();
        var idle = await ProbeAsync(system, probeTarget, board, echo, echoBoard);
        Report("idle", idle.System, idle.Baseline, measurements, log);

        var rate = Math.Max(1, s.LoadFraction * saturationPerSecond);
        using var stop = new CancellationTokenSource();
        var others = system.Receivers.Where(r => r != probeTarget).ToList();
        var background = Load.OpenLoopAsync(rate, _ => system.FlagAsync(others[Random.Shared.Next(others.Count)]), stop.Token);
        var started = Stopwatch.GetTimestamp();
        (Samples System, Samples Baseline) loaded;
        try
        {
            loaded = await ProbeAsync(system, probeTarget, board, echo, echoBoard);
        }
        finally
        {
            await stop.CancelAsync();
        }

        var completed = await background;
        var achieved = completed / Stopwatch.GetElapsedTime(started).TotalSeconds;
        Report(string.Create(CultureInfo.InvariantCulture, $"at {s.LoadFraction:P0} load"), loaded.System, loaded.Baseline, measurements, log);
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{s.LatencySamples} probes each, system and baseline alternated; background load {rate:F0} flags/s offered ({achieved:F0}/s completed), {s.LoadFraction:P0} of {saturationPerSecond:F0}/s"),
        };
        return new ScenarioResult(Id, "Flag → dashboard latency (ReferralReceived push)", measurements, notes);
    }

    private static async Task<(Samples System, Samples Baseline)> ProbeAsync(
        BenchSystem system, Receiver target, ReceiptBoard board, HubConnection echo, ReceiptBoard echoBoard)
    {
        var s = system.Settings;
        var systemSamples = new Samples();
        var baselineSamples = new Samples();
        for (var i = 0; i < s.LatencySamples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var flagged = await system.FlagAsync(target);
            var (first, _) = await board.WaitAsync(flagged.CaseId, 1, s.Patience);
            systemSamples.AddElapsed(start, first);

            var tag = Guid.NewGuid().ToString("N");
            start = Stopwatch.GetTimestamp();
            await system.Raw.InsertAsync();
            await echo.SendAsync("Echo", tag);
            (first, _) = await echoBoard.WaitAsync(tag, 1, s.Patience);
            baselineSamples.AddElapsed(start, first);

            await Task.Delay(s.LatencyPause);
        }

        return (systemSamples, baselineSamples);
    }

    private static void Report(string phase, Samples system, Samples baseline, List<Measurement> measurements, Action<string> log)
    {
        foreach (var p in new[] { 50.0, 95, 99 })
        {
            var goal = p == 99 ? "≤ 2× baseline p99" : null;
            measurements.Add(new Measurement($"{phase}: p{p}", system.Percentile(p), baseline.Percentile(p), "ms", goal,
                p == 99 ? system.Percentile(p) <= 2 * baseline.Percentile(p) : null));
        }

        measurements.Add(new Measurement($"{phase}: max", system.Max, baseline.Max, "ms"));
        log(string.Create(CultureInfo.InvariantCulture,
            $"  {phase}: p50 {system.Percentile(50):F1} ms, p99 {system.Percentile(99):F1} ms, max {system.Max:F1} ms; baseline p50 {baseline.Percentile(50):F1}, p99 {baseline.Percentile(99):F1}, max {baseline.Max:F1}"));
    }
}
