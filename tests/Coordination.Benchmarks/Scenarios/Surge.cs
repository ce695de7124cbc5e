using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace Coordination.Benchmarks;

/// <summary>
/// 5. Surge: N cases flagged in one burst (a fixed number in flight) over every receiving agency,
/// each agency's dashboard connected. Timed until every flag is durable (its 201 arrived) and until
/// every referral is delivered (pushed to its dashboard); then nothing may be lost: N cases, N
/// ReferralReceived items, every agency's feed exactly seq 1..n. Baseline: the same burst of raw
/// committed INSERTs, each followed by an echo-hub push, over as many bare connections.
/// </summary>
public static class Surge
{
    public const string Id = "5";

    public static async Task<ScenarioResult> RunAsync(BenchSystem system, Action<string> log)
    {
        var s = system.Settings;
        var board = new ReceiptBoard();
        var dashboards = await Dashboards.ListenToReferralsAsync(system, board);
        var ids = new string[s.SurgeCases];
        double durableMs, deliveredMs;
        IReadOnlyList<string> missed;
        try
        {
            var start = Stopwatch.GetTimestamp();
            await Load.CountAsync(s.SurgeCases, s.SurgeInFlight, async i => ids[i] = (await system.FlagAsync(system.RandomReceiver())).CaseId);
            durableMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            missed = await board.WaitAllAsync(ids, s.Patience);
            deliveredMs = missed.Count > 0 ? double.NaN : Stopwatch.GetElapsedTime(start, Math.Max(board.LastOf(ids), start)).TotalMilliseconds;
        }
        finally
        {
            await Dashboards.CloseAsync(dashboards);
        }

        var cases = await system.CountAsync("SELECT count(*) FROM cases WHERE id = ANY (@ids)", ("ids", ids));
        var referrals = await system.CountAsync("SELECT count(*) FROM feed_items WHERE type = 'ReferralReceived' AND case_id = ANY (@ids)", ("ids", ids));
        var feeds = await system.AssertFeedsContiguousAsync();
        if (cases != s.SurgeCases || referrals != s.SurgeCases)
        {
            throw new BenchmarkFailure($"surge of {s.SurgeCases}: {cases} cases and {referrals} referral items committed");
        }

        if (missed.Count > 0)
        {
            throw new BenchmarkFailure($"{missed.Count} referrals are in their feeds but were never pushed, e.g. {missed[0]}");
        }

        log(string.Create(CultureInfo.InvariantCulture, $"  system: all durable in {durableMs:F0} ms, all delivered in {deliveredMs:F0} ms"));

        var echoBoard = new ReceiptBoard();
        var connections = new HubConnection[system.Receivers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, connections.Length), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => connections[i] = await system.Echo.ConnectAsync(echoBoard));
        double baselineDurableMs, baselineDeliveredMs;
        try
        {
            var tags = Enumerable.Range(0, s.SurgeCases).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
            var start = Stopwatch.GetTimestamp();
            await Load.CountAsync(s.SurgeCases, s.SurgeInFlight, async i =>
            {
                await system.Raw.InsertAsync();
                await connections[Random.Shared.Next(connections.Length)].SendAsync("Echo", tags[i]);
            });
            baselineDurableMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var lost = await echoBoard.WaitAllAsync(tags, s.Patience);
            if (lost.Count > 0)
            {
                throw new BenchmarkFailure($"the echo baseline lost {lost.Count} pushes");
            }

            baselineDeliveredMs = Stopwatch.GetElapsedTime(start, echoBoard.LastOf(tags)).TotalMilliseconds;
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        log(string.Create(CultureInfo.InvariantCulture, $"  baseline: all committed in {baselineDurableMs:F0} ms, all echoed in {baselineDeliveredMs:F0} ms"));
        return new ScenarioResult(Id, string.Create(CultureInfo.InvariantCulture, $"Surge ({s.SurgeCases} flags in a burst)"),
        [
            new Measurement("time until all durable (201)", durableMs, baselineDurableMs, "ms"),
            new Measurement("time until all delivered (pushed)", deliveredMs, baselineDeliveredMs, "ms"),
            new Measurement("burst rate", s.SurgeCases / (durableMs / 1000), s.SurgeCases / (baselineDurableMs / 1000), "/s"),
        ],
        [
            string.Create(CultureInfo.InvariantCulture,
                $"{s.SurgeInFlight} flags in flight; {cases} cases and {referrals} ReferralReceived items committed, all {s.SurgeCases} pushed; {feeds} agency feeds checked gapless (seq 1..n)"),
        ]);
    }
}
