using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Coordination.Contracts.Feeds;

namespace Coordination.Benchmarks;

/// <summary>
/// 6. Escalation precision: N Critical referrals flagged evenly over a spread (deadline = the
/// system's configured Critical acknowledgement time after each commit), none acknowledged. For
/// each AckOverdue pushed to the receiving NGO's dashboard: lateness = receipt − the item's
/// deadline (and when the system raised it: occurredAt − deadline). None may be missing; one whose
/// push never came is fetched as a dashboard does (<c>Since</c>), and said apart. Baseline:
/// a plain in-process .NET timer set to the same deadlines on the same loaded machine.
/// </summary>
public static class Escalation
{
    public const string Id = "6";

    public static async Task<ScenarioResult> RunAsync(BenchSystem system, Action<string> log)
    {
        var s = system.Settings;
        var flagged = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var escalated = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var pushed = new Samples();
        var raised = new Samples();
        var timers = new Samples();
        var dashboards = await Dashboards.ListenAllAsync(system, (item, _) =>
        {
            var now = DateTimeOffset.UtcNow;
            if (item.Type == FeedItemType.AckOverdue && item.CaseId is { } caseId && flagged.ContainsKey(caseId)
                && item.Data.TryGetValue("deadline", out var text) && item.Data.TryGetValue("itemId", out var itemId)
                && escalated.TryAdd(itemId, 0))
            {
                var deadline = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
                pushed.Add((now - deadline).TotalMilliseconds);
                raised.Add((item.OccurredAt - deadline).TotalMilliseconds);
            }
        });
        var timerTasks = new ConcurrentBag<Task>();
        var fetched = 0;
        var cpu = await CpuMeter.CreateAsync(system);
        var cpuBefore = cpu.Take();
        var pausedBefore = GC.GetTotalPauseDuration();
        var wall = Stopwatch.StartNew();
        try
        {
            var rate = s.EscalationAlerts / s.EscalationSpread.TotalSeconds;
            log(string.Create(CultureInfo.InvariantCulture,
                $"  flagging {s.EscalationAlerts} Critical referrals at {rate:F1}/s; each falls due {s.CriticalAckDeadline.TotalSeconds:F0} s after its commit"));
            await Load.OpenLoopAsync(rate, async _ =>
            {
                var receiver = system.RandomReceiver();
                var c = await system.FlagAsync(receiver, "Critical");
                flagged[c.CaseId] = 0;
                var deadline = DateTimeOffset.UtcNow + s.CriticalAckDeadline;
                timerTasks.Add(Task.Run(async () =>
                {
                    var wait = deadline - DateTimeOffset.UtcNow;
                    await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                    timers.Add((DateTimeOffset.UtcNow - deadline).TotalMilliseconds);
                }));
            }, CancellationToken.None, s.EscalationAlerts);

            var deadlineOfWait = Stopwatch.GetTimestamp() + Load.Ticks(s.CriticalAckDeadline + s.Patience);
            while (escalated.Count < s.EscalationAlerts && Stopwatch.GetTimestamp() < deadlineOfWait)
            {
                await Task.Delay(100);
            }

            await Task.WhenAll(timerTasks);

            // As a dashboard does when a push never came (api.md: reconnect or gap, then Since): what the
            // push missed is fetched, and counted apart; only an item that is in no feed is missing.
            if (escalated.Count < s.EscalationAlerts)
            {
                foreach (var dashboard in dashboards)
                {
                    foreach (var item in await dashboard.SinceAsync(0))
                    {
                        if (item.Type == FeedItemType.AckOverdue && item.CaseId is { } caseId && flagged.ContainsKey(caseId)
                            && item.Data.TryGetValue("itemId", out var itemId) && escalated.TryAdd(itemId, 0))
                        {
                            fetched++;
                        }
                    }
                }
            }
        }
        finally
        {
            await Dashboards.CloseAsync(dashboards);
        }

        // Where the machine's time went meanwhile: lateness with the processes far from saturating the
        // cores, and this process's own collections, tell a busy machine from a slow system.
        var used = cpu.Take() - cpuBefore;
        var paused = GC.GetTotalPauseDuration() - pausedBefore;
        var seconds = wall.Elapsed.TotalSeconds;
        var ids = flagged.Keys.ToArray();
        var inFeeds = await system.CountAsync(
            "SELECT count(DISTINCT data->>'itemId') FROM feed_items WHERE type = 'AckOverdue' AND case_id = ANY (@ids)", ("ids", ids));
        if (inFeeds != s.EscalationAlerts || escalated.Count != s.EscalationAlerts)
        {
            throw new BenchmarkFailure($"{s.EscalationAlerts} alerts fell due: {inFeeds} AckOverdue raised in feeds, {escalated.Count} reached dashboards");
        }

        if (fetched > 0)
        {
            log(string.Create(CultureInfo.InvariantCulture, $"  {fetched} AckOverdue not pushed in time, fetched by the dashboards' catch-up (Since)"));
        }

        log(string.Create(CultureInfo.InvariantCulture,
            $"  pushed lateness p50 {pushed.Percentile(50):F0} ms, p99 {pushed.Percentile(99):F0} ms, max {pushed.Max:F0} ms; timer baseline p99 {timers.Percentile(99):F0} ms"));
        var measurements = new List<Measurement>
        {
            new("lateness at the dashboard: p50", pushed.Percentile(50), timers.Percentile(50), "ms"),
            new("lateness at the dashboard: p99", pushed.Percentile(99), timers.Percentile(99), "ms", "< 1000 ms", pushed.Percentile(99) < 1000),
            new("lateness at the dashboard: max", pushed.Max, timers.Max, "ms"),
            new("raised (occurredAt) lateness: p99", raised.Percentile(99), timers.Percentile(99), "ms"),
        };
        return new ScenarioResult(Id, string.Create(CultureInfo.InvariantCulture, $"Escalation precision ({s.EscalationAlerts} unacknowledged alerts)"), measurements,
        [
            string.Create(CultureInfo.InvariantCulture,
                $"{s.EscalationAlerts} deadlines over {s.EscalationSpread.TotalSeconds:F0} s across {system.Receivers.Count} agencies; {inFeeds} AckOverdue in the feeds, {escalated.Count} pushed, none missing"),
            string.Create(CultureInfo.InvariantCulture,
                $"CPU over the scenario's {seconds:F0} s ({Environment.ProcessorCount} cores): web {used.Web:F1} s, silo {used.Silo:F1} s, PostgreSQL {used.Postgres:F1} s, benchmark {used.Benchmark:F1} s; the benchmark's GC pauses {paused.TotalMilliseconds:F0} ms"),
        ]);
    }
}
